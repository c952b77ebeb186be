"""Regression metrics: running means of the regression losses, RMSE, cosine similarity and R2."""

import warnings

import numpy as np

from .. import losses
from .base import (Mean, MeanMetricWrapper, Metric, as_array, check_same_shape,
                   squeeze_or_expand_to_same_rank, to_result)


def _cosine_similarity(y_true, y_pred, axis=-1):
    # The similarity itself (1 for vectors pointing the same way): the loss is its negative.
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """The running mean of `mean_squared_error`: mean((y_true - y_pred) ** 2).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=losses.mean_squared_error, name=name, dtype=dtype)

    get_config = Metric.get_config  # name and dtype; fn is implied by the class


class MeanAbsoluteError(MeanMetricWrapper):
    """The running mean of `mean_absolute_error`: mean(abs(y_true - y_pred)).

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.25
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(fn=losses.mean_absolute_error, name=name, dtype=dtype)

    get_config = Metric.get_config


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The running mean of `mean_absolute_percentage_error`: 100 * mean(abs(error / y_true)).

    Targets of 0 are divided by epsilon (1e-7), so they give huge values, as in Keras.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    250000000.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(fn=losses.mean_absolute_percentage_error, name=name, dtype=dtype)

    get_config = Metric.get_config


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The running mean of `mean_squared_logarithmic_error`.

    mean((log(1 + y_true) - log(1 + y_pred)) ** 2), with values below epsilon raised to it.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.12011321634054184
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(fn=losses.mean_squared_logarithmic_error, name=name, dtype=dtype)

    get_config = Metric.get_config


class LogCoshError(MeanMetricWrapper):
    """The running mean of `log_cosh`: mean(log(cosh(y_pred - y_true))).

    Args:
        name: the metric's name (Keras's default is 'logcosh').
        dtype: the float type of the state and the result.

    >>> m = LogCoshError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.1084451973438263
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(fn=losses.log_cosh, name=name, dtype=dtype)

    get_config = Metric.get_config


class CosineSimilarity(MeanMetricWrapper):
    """The running mean of the cosine similarity of y_true and y_pred along `axis`.

    Unlike the loss of the same name, this is the similarity itself: 1 for vectors pointing
    the same way, -1 for opposite ones.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.
        axis: the axis along which the similarity is computed.

    >>> m = CosineSimilarity(axis=1)
    >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    >>> m.result()
    0.4999999701976776
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(fn=_cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        """name, dtype and axis."""
        return {**Metric.get_config(self), "axis": self.axis}


class RootMeanSquaredError(Mean):
    """The square root of the running mean of the squared errors.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's squared errors to the running mean."""
        y_true = as_array(y_true, "y_true", self._where()).astype(self.dtype, copy=False)
        y_pred = as_array(y_pred, "y_pred", self._where()).astype(self.dtype, copy=False)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_same_shape(y_true, y_pred, self._where())
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        """sqrt(mean squared error)."""
        return to_result(np.sqrt(np.asarray(super().result(), dtype=self.dtype)), self.dtype)


_CLASS_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination, 1 - (residual sum of squares) / (total sum of squares).

    1 for perfect predictions, 0 for predicting the mean, negative when worse. Computed per
    output (last axis) from running sums, so it is exact over any number of batches. With
    `num_regressors` p it is the adjusted R2, 1 - (1 - R2) * (n - 1) / (n - p - 1), where n
    counts every target value seen (as Keras counts).

    Args:
        class_aggregation: how to combine the outputs' scores: 'uniform_average' (the mean;
            default), 'variance_weighted_average' (weighted by each output's variance) or None
            (an array of per-output scores).
        num_regressors: the number of independent variables, for the adjusted R2 (default 0).
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = R2Score()
    >>> m.update_state([[1], [4], [3]], [[2], [4], [4]])
    >>> m.result()
    0.5714285373687744
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _CLASS_AGGREGATIONS:
            raise ValueError(f"R2Score: invalid class_aggregation {class_aggregation!r}. "
                             f"Expected one of "
                             f"{', '.join(repr(a) for a in _CLASS_AGGREGATIONS)}.")
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) \
                or num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be an integer >= 0, received "
                             f"num_regressors={num_regressors!r}.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), name="num_samples")
        self._built = False

    def _build(self, num_outputs):
        shape = (num_outputs,)
        self.squared_sum = self.add_variable(shape=shape, name="squared_sum")
        self.sum = self.add_variable(shape=shape, name="sum")
        self.total_mse = self.add_variable(shape=shape, name="residual")
        self.count = self.add_variable(shape=shape, name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's sums of targets, squared targets and squared residuals per output."""
        where = self._where()
        y_true = as_array(y_true, "y_true", where).astype(self.dtype, copy=False)
        y_pred = as_array(y_pred, "y_pred", where).astype(self.dtype, copy=False)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(f"{where}: expected y_true and y_pred of the same shape "
                             f"(batch_size, num_outputs), received y_true.shape={y_true.shape} "
                             f"and y_pred.shape={y_pred.shape}.")
        if not self._built:
            self._build(y_pred.shape[1])
        elif y_pred.shape[1] != self.sum.shape[0]:
            raise ValueError(f"{where}: expected {self.sum.shape[0]} outputs (as in the first "
                             f"batch), received y_pred.shape={y_pred.shape}.")
        weight = np.ones((), dtype=self.dtype)
        if sample_weight is not None:
            weight = as_array(sample_weight, "sample_weight", where).astype(self.dtype)
            if weight.ndim == 1:
                weight = weight[:, None]  # one weight per sample, for every output
        try:
            weight = np.broadcast_to(weight, y_true.shape)
        except ValueError:
            raise ValueError(f"{where}: sample_weight of shape {np.shape(sample_weight)} does "
                             f"not fit y_true of shape {y_true.shape}; give one weight per "
                             f"sample.") from None
        weighted_true = y_true * weight
        self._add(self.sum, np.sum(weighted_true, axis=0))
        self._add(self.squared_sum, np.sum(y_true * weighted_true, axis=0))
        self._add(self.total_mse, np.sum(np.square(y_true - y_pred) * weight, axis=0))
        self._add(self.count, np.sum(weight, axis=0))
        self._add(self.num_samples, y_true.size)

    def result(self):
        """The (adjusted) R2, averaged over outputs as `class_aggregation` says."""
        if not self._built:
            raise ValueError(f"{self._where()} has seen no data yet: its number of outputs "
                             f"comes from the first batch. Call update_state first.")
        with np.errstate(divide="ignore", invalid="ignore"):
            # No data or constant targets give 0/0 (NaN) or x/0 (inf, scored 0), as in Keras.
            mean = self.sum.data / self.count.data
            total = self.squared_sum.data - self.sum.data * mean
            raw_scores = 1 - self.total_mse.data / total
            raw_scores = np.where(np.isinf(raw_scores), raw_scores.dtype.type(0), raw_scores)
            if self.class_aggregation == "uniform_average":
                score = np.mean(raw_scores)
            elif self.class_aggregation == "variance_weighted_average":
                score = np.sum(total * raw_scores) / np.sum(total)
            else:
                score = raw_scores
        n, p = self.num_samples.data, self.num_regressors
        if p != 0:
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 "
                              "score. Falling back to standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            else:
                one = n.dtype.type(1)
                score = one - (one - score) * (n - one) / (n - n.dtype.type(p) - one)
        return to_result(score, self.dtype)

    def get_config(self):
        """name, dtype, class_aggregation and num_regressors."""
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
