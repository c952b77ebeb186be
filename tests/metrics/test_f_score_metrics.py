import numpy as np
import pytest

from minikeras import metrics

Y_TRUE = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.int32)
Y_PRED = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)


def test_keras_documented_examples():
    f1 = metrics.F1Score(threshold=0.5)
    f1.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(f1.result(), [0.5, 0.8, 0.6666667], rtol=1e-6)
    fbeta = metrics.FBetaScore(beta=2.0, threshold=0.5)
    fbeta.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(fbeta.result(), [0.3846154, 0.90909094, 0.8333334], rtol=1e-6)
    assert fbeta.result().dtype == np.float32


def _f_beta(tp, fp, fn, beta):
    """Closed form: (1 + b^2) * P * R / (b^2 * P + R), 0 where undefined."""
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=tp + fp > 0)
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=tp + fn > 0)
    denom = beta ** 2 * precision + recall
    return np.divide((1 + beta ** 2) * precision * recall, denom, out=np.zeros_like(tp),
                     where=denom > 0)


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("threshold", [None, 0.3])
def test_against_closed_form_for_every_average(beta, threshold):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, (20, 4)).astype("float64")
    y_pred = rng.random((20, 4)).astype("float32")
    weight = rng.random(20)
    if threshold is None:
        predicted = (y_pred == y_pred.max(axis=1, keepdims=True)).astype("float64")
    else:
        predicted = (y_pred > threshold).astype("float64")
    w = weight[:, None]
    tp = np.sum(w * predicted * y_true, 0)
    fp = np.sum(w * predicted * (1 - y_true), 0)
    fn = np.sum(w * (1 - predicted) * y_true, 0)
    support = np.sum(w * y_true, 0)
    per_class = _f_beta(tp, fp, fn, beta)
    expected = {None: per_class, "macro": per_class.mean(),
                "weighted": np.sum(per_class * support / support.sum()),
                "micro": _f_beta(tp.sum(), fp.sum(), fn.sum(), beta)}
    for average, value in expected.items():
        m = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
        np.testing.assert_allclose(m(y_true, y_pred, sample_weight=weight), value, rtol=1e-5)


def test_averaged_results_are_python_floats():
    assert type(metrics.F1Score(average="macro")(Y_TRUE, Y_PRED)) is float


def test_micro_state_is_scalar_and_per_class_state_is_a_vector():
    micro = metrics.F1Score(average="micro")
    micro.update_state(Y_TRUE, Y_PRED)
    assert [v.shape for v in micro.variables] == [()] * 4
    per_class = metrics.F1Score()
    per_class.update_state(Y_TRUE, Y_PRED)
    assert [v.name for v in per_class.variables] == [
        "true_positives", "false_positives", "false_negatives", "intermediate_weights"]
    assert all(v.shape == (3,) for v in per_class.variables)


def test_without_threshold_the_row_maximum_is_predicted_but_not_an_all_zero_row():
    m = metrics.F1Score()
    m.update_state([[0, 1, 0], [0, 0, 1]], [[0, 0, 0], [0.2, 0.2, 0.6]])
    np.testing.assert_array_equal(m.true_positives.data, [0, 0, 1])
    np.testing.assert_array_equal(m.false_positives.data, [0, 0, 0])
    np.testing.assert_array_equal(m.false_negatives.data, [0, 1, 0])


def test_batches_add_up_to_the_whole():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 2, (12, 3)), rng.random((12, 3))
    whole = metrics.F1Score(average="weighted", threshold=0.5)(y_true, y_pred)
    running = metrics.F1Score(average="weighted", threshold=0.5)
    for part in np.split(np.arange(12), [5, 9]):
        running.update_state(y_true[part], y_pred[part])
    assert running.result() == pytest.approx(whole, rel=1e-6)
    running.reset_state()
    assert np.all(running.true_positives.data == 0)


def test_result_before_any_data_explains_itself():
    with pytest.raises(ValueError, match="has seen no data yet"):
        metrics.F1Score().result()


@pytest.mark.parametrize("kwargs, message", [
    ({"average": "mean"}, r"invalid average 'mean'. Expected one of None, 'micro', 'macro', "
                          r"'weighted'"),
    ({"beta": 0.0}, "beta must be a number > 0"),
    ({"beta": "2"}, "beta must be a number > 0"),
    ({"threshold": 1.5}, r"0 < threshold <= 1"),
    ({"threshold": 0.0}, r"0 < threshold <= 1"),
])
def test_invalid_arguments_list_the_allowed_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**kwargs)


def test_shape_errors_name_the_metric_and_both_shapes():
    with pytest.raises(ValueError, match=r'F1Score metric "f1_score".*\(3,\).*\(3,\)'):
        metrics.F1Score()([1, 0, 1], [0.2, 0.3, 0.9])
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 2\)"):
        metrics.F1Score()(np.zeros((2, 3)), np.zeros((2, 2)))
    m = metrics.F1Score()
    m.update_state(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="expected 3 classes"):
        m.update_state(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="one weight per sample"):
        m.update_state(np.zeros((2, 3)), np.zeros((2, 3)), sample_weight=[1, 2, 3])


def test_configs_have_keras_keys_and_round_trip():
    fbeta = metrics.FBetaScore(average="macro", beta=2.0, threshold=0.4)
    assert fbeta.get_config() == {"name": "fbeta_score", "dtype": "float32", "average": "macro",
                                  "beta": 2.0, "threshold": 0.4}
    f1 = metrics.F1Score(average="weighted")
    assert f1.get_config() == {"name": "f1_score", "dtype": "float32", "average": "weighted",
                               "threshold": None}
    for m in (fbeta, f1):
        clone = metrics.deserialize(metrics.serialize(m))
        assert type(clone) is type(m) and clone.get_config() == m.get_config()
