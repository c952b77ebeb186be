import numpy as np
import pytest

from minikeras import metrics

Y_TRUE = [[0, 1], [0, 0]]
Y_PRED = [[0.6, 0.4], [0.4, 0.6]]

# Keras's documented examples: (class, result, result with sample_weight=[1, 0])
DOC_EXAMPLES = [
    (metrics.Hinge, 1.3, 1.1),
    (metrics.SquaredHinge, 1.86, 1.46),
    (metrics.CategoricalHinge, 1.4000001, 1.2),
]


@pytest.mark.parametrize("cls, expected, weighted", DOC_EXAMPLES,
                         ids=[row[0].__name__ for row in DOC_EXAMPLES])
def test_keras_documented_examples(cls, expected, weighted):
    m = cls()
    m.update_state(Y_TRUE, Y_PRED)
    assert m.result() == pytest.approx(expected, rel=1e-6)
    m.reset_state()
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0])
    assert m.result() == pytest.approx(weighted, rel=1e-6)


def test_against_closed_forms():
    rng = np.random.default_rng(0)
    signs = rng.choice([-1.0, 1.0], (6, 3))
    scores = rng.normal(size=(6, 3))
    margin = np.maximum(1 - signs * scores, 0)
    assert metrics.Hinge()(signs, scores) == pytest.approx(margin.mean(), rel=1e-5)
    assert metrics.SquaredHinge()(signs, scores) == pytest.approx((margin ** 2).mean(), rel=1e-5)
    onehot = np.eye(3)[rng.integers(0, 3, 6)]
    pos = np.sum(onehot * scores, -1)
    neg = np.max((1 - onehot) * scores, -1)
    assert metrics.CategoricalHinge()(onehot, scores) == \
        pytest.approx(np.maximum(neg - pos + 1, 0).mean(), rel=1e-5)


@pytest.mark.parametrize("cls", [metrics.Hinge, metrics.SquaredHinge, metrics.CategoricalHinge])
def test_config_round_trip_and_shape_errors(cls):
    m = cls(name="h")
    assert m.get_config() == {"name": "h", "dtype": "float32"}
    clone = metrics.deserialize(metrics.serialize(m))
    assert type(clone) is cls and clone.get_config() == m.get_config()
    with pytest.raises(ValueError, match=rf'{cls.__name__} metric "h".*\(2, 3\).*\(2, 2\)'):
        m.update_state(np.zeros((2, 3)), np.zeros((2, 2)))
