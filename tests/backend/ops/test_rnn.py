"""Recurrent ops (backend/ops/rnn.py): the fused SimpleRNN, LSTM and GRU loops, and unstack.

Each loop is checked against a step-by-step numpy reference written here from the textbook
formulas with Keras's weight layout (LSTM gates i, f, c, o; GRU z, r, h, reset_after), with and
without a mask, forwards and backwards, returning the sequence or the last output; then
backpropagation through time against central differences for every input (sequences, initial
states, kernels, biases), and the bad-input errors.
"""

import numpy as np
import pytest
from scipy.special import expit as sigmoid

from minikeras.backend import Tensor
from minikeras.backend.ops import rnn
from minikeras.testing import check_grad

B, T, D, U = 2, 4, 3, 2
MASK = np.array([[True, True, False, True], [False, True, True, False]])


def reference(step, x, states, mask=None, go_backwards=False):
    """Run `step(x_t, states) -> states` over time; masked steps keep the states. Returns the
    outputs in processing order (the first state after each step) and the last states."""
    outputs = []
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    for t in order:
        new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t:t + 1]
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        outputs.append(states[0])
    return np.stack(outputs, axis=1), states


def lstm_step(kernel, recurrent_kernel, bias, drop=1):
    def step(x, states):
        h, c = states
        z = x @ kernel + (h * drop) @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        return [sigmoid(o) * np.tanh(c), c]
    return step


def gru_step(kernel, recurrent_kernel, bias, drop=1):
    def step(x, states):
        h, = states
        xz, xr, xh = np.split(x @ kernel + bias[0], 3, axis=-1)
        hz, hr, hh = np.split((h * drop) @ recurrent_kernel + bias[1], 3, axis=-1)
        z, r = sigmoid(xz + hz), sigmoid(xr + hr)
        candidate = np.tanh(xh + r * hh)
        return [z * h + (1 - z) * candidate]
    return step


def simple_step(kernel, recurrent_kernel, bias, drop=1):
    def step(x, states):
        return [np.tanh(x @ kernel + (states[0] * drop) @ recurrent_kernel + bias)]
    return step


def arrays(gates, n_states=1, bias_shape=None, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, T, D))
    states = [rng.standard_normal((B, U)) * 0.5 for _ in range(n_states)]
    kernel = rng.standard_normal((D, gates * U)) * 0.7
    recurrent_kernel = rng.standard_normal((U, gates * U)) * 0.7
    bias = rng.standard_normal(bias_shape or (gates * U,)) * 0.3
    return [a.astype(dtype) for a in [x, *states, kernel, recurrent_kernel, bias]]


OPS = {
    "lstm": (rnn.lstm, lstm_step, 4, 2, None),
    "gru": (rnn.gru, gru_step, 3, 1, (2, 3 * U)),
    "simple_rnn": (rnn.simple_rnn, simple_step, 1, 1, None),
}


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("mask", [None, MASK], ids=["unmasked", "masked"])
@pytest.mark.parametrize("go_backwards", [False, True], ids=["forwards", "backwards"])
def test_values_match_the_step_by_step_reference(name, mask, go_backwards):
    op, step, gates, n_states, bias_shape = OPS[name]
    x, *rest = arrays(gates, n_states, bias_shape)
    states, (kernel, recurrent_kernel, bias) = rest[:n_states], rest[n_states:]
    expected, last = reference(step(kernel, recurrent_kernel, bias), x, states, mask,
                               go_backwards)
    for return_sequences in (True, False):
        out, *final = op(x, *states, kernel, recurrent_kernel, bias, mask=mask,
                         go_backwards=go_backwards, return_sequences=return_sequences)
        np.testing.assert_allclose(out.data, expected if return_sequences else expected[:, -1],
                                   rtol=1e-12, atol=1e-12)
        for got, want in zip(final, last):
            np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("mask", [None, MASK], ids=["unmasked", "masked"])
@pytest.mark.parametrize("go_backwards", [False, True], ids=["forwards", "backwards"])
@pytest.mark.parametrize("return_sequences", [True, False], ids=["sequences", "last"])
def test_gradients_through_time_match_central_differences(name, mask, go_backwards,
                                                          return_sequences):
    op, _, gates, n_states, bias_shape = OPS[name]
    inputs = arrays(gates, n_states, bias_shape, seed=1)
    weights = np.random.default_rng(2).standard_normal(n_states + 1)

    def fn(*args):
        outputs = op(*args, mask=mask, go_backwards=go_backwards,
                     return_sequences=return_sequences)
        # Every output (the sequence or last output, and each final state) takes part.
        total = outputs[0].sum() * weights[0]
        for w, s in zip(weights[1:], outputs[1:]):
            total = total + (s * s).sum() * w
        return total
    check_grad(fn, *inputs)


@pytest.mark.parametrize("name", OPS)
def test_a_recurrent_dropout_mask_multiplies_h_in_the_recurrent_product_only(name):
    op, step, gates, n_states, bias_shape = OPS[name]
    x, *rest = arrays(gates, n_states, bias_shape, seed=8)
    states, weights = rest[:n_states], rest[n_states:]
    drop = np.random.default_rng(9).integers(0, 2, (B, U)) * 2.0  # rate 0.5: 0 or 2
    expected, last = reference(step(*weights, drop=drop), x, states, MASK)
    out, *final = op(x, *states, *weights, mask=MASK, return_sequences=True,
                     recurrent_mask=drop)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    for got, want in zip(final, last):
        np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)
    check_grad(lambda *a: op(*a, mask=MASK, go_backwards=True, return_sequences=True,
                             recurrent_mask=drop)[0], x, *states, *weights)
    with pytest.raises(ValueError, match=r"recurrent dropout mask must have shape \(2, 2\)"):
        op(x, *states, *weights, recurrent_mask=drop[:, :1])


def test_gradients_without_bias_and_with_a_single_output_used():
    x, h, c, kernel, recurrent_kernel, _ = arrays(4, 2, seed=3)
    check_grad(lambda *a: rnn.lstm(*a, return_sequences=True)[0], x, h, c, kernel,
               recurrent_kernel)
    check_grad(lambda *a: rnn.lstm(*a)[2], x, h, c, kernel, recurrent_kernel)  # only c
    x, h, kernel, recurrent_kernel, _ = arrays(3, 1, (2, 3 * U), seed=4)
    check_grad(lambda *a: rnn.gru(*a)[1], x, h, kernel, recurrent_kernel)


@pytest.mark.parametrize("activation,recurrent_activation",
                         [("relu", "hard_sigmoid"), ("linear", "sigmoid"), ("sigmoid", "relu")])
def test_other_fused_activations_have_correct_gradients(activation, recurrent_activation):
    inputs = arrays(4, 2, seed=5)
    check_grad(lambda *a: rnn.lstm(*a, mask=MASK, return_sequences=True, activation=activation,
                                   recurrent_activation=recurrent_activation)[0], *inputs)
    inputs = arrays(3, 1, (2, 3 * U), seed=6)
    check_grad(lambda *a: rnn.gru(*a, return_sequences=True, activation=activation,
                                  recurrent_activation=recurrent_activation)[0], *inputs)
    inputs = arrays(1, 1, seed=7)
    check_grad(lambda *a: rnn.simple_rnn(*a, mask=MASK, return_sequences=True,
                                         activation=activation)[0], *inputs)


def test_a_fully_masked_sequence_keeps_its_initial_state():
    x, h, c, kernel, recurrent_kernel, bias = arrays(4, 2)
    mask = np.array([[False] * T, [True] * T])
    out, h_last, c_last = rnn.lstm(x, h, c, kernel, recurrent_kernel, bias, mask=mask,
                                   return_sequences=True)
    np.testing.assert_array_equal(out.data[0], np.tile(h[0], (T, 1)))
    np.testing.assert_array_equal(h_last.data[0], h[0])
    np.testing.assert_array_equal(c_last.data[0], c[0])


def test_float32_stays_float32_and_saturated_gates_raise_no_warning():
    x, h, c, kernel, recurrent_kernel, bias = arrays(4, 2, dtype=np.float32)
    x = x * np.float32(1000)  # pre-activations far beyond exp's float32 range
    out, h_last, c_last = rnn.lstm(x, h, c, kernel, recurrent_kernel, bias,
                                   return_sequences=True)
    assert out.dtype == h_last.dtype == c_last.dtype == np.float32
    assert np.all(np.isfinite(out.data)) and np.all(np.abs(out.data) <= 1)
    weights = [a.astype(np.float64) for a in (kernel, recurrent_kernel, bias)]
    ref, _ = reference(lstm_step(*weights), x.astype(np.float64),
                       [h.astype(np.float64), c.astype(np.float64)])
    np.testing.assert_allclose(out.data, ref, rtol=1e-5, atol=1e-6)


def test_inputs_that_need_no_gradient_get_none():
    x, h, c, kernel, recurrent_kernel, bias = arrays(4, 2)
    weights = [Tensor(a, requires_grad=True) for a in (kernel, recurrent_kernel, bias)]
    out, _, _ = rnn.lstm(x, h, c, *weights)
    out.sum().backward()
    assert all(w.grad is not None and w.grad.shape == w.shape for w in weights)


def test_unstack_values_and_gradient():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    parts = rnn.unstack(x, axis=1)
    assert len(parts) == 3
    for k, p in enumerate(parts):
        np.testing.assert_array_equal(p.data, x[:, k])
    # Slices that are not used get a zero gradient.
    check_grad(lambda a: rnn.unstack(a, axis=1)[0] * 2 + rnn.unstack(a, axis=1)[2], x)
    check_grad(lambda a: rnn.unstack(a, axis=-1)[3], x)
    with pytest.raises(ValueError, match="unstack: axis 3 is out of range"):
        rnn.unstack(x, axis=3)


def test_bad_inputs_name_the_op_and_the_expected_shapes():
    x, h, c, kernel, recurrent_kernel, bias = arrays(4, 2)
    with pytest.raises(ValueError, match=r"lstm: inputs must have shape \(batch, timesteps"):
        rnn.lstm(x[:, 0], h, c, kernel, recurrent_kernel)
    with pytest.raises(ValueError, match=r"lstm: .*kernel must have shape \(3, 4 \* units\)"):
        rnn.lstm(x, h, c, kernel[:, :6], recurrent_kernel)
    with pytest.raises(ValueError, match=r"lstm: state 1 must have shape \(2, 2\)"):
        rnn.lstm(x, h, c[:, :1], kernel, recurrent_kernel)
    with pytest.raises(ValueError, match=r"lstm: the bias must have shape \(8,\)"):
        rnn.lstm(x, h, c, kernel, recurrent_kernel, bias[:4])
    with pytest.raises(ValueError, match=r"the mask must be a boolean array of shape \(2, 4\)"):
        rnn.lstm(x, h, c, kernel, recurrent_kernel, mask=MASK.astype(int))
    with pytest.raises(ValueError, match="activations must be among"):
        rnn.simple_rnn(x, h, kernel[:, :2], recurrent_kernel[:, :2], activation="selu")
    with pytest.raises(ValueError, match="at least one timestep"):
        rnn.gru(x[:, :0], h, kernel[:, :6], recurrent_kernel[:, :6])
