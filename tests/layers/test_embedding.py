"""Embedding: lookups against numpy indexing, gradients through `take`, masks, configs and
errors."""

import json
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Embedding, Flatten, Input, deserialize, serialize
from minikeras.layers.base import KerasTensor
from minikeras.models import Sequential
from minikeras.testing import check_grad, layer_test


IDS = np.array([[0, 1, 4], [2, 2, 3]])


def test_embedding_harness():
    layer_test(Embedding, {"input_dim": 5, "output_dim": 3}, input_data=IDS,
               expected_output_shape=(2, 3, 3), expected_num_trainable_weights=1,
               expected_num_non_trainable_weights=0, supports_masking=False)
    layer_test(Embedding, {"input_dim": 5, "output_dim": 2, "mask_zero": True},
               input_data=IDS.astype("int32")[:, :2], expected_output_shape=(2, 2, 2),
               supports_masking=True)


def test_lookup_matches_numpy_indexing():
    layer = Embedding(5, 3)
    out = layer(IDS)
    matrix = layer.get_weights()[0]
    np.testing.assert_array_equal(out.data, matrix[IDS])
    assert out.dtype == np.float32 and out.shape == (2, 3, 3)
    assert [w.path for w in layer.weights] == ["embedding/embeddings"]
    assert layer.embeddings.shape == (5, 3)
    # The default 'uniform' initializer draws from [-0.05, 0.05].
    assert np.abs(matrix).max() <= 0.05


def test_gradient_adds_up_repeated_indices():
    layer = Embedding(5, 2)
    layer.build(None)
    out = layer(IDS)
    out.backward(np.ones(out.shape, dtype="float32"))
    counts = np.bincount(IDS.ravel(), minlength=5)
    np.testing.assert_array_equal(layer.embeddings.grad, np.repeat(counts[:, None], 2, axis=1))
    # And numerically, through the backend take op.
    check_grad(lambda m: keras.ops.take(m, IDS, axis=0), layer.get_weights()[0])


def test_float_indices_holding_whole_numbers_are_accepted():
    layer = Embedding(5, 2)
    np.testing.assert_array_equal(layer(IDS.astype("float32")).data, layer(IDS).data)
    model = Sequential([Input(shape=(3,)), layer, Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.predict(IDS.astype("float32"), verbose=0).shape == (2, 1)


def test_symbolic_output_has_the_weights_dtype():
    out = Embedding(10, 4)(Input(shape=(7,), dtype="int32"))
    assert isinstance(out, KerasTensor) and out.shape == (None, 7, 4) and out.dtype == np.float32


def test_compute_mask():
    assert Embedding(5, 2).compute_mask(IDS) is None
    layer = Embedding(5, 2, mask_zero=True)
    np.testing.assert_array_equal(layer.compute_mask(IDS).data, IDS != 0)
    mask = layer.compute_mask(Input(shape=(3,), dtype="int32"))
    assert mask.shape == (None, 3) and mask.dtype == bool


def test_config_round_trip_and_keys():
    layer = Embedding(7, 3, embeddings_regularizer="l2", mask_zero=True, name="emb")
    config = layer.get_config()
    for key in ("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                "activity_regularizer", "embeddings_constraint", "mask_zero"):
        assert key in config
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"
    revived = deserialize(json.loads(json.dumps(serialize(layer))))
    assert revived.get_config() == config


def test_regularizer_adds_a_loss():
    layer = Embedding(4, 2, embeddings_regularizer=keras.regularizers.L2(0.5))
    layer(IDS[:, :1])
    np.testing.assert_allclose(float(layer.losses[0].data),
                               0.5 * np.sum(layer.get_weights()[0] ** 2), rtol=1e-6)


def test_weights_argument_takes_a_bare_matrix():
    matrix = np.arange(10, dtype="float32").reshape(5, 2)
    for weights in (matrix, [matrix]):
        layer = Embedding(5, 2, weights=weights)
        np.testing.assert_array_equal(layer(np.array([[4, 0]])).data, matrix[[[4, 0]]])


def test_tf_keras_2_input_length_sets_the_input_shape():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Sequential([Embedding(100, 8, input_length=10), Flatten(), Dense(1)])
    assert model.built and model.input_shape == (None, 10) and model.output_shape == (None, 1)
    assert "input_length" not in model.layers[0].get_config()


@pytest.mark.parametrize("ids", [np.array([[0, 5]]), np.array([[-1, 2]])])
def test_out_of_range_indices_name_the_layer(ids):
    layer = Embedding(5, 2, name="words")
    with pytest.raises(ValueError, match=r'Layer "words": every index must lie in '
                                         r"\[0, input_dim\) = \[0, 5\), but received indices "
                                         r"from -?\d+ to \d+"):
        layer(ids)


def test_bad_indices_and_arguments():
    layer = Embedding(5, 2)
    with pytest.raises(ValueError, match="expects integer indices, but received floats that "
                                         "are not whole numbers, e.g. 1.5"):
        layer(np.array([[1.5, 2.0]], dtype="float32"))
    with pytest.raises(ValueError, match="not whole numbers"):
        layer(np.array([[np.nan]], dtype="float32"))
    with pytest.raises(TypeError, match="expects integer indices, but received an array of "
                                        "dtype bool"):
        layer(np.array([[True]]))
    for kwargs, arg in (({"input_dim": 0, "output_dim": 2}, "input_dim"),
                        ({"input_dim": 5, "output_dim": 2.5}, "output_dim")):
        with pytest.raises(ValueError, match=f"invalid value for `{arg}`, expected a positive "
                                             "integer"):
            Embedding(**kwargs)


def test_training_moves_only_the_rows_used():
    model = Sequential([Input(shape=(2,), dtype="int32"), Embedding(6, 3), Flatten(), Dense(1)])
    before = model.layers[0].get_weights()[0].copy()
    model.compile(optimizer="sgd", loss="mse")
    ids = np.array([[1, 2], [2, 3]])
    model.fit(ids, np.ones((2, 1), dtype="float32"), epochs=1, verbose=0)
    changed = (model.layers[0].get_weights()[0] != before).any(axis=1)
    np.testing.assert_array_equal(changed, [False, True, True, True, False, False])
