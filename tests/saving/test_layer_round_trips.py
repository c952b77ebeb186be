"""Every layer type saves and loads, in both whole-model formats: the loaded model gives
exactly the same predictions and the same config.

A new layer class must be added to CASES (the last test checks that none is missing).
"""

import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

RNG = np.random.default_rng(0)

# (layer factory, input shapes without the batch axis, input dtype)
CASES = {
    "Dense": (lambda: layers.Dense(3, activation="relu"), [(4,)], "float32"),
    "Activation": (lambda: layers.Activation("tanh"), [(4,)], "float32"),
    "Dropout": (lambda: layers.Dropout(0.5), [(4,)], "float32"),
    "Flatten": (lambda: layers.Flatten(), [(2, 3)], "float32"),
    "Masking": (lambda: layers.Masking(mask_value=0.5), [(3, 2)], "float32"),
    "Reshape": (lambda: layers.Reshape((3, 2)), [(6,)], "float32"),
    "Permute": (lambda: layers.Permute((2, 1)), [(2, 3)], "float32"),
    "RepeatVector": (lambda: layers.RepeatVector(2), [(3,)], "float32"),
    "UpSampling1D": (lambda: layers.UpSampling1D(2), [(3, 2)], "float32"),
    "UpSampling2D": (lambda: layers.UpSampling2D(2), [(2, 2, 1)], "float32"),
    "ZeroPadding1D": (lambda: layers.ZeroPadding1D(1), [(3, 2)], "float32"),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(1), [(2, 2, 1)], "float32"),
    "Cropping1D": (lambda: layers.Cropping1D((1, 0)), [(4, 2)], "float32"),
    "Cropping2D": (lambda: layers.Cropping2D(((1, 0), (0, 1))), [(3, 3, 1)], "float32"),
    "Embedding": (lambda: layers.Embedding(10, 3), [(5,)], "int32"),
    "Add": (lambda: layers.Add(), [(3,), (3,)], "float32"),
    "Subtract": (lambda: layers.Subtract(), [(3,), (3,)], "float32"),
    "Multiply": (lambda: layers.Multiply(), [(3,), (3,)], "float32"),
    "Average": (lambda: layers.Average(), [(3,), (3,)], "float32"),
    "Maximum": (lambda: layers.Maximum(), [(3,), (3,)], "float32"),
    "Minimum": (lambda: layers.Minimum(), [(3,), (3,)], "float32"),
    "Concatenate": (lambda: layers.Concatenate(), [(3,), (2,)], "float32"),
    "Dot": (lambda: layers.Dot(axes=1, normalize=True), [(3,), (3,)], "float32"),
    "ActivityRegularization": (lambda: layers.ActivityRegularization(l1=0.01), [(3,)],
                               "float32"),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.1), [(3,)], "float32"),
    "GaussianDropout": (lambda: layers.GaussianDropout(0.1), [(3,)], "float32"),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.2), [(3, 2)], "float32"),
    "SpatialDropout2D": (lambda: layers.SpatialDropout2D(0.2), [(2, 2, 2)], "float32"),
    "ReLU": (lambda: layers.ReLU(max_value=0.9), [(3,)], "float32"),
    "LeakyReLU": (lambda: layers.LeakyReLU(negative_slope=0.2), [(3,)], "float32"),
    "PReLU": (lambda: layers.PReLU(), [(3,)], "float32"),
    "ELU": (lambda: layers.ELU(), [(3,)], "float32"),
    "Softmax": (lambda: layers.Softmax(), [(3,)], "float32"),
    "Conv1D": (lambda: layers.Conv1D(2, 2), [(5, 3)], "float32"),
    "Conv2D": (lambda: layers.Conv2D(2, 3, padding="same"), [(4, 4, 2)], "float32"),
    "Conv3D": (lambda: layers.Conv3D(2, 2), [(3, 3, 3, 1)], "float32"),
    "Conv1DTranspose": (lambda: layers.Conv1DTranspose(2, 2), [(4, 3)], "float32"),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(2, 2), [(3, 3, 2)], "float32"),
    "Conv3DTranspose": (lambda: layers.Conv3DTranspose(2, 2), [(2, 2, 2, 1)], "float32"),
    "DepthwiseConv1D": (lambda: layers.DepthwiseConv1D(2), [(4, 3)], "float32"),
    "DepthwiseConv2D": (lambda: layers.DepthwiseConv2D(2), [(3, 3, 2)], "float32"),
    "SeparableConv1D": (lambda: layers.SeparableConv1D(2, 2), [(4, 3)], "float32"),
    "SeparableConv2D": (lambda: layers.SeparableConv2D(2, 2), [(3, 3, 2)], "float32"),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(2), [(4, 2)], "float32"),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(2), [(4, 4, 1)], "float32"),
    "AveragePooling1D": (lambda: layers.AveragePooling1D(2), [(4, 2)], "float32"),
    "AveragePooling2D": (lambda: layers.AveragePooling2D(2), [(4, 4, 1)], "float32"),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), [(4, 2)], "float32"),
    "GlobalMaxPooling2D": (lambda: layers.GlobalMaxPooling2D(), [(3, 3, 2)], "float32"),
    "GlobalAveragePooling1D": (lambda: layers.GlobalAveragePooling1D(), [(4, 2)], "float32"),
    "GlobalAveragePooling2D": (lambda: layers.GlobalAveragePooling2D(), [(3, 3, 2)],
                               "float32"),
    "BatchNormalization": (lambda: layers.BatchNormalization(), [(3,)], "float32"),
    "LayerNormalization": (lambda: layers.LayerNormalization(), [(4,)], "float32"),
    "GroupNormalization": (lambda: layers.GroupNormalization(groups=2), [(4,)], "float32"),
    "Normalization": (lambda: layers.Normalization(), [(3,)], "float32"),
    "SimpleRNN": (lambda: layers.SimpleRNN(3), [(4, 2)], "float32"),
    "LSTM": (lambda: layers.LSTM(3, return_sequences=True), [(4, 2)], "float32"),
    "GRU": (lambda: layers.GRU(3), [(4, 2)], "float32"),
    "RNN(SimpleRNNCell)": (lambda: layers.RNN(layers.SimpleRNNCell(3)), [(4, 2)], "float32"),
    "RNN(StackedRNNCells)": (lambda: layers.RNN(layers.StackedRNNCells(
        [layers.LSTMCell(2), layers.GRUCell(3)])), [(4, 2)], "float32"),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(2)), [(4, 3)], "float32"),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(2)), [(4, 3)], "float32"),
}

# Covered elsewhere: InputLayer is in every model, Lambda has tests of its own.
COVERED_ELSEWHERE = {"InputLayer", "Lambda"}


def build(case):
    factory, shapes, dtype = CASES[case]
    inputs = [keras.Input(shape=shape, dtype=dtype) for shape in shapes]
    layer = factory()
    outputs = layer(inputs[0] if len(inputs) == 1 else inputs)
    model = keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs)
    # Values far from the initial ones (positive, for variances and scales), so a weight
    # that did not load shows.
    model.set_weights([RNG.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in model.weights])
    if dtype == "int32":
        data = [RNG.integers(0, 10, (3,) + shape).astype(dtype) for shape in shapes]
    else:
        data = [RNG.uniform(-1, 1, (3,) + shape).astype(dtype) for shape in shapes]
    return model, data[0] if len(data) == 1 else data


@pytest.mark.parametrize("extension", ["h5", "keras"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_round_trips_exactly(case, extension, tmp_path):
    model, x = build(case)
    expected = model.predict(x, verbose=0)
    path = tmp_path / f"model.{extension}"
    model.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = keras.models.load_model(path)
    # An uncompiled model: Keras warns about it for HDF5 files only.
    expected_warnings = ["No training configuration found"] if extension == "h5" else []
    assert [str(w.message)[:31] for w in caught] == expected_warnings
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
    assert loaded.get_config() == model.get_config()
    for saved, restored in zip(model.weights, loaded.weights):
        assert restored.dtype == saved.dtype
        np.testing.assert_array_equal(restored.data, saved.data)


def test_every_layer_class_has_a_round_trip_case():
    covered = set(COVERED_ELSEWHERE)
    for factory, _, _ in CASES.values():
        covered.update(type(layer).__name__ for layer in factory()._flatten_layers())
    missing = sorted(cls.__name__ for cls in keras.layers.ALL_LAYERS
                     if cls.__name__ not in covered)
    assert not missing, f"add these layers to CASES in {__file__}: {missing}"
