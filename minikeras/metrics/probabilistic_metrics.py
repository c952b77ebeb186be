"""Probabilistic metrics: running means of the crossentropies, KL divergence and Poisson loss."""

from .. import losses
from .base import MeanMetricWrapper, Metric


class KLDivergence(MeanMetricWrapper):
    """The running mean of `kl_divergence`: sum(y_true * log(y_true / y_pred)).

    Both are clipped to [epsilon, 1] first.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = KLDivergence()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> m.result()
    0.45814305543899536
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=losses.kl_divergence, name=name, dtype=dtype)

    get_config = Metric.get_config  # name and dtype; fn is implied by the class


class Poisson(MeanMetricWrapper):
    """The running mean of `poisson`: mean(y_pred - y_true * log(y_pred + epsilon)).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Poisson()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.4999999701976776
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=losses.poisson, name=name, dtype=dtype)

    get_config = Metric.get_config


class BinaryCrossentropy(MeanMetricWrapper):
    """The running mean of `binary_crossentropy`, for two classes (labels 0 and 1).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; labels are moved towards 0.5 by this much.

    >>> m = BinaryCrossentropy()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> m.result()
    0.8149244785308838
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(fn=losses.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        """name, dtype, from_logits and label_smoothing."""
        return {**Metric.get_config(self), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of `categorical_crossentropy`, for one-hot labels.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; labels are mixed with the uniform distribution.
        axis: the class axis.

    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> m.result()
    1.1769392490386963
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(fn=losses.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        """name, dtype, from_logits, label_smoothing and axis."""
        return {**Metric.get_config(self), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of `sparse_categorical_crossentropy`, for integer class labels.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.
        from_logits: whether y_pred holds logits rather than probabilities.
        ignore_class: optional class id (such as -1 for "void") whose entries give a loss of
            0; as in Keras they still count in the mean's denominator.
        axis: the class axis.

    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    >>> m.result()
    1.1769392490386963
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(fn=losses.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        """name, dtype, from_logits, ignore_class and axis."""
        return {**Metric.get_config(self), "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
