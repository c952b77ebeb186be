"""The activations family: Keras names, Keras 3 arguments, registry behaviour."""

import numpy as np
import pytest

from minikeras import activations
from minikeras.backend import Tensor
from minikeras.testing import check_grad

X = np.array([-10.0, -5.0, -0.5, 0.5, 3.0, 10.0], dtype=np.float32)


@pytest.mark.parametrize("name", ["softsign", "tanh", "sigmoid", "hard_sigmoid", "softplus",
                                  "relu", "linear", "softmax", "elu", "selu", "gelu", "silu",
                                  "swish", "leaky_relu", "relu6", "exponential", "mish",
                                  "log_softmax", "hard_silu", "hard_swish"])
def test_every_name_from_the_study_notes_resolves_and_keeps_float32(name):
    fn = activations.get(name)
    out = fn(Tensor(X))
    assert out.shape == X.shape and out.dtype == np.float32
    assert np.isfinite(out.data).all()


def test_relu_options_follow_keras():
    out = activations.relu(X, negative_slope=0.1, max_value=5.0, threshold=1.0).data
    expected = np.where(X > 1.0, np.minimum(X, 5.0), 0.0) - 0.1 * np.maximum(1.0 - X, 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    np.testing.assert_allclose(activations.relu(X, max_value=6).data, np.clip(X, 0, 6))
    check_grad(lambda x: activations.relu(x, negative_slope=0.2, max_value=4.0, threshold=0.3),
               np.array([-2.0, 0.1, 1.0, 5.0]))


def test_gelu_is_exact_by_default_unlike_ops():
    from scipy.special import erf
    x = np.array([-1.5, 0.3, 2.0])
    np.testing.assert_allclose(activations.gelu(x).data, 0.5 * x * (1 + erf(x / np.sqrt(2))),
                               rtol=1e-12)


def test_leaky_relu_default_slope():
    np.testing.assert_allclose(activations.leaky_relu(X).data, np.where(X >= 0, X, 0.2 * X))


def test_linear_and_none():
    assert activations.get(None) is activations.linear
    x = Tensor(X)
    assert activations.linear(x) is x


def test_serialize_round_trip():
    for name in ["relu", "softmax", "gelu", "hard_silu"]:
        fn = activations.get(name)
        assert activations.deserialize(activations.serialize(fn)) is fn
    assert activations.serialize(activations.get("swish")) == "silu"
    custom = lambda x: x  # noqa: E731
    assert activations.get(custom) is custom
    with pytest.raises(ValueError, match="not a built-in"):
        activations.serialize(lambda x: x)


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError, match=r"Unknown activation: 'rellu'\. Did you mean 'relu'\?"
                                         r".*'softmax'"):
        activations.get("rellu")
    with pytest.raises(TypeError, match="Could not interpret activation"):
        activations.get(3)


def test_swish_and_hard_swish_are_module_names_for_silu_and_hard_silu():
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu
