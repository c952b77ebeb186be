"""Tuners: run trials that build and train a model from chosen hyperparameters, keep the best.

A trial's score is the best value of the objective over the epochs of training, measured on
the validation data (`validation_data` or `validation_split`), never on a test set: the
hyperparameters are chosen by that score, so a test set used here would stop being an unbiased
estimate of how the final model does on new data.
"""

import copy
import os
import time
import traceback

import numpy as np

from ..backend import random as backend_random
from ..callbacks.callback import Callback
from .hyperparameters import HyperParameters
from .oracles import BayesianOptimizationOracle, GridSearchOracle, Oracle, RandomSearchOracle
from .trial import COMPLETED, FAILED

WEIGHTS_FILE = "checkpoint.weights.h5"


class HyperModel:
    """Subclass to build a model from hyperparameters and, optionally, to tune `fit` too.

    >>> class MyHyperModel(HyperModel):
    ...     def build(self, hp):
    ...         return make_model(hp.Int("units", 8, 64))
    ...     def fit(self, hp, model, *args, **kwargs):
    ...         return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)
    """

    def build(self, hp):
        raise NotImplementedError("A HyperModel must define build(hp) and return a model.")

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, **kwargs)


class _FunctionHyperModel(HyperModel):
    def __init__(self, build):
        self._build = build

    def build(self, hp):
        return self._build(hp)


class _SaveBestEpoch(Callback):
    """Saves the weights at each epoch that beats the trial's best objective value so far."""

    def __init__(self, objective, filepath, best):
        super().__init__()
        self.objective, self.filepath, self.best = objective, filepath, best

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.objective.name)
        if value is not None and self.objective.better(float(value), self.best["value"]):
            self.best["value"] = float(value)
            self.model.save_weights(self.filepath)


def _short(value):
    """A value as text for the trial table: floats to 6 significant digits."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _format_seconds(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 3600:02d}h {seconds // 60 % 60:02d}m {seconds % 60:02d}s"


class Tuner:
    """Runs a search: asks the oracle for values, runs a trial on them, reports the score.

    Override `run_trial(trial, *args, **kwargs)` to search over anything: it receives the
    arguments of `search` and returns the objective's value (a number), a dict of metrics, or
    a `History` (or a list of them, one per execution, averaged).

    Args:
        oracle: the `Oracle` that chooses values.
        hypermodel: a function `build_model(hp)` returning a compiled model, or a
            `HyperModel`; None when `run_trial` is overridden and builds nothing.
        directory: the folder for the search's records.
        project_name: the subfolder of this search.
        overwrite: start afresh (True) or continue the search recorded there (False).
        executions_per_trial: how many times to train each model; the score is the mean
            (less noise from random initialization).

    >>> tuner = Tuner(RandomSearchOracle("val_loss", max_trials=5), build_model)
    """

    def __init__(self, oracle, hypermodel=None, directory=None, project_name=None,
                 overwrite=False, executions_per_trial=1):
        if not isinstance(oracle, Oracle):
            raise TypeError(f"`oracle` must be a minikeras.tuner Oracle, received {oracle!r}.")
        if hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError("Received `hypermodel=None`. A hypermodel (a function "
                             "build_model(hp) returning a compiled model) is needed unless "
                             "`run_trial()` is overridden.")
        if hypermodel is not None and not isinstance(hypermodel, HyperModel):
            if not callable(hypermodel):
                raise TypeError(f"`hypermodel` must be a function build_model(hp) or a "
                                f"HyperModel, received {hypermodel!r}.")
            hypermodel = _FunctionHyperModel(hypermodel)
        if isinstance(executions_per_trial, bool) or \
                not isinstance(executions_per_trial, (int, np.integer)) or \
                executions_per_trial < 1:
            raise ValueError(f"`executions_per_trial` must be a positive int, received "
                             f"executions_per_trial={executions_per_trial!r}.")
        self.oracle, self.hypermodel = oracle, hypermodel
        self.executions_per_trial = int(executions_per_trial)
        self.directory = "." if directory is None else os.fspath(directory)
        self.project_name = "untitled_project" if project_name is None else project_name
        if not isinstance(self.project_name, str) or not self.project_name:
            raise ValueError(f"`project_name` must be a non-empty str, received "
                             f"{project_name!r}.")
        self.project_dir = os.path.join(self.directory, self.project_name)
        oracle.project_dir = self.project_dir
        if overwrite:
            self._remove_record()
        initial = self._initial_space()
        if oracle.reload():
            print(f"Reloading Tuner from {os.path.join(self.project_dir, 'oracle.json')}")
            self._check_record_matches(initial)
        else:
            oracle.update_space(initial)
            os.makedirs(self.project_dir, exist_ok=True)
            oracle.save()

    def _remove_record(self):
        """Delete this search's own files (oracle.json, trial_* folders), nothing else."""
        import shutil
        if not os.path.isdir(self.project_dir):
            return
        for name in os.listdir(self.project_dir):
            path = os.path.join(self.project_dir, name)
            if name == "oracle.json":
                os.remove(path)
            elif name.startswith("trial_") and os.path.isdir(path):
                shutil.rmtree(path)

    def _initial_space(self):
        """The hyperparameters a build with default values declares, before any trial runs.

        An error here is left for the trials to report: it may come from the default values
        alone, and what was declared before it is still known.
        """
        hp = HyperParameters()
        if self.hypermodel is not None:
            try:
                self.hypermodel.build(hp)
            except Exception:
                pass
        return hp

    def _check_record_matches(self, initial):
        """A clear error when build_model now declares a hyperparameter unlike the record's."""
        recorded = {h.name: h for h in self.oracle.hyperparameters.space}
        for hyperparameter in initial.space:
            before = recorded.get(hyperparameter.name)
            if before is not None and before != hyperparameter:
                raise ValueError(
                    f"The search recorded in {self.project_dir!r} has {before!r}, but the "
                    f"hypermodel now declares {hyperparameter!r}. Pass overwrite=True to start "
                    f"a new search there, or give another project_name.")

    # The search ----------------------------------------------------------------------------

    def search(self, *fit_args, **fit_kwargs):
        """Run trials until `max_trials` are done or the space is exhausted.

        Each trial is scored on validation data only (`validation_data` or
        `validation_split`). There is no place for test data: the best trial is chosen by its
        score, so a test set used here would be tuned to and stop measuring how the chosen
        model does on new data. Evaluate the best model on the test set once, after the search.

        Args:
            *fit_args, **fit_kwargs: passed to `model.fit` in each trial (x, y, epochs,
                validation_data or validation_split, callbacks, verbose, ...).

        >>> tuner.search(x, y, epochs=5, validation_split=0.2)
        """
        verbose = fit_kwargs.get("verbose", 1)
        start = time.time()
        while True:
            trial = self.oracle.create_trial()
            if trial is None:
                break
            if verbose:
                self._show_trial_start(trial)
            trial_start = time.time()
            backend_random.seed((self.oracle.seed + int(trial.trial_id)) % 2 ** 32)
            try:
                results = self.run_trial(trial, *fit_args, **fit_kwargs)
                score = self._score(trial, results)
            except _ObjectiveMissing:
                raise
            except Exception as error:
                self._fail(trial, error)
                continue
            self.oracle.end_trial(trial, COMPLETED, score)
            if verbose:
                self._show_trial_end(trial, time.time() - trial_start, time.time() - start)
        finished = [t for t in self.oracle.trials.values() if t.finished]
        if finished and all(t.status == FAILED for t in finished):
            raise RuntimeError(f"All {len(finished)} trials failed, so the search has no "
                               f"result. The first error was:\n{finished[0].message}")

    def _fail(self, trial, error):
        frames = traceback.extract_tb(error.__traceback__)[-3:]
        message = "".join(traceback.format_list(frames)) + \
            f"{type(error).__name__}: {error}"
        print(f"Trial {trial.trial_id} failed: {type(error).__name__}: {error}\n"
              f"Traceback (most recent call last, shortened):\n{message}")
        self.oracle.end_trial(trial, FAILED, message=message)
        limit = self.oracle.max_consecutive_failed_trials
        if self.oracle.consecutive_failures >= limit:
            raise RuntimeError(f"Number of consecutive failures exceeded the limit of {limit}. "
                               f"The last error was:\n{message}")

    def run_trial(self, trial, *args, **kwargs):
        """Build and train the model `executions_per_trial` times; return the Histories.

        Each execution saves the weights of its epochs that beat the trial's best objective
        value, so `get_best_models` returns the model at its best epoch.
        """
        hp = trial.hyperparameters
        best = {"value": None}
        filepath = self._weights_path(trial)
        histories = []
        for _ in range(self.executions_per_trial):
            fit_kwargs = dict(kwargs)
            fit_kwargs["callbacks"] = copy.deepcopy(list(kwargs.get("callbacks") or [])) + \
                [_SaveBestEpoch(self.oracle.objective, filepath, best)]
            model = self._build(hp)
            histories.append(self.hypermodel.fit(hp, model, *args, **fit_kwargs))
            if getattr(model, "inputs", None):
                trial.input_shapes = [list(t.shape) for t in model.inputs]
        return histories

    def _build(self, hp):
        model = self.hypermodel.build(hp)
        if model is None or not hasattr(model, "fit"):
            raise TypeError(f"build_model(hp) must return a compiled model, but it returned "
                            f"{model!r}.")
        return model

    def _weights_path(self, trial):
        return os.path.join(self.project_dir, f"trial_{trial.trial_id}", WEIGHTS_FILE)

    def _score(self, trial, results):
        """The objective's value from what `run_trial` returned (a mean over executions)."""
        results = results if isinstance(results, (list, tuple)) else [results]
        if not results:
            raise TypeError("run_trial() returned an empty list; return the objective's value, "
                            "a dict of metrics or a History.")
        name, scores = self.oracle.objective.name, []
        for result in results:
            if isinstance(result, (int, float, np.integer, np.floating)) and \
                    not isinstance(result, bool):
                scores.append(float(result))
                continue
            if hasattr(result, "history"):
                logs = result.history
                if name not in logs:
                    raise _ObjectiveMissing(name, logs)
                epochs = [float(v) for v in logs[name]]
                scores.append(self.oracle.objective.best_of(epochs))
                trial.best_step = epochs.index(scores[-1])
                trial.metrics = {k: [float(v) for v in values] for k, values in logs.items()}
            elif isinstance(result, dict):
                if name not in result:
                    raise _ObjectiveMissing(name, result)
                scores.append(float(result[name]))
            else:
                raise TypeError(f"run_trial() must return the objective's value (a number), a "
                                f"dict of metrics or a History, received {result!r}.")
        score = float(np.mean(scores))
        if not np.isfinite(score):
            raise ValueError(f"The objective {name!r} is {score} (training diverged).")
        return score

    # Results -------------------------------------------------------------------------------

    def get_best_hyperparameters(self, num_trials=1):
        """The `HyperParameters` of the best completed trials, best first.

        >>> best_hp = tuner.get_best_hyperparameters()[0]
        """
        return [t.hyperparameters for t in self.oracle.get_best_trials(num_trials)]

    def get_best_models(self, num_models=1):
        """The best models, rebuilt from their hyperparameters with their best epoch's weights.

        >>> model = tuner.get_best_models()[0]
        """
        if self.hypermodel is None:
            raise ValueError("get_best_models() needs a hypermodel to rebuild the models; "
                             "this tuner has none (its run_trial builds no model). Use "
                             "get_best_hyperparameters() instead.")
        trials = self.oracle.get_best_trials(num_models)
        if not trials:
            raise ValueError("No trial has completed yet, so there is no best model. Run "
                             "tuner.search(...) first.")
        models = []
        for trial in trials:
            path = self._weights_path(trial)
            if not os.path.exists(path):
                raise ValueError(f"No weights were saved for trial {trial.trial_id} "
                                 f"(expected {path!r}): its run_trial did not train a model "
                                 f"with the default checkpointing.")
            model = self._build(trial.hyperparameters.copy())
            if not model.built and trial.input_shapes:
                model.build(tuple(trial.input_shapes[0]) if len(trial.input_shapes) == 1
                            else [tuple(s) for s in trial.input_shapes])
            model.load_weights(path)
            models.append(model)
        return models

    def search_space_summary(self):
        """Print the hyperparameters and their ranges."""
        space = self.oracle.hyperparameters.space
        print("Search space summary")
        print(f"Default search space size: {len(space)}")
        for hyperparameter in space:
            config = {k: v for k, v in hyperparameter.get_config().items() if k != "name"}
            print(f"{hyperparameter.name} ({type(hyperparameter).__name__})")
            print(config)

    def results_summary(self, num_trials=10):
        """Print the best `num_trials` trials: their hyperparameters and scores."""
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {num_trials} best trials")
        print(self.oracle.objective)
        for trial in self.oracle.get_best_trials(num_trials):
            print(f"\nTrial {trial.trial_id} summary")
            print("Hyperparameters:")
            for name, value in trial.used_values().items():
                print(f"{name}: {value}")
            print(f"Score: {trial.score}")

    def _show_trial_start(self, trial):
        best = self.oracle.get_best_trials(1)
        best_values = best[0].hyperparameters.values if best else {}
        print(f"\nSearch: Running Trial #{int(trial.trial_id) + 1}\n")
        print(f"{'Value':<18}|{'Best Value So Far':<18}|Hyperparameter")
        for name, value in trial.hyperparameters.values.items():
            print(f"{_short(value):<18}|{_short(best_values.get(name, '?')):<18}|{name}")
        print()

    def _show_trial_end(self, trial, seconds, total):
        best = self.oracle.get_best_trials(1)
        name = self.oracle.objective.name
        print(f"Trial {int(trial.trial_id) + 1} Complete [{_format_seconds(seconds)}]")
        print(f"{name}: {trial.score}\n")
        print(f"Best {name} So Far: {best[0].score if best else None}")
        print(f"Total elapsed time: {_format_seconds(total)}")


class _ObjectiveMissing(ValueError):
    """The objective is not among the reported metrics: a setup error, fatal to the search."""

    def __init__(self, name, found):
        super().__init__(
            f"Objective value missing in metrics reported to the Oracle, expected: {[name]}, "
            f"found: {sorted(found)}. Give fit validation_data=(x_val, y_val) or "
            f"validation_split=0.2 for 'val_' metrics, and compile the model with the metric.")


def _oracle_kwargs(kwargs):
    return {"max_consecutive_failed_trials": kwargs.pop("max_consecutive_failed_trials", 3)}


class RandomSearch(Tuner):
    """Random search: each trial's values are drawn at random.

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model.
        objective: 'val_loss', 'val_accuracy', ... or an `Objective`.
        max_trials: how many trials to run.
        seed: the seed, so the same search can be repeated.
        max_consecutive_failed_trials: stop after this many failed trials in a row.
        **kwargs: directory, project_name, overwrite, executions_per_trial (see `Tuner`).

    >>> tuner = RandomSearch(build_model, objective="val_accuracy", max_trials=5, seed=1)
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None, **kwargs):
        oracle = RandomSearchOracle(objective, max_trials, seed, **_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)


class GridSearch(Tuner):
    """Grid search: every combination of values, once each, in order.

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model.
        objective: 'val_loss', 'val_accuracy', ... or an `Objective`.
        max_trials: how many trials to run at most; None for the whole grid.
        seed: the seed of each trial's model initialization.
        max_consecutive_failed_trials: stop after this many failed trials in a row.
        **kwargs: directory, project_name, overwrite, executions_per_trial (see `Tuner`).

    >>> tuner = GridSearch(build_model, objective="val_loss")
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=None, seed=None, **kwargs):
        oracle = GridSearchOracle(objective, max_trials, seed, **_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)


class BayesianOptimization(Tuner):
    """Bayesian optimization with a Gaussian process (see `BayesianOptimizationOracle`).

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model.
        objective: 'val_loss', 'val_accuracy', ... or an `Objective`.
        max_trials: how many trials to run.
        num_initial_points: random trials first; 3 per hyperparameter if None.
        alpha: the noise variance assumed in the scores.
        seed: the seed, so the same search can be repeated.
        max_consecutive_failed_trials: stop after this many failed trials in a row.
        **kwargs: directory, project_name, overwrite, executions_per_trial (see `Tuner`).

    >>> tuner = BayesianOptimization(build_model, objective="val_loss", max_trials=10)
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None,
                 alpha=1e-4, seed=None, **kwargs):
        oracle = BayesianOptimizationOracle(objective, max_trials, num_initial_points, alpha,
                                            seed=seed, **_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)
