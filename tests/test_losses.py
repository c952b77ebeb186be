"""Tests for minikeras/losses.py: every Keras 3 loss as a function and as a class.

Values are checked against closed-form numpy formulas written here (float64) and against the
standalone-usage examples in the Keras 3 docstrings (keras/src/losses/losses.py) and the
tf.keras API pages, whose numbers Keras 3 keeps. Gradients with respect to y_pred are checked
numerically with `minikeras.testing.check_grad`.
"""

import math

import numpy as np
import pytest

from minikeras import losses, ops
from minikeras.backend import Tensor, Variable, no_grad
from minikeras.testing import check_grad

EPS = 1e-7  # keras.backend.epsilon()
RNG = np.random.default_rng(0)


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_cce(t, p, axis=-1):
    p = np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(axis=axis)


def np_hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_unit(x, axis=-1):
    return x / np.maximum(np.sqrt((x * x).sum(axis=axis, keepdims=True)), EPS)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2).mean(-1)


def np_binary_focal(t, p, balance=False, alpha=0.25, gamma=2.0):
    p_t = t * p + (1 - t) * (1 - p)
    loss = (1 - p_t) ** gamma * np_bce(t, p)
    if balance:
        loss = loss * (t * alpha + (1 - t) * (1 - alpha))
    return loss.mean(-1)


def np_categorical_focal(t, p, alpha=0.25, gamma=2.0):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return (alpha * (1 - p) ** gamma * -t * np.log(p)).sum(-1)


# Inputs (float64) away from kinks, clipping bounds and ties, so values and gradients are clean.
REAL_T = np.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]])
REAL_P = np.array([[0.9, -0.4, 1.1], [-0.2, 0.8, 0.6]])
POS_T = np.array([[0.5, 1.2, 2.0], [1.5, 0.3, 0.7]])
POS_P = np.array([[0.9, 0.4, 1.1], [0.2, 0.8, 2.6]])
BIN_T = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
SIGNED_T = np.array([[-1.0, 1.0, 1.0], [1.0, -1.0, -1.0]])
SCORES = np.array([[0.3, -0.6, 0.45], [1.7, 0.2, -0.35]])
PROB_P = np.array([[0.2, 0.7, 0.6], [0.9, 0.35, 0.15]])
ONE_HOT = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
CLASS_P = np.array([[0.2, 0.5, 0.3], [0.1, 0.3, 0.6]])
LOGITS = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]])
DIST_T = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])

# name -> (function, kwargs, y_true, y_pred, float64 reference of the per-sample losses)
CASES = {
    "mse": (losses.mean_squared_error, {}, REAL_T, REAL_P,
            lambda t, p: ((t - p) ** 2).mean(-1)),
    "mae": (losses.mean_absolute_error, {}, REAL_T, REAL_P, lambda t, p: np.abs(t - p).mean(-1)),
    "mape": (losses.mean_absolute_percentage_error, {}, REAL_T, REAL_P,
             lambda t, p: 100 * np.abs((t - p) / np.abs(t)).mean(-1)),
    "msle": (losses.mean_squared_logarithmic_error, {}, POS_T, POS_P,
             lambda t, p: ((np.log1p(t) - np.log1p(p)) ** 2).mean(-1)),
    "cosine": (losses.cosine_similarity, {}, REAL_T, REAL_P,
               lambda t, p: -(np_unit(t) * np_unit(p)).sum(-1)),
    "cosine_axis0": (losses.cosine_similarity, {"axis": 0}, REAL_T, REAL_P,
                     lambda t, p: -(np_unit(t, 0) * np_unit(p, 0)).sum(0)),
    "huber": (losses.huber, {}, REAL_T, REAL_P, np_huber),
    "huber_delta": (losses.huber, {"delta": 0.5}, REAL_T, REAL_P,
                    lambda t, p: np_huber(t, p, 0.5)),
    "log_cosh": (losses.log_cosh, {}, REAL_T, REAL_P,
                 lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    "hinge_01": (losses.hinge, {}, BIN_T, SCORES,
                 lambda t, p: np.maximum(1 - (2 * t - 1) * p, 0).mean(-1)),
    "hinge_pm1": (losses.hinge, {}, SIGNED_T, SCORES,
                  lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
    "squared_hinge": (losses.squared_hinge, {}, BIN_T, SCORES,
                      lambda t, p: (np.maximum(1 - (2 * t - 1) * p, 0) ** 2).mean(-1)),
    "categorical_hinge": (losses.categorical_hinge, {}, ONE_HOT, SCORES,
                          lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1,
                                                  0)),
    "bce": (losses.binary_crossentropy, {}, BIN_T, PROB_P, lambda t, p: np_bce(t, p).mean(-1)),
    "bce_logits": (losses.binary_crossentropy, {"from_logits": True}, BIN_T, LOGITS,
                   lambda t, p: np_bce(t, np_sigmoid(p)).mean(-1)),
    "bce_smoothing": (losses.binary_crossentropy, {"label_smoothing": 0.2}, BIN_T, PROB_P,
                      lambda t, p: np_bce(t * 0.8 + 0.1, p).mean(-1)),
    "bce_axis0": (losses.binary_crossentropy, {"axis": 0}, BIN_T, PROB_P,
                  lambda t, p: np_bce(t, p).mean(0)),
    "binary_focal": (losses.binary_focal_crossentropy, {}, BIN_T, PROB_P, np_binary_focal),
    "binary_focal_balanced": (
        losses.binary_focal_crossentropy,
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, BIN_T, PROB_P,
        lambda t, p: np_binary_focal(t, p, True, 0.4, 1.5)),
    "binary_focal_logits": (losses.binary_focal_crossentropy, {"from_logits": True}, BIN_T,
                            LOGITS, lambda t, p: np_binary_focal(t, np_sigmoid(p))),
    "binary_focal_smoothing": (losses.binary_focal_crossentropy, {"label_smoothing": 0.2},
                               BIN_T, PROB_P, lambda t, p: np_binary_focal(t * 0.8 + 0.1, p)),
    "cce": (losses.categorical_crossentropy, {}, ONE_HOT, CLASS_P, np_cce),
    "cce_unnormalized": (losses.categorical_crossentropy, {}, ONE_HOT, 3 * CLASS_P, np_cce),
    "cce_logits": (losses.categorical_crossentropy, {"from_logits": True}, ONE_HOT, LOGITS,
                   lambda t, p: np_cce(t, np_softmax(p))),
    "cce_smoothing": (losses.categorical_crossentropy, {"label_smoothing": 0.3}, ONE_HOT,
                      CLASS_P, lambda t, p: np_cce(t * 0.7 + 0.1, p)),
    "cce_axis0": (losses.categorical_crossentropy, {"axis": 0}, ONE_HOT.T, CLASS_P.T,
                  lambda t, p: np_cce(t, p, axis=0)),
    "categorical_focal": (losses.categorical_focal_crossentropy, {}, ONE_HOT, CLASS_P,
                          np_categorical_focal),
    "categorical_focal_logits": (
        losses.categorical_focal_crossentropy, {"from_logits": True, "gamma": 1.0}, ONE_HOT,
        LOGITS, lambda t, p: np_categorical_focal(t, np_softmax(p), gamma=1.0)),
    "categorical_focal_alpha_list": (
        losses.categorical_focal_crossentropy, {"alpha": [0.2, 0.3, 0.5]}, ONE_HOT, CLASS_P,
        lambda t, p: np_categorical_focal(t, p, alpha=np.array([0.2, 0.3, 0.5]))),
    "sparse": (losses.sparse_categorical_crossentropy, {}, np.array([1, 2]), CLASS_P,
               lambda t, p: np_cce(np.eye(3)[t], p)),
    "sparse_logits": (losses.sparse_categorical_crossentropy, {"from_logits": True},
                      np.array([[1], [2]]), LOGITS,
                      lambda t, p: np_cce(np.eye(3)[t[:, 0]], np_softmax(p))),
    "sparse_axis0": (losses.sparse_categorical_crossentropy, {"axis": 0}, np.array([1, 2]),
                     CLASS_P.T, lambda t, p: np_cce(np.eye(3)[t], p.T)),
    "kl": (losses.kl_divergence, {}, DIST_T, CLASS_P,
           lambda t, p: (t * np.log(t / p)).sum(-1)),
    "poisson": (losses.poisson, {}, POS_T, POS_P,
                lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_function_values_match_the_formula(case):
    fn, kwargs, y_true, y_pred, reference = CASES[case]
    out = fn(y_true, y_pred, **kwargs)
    assert isinstance(out, Tensor) and out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), reference(y_true, y_pred), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_function_gradient_with_respect_to_y_pred(case):
    fn, kwargs, y_true, y_pred, _ = CASES[case]
    check_grad(lambda p: fn(y_true, p, **kwargs), y_pred)


@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_in_float32_out(case):
    fn, kwargs, y_true, y_pred, reference = CASES[case]
    y_true = y_true if y_true.dtype.kind in "iu" else y_true.astype(np.float32)
    out = fn(y_true, y_pred.astype(np.float32), **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), reference(y_true, y_pred), rtol=2e-5, atol=2e-6)


# ---------------------------------------------------------------------------------------------
# Documented examples


A = [[0.0, 1.0], [0.0, 0.0]]
B = [[1.0, 1.0], [1.0, 0.0]]
C = [[0.6, 0.4], [0.4, 0.6]]
LOGIT_T = np.array([[0, 1], [0, 0]])
LOGIT_P = np.array([[-18.6, 0.51], [2.94, -12.8]])
CCE_T = np.array([[0, 1, 0], [0, 0, 1]])
CCE_P = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])

# (class, kwargs, y_true, y_pred, sample_weight, expected), from the docstrings' examples.
DOC_CLASS_EXAMPLES = [
    (losses.MeanSquaredError, {}, A, B, None, 0.5),
    (losses.MeanSquaredError, {}, A, B, [0.7, 0.3], 0.25),
    (losses.MeanSquaredError, {"reduction": "sum"}, A, B, None, 1.0),
    (losses.MeanSquaredError, {"reduction": "none"}, A, B, None, [0.5, 0.5]),
    (losses.MeanAbsoluteError, {}, A, B, None, 0.5),
    (losses.MeanAbsoluteError, {}, A, B, [0.7, 0.3], 0.25),
    (losses.MeanAbsoluteError, {"reduction": "sum"}, A, B, None, 1.0),
    (losses.MeanAbsolutePercentageError, {}, [[2.0, 1.0], [2.0, 3.0]], B, None, 50.0),
    (losses.MeanAbsolutePercentageError, {}, [[2.0, 1.0], [2.0, 3.0]], B, [0.7, 0.3], 20.0),
    (losses.MeanAbsolutePercentageError, {"reduction": None}, [[2.0, 1.0], [2.0, 3.0]], B,
     None, [25.0, 75.0]),
    (losses.MeanSquaredLogarithmicError, {}, A, B, None, 0.240),
    (losses.MeanSquaredLogarithmicError, {}, A, B, [0.7, 0.3], 0.120),
    (losses.MeanSquaredLogarithmicError, {"reduction": "sum"}, A, B, None, 0.480),
    (losses.CosineSimilarity, {"axis": 1}, [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]],
     None, -0.5),
    (losses.CosineSimilarity, {"axis": 1}, [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]],
     [0.8, 0.2], -0.0999),
    (losses.CosineSimilarity, {"axis": 1, "reduction": "sum"}, [[0.0, 1.0], [1.0, 1.0]],
     [[1.0, 0.0], [1.0, 1.0]], None, -0.999),
    (losses.CosineSimilarity, {"axis": 1, "reduction": None}, [[0.0, 1.0], [1.0, 1.0]],
     [[1.0, 0.0], [1.0, 1.0]], None, [-0.0, -0.999]),
    (losses.Hinge, {}, A, C, None, 1.3),
    (losses.Hinge, {}, A, C, [1, 0], 0.55),
    (losses.Hinge, {"reduction": "sum"}, A, C, None, 2.6),
    (losses.Hinge, {"reduction": None}, A, C, None, [1.1, 1.5]),
    (losses.SquaredHinge, {}, A, C, None, 1.86),
    (losses.SquaredHinge, {}, A, C, [1, 0], 0.73),
    (losses.SquaredHinge, {"reduction": "sum"}, A, C, None, 3.72),
    (losses.SquaredHinge, {"reduction": None}, A, C, None, [1.46, 2.26]),
    (losses.CategoricalHinge, {}, A, C, None, 1.4),
    (losses.CategoricalHinge, {}, A, C, [1, 0], 0.6),
    (losses.CategoricalHinge, {"reduction": "sum"}, A, C, None, 2.8),
    (losses.CategoricalHinge, {"reduction": None}, A, C, None, [1.2, 1.6]),
    (losses.Huber, {}, A, C, None, 0.155),
    (losses.Huber, {}, A, C, [1, 0], 0.09),
    (losses.Huber, {"reduction": "sum"}, A, C, None, 0.31),
    (losses.Huber, {"reduction": None}, A, C, None, [0.18, 0.13]),
    (losses.LogCosh, {}, A, [[1.0, 1.0], [0.0, 0.0]], None, 0.108),
    (losses.LogCosh, {}, A, [[1.0, 1.0], [0.0, 0.0]], [0.8, 0.2], 0.087),
    (losses.LogCosh, {"reduction": "sum"}, A, [[1.0, 1.0], [0.0, 0.0]], None, 0.217),
    (losses.LogCosh, {"reduction": None}, A, [[1.0, 1.0], [0.0, 0.0]], None, [0.217, 0.0]),
    (losses.KLDivergence, {}, A, C, None, 0.458),
    (losses.KLDivergence, {}, A, C, [0.8, 0.2], 0.366),
    (losses.KLDivergence, {"reduction": "sum"}, A, C, None, 0.916),
    (losses.KLDivergence, {"reduction": None}, A, C, None, [0.916, -3.08e-06]),
    (losses.Poisson, {}, A, [[1.0, 1.0], [0.0, 0.0]], None, 0.5),
    (losses.Poisson, {}, A, [[1.0, 1.0], [0.0, 0.0]], [0.8, 0.2], 0.4),
    (losses.Poisson, {"reduction": "sum"}, A, [[1.0, 1.0], [0.0, 0.0]], None, 0.999),
    (losses.Poisson, {"reduction": None}, A, [[1.0, 1.0], [0.0, 0.0]], None, [0.999, 0.0]),
    (losses.BinaryCrossentropy, {}, A, C, None, 0.815),
    (losses.BinaryCrossentropy, {}, A, C, [1, 0], 0.458),
    (losses.BinaryCrossentropy, {"reduction": "sum"}, A, C, None, 1.630),
    (losses.BinaryCrossentropy, {"from_logits": True}, [0, 1, 0, 0],
     [-18.6, 0.51, 2.94, -12.8], None, 0.8654),
    (losses.BinaryCrossentropy, {"from_logits": True}, LOGIT_T, LOGIT_P, None, 0.8654),
    (losses.BinaryCrossentropy, {"from_logits": True}, LOGIT_T, LOGIT_P, [0.8, 0.2], 0.243),
    (losses.BinaryCrossentropy, {"from_logits": True, "reduction": "sum"}, LOGIT_T, LOGIT_P,
     None, 1.730),
    (losses.BinaryCrossentropy, {"from_logits": True, "reduction": None}, LOGIT_T, LOGIT_P,
     None, [0.235, 1.496]),
    (losses.BinaryFocalCrossentropy, {"gamma": 2, "from_logits": True}, [0, 1, 0, 0],
     [-18.6, 0.51, 2.94, -12.8], None, 0.691),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 2,
                                      "from_logits": True}, [0, 1, 0, 0],
     [-18.6, 0.51, 2.94, -12.8], None, 0.51),
    (losses.BinaryFocalCrossentropy, {"gamma": 3, "from_logits": True}, LOGIT_T, LOGIT_P, None,
     0.647),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 3,
                                      "from_logits": True}, LOGIT_T, LOGIT_P, None, 0.482),
    (losses.BinaryFocalCrossentropy, {"gamma": 3, "from_logits": True}, LOGIT_T, LOGIT_P,
     [0.8, 0.2], 0.133),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 3,
                                      "from_logits": True}, LOGIT_T, LOGIT_P, [0.8, 0.2], 0.097),
    (losses.BinaryFocalCrossentropy, {"gamma": 4, "from_logits": True, "reduction": "sum"},
     LOGIT_T, LOGIT_P, None, 1.222),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 4,
                                      "from_logits": True, "reduction": "sum"},
     LOGIT_T, LOGIT_P, None, 0.914),
    (losses.BinaryFocalCrossentropy, {"gamma": 5, "from_logits": True, "reduction": None},
     LOGIT_T, LOGIT_P, None, [0.0017, 1.1561]),
    (losses.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 5,
                                      "from_logits": True, "reduction": None},
     LOGIT_T, LOGIT_P, None, [0.0004, 0.8670]),
    (losses.CategoricalCrossentropy, {}, CCE_T, CCE_P, None, 1.177),
    (losses.CategoricalCrossentropy, {}, CCE_T, CCE_P, np.array([0.3, 0.7]), 0.814),
    (losses.CategoricalCrossentropy, {"reduction": "sum"}, CCE_T, CCE_P, None, 2.354),
    (losses.CategoricalCrossentropy, {"reduction": None}, CCE_T, CCE_P, None, [0.0513, 2.303]),
    (losses.CategoricalFocalCrossentropy, {}, CCE_T, CCE_P, None, 0.23315276),
    (losses.CategoricalFocalCrossentropy, {}, CCE_T, CCE_P, np.array([0.3, 0.7]), 0.1632),
    (losses.CategoricalFocalCrossentropy, {"reduction": "sum"}, CCE_T, CCE_P, None, 0.46631),
    (losses.CategoricalFocalCrossentropy, {"reduction": None}, CCE_T, CCE_P, None,
     [3.2058331e-05, 4.6627346e-01]),
    (losses.SparseCategoricalCrossentropy, {}, [1, 2], CCE_P, None, 1.177),
    (losses.SparseCategoricalCrossentropy, {}, [1, 2], CCE_P, np.array([0.3, 0.7]), 0.814),
    (losses.SparseCategoricalCrossentropy, {"reduction": "sum"}, [1, 2], CCE_P, None, 2.354),
    (losses.SparseCategoricalCrossentropy, {"reduction": None}, [1, 2], CCE_P, None,
     [0.0513, 2.303]),
]


@pytest.mark.parametrize("cls, kwargs, y_true, y_pred, sample_weight, expected",
                         DOC_CLASS_EXAMPLES)
def test_documented_class_examples(cls, kwargs, y_true, y_pred, sample_weight, expected):
    out = cls(**kwargs)(y_true, y_pred, sample_weight=sample_weight)
    assert out.dtype == np.float32
    # The docs print three or four digits, truncated (0.1084 shows as 0.108).
    np.testing.assert_allclose(out.numpy(), expected, rtol=5e-3, atol=1e-4)


@pytest.mark.parametrize("fn, kwargs, y_true, y_pred, expected", [
    (losses.binary_crossentropy, {}, A, C, [0.916, 0.714]),
    (losses.binary_focal_crossentropy, {"gamma": 2}, A, C, [0.330, 0.206]),
    (losses.categorical_crossentropy, {}, CCE_T, CCE_P.tolist(), [0.0513, 2.303]),
    (losses.categorical_focal_crossentropy, {}, CCE_T, [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]],
     [2.63401289e-04, 6.75912094e-01]),
    (losses.sparse_categorical_crossentropy, {}, [1, 2], CCE_P.tolist(), [0.0513, 2.303]),
    (losses.cosine_similarity, {"axis": -1}, [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]],
     [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], [-0.0, -0.99999994, 0.99999994]),
    (losses.huber, {}, A, C, [0.18, 0.13]),          # documented mean: 0.155
    (losses.log_cosh, {}, A, [[1.0, 1.0], [0.0, 0.0]], [0.2169, 0.0]),   # mean: 0.108
])
def test_documented_function_examples(fn, kwargs, y_true, y_pred, expected):
    out = fn(y_true, y_pred, **kwargs)
    assert out.dtype == np.float32 and out.shape == (len(expected),)
    np.testing.assert_allclose(out.numpy(), expected, rtol=2e-3, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# Reductions and sample weights


# Losses of shape (2, 3): a per-timestep loss, so weights of several ranks can be checked.
SEQ_T = RNG.normal(size=(2, 3, 4))
SEQ_P = RNG.normal(size=(2, 3, 4))
SEQ_LOSS = ((SEQ_T - SEQ_P) ** 2).mean(-1)


@pytest.mark.parametrize("weight", [
    None, 2.0, np.array([[0.7], [0.3]]), RNG.uniform(size=(2, 3)), np.array([[0.5, 1.0, 2.0]]),
], ids=["none", "scalar", "per_sample", "full", "per_step"])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean", "sum",
                                       "mean_with_sample_weight", "none", None])
def test_every_reduction_with_and_without_sample_weight(reduction, weight):
    loss = losses.MeanSquaredError(reduction=reduction, dtype="float64")
    out = loss(SEQ_T, SEQ_P, sample_weight=weight).numpy()
    w = 1.0 if weight is None else weight
    weighted = SEQ_LOSS * w
    if reduction in ("none", None):
        expected = weighted
    elif reduction == "sum":
        expected = weighted.sum()
    elif reduction == "mean_with_sample_weight" and weight is not None:
        expected = weighted.sum() / np.sum(w)       # the weights as given, not broadcast
    else:
        expected = weighted.sum() / weighted.size
    if reduction not in ("none", None):
        assert out.shape == ()
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_per_sample_weights_on_per_sample_losses():
    y_true, y_pred = np.array([[0.0, 1.0], [2.0, 2.0], [1.0, 1.0]]), np.zeros((3, 2))
    per_sample = np.array([0.5, 4.0, 1.0])
    weight = np.array([1.0, 0.5, 2.0])
    for reduction, expected in [("sum_over_batch_size", (per_sample * weight).sum() / 3),
                                ("sum", (per_sample * weight).sum()),
                                ("mean_with_sample_weight",
                                 (per_sample * weight).sum() / weight.sum())]:
        out = losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=weight)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    # A (N, 1) weight fits (N,) losses too.
    out = losses.MeanSquaredError(reduction="sum")(y_true, y_pred, weight[:, None])
    np.testing.assert_allclose(out.numpy(), (per_sample * weight).sum(), rtol=1e-6)


def test_zero_weights_give_zero_not_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss([[1.0]], [[3.0]], sample_weight=[0.0]).item() == 0.0


def test_empty_batch_comes_back_unreduced():
    out = losses.MeanSquaredError()(np.zeros((0, 3)), np.zeros((0, 3)))
    assert out.shape == (0,)


def test_sample_weight_of_another_shape_is_an_error():
    loss = losses.MeanSquaredError()
    with pytest.raises(ValueError, match=r"mean_squared_error: sample_weight of shape \(3,\) "
                                         r"does not fit the losses of shape \(2,\)"):
        loss(np.zeros((2, 4)), np.ones((2, 4)), sample_weight=[1.0, 2.0, 3.0])
    # (N,) weights on (N, T) losses would broadcast along T in numpy: refused, not guessed.
    with pytest.raises(ValueError, match=r"one weight per sample \(shape \(2, 1\)\)"):
        loss(SEQ_T, SEQ_P, sample_weight=np.ones(2))


def test_invalid_reduction_is_an_error():
    with pytest.raises(ValueError, match="reduction.*'sum_over_batch_size'.*Received: "
                                         "reduction='auto'"):
        losses.MeanSquaredError(reduction="auto")


def test_class_gradients_through_reduction_and_weights():
    weight = np.array([0.3, 1.7])
    for loss in [losses.MeanSquaredError(dtype="float64"),
                 losses.CategoricalCrossentropy(from_logits=True, dtype="float64",
                                                reduction="mean_with_sample_weight"),
                 losses.SparseCategoricalCrossentropy(dtype="float64", reduction="sum"),
                 losses.BinaryFocalCrossentropy(dtype="float64", label_smoothing=0.1)]:
        y_true = np.array([1, 2]) if isinstance(loss, losses.SparseCategoricalCrossentropy) \
            else ONE_HOT
        y_pred = LOGITS if loss.get_config().get("from_logits") else CLASS_P
        check_grad(lambda p: loss(y_true, p, sample_weight=weight), y_pred)


def test_training_step_backpropagates_to_a_variable():
    y_pred = Variable(np.array([[0.5, 1.5], [2.0, -1.0]]), name="w")
    y_true = np.array([[1.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    loss = losses.MeanSquaredError()(y_true, y_pred)
    loss.backward()
    assert y_pred.grad.dtype == np.float32
    np.testing.assert_allclose(y_pred.grad, 2 * (y_pred.numpy() - y_true) / 4, rtol=1e-6)


def test_loss_dtype_controls_the_computation():
    y = np.array([[0.25, 0.5]], dtype=np.float64)
    assert losses.MeanSquaredError()(y, 2 * y).dtype == np.float32      # Keras: floatx
    assert losses.MeanSquaredError(dtype="float64")(y, 2 * y).dtype == np.float64
    assert losses.MeanSquaredError(dtype="float64").dtype == "float64"
    assert losses.MeanSquaredError().dtype == "float32"
    with pytest.raises(ValueError, match="dtype must be a float type"):
        losses.MeanSquaredError(dtype="int32")


def test_no_grad_calls_build_no_tape():
    y_pred = Variable(np.array([[0.2, 0.8]]))
    with no_grad():
        out = losses.BinaryCrossentropy()([[0.0, 1.0]], y_pred)
    assert not out.requires_grad


# ---------------------------------------------------------------------------------------------
# Shapes and errors


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.binary_crossentropy,
                                losses.hinge, losses.poisson])
def test_trailing_axis_of_one_is_squeezed_or_expanded(fn):
    y_true = np.array([0.0, 1.0, 1.0])
    y_pred = np.array([0.2, 0.6, 0.9])
    expected = fn(y_true[:, None], y_pred[:, None]).numpy()
    assert expected.shape == (3,)
    np.testing.assert_allclose(fn(y_true, y_pred[:, None]).numpy(), expected)
    np.testing.assert_allclose(fn(y_true[:, None], y_pred).numpy(), expected)
    # Rank 3 against rank 2: the longer one loses its last axis.
    np.testing.assert_allclose(fn(y_true[None, :, None], y_pred[None]).numpy(),
                               fn(y_true[None], y_pred[None]).numpy())


def test_class_reduces_n_against_n_by_1_like_keras():
    y_true = np.array([0.0, 1.0, 1.0])
    y_pred = np.array([[0.2], [0.6], [0.9]])
    expected = np_bce(y_true, y_pred[:, 0]).mean()
    np.testing.assert_allclose(losses.BinaryCrossentropy()(y_true, y_pred).numpy(), expected,
                               rtol=1e-6)


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.kl_divergence,
                                losses.cosine_similarity, losses.binary_focal_crossentropy])
def test_other_shape_mismatches_name_the_loss_and_both_shapes(fn):
    with pytest.raises(ValueError, match=rf"{fn.__name__}: y_true and y_pred must have the same "
                                         rf"shape.*y_true.shape=\(4, 1\) and "
                                         rf"y_pred.shape=\(4, 3\)"):
        fn(np.zeros((4, 1)), np.ones((4, 3)))


@pytest.mark.parametrize("y_true", [np.array([0, 2, 1]), np.array([[0], [2], [1]]),
                                    np.array([0.0, 2.0, 1.0]), [0, 2, 1]])
@pytest.mark.parametrize("fn", [losses.categorical_crossentropy,
                                losses.categorical_focal_crossentropy])
def test_integer_labels_for_categorical_crossentropy_get_a_helpful_error(fn, y_true):
    with pytest.raises(ValueError, match=r"looks like integer class ids.*"
                                         r"sparse_categorical_crossentropy.*"
                                         r"minikeras\.utils\.to_categorical\(y, num_classes=3\)"):
        fn(y_true, CLASS_P[[0, 1, 0]])
    with pytest.raises(ValueError, match="looks like integer class ids"):
        losses.CategoricalCrossentropy()(y_true, CLASS_P[[0, 1, 0]])


def test_non_integer_mismatch_in_categorical_crossentropy_gets_the_shape_error():
    with pytest.raises(ValueError, match="must have the same shape"):
        losses.categorical_crossentropy([0.5, 0.2], CLASS_P)


def test_one_hot_labels_for_sparse_crossentropy_get_a_hint():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: expected integer "
                                         r"class ids y_true of shape \(2,\).*use "
                                         r"categorical_crossentropy"):
        losses.sparse_categorical_crossentropy(ONE_HOT, CLASS_P)


def test_single_class_categorical_crossentropy_warns_like_keras():
    with pytest.warns(SyntaxWarning, match="Consider using 'binary_crossentropy'"):
        losses.categorical_crossentropy([[1.0], [0.0]], [[0.3], [0.6]])


def test_categorical_focal_alpha_list_must_match_the_classes():
    with pytest.raises(ValueError, match="one weight per class"):
        losses.categorical_focal_crossentropy(ONE_HOT, CLASS_P, alpha=[0.5, 0.5])


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="mean_squared_error"):
        losses.mean_squared_error(["a", "b"], [1.0, 2.0])


def test_integer_predictions_become_floatx():
    out = losses.mean_squared_error([[0, 1]], [[1, 1]])
    assert out.dtype == np.float32 and out.item() == 0.5


# ---------------------------------------------------------------------------------------------
# Edge cases


@pytest.mark.parametrize("fn", [losses.binary_crossentropy, losses.binary_focal_crossentropy,
                                losses.categorical_crossentropy,
                                losses.categorical_focal_crossentropy, losses.kl_divergence,
                                losses.poisson, losses.mean_squared_logarithmic_error,
                                losses.cosine_similarity])
def test_all_zero_predictions_stay_finite(fn):
    y_pred = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    out = fn(ONE_HOT.astype(np.float32), y_pred)
    assert np.all(np.isfinite(out.numpy()))
    ops.sum(out).backward()
    assert np.all(np.isfinite(y_pred.grad))


def test_all_zero_probability_rows_count_as_a_uniform_guess():
    # Keras divides 0 by 0 here; a row of zeros expresses no preference, so it costs log(3).
    out = losses.categorical_crossentropy(ONE_HOT, np.array([[0.0, 0.0, 0.0], [0.1, 0.3, 0.6]]))
    np.testing.assert_allclose(out.numpy(), [math.log(3), -math.log(0.6)], rtol=1e-6)
    out = losses.sparse_categorical_crossentropy([1, 2], np.zeros((2, 3)))
    np.testing.assert_allclose(out.numpy(), [math.log(3)] * 2, rtol=1e-6)


def test_certain_predictions_are_clipped_at_epsilon():
    labels = np.array([[0.0, 1.0, 1.0, 0.0]])
    preds = np.array([[0.0, 1.0, 0.0, 1.0]])  # two right, two completely wrong
    expected = -(2 * np.log(1 - EPS) + 2 * np.log(EPS)) / 4
    np.testing.assert_allclose(losses.binary_crossentropy(labels, preds).numpy(), [expected],
                               rtol=1e-6)
    out = losses.categorical_crossentropy([[0.0, 1.0, 0.0]], [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(out.numpy(), [-np.log(EPS)], rtol=1e-6)


def test_probabilities_outside_0_1_are_clipped_not_a_crash():
    out = losses.binary_crossentropy([[1.0, 0.0]], [[1.5, -0.5]])
    np.testing.assert_allclose(out.numpy(), [-np.log(np.float32(1 - EPS))], rtol=1e-6)


def test_extreme_logits_stay_finite():
    logits = np.array([[1000.0, -1000.0, 0.0]])
    for fn, y_true in [(losses.binary_crossentropy, [[0.0, 1.0, 1.0]]),
                       (losses.categorical_crossentropy, [[0.0, 1.0, 0.0]]),
                       (losses.binary_focal_crossentropy, [[0.0, 1.0, 1.0]])]:
        assert np.all(np.isfinite(fn(y_true, logits, from_logits=True).numpy()))
    np.testing.assert_allclose(
        losses.categorical_crossentropy([[0.0, 1.0, 0.0]], logits, from_logits=True).numpy(),
        [2000.0], rtol=1e-6)


def test_logits_and_probabilities_agree():
    np.testing.assert_allclose(
        losses.binary_crossentropy(BIN_T, LOGITS, from_logits=True).numpy(),
        losses.binary_crossentropy(BIN_T, np_sigmoid(LOGITS)).numpy(), rtol=1e-6)
    np.testing.assert_allclose(
        losses.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True,
                                        label_smoothing=0.1).numpy(),
        losses.categorical_crossentropy(ONE_HOT, np_softmax(LOGITS),
                                        label_smoothing=0.1).numpy(), rtol=1e-6)


def test_label_smoothing_follows_keras_formulas():
    # Binary: towards 0.5, i.e. 1 -> 1 - ls / 2 and 0 -> ls / 2.
    smoothed = losses.binary_crossentropy([[1.0, 0.0]], [[0.7, 0.2]], label_smoothing=0.4)
    np.testing.assert_allclose(smoothed.numpy(),
                               [np_bce(np.array([0.8, 0.2]), np.array([0.7, 0.2])).mean()],
                               rtol=1e-6)
    # Categorical: towards uniform, i.e. 1 -> 1 - ls + ls / C and 0 -> ls / C.
    smoothed = losses.categorical_crossentropy([[0.0, 1.0]], [[0.3, 0.7]], label_smoothing=0.2)
    np.testing.assert_allclose(smoothed.numpy(), [-(0.1 * np.log(0.3) + 0.9 * np.log(0.7))],
                               rtol=1e-6)


def test_hinge_converts_only_binary_labels():
    scores = np.array([[0.3, -0.2]])
    np.testing.assert_allclose(losses.hinge([[0.0, 1.0]], scores).numpy(),
                               losses.hinge([[-1.0, 1.0]], scores).numpy())
    # Labels that are not all 0 or 1 are used as they are.
    np.testing.assert_allclose(losses.hinge([[0.5, 1.0]], scores).numpy(),
                               [np.mean([1 - 0.15, 1 + 0.2])])


def test_cosine_similarity_sign_and_zero_vectors():
    same = losses.cosine_similarity([[1.0, 2.0]], [[2.0, 4.0]])
    opposite = losses.cosine_similarity([[1.0, 2.0]], [[-1.0, -2.0]])
    zero = losses.cosine_similarity([[0.0, 0.0]], [[1.0, 2.0]])
    np.testing.assert_allclose([same.item(), opposite.item(), zero.item()], [-1.0, 1.0, 0.0],
                               atol=1e-6)
    # Norms are floored at epsilon (as keras.ops.normalize): tiny vectors count as shorter.
    small = losses.cosine_similarity([[3.0, 4.0]], [[3e-4, 4e-4]])
    tiny = losses.cosine_similarity([[3.0, 4.0]], [[3e-9, 4e-9]])
    np.testing.assert_allclose([small.item(), tiny.item()], [-1.0, -0.05], rtol=1e-5)


def test_sparse_ignore_class_masks_the_loss_and_the_mean():
    labels = np.array([1, -1, 2, -1])
    y_pred = np.array([[0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.1, 0.3, 0.6], [0.9, 0.05, 0.05]])
    valid_losses = [-np.log(0.5), -np.log(0.6)]
    out = losses.sparse_categorical_crossentropy(labels, y_pred, ignore_class=-1)
    np.testing.assert_allclose(out.numpy(), [valid_losses[0], 0, valid_losses[1], 0], rtol=1e-6)
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    np.testing.assert_allclose(loss(labels, y_pred).numpy(), np.mean(valid_losses), rtol=1e-6)
    weight = np.array([2.0, 5.0, 1.0, 5.0])
    np.testing.assert_allclose(loss(labels[:, None], y_pred, sample_weight=weight).numpy(),
                               (2 * valid_losses[0] + valid_losses[1]) / 2, rtol=1e-6)
    weighted_mean = losses.SparseCategoricalCrossentropy(
        ignore_class=-1, reduction="mean_with_sample_weight")
    np.testing.assert_allclose(weighted_mean(labels, y_pred, sample_weight=weight).numpy(),
                               (2 * valid_losses[0] + valid_losses[1]) / 3, rtol=1e-6)
    check_grad(lambda p: losses.sparse_categorical_crossentropy(labels, p, ignore_class=-1),
               y_pred)


def test_sparse_ignore_class_with_no_valid_entry_gives_zero():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=0)
    assert loss([0, 0], CLASS_P).item() == 0.0


# ---------------------------------------------------------------------------------------------
# Registry, configs, custom losses

CLASSES = [
    (losses.MeanSquaredError, "mean_squared_error", {}),
    (losses.MeanAbsoluteError, "mean_absolute_error", {}),
    (losses.MeanAbsolutePercentageError, "mean_absolute_percentage_error", {}),
    (losses.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error", {}),
    (losses.CosineSimilarity, "cosine_similarity", {"axis": 0}),
    (losses.Huber, "huber_loss", {"delta": 2.5}),
    (losses.LogCosh, "log_cosh", {}),
    (losses.Hinge, "hinge", {}),
    (losses.SquaredHinge, "squared_hinge", {}),
    (losses.CategoricalHinge, "categorical_hinge", {}),
    (losses.BinaryCrossentropy, "binary_crossentropy",
     {"from_logits": True, "label_smoothing": 0.1, "axis": 0}),
    (losses.BinaryFocalCrossentropy, "binary_focal_crossentropy",
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0, "from_logits": True,
      "label_smoothing": 0.1, "axis": 0}),
    (losses.CategoricalCrossentropy, "categorical_crossentropy",
     {"from_logits": True, "label_smoothing": 0.2, "axis": 0}),
    (losses.CategoricalFocalCrossentropy, "categorical_focal_crossentropy",
     {"alpha": [0.1, 0.9], "gamma": 1.0, "from_logits": True, "label_smoothing": 0.1,
      "axis": 0}),
    (losses.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy",
     {"from_logits": True, "ignore_class": 255}),
    (losses.KLDivergence, "kl_divergence", {}),
    (losses.Poisson, "poisson", {}),
]


@pytest.mark.parametrize("cls, name, options", CLASSES, ids=[c[0].__name__ for c in CLASSES])
def test_class_names_configs_and_round_trips(cls, name, options):
    default = cls()
    assert default.name == name and default.reduction == "sum_over_batch_size"
    loss = cls(reduction="sum", name="custom", **options)
    config = loss.get_config()
    # Keras's keys: name and reduction, then the loss's own options (never fn or dtype).
    assert config == {"name": "custom", "reduction": "sum", **options}
    assert set(default.get_config()) == set(config)
    for key, value in options.items():
        assert getattr(loss, key) == value
    again = cls.from_config(config)
    assert type(again) is cls and again.get_config() == config
    stored = losses.serialize(loss)
    assert stored == {"module": "keras.losses", "class_name": cls.__name__, "config": config,
                      "registered_name": None}
    revived = losses.deserialize(stored)
    assert type(revived) is cls and revived.get_config() == config
    assert type(losses.get(cls.__name__)) is cls
    assert losses.get(stored).get_config() == config
    assert isinstance(loss, losses.LossFunctionWrapper) and isinstance(loss, losses.Loss)


@pytest.mark.parametrize("name, fn", [
    ("mean_squared_error", losses.mean_squared_error), ("mse", losses.mean_squared_error),
    ("MSE", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("MAE", losses.mean_absolute_error), ("mape", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("kld", losses.kl_divergence),
    ("KLD", losses.kl_divergence), ("kullback_leibler_divergence", losses.kl_divergence),
    ("logcosh", losses.log_cosh), ("log_cosh", losses.log_cosh), ("huber", losses.huber),
    ("cosine_proximity", losses.cosine_similarity),
    ("cosine_similarity", losses.cosine_similarity), ("bce", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("binary_focal_crossentropy", losses.binary_focal_crossentropy),
    ("categorical_focal_crossentropy", losses.categorical_focal_crossentropy),
    ("hinge", losses.hinge), ("squared_hinge", losses.squared_hinge),
    ("categorical_hinge", losses.categorical_hinge), ("poisson", losses.poisson),
])
def test_get_returns_the_function_for_a_function_name(name, fn):
    assert losses.get(name) is fn
    assert losses.deserialize(losses.serialize(fn)) is fn


def test_module_level_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.kld is losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh
    assert losses.cosine_proximity is losses.cosine_similarity
    assert losses.serialize(losses.mse) == "mean_squared_error"


def test_get_passes_objects_through_and_instantiates_classes():
    loss = losses.Huber(delta=3.0)
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    assert type(losses.get(losses.Poisson)) is losses.Poisson
    custom = lambda y_true, y_pred: ops.mean(y_pred - y_true, axis=-1)
    assert losses.get(custom) is custom
    from_dict = losses.get({"class_name": "CategoricalCrossentropy",
                            "config": {"from_logits": True}})
    assert type(from_dict) is losses.CategoricalCrossentropy and from_dict.from_logits


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown loss: 'mean_sqared_error'. Did you mean "
                                         r"'mean_squared_error'\?.*'MeanSquaredError'.*'mse'"):
        losses.get("mean_sqared_error")


def test_loss_function_wrapper_round_trip():
    wrapper = losses.LossFunctionWrapper(losses.huber, reduction="sum", name="h", delta=2.0)
    config = wrapper.get_config()
    assert config == {"name": "h", "reduction": "sum", "fn": "huber", "delta": 2.0}
    again = losses.LossFunctionWrapper.from_config(config)
    assert again.fn is losses.huber and again.get_config() == config
    revived = losses.deserialize(losses.serialize(wrapper))
    assert type(revived) is losses.LossFunctionWrapper and revived.get_config() == config
    y_true, y_pred = np.array([[0.0, 0.0]]), np.array([[1.0, 3.0]])
    np.testing.assert_allclose(wrapper(y_true, y_pred).numpy(),
                               np_huber(y_true, y_pred, 2.0).sum(), rtol=1e-6)
    assert wrapper.name == "h" and losses.LossFunctionWrapper(losses.mse).name == \
        "loss_function_wrapper"
    with pytest.raises(TypeError, match="fn must be a function"):
        losses.LossFunctionWrapper("mse")


def test_custom_loss_subclass():
    class MyMeanError(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(y_pred - y_true), axis=-1)

    loss = MyMeanError()
    assert loss.name == "my_mean_error"
    assert loss.get_config() == {"name": "my_mean_error", "reduction": "sum_over_batch_size"}
    np.testing.assert_allclose(loss([[0.0, 2.0]], [[1.0, 1.0]]).numpy(), 1.0)
    assert "MyMeanError(name='my_mean_error'" in repr(loss)
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()([[0.0]], [[1.0]])
