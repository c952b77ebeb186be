"""`Objective`: the metric a search optimizes and whether lower or higher is better."""

DIRECTIONS = ("min", "max")

# Metrics where higher is better; anything named like a loss or an error is minimized.
_MAX_METRICS = ("accuracy", "acc", "auc", "precision", "recall", "f1_score", "fbeta_score",
                "r2_score", "iou", "true_positives", "true_negatives", "specificity",
                "sensitivity", "cosine_similarity")
_MIN_SUFFIXES = ("loss", "error", "crossentropy", "hinge", "divergence", "false_positives",
                 "false_negatives", "mse", "mae", "mape", "msle", "logcosh")


class Objective:
    """The metric to optimize, by name as fit logs it, and its direction.

    Args:
        name: a metric name from the training logs, e.g. 'val_loss' or 'val_accuracy'.
        direction: 'min' or 'max'.

    >>> objective = Objective("val_auc", direction="max")
    """

    def __init__(self, name, direction):
        if not isinstance(name, str) or not name:
            raise TypeError(f"Objective: `name` must be a metric name (a str), received "
                            f"{name!r}.")
        if direction not in DIRECTIONS:
            raise ValueError(f"Objective '{name}': `direction` must be 'min' or 'max', received "
                             f"direction={direction!r}.")
        self.name, self.direction = name, direction

    def better(self, a, b):
        """Whether score `a` is better than `b` (a None `b` is beaten by anything)."""
        if b is None:
            return a is not None
        return a is not None and (a < b if self.direction == "min" else a > b)

    def best_of(self, values):
        """The best of a list of per-epoch values."""
        return min(values) if self.direction == "min" else max(values)

    def sort_key(self, score):
        """A key that sorts better scores first."""
        return score if self.direction == "min" else -score

    def get_config(self):
        return {"name": self.name, "direction": self.direction}

    def __eq__(self, other):
        return isinstance(other, Objective) and self.get_config() == other.get_config()

    def __repr__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'


def get(objective):
    """An `Objective` from an Objective, or a metric name whose direction is inferred."""
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError(f"`objective` must be a metric name such as 'val_loss' or a "
                        f"minikeras.tuner.Objective, received {objective!r} of type "
                        f"{type(objective).__name__}.")
    bare = objective[4:] if objective.startswith("val_") else objective
    if bare in _MAX_METRICS or bare.endswith(("accuracy", "_acc")):
        return Objective(objective, "max")
    if bare.endswith(_MIN_SUFFIXES):
        return Objective(objective, "min")
    raise ValueError(f'Could not infer optimization direction ("min" or "max") for unknown '
                     f'metric "{objective}". Please specify the objective as a '
                     f'minikeras.tuner.Objective, for example '
                     f'`minikeras.tuner.Objective("{objective}", direction="max")`.')
