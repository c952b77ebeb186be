"""Metrics from confusion-matrix counts: TruePositives and friends, Precision, Recall and AUC.

Every metric here counts, for each of a list of thresholds t, the (weighted) labels that are
positive or negative and predicted `y_pred > t` or not. Labels are cast to bool (nonzero is
positive) and predictions are expected in [0, 1].

For thresholds spaced evenly over [0, 1] (AUC's default), Keras counts in one pass by putting
each prediction in the bucket between two thresholds and summing the buckets from the top; the
same is done here, so the counts match Keras's even for predictions that land exactly on a
threshold.
"""

import numpy as np

from ..backend import config
from .base import (Metric, as_array, check_same_shape, divide_no_nan,
                   squeeze_or_expand_to_same_rank, to_result)

NEG_INF = -1e10  # the threshold used with top_k: every kept prediction counts as positive


def _thresholds_list(thresholds, where):
    """`thresholds` (a number or a sequence) as a list of floats, each checked to be in [0, 1]."""
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) \
        else [thresholds]
    bad = [t for t in values if isinstance(t, bool) or not isinstance(t, (int, float, np.number))
           or not 0 <= t <= 1]
    if bad or not values:
        raise ValueError(f"{where}: threshold values must be numbers in [0, 1], received "
                         f"thresholds={thresholds!r}.")
    return [float(t) for t in values]


def _as_given(thresholds):
    """The thresholds for the config: as given, with a sequence as a JSON-friendly list."""
    if isinstance(thresholds, (list, tuple, np.ndarray)):
        return [float(t) for t in thresholds]
    return None if thresholds is None else float(thresholds)


def _is_evenly_distributed(thresholds):
    """Whether the thresholds are 0, 1/(n-1), ..., 1 (n >= 3), up to epsilon."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / np.float32(n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _check_index(value, name, where):
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                              or value < (1 if name == "top_k" else 0)):
        low = "a positive" if name == "top_k" else "a non-negative"
        raise ValueError(f"{where}: {name} must be None or {low} integer, received "
                         f"{name}={value!r}.")
    return None if value is None else int(value)


def _filter_top_k(scores, k):
    """Keep the k highest scores of each row (the first ones on ties), set the rest to NEG_INF."""
    top = np.argsort(-scores, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(scores.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, scores, scores.dtype.type(NEG_INF))


def _bucket_counts(y_pred, pos_weight, neg_weight, num_thresholds, with_epsilon):
    """Counts above each of n evenly spaced thresholds, by bucketing, per column.

    A prediction p goes to bucket ceil(p * (n - 1)) - 1 (the thresholds it is strictly above
    are the buckets up to its own), and the count above threshold i is the sum of buckets >= i.
    With end thresholds -epsilon and 1 + epsilon, a prediction of exactly 0 is in bucket 0.
    """
    dtype = y_pred.dtype
    y_pred = np.clip(y_pred, dtype.type(0), dtype.type(1))
    bucket = np.ceil(y_pred * dtype.type(num_thresholds - 1)) - 1
    if with_epsilon:
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(np.intp)
    columns = np.broadcast_to(np.arange(y_pred.shape[1]), y_pred.shape)
    kept = bucket >= 0
    counts = []
    for weight in (pos_weight, neg_weight):
        per_bucket = np.zeros((num_thresholds, y_pred.shape[1]), dtype=dtype)
        np.add.at(per_bucket, (bucket[kept], columns[kept]), weight[kept])
        counts.append(np.cumsum(per_bucket[::-1], axis=0)[::-1])
    return counts


def update_confusion_matrix(variables, y_true, y_pred, thresholds, where, evenly=False,
                            top_k=None, class_id=None, sample_weight=None, multi_label=False,
                            label_weights=None):
    """Add a batch's weighted tp/fp/tn/fn counts (one per threshold) to `variables`.

    Args:
        variables: a dict from 'tp', 'fp', 'tn', 'fn' (any of them) to the Variables to add to,
            of shape (num_thresholds,), or (num_thresholds, num_labels) with `multi_label`.
        y_true: labels, cast to bool.
        y_pred: predictions, of y_true's shape.
        thresholds: a list of floats; a prediction is positive when above.
        where: the metric, for messages.
        evenly: whether the thresholds are evenly spaced (counted by bucketing).
        top_k: keep only the k highest predictions of each row (the others are negative).
        class_id: count only this column of the last axis.
        sample_weight: weights broadcastable to y_true.
        multi_label: count each column of 2-D data separately instead of flattening.
        label_weights: per-column weights for flattened multi-column data.
    """
    dtype = next(iter(variables.values())).dtype
    y_true = as_array(y_true, "y_true", where)
    y_pred = as_array(y_pred, "y_pred", where).astype(dtype, copy=False)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    check_same_shape(y_true, y_pred, where)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    weight = np.ones((), dtype=dtype)
    if sample_weight is not None:
        weight = as_array(sample_weight, "sample_weight", where).astype(dtype, copy=False)
        _, weight = squeeze_or_expand_to_same_rank(y_true, weight[..., None],
                                                   expand_rank_1=False)
    if class_id is not None:
        if y_pred.ndim < 2 or not class_id < y_pred.shape[-1]:
            raise ValueError(f"{where}: class_id={class_id} needs y_pred of shape (num_samples, "
                             f"num_classes) with more than {class_id} classes, received "
                             f"y_pred.shape={y_pred.shape}.")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    for argument, value in (("sample_weight", weight), ("label_weights", label_weights)):
        if value is None:
            continue
        try:
            value = np.broadcast_to(value, y_pred.shape)
        except ValueError:
            raise ValueError(f"{where}: {argument} of shape {np.shape(value)} cannot be "
                             f"broadcast to the predictions' shape {y_pred.shape}; give one "
                             f"weight per sample (sample_weight) or per column "
                             f"(label_weights).") from None
        weight = value if argument == "sample_weight" else weight * value
    # Rows are samples, columns the labels counted separately (a single column when flattened).
    shape = y_pred.shape if multi_label else (y_pred.size, 1)
    y_pred = y_pred.reshape(shape)
    positive = (y_true != 0).reshape(shape)
    weight = weight.reshape(shape)
    pos_weight = np.where(positive, weight, dtype.type(0))
    neg_weight = np.where(positive, dtype.type(0), weight)

    if evenly:
        with_epsilon = thresholds[0] < 0 or thresholds[-1] > 1
        tp, fp = _bucket_counts(y_pred, pos_weight, neg_weight, len(thresholds), with_epsilon)
    else:
        cut = np.asarray(thresholds, dtype=dtype)[:, None, None]
        above = y_pred[None] > cut  # (thresholds, samples, columns)
        tp = np.sum(above * pos_weight, axis=1, dtype=dtype)
        fp = np.sum(above * neg_weight, axis=1, dtype=dtype)
    counts = {"tp": tp, "fp": fp, "fn": np.sum(pos_weight, axis=0) - tp,
              "tn": np.sum(neg_weight, axis=0) - fp}
    for key, variable in variables.items():
        count = counts[key] if multi_label else counts[key][:, 0]
        variable.data += count.astype(dtype, copy=False)


class _ConfusionMatrixConditionCount(Metric):
    """The weighted number of one confusion-matrix cell, per threshold."""

    _condition = None  # 'tp', 'fp', 'tn' or 'fn'

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.thresholds = [0.5] if thresholds is None else \
            _thresholds_list(thresholds, type(self).__name__)
        self.init_thresholds = _as_given(thresholds)
        self._evenly = _is_evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's count at each threshold."""
        update_confusion_matrix({self._condition: self.accumulator}, y_true, y_pred,
                                self.thresholds, self._where(), evenly=self._evenly,
                                sample_weight=sample_weight)

    def result(self):
        """The count: a float for one threshold, an array for several."""
        value = self.accumulator.data
        return to_result(value[0] if len(self.thresholds) == 1 else value, self.dtype)

    def get_config(self):
        """name, dtype and thresholds (as given)."""
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted above the threshold.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5); predictions above a
            threshold count as positive. With a loss that uses `from_logits=True`, use 0.
            One count is kept per threshold.
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    2.0
    """

    _condition = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted above the threshold.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> m.result()
    2.0
    """

    _condition = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted at or below the threshold.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> m.result()
    2.0
    """

    _condition = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted at or below the threshold.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> m.result()
    2.0
    """

    _condition = "fn"


class _PrecisionRecall(Metric):
    """tp / (tp + other), where other is fp (precision) or fn (recall)."""

    _other = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        self.top_k = _check_index(top_k, "top_k", where)
        self.class_id = _check_index(class_id, "class_id", where)
        if thresholds is None:
            self.thresholds = [0.5 if top_k is None else NEG_INF]
        else:
            self.thresholds = _thresholds_list(thresholds, where)
        self.init_thresholds = _as_given(thresholds)
        self._evenly = _is_evenly_distributed(self.thresholds)
        self.true_positives = self.add_variable(shape=(len(self.thresholds),),
                                                name="true_positives")
        other = {"fp": "false_positives", "fn": "false_negatives"}[self._other]
        self._other_variable = self.add_variable(shape=(len(self.thresholds),), name=other)
        setattr(self, other, self._other_variable)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's true positives and false positives (or negatives) per threshold."""
        update_confusion_matrix({"tp": self.true_positives, self._other: self._other_variable},
                                y_true, y_pred, self.thresholds, self._where(),
                                evenly=self._evenly, top_k=self.top_k, class_id=self.class_id,
                                sample_weight=sample_weight)

    def result(self):
        """The ratio: a float for one threshold, an array for several (0 before any data)."""
        tp = self.true_positives.data
        value = divide_no_nan(tp, tp + self._other_variable.data)
        return to_result(value[0] if len(self.thresholds) == 1 else value, self.dtype)

    def get_config(self):
        """name, dtype, thresholds (as given), top_k and class_id."""
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """The fraction of positive predictions that are right: tp / (tp + fp).

    With `top_k`, only the k highest predictions of each row count as positive; with
    `class_id`, only that class (column) is looked at.

    Args:
        thresholds: a float or a list of floats in [0, 1]; predictions above a threshold count
            as positive (default 0.5, or every top-k prediction when `top_k` is set). With a
            loss that uses `from_logits=True`, use 0. One value per threshold.
        top_k: count only the k highest predictions of each row as positive.
        class_id: the class (index on the last axis) to compute the binary precision of.
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    0.6666666865348816
    """

    _other = "fp"


class Recall(_PrecisionRecall):
    """The fraction of positive labels that are predicted positive: tp / (tp + fn).

    With `top_k`, only the k highest predictions of each row count as positive; with
    `class_id`, only that class (column) is looked at.

    Args:
        thresholds: a float or a list of floats in [0, 1]; predictions above a threshold count
            as positive (default 0.5, or every top-k prediction when `top_k` is set). With a
            loss that uses `from_logits=True`, use 0. One value per threshold.
        top_k: count only the k highest predictions of each row as positive.
        class_id: the class (index on the last axis) to compute the binary recall of.
        name: the metric's name.
        dtype: the float type of the state and the result.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    0.6666666865348816
    """

    _other = "fn"


_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = {"interpolation": "interpolation", "majoring": "majoring", "minoring": "minoring"}


def _choice(value, choices, argument, where):
    key = value.lower() if isinstance(value, str) else value
    if key not in choices:
        raise ValueError(f"{where}: invalid {argument} {value!r}. Expected one of "
                         f"{', '.join(repr(v) for v in choices.values())}.")
    return choices[key]


class AUC(Metric):
    """The area under the ROC curve (or the precision-recall curve), from counts at thresholds.

    Predictions are counted at `num_thresholds` thresholds spread evenly over [0, 1] (plus
    -epsilon and 1 + epsilon at the ends, so that predictions of exactly 0 and 1 are counted);
    the area is a Riemann sum over them. For 'PR' with 'interpolation', precision is
    interpolated as Davis & Goadrich (2006) do, by letting tp and fp vary linearly between
    thresholds. The estimate is good when predictions spread over [0, 1].

    Args:
        num_thresholds: the number of thresholds (> 1), default 200.
        curve: 'ROC' (default) or 'PR'.
        summation_method: 'interpolation' (trapezoids; default), 'minoring' (lower bound) or
            'majoring' (upper bound).
        name: the metric's name.
        dtype: the float type of the state and the result.
        thresholds: your own thresholds in [0, 1] instead of `num_thresholds` even ones.
        multi_label: for 2-D data, compute one AUC per column and average them, instead of
            flattening all columns into one binary problem (leave False for multi-class data).
        num_labels: the number of columns with `multi_label` (else taken from the first batch).
        label_weights: per-column weights: of the per-label AUCs with `multi_label`, else of
            the flattened predictions.
        from_logits: whether y_pred holds logits (a sigmoid is applied first).

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        self.curve = _choice(curve, _CURVES, "curve", "AUC")
        self.summation_method = _choice(summation_method, _SUMMATIONS, "summation_method",
                                        "AUC")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_thresholds_list(thresholds, "AUC"))
            self.num_thresholds = len(inner) + 2
            self._evenly = _is_evenly_distributed([0.0] + inner + [1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                    or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, received "
                                 f"num_thresholds={num_thresholds!r}.")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = config.epsilon()
        self._thresholds = [0.0 - eps] + inner + [1.0 + eps]
        self.multi_label = bool(multi_label)
        if num_labels is not None and not self.multi_label:
            raise ValueError("AUC: num_labels is needed only when multi_label=True.")
        self.num_labels = num_labels
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = as_array(label_weights, "label_weights", "AUC").astype(
                self.dtype).reshape(-1)
            if np.any(self.label_weights < 0):
                raise ValueError(f"AUC: label_weights must be non-negative, received "
                                 f"{label_weights!r}.")
        self._from_logits = bool(from_logits)
        self._num_labels = None
        if not self.multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """The thresholds used, including the end points just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"{self._where()}: y_pred must have rank 2 (samples, labels) "
                                 f"when multi_label=True, received shape {tuple(shape)}.")
            if self.label_weights is not None and self.label_weights.size != shape[1]:
                raise ValueError(f"{self._where()}: {self.label_weights.size} label_weights "
                                 f"for {shape[1]} labels; give one weight per label.")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(shape=variable_shape, name=name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's tp/fp/tn/fn counts at every threshold."""
        y_pred = as_array(y_pred, "y_pred", self._where()).astype(self.dtype, copy=False)
        if self.multi_label:
            if self._num_labels is None:
                self._build(y_pred.shape)
            elif y_pred.ndim != 2 or y_pred.shape[1] != self._num_labels:
                raise ValueError(f"{self._where()}: expected y_pred of shape (samples, "
                                 f"{self._num_labels}) with multi_label=True, received shape "
                                 f"{y_pred.shape}.")
        if self._from_logits:
            from scipy import special  # imported on first use: it is slow to import
            y_pred = special.expit(y_pred)
        variables = {"tp": self.true_positives, "tn": self.true_negatives,
                     "fp": self.false_positives, "fn": self.false_negatives}
        update_confusion_matrix(variables, y_true, y_pred, self._thresholds, self._where(),
                                evenly=self._evenly, sample_weight=sample_weight,
                                multi_label=self.multi_label,
                                label_weights=None if self.multi_label else self.label_weights)

    def _average_over_labels(self, per_threshold):
        by_label = np.sum(per_threshold, axis=0)
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return np.mean(by_label)
        return divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def _interpolate_pr_auc(self):
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich 2006).

        Between two thresholds A and B, let tp and p = tp + fp vary linearly. Precision is then
        tp / p = (intercept + slope * p) / p with slope = dtp / dp, and its integral over recall
        (= tp / total positives) is slope * (dtp + intercept * log(p_A / p_B)) / positives.
        When p_B is 0 the log term is dropped (precision is constant in that first interval).
        """
        tp, fp, fn = self.true_positives.data, self.false_positives.data, \
            self.false_negatives.data
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both_positive, divide_no_nan(p[:-1], np.maximum(p[1:], 0)),
                         np.ones_like(p[1:]))
        increments = divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                   np.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(increments)

    def result(self):
        """The area under the curve (the mean over labels with `multi_label`); 0 before data."""
        if self._num_labels is None and self.multi_label:
            raise ValueError(f"{self._where()} has seen no data yet: its number of labels "
                             f"comes from the first y_pred (or pass num_labels).")
        if self.curve == "PR" and self.summation_method == "interpolation":
            return to_result(self._interpolate_pr_auc(), self.dtype)
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / y.dtype.type(2)
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return to_result(self._average_over_labels((x[:-1] - x[1:]) * heights), self.dtype)

    def get_config(self):
        """Keras's keys; `thresholds` only when given (without the two end points)."""
        config_ = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else
            [float(w) for w in self.label_weights],
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config_["thresholds"] = self.thresholds[1:-1]
        return config_
