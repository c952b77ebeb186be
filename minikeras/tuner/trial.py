"""`Trial`: one set of hyperparameter values tried, its status and its score, as a JSON record."""

from .hyperparameters import HyperParameters

RUNNING, COMPLETED, FAILED = "RUNNING", "COMPLETED", "FAILED"
STATUSES = (RUNNING, COMPLETED, FAILED)


class Trial:
    """One trial: its id, its hyperparameters, its status and (once completed) its score.

    Args:
        trial_id: the id, a str such as '03'.
        hyperparameters: a `HyperParameters` holding the space and this trial's values.
        status: 'RUNNING', 'COMPLETED' or 'FAILED'.

    >>> trial.trial_id, trial.score, trial.hyperparameters.values
    ('00', 0.91, {'units': 64})
    """

    def __init__(self, trial_id, hyperparameters, status=RUNNING):
        self.trial_id = trial_id
        self.hyperparameters = hyperparameters
        self.status = status
        self.score = None
        self.best_step = None  # the epoch of the best score, where there are epochs
        self.metrics = {}      # per-epoch logs of the last execution, where there are epochs
        self.active = None     # the names the build read; None until the trial has run
        self.input_shapes = None  # to build a model from scratch before loading its weights
        self.message = None    # the error of a failed trial

    def used_values(self):
        """The values the build read (all of them until the trial has run): the others, such
        as `units_2` of a two-layer model, did not shape the model."""
        values = self.hyperparameters.values
        if self.active is None:
            return dict(values)
        return {name: value for name, value in values.items() if name in self.active}

    @property
    def finished(self):
        return self.status in (COMPLETED, FAILED)

    def get_state(self):
        return {"trial_id": self.trial_id, "hyperparameters": self.hyperparameters.get_config(),
                "status": self.status, "score": self.score, "best_step": self.best_step,
                "metrics": self.metrics, "active": self.active,
                "input_shapes": self.input_shapes, "message": self.message}

    @classmethod
    def from_state(cls, state):
        if not isinstance(state, dict) or state.get("status") not in STATUSES:
            raise ValueError(f"Not a trial record (expected a JSON object with a 'status' of "
                             f"{list(STATUSES)}): {str(state)[:200]}")
        trial = cls(state["trial_id"], HyperParameters.from_config(state["hyperparameters"]),
                    state["status"])
        for key in ("score", "best_step", "metrics", "active", "input_shapes", "message"):
            setattr(trial, key, state.get(key, getattr(trial, key)))
        return trial

    def __repr__(self):
        return (f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, "
                f"score={self.score!r}, values={self.hyperparameters.values})")
