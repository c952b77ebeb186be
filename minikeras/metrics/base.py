"""The Metric base class, the running reductions (Mean, Sum) and the helpers all metrics share.

A metric is stateful: `update_state` folds a batch into a few non-trainable Variables (plain
float32 numpy arrays inside), `result` turns them into a number, `reset_state` zeroes them.
Metrics need no gradients, so everything here works on numpy arrays; labels and predictions
may be lists, numpy arrays or Tensors.
"""

import numpy as np

from .. import initializers
from ..backend import config
from ..backend.naming import unique_name
from ..backend.tensor import Variable, no_grad, to_array
from ..registry import snake_case

_FLOAT_DTYPES = ("float16", "float32", "float64")


def standardize_dtype(dtype, where):
    """The name of a float dtype ('float32'), floatx() for None."""
    if dtype is None:
        return config.floatx()
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in _FLOAT_DTYPES:
        raise ValueError(f"{where}: invalid dtype {dtype!r}. Expected one of "
                         f"{', '.join(repr(d) for d in _FLOAT_DTYPES)} (or None for floatx()).")
    return name


def as_array(value, argument, where):
    """`value` (a number, list, numpy array or Tensor) as a numpy array."""
    if value is None:
        raise ValueError(f"{where}: {argument} is None; expected an array of numbers.")
    return to_array(value, where=f"{where} ({argument})")


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make two arrays whose ranks differ by one through a trailing axis of size 1 the same rank.

    As in Keras: the extra axis of size 1 is dropped, except that a rank-1 partner is expanded
    instead when `expand_rank_1` is True. Arrays whose ranks differ otherwise are returned as they
    are (and get rejected by the shape checks after this).
    """
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def check_same_shape(y_true, y_pred, where, hint=""):
    """Raise a ValueError naming `where` and both shapes unless they are equal and not scalars."""
    if y_true.shape != y_pred.shape or y_pred.ndim == 0:
        raise ValueError(
            f"{where}: y_true and y_pred must have the same shape with at least one axis, but "
            f"received y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}.{hint}"
        )


def divide_no_nan(x, y):
    """x / y elementwise, with 0 wherever y is 0 (an empty state gives 0, not NaN)."""
    x, y = np.asarray(x), np.asarray(y)
    out = np.zeros(np.broadcast_shapes(x.shape, y.shape), dtype=np.result_type(x, y))
    return np.divide(x, y, out=out, where=y != 0)


def to_result(value, dtype):
    """A Python float for a scalar, else a numpy array of `dtype` (per class or threshold)."""
    value = np.asarray(value, dtype=dtype)
    return float(value) if value.ndim == 0 else value


class Metric:
    """Base class of all metrics: state in Variables, `update_state`, `result`, `reset_state`.

    A subclass creates its state in `__init__` with `add_variable` (or, once the shape of the
    data is known, in `update_state`), adds each batch to it in `update_state(y_true, y_pred,
    sample_weight=None)` and computes the value from it in `result()`.

    Args:
        dtype: the float type of the state and the result (default floatx(), 'float32').
        name: the name shown in training logs (default: the class name in snake_case,
            numbered from the second one on: 'precision', 'precision_1', ...).

    >>> class Count(Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.n.assign_add(len(y_true))
    ...     def result(self):
    ...         return float(self.n.data)
    """

    def __init__(self, dtype=None, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, received {name!r}.")
        # Unnamed metrics are numbered as Keras numbers them: 'precision', 'precision_1', ...
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._dtype = standardize_dtype(dtype, type(self).__name__)
        self._variables = []

    @property
    def dtype(self):
        """The name of the float type of the state and the result."""
        return self._dtype

    @property
    def variables(self):
        """The state Variables, in creation order (Keras's order: the saved-file order)."""
        return list(self._variables)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """Create a non-trainable state Variable (`aggregation` is accepted for Keras only)."""
        dtype = dtype or self._dtype
        initializer = "zeros" if initializer is None else initializer
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        variable = Variable(value, dtype=dtype, trainable=False,
                            name=name or f"variable_{len(self._variables)}")
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """The older name of `add_variable`, kept for metrics written for tf.keras."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        """Add a batch to the state (abstract)."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state().")

    def result(self):
        """The metric's value from the state (abstract)."""
        raise NotImplementedError(f"{type(self).__name__} must define result().")

    def reset_state(self):
        """Zero the state, as at the start of each epoch."""
        for variable in self._variables:
            variable.data[...] = 0

    def __call__(self, *args, **kwargs):
        """Update the state with one batch, then return the result (of everything seen)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """The constructor arguments, as a JSON-serializable dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """A metric from the output of `get_config()`."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    def _where(self):
        return f'{type(self).__name__} metric "{self.name}"'

    def _add(self, variable, delta):
        # In place and in the state's dtype: the Variable keeps its array.
        variable.data += np.asarray(delta, dtype=variable.dtype)


def _samplewise(metric, values, sample_weight, reduce):
    """Keras's reduction of `values` to one value per sample, weighted by `sample_weight`.

    The weight is squeezed or expanded to the rank of the values, the values are reduced over
    the axes the weight lacks, the weight is broadcast over the rest; then the product and the
    weight are reduced to one number per sample (axis 0).
    """
    values = as_array(values, "values", metric._where()).astype(metric.dtype, copy=False)
    if sample_weight is not None:
        weight = as_array(sample_weight, "sample_weight", metric._where())
        weight = weight.astype(metric.dtype, copy=False)
        values, weight = squeeze_or_expand_to_same_rank(values, weight)
        weight_ndim = weight.ndim
        if values.ndim > weight_ndim:
            values = reduce(values, axis=tuple(range(weight_ndim, values.ndim)))
        try:
            weight = np.broadcast_to(weight, values.shape)
        except ValueError:
            raise ValueError(
                f"{metric._where()}: sample_weight of shape {np.shape(sample_weight)} does not "
                f"fit the per-sample values of shape {values.shape}. Give one weight per sample "
                f"(shape ({values.shape[0] if values.ndim else 1},)) or a scalar; note that a "
                f"function averaging over the last axis turns 1-D y_true/y_pred into a single "
                f"value, so pass them with shape (batch_size, 1)."
            ) from None
        values = values * weight
        if weight_ndim > 1:
            weight = reduce(weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, (None if sample_weight is None else weight)


class Sum(Metric):
    """The running (weighted) sum of the values given.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        """Add the (weighted) values to the total."""
        values, _ = _samplewise(self, values, sample_weight, np.sum)
        self._add(self.total, np.sum(values))

    def result(self):
        """The total so far."""
        return to_result(self.total.data, self.dtype)


class Mean(Metric):
    """The running (weighted) mean of the values given: total / count.

    Values with more than one axis are first averaged to one value per sample, so that the
    mean over several batches is the batch-size-weighted (or weight-sum-weighted) mean of the
    batch means.

    Args:
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None):
        """Add the (weighted) values to the total and their number (or weight) to the count."""
        if type(values) is float and type(sample_weight) is int:
            # The trainer's loss trackers, once per batch: the same float32 arithmetic as below
            # without its conversions.
            f = self.total.data.dtype.type
            self.total.data += f(values) * f(sample_weight)
            self.count.data += f(sample_weight)
            return
        values, weight = _samplewise(self, values, sample_weight, np.mean)
        self._add(self.total, np.sum(values))
        if weight is not None:
            self._add(self.count, np.sum(weight))
        else:
            self._add(self.count, values.shape[0] if values.ndim else 1)

    def result(self):
        """total / count, 0 before any data."""
        return to_result(divide_no_nan(self.total.data, self.count.data), self.dtype)


class MeanMetricWrapper(Mean):
    """The running weighted mean of a function computing one value per sample.

    `fn(y_true, y_pred, **kwargs)` returns per-sample values (a numpy array or a Tensor, such
    as a loss function's); the metric averages them over all the batches it is given.

    Args:
        fn: the per-sample function, `fn(y_true, y_pred, **kwargs)`.
        name: the metric's name (default 'mean_metric_wrapper').
        dtype: the float type of the state and the result.
        **kwargs: keyword arguments passed on to `fn`.

    >>> m = MeanMetricWrapper(mean_squared_error, name="mse")
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    >>> m.result()
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be a callable fn(y_true, y_pred), "
                            f"received {fn!r}.")
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Compute `fn` on the batch and add its per-sample values to the running mean."""
        try:
            with no_grad():  # loss functions build no tape here
                values = self._fn(y_true, y_pred, **self._fn_kwargs)
        except ValueError as error:
            raise ValueError(f"{self._where()}: {error}") from None
        super().update_state(to_array(values, where=self._where()), sample_weight=sample_weight)

    def get_config(self):
        """name, dtype, fn (by its registered name) and the keyword arguments of fn."""
        from . import serialize
        return {**super().get_config(), "fn": serialize(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        """Rebuild, looking `fn` up by name (or in a Keras function config)."""
        config = dict(config)
        if "fn" in config:
            from . import deserialize
            fn = config["fn"]
            if isinstance(fn, dict) and fn.get("class_name") == "function":
                fn = fn.get("config")  # Keras 3 writes functions as {'class_name': 'function'}
            config["fn"] = deserialize(fn)
        return cls(**config)
