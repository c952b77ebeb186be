import numpy as np
import pytest

from minikeras import metrics

CCE_TRUE = [[0, 1, 0], [0, 0, 1]]
CCE_PRED = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]


def test_keras_documented_examples():
    y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    for cls, expected, weighted in [(metrics.KLDivergence, 0.45814306, 0.9162892),
                                    (metrics.BinaryCrossentropy, 0.81492424, 0.9162905)]:
        m = cls()
        assert m(y_true, y_pred) == pytest.approx(expected, rel=1e-5)
        m.reset_state()
        assert m(y_true, y_pred, sample_weight=[1, 0]) == pytest.approx(weighted, rel=1e-5)
    m = metrics.Poisson()
    assert m([[0, 1], [0, 0]], [[1, 1], [0, 0]]) == pytest.approx(0.49999997, rel=1e-6)
    m.reset_state()
    assert m([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0]) == \
        pytest.approx(0.99999994, rel=1e-6)
    # EPSILON-clipped: -(log 0.95 + log 0.1) / 2, weighted by [0.3, 0.7]
    m = metrics.CategoricalCrossentropy()
    assert m(CCE_TRUE, CCE_PRED) == pytest.approx(1.1769392, rel=1e-6)
    m.reset_state()
    assert m(CCE_TRUE, CCE_PRED, sample_weight=np.array([0.3, 0.7])) == \
        pytest.approx(1.6271976, rel=1e-6)
    m = metrics.SparseCategoricalCrossentropy()
    assert m([1, 2], CCE_PRED) == pytest.approx(1.1769392, rel=1e-6)
    m.reset_state()
    assert m([1, 2], CCE_PRED, sample_weight=np.array([0.3, 0.7])) == \
        pytest.approx(1.6271976, rel=1e-6)


def test_against_closed_forms_and_from_logits():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 4))
    labels = rng.integers(0, 4, 5)
    onehot = np.eye(4)[labels]
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = np.mean(-np.log(probs[np.arange(5), labels]))
    assert metrics.CategoricalCrossentropy()(onehot, probs) == pytest.approx(expected, rel=1e-5)
    assert metrics.CategoricalCrossentropy(from_logits=True)(onehot, logits) == \
        pytest.approx(expected, rel=1e-5)
    assert metrics.SparseCategoricalCrossentropy(from_logits=True)(labels, logits) == \
        pytest.approx(expected, rel=1e-5)
    smoothed = onehot * 0.8 + 0.2 / 4
    assert metrics.CategoricalCrossentropy(label_smoothing=0.2)(onehot, probs) == \
        pytest.approx(np.mean(-np.sum(smoothed * np.log(probs), -1)), rel=1e-5)
    y = rng.integers(0, 2, (5, 3)).astype("float64")
    p = 1 / (1 + np.exp(-logits[:, :3]))
    target = y * 0.9 + 0.05
    bce = np.mean(-(target * np.log(p) + (1 - target) * np.log(1 - p)))
    assert metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)(y, logits[:, :3]) \
        == pytest.approx(bce, rel=1e-5)
    q = rng.random((5, 3)) + 0.1
    assert metrics.Poisson()(y, q) == pytest.approx(np.mean(q - y * np.log(q + 1e-7)), rel=1e-5)
    dist = probs[:, :3] / probs[:, :3].sum(-1, keepdims=True)
    kl = np.mean(np.sum(dist * np.log(dist / np.roll(dist, 1, axis=0)), -1))
    assert metrics.KLDivergence()(dist, np.roll(dist, 1, axis=0)) == pytest.approx(kl, rel=1e-5)


def test_ignore_class_entries_count_as_zero_as_in_keras():
    m = metrics.SparseCategoricalCrossentropy(ignore_class=-1)
    y_pred = [[0.05, 0.95, 0], [0.3, 0.3, 0.4], [0.1, 0.8, 0.1]]
    assert m([1, -1, 2], y_pred) == pytest.approx(0.7846262, rel=1e-5)


def test_shape_errors_name_the_metric():
    with pytest.raises(ValueError, match=r'SparseCategoricalCrossentropy metric "scce".*'
                                         r'\(2, 3\)'):
        metrics.SparseCategoricalCrossentropy(name="scce")(np.zeros((2, 2)), np.zeros((2, 3)))


@pytest.mark.parametrize("metric, config", [
    (metrics.KLDivergence(), {"name": "kl_divergence", "dtype": "float32"}),
    (metrics.Poisson(), {"name": "poisson", "dtype": "float32"}),
    (metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
     {"name": "binary_crossentropy", "dtype": "float32", "from_logits": True,
      "label_smoothing": 0.1}),
    (metrics.CategoricalCrossentropy(axis=1),
     {"name": "categorical_crossentropy", "dtype": "float32", "from_logits": False,
      "label_smoothing": 0, "axis": 1}),
    (metrics.SparseCategoricalCrossentropy(ignore_class=255),
     {"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": False,
      "ignore_class": 255, "axis": -1}),
])
def test_configs_have_keras_keys_and_round_trip(metric, config):
    assert metric.get_config() == config
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric) and clone.get_config() == config
