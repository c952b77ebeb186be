"""Hinge metrics: running means of the hinge losses."""

from .. import losses
from .base import MeanMetricWrapper, Metric


class Hinge(MeanMetricWrapper):
    """The running mean of `hinge`: mean(maximum(1 - y_true * y_pred, 0)).

    Labels are expected to be -1 or 1; labels that are all 0 or 1 are converted.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Hinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> m.result()
    1.2999999523162842
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=losses.hinge, name=name, dtype=dtype)

    get_config = Metric.get_config  # name and dtype; fn is implied by the class


class SquaredHinge(MeanMetricWrapper):
    """The running mean of `squared_hinge`: mean(maximum(1 - y_true * y_pred, 0) ** 2).

    Labels are expected to be -1 or 1; labels that are all 0 or 1 are converted.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = SquaredHinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> m.result()
    1.8600000143051147
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=losses.squared_hinge, name=name, dtype=dtype)

    get_config = Metric.get_config


class CategoricalHinge(MeanMetricWrapper):
    """The running mean of `categorical_hinge`: maximum(best wrong score - true score + 1, 0).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = CategoricalHinge()
    >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    >>> m.result()
    1.4000000953674316
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=losses.categorical_hinge, name=name, dtype=dtype)

    get_config = Metric.get_config
