"""Recurrent layers (layers/recurrent.py): cells, RNN, SimpleRNN, LSTM, GRU.

The layers run through the shared harness (shapes, weights, configs, gradients, models,
training); their values are checked against Keras's formulas written here in numpy; the fused
whole-sequence ops against the step-by-step cell loop; then masking, return_state,
go_backwards, stateful layers, dropout, configs (also as Keras writes them), bad input, and a
stacked LSTM that learns a noisy sine wave.
"""

import json

import numpy as np
import pytest
from scipy.special import expit as sigmoid

import minikeras as keras
from minikeras import layers, ops
from minikeras.backend import Tensor
from minikeras.layers import (GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell,
                              StackedRNNCells)
from minikeras.testing import check_grad, layer_test

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 5, 4)).astype("float32")
MASK = np.array([[True] * 5, [True, True, True, False, False], [False, True, True, False, True]])


def random_weights(layer, seed=0):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.standard_normal(w.shape).astype(w.dtype) * 0.5 for w in layer.weights])
    return layer.get_weights()


# -- numpy references from Keras's formulas --------------------------------------------------


def lstm_ref(x, kernel, recurrent_kernel, bias, h=None, c=None):
    units = recurrent_kernel.shape[0]
    h = np.zeros((len(x), units)) if h is None else h
    c = np.zeros((len(x), units)) if c is None else c
    outputs = []
    for t in range(x.shape[1]):
        i, f, g, o = np.split(x[:, t] @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c


def gru_ref(x, kernel, recurrent_kernel, bias, reset_after=True):
    units = recurrent_kernel.shape[0]
    h = np.zeros((len(x), units))
    outputs = []
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    for t in range(x.shape[1]):
        xz, xr, xh = np.split(x[:, t] @ kernel + b_in, 3, axis=-1)
        rz, rr, rh = np.split(h @ recurrent_kernel + b_rec, 3, axis=-1)
        z, r = sigmoid(xz + rz), sigmoid(xr + rr)
        if reset_after:
            candidate = np.tanh(xh + r * rh)
        else:
            candidate = np.tanh(xh + (r * h) @ recurrent_kernel[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1)


def simple_ref(x, kernel, recurrent_kernel, bias):
    h = np.zeros((len(x), recurrent_kernel.shape[0]))
    outputs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        outputs.append(h)
    return np.stack(outputs, axis=1)


class LoopLSTMCell(LSTMCell):
    """The same cell with its own call: RNN runs it step by step instead of the fused op."""

    def call(self, inputs, states, training=None):
        return super().call(inputs, states, training=training)


class LoopGRUCell(GRUCell):
    def call(self, inputs, states, training=None):
        return super().call(inputs, states, training=training)


class LoopSimpleRNNCell(SimpleRNNCell):
    def call(self, inputs, states, training=None):
        return super().call(inputs, states, training=training)


class MinimalRNNCell(layers.Layer):
    """The user cell of Keras's RNN documentation, written with keras.ops."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


# -- the shared harness --------------------------------------------------------------------


@pytest.mark.parametrize("cls,kwargs,shape,weights", [
    (SimpleRNN, {"units": 3}, (3, 3), 3),
    (LSTM, {"units": 3}, (3, 3), 3),
    (GRU, {"units": 3}, (3, 3), 3),
    (LSTM, {"units": 2, "return_sequences": True, "go_backwards": True}, (3, 5, 2), 3),
    (GRU, {"units": 2, "reset_after": False, "return_sequences": True}, (3, 5, 2), 3),
    (SimpleRNN, {"units": 2, "use_bias": False, "activation": "relu"}, (3, 2), 2),
    (LSTM, {"units": 2, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, (3, 2),
     3),
])
def test_layer_harness(cls, kwargs, shape, weights):
    layer_test(cls, kwargs, input_shape=(3, 5, 4), expected_output_shape=shape,
               expected_num_trainable_weights=weights, expected_num_non_trainable_weights=0,
               supports_masking=True)


# -- weights as Keras lays them out ------------------------------------------------------------


def test_weight_shapes_names_and_order_are_keras():
    lstm, gru, old_gru, simple = LSTM(5), GRU(5), GRU(5, reset_after=False), SimpleRNN(5)
    for layer in (lstm, gru, old_gru, simple):
        layer(X)
        assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [w.shape for w in lstm.weights] == [(4, 20), (5, 20), (20,)]
    assert [w.shape for w in gru.weights] == [(4, 15), (5, 15), (2, 15)]
    assert [w.shape for w in old_gru.weights] == [(4, 15), (5, 15), (15,)]
    assert [w.shape for w in simple.weights] == [(4, 5), (5, 5), (5,)]
    assert lstm.weights[0].path == f"{lstm.name}/lstm_cell/kernel"
    assert lstm.cell.kernel is lstm.weights[0] and lstm.cell.name == "lstm_cell"


def test_unit_forget_bias_starts_the_forget_gate_at_one_and_recurrent_kernel_is_orthogonal():
    layer = LSTM(3)
    layer(X)
    np.testing.assert_array_equal(layer.cell.bias.data, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    no_forget = LSTM(3, unit_forget_bias=False, bias_initializer="ones")
    no_forget(X)
    np.testing.assert_array_equal(no_forget.cell.bias.data, np.ones(12))
    r = layer.cell.recurrent_kernel.data  # (3, 12): orthonormal rows
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-5)


# -- values ----------------------------------------------------------------------------------


def test_lstm_values_follow_keras_gate_order():
    layer = LSTM(3, return_sequences=True, return_state=True)
    layer(X)
    kernel, recurrent_kernel, bias = random_weights(layer)
    out, h, c = layer(X)
    ref, ref_h, ref_c = lstm_ref(X.astype(np.float64), kernel, recurrent_kernel, bias)
    np.testing.assert_allclose(out.data, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.data, ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.data, ref_c, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_values_follow_keras_formulas(reset_after):
    layer = GRU(3, return_sequences=True, reset_after=reset_after)
    layer(X)
    weights = random_weights(layer)
    np.testing.assert_allclose(layer(X).data, gru_ref(X.astype(np.float64), *weights,
                                                      reset_after=reset_after),
                               rtol=1e-5, atol=1e-6)


def test_simple_rnn_values():
    layer = SimpleRNN(3, return_sequences=True)
    layer(X)
    weights = random_weights(layer)
    np.testing.assert_allclose(layer(X).data, simple_ref(X.astype(np.float64), *weights),
                               rtol=1e-5, atol=1e-6)


# -- the fused op against the step loop ---------------------------------------------------------


def _values_and_grads(layer, x, initial_state, mask):
    x = Tensor(x, requires_grad=True)
    states = [Tensor(s, requires_grad=True) for s in initial_state]
    out = layer(x, initial_state=states, mask=mask)
    outputs = out if isinstance(out, list) else [out]
    total = None
    for k, o in enumerate(outputs):
        term = (o * (k + 1.5)).sum()
        total = term if total is None else total + term
    total.backward()
    return ([o.data for o in outputs], [x.grad] + [s.grad for s in states] +
            [w.grad for w in layer.weights])


@pytest.mark.parametrize("fused,loop,n_states", [
    (LSTMCell, LoopLSTMCell, 2), (GRUCell, LoopGRUCell, 1),
    (SimpleRNNCell, LoopSimpleRNNCell, 1)])
@pytest.mark.parametrize("options", [
    {}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True},
    {"return_state": True, "go_backwards": True}])
@pytest.mark.parametrize("mask", [None, MASK], ids=["unmasked", "masked"])
def test_fused_op_and_step_loop_agree_in_values_and_gradients(fused, loop, n_states, options,
                                                              mask):
    x = X.astype(np.float64)
    states = [RNG.standard_normal((3, 2)) for _ in range(n_states)]
    a = RNN(fused(2, dtype="float64"), dtype="float64", **options)
    b = RNN(loop(2, dtype="float64"), dtype="float64", **options)
    a(x), b(x)
    b.set_weights(random_weights(a))
    values_a, grads_a = _values_and_grads(a, x, states, mask)
    values_b, grads_b = _values_and_grads(b, x, states, mask)
    for got, want in zip(values_a + grads_a, values_b + grads_b):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


# -- gradients through time --------------------------------------------------------------------


@pytest.mark.parametrize("cell", [
    lambda: SimpleRNNCell(2, dtype="float64"), lambda: LSTMCell(2, dtype="float64"),
    lambda: GRUCell(2, dtype="float64"), lambda: GRUCell(2, reset_after=False, dtype="float64")])
def test_cells_one_step_gradients(cell):
    cell = cell()
    x = RNG.standard_normal((3, 4))
    states = [RNG.standard_normal((3, 2)) for _ in cell.get_initial_state(3)]
    cell(x, states)
    random_weights(cell)
    owners = ["kernel", "recurrent_kernel", "bias"]

    def fn(x, *args):
        saved = [getattr(cell, n) for n in owners]
        for n, v in zip(owners, args[len(states):]):
            setattr(cell, n, v)
        try:
            out, new = cell(x, list(args[:len(states)]))
        finally:
            for n, v in zip(owners, saved):
                setattr(cell, n, v)
        return out + new[-1] * 0.5
    check_grad(fn, x, *states, *[w.data for w in cell.weights])


@pytest.mark.parametrize("cls,n_states", [(LSTM, 2), (GRU, 1), (SimpleRNN, 1),
                                          (lambda *a, **k: RNN(LoopLSTMCell(*a, **k), **k), 2),
                                          (lambda *a, **k: RNN(MinimalRNNCell(*a, **k), **k),
                                           1)])
def test_layer_gradients_through_time_include_the_initial_state(cls, n_states):
    layer = cls(2, dtype="float64")
    x = RNG.standard_normal((2, 4, 3))
    layer(x)
    cell = layer.cell
    names = [n for n in ("kernel", "recurrent_kernel", "bias") if getattr(cell, n, None)
             is not None]
    states = [RNG.standard_normal((2, 2)) for _ in range(n_states)]
    mask = np.array([[True, True, False, True], [True, False, True, True]])

    def fn(x, *args):
        saved = [getattr(cell, n) for n in names]
        for n, v in zip(names, args[n_states:]):
            setattr(cell, n, v)
        try:
            return layer(x, initial_state=list(args[:n_states]), mask=mask)
        finally:
            for n, v in zip(names, saved):
                setattr(cell, n, v)
    check_grad(fn, x, *states, *[getattr(cell, n).data for n in names])


# -- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda: LSTM(3, return_sequences=True),
                                  lambda: GRU(3, return_sequences=True),
                                  lambda: RNN(LoopLSTMCell(3), return_sequences=True),
                                  lambda: RNN(MinimalRNNCell(3), return_sequences=True)])
def test_masked_steps_carry_state_and_real_steps_match_unpadded_runs(make):
    tokens = np.array([[4, 7, 2, 0, 0], [3, 0, 0, 0, 0], [5, 6, 1, 8, 9]])
    embedding = layers.Embedding(10, 4, mask_zero=True)
    layer = make()
    out = layer(embedding(tokens))
    np.testing.assert_array_equal(out._keras_mask, tokens != 0)
    vectors = embedding(tokens).data
    for row, length in enumerate([3, 1, 5]):
        alone = layer(vectors[row:row + 1, :length]).data[0]
        np.testing.assert_allclose(out.data[row, :length], alone, rtol=1e-6, atol=1e-7)
        for t in range(length, 5):  # masked steps repeat the last real output
            np.testing.assert_array_equal(out.data[row, t], out.data[row, length - 1])


def test_mask_flows_from_embedding_to_an_lstm_text_classifier():
    tokens = np.array([[4, 7, 2, 0, 0], [3, 9, 0, 0, 0]])
    model = keras.Sequential([layers.Embedding(10, 4, mask_zero=True), LSTM(3),
                              layers.Dense(1, activation="sigmoid")])
    padded = model(tokens).data
    longer = model(np.concatenate([tokens, np.zeros((2, 3), int)], axis=1)).data
    np.testing.assert_allclose(padded, longer, rtol=1e-6)


def test_a_first_masked_step_gives_the_initial_state_and_zero_output_for_mask_gives_zeros():
    x = X[:1]
    mask = np.array([[False, True, True, False, True]])
    h0, c0 = RNG.standard_normal((1, 3)), RNG.standard_normal((1, 3))
    out = LSTM(3, return_sequences=True)(x, initial_state=[h0, c0], mask=mask).data
    np.testing.assert_allclose(out[0, 0], h0[0], rtol=1e-6)
    zeroed = LSTM(3, return_sequences=True, zero_output_for_mask=True)(x, mask=mask).data
    np.testing.assert_array_equal(zeroed[0, [0, 3]], 0)
    assert np.all(zeroed[0, [1, 2, 4]] != 0)


# -- return_state, go_backwards, unroll, stacking, functional models --------------------------


@pytest.mark.parametrize("cls,n_states", [(LSTM, 2), (GRU, 1), (SimpleRNN, 1)])
def test_return_state_gives_the_last_output_as_state(cls, n_states):
    out, *states = cls(3, return_state=True)(X)
    assert len(states) == n_states
    np.testing.assert_array_equal(states[0].data, out.data)  # h == last output
    seq, *states = cls(3, return_sequences=True, return_state=True)(X)
    np.testing.assert_array_equal(states[0].data, seq.data[:, -1])
    if cls is LSTM:
        assert states[1].shape == (3, 3)


def test_go_backwards_reads_the_sequence_reversed_and_returns_outputs_in_that_order():
    forward, backward = LSTM(3, return_sequences=True), LSTM(3, return_sequences=True,
                                                             go_backwards=True)
    forward(X)
    backward(X)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(backward(X).data, forward(X[:, ::-1]).data, rtol=1e-6)


def test_unroll_is_accepted_and_changes_nothing():
    a, b = GRU(3, unroll=True), GRU(3)
    a(X), b(X)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(X).data, b(X).data)
    assert a.get_config()["unroll"] is True


def test_stacked_cells_equal_stacked_layers():
    stacked = RNN([LSTMCell(4), GRUCell(3)], return_sequences=True, return_state=True)
    out, lstm_states, gru_state = stacked(X)
    assert [s.shape for s in lstm_states] == [(3, 4), (3, 4)] and gru_state.shape == (3, 3)
    first, second = LSTM(4, return_sequences=True), GRU(3, return_sequences=True)
    second(first(X))
    weights = stacked.get_weights()
    first.set_weights(weights[:3])
    second.set_weights(weights[3:])
    np.testing.assert_allclose(out.data, second(first(X)).data, rtol=1e-5, atol=1e-6)
    assert isinstance(stacked.cell, StackedRNNCells)
    assert stacked.cell.state_size == [[4, 4], 3] and stacked.cell.output_size == 3


def test_a_user_cell_in_a_functional_model():
    inputs = keras.Input((None, 5))
    outputs = RNN([MinimalRNNCell(8), MinimalRNNCell(4)])(inputs)
    assert outputs.shape == (None, 4)
    model = keras.Model(inputs, outputs)
    assert model.predict(RNG.standard_normal((2, 6, 5)), verbose=0).shape == (2, 4)


def test_initial_state_in_a_functional_model():
    inputs, h, c = keras.Input((5, 4)), keras.Input((3,)), keras.Input((3,))
    layer = LSTM(3)
    model = keras.Model([inputs, h, c], layer(inputs, initial_state=[h, c]))
    h0, c0 = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    ref, _, _ = lstm_ref(X.astype(np.float64), *layer.get_weights(), h0, c0)
    np.testing.assert_allclose(model.predict([X, h0, c0], verbose=0), ref[:, -1], rtol=1e-5,
                               atol=1e-6)


# -- stateful ----------------------------------------------------------------------------------


def test_stateful_layers_carry_state_across_batches_and_reset():
    model = keras.Sequential([keras.Input((5, 4), batch_size=3), LSTM(3, stateful=True)])
    whole = LSTM(3)
    whole(X)
    whole.set_weights(model.get_weights())
    long = np.concatenate([X, X[:, ::-1]], axis=1)
    first = model(X).data
    second = model(X[:, ::-1]).data  # continues where the first batch ended
    np.testing.assert_allclose(second, whole(long).data, rtol=1e-5, atol=1e-6)
    model.layers[0].reset_states()
    np.testing.assert_allclose(model(X).data, first, rtol=1e-6)
    np.testing.assert_array_equal(model.layers[0].states[0].data, first)  # h after the batch
    model.layers[0].reset_states([np.ones((3, 3)), np.zeros((3, 3))])
    np.testing.assert_array_equal(model.layers[0].states[0].data, np.ones((3, 3)))


def test_stateful_training_through_fit():
    model = keras.Sequential([GRU(2, stateful=True, batch_input_shape=(3, 5, 4)),
                              layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(X, np.zeros((3, 1)), batch_size=3, epochs=2, shuffle=False, verbose=0)
    assert np.any(model.layers[0].states[0].data != 0)


def test_predict_continues_the_kept_states_of_a_stateful_model():
    model = keras.Sequential([LSTM(2, stateful=True, batch_input_shape=(3, 5, 4))])
    first = model.predict(X, batch_size=3, verbose=0)
    second = model.predict(X, batch_size=3, verbose=0)  # starts from the states first left
    model.layers[0].reset_states()
    again = model.predict(X, batch_size=3, verbose=0)
    fresh = keras.Sequential([LSTM(2, batch_input_shape=(3, 5, 4))])
    fresh.set_weights(model.get_weights())
    np.testing.assert_allclose(first, fresh.predict(X, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(again, first, rtol=1e-6)
    assert not np.allclose(second, first)


def test_stateful_errors_without_a_fixed_or_with_a_changing_batch_size():
    with pytest.raises(ValueError, match=r'"lstm(_\d+)?" is stateful .* needs a fixed batch size.*'
                                         r"batch_size=32"):
        LSTM(3, stateful=True)(keras.Input((5, 4)))
    layer = LSTM(3, stateful=True)
    layer(X)
    with pytest.raises(ValueError, match=r"keeps states for batches of 3 samples, but received "
                                         r"a batch of 2"):
        layer(X[:2])


# -- dropout ---------------------------------------------------------------------------------


def loop_lstm(units, return_sequences=False, **cell_kwargs):
    """An LSTM that runs the step loop (its cell draws one dropout mask per gate)."""
    return RNN(LoopLSTMCell(units, **cell_kwargs), return_sequences=return_sequences)


def loop_gru(units, return_sequences=False, **cell_kwargs):
    return RNN(LoopGRUCell(units, **cell_kwargs), return_sequences=return_sequences)


@pytest.mark.parametrize("cls", [LSTM, GRU, SimpleRNN, loop_lstm, loop_gru])
@pytest.mark.parametrize("rates", [{"dropout": 0.5}, {"recurrent_dropout": 0.5},
                                   {"dropout": 0.3, "recurrent_dropout": 0.3}])
def test_dropout_only_in_training(cls, rates):
    plain, dropped = cls(3, return_sequences=True), cls(3, return_sequences=True, seed=1, **rates)
    plain(X), dropped(X)
    dropped.set_weights(plain.get_weights())
    reference = plain(X).data
    np.testing.assert_array_equal(dropped(X).data, reference)
    np.testing.assert_array_equal(dropped(X, training=False).data, reference)
    trained = dropped(X, training=True)
    assert not np.allclose(trained.data, reference)
    trained.sum().backward()  # the dropout path is differentiable
    assert all(w.grad is not None for w in dropped.weights)


def test_input_dropout_uses_one_mask_for_every_step():
    layer = SimpleRNN(2, dropout=0.5, seed=3, activation="linear", use_bias=False,
                      recurrent_initializer="zeros", return_sequences=True)
    x = np.ones((4, 6, 5), "float32")
    out = layer(x, training=True).data
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], 6, axis=1))


# -- configs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", [
    LSTM(4, dropout=0.2, recurrent_dropout=0.1, return_sequences=True, stateful=False,
         unit_forget_bias=False, kernel_regularizer="l2", seed=3),
    GRU(4, reset_after=False, go_backwards=True, recurrent_activation="hard_sigmoid"),
    SimpleRNN(4, activation="relu", return_state=True, zero_output_for_mask=True),
    RNN(LSTMCell(4), return_sequences=True),
    RNN([LSTMCell(4), GRUCell(3)]),
    LSTMCell(4, recurrent_dropout=0.2), GRUCell(4, reset_after=False), SimpleRNNCell(4),
    StackedRNNCells([SimpleRNNCell(2), LSTMCell(3)]),
])
def test_configs_round_trip(layer):
    config = json.loads(json.dumps(layer.get_config()))
    assert type(layer).from_config(config).get_config() == config
    again = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert type(again) is type(layer) and again.get_config() == config


def test_a_config_as_keras_writes_it_loads():
    dtype = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": None}
    init = {"module": "keras.initializers", "class_name": "Orthogonal",
            "config": {"seed": None, "gain": 1.0}, "registered_name": None}
    keras_lstm = {
        "module": "keras.layers", "class_name": "LSTM", "registered_name": None,
        "build_config": {"input_shape": [None, 10, 8]},
        "config": {
            "name": "lstm", "trainable": True, "dtype": dtype, "return_sequences": True,
            "return_state": False, "go_backwards": False, "stateful": False, "unroll": False,
            "zero_output_for_mask": False, "units": 32, "activation": "tanh",
            "recurrent_activation": "sigmoid", "use_bias": True,
            "kernel_initializer": {"module": "keras.initializers", "class_name":
                                   "GlorotUniform", "config": {"seed": None},
                                   "registered_name": None},
            "recurrent_initializer": init,
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                 "config": {}, "registered_name": None},
            "unit_forget_bias": True, "kernel_regularizer": None,
            "recurrent_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None,
            "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0,
            "recurrent_dropout": 0.0, "seed": None}}
    layer = layers.deserialize(keras_lstm)
    assert isinstance(layer, LSTM) and layer.units == 32 and layer.return_sequences
    assert layer.built and [w.shape for w in layer.weights] == [(8, 128), (32, 128), (128,)]
    keras_rnn = {"module": "keras.layers", "class_name": "RNN", "registered_name": None,
                 "config": {"name": "rnn", "trainable": True, "dtype": dtype,
                            "return_sequences": False, "return_state": False,
                            "go_backwards": False, "stateful": False, "unroll": False,
                            "zero_output_for_mask": False,
                            "cell": {"module": "keras.layers", "class_name": "GRUCell",
                                     "registered_name": None,
                                     "config": {"name": "gru_cell", "trainable": True,
                                                "dtype": dtype, "units": 6,
                                                "reset_after": True, "seed": None}}}}
    rnn = layers.deserialize(keras_rnn)
    assert isinstance(rnn.cell, GRUCell) and rnn.cell.units == 6
    assert rnn(X).shape == (3, 6)


def test_layer_attributes_read_the_cell():
    layer = GRU(4, dropout=0.25, reset_after=False, recurrent_activation="relu")
    assert (layer.units, layer.dropout, layer.reset_after) == (4, 0.25, False)
    assert layer.recurrent_activation is keras.activations.relu
    assert LSTM(2).unit_forget_bias is True


# -- bad input -------------------------------------------------------------------------------


def test_a_2d_input_says_how_to_add_the_features_axis():
    with pytest.raises(ValueError, match=r'layer "lstm(_\d+)?".*expected ndim=3, found ndim=2.*'
                                         r"\(batch, timesteps, features\).*"
                                         r"x.reshape\(-1, 10, 1\) or x = x\[:, :, None\]"):
        LSTM(3)(np.zeros((4, 10), "float32"))
    with pytest.raises(ValueError, match=r"Input\(shape=\(10, 1\)\)"):
        keras.Sequential([keras.Input((10,)), GRU(3)])


def test_a_wrong_initial_state_names_the_layer():
    with pytest.raises(ValueError, match=r'"lstm(_\d+)?" expects 2 initial state tensor\(s\).*'
                                         r"has 1"):
        LSTM(3)(X, initial_state=[np.zeros((3, 3))])
    with pytest.raises(ValueError, match=r'"gru(_\d+)?": initial_state\[0\] must have shape '
                                         r"\(batch_size, 3\) = \(3, 3\), but received shape "
                                         r"\(3, 4\)"):
        GRU(3)(X, initial_state=np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"initial_state\[1\] must have shape"):
        LSTM(3)(keras.Input((5, 4)), initial_state=[keras.Input((3,)), keras.Input((2,))])


def test_bad_arguments():
    with pytest.raises(ValueError, match="invalid value for argument `units`"):
        LSTM(0)
    with pytest.raises(ValueError, match="use_cudnn"):
        GRU(3, use_cudnn="yes")
    with pytest.raises(TypeError, match="time_major"):
        LSTM(3, time_major=True)
    with pytest.raises(ValueError, match="a cell must have a `call"):
        RNN(object())
    with pytest.raises(ValueError, match=r"the mask must have shape \(batch, timesteps\)"):
        LSTM(3)(X, mask=np.ones((3, 4), bool))


# -- learning --------------------------------------------------------------------------------


def test_a_stacked_lstm_forecasts_a_noisy_sine_better_than_the_last_value():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    series = (np.sin(np.arange(700) * 0.2) + rng.normal(0, 0.1, 700)).astype("float32")
    window = 12
    x = np.stack([series[i:i + window] for i in range(len(series) - window)])[:, :, None]
    y = series[window:, None]
    x_train, y_train, x_val, y_val = x[:520], y[:520], x[520:], y[520:]
    model = keras.Sequential([keras.Input((window, 1)), LSTM(16, return_sequences=True),
                              LSTM(8), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(x_train, y_train, batch_size=32, epochs=8, verbose=0)
    val_mse = model.evaluate(x_val, y_val, verbose=0)
    naive_mse = float(np.mean((x_val[:, -1, 0] - y_val[:, 0]) ** 2))
    print(f"noisy sine: validation MSE {val_mse:.4f}, last-value baseline {naive_mse:.4f}")
    assert val_mse < 0.5 * naive_mse
