"""Oracles driven directly with cheap score functions: grid coverage, seeded random draws,
Bayesian optimization against random search, conditional spaces, and the JSON record."""

import json

import numpy as np
import pytest

from minikeras import tuner as kt


def run(oracle, score):
    """Drive `oracle` as a tuner does, scoring each trial with `score(hp)`."""
    while (trial := oracle.create_trial()) is not None:
        oracle.end_trial(trial, "COMPLETED", score(trial.hyperparameters))
    return list(oracle.trials.values())


def declare(oracle, build):
    """Give `oracle` the space that `build(hp)` declares, as a tuner does before trial 0."""
    hp = kt.HyperParameters()
    build(hp)
    oracle.update_space(hp)
    return oracle


def log_lr_distance(hp):
    """A known 1-D function of a log-scaled value: its optimum is at lr = 10**-2.5."""
    return (np.log10(hp.Float("lr", 1e-5, 1.0, sampling="log")) + 2.5) ** 2


def first_hit(trials, tolerance=0.05):
    """The 1-based number of the first trial within `tolerance` decades of the optimum."""
    for number, trial in enumerate(trials, start=1):
        if abs(np.log10(trial.hyperparameters.values["lr"]) + 2.5) < tolerance:
            return number
    return np.inf


def test_grid_search_visits_every_combination_exactly_once():
    def build(hp):
        return hp.Int("a", 1, 3), hp.Choice("b", ["x", "y"]), hp.Boolean("c"), hp.Fixed("d", 1)

    seen = []
    run(declare(kt.GridSearchOracle("loss"), build), lambda hp: seen.append(build(hp)) or 0.0)
    assert len(seen) == 12 and len(set(seen)) == 12
    assert seen[:3] == [(1, "x", False, 1), (1, "x", True, 1), (1, "y", False, 1)]


def test_grid_search_extends_to_hyperparameters_first_seen_in_a_later_trial():
    def build(hp):  # the number of layers decides which units_i exist
        return tuple(hp.Int(f"units_{i}", 1, 2) for i in range(hp.Int("layers", 1, 2)))

    seen = []
    run(declare(kt.GridSearchOracle("loss"), build), lambda hp: seen.append(build(hp)) or 0.0)
    # layers=1 never reads units_1: 2 one-layer models and 4 two-layer ones, each built once
    assert sorted(seen) == [(1,), (1, 1), (1, 2), (2,), (2, 1), (2, 2)]


def test_grid_search_skips_what_a_conditional_scope_leaves_inactive():
    def build(hp):
        kind = hp.Choice("kind", ["linear", "mlp"])
        with hp.conditional_scope("kind", ["mlp"]):
            units = hp.Int("units", 8, 24, step=8)
        return kind, units

    seen = []
    run(declare(kt.GridSearchOracle("loss"), build), lambda hp: seen.append(build(hp)) or 0.0)
    assert seen == [("linear", None), ("mlp", 8), ("mlp", 16), ("mlp", 24)]


def test_random_search_is_reproducible_with_a_seed():
    def values(seed):
        oracle = declare(kt.RandomSearchOracle("loss", max_trials=6, seed=seed),
                         log_lr_distance)
        return [t.hyperparameters.values["lr"] for t in run(oracle, log_lr_distance)]

    assert values(7) == values(7)
    assert values(7) != values(8)


def test_random_search_stops_when_the_space_is_exhausted():
    oracle = kt.RandomSearchOracle("loss", max_trials=50, seed=0)
    trials = run(declare(oracle, lambda hp: hp.Int("n", 0, 3)), lambda hp: hp.Int("n", 0, 3))
    assert sorted(t.hyperparameters.values["n"] for t in trials) == [0, 1, 2, 3]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bayesian_optimization_finds_the_optimum_in_fewer_trials_than_random_search(seed):
    bayesian = declare(kt.BayesianOptimizationOracle("loss", max_trials=12, seed=seed,
                                                     num_initial_points=3), log_lr_distance)
    found = first_hit(run(bayesian, log_lr_distance))
    random = declare(kt.RandomSearchOracle("loss", max_trials=40, seed=seed), log_lr_distance)
    assert found <= 10
    assert first_hit(run(random, log_lr_distance)) > found
    best = bayesian.get_best_trials(1)[0]
    assert abs(np.log10(best.hyperparameters.values["lr"]) + 2.5) < 0.05


def test_bayesian_optimization_maximizes_a_max_objective():
    def score(hp):
        return -(hp.Float("x", -1.0, 1.0) - 0.5) ** 2 - (hp.Float("y", -1.0, 1.0) + 0.2) ** 2

    oracle = kt.BayesianOptimizationOracle(kt.Objective("score", "max"), max_trials=14,
                                           seed=0)
    run(declare(oracle, score), score)
    best = oracle.get_best_trials(1)[0]
    assert oracle.num_initial_points is None  # 3 per searched hyperparameter: 6 random first
    assert best.score > -0.01
    assert [t.score for t in oracle.get_best_trials(3)] == \
        sorted((t.score for t in oracle.trials.values()), reverse=True)[:3]


def test_trial_ids_are_padded_to_the_width_of_max_trials():
    few = run(kt.RandomSearchOracle("loss", max_trials=3, seed=0),
              lambda hp: hp.Float("x", 0.0, 1.0))
    assert [t.trial_id for t in few] == ["0", "1", "2"]
    trials = run(declare(kt.RandomSearchOracle("loss", max_trials=10, seed=0),
                         lambda hp: hp.Float("x", 0.0, 1.0)), lambda hp: hp.Float("x", 0.0, 1.0))
    assert trials[0].trial_id == "00" and trials[-1].trial_id == "09"
    grid = run(kt.GridSearchOracle("loss"), lambda hp: hp.Boolean("b") * 1.0)
    assert [t.trial_id for t in grid] == ["0000", "0001"]


def test_the_record_is_json_and_reloads(tmp_path):
    oracle = declare(kt.RandomSearchOracle("loss", max_trials=3, seed=4), log_lr_distance)
    oracle.project_dir = str(tmp_path)
    run(oracle, log_lr_distance)
    state = json.loads((tmp_path / "oracle.json").read_text())
    assert state["trial_ids"] == ["0", "1", "2"] and state["class_name"] == "RandomSearchOracle"
    record = json.loads((tmp_path / "trial_1" / "trial.json").read_text())
    assert record["status"] == "COMPLETED" and record["score"] == oracle.trials["1"].score
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]

    again = kt.RandomSearchOracle("loss", max_trials=3, seed=4)
    again.project_dir = str(tmp_path)
    assert again.reload()
    assert [t.get_state() for t in again.trials.values()] == \
        [t.get_state() for t in oracle.trials.values()]
    other = kt.GridSearchOracle("loss")
    other.project_dir = str(tmp_path)
    with pytest.raises(ValueError, match="holds a RandomSearchOracle search.*overwrite=True"):
        other.reload()


def test_bad_oracle_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`max_trials` must be a positive int or None"):
        kt.RandomSearchOracle("loss", max_trials=0)
    with pytest.raises(ValueError, match="`seed` must be an int"):
        kt.RandomSearchOracle("loss", seed=-1)
    with pytest.raises(ValueError, match="`num_initial_points` must be a positive int"):
        kt.BayesianOptimizationOracle("loss", num_initial_points=0)
    with pytest.raises(ValueError, match="`alpha` must be a positive number"):
        kt.BayesianOptimizationOracle("loss", alpha=0)
    oracle = kt.RandomSearchOracle("loss", max_trials=2, seed=0)
    trial = oracle.create_trial()
    with pytest.raises(ValueError, match="a finite number as score.*score=nan"):
        oracle.end_trial(trial, "COMPLETED", float("nan"))
    with pytest.raises(ValueError, match="status='DONE'"):
        oracle.end_trial(trial, "DONE", 1.0)
