import json
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import tuner as kt
from minikeras.tuner.hyperparameters import Float, Int


class FunctionSearch:
    """A mixin whose trials score a cheap function of `x` instead of training a model."""

    def run_trial(self, trial, *args, **kwargs):
        return (trial.hyperparameters.Float("x", 0.0, 1.0) - 0.3) ** 2


class RandomFunctionSearch(FunctionSearch, kt.RandomSearch):
    pass


class BayesianFunctionSearch(FunctionSearch, kt.BayesianOptimization):
    pass


def first_trial_within(tuner, tolerance):
    """The 1-based number of the first trial whose x is within `tolerance` of the optimum."""
    for number, trial in enumerate(tuner.oracle.trials.values(), start=1):
        if abs(trial.hyperparameters.values["x"] - 0.3) < tolerance:
            return number
    return None


# Hyperparameters -------------------------------------------------------------------------------

def test_int_sampling_stays_on_the_step_grid_and_covers_it():
    rng = np.random.default_rng(0)
    hp = Int("units", 32, 128, step=32)
    samples = {hp.random_sample(rng) for _ in range(200)}
    assert samples == {32, 64, 96, 128}
    assert hp.values() == [32, 64, 96, 128]
    assert hp.default == 32


def test_log_sampling_is_uniform_in_the_exponent():
    rng = np.random.default_rng(0)
    hp = Float("lr", 1e-4, 1e-1, sampling="log")
    samples = np.array([hp.random_sample(rng) for _ in range(2000)])
    assert samples.min() >= 1e-4 and samples.max() <= 1e-1
    # a quarter of the decades each way: linear sampling would put ~0.1% below 1e-3
    below = np.mean(samples < 1e-3)
    assert 0.28 < below < 0.39
    assert Int("filters", 8, 64, step=2, sampling="log").values() == [8, 16, 32, 64]
    assert Float("p", 0.0, 0.5, step=0.1).values() == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])


def test_unit_mapping_round_trips():
    hp = kt.HyperParameters()
    hp.Int("a", 1, 9, step=2)
    hp.Float("b", 1e-3, 1.0, sampling="log")
    hp.Choice("c", ["relu", "tanh", "gelu"])
    hp.Boolean("d")
    for h in hp.space:
        for value in h.values():
            assert h.from_unit(h.to_unit(value)) == pytest.approx(value)


def test_hyperparameters_declare_get_and_values():
    hp = kt.HyperParameters()
    assert hp.Int("units", 8, 64, step=8, default=16) == 16
    assert hp.Choice("act", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("bn") is False
    assert hp.Fixed("batch", 32) == 32
    assert hp.Float("lr", 1e-3, 1e-1, sampling="log") == pytest.approx(1e-3)
    assert hp.get("units") == 16 and hp.values["act"] == "relu"
    assert hp.Int("units", 8, 64, step=8, default=16) == 16  # same definition: fine
    with pytest.raises(KeyError, match="nope does not exist"):
        hp.get("nope")


@pytest.mark.parametrize("call, error, match", [
    (lambda hp: hp.Int("a", 5, 1), ValueError, "min_value must not exceed max_value"),
    (lambda hp: hp.Float("a", 0.0, 1.0, sampling="log"), ValueError, "needs min_value > 0"),
    (lambda hp: hp.Float("a", 1.0, 2.0, sampling="cubic"), ValueError, "'linear', 'log'"),
    (lambda hp: hp.Choice("a", []), ValueError, "non-empty list"),
    (lambda hp: hp.Choice("a", [1, "x"]), TypeError, "must all be"),
    (lambda hp: hp.Int("a", 1.5, 3), TypeError, "must be an int"),
    (lambda hp: hp.Int("a", 1, 3, default=7), ValueError, "outside"),
])
def test_bad_hyperparameters_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(kt.HyperParameters())


def test_a_name_redefined_differently_raises():
    hp = kt.HyperParameters()
    hp.Int("units", 8, 64)
    with pytest.raises(ValueError, match="'units' is already defined"):
        hp.Int("units", 8, 128)


def test_objective_direction_is_inferred_or_given():
    from minikeras.tuner.objective import get
    assert get("val_accuracy").direction == "max"
    assert get("val_loss").direction == "min"
    assert get("val_mean_absolute_error").direction == "min"
    with pytest.raises(ValueError, match="Could not infer optimization direction"):
        get("val_custom")
    with pytest.raises(ValueError, match="'min' or 'max'"):
        kt.Objective("val_loss", "down")


# Oracles on a cheap function -------------------------------------------------------------------

def test_grid_search_visits_every_combination_exactly_once(tmp_path):
    seen = []

    class Grid(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            seen.append((hp.Int("a", 1, 3), hp.Choice("b", ["x", "y"]), hp.Boolean("c")))
            return float(len(seen))

    Grid(objective="loss", directory=tmp_path, max_trials=None).search(verbose=0)
    assert len(seen) == 12 and len(set(seen)) == 12


def test_grid_search_skips_values_a_trial_did_not_read(tmp_path):
    def build(hp):
        hp.Fixed("name", "net")
        units = [hp.Int(f"units_{i}", 1, 2) for i in range(hp.Int("layers", 1, 2))]
        return units

    seen = []

    class Grid(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            seen.append(tuple(build(trial.hyperparameters)))
            return 0.0

    Grid(objective="loss", directory=tmp_path).search(verbose=0)
    # layers=1 ignores units_1: 2 models with one layer, 4 with two, each built once
    assert sorted(seen) == [(1,), (1, 1), (1, 2), (2,), (2, 1), (2, 2)]


def test_random_search_is_reproducible_with_a_seed(tmp_path):
    def values(seed, name):
        tuner = RandomFunctionSearch(objective="loss", max_trials=6, seed=seed,
                                     directory=tmp_path, project_name=name)
        tuner.search(verbose=0)
        return [t.hyperparameters.values["x"] for t in tuner.oracle.trials.values()]

    assert values(7, "a") == values(7, "b")
    assert values(7, "a") != values(8, "c")


def test_bayesian_optimization_needs_fewer_trials_than_random_search(tmp_path):
    common = dict(objective="loss", max_trials=14, seed=3, directory=tmp_path)
    bayesian = BayesianFunctionSearch(num_initial_points=3, project_name="bo", **common)
    bayesian.search(verbose=0)
    random = RandomFunctionSearch(project_name="random", **common)
    random.search(verbose=0)
    found = first_trial_within(bayesian, 0.01)
    assert found is not None and found <= 10
    assert (first_trial_within(random, 0.01) or np.inf) > found
    best = bayesian.get_best_hyperparameters()[0]
    assert abs(best.get("x") - 0.3) < 0.01


def test_run_trial_may_return_a_dict_and_max_direction_picks_the_highest(tmp_path):
    class Search(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return {"score": trial.hyperparameters.Int("n", 0, 9), "other": 0.0}

    tuner = Search(objective=kt.Objective("score", "max"), max_trials=10, seed=1,
                   directory=tmp_path)
    tuner.search(verbose=0)
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == max(t.score for t in tuner.oracle.trials.values())


# Records, resuming and failures ----------------------------------------------------------------

def test_resume_after_interruption_skips_finished_trials(tmp_path):
    calls, interrupt_at = [], ["02"]

    class Interrupted(RandomFunctionSearch):
        def run_trial(self, trial, *args, **kwargs):
            calls.append(trial.trial_id)
            if trial.trial_id in interrupt_at:
                raise KeyboardInterrupt
            return super().run_trial(trial)

    kwargs = dict(objective="loss", max_trials=5, seed=2, directory=tmp_path,
                  project_name="p")
    with pytest.raises(KeyboardInterrupt):
        Interrupted(**kwargs).search(verbose=0)
    assert calls == ["00", "01", "02"]
    record = json.loads((tmp_path / "p" / "trial_01" / "trial.json").read_text())
    assert record["status"] == "COMPLETED"

    calls.clear()
    interrupt_at.clear()
    resumed = Interrupted(**kwargs)  # overwrite=False: continue
    resumed.search(verbose=0)
    assert calls == ["02", "03", "04"]
    uninterrupted = RandomFunctionSearch(**{**kwargs, "project_name": "q"})
    uninterrupted.search(verbose=0)
    assert [t.hyperparameters.values for t in resumed.oracle.trials.values()] == \
        [t.hyperparameters.values for t in uninterrupted.oracle.trials.values()]

    calls.clear()
    Interrupted(**kwargs, overwrite=True).search(verbose=0)
    assert calls[:2] == ["00", "01"]


def test_a_failing_trial_is_reported_and_the_others_continue(tmp_path, capsys):
    class Flaky(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            n = trial.hyperparameters.Int("n", 0, 3)
            if n == 1:
                raise ZeroDivisionError("bad value of n")
            return float(n)

    tuner = Flaky(objective="loss", directory=tmp_path)
    tuner.search(verbose=0)
    out = capsys.readouterr().out
    assert "Trial 01 failed: ZeroDivisionError: bad value of n" in out
    statuses = {t.hyperparameters.values["n"]: t.status for t in tuner.oracle.trials.values()}
    assert statuses == {0: "COMPLETED", 1: "FAILED", 2: "COMPLETED", 3: "COMPLETED"}
    assert "bad value of n" in tuner.oracle.trials["01"].message


def test_consecutive_failures_stop_the_search(tmp_path, capsys):
    def build_model(hp):
        hp.Int("units", 1, 8)
        raise RuntimeError("broken model")

    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=10,
                            directory=tmp_path)
    with pytest.raises(RuntimeError, match="consecutive failures exceeded the limit of 3"):
        tuner.search(np.zeros((4, 2)), np.zeros(4), verbose=0)
    assert len(tuner.oracle.trials) == 3
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=2,
                            directory=tmp_path, project_name="two")
    with pytest.raises(RuntimeError, match="(?s)All 2 trials failed.*broken model"):
        tuner.search(np.zeros((4, 2)), np.zeros(4), verbose=0)


def test_bad_tuner_arguments_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="hypermodel=None"):
        kt.RandomSearch(objective="val_loss", directory=tmp_path)
    with pytest.raises(ValueError, match="max_trials"):
        kt.RandomSearch(lambda hp: None, objective="val_loss", max_trials=0,
                        directory=tmp_path)
    RandomFunctionSearch(objective="loss", max_trials=2, directory=tmp_path, project_name="a")
    with pytest.raises(ValueError, match="overwrite=True"):
        RandomFunctionSearch(objective="val_accuracy", max_trials=2, directory=tmp_path,
                             project_name="a")


# A real search on the digits -------------------------------------------------------------------

def build_model(hp):
    layers = [keras.layers.Dense(hp.Int(f"units_{i}", 8, 32, step=8), activation="relu")
              for i in range(hp.Int("num_layers", 1, 2))]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-3, 1e-2, sampling="log")),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_real_search_finds_a_model_scoring_its_recorded_value(tmp_path, capsys):
    (x, y), _ = keras.datasets.digits.load_data()
    x = (x[:300].reshape(-1, 64) / 16.0).astype("float32")
    x_train, y_train, x_val, y_val = x[:200], y[:200], x[200:], y[200:300]
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=3, seed=0,
                            directory=tmp_path, project_name="digits")
    tuner.search(x_train, y_train, validation_data=(x_val, y_val), epochs=2, batch_size=32,
                 verbose=0)
    assert all(t.status == "COMPLETED" for t in tuner.oracle.trials.values())
    best_trial = tuner.oracle.get_best_trials(1)[0]
    assert best_trial.score == max(best_trial.metrics["val_accuracy"])
    model = tuner.get_best_models(1)[0]
    _, accuracy = model.evaluate(x_val, y_val, verbose=0)
    assert accuracy == pytest.approx(best_trial.score, abs=1e-6)
    assert tuner.get_best_hyperparameters(1)[0].values == best_trial.hyperparameters.values
    assert os.path.exists(tmp_path / "digits" / f"trial_{best_trial.trial_id}" /
                          "checkpoint.weights.h5")

    tuner.search_space_summary()
    tuner.results_summary(2)
    out = capsys.readouterr().out
    assert "Default search space size: 4" in out and "units_1 (Int)" in out
    assert 'Objective(name="val_accuracy", direction="max")' in out
    assert f"Score: {best_trial.score}" in out


def test_a_missing_validation_metric_is_a_clear_error(tmp_path):
    (x, y), _ = keras.datasets.digits.load_data()
    x = (x[:40].reshape(-1, 64) / 16.0).astype("float32")
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=1,
                            directory=tmp_path)
    with pytest.raises(ValueError, match="Objective value missing.*validation_split"):
        tuner.search(x, y[:40], epochs=1, verbose=0)
