"""Bidirectional and TimeDistributed: values against the wrapped layers run by hand, merge
modes, states, masks, gradients, configs and bad input."""

import json

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.testing import check_grad, layer_test

RNG = np.random.default_rng(0)


def sequences(batch=2, steps=4, features=3, dtype="float32"):
    return RNG.standard_normal((batch, steps, features)).astype(dtype)


def merge(mode, a, b):
    return {"concat": lambda: np.concatenate([a, b], axis=-1), "sum": lambda: a + b,
            "mul": lambda: a * b, "ave": lambda: (a + b) / 2}[mode]()


def check_all_gradients(layer, x, combine=lambda out: out):
    """check_grad with respect to x and every trainable weight of a float64 layer."""
    owners = [owner_of(layer, w) for w in layer.trainable_weights]

    def fn(inputs, *weights):
        saved = [getattr(obj, attr) for obj, attr in owners]
        for (obj, attr), value in zip(owners, weights):
            setattr(obj, attr, value)
        try:
            return combine(layer(inputs))
        finally:
            for (obj, attr), value in zip(owners, saved):
                setattr(obj, attr, value)

    check_grad(fn, x, *[w.data for w in layer.trainable_weights])


def owner_of(layer, weight):
    for attr, value in vars(layer).items():
        if value is weight:
            return layer, attr
    for sub in layer._sublayers():
        found = owner_of(sub, weight)
        if found:
            return found
    return None


# -- Bidirectional -------------------------------------------------------------------------------


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_values_are_a_forward_and_a_reversed_run(merge_mode, return_sequences):
    x = sequences()
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=return_sequences),
                                   merge_mode=merge_mode)
    out = wrapper(x)
    # References: LSTMs with the two directions' weights, both reading forwards; the backward
    # one reads the reversed sequence.
    forward = layers.LSTM(3, return_sequences=return_sequences)
    forward(x)
    forward.set_weights(wrapper.forward_layer.get_weights())
    backward = layers.LSTM(3, return_sequences=return_sequences)
    backward(x)
    backward.set_weights(wrapper.backward_layer.get_weights())
    y = forward(x).data
    y_rev = backward(np.ascontiguousarray(x[:, ::-1])).data
    if return_sequences:
        y_rev = y_rev[:, ::-1]  # step t of the result holds the backward output for step t
    if merge_mode is None:
        assert isinstance(out, list) and len(out) == 2
        np.testing.assert_allclose(out[0].data, y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out[1].data, y_rev, rtol=1e-5, atol=1e-6)
    else:
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.data, merge(merge_mode, y, y_rev), rtol=1e-5, atol=1e-6)
    steps = (4,) if return_sequences else ()
    width = 6 if merge_mode == "concat" else 3
    symbolic = layers.Bidirectional(layers.LSTM(3, return_sequences=return_sequences),
                                    merge_mode=merge_mode)(keras.Input(shape=(4, 3)))
    shapes = [t.shape for t in symbolic] if merge_mode is None else [symbolic.shape]
    assert all(shape == (None,) + steps + (width,) for shape in shapes)


@pytest.mark.parametrize("cell_layer, merge_mode, return_sequences", [
    (layers.LSTM, "concat", False),
    (layers.GRU, "sum", True),
    (layers.SimpleRNN, "ave", True),
    (layers.SimpleRNN, "mul", False),
])
def test_bidirectional_layer_test_with_gradient_checks(cell_layer, merge_mode, return_sequences):
    width = 2 * 2 if merge_mode == "concat" else 2
    steps = (3,) if return_sequences else ()
    layer_test(layers.Bidirectional,
               {"layer": cell_layer(2, return_sequences=return_sequences),
                "merge_mode": merge_mode},
               input_shape=(2, 3, 2), expected_output_shape=(2,) + steps + (width,),
               expected_num_trainable_weights=6, supports_masking=True)


def test_bidirectional_gradients_with_list_outputs_and_states():
    x = sequences(2, 3, 2, "float64")
    both = layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode=None,
                                dtype="float64")
    both(x)
    check_all_gradients(both, x, lambda out: out[0] * out[1])
    states = layers.Bidirectional(layers.LSTM(2, return_state=True), dtype="float64")
    states(x)
    check_all_gradients(states, x, lambda out: keras.ops.concatenate(list(out), axis=-1))


def test_bidirectional_return_state_order_and_values():
    x = sequences()
    wrapper = layers.Bidirectional(layers.LSTM(3, return_state=True))
    results = wrapper(x)
    assert isinstance(results, list) and len(results) == 5
    out, forward_h, forward_c, backward_h, backward_c = results
    assert out.shape == (2, 6) and forward_c.shape == backward_c.shape == (2, 3)
    # The last output of each direction is its last h state.
    np.testing.assert_allclose(out.data[:, :3], forward_h.data, rtol=1e-6)
    np.testing.assert_allclose(out.data[:, 3:], backward_h.data, rtol=1e-6)
    _, h, c = wrapper.forward_layer(x)
    np.testing.assert_allclose(forward_c.data, c.data, rtol=1e-6)
    # GRU: one state per direction; merge_mode None puts the two outputs first.
    gru = layers.Bidirectional(layers.GRU(2, return_state=True, return_sequences=True),
                               merge_mode=None)
    forward_seq, backward_seq, forward_state, backward_state = gru(x)
    np.testing.assert_allclose(forward_seq.data[:, -1], forward_state.data, rtol=1e-6)
    np.testing.assert_allclose(backward_seq.data[:, 0], backward_state.data, rtol=1e-6)
    # In a functional model, as Keras returns them.
    inputs = keras.Input(shape=(4, 3))
    outputs = layers.Bidirectional(layers.LSTM(3, return_state=True))(inputs)
    assert [t.shape for t in outputs] == [(None, 6)] + [(None, 3)] * 4
    model = keras.Model(inputs, outputs)
    model.layers[-1].set_weights(wrapper.get_weights())
    for got, want in zip(model.predict(x, verbose=0), wrapper(x)):
        np.testing.assert_allclose(got, want.data, rtol=1e-6)


def test_bidirectional_initial_state_goes_forward_half_then_backward_half():
    x = sequences()
    wrapper = layers.Bidirectional(layers.LSTM(3))
    wrapper(x)
    states = [RNG.standard_normal((2, 3)).astype("float32") for _ in range(4)]
    out = wrapper(x, initial_state=states).data
    forward = wrapper.forward_layer(x, initial_state=states[:2]).data
    backward = wrapper.backward_layer(x, initial_state=states[2:]).data
    np.testing.assert_allclose(out, np.concatenate([forward, backward], -1), rtol=1e-6)
    assert not np.allclose(out, wrapper(x).data)
    with pytest.raises(ValueError, match="`initial_state` must hold the forward layer's states "
                                         "followed by the backward layer's.*holds 3"):
        wrapper(x, initial_state=states[:3])
    with pytest.raises(ValueError, match=r"initial_state\[1\] must have shape"):
        wrapper(x, initial_state=[states[0], np.zeros((2, 4), "float32")] * 2)


def post_and_pre_padded():
    """Sample 0 is padded at the end, sample 1 at the start; (x, mask, real lengths)."""
    x = sequences(2, 5, 3)
    mask = np.array([[True, True, True, False, False], [False, True, True, True, True]])
    x[~mask] = 0.0
    return x, mask


@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_masked_runs_agree_with_runs_on_the_real_steps(return_sequences):
    x, mask = post_and_pre_padded()
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=return_sequences))
    out = wrapper(x, mask=mask).data
    for i in range(2):
        alone = wrapper(np.ascontiguousarray(x[i:i + 1, mask[i]])).data[0]
        got = out[i, mask[i]] if return_sequences else out[i]
        np.testing.assert_allclose(got, alone, rtol=1e-5, atol=1e-6)
    if return_sequences:
        # As Keras: masked steps of returned sequences are zeros in both directions.
        np.testing.assert_array_equal(out[~mask], 0.0)
    # The padded steps matter without the mask.
    assert not np.allclose(wrapper(x).data[0], out[0], atol=1e-4)
    # The mask of a Masking layer reaches both directions inside a model, and the output keeps
    # it for the next layer when sequences are returned.
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.Masking(),
                              layers.Bidirectional(layers.LSTM(
                                  3, return_sequences=return_sequences))])
    model.layers[-1].set_weights(wrapper.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), out, rtol=1e-5, atol=1e-6)
    result = model(x)
    if return_sequences:
        np.testing.assert_array_equal(result._keras_mask, mask)
    else:
        assert getattr(result, "_keras_mask", None) is None


def test_bidirectional_text_classifier_on_padded_tokens():
    keras.utils.set_random_seed(0)
    tokens = keras.utils.pad_sequences([[3, 4, 5], [6, 7], [8, 9, 2, 1]], maxlen=5)
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(10, 4, mask_zero=True),
                              layers.Bidirectional(layers.LSTM(3)),
                              layers.Dense(1, activation="sigmoid")])
    padded = model.predict(tokens, verbose=0)
    for i, sequence in enumerate([[3, 4, 5], [6, 7], [8, 9, 2, 1]]):
        alone = model.predict(np.array([sequence]), verbose=0)
        np.testing.assert_allclose(padded[i], alone[0], rtol=1e-5, atol=1e-6)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(tokens, np.array([1, 0, 1]), epochs=1, verbose=0)


def test_bidirectional_keras_documented_models():
    model = keras.Sequential([
        keras.Input(shape=(5, 10)),
        layers.Bidirectional(layers.LSTM(10, return_sequences=True)),
        layers.Bidirectional(layers.LSTM(10)),
        layers.Dense(5, activation="softmax"),
    ])
    assert model.output_shape == (None, 5)
    # 4 gates * units * (inputs + units + 1) per direction.
    assert model.count_params() == 2 * 4 * 10 * 21 + 2 * 4 * 10 * 31 + 105
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    x = RNG.standard_normal((4, 5, 10)).astype("float32")
    model.fit(x, np.eye(5)[[0, 1, 2, 3]], epochs=1, verbose=0)

    forward_layer = layers.LSTM(10, return_sequences=True)
    backward_layer = layers.LSTM(10, activation="relu", return_sequences=True,
                                 go_backwards=True)
    custom = keras.Sequential([
        keras.Input(shape=(5, 10)),
        layers.Bidirectional(forward_layer, backward_layer=backward_layer),
        layers.Dense(5, activation="softmax"),
    ])
    wrapper = custom.layers[0]
    assert wrapper.backward_layer is backward_layer
    assert wrapper.forward_layer is not forward_layer  # a fresh copy, as Keras
    assert custom.output_shape == (None, 5, 5)


class MinimalRNNCell(layers.Layer):
    """The custom cell of Keras's RNN guide: output = x @ kernel + previous @ recurrent."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = keras.ops.matmul(inputs, self.kernel) + \
            keras.ops.matmul(states[0], self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_bidirectional_wraps_an_rnn_with_a_custom_cell():
    x = sequences(2, 3, 2)
    wrapper = layers.Bidirectional(layers.RNN(MinimalRNNCell(2), return_sequences=True),
                                   merge_mode="sum")
    out = wrapper(x).data
    kernel, recurrent = wrapper.backward_layer.get_weights()
    h, expected = np.zeros((2, 2), "float32"), []
    for t in (2, 1, 0):  # the backward direction by hand
        h = x[:, t] @ kernel + h @ recurrent
        expected.insert(0, h)
    forward = wrapper.forward_layer(x).data
    np.testing.assert_allclose(out, forward + np.stack(expected, 1), rtol=1e-5, atol=1e-6)
    config = json.loads(json.dumps(wrapper.get_config()))
    revived = layers.Bidirectional.from_config(
        config, custom_objects={"MinimalRNNCell": MinimalRNNCell})
    assert isinstance(revived.backward_layer.cell, MinimalRNNCell)


def test_bidirectional_weights_names_order_and_initial_weights():
    wrapper = layers.Bidirectional(layers.GRU(2, name="gru"))
    wrapper(sequences())
    assert wrapper.forward_layer.name == "forward_gru"
    assert wrapper.backward_layer.name == "backward_gru"
    assert not wrapper.forward_layer.go_backwards and wrapper.backward_layer.go_backwards
    toggled = layers.Bidirectional(layers.GRU(2, go_backwards=True))  # the opposite direction
    assert toggled.forward_layer.go_backwards and not toggled.backward_layer.go_backwards
    names = [w.path for w in wrapper.weights]
    assert names[:3] == ["forward_gru/gru_cell/kernel", "forward_gru/gru_cell/recurrent_kernel",
                         "forward_gru/gru_cell/bias"]
    assert names[3:] == [n.replace("forward", "backward") for n in names[:3]]
    assert wrapper.weights == wrapper.forward_layer.weights + wrapper.backward_layer.weights
    # `weights=` sets forward then backward weights once the layer is built.
    values = [RNG.standard_normal(w.shape).astype("float32") for w in wrapper.weights]
    given = layers.Bidirectional(layers.GRU(2), weights=values)
    given(sequences())
    for got, want in zip(given.get_weights(), values):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(given.forward_layer.get_weights()[0], values[0])
    np.testing.assert_array_equal(given.backward_layer.get_weights()[0], values[3])


def test_bidirectional_config_round_trip():
    wrapper = layers.Bidirectional(layers.LSTM(3, return_sequences=True, name="lstm"),
                                   merge_mode="ave", name="bi")
    config = wrapper.get_config()
    assert config["merge_mode"] == "ave" and config["name"] == "bi"
    assert config["layer"]["class_name"] == "LSTM"
    assert config["layer"]["config"]["name"] == "forward_lstm"
    assert config["backward_layer"]["config"]["name"] == "backward_lstm"
    assert config["backward_layer"]["config"]["go_backwards"] is True
    text = json.dumps(config)
    revived = layers.Bidirectional.from_config(json.loads(text))
    assert revived.get_config() == json.loads(text)
    again = layers.deserialize(json.loads(json.dumps(layers.serialize(wrapper))))
    assert type(again) is layers.Bidirectional and again.get_config() == config
    # A custom backward layer survives the round trip.
    custom = layers.Bidirectional(layers.SimpleRNN(2), merge_mode=None,
                                  backward_layer=layers.SimpleRNN(2, activation="relu",
                                                                  go_backwards=True))
    revived = layers.Bidirectional.from_config(json.loads(json.dumps(custom.get_config())))
    assert revived.merge_mode is None
    assert revived.backward_layer.activation is keras.activations.relu
    assert revived.forward_layer.activation is keras.activations.tanh


def test_bidirectional_stateful_carries_and_resets_both_directions():
    x = sequences(2, 3, 2)
    wrapper = layers.Bidirectional(layers.LSTM(2, stateful=True))
    model = keras.Sequential([keras.Input(shape=(3, 2), batch_size=2), wrapper])
    first = model.predict(x, batch_size=2, verbose=0)
    second = model.predict(x, batch_size=2, verbose=0)
    assert wrapper.stateful and len(wrapper.states) == 4
    assert not np.allclose(first[:, :2], second[:, :2], atol=1e-5)  # carried forward state
    assert not np.allclose(first[:, 2:], second[:, 2:], atol=1e-5)  # and backward state
    wrapper.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2, verbose=0), first, rtol=1e-6)
    with pytest.raises(AttributeError, match='"bi" is not stateful'):
        layers.Bidirectional(layers.LSTM(2), name="bi").reset_states()


def test_bidirectional_bad_input():
    with pytest.raises(ValueError, match="Bidirectional: `layer` must be a layer instance"):
        layers.Bidirectional("lstm")
    with pytest.raises(ValueError, match="`backward_layer` must be a layer instance"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=3)
    with pytest.raises(ValueError, match="invalid merge mode.*'max'"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="has no `go_backwards` attribute.*LSTM, GRU"):
        layers.Bidirectional(layers.Dense(2))
    with pytest.raises(ValueError, match="different `go_backwards` values"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match='same value for attribute "return_sequences"'):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(
            2, go_backwards=True, return_sequences=True))
    wrapper = layers.Bidirectional(layers.LSTM(2), name="bi")
    with pytest.raises(ValueError, match='layer "bi".*expected ndim=3, found ndim=2.*'
                                         r'x.reshape\(-1, 4, 1\)'):
        wrapper(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="stateful.*fixed batch size"):
        layers.Bidirectional(layers.LSTM(2, stateful=True))(keras.Input(shape=(3, 2)))


# -- TimeDistributed -----------------------------------------------------------------------------


def test_time_distributed_dense_equals_the_layer_on_each_step():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    dense = layers.Dense(5, activation="tanh")
    wrapper = layers.TimeDistributed(dense)
    out = wrapper(x)
    assert out.shape == (2, 3, 5) and out.dtype == np.float32
    for t in range(3):
        np.testing.assert_allclose(out.data[:, t], dense(x[:, t]).data, rtol=1e-6)
    assert wrapper.weights == dense.weights and len(wrapper.trainable_weights) == 2


def test_time_distributed_conv2d_over_frames():
    x = RNG.standard_normal((2, 3, 6, 6, 1)).astype("float32")
    conv = layers.Conv2D(2, 3)
    out = layers.TimeDistributed(conv)(x)
    assert out.shape == (2, 3, 4, 4, 2)
    for t in range(3):
        np.testing.assert_allclose(out.data[:, t], conv(x[:, t]).data, rtol=1e-5, atol=1e-6)
    # Keras's documented example: the shapes of a symbolic call with a fixed batch size.
    inputs = keras.Input(shape=(10, 128, 128, 3), batch_size=32)
    assert layers.TimeDistributed(layers.Conv2D(64, (3, 3)))(inputs).shape == \
        (32, 10, 126, 126, 64)


def test_time_distributed_layer_test_and_gradients():
    layer_test(layers.TimeDistributed, {"layer": layers.Dense(3)}, input_shape=(2, 3, 4),
               expected_output_shape=(2, 3, 3), expected_num_trainable_weights=2,
               supports_masking=True, run_gradient_check=False)
    # The harness's float64 copy would share the float32 Dense, so the gradients of the
    # input, kernel and bias are checked here on a float64 Dense.
    dense = layers.Dense(3, activation="sigmoid", dtype="float64")
    wrapper = layers.TimeDistributed(dense)
    x = RNG.standard_normal((2, 3, 4))
    wrapper(x)

    def fn(inputs, kernel, bias):
        saved = dense.kernel, dense.bias
        dense.kernel, dense.bias = kernel, bias
        try:
            return wrapper(inputs)
        finally:
            dense.kernel, dense.bias = saved

    check_grad(fn, x, dense.kernel.data, dense.bias.data)


def test_time_distributed_in_a_model_trains():
    keras.utils.set_random_seed(0)
    x = RNG.standard_normal((16, 4, 3)).astype("float32")
    y = x.sum(axis=-1, keepdims=True)
    model = keras.Sequential([keras.Input(shape=(4, 3)),
                              layers.TimeDistributed(layers.Dense(1))])
    assert model.output_shape == (None, 4, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]


class MaskRecorder(layers.Layer):
    """A per-step layer that records the mask it receives."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen = "not called"

    def call(self, inputs, mask=None):
        self.seen = mask
        return inputs * 2.0


def test_time_distributed_passes_masks_through_and_to_the_layer():
    tokens = np.array([[3, 5, 0], [2, 0, 0]])
    inner = MaskRecorder()
    after = MaskRecorder()
    model = keras.Sequential([layers.Embedding(10, 4, mask_zero=True),
                              layers.TimeDistributed(inner), after])
    out = model(tokens)
    # The wrapped layer sees the mask folded like its input, (batch * timesteps,).
    np.testing.assert_array_equal(inner.seen, (tokens != 0).reshape(-1))
    np.testing.assert_array_equal(after.seen, tokens != 0)
    np.testing.assert_array_equal(out._keras_mask, tokens != 0)
    # A layer whose call takes no mask (Dense) is simply called without one.
    dense_model = keras.Sequential([layers.Embedding(10, 4, mask_zero=True),
                                    layers.TimeDistributed(layers.Dense(2)), after])
    dense_model(tokens)
    np.testing.assert_array_equal(after.seen, tokens != 0)


def test_time_distributed_config_round_trip():
    wrapper = layers.TimeDistributed(layers.Dense(3, activation="relu", name="inner"),
                                     name="td")
    config = wrapper.get_config()
    assert config["name"] == "td" and config["layer"]["class_name"] == "Dense"
    assert config["layer"]["config"]["units"] == 3
    revived = layers.TimeDistributed.from_config(json.loads(json.dumps(config)))
    assert revived.get_config() == config
    again = layers.deserialize(json.loads(json.dumps(layers.serialize(wrapper))))
    assert type(again) is layers.TimeDistributed and again.layer.units == 3
    assert again.layer.activation is keras.activations.relu


def test_time_distributed_bad_input():
    with pytest.raises(ValueError, match="`layer` must be a layer instance.*received 3"):
        layers.TimeDistributed(3)
    wrapper = layers.TimeDistributed(layers.Dense(2), name="td")
    with pytest.raises(ValueError, match='"td" \\(TimeDistributed\\) expects inputs with at '
                                         'least 3 axes.*\\(4, 5\\)'):
        wrapper(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="at least 3 axes.*\\(None, 5\\)"):
        layers.TimeDistributed(layers.Dense(2))(keras.Input(shape=(5,)))
    # The wrapped layer's own checks apply to each step, at model definition.
    built = layers.TimeDistributed(layers.Dense(2))
    built(np.zeros((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        built(np.zeros((1, 2, 4), "float32"))
