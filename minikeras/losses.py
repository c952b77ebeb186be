"""Loss functions and Loss classes by their Keras names, for `model.compile(loss=...)`.

Each loss exists twice, as in Keras 3. The function (`mean_squared_error`, ...) takes `y_true`
and `y_pred` and returns the loss of every sample (usually the mean over the last axis), as a
Tensor that backpropagates to `y_pred`. The class (`MeanSquaredError`, ...) holds the options
and, when called, weights the per-sample losses by `sample_weight` and reduces them to one
number. `get('mse')` gives the function, `get('MeanSquaredError')` an instance.

A trailing axis of length 1 is added or dropped when `y_true` and `y_pred` differ in rank by one
((32,) against (32, 1)); any other difference in shape is an error, never a silent broadcast.
Probabilities are clipped to [epsilon, 1 - epsilon] before logarithms, as in Keras.

>>> from minikeras import losses
>>> losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])
"""

import math
import warnings

import numpy as np

from . import ops
from .backend import config
from .backend.ops import nn
from .backend.tensor import Tensor, as_tensor, to_array
from .registry import Registry, snake_case

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# ---------------------------------------------------------------------------------------------
# Shapes, dtypes and reductions


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make two tensors the same rank when their ranks differ by one and the longer one ends in
    an axis of length 1: the shorter one gains that axis if it is 1-D, else the longer one loses
    it. Other pairs come back unchanged."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            return x1, ops.expand_dims(x2, -1)
        return ops.squeeze(x1, -1), x2
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            return ops.expand_dims(x1, -1), x2
        return x1, ops.squeeze(x2, -1)
    return x1, x2


def _predictions(y_pred):
    """y_pred as a float Tensor (integers become floatx)."""
    y_pred = as_tensor(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else ops.cast(y_pred, config.floatx())


def _targets(y_true, dtype, name):
    """y_true as a Tensor of y_pred's dtype; a Tensor keeps its place on the tape."""
    if isinstance(y_true, Tensor):
        return y_true if y_true.dtype == dtype else ops.cast(y_true, dtype)
    return Tensor(to_array(y_true, dtype=dtype, where=f"{name}(y_true)"))


def _align(name, y_true, y_pred):
    """y_true and y_pred converted, of one float dtype and one shape, or a ValueError."""
    y_pred = _predictions(y_pred)
    y_true = _targets(y_true, y_pred.dtype, name)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape, but received "
            f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}. (Only a trailing "
            f"axis of length 1 is added or dropped for you, as in (32,) against (32, 1).)"
        )
    return y_true, y_pred


def _looks_like_class_ids(y_true):
    labels = to_array(y_true, where="y_true")
    if labels.dtype.kind in "biu":
        return True
    return labels.dtype.kind == "f" and bool(np.all(labels == np.round(labels)))


def _check_one_hot(name, y_true, y_pred):
    """Integer class ids given where one-hot rows are expected: say what to use instead."""
    shape = np.shape(to_array(y_true, where=f"{name}(y_true)"))
    batch, classes = y_pred.shape[:-1], y_pred.shape[-1] if y_pred.ndim else 0
    if y_pred.ndim >= 2 and classes > 1 and shape in (batch, batch + (1,)) \
            and _looks_like_class_ids(y_true):
        raise ValueError(
            f"{name}: y_true of shape {shape} looks like integer class ids, but this loss "
            f"expects one-hot rows of y_pred's shape {y_pred.shape}. Use "
            f"sparse_categorical_crossentropy (loss='sparse_categorical_crossentropy') for "
            f"integer labels, or one-hot encode them first with "
            f"minikeras.utils.to_categorical(y, num_classes={classes})."
        )


def _fill_empty_rows(y_pred, axis):
    """Probabilities are divided by their sum along `axis`; a row summing to exactly 0 would give
    0/0. Such rows get 1 added to every entry, so they count as a uniform guess (loss log C,
    a finite gradient) where Keras returns NaN. Other rows are untouched."""
    empty = np.sum(y_pred.data, axis=axis, keepdims=True) == 0
    if not empty.any():
        return y_pred
    return y_pred + empty.astype(y_pred.dtype)


def standardize_reduction(reduction, where="Loss"):
    """`reduction` itself if Keras accepts it, else a ValueError listing the valid ones."""
    if not isinstance(reduction, (str, type(None))) or reduction not in REDUCTIONS:
        raise ValueError(
            f"{where}: invalid value for argument `reduction`. Expected one of "
            f"{', '.join(repr(r) for r in REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def _check_sample_weight(values, sample_weight, where):
    if sample_weight.ndim == 0:
        return
    fits = sample_weight.ndim == values.ndim and all(
        w in (1, v) for w, v in zip(sample_weight.shape, values.shape))
    if not fits:
        per_sample = values.shape[:1] + (1,) * (values.ndim - 1)
        raise ValueError(
            f"{where}: sample_weight of shape {sample_weight.shape} does not fit the losses of "
            f"shape {values.shape}. Pass a scalar, one weight per sample (shape "
            f"{per_sample}), or weights of the losses' shape {values.shape}."
        )


def _divide_no_nan(total, divisor):
    """total / divisor, or 0 when the divisor is 0 (no weight at all)."""
    if isinstance(divisor, (int, float)):  # the common case: a count of values
        return total * 0.0 if divisor == 0 else total * (1.0 / divisor)
    value = divisor.data if isinstance(divisor, Tensor) else divisor
    if not np.any(value):
        return total * 0.0
    return total / divisor


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce (already weighted) losses to a scalar as Keras 3 does.

    'sum' adds them up; 'sum_over_batch_size' and 'mean' divide that by the number of loss
    values (weighted or not); 'mean_with_sample_weight' divides by the sum of the weights;
    'none' (or None) returns them unreduced, as do a scalar and an empty batch.
    """
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return _divide_no_nan(total, ops.sum(sample_weight))
    return _divide_no_nan(total, values.size)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", where="Loss"):
    """Weight per-sample losses by `sample_weight` (and a 0/1 `mask`), then reduce them.

    A mask counts as weights; under 'sum_over_batch_size' and 'mean' its ones are scaled by
    total / valid so that the mean runs over the valid entries only, as in Keras.
    """
    reduction = standardize_reduction(reduction, where)
    values = as_tensor(values)
    if sample_weight is not None:
        sample_weight = ops.cast(as_tensor(sample_weight), values.dtype)
    if mask is not None:
        mask = np.asarray(mask, dtype=values.dtype)
        if reduction in ("mean", "sum_over_batch_size"):
            valid = float(np.sum(mask))
            mask = mask * mask.dtype.type(mask.size / valid) if valid else np.zeros_like(mask)
        if sample_weight is None:
            sample_weight = Tensor(mask)
        else:
            mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
            sample_weight = sample_weight * mask
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_sample_weight(values, sample_weight, where)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


# ---------------------------------------------------------------------------------------------
# Regression losses


def mean_squared_error(y_true, y_pred):
    """Mean of the squared errors over the last axis.

    `loss = mean(square(y_true - y_pred), axis=-1)`

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.

    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])      # [0.5]
    """
    y_true, y_pred = _align("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of the absolute errors over the last axis.

    `loss = mean(abs(y_true - y_pred), axis=-1)`

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.

    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]])     # [0.5]
    """
    y_true, y_pred = _align("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute error relative to the target, in percent, over the last axis.

    `loss = 100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`: targets of
    0 are divided by epsilon (1e-7) rather than 0.

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.

    >>> mean_absolute_percentage_error([[2.0, 1.0]], [[1.0, 1.0]])     # [25.0]
    """
    y_true, y_pred = _align("mean_absolute_percentage_error", y_true, y_pred)
    scale = ops.maximum(ops.abs(y_true), config.epsilon())
    return 100.0 * ops.mean(ops.abs((y_true - y_pred) / scale), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared difference of log(1 + value) over the last axis.

    `loss = mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`, with values below
    epsilon (1e-7) raised to epsilon first.

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.

    >>> mean_squared_logarithmic_error([[0.0, 1.0]], [[1.0, 1.0]])     # [0.2402]
    """
    y_true, y_pred = _align("mean_squared_logarithmic_error", y_true, y_pred)
    eps = config.epsilon()
    log_pred = ops.log(ops.maximum(y_pred, eps) + 1.0)
    log_true = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(log_pred - log_true), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along `axis`: -1 when the vectors point the same way.

    `loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`. The sign makes it a loss to
    minimize. A zero vector has similarity 0 with anything (norms are floored at epsilon).

    Args:
        y_true: targets.
        y_pred: predictions, of the same shape.
        axis: the axis along which the similarity is computed.

    >>> cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])   # [-0., -1.]
    """
    y_true, y_pred = _align("cosine_similarity", y_true, y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _l2_normalize(x, axis):
    # x / max(norm(x), epsilon), as keras.ops.normalize; the floor keeps zero vectors at 0.
    floor = config.epsilon() ** 2
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), floor))


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: squared error for small errors, absolute error beyond `delta`.

    For each error x = y_pred - y_true: 0.5 * x**2 if |x| <= delta, else
    delta * |x| - 0.5 * delta**2; then the mean over the last axis.

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.
        delta: where the loss changes from quadratic to linear.

    >>> huber([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # [0.18, 0.13]
    """
    y_true, y_pred = _align("huber", y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error.data <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of log(cosh(y_pred - y_true)) over the last axis.

    About x**2 / 2 for small errors and |x| - log(2) for large ones, so it behaves like the
    squared error without being thrown off by the odd wild prediction. Computed as
    x + softplus(-2x) - log(2), which cannot overflow.

    Args:
        y_true: targets, of shape (batch_size, d0, .. dN).
        y_pred: predictions, of the same shape.

    >>> log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])     # [0.2169, 0.]
    """
    y_true, y_pred = _align("log_cosh", y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - math.log(2.0), axis=-1)


# ---------------------------------------------------------------------------------------------
# Hinge losses


def _hinge_labels(y_true):
    """Labels that are all 0 or 1 become -1 or 1, as Keras converts them (all or none)."""
    labels = y_true.data
    if np.all((labels == 0) | (labels == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true, y_pred):
    """Hinge loss for labels -1/1 (0/1 labels are converted), the mean over the last axis.

    `loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)`

    Args:
        y_true: labels -1 or 1 (or 0 or 1), of shape (batch_size, d0, .. dN).
        y_pred: predicted scores, of the same shape.

    >>> hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # [1.1, 1.5]
    """
    y_true, y_pred = _align("hinge", y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss for labels -1/1 (0/1 labels are converted), the mean over the last axis.

    `loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`

    Args:
        y_true: labels -1 or 1 (or 0 or 1), of shape (batch_size, d0, .. dN).
        y_pred: predicted scores, of the same shape.

    >>> squared_hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # [1.46, 2.26]
    """
    y_true, y_pred = _align("squared_hinge", y_true, y_pred)
    margin = ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Hinge loss between the true class's score and the best wrong class's score.

    `loss = maximum(neg - pos + 1, 0)` where `pos = sum(y_true * y_pred)` and
    `neg = max((1 - y_true) * y_pred)` over the last axis; y_true is one-hot.

    Args:
        y_true: one-hot labels, of shape (batch_size, num_classes).
        y_pred: predicted scores, of the same shape.

    >>> categorical_hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # [1.2, 1.6]
    """
    y_true, y_pred = _align("categorical_hinge", y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


# ---------------------------------------------------------------------------------------------
# Probabilistic losses


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, the mean over `axis`.

    With `from_logits=True` the stable fused sigmoid-crossentropy is used; otherwise the
    probabilities are clipped to [epsilon, 1 - epsilon]. Label smoothing moves the targets
    towards 0.5: `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`.

    Args:
        y_true: labels 0 or 1 (or probabilities), of shape (batch_size, d0, .. dN).
        y_pred: predicted probabilities, or logits with `from_logits=True`.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; 0 means no smoothing.
        axis: the axis the mean is taken over.

    >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])     # [0.916, 0.714]
    """
    y_true, y_pred = _align("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(nn.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled down on easy examples (Lin et al., 2018), the mean over `axis`.

    Each element's crossentropy is multiplied by `(1 - p_t) ** gamma`, where p_t is the
    predicted probability of the true label; with `apply_class_balancing`, also by `alpha` for
    class 1 and `1 - alpha` for class 0. `gamma=0` gives the plain binary crossentropy.

    Args:
        y_true: labels 0 or 1, of shape (batch_size, d0, .. dN).
        y_pred: predicted probabilities, or logits with `from_logits=True`.
        apply_class_balancing: whether to weight the classes by alpha and 1 - alpha.
        alpha: the weight of class 1.
        gamma: the focusing parameter.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; smooths the labels towards 0.5.
        axis: the axis the mean is taken over.

    >>> binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])   # [0.330, 0.206]
    """
    y_true, y_pred = _align("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = nn.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot labels and predicted class probabilities, along `axis`.

    Probabilities are renormalized to sum to 1 and clipped to [epsilon, 1 - epsilon]; with
    `from_logits=True` the stable fused softmax-crossentropy is used. Label smoothing mixes the
    targets with the uniform distribution: `y_true * (1 - label_smoothing) + label_smoothing /
    num_classes`. For integer labels use `sparse_categorical_crossentropy`.

    Args:
        y_true: one-hot (or soft) labels, of shape (batch_size, num_classes).
        y_pred: predicted probabilities, or logits with `from_logits=True`, of the same shape.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; 0 means no smoothing.
        axis: the class axis.

    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    """
    y_true, y_pred = _categorical_inputs("categorical_crossentropy", y_true, y_pred,
                                         label_smoothing, axis)
    if not from_logits and nn.logits_of(y_pred, axis) is None:
        y_pred = _fill_empty_rows(y_pred, axis)
    return nn.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _categorical_inputs(name, y_true, y_pred, label_smoothing, axis):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name}: axis must be an int, received axis={axis!r}.")
    y_pred = _predictions(y_pred)
    _check_one_hot(name, y_true, y_pred)
    y_true, y_pred = _align(name, y_true, y_pred)
    if y_pred.ndim and y_pred.shape[axis] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
            f"'binary_crossentropy' if you only have 2 classes.", SyntaxWarning, stacklevel=3)
    if label_smoothing:
        classes = y_true.shape[axis] if y_true.ndim else 1
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return y_true, y_pred


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical crossentropy scaled down on easy examples (Lin et al., 2018), along `axis`.

    Each class's term `-y_true * log(p)` is multiplied by `alpha * (1 - p) ** gamma`, with p the
    predicted probability (renormalized and clipped to [epsilon, 1 - epsilon]).

    Args:
        y_true: one-hot labels, of shape (batch_size, num_classes).
        y_pred: predicted probabilities, or logits with `from_logits=True`, of the same shape.
        alpha: a weight for all classes, or a list of one weight per class.
        gamma: the focusing parameter; 0 gives alpha times the plain crossentropy.
        from_logits: whether y_pred holds logits rather than probabilities.
        label_smoothing: float in [0, 1]; 0 means no smoothing.
        axis: the class axis.

    >>> categorical_focal_crossentropy([[0, 1, 0]], [[0.05, 0.9, 0.05]])     # [2.634e-04]
    """
    name = "categorical_focal_crossentropy"
    y_true, y_pred = _categorical_inputs(name, y_true, y_pred, label_smoothing, axis)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    else:
        y_pred = _fill_empty_rows(y_pred, axis)
    if not np.isscalar(alpha):
        alpha = np.asarray(alpha, dtype=y_pred.dtype)
        if alpha.shape != y_pred.shape[-1:]:
            raise ValueError(
                f"{name}: alpha must be a number or one weight per class ({y_pred.shape[-1]} "
                f"of them), but received alpha of shape {alpha.shape}."
            )
    eps = config.epsilon()
    probs = ops.clip(y_pred / ops.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)
    weight = ops.power(1.0 - probs, gamma) * alpha
    return ops.sum(weight * (-y_true * ops.log(probs)), axis=axis)


def _sparse_labels(name, y_true, y_pred, ignore_class):
    """Integer labels matching y_pred's leading axes, and where they are not `ignore_class`."""
    labels = to_array(y_true, where=f"{name}(y_true)")
    if labels.ndim == y_pred.ndim and labels.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        hint = (" It has y_pred's shape, like one-hot labels: use categorical_crossentropy for "
                "those, or turn them into class ids with np.argmax(y_true, axis=-1)."
                if labels.shape == y_pred.shape else "")
        raise ValueError(
            f"{name}: expected integer class ids y_true of shape {y_pred.shape[:-1]} (or "
            f"{y_pred.shape[:-1] + (1,)}) for y_pred of shape {y_pred.shape}, but received "
            f"y_true.shape={labels.shape}.{hint}"
        )
    if ignore_class is None:
        return labels, None
    valid = labels != ignore_class
    return np.where(valid, labels, 0), valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Crossentropy between integer class ids and predicted class probabilities.

    Like `categorical_crossentropy` with the labels one-hot encoded, but cheaper. Entries whose
    label equals `ignore_class` (a "void" class such as -1 or 255 in segmentation maps) get a
    loss of 0, and the Loss class leaves them out of the mean.

    Args:
        y_true: integer class ids, of shape (batch_size,) or (batch_size, 1).
        y_pred: predicted probabilities, or logits with `from_logits=True`, of shape
            (batch_size, num_classes).
        from_logits: whether y_pred holds logits rather than probabilities.
        ignore_class: optional class id whose entries are left out of the loss.
        axis: the class axis.

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    """
    name = "sparse_categorical_crossentropy"
    y_pred = _predictions(y_pred)
    if axis not in (-1, y_pred.ndim - 1):
        y_pred = ops.moveaxis(y_pred, axis, -1)
    labels, valid = _sparse_labels(name, y_true, y_pred, ignore_class)
    if not from_logits:
        y_pred = _fill_empty_rows(y_pred, -1)
    losses = nn.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    if valid is not None:
        losses = ops.where(valid, losses, 0.0)
    return losses


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence of y_pred from y_true, summed over the last axis.

    `loss = sum(y_true * log(y_true / y_pred), axis=-1)`, with both clipped to [epsilon, 1].

    Args:
        y_true: target probabilities, of shape (batch_size, d0, .. dN).
        y_pred: predicted probabilities, of the same shape.

    >>> kl_divergence([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # [0.916, -3e-6]
    """
    y_true, y_pred = _align("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss for count data, the mean over the last axis.

    `loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`

    Args:
        y_true: target counts, of shape (batch_size, d0, .. dN).
        y_pred: predicted rates (non-negative), of the same shape.

    >>> poisson([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])     # [0.5, 0.]
    """
    y_true, y_pred = _align("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + config.epsilon()), axis=-1)


# ---------------------------------------------------------------------------------------------
# Loss classes


class Loss:
    """Base class of losses: `call` gives per-sample losses, calling the loss reduces them.

    Subclass it and define `call(y_true, y_pred)`. Calling the instance converts the inputs to
    its dtype, weights the losses by `sample_weight` and reduces them to a scalar.

    Args:
        name: the loss's name; defaults to the class name in snake_case.
        reduction: 'sum_over_batch_size' (the default) and 'mean' divide the weighted sum by
            the number of loss values; 'sum' returns the weighted sum;
            'mean_with_sample_weight' divides it by the sum of the weights; 'none' or None
            returns the weighted losses unreduced.
        dtype: the dtype of the computation; defaults to floatx() ('float32').

    >>> class MyMSE(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, type(self).__name__)
        dtype = np.dtype(dtype or config.floatx())
        if dtype.kind != "f":
            raise ValueError(f"{type(self).__name__}: dtype must be a float type such as "
                             f"'float32', received dtype={dtype.name!r}.")
        self._dtype = dtype.name

    @property
    def dtype(self):
        """The dtype of the computation, e.g. 'float32'."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss for a batch.

        Args:
            y_true: the targets.
            y_pred: the predictions.
            sample_weight: optional weights: a scalar, one per sample (shape (batch_size,)), or
                of the per-sample losses' shape (dimensions of length 1 broadcast).
        """
        y_pred = _to_dtype(y_pred, self.dtype, self.name)
        y_true = _to_dtype(y_true, self.dtype, self.name, floats_only=True)
        losses = as_tensor(self.call(y_true, y_pred))
        mask = self._loss_mask(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.name)

    def call(self, y_true, y_pred):
        """The per-sample losses (to be defined by subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred).")

    def _loss_mask(self, y_true, y_pred):
        """Which per-sample losses count (a boolean array), or None for all of them."""
        return None

    def get_config(self):
        """The arguments that recreate this loss."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """A loss from the output of `get_config`."""
        return cls(**config)

    def __repr__(self):
        options = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({options})"


def _to_dtype(x, dtype, name, floats_only=False):
    """x as a Tensor of `dtype` (integer labels stay integer when `floats_only`)."""
    if isinstance(x, Tensor):
        if x.dtype == dtype or (floats_only and x.dtype.kind != "f"):
            return x
        return ops.cast(x, dtype)
    array = to_array(x, where=f"{name}: input")
    if floats_only and array.dtype.kind != "f":
        return Tensor(array)
    return Tensor(to_array(x, dtype=dtype, where=f"{name}: input"))


class LossFunctionWrapper(Loss):
    """A Loss class around a loss function: `fn(y_true, y_pred, **kwargs)` gives the losses.

    Args:
        fn: the function computing per-sample losses.
        reduction: how the losses are reduced (see `Loss`).
        name: the loss's name.
        dtype: the dtype of the computation.
        **kwargs: further arguments passed to `fn` on every call.

    >>> LossFunctionWrapper(huber, delta=2.0)([[0.0]], [[3.0]])
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: fn must be a function (y_true, y_pred) -> "
                            f"losses, received {fn!r}.")
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), "fn": serialize(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)


class _BuiltinLoss(LossFunctionWrapper):
    """A Keras loss class: its function's options are its attributes and its config."""

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        vars(self).update(kwargs)  # Keras exposes them: loss.from_logits, loss.axis, ...

    def get_config(self):
        return {**Loss.get_config(self), **self._fn_kwargs}


class MeanSquaredError(_BuiltinLoss):
    """Mean of the squared errors: `mean(square(y_true - y_pred))`.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])     # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of the absolute errors: `mean(abs(y_true - y_pred))`.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> MeanAbsoluteError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])     # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """Mean absolute percentage error: `100 * mean(abs((y_true - y_pred) / y_true))`.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> MeanAbsolutePercentageError()([[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]])  # 50
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype)


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """Mean squared logarithmic error: `mean(square(log(y_true + 1) - log(y_pred + 1)))`.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> MeanSquaredLogarithmicError()([[0.0, 1.0]], [[1.0, 1.0]])     # 0.240
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype)


class CosineSimilarity(_BuiltinLoss):
    """Negative cosine similarity along `axis`: -1 for vectors pointing the same way.

    Args:
        axis: the axis along which the similarity is computed.
        reduction, name, dtype: as for `Loss`.

    >>> CosineSimilarity(axis=1)([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])   # -0.5
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, reduction, name, dtype, axis=axis)


class Huber(_BuiltinLoss):
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Args:
        delta: where the loss changes from quadratic to linear.
        reduction, name, dtype: as for `Loss`.

    >>> Huber()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # 0.155
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])     # 0.108
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype)


class Hinge(_BuiltinLoss):
    """Hinge loss `maximum(1 - y_true * y_pred, 0)` for labels -1/1 (0/1 are converted).

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> Hinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # 1.3
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


class SquaredHinge(_BuiltinLoss):
    """Squared hinge loss `square(maximum(1 - y_true * y_pred, 0))` for labels -1/1.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> SquaredHinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # 1.86
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


class CategoricalHinge(_BuiltinLoss):
    """Categorical hinge loss `maximum(neg - pos + 1, 0)` for one-hot labels.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> CategoricalHinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # 1.4
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)


class BinaryCrossentropy(_BuiltinLoss):
    """Crossentropy for binary (0 or 1) labels.

    Args:
        from_logits: whether y_pred holds logits (recommended with a linear last layer).
        label_smoothing: float in [0, 1]; smooths the labels towards 0.5.
        axis: the axis the mean is taken over.
        reduction, name, dtype: as for `Loss`.

    >>> BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])  # 0.865
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_BuiltinLoss):
    """Binary crossentropy scaled down on easy examples by `(1 - p_t) ** gamma`.

    Args:
        apply_class_balancing: whether to weight class 1 by alpha and class 0 by 1 - alpha.
        alpha: the weight of class 1.
        gamma: the focusing parameter.
        from_logits: whether y_pred holds logits.
        label_smoothing: float in [0, 1]; smooths the labels towards 0.5.
        axis: the axis the mean is taken over.
        reduction, name, dtype: as for `Loss`.

    >>> BinaryFocalCrossentropy(gamma=2, from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94,
    ...                                                                  -12.8])      # 0.691
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction, name, dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy for one-hot labels; use SparseCategoricalCrossentropy for integer labels.

    Args:
        from_logits: whether y_pred holds logits.
        label_smoothing: float in [0, 1]; with 0.1, targets become 0.1 / num_classes and
            0.9 + 0.1 / num_classes.
        axis: the class axis.
        reduction, name, dtype: as for `Loss`.

    >>> CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction, name, dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_BuiltinLoss):
    """Categorical crossentropy weighted by `alpha * (1 - p) ** gamma`, for class imbalance.

    Args:
        alpha: a weight for all classes, or a list with one weight per class.
        gamma: the focusing parameter.
        from_logits: whether y_pred holds logits.
        label_smoothing: float in [0, 1]; 0 means no smoothing.
        axis: the class axis.
        reduction, name, dtype: as for `Loss`.

    >>> CategoricalFocalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction, name, dtype, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy for integer class ids; entries labelled `ignore_class` are left out.

    Args:
        from_logits: whether y_pred holds logits.
        ignore_class: optional class id to leave out of the loss and of the mean.
        reduction, name, dtype: as for `Loss`.

    >>> SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])     # 1.177
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction, name, dtype,
                         from_logits=from_logits, ignore_class=ignore_class)

    def _loss_mask(self, y_true, y_pred):
        if self.ignore_class is None:
            return None
        return _sparse_labels(self.name, y_true, y_pred, self.ignore_class)[1]


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence `y_true * log(y_true / y_pred)`, both clipped to [eps, 1].

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> KLDivergence()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])     # 0.458
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction, name, dtype)


class Poisson(_BuiltinLoss):
    """Poisson loss `y_pred - y_true * log(y_pred)`, for count data.

    Args:
        reduction, name, dtype: as for `Loss`.

    >>> Poisson()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])     # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction, name, dtype)


# ---------------------------------------------------------------------------------------------
# Registry

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
cosine_proximity = cosine_similarity
bce = BCE = binary_crossentropy

ALL_OBJECTS = (
    Loss, LossFunctionWrapper,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
    CategoricalHinge, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, huber, log_cosh, hinge, squared_hinge,
    categorical_hinge, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy, kl_divergence, poisson,
)
_ALIASES = {
    "mse": mse, "MSE": MSE, "mae": mae, "MAE": MAE, "mape": mape, "MAPE": MAPE,
    "msle": msle, "MSLE": MSLE, "kld": kld, "KLD": KLD,
    "kullback_leibler_divergence": kullback_leibler_divergence, "logcosh": logcosh,
    "cosine_proximity": cosine_proximity, "bce": bce, "BCE": BCE,
}
_REGISTRY = Registry("loss", "keras.losses", ALL_OBJECTS, aliases=_ALIASES)


def get(identifier):
    """The loss for a name, a config dict, a class, an instance or a function.

    A function's name gives the function ('mse' -> mean_squared_error), a class name an
    instance ('MeanSquaredError' -> MeanSquaredError()); None gives None.

    Args:
        identifier: what to resolve.

    >>> get("categorical_crossentropy") is categorical_crossentropy
    """
    return _REGISTRY.get(identifier)


def serialize(loss):
    """Keras's config of a loss: a name for a built-in function, a dict for a Loss instance."""
    return _REGISTRY.serialize(loss)


def deserialize(config, custom_objects=None):
    """The loss function or Loss instance a config (name or dict) describes."""
    return _REGISTRY.deserialize(config, custom_objects)
