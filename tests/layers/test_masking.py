"""Mask propagation: a layer's mask travels with its output to the next layers."""

import numpy as np

import minikeras as keras
from minikeras.layers import Dense, Embedding, Layer


class MaskProbe(Layer):
    """Records the mask it receives and passes it on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen = "not called"

    def call(self, inputs, mask=None):
        self.seen = mask
        return inputs


def test_embedding_mask_reaches_later_layers_in_sequential_and_functional():
    tokens = np.array([[3, 5, 0, 0], [2, 0, 0, 0]])
    probe = MaskProbe()
    model = keras.Sequential([Embedding(10, 4, mask_zero=True), Dense(3), probe])
    out = model(tokens)
    np.testing.assert_array_equal(probe.seen, tokens != 0)
    np.testing.assert_array_equal(out._keras_mask, tokens != 0)

    inputs = keras.Input(shape=(4,), dtype="int64")
    functional_probe = MaskProbe()
    outputs = functional_probe(Dense(2)(Embedding(10, 4, mask_zero=True)(inputs)))
    keras.Model(inputs, outputs)(tokens)
    np.testing.assert_array_equal(functional_probe.seen, tokens != 0)


def test_a_layer_without_mask_support_stops_the_mask():
    class NoMask(Layer):
        def call(self, inputs):
            return inputs * 1.0

    tokens = np.array([[1, 0]])
    probe = MaskProbe()
    keras.Sequential([Embedding(5, 2, mask_zero=True), NoMask(), probe])(tokens)
    assert probe.seen is None


def test_no_mask_without_masking_layers():
    probe = MaskProbe()
    keras.Sequential([Dense(2), probe])(np.ones((1, 3), np.float32))
    assert probe.seen is None
