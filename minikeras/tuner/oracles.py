"""Oracles: they choose each trial's hyperparameter values and keep the record of all trials.

The record is JSON: `oracle.json` in the project folder (the space, the random generator's
state, the trial ids) and `trial_<id>/trial.json` per trial, each written atomically, so a
search stopped at any point continues where it stopped.
"""

import itertools
import os

import numpy as np

from ..saving.files import atomic_path, from_json, to_json
from . import objective as objective_module
from .hyperparameters import Fixed, HyperParameters
from .trial import COMPLETED, FAILED, RUNNING, Trial

# How many random draws may repeat earlier trials before the space counts as exhausted.
MAX_COLLISIONS = 100


def _check_positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive int{' or None' if allow_none else ''}, "
                         f"received {name}={value!r}.")
    return int(value)


def _read_json(path, what):
    with open(path, "rb") as handle:
        return from_json(handle.read(), what)


def write_json(path, value):
    """Write `value` as JSON to `path` atomically."""
    with atomic_path(path) as temporary:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(to_json(value, indent=2))


class Oracle:
    """Base class: subclasses choose values in `populate_space`.

    A tuner drives an oracle with `create_trial` and `end_trial`; so can any loop that scores
    hyperparameters by other means than training a model (see the example).

    Args:
        objective: a metric name ('val_loss', 'val_accuracy', ...) or an `Objective`; None to
            minimize the number that `run_trial` returns.
        max_trials: how many trials to run at most (None: until the space is exhausted).
        seed: the seed of the random choices, so a search can be repeated.
        max_consecutive_failed_trials: stop the search after this many failures in a row.

    >>> oracle = RandomSearchOracle("loss", max_trials=5, seed=1)
    >>> while (trial := oracle.create_trial()) is not None:
    ...     x = trial.hyperparameters.Float("x", -1.0, 1.0)
    ...     oracle.end_trial(trial, "COMPLETED", score=x ** 2)
    """

    def __init__(self, objective=None, max_trials=None, seed=None,
                 max_consecutive_failed_trials=3):
        self.objective = objective_module.Objective("default_objective", "min") \
            if objective is None else objective_module.get(objective)
        self.max_trials = _check_positive_int(max_trials, "max_trials", allow_none=True)
        self.max_consecutive_failed_trials = _check_positive_int(
            max_consecutive_failed_trials, "max_consecutive_failed_trials")
        if seed is None:
            seed = int(np.random.default_rng().integers(1, 10000))
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or \
                not 0 <= seed < 2 ** 32:
            raise ValueError(f"`seed` must be an int from 0 to 2**32 - 1 or None, received "
                             f"seed={seed!r}.")
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.hyperparameters = HyperParameters()
        self.trials = {}
        self.consecutive_failures = 0
        self.project_dir = None

    # Choosing values -----------------------------------------------------------------------

    def populate_space(self, trial_id):
        """A dict of values for the next trial, or None when the space is exhausted."""
        raise NotImplementedError

    def _covered(self, values):
        """Whether an earlier trial already ran these values (on the names it read)."""
        return any(all(values.get(name) == value for name, value in trial.used_values().items())
                   for trial in self.trials.values())

    def _random_values(self):
        """Random values not tried before, or None after MAX_COLLISIONS repeats."""
        for _ in range(MAX_COLLISIONS):
            values = {h.name: h.random_sample(self.rng) for h in self.hyperparameters.space}
            if not self._covered(values):
                return values
        return None

    def update_space(self, hyperparameters):
        """Add the hyperparameters a trial declared for the first time."""
        self.hyperparameters.merge(hyperparameters.space)

    def create_trial(self):
        """The next trial to run (an interrupted one first), or None when the search is done."""
        for trial in self.trials.values():
            if trial.status == RUNNING:
                return trial
        if self.max_trials is not None and len(self.trials) >= self.max_trials:
            return None
        # Ids padded to the width of max_trials ('0'..'9', '00'..'99'; '0000' without a
        # limit), so the trial_<id> folders sort in order, as KerasTuner names them.
        width = len(str(self.max_trials)) if self.max_trials else 4
        trial_id = f"{len(self.trials):0{width}d}"
        values = self.populate_space(trial_id)
        if values is None:
            return None
        hyperparameters = self.hyperparameters.copy()
        hyperparameters.values.update(values)
        trial = Trial(trial_id, hyperparameters)
        self.trials[trial_id] = trial
        self.save_trial(trial)
        self.save()
        return trial

    def end_trial(self, trial, status, score=None, message=None):
        """Record a trial as 'COMPLETED' with its `score` or 'FAILED' with its `message`."""
        if status not in (COMPLETED, FAILED) or (status == COMPLETED and not (
                isinstance(score, (int, float, np.integer, np.floating)) and np.isfinite(score))):
            raise ValueError(f"end_trial(trial {trial.trial_id!r}): expected status='COMPLETED' "
                             f"with a finite number as score, or status='FAILED'; received "
                             f"status={status!r}, score={score!r}.")
        score = None if score is None else float(score)
        trial.status, trial.score, trial.message = status, score, message
        # Later trials are compared with this one on the values its build read; a trial that
        # read none through `hp` (its code used `hp.values[...]`) is compared on all of them.
        trial.active = sorted(trial.hyperparameters._accessed) or None
        self.consecutive_failures = self.consecutive_failures + 1 if status == FAILED else 0
        self.update_space(trial.hyperparameters)
        self.save_trial(trial)
        self.save()

    def get_best_trials(self, num_trials=1):
        """The completed trials with the best scores, best first."""
        done = [t for t in self.trials.values() if t.status == COMPLETED and t.score is not None]
        done.sort(key=lambda t: self.objective.sort_key(t.score))
        return done[:num_trials]

    # The JSON record -----------------------------------------------------------------------

    def _trial_path(self, trial_id):
        return os.path.join(self.project_dir, f"trial_{trial_id}", "trial.json")

    def save_trial(self, trial):
        if self.project_dir is not None:
            write_json(self._trial_path(trial.trial_id), trial.get_state())

    def get_state(self):
        return {"class_name": type(self).__name__, "objective": self.objective.get_config(),
                "max_trials": self.max_trials, "seed": self.seed,
                "rng_state": self.rng.bit_generator.state,
                "hyperparameters": self.hyperparameters.get_config(),
                "trial_ids": list(self.trials), "consecutive_failures": self.consecutive_failures}

    def save(self):
        if self.project_dir is not None:
            write_json(os.path.join(self.project_dir, "oracle.json"), self.get_state())

    def reload(self):
        """Read the record in `project_dir`; False if there is none."""
        path = os.path.join(self.project_dir, "oracle.json")
        if not os.path.exists(path):
            return False
        state = _read_json(path, f"tuner record {path!r}")
        stored = objective_module.Objective(**state["objective"])
        if state["class_name"] != type(self).__name__ or stored != self.objective:
            raise ValueError(
                f"The project at {self.project_dir!r} holds a {state['class_name']} search of "
                f"{stored!r}, not a {type(self).__name__} search of {self.objective!r}. Pass "
                f"overwrite=True to start a new search there, or another project_name.")
        self.seed = state["seed"]
        self.rng.bit_generator.state = state["rng_state"]
        self.hyperparameters = HyperParameters.from_config(state["hyperparameters"])
        self.consecutive_failures = state["consecutive_failures"]
        self.trials = {}
        for trial_id in state["trial_ids"]:
            trial_path = self._trial_path(trial_id)
            self.trials[trial_id] = Trial.from_state(
                _read_json(trial_path, f"trial record {trial_path!r}"))
        return True


class RandomSearchOracle(Oracle):
    """Draws each trial's values at random (log-uniformly where sampling='log').

    >>> oracle = RandomSearchOracle("val_loss", max_trials=10, seed=1)
    """

    def populate_space(self, trial_id):
        return self._random_values()


class GridSearchOracle(Oracle):
    """Visits every combination of values once, in order (the last hyperparameter fastest).

    A Float without `step` contributes 10 evenly spaced values (on a log scale for
    sampling='log'). Hyperparameters declared by a later trial extend the grid.

    >>> oracle = GridSearchOracle("val_loss")
    """

    def populate_space(self, trial_id):
        space = self.hyperparameters.space
        for combination in itertools.product(*(h.values() for h in space)):
            values = {h.name: value for h, value in zip(space, combination)}
            if not self._covered(values):
                return values
        return None


class BayesianOptimizationOracle(Oracle):
    """Gaussian-process Bayesian optimization with expected improvement.

    The first `num_initial_points` trials are random; after them a Gaussian process (Matern
    5/2 kernel, its length scale fitted by maximum marginal likelihood) models the score over
    the hyperparameters mapped to [0, 1] (on a log scale where sampling='log'), and the next
    trial is the point that maximizes the expected improvement over the best score so far.

    Args:
        num_initial_points: random trials before the model takes over; 3 times the number of
            hyperparameters if None.
        alpha: the noise variance the Gaussian process assumes in the scores.
        xi: the exploration margin of the expected improvement.
        (other args as `Oracle`)

    >>> oracle = BayesianOptimizationOracle("val_loss", max_trials=20, seed=1)
    """

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4,
                 xi=0.01, seed=None, max_consecutive_failed_trials=3):
        super().__init__(objective, max_trials, seed, max_consecutive_failed_trials)
        self.num_initial_points = _check_positive_int(num_initial_points, "num_initial_points",
                                                      allow_none=True)
        if not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"`alpha` must be a positive number, received alpha={alpha!r}.")
        self.alpha, self.xi = float(alpha), float(xi)

    def populate_space(self, trial_id):
        from . import gaussian_process  # scipy loads on first use: `import minikeras` stays fast
        searched = [h for h in self.hyperparameters.space if not isinstance(h, Fixed)]
        completed = [t for t in self.trials.values()
                     if t.status == COMPLETED and t.score is not None]
        initial = self.num_initial_points or 3 * max(len(searched), 1)
        if not searched or len(completed) < initial:
            return self._random_values()
        x = np.array([[h.to_unit(t.hyperparameters.values.get(h.name, h.default))
                       for h in searched] for t in completed])
        sign = 1.0 if self.objective.direction == "min" else -1.0
        y = sign * np.array([t.score for t in completed], dtype=np.float64)
        gp = gaussian_process.GaussianProcess(noise=self.alpha).fit(x, y)
        point = gaussian_process.maximize_expected_improvement(
            gp, y.min(), len(searched), self.rng, xi=self.xi)
        values = {h.name: h.default for h in self.hyperparameters.space}
        values.update({h.name: h.from_unit(u) for h, u in zip(searched, point)})
        if self._covered(values):  # the model insists on a tried point: explore instead
            return self._random_values()
        return values
