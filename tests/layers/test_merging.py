"""Merge layers and their functional forms: values against numpy, Keras's broadcasting rules,
shape errors in Keras's wording, masks, and use in multi-input models."""

import numpy as np
import pytest

from minikeras import layers
from minikeras.layers import (Add, Average, Concatenate, Dense, Dot, Input, Maximum, Minimum,
                              Multiply, Subtract)
from minikeras.models import Model
from minikeras.testing import layer_test


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


ELEMENTWISE = [
    (Add, layers.add, lambda a, b, c: a + b + c),
    (Multiply, layers.multiply, lambda a, b, c: a * b * c),
    (Average, layers.average, lambda a, b, c: (a + b + c) / 3),
    (Maximum, layers.maximum, lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (Minimum, layers.minimum, lambda a, b, c: np.minimum(np.minimum(a, b), c)),
]


@pytest.mark.parametrize("cls", [Add, Subtract, Multiply, Average, Maximum, Minimum])
def test_elementwise_harness(cls):
    layer_test(cls, {}, input_shape=[(2, 3, 4), (2, 3, 4)], expected_output_shape=(2, 3, 4),
               expected_num_trainable_weights=0, supports_masking=True)


@pytest.mark.parametrize("cls, function, formula", ELEMENTWISE)
def test_elementwise_values_and_functional_form(cls, function, formula):
    a, b, c = _x(2, 3), _x(2, 3, seed=1), _x(2, 3, seed=2)
    expected = formula(a, b, c)
    np.testing.assert_allclose(cls()([a, b, c]).data, expected, rtol=1e-6)
    np.testing.assert_allclose(function([a, b, c]).data, expected, rtol=1e-6)
    inputs = [Input(shape=(3,)) for _ in range(3)]
    out = function(inputs, name="merged")
    assert out.shape == (None, 3) and out._keras_history[0].name == "merged"
    np.testing.assert_allclose(Model(inputs, out).predict([a, b, c], verbose=0), expected,
                               rtol=1e-6)


def test_subtract_values_and_keras_example():
    a, b = _x(2, 3, 4), _x(2, 3, 4, seed=1)
    np.testing.assert_array_equal(Subtract()([a, b]).data, a - b)
    np.testing.assert_array_equal(layers.subtract([a, b]).data, a - b)
    input1, input2 = Input(shape=(16,)), Input(shape=(32,))
    x1 = Dense(8, activation="relu")(input1)
    x2 = Dense(8, activation="relu")(input2)
    out = Dense(4)(layers.subtract([x1, x2]))
    model = Model(inputs=[input1, input2], outputs=out)
    assert model.outputs[0].shape == (None, 4)
    assert model.predict([_x(3, 16), _x(3, 32)], verbose=0).shape == (3, 4)


def test_broadcasting_follows_keras_rules():
    a, b = _x(2, 3, 4), _x(2, 4, seed=1)
    # A lower-rank input gets new axes right after the batch axis.
    np.testing.assert_allclose(Add()([a, b]).data, a + b[:, None, :])
    ones = _x(2, 3, 1, seed=2)
    np.testing.assert_allclose(Multiply()([a, ones]).data, a * ones)
    assert Add()([Input(shape=(3, 4)), Input(shape=(4,))]).shape == (None, 3, 4)
    assert Maximum()([Input(shape=(3, 1)), Input(shape=(1, 5))]).shape == (None, 3, 5)
    assert Add()([Input(shape=(None, 4)), Input(shape=(3, 4))]).shape == (None, None, 4)
    layer_test(Add, {}, input_shape=[(2, 3, 4), (2, 4)], expected_output_shape=(2, 3, 4))


def test_a_single_input_merges_to_itself():
    a = _x(2, 3)
    np.testing.assert_array_equal(Add()([a]).data, a)


def test_elementwise_shape_errors_in_keras_wording():
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. Received shapes "
                                         r"\(3,\) and \(4,\)"):
        Add()([Input(shape=(3,)), Input(shape=(4,))])
    with pytest.raises(ValueError, match="Inputs have incompatible shapes"):
        Average()([_x(2, 3), _x(2, 4)])
    with pytest.raises(ValueError, match=r"Cannot merge tensors with different batch sizes. "
                                         r"Received tensors with shapes \[\(2, 3\), \(5, 3\)\]"):
        Add()([_x(2, 3), _x(5, 3)])
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs. "
                                         r"Received: input_shape=\(None, 3\)"):
        Add()(Input(shape=(3,)))
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs. "
                                         "Received: inputs="):
        Multiply()(_x(2, 3))
    with pytest.raises(ValueError, match=r"A `Subtract` layer should be called on exactly 2 "
                                         r"inputs. Received: input_shape=\[\(None, 3\), "):
        Subtract()([Input(shape=(3,))] * 3)


def test_merge_masks_are_combined_with_or():
    a, b = _x(2, 3), _x(2, 3)
    m1, m2 = np.array([[1, 0, 0], [1, 1, 0]], bool), np.array([[0, 0, 1], [1, 0, 0]], bool)
    np.testing.assert_array_equal(Add().compute_mask([a, b], [m1, m2]).data, m1 | m2)
    assert Add().compute_mask([a, b], [m1, None]) is None
    assert Add().compute_mask([a, b]) is None
    with pytest.raises(ValueError, match="`mask` should be a list"):
        Add().compute_mask([a, b], m1)
    with pytest.raises(ValueError, match="should have the same length"):
        Add().compute_mask([a, b], [m1])


# -- Concatenate ----------------------------------------------------------------------------


@pytest.mark.parametrize("axis, shapes, output_shape", [
    (-1, [(2, 3), (2, 4)], (2, 7)),
    (1, [(2, 2, 5), (2, 1, 5)], (2, 3, 5)),
    (-1, [(2, 3, 2), (2, 3, 1), (2, 3, 4)], (2, 3, 7))])
def test_concatenate_harness(axis, shapes, output_shape):
    layer_test(Concatenate, {"axis": axis}, input_shape=shapes,
               expected_output_shape=output_shape, expected_num_trainable_weights=0)


def test_concatenate_values_and_keras_example():
    x = np.arange(20, dtype="float32").reshape(2, 2, 5)
    y = np.arange(20, 30, dtype="float32").reshape(2, 1, 5)
    out = Concatenate(axis=1)([x, y])
    np.testing.assert_array_equal(out.data, np.concatenate([x, y], axis=1))
    np.testing.assert_array_equal(layers.concatenate([x, y], axis=1).data, out.data)
    x1 = Dense(8)(np.arange(10, dtype="float32").reshape(5, 2))
    x2 = Dense(8)(np.arange(10, 20, dtype="float32").reshape(5, 2))
    assert Concatenate()([x1, x2]).shape == (5, 16)
    assert Concatenate(axis=1)([Input(shape=(None, 5)), Input(shape=(2, 5))]).shape == \
        (None, None, 5)
    assert Concatenate(axis=2).get_config()["axis"] == 2


def test_concatenate_errors():
    with pytest.raises(ValueError, match=r"A `Concatenate` layer requires inputs with matching "
                                         r"shapes except for the concatenation axis. Received: "
                                         r"input_shape=\[\(None, 4, 5\), \(None, 3, 6\)\]"):
        Concatenate()([Input(shape=(4, 5)), Input(shape=(3, 6))])
    with pytest.raises(ValueError, match="requires inputs with matching shapes"):
        Concatenate()([_x(2, 3), _x(2, 3, 1)])
    with pytest.raises(ValueError, match="A `Concatenate` layer should be called on a list"):
        Concatenate()(Input(shape=(3,)))
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        Concatenate(axis=3)([_x(2, 3), _x(2, 3)])
    with pytest.raises(TypeError, match="`axis` must be an integer"):
        Concatenate(axis=(1,))


def test_concatenate_mask_like_keras():
    a, b = _x(2, 3, 4), _x(2, 3, 2)
    m = np.array([[1, 0, 1], [0, 0, 1]], bool)
    out = Concatenate(axis=1)([a, a]).data
    assert out.shape == (2, 6, 4)
    mask = Concatenate(axis=1).compute_mask([a, a], [m, None]).data
    np.testing.assert_array_equal(mask, np.concatenate([m, np.ones((2, 3), bool)], axis=1))
    # Along the last axis the masks are OR-ed over the joined features.
    np.testing.assert_array_equal(Concatenate().compute_mask([a, b], [m, m]).data, m)
    assert Concatenate().compute_mask([a, b], [None, None]) is None


# -- Dot ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, shapes, output_shape", [
    ({"axes": 1}, [(2, 3), (2, 3)], (2, 1)),
    ({"axes": -1}, [(2, 4, 3), (2, 5, 3)], (2, 4, 5)),
    ({"axes": (1, 2)}, [(2, 5, 2), (2, 3, 5)], (2, 2, 3)),
    ({"axes": [2, 1], "normalize": True}, [(2, 3, 4), (2, 4, 2)], (2, 3, 2)),
    ({"axes": (1, 2)}, [(2, 4), (2, 3, 4)], (2, 3))])
def test_dot_harness(kwargs, shapes, output_shape):
    layer_test(Dot, kwargs, input_shape=shapes, expected_output_shape=output_shape,
               expected_num_trainable_weights=0)


def test_dot_keras_example_and_formula():
    x = np.arange(10, dtype="float32").reshape(1, 5, 2)
    y = np.arange(10, 20, dtype="float32").reshape(1, 2, 5)
    out = Dot(axes=(1, 2))([x, y]).data
    np.testing.assert_array_equal(out, [[[260, 360], [320, 445]]])
    np.testing.assert_array_equal(out, np.einsum("bia,bji->baj", x, y))
    a, b = _x(3, 4, 2), _x(3, 5, 2, seed=1)
    np.testing.assert_allclose(layers.dot([a, b], axes=2).data, np.einsum("bik,bjk->bij", a, b),
                               rtol=1e-5)
    v, w = _x(4, 6), _x(4, 6, seed=1)
    np.testing.assert_allclose(Dot(axes=1)([v, w]).data, np.sum(v * w, axis=1, keepdims=True),
                               rtol=1e-5)


def test_dot_normalize_gives_cosine_similarity():
    v, w = _x(4, 6), _x(4, 6, seed=1)
    cosine = np.sum(v * w, axis=1) / np.linalg.norm(v, axis=1) / np.linalg.norm(w, axis=1)
    out = layers.dot([v, w], axes=1, normalize=True)
    np.testing.assert_allclose(out.data[:, 0], cosine, rtol=1e-5)
    zero = np.zeros((1, 6), dtype="float32")
    assert np.isfinite(Dot(axes=1, normalize=True)([zero, w[:1]]).data).all()
    assert Dot(axes=(1, 2), normalize=True).get_config()["axes"] == [1, 2]


def test_dot_errors_in_keras_wording():
    with pytest.raises(TypeError, match="Invalid type for argument `axes`: it should be a list "
                                        "or an int. Received: axes=1.5"):
        Dot(axes=1.5)
    with pytest.raises(ValueError, match="it should contain two elements"):
        Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="list elements should be integers"):
        Dot(axes=(1, "2"))
    with pytest.raises(ValueError, match=r"Incompatible input shapes: axis values 3 \(at axis "
                                         r"1\) != 4 \(at axis 1\). Full input shapes: "
                                         r"\(None, 3\), \(None, 4\)"):
        Dot(axes=1)([Input(shape=(3,)), Input(shape=(4,))])
    with pytest.raises(ValueError, match="Cannot perform batch_dot over axis 0"):
        Dot(axes=0)([_x(2, 3), _x(2, 3)])
    with pytest.raises(ValueError, match="A `Dot` layer should be called on a list of 2 inputs"):
        Dot(axes=1)([Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="Cannot do batch_dot on inputs with different batch "
                                         "sizes"):
        Dot(axes=1)([_x(2, 3), _x(3, 3)])
    with pytest.raises(ValueError, match="out of range"):
        Dot(axes=3)([_x(2, 3), _x(2, 3)])
    assert Dot(axes=1).compute_mask([_x(2, 3)] * 2, [None, None]) is None


def test_two_input_model_trains():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    merged = layers.concatenate([layers.add([Dense(3)(a), Dense(3)(b)]),
                                 layers.dot([a, b], axes=1)])
    model = Model([a, b], Dense(1)(merged))
    assert merged.shape == (None, 4)
    model.compile(optimizer="sgd", loss="mse")
    x1, x2, y = _x(16, 4), _x(16, 4, seed=1), _x(16, 1, seed=2)
    before = model.evaluate([x1, x2], y, verbose=0)
    model.fit([x1, x2], y, epochs=2, verbose=0)
    assert model.evaluate([x1, x2], y, verbose=0) < before
