"""Tuners: a real search on the digits, run_trial overrides, resuming, failing trials, summaries
and clear errors."""

import json
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import tuner as kt


class FunctionSearch:
    """A mixin whose trials score a cheap function instead of training a model."""

    calls = None  # a list to append each trial id to, where a test wants them

    def run_trial(self, trial, *args, **kwargs):
        if self.calls is not None:
            self.calls.append(trial.trial_id)
        return (trial.hyperparameters.Float("x", 0.0, 1.0) - 0.3) ** 2


class RandomFunctionSearch(FunctionSearch, kt.RandomSearch):
    pass


def digits(n):
    (x, y), _ = keras.datasets.digits.load_data()
    return (x[:n].reshape(-1, 64) / 16.0).astype("float32"), y[:n]


def build_model(hp):
    layers = [keras.layers.Dense(hp.Int(f"units_{i}", 8, 32, step=8), activation="relu")
              for i in range(hp.Int("num_layers", 1, 2))]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-3, 1e-2, sampling="log")),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# A real search ---------------------------------------------------------------------------------

def test_a_real_search_finds_a_model_scoring_its_recorded_value(tmp_path, capsys):
    x, y = digits(300)
    data = dict(validation_data=(x[200:], y[200:]), epochs=2, batch_size=32, verbose=0)

    def search(project_name):
        tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=3, seed=0,
                                directory=tmp_path, project_name=project_name)
        tuner.search(x[:200], y[:200], **data)
        return tuner

    tuner = search("digits")
    trials = list(tuner.oracle.trials.values())
    assert [t.status for t in trials] == ["COMPLETED"] * 3
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == max(t.score for t in trials)
    assert best.score == max(best.metrics["val_accuracy"])  # the best epoch, not the last
    assert best.best_step == best.metrics["val_accuracy"].index(best.score)
    assert tuner.get_best_hyperparameters(1)[0].values == best.hyperparameters.values

    model = tuner.get_best_models(1)[0]
    _, accuracy = model.evaluate(x[200:], y[200:], verbose=0)
    assert accuracy == pytest.approx(best.score, abs=1e-6)
    folder = tmp_path / "digits" / f"trial_{best.trial_id}"
    assert sorted(os.listdir(folder)) == ["checkpoint.weights.h5", "trial.json"]

    # the same seed repeats the same trials, models and scores
    again = search("again")
    assert [(t.hyperparameters.values, t.score) for t in again.oracle.trials.values()] == \
        [(t.hyperparameters.values, t.score) for t in trials]

    tuner.search_space_summary()
    tuner.results_summary(2)
    out = capsys.readouterr().out
    assert "Default search space size: 4" in out and "units_1 (Int)" in out
    assert "'min_value': 8, 'max_value': 32, 'step': 8, 'sampling': 'linear'" in out
    assert 'Objective(name="val_accuracy", direction="max")' in out
    for trial in tuner.oracle.get_best_trials(2):
        block = out.split(f"Trial {trial.trial_id} summary\nHyperparameters:\n")[1]
        shown = block.split("Score: ")[0].split()
        used = [f"units_{i}" for i in range(trial.hyperparameters.values["num_layers"])]
        assert shown[0::2] == [n + ":" for n in trial.hyperparameters.values
                               if n in ["num_layers", "lr"] + used]  # the unused units: not
        assert block.split("Score: ")[1].startswith(str(trial.score))


def test_validation_split_works_and_a_missing_validation_metric_is_a_clear_error(tmp_path):
    x, y = digits(40)
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=1, seed=0,
                            directory=tmp_path)
    with pytest.raises(ValueError, match=r"Objective value missing.*expected: \['val_accuracy'"
                                         r"\].*validation_split=0.2"):
        tuner.search(x, y, epochs=1, verbose=0)
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert tuner.oracle.trials["0"].status == "COMPLETED"


def test_a_failing_build_model_is_reported_and_the_others_continue(tmp_path, capsys):
    x, y = digits(32)

    def build(hp):
        model = keras.Sequential([keras.layers.Dense(8, activation=hp.Choice(
            "activation", ["relu", "bogus", "tanh"])), keras.layers.Dense(10)])
        model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    tuner = kt.GridSearch(build, objective="val_loss", directory=tmp_path)
    tuner.search(x, y, validation_data=(x, y), epochs=1, verbose=0)
    out = capsys.readouterr().out
    assert "Trial 0001 failed: ValueError:" in out and "bogus" in out
    assert "Traceback (most recent call last, shortened)" in out
    statuses = {t.hyperparameters.values["activation"]: t.status
                for t in tuner.oracle.trials.values()}
    assert statuses == {"relu": "COMPLETED", "bogus": "FAILED", "tanh": "COMPLETED"}
    record = json.loads((tmp_path / "untitled_project" / "trial_0001" / "trial.json").read_text())
    assert record["status"] == "FAILED" and "bogus" in record["message"]
    assert tuner.get_best_hyperparameters()[0].values["activation"] in ("relu", "tanh")


def test_consecutive_failures_stop_the_search_and_all_failed_is_an_error(tmp_path):
    def build(hp):
        hp.Int("units", 1, 8)
        raise RuntimeError("broken model")

    tuner = kt.RandomSearch(build, objective="val_loss", max_trials=10, directory=tmp_path)
    with pytest.raises(RuntimeError, match="(?s)consecutive failures exceeded the limit of 3.*"
                                           "broken model"):
        tuner.search(np.zeros((4, 2)), np.zeros(4), verbose=0)
    assert len(tuner.oracle.trials) == 3
    tuner = kt.RandomSearch(build, objective="val_loss", max_trials=2, directory=tmp_path,
                            project_name="two")
    with pytest.raises(RuntimeError, match="(?s)All 2 trials failed.*broken model"):
        tuner.search(np.zeros((4, 2)), np.zeros(4), verbose=0)


# run_trial overrides -----------------------------------------------------------------------

def test_run_trial_may_return_a_number_a_dict_or_histories(tmp_path):
    class Search(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            n = trial.hyperparameters.Int("n", 0, 9)
            return [{"score": n, "other": 0.0}, {"score": n + 1.0}]  # two executions: a mean

    tuner = Search(objective=kt.Objective("score", "max"), max_trials=10, seed=1,
                   directory=tmp_path)
    tuner.search(verbose=0)
    assert sorted(t.score for t in tuner.oracle.trials.values()) == \
        [n + 0.5 for n in range(10)]
    assert tuner.get_best_hyperparameters()[0].values == {"n": 9}
    with pytest.raises(ValueError, match="needs a hypermodel to rebuild"):
        tuner.get_best_models()


def test_executions_per_trial_average_the_best_epochs(tmp_path):
    class FakeHistory:
        def __init__(self, values):
            self.history = {"val_loss": values}

    executions = iter([[0.5, 0.2], [0.4, 0.6]])

    class HyperModel(kt.HyperModel):
        def build(self, hp):
            return keras.Sequential([keras.layers.Dense(hp.Int("units", 1, 1))])

        def fit(self, hp, model, *args, **kwargs):
            return FakeHistory(next(executions))

    tuner = kt.RandomSearch(HyperModel(), objective="val_loss", max_trials=1,
                            executions_per_trial=2, directory=tmp_path)
    tuner.search(verbose=0)
    assert tuner.oracle.trials["0"].score == pytest.approx((0.2 + 0.4) / 2)


# Resuming ------------------------------------------------------------------------------------

def test_resume_after_interruption_skips_finished_trials(tmp_path):
    class Interrupted(RandomFunctionSearch):
        calls, stop_at = [], ["2"]

        def run_trial(self, trial, *args, **kwargs):
            if trial.trial_id in self.stop_at:
                self.calls.append(trial.trial_id)
                raise KeyboardInterrupt
            return super().run_trial(trial)

    kwargs = dict(objective="loss", max_trials=5, seed=2, directory=tmp_path, project_name="p")
    with pytest.raises(KeyboardInterrupt):
        Interrupted(**kwargs).search(verbose=0)
    assert Interrupted.calls == ["0", "1", "2"]
    record = json.loads((tmp_path / "p" / "trial_2" / "trial.json").read_text())
    assert record["status"] == "RUNNING"

    Interrupted.calls.clear()
    Interrupted.stop_at.clear()
    resumed = Interrupted(**kwargs)  # overwrite=False: go on where it stopped
    resumed.search(verbose=0)
    assert Interrupted.calls == ["2", "3", "4"]
    uninterrupted = RandomFunctionSearch(**{**kwargs, "project_name": "q"})
    uninterrupted.search(verbose=0)
    assert [t.get_state() for t in resumed.oracle.trials.values()] == \
        [t.get_state() for t in uninterrupted.oracle.trials.values()]

    Interrupted.calls.clear()
    Interrupted(**kwargs).search(verbose=0)  # all done: nothing runs again
    assert Interrupted.calls == []
    (tmp_path / "p" / "notes.txt").write_text("mine")
    Interrupted(**kwargs, overwrite=True).search(verbose=0)
    assert Interrupted.calls == ["0", "1", "2", "3", "4"]
    assert (tmp_path / "p" / "notes.txt").read_text() == "mine"  # overwrite removes its own


def test_a_changed_search_space_is_refused_on_resume(tmp_path):
    def build(hp, high=32):
        hp.Int("units", 8, high, step=8)
        return keras.Sequential([keras.layers.Dense(1)])

    kt.RandomSearch(build, objective="val_loss", max_trials=2, directory=tmp_path)
    with pytest.raises(ValueError, match="has Int.*'max_value': 32.*now declares Int.*"
                                         "'max_value': 64.*overwrite=True"):
        kt.RandomSearch(lambda hp: build(hp, high=64), objective="val_loss", max_trials=2,
                        directory=tmp_path)
    kt.RandomSearch(lambda hp: build(hp, high=64), objective="val_loss", max_trials=2,
                    directory=tmp_path, overwrite=True)


# Output and errors ---------------------------------------------------------------------------

def test_the_search_prints_each_trial(tmp_path, capsys):
    RandomFunctionSearch(objective="loss", max_trials=2, seed=0, directory=tmp_path).search()
    out = capsys.readouterr().out
    assert "Search: Running Trial #1" in out and "Search: Running Trial #2" in out
    assert "Value             |Best Value So Far |Hyperparameter" in out
    assert "Trial 2 Complete [00h 00m 00s]" in out and "Best loss So Far:" in out


def test_bad_tuner_arguments_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="Received `hypermodel=None`"):
        kt.RandomSearch(objective="val_loss", directory=tmp_path)
    with pytest.raises(TypeError, match="`hypermodel` must be a function build_model"):
        kt.RandomSearch("model", objective="val_loss", directory=tmp_path)
    with pytest.raises(ValueError, match="`max_trials` must be a positive int"):
        kt.RandomSearch(build_model, objective="val_loss", max_trials=0, directory=tmp_path)
    with pytest.raises(ValueError, match="`executions_per_trial` must be a positive int"):
        kt.RandomSearch(build_model, objective="val_loss", executions_per_trial=0,
                        directory=tmp_path)
    with pytest.raises(ValueError, match="Could not infer optimization direction"):
        kt.BayesianOptimization(build_model, objective="val_custom", directory=tmp_path)
    with pytest.raises(ValueError, match="No trial has completed yet"):
        kt.GridSearch(build_model, objective="val_loss", directory=tmp_path,
                      project_name="empty").get_best_models()
    RandomFunctionSearch(objective="loss", max_trials=2, directory=tmp_path, project_name="a")
    with pytest.raises(ValueError, match="holds a RandomSearchOracle search of "
                                         r'Objective\(name="loss".*overwrite=True'):
        RandomFunctionSearch(objective="val_accuracy", max_trials=2, directory=tmp_path,
                             project_name="a")
