"""Accuracy metrics: how often predictions match labels, as functions and as running metrics.

Each function returns one value per sample (a float numpy array); the class of the same name
keeps their running, sample-weighted mean over batches.
"""

import numpy as np

from ..backend import config
from .base import (MeanMetricWrapper, Metric, as_array, check_same_shape,
                   squeeze_or_expand_to_same_rank)


def _pair(y_true, y_pred, where):
    return as_array(y_true, "y_true", where), as_array(y_pred, "y_pred", where)


def _sparse_labels(y_true, y_pred, where):
    """Integer class indices of the shape of y_pred without its last (class) axis."""
    if y_pred.ndim == 0 or y_true.shape not in (y_pred.shape[:-1], y_pred.shape[:-1] + (1,)):
        raise ValueError(
            f"{where}: y_true must hold one class index per row of y_pred, with shape "
            f"{y_pred.shape[:-1]} (or {y_pred.shape[:-1] + (1,)}), but received "
            f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}. For one-hot labels "
            f"use the non-sparse version."
        )
    labels = y_true.reshape(y_pred.shape[:-1])
    if labels.dtype.kind == "f" and np.any(labels != np.floor(labels)):
        raise ValueError(f"{where}: y_true must hold whole class indices, received {y_true!r}.")
    return labels


def _in_top_k(labels, scores, k, where):
    """Whether each label's score is among the k highest of its row.

    A label tied with the k-th highest score counts as in the top k (as in Keras and TF).
    """
    num_classes = scores.shape[-1]
    index = labels.astype(np.intp)
    if np.any((index < 0) | (index >= num_classes)):
        raise ValueError(f"{where}: class indices must be in [0, {num_classes}), received "
                         f"values from {labels.min()} to {labels.max()}.")
    target = np.take_along_axis(scores, index[..., None], axis=-1)
    higher = np.sum(scores > target, axis=-1)
    return (higher < k) & ~np.isnan(target[..., 0])


def _check_k(k, where):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{where}: k must be a positive integer, received k={k!r}.")
    return int(k)


def accuracy(y_true, y_pred):
    """How often predictions equal labels exactly, averaged over the last axis.

    Args:
        y_true: the labels.
        y_pred: the predicted values, of the same shape (a trailing axis of size 1 on either
            side is squeezed away or added).

    >>> accuracy([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    array([0., 1., 1., 1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "accuracy")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
    check_same_shape(y_true, y_pred, "accuracy")
    return np.mean(y_true == y_pred, axis=-1, dtype=config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """How often `y_pred > threshold` equals the 0/1 label, averaged over the last axis.

    Args:
        y_true: labels 0 and 1.
        y_pred: predicted probabilities of the same shape.
        threshold: predictions above it count as 1.

    >>> binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    array([1., 1., 1., 0.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "binary_accuracy")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(y_true, y_pred, "binary_accuracy")
    if y_pred.dtype.kind == "f":
        threshold = y_pred.dtype.type(threshold)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return np.mean(y_true == predicted, axis=-1, dtype=config.floatx())


def categorical_accuracy(y_true, y_pred):
    """Whether the highest prediction is at the one-hot label's class (the first, on ties).

    Args:
        y_true: one-hot labels, shape (batch_size, num_classes).
        y_pred: scores or probabilities of the same shape.

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "categorical_accuracy")
    check_same_shape(y_true, y_pred, "categorical_accuracy",
                     " For integer class labels use sparse_categorical_accuracy.")
    matches = np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)
    return matches.astype(config.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """Whether the highest prediction is at the integer label's class (the first, on ties).

    Args:
        y_true: class indices, shape (batch_size,) or (batch_size, 1).
        y_pred: scores or probabilities, shape (batch_size, num_classes).

    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "sparse_categorical_accuracy")
    labels = _sparse_labels(y_true, y_pred, "sparse_categorical_accuracy")
    return (labels == np.argmax(y_pred, axis=-1)).astype(config.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the one-hot label's class is among the k highest predictions (ties count in).

    Args:
        y_true: one-hot labels, shape (batch_size, num_classes).
        y_pred: scores or probabilities of the same shape.
        k: how many of the highest predictions to look at.

    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    where = "top_k_categorical_accuracy"
    y_true, y_pred = _pair(y_true, y_pred, where)
    check_same_shape(y_true, y_pred, where,
                     " For integer class labels use sparse_top_k_categorical_accuracy.")
    k = _check_k(k, where)
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k, where).astype(config.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Whether the integer label is among the k highest predictions (ties count in).

    Args:
        y_true: class indices (or ids), shape (batch_size,) or (batch_size, 1).
        y_pred: scores, shape (batch_size, num_classes); with `from_sorted_ids=True`, the ids of
            the top classes, best first, shape (batch_size, N) with N >= k.
        k: how many of the highest predictions to look at.
        from_sorted_ids: whether y_pred holds sorted class ids instead of scores.

    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    where = "sparse_top_k_categorical_accuracy"
    y_true, y_pred = _pair(y_true, y_pred, where)
    labels = _sparse_labels(y_true, y_pred, where)
    k = _check_k(k, where)
    if from_sorted_ids:
        matches = np.any(y_pred[..., :k] == labels[..., None], axis=-1)
    else:
        matches = _in_top_k(labels, y_pred, k, where)
    return matches.astype(config.floatx()).reshape(y_true.shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels (the running mean of `accuracy`).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> m.result()
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    get_config = Metric.get_config  # name and dtype; fn is implied by the class


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match 0/1 labels.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.
        threshold: predictions above it count as 1; in (0, 1).

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> m.result()
    0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)) \
                or not 0 < threshold < 1:
            raise ValueError(f"BinaryAccuracy: invalid value for argument `threshold`: expected "
                             f"a number in the open interval (0, 1), received {threshold!r}.")
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        """name, dtype and threshold."""
        return {**Metric.get_config(self), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the highest prediction is at the one-hot label's class.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    get_config = Metric.get_config


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the highest prediction is at the integer label's class.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    get_config = Metric.get_config


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the k highest predictions.

    Args:
        k: how many of the highest predictions to look at.
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = _check_k(k, "TopKCategoricalAccuracy")
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        """name, dtype and k."""
        return {**Metric.get_config(self), "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions.

    Args:
        k: how many of the highest predictions to look at.
        name: the metric's name.
        dtype: the float type of the state and the result.
        from_sorted_ids: whether y_pred holds the ids of the top classes, best first, instead
            of a score for every class.

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        k = _check_k(k, "SparseTopKCategoricalAccuracy")
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        """name, dtype, k, and from_sorted_ids when True (as Keras writes it)."""
        config_ = {**Metric.get_config(self), "k": self.k}
        if self.from_sorted_ids:
            config_["from_sorted_ids"] = True
        return config_
