"""F-scores: the (weighted) harmonic mean of precision and recall, per class or averaged."""

import numpy as np

from ..backend import config
from .base import Metric, as_array, to_result

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score, (1 + b^2) * precision * recall / (b^2 * precision + recall).

    Works for multi-class (one-hot) and multi-label data of shape (batch_size, num_classes).
    Predictions become 0/1 by `threshold`, or, without one, by marking each row's highest
    prediction.

    Args:
        average: None (a score per class), 'micro' (from the total counts over all classes),
            'macro' (the unweighted mean of the class scores) or 'weighted' (their mean
            weighted by each class's number of true labels).
        beta: the weight of recall relative to precision (> 0), default 1.0.
        threshold: predictions above it become 1, the rest 0; in (0, 1]. None (default) marks
            the highest prediction of each row (unless it is 0).
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.result()
    array([0.3846154 , 0.90909094, 0.8333332 ], dtype=float32)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{where}: invalid average {average!r}. Expected one of "
                             f"{', '.join(repr(a) for a in _AVERAGES)}.")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
            raise ValueError(f"{where}: beta must be a number > 0, received beta={beta!r}.")
        if threshold is not None and (isinstance(threshold, bool)
                                      or not isinstance(threshold, (int, float))
                                      or not 0 < threshold <= 1):
            raise ValueError(f"{where}: threshold must be None or a number with "
                             f"0 < threshold <= 1, received threshold={threshold!r}.")
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, num_classes):
        shape = () if self.average == "micro" else (num_classes,)
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_variable(shape=shape, name=name))
        self._num_classes = num_classes
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's per-class (or total) true positives, false positives and negatives."""
        where = self._where()
        dtype = np.dtype(self.dtype)
        y_true = as_array(y_true, "y_true", where).astype(dtype, copy=False)
        y_pred = as_array(y_pred, "y_pred", where).astype(dtype, copy=False)
        if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(f"{where}: expected y_true and y_pred of the same shape "
                             f"(batch_size, num_classes), received y_true.shape={y_true.shape} "
                             f"and y_pred.shape={y_pred.shape}.")
        if not self._built:
            self._build(y_pred.shape[1])
        elif y_pred.shape[1] != self._num_classes:
            raise ValueError(f"{where}: expected {self._num_classes} classes (as in the first "
                             f"batch), received y_pred.shape={y_pred.shape}.")
        if self.threshold is None:
            # The row's highest prediction becomes 1, except in an all-zero row.
            predicted = (y_pred >= np.max(y_pred, axis=-1, keepdims=True)) & \
                (np.abs(y_pred) > dtype.type(1e-9))
        else:
            predicted = y_pred > dtype.type(self.threshold)
        predicted = predicted.astype(dtype)
        weight = None
        if sample_weight is not None:
            weight = as_array(sample_weight, "sample_weight", where).astype(dtype, copy=False)
            if weight.ndim > 0:
                if weight.size != y_pred.shape[0] or weight.ndim > 2:
                    raise ValueError(f"{where}: sample_weight needs one weight per sample, "
                                     f"shape ({y_pred.shape[0]},), received shape "
                                     f"{weight.shape}.")
                weight = weight.reshape(-1, 1)

        def weighted_sum(values):
            if weight is not None:
                values = values * weight
            return np.sum(values, axis=self.axis)

        one = dtype.type(1)
        self._add(self.true_positives, weighted_sum(predicted * y_true))
        self._add(self.false_positives, weighted_sum(predicted * (one - y_true)))
        self._add(self.false_negatives, weighted_sum((one - predicted) * y_true))
        self._add(self.intermediate_weights, weighted_sum(y_true))

    def result(self):
        """The score: an array per class with average=None, else a float."""
        if not self._built:
            raise ValueError(f"{self._where()} has seen no data yet: its number of classes "
                             f"comes from the first batch. Call update_state first.")
        dtype = np.dtype(self.dtype)
        eps = dtype.type(config.epsilon())
        tp = self.true_positives.data
        precision = tp / (tp + self.false_positives.data + eps)
        recall = tp / (tp + self.false_negatives.data + eps)
        beta2 = dtype.type(self.beta ** 2)
        score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            support = self.intermediate_weights.data
            score = np.sum(score * (support / (np.sum(support) + eps)))
        elif self.average is not None:
            score = np.mean(score)
        return to_result(score, self.dtype)

    def get_config(self):
        """name, dtype, average, beta and threshold."""
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F1 score, 2 * precision * recall / (precision + recall): FBetaScore with beta=1.

    Args:
        average: None (a score per class), 'micro', 'macro' or 'weighted'; see FBetaScore.
        threshold: predictions above it become 1; None marks the highest of each row.
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.result()
    array([0.49999997, 0.79999995, 0.66666657], dtype=float32)
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        """name, dtype, average and threshold."""
        config_ = super().get_config()
        del config_["beta"]
        return config_
