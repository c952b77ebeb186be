"""The Masking layer: which steps it masks, the zeros it writes, the mask it hands to an LSTM,
gradients, config and bad input."""

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.testing import layer_test

RNG = np.random.default_rng(0)


def padded_batch(mask_value=0.0):
    """(2, 5, 3) features with some steps entirely equal to mask_value, and the real steps."""
    x = RNG.standard_normal((2, 5, 3)).astype("float32")
    real = np.array([[True, True, False, True, False], [False, False, True, True, True]])
    x[~real] = mask_value
    x[0, 1, 0] = mask_value  # one feature equal to mask_value does not mask the step
    return x, real


@pytest.mark.parametrize("mask_value", [0.0, -1.0, 2])
def test_masked_steps_are_zeroed_and_the_mask_is_attached(mask_value):
    x, real = padded_batch(mask_value)
    out = layers.Masking(mask_value=mask_value)(x)
    expected = np.where(real[..., None], x, 0.0)
    np.testing.assert_array_equal(out.data, expected)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out._keras_mask, real)
    assert out._keras_mask.dtype == bool
    np.testing.assert_array_equal(layers.Masking(mask_value).compute_mask(x), real)


def test_the_mask_is_over_all_leading_axes_as_keras():
    # Keras reduces over the last axis only: a 4-D input gives a (batch, timesteps, rows) mask.
    x = np.ones((2, 3, 4, 5), "float32")
    x[0, 1, 2] = 0.0
    out = layers.Masking()(x)
    assert out._keras_mask.shape == (2, 3, 4)
    assert not out._keras_mask[0, 1, 2] and out._keras_mask.sum() == 23


def test_gradient_flows_only_through_real_steps():
    x, real = padded_batch()
    inputs = keras.Tensor(x.astype("float64"), requires_grad=True)
    out = layers.Masking(dtype="float64")(inputs)
    (out * out).sum().backward()
    np.testing.assert_allclose(inputs.grad, np.where(real[..., None], 2 * x, 0.0), rtol=1e-12)


def test_layer_test_harness():
    # Random normal inputs hold no masked step; the gradient check runs on them (a masked step
    # is a jump, where no numerical derivative exists).
    layer_test(layers.Masking, {"mask_value": 0.0}, input_shape=(2, 4, 3),
               expected_output_shape=(2, 4, 3), expected_num_trainable_weights=0,
               supports_masking=True)


def test_an_lstm_after_masking_skips_the_masked_steps():
    """Masked steps carry the LSTM state over, so the result equals the LSTM run on the real
    steps only (Keras's example masks steps in the middle of the sequences)."""
    keras.utils.set_random_seed(1)
    x, real = padded_batch()
    lstm = layers.LSTM(4, return_sequences=True)
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.Masking(), lstm])
    out = model.predict(x, verbose=0)
    for i in range(len(x)):
        compact = lstm(x[i:i + 1, real[i]]).data[0]
        np.testing.assert_allclose(out[i, real[i]], compact, rtol=1e-5, atol=1e-6)
    last = keras.Sequential([keras.Input(shape=(5, 3)), layers.Masking(),
                             layers.LSTM(4)])
    last.layers[-1].set_weights(lstm.get_weights())
    final = last.predict(x, verbose=0)
    for i in range(len(x)):
        np.testing.assert_allclose(final[i], lstm(x[i:i + 1, real[i]]).data[0, -1],
                                   rtol=1e-5, atol=1e-6)
    # Without Masking the padded steps count, and the results differ.
    plain = keras.Sequential([keras.Input(shape=(5, 3)), layers.LSTM(4)])
    plain.layers[-1].set_weights(lstm.get_weights())
    assert not np.allclose(plain.predict(x, verbose=0), final, atol=1e-4)


def test_config_round_trip():
    layer = layers.Masking(mask_value=-1.0, name="pad")
    config = layer.get_config()
    assert config == {"name": "pad", "trainable": True, "dtype": "float32", "mask_value": -1.0}
    entry = json.loads(json.dumps(layers.serialize(layer)))
    assert entry["class_name"] == "Masking"
    revived = layers.deserialize(entry)
    assert type(revived) is layers.Masking and revived.get_config() == config
    assert layers.Masking(np.float32(0.5)).get_config()["mask_value"] == 0.5


def test_bad_input():
    with pytest.raises(TypeError, match='"pad": `mask_value` must be a number.*\'0\''):
        layers.Masking(mask_value="0", name="pad")
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layers.Masking()(np.zeros(3, "float32"))
