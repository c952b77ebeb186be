import numpy as np
import pytest

from minikeras import metrics
from minikeras.backend import clear_session

# Keras's documented examples: (class, y_true, y_pred, result, weighted result for [0, 0, 1, 0]).
COUNT_EXAMPLES = [
    (metrics.TruePositives, [0, 1, 1, 1], [1, 0, 1, 1], 2.0, 1.0),
    (metrics.FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1], 2.0, 1.0),
    (metrics.TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0], 2.0, 1.0),
    (metrics.FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0], 2.0, 1.0),
    (metrics.Precision, [0, 1, 1, 1], [1, 0, 1, 1], 2 / 3, 1.0),
    (metrics.Recall, [0, 1, 1, 1], [1, 0, 1, 1], 2 / 3, 1.0),
]


@pytest.mark.parametrize("cls, y_true, y_pred, expected, weighted", COUNT_EXAMPLES,
                         ids=[row[0].__name__ for row in COUNT_EXAMPLES])
def test_keras_documented_examples(cls, y_true, y_pred, expected, weighted):
    m = cls()
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(expected, rel=1e-6)
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert m.result() == pytest.approx(weighted, rel=1e-6)


def _counts(y_true, y_pred, threshold, weight):
    """Closed form: weighted confusion-matrix cells of `y_pred > threshold`."""
    pos, pred = y_true.astype(bool), y_pred > threshold
    return {"tp": np.sum(weight * (pos & pred)), "fp": np.sum(weight * (~pos & pred)),
            "tn": np.sum(weight * (~pos & ~pred)), "fn": np.sum(weight * (pos & ~pred))}


@pytest.mark.parametrize("thresholds", [[0.5], [0.1, 0.35, 0.9], [0.0, 0.25, 0.5, 0.75, 1.0]])
def test_counts_precision_recall_against_closed_form(thresholds):
    # [0, .25, .5, .75, 1] is evenly spaced: counted by Keras's bucketing, same answer.
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, (12, 3))
    y_pred = rng.random((12, 3)).astype("float32")
    y_pred[0, 0], y_pred[1, 1], y_pred[2, 2] = 0.0, 1.0, 0.5  # exactly on thresholds
    weight = rng.random(12).astype("float32")
    cells = [_counts(y_true, y_pred, np.float32(t), weight[:, None]) for t in thresholds]
    for cls, key in [(metrics.TruePositives, "tp"), (metrics.FalsePositives, "fp"),
                     (metrics.TrueNegatives, "tn"), (metrics.FalseNegatives, "fn")]:
        out = cls(thresholds=thresholds)(y_true, y_pred, sample_weight=weight)
        # atol: with bucketing, tn and fn are totals minus counts, as in Keras (rounding ~1e-7)
        np.testing.assert_allclose(out, [c[key] for c in cells], rtol=1e-5, atol=1e-5)
    precision = metrics.Precision(thresholds=thresholds)(y_true, y_pred, sample_weight=weight)
    recall = metrics.Recall(thresholds=thresholds)(y_true, y_pred, sample_weight=weight)
    ratio = lambda a, b: a / b if b else 0.0  # noqa: E731 - 0 when nothing was counted
    np.testing.assert_allclose(precision, [ratio(c["tp"], c["tp"] + c["fp"]) for c in cells],
                               rtol=1e-5)
    np.testing.assert_allclose(recall, [ratio(c["tp"], c["tp"] + c["fn"]) for c in cells],
                               rtol=1e-5)


def test_one_threshold_gives_a_float_several_give_a_float32_array():
    assert type(metrics.Precision()([1, 0], [0.9, 0.2])) is float
    out = metrics.Precision(thresholds=[0.1, 0.5])([1, 0], [0.9, 0.2])
    assert out.dtype == np.float32 and out.shape == (2,)


def test_precision_top_k_documented_examples():
    assert metrics.Precision(top_k=2)([0, 0, 1, 1], [1, 1, 1, 1]) == 0.0
    assert metrics.Precision(top_k=4)([0, 0, 1, 1], [1, 1, 1, 1]) == 0.5


def test_top_k_and_class_id():
    y_true = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array([[0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.4, 0.35, 0.25]], "float32")
    # top 1 per row: columns 1, 2, 0 -> one hit (row 2) out of 3 predictions and 3 labels.
    assert metrics.Precision(top_k=1)(y_true, y_pred) == pytest.approx(1 / 3)
    assert metrics.Recall(top_k=1)(y_true, y_pred) == pytest.approx(1 / 3)
    # top 2: columns {1, 2}, {2, 1}, {0, 1} -> hits in rows 0, 1 and 2 out of 6 predictions.
    assert metrics.Precision(top_k=2)(y_true, y_pred) == pytest.approx(3 / 6)
    # class 2 above 0.5: only row 1, whose label is class 1 -> precision 0, recall 0.
    assert metrics.Precision(class_id=2)(y_true, y_pred) == 0.0
    # class 1 in the top 2 of rows 0, 1, 2; its label only in row 1.
    assert metrics.Precision(class_id=1, top_k=2)(y_true, y_pred) == pytest.approx(1 / 3)
    assert metrics.Recall(class_id=1, top_k=2)(y_true, y_pred) == 1.0


def test_empty_state_results_are_zero():
    for cls in (metrics.Precision, metrics.Recall, metrics.TruePositives, metrics.AUC):
        assert cls().result() == 0.0
    assert metrics.Precision()([0, 0], [0.2, 0.3]) == 0.0  # no positive predictions: 0, not NaN


def test_labels_are_cast_to_bool():
    assert metrics.TruePositives()([2.0, -1.0, 0.0], [0.9, 0.9, 0.9]) == 2.0


@pytest.mark.parametrize("thresholds", [1.5, -0.1, [0.2, 2.0], "0.5", [None]])
def test_thresholds_outside_0_1_are_refused(thresholds):
    with pytest.raises(ValueError, match=r"threshold values must be numbers in \[0, 1\]"):
        metrics.Precision(thresholds=thresholds)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.AUC(thresholds=thresholds if isinstance(thresholds, list) else [thresholds])


def test_invalid_top_k_and_class_id():
    with pytest.raises(ValueError, match="top_k must be None or a positive integer"):
        metrics.Precision(top_k=0)
    with pytest.raises(ValueError, match="class_id must be None or a non-negative integer"):
        metrics.Recall(class_id=-1)
    with pytest.raises(ValueError, match=r"class_id=3 needs y_pred.*\(2, 3\)"):
        metrics.Recall(class_id=3)(np.zeros((2, 3)), np.zeros((2, 3)))


def test_incompatible_shapes_name_the_metric_and_both_shapes():
    with pytest.raises(ValueError, match=r'Precision metric "prec".*\(4,\).*\(3,\)'):
        metrics.Precision(name="prec")([0, 1, 1, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"AUC metric.*\(2, 2\).*\(2, 3\)"):
        metrics.AUC()(np.zeros((2, 2)), np.zeros((2, 3)))


# -- AUC ------------------------------------------------------------------------------------

Y_TRUE, Y_PRED, WEIGHTS = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 2, 3, 4]


def test_auc_documented_example():
    m = metrics.AUC(num_thresholds=3)
    m.update_state(Y_TRUE, Y_PRED)
    # thresholds [-eps, 0.5, 1+eps]: tp [2,1,0], fp [2,0,0] -> recall [1,.5,0], fpr [1,0,0]
    np.testing.assert_array_equal(m.true_positives.data, [2, 1, 0])
    np.testing.assert_array_equal(m.false_positives.data, [2, 0, 0])
    assert m.result() == 0.75
    m.reset_state()
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0, 0, 1])
    assert m.result() == 1.0


@pytest.mark.parametrize("kwargs, expected", [
    # weighted counts: tp [7, 4, 0], fp [3, 0, 0] -> recall [1, 4/7, 0], fpr [1, 0, 0],
    # precision [0.7, 1, 0] (Keras's own test values)
    ({}, (1 + 4 / 7) / 2),
    ({"summation_method": "majoring"}, 1.0),
    ({"summation_method": "minoring"}, 4 / 7),
    ({"curve": "PR", "summation_method": "majoring"}, 1.0),
    ({"curve": "PR", "summation_method": "minoring"}, 0.7 * 3 / 7),
    # Davis & Goadrich: p = tp + fp = [10, 4, 0], slope = dtp/dp = [0.5, 1],
    # intercept = tp_B - slope * p_B = [2, 0]; area = slope * (dtp + intercept*log(pA/pB)) / 7
    ({"curve": "PR"}, (0.5 * (3 + 2 * np.log(10 / 4)) + 1 * 4) / 7),
])
def test_auc_weighted_closed_forms(kwargs, expected):
    m = metrics.AUC(num_thresholds=3, **kwargs)
    assert m(Y_TRUE, Y_PRED, sample_weight=WEIGHTS) == pytest.approx(expected, rel=1e-5)


def test_pr_auc_with_negative_weights_is_zero():
    m = metrics.AUC(num_thresholds=3, curve="PR")
    assert m(Y_TRUE, Y_PRED, sample_weight=[-1, -2, -3, -4]) == 0.0


def _exact_roc_auc(y_true, y_pred):
    """Probability that a random positive scores above a random negative (ties count 1/2)."""
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    diff = pos[:, None] - neg[None, :]
    return (np.sum(diff > 0) + 0.5 * np.sum(diff == 0)) / diff.size


def test_roc_auc_approaches_the_exact_value_with_many_thresholds():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 400)
    y_pred = np.clip(0.3 * y_true + 0.7 * rng.random(400), 0, 1).astype("float32")
    exact = _exact_roc_auc(y_true, y_pred)
    assert metrics.AUC(num_thresholds=2000)(y_true, y_pred) == pytest.approx(exact, abs=1e-3)
    assert metrics.AUC()(y_true, y_pred) == pytest.approx(exact, abs=1e-2)


def test_auc_with_a_single_class_present():
    y_pred = [0.1, 0.5, 0.9]
    # No negatives: the false positive rate is 0 everywhere, so ROC-AUC is 0 (as in Keras).
    assert metrics.AUC()([1, 1, 1], y_pred) == 0.0
    assert metrics.AUC()([0, 0, 0], y_pred) == 0.0
    assert metrics.AUC(curve="PR")([0, 0, 0], y_pred) == 0.0
    assert metrics.AUC(curve="PR")([1, 1, 1], y_pred) == pytest.approx(1.0)


def test_auc_of_perfect_predictions_exactly_0_and_1():
    for curve in ("ROC", "PR"):
        m = metrics.AUC(curve=curve)
        assert m([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0]) == pytest.approx(1.0)
        np.testing.assert_array_equal(m.true_positives.data[[0, -2, -1]], [2, 2, 0])


def test_auc_over_batches_equals_auc_over_all_data():
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.integers(0, 2, 30), rng.random(30).astype("float32")
    weight = rng.random(30).astype("float32")
    whole = metrics.AUC(curve="PR")(y_true, y_pred, sample_weight=weight)
    running = metrics.AUC(curve="PR")
    for part in np.split(np.arange(30), [7, 19]):
        running.update_state(y_true[part], y_pred[part], sample_weight=weight[part])
    assert running.result() == pytest.approx(whole, rel=1e-6)


MULTI_PRED = np.array([[0, 0.5, 0.3, 0.9], [0.1, 0.2, 0.3, 0.4]], "float32").T
MULTI_TRUE = np.array([[0, 0, 1, 1], [0, 0, 1, 1]]).T


def test_multi_label_auc_keras_test_values():
    m = metrics.AUC(num_thresholds=5, multi_label=True)
    assert m.variables == []  # built from the first batch
    assert m(MULTI_TRUE, MULTI_PRED) == pytest.approx((0.875 + 1.0) / 2)
    assert m.true_positives.shape == (5, 2) and len(m.variables) == 4
    m.reset_state()
    np.testing.assert_array_equal(m.true_positives.data, np.zeros((5, 2)))
    weighted = metrics.AUC(num_thresholds=5, multi_label=True, label_weights=[0.75, 0.25])
    assert weighted(MULTI_TRUE, MULTI_PRED) == pytest.approx(0.875 * 0.75 + 1.0 * 0.25)
    logits = np.log(MULTI_PRED + 1e-12) - np.log(1 - MULTI_PRED)
    from_logits = metrics.AUC(num_thresholds=5, multi_label=True, from_logits=True)
    assert from_logits(MULTI_TRUE, logits) == pytest.approx((0.875 + 1.0) / 2)


def test_flattened_multi_column_auc_keras_test_values():
    # tpr [1, 1, .25, .25, 0], fpr [1, .25, 0, 0, 0]
    assert metrics.AUC(num_thresholds=5)(MULTI_TRUE, MULTI_PRED) == pytest.approx(1 - 3 / 32)
    m = metrics.AUC(num_thresholds=5)
    # tpr [1, 1, 2/7, 2/7, 0], fpr [1, 1/3, 0, 0, 0]
    assert m(MULTI_TRUE, MULTI_PRED, sample_weight=[1, 2, 3, 4]) == \
        pytest.approx(1 - (1 / 3) * (1 - 2 / 7) / 2, rel=1e-5)


def test_auc_manual_thresholds():
    m = metrics.AUC(num_thresholds=2, thresholds=[0.5], multi_label=True)
    assert m.num_thresholds == 3
    np.testing.assert_allclose(m.thresholds, [0.0, 0.5, 1.0], atol=1e-6)
    assert m(MULTI_TRUE, MULTI_PRED) == pytest.approx((0.75 + 0.5) / 2)


def test_auc_multi_label_needs_rank_2_and_a_fixed_label_count():
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True)([0, 1], [0.2, 0.7])
    m = metrics.AUC(multi_label=True, num_labels=2)
    assert m.true_positives.shape == (200, 2)
    with pytest.raises(ValueError, match=r"\(samples, 2\).*\(4, 3\)"):
        m.update_state(np.zeros((4, 3)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="has seen no data yet"):
        metrics.AUC(multi_label=True).result()
    with pytest.raises(ValueError, match="num_labels is needed only when multi_label=True"):
        metrics.AUC(num_labels=3)


@pytest.mark.parametrize("kwargs, message", [
    ({"curve": "Invalid"}, r"invalid curve 'Invalid'. Expected one of 'ROC', 'PR'"),
    ({"summation_method": "Invalid"},
     r"Expected one of 'interpolation', 'majoring', 'minoring'"),
    ({"num_thresholds": 1}, "num_thresholds must be an integer > 1"),
    ({"num_thresholds": -1}, "num_thresholds must be an integer > 1"),
    ({"label_weights": [1, -1]}, "label_weights must be non-negative"),
])
def test_auc_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.AUC(**kwargs)


def test_label_weights_must_fit_the_labels():
    with pytest.raises(ValueError, match="2 label_weights for 3 labels"):
        metrics.AUC(multi_label=True, label_weights=[1, 2])(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"label_weights of shape \(2,\) cannot be broadcast "
                                         r"to the predictions' shape \(2, 3\)"):
        metrics.AUC(label_weights=[1, 2])(np.zeros((2, 3)), np.zeros((2, 3)))


def test_thresholds_given_as_an_array_are_stored_as_a_list():
    config = metrics.Precision(thresholds=np.array([0.2, 0.6])).get_config()
    assert config["thresholds"] == [0.2, 0.6]


def test_auc_accepts_lowercase_curve_names():
    assert metrics.AUC(curve="pr").curve == "PR"


@pytest.mark.parametrize("make, config", [
    (lambda: metrics.TruePositives(),
     {"name": "true_positives", "dtype": "float32", "thresholds": None}),
    (lambda: metrics.FalseNegatives(thresholds=[0.2, 0.4], name="fn"),
     {"name": "fn", "dtype": "float32", "thresholds": [0.2, 0.4]}),
    (lambda: metrics.Precision(top_k=2, class_id=1),
     {"name": "precision", "dtype": "float32", "thresholds": None, "top_k": 2, "class_id": 1}),
    (lambda: metrics.Recall(thresholds=0.3),
     {"name": "recall", "dtype": "float32", "thresholds": 0.3, "top_k": None,
      "class_id": None}),
    (lambda: metrics.AUC(),
     {"name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
      "summation_method": "interpolation", "multi_label": False, "num_labels": None,
      "label_weights": None, "from_logits": False}),
    (lambda: metrics.AUC(thresholds=[0.7, 0.2], curve="PR", multi_label=True, num_labels=2,
                         label_weights=[1.0, 2.0], from_logits=True),
     {"name": "auc", "dtype": "float32", "num_thresholds": 4, "curve": "PR",
      "summation_method": "interpolation", "multi_label": True, "num_labels": 2,
      "label_weights": [1.0, 2.0], "from_logits": True, "thresholds": [0.2, 0.7]}),
])
def test_configs_have_keras_keys_and_round_trip(make, config):
    clear_session()  # unnamed metrics are numbered per session: the first is 'auc'
    metric = make()
    assert metric.get_config() == config
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric) and clone.get_config() == config
    if isinstance(metric, metrics.AUC):
        assert clone.thresholds == metric.thresholds
