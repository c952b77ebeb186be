"""Recurrent layers: the cells SimpleRNNCell, LSTMCell, GRUCell and StackedRNNCells, the generic
RNN(cell) loop, and the SimpleRNN, LSTM and GRU layers.

A cell computes one time step, `call(inputs, states) -> (output, new_states)`; `RNN` loops any
cell over the timesteps of (batch, timesteps, features) inputs. For the three built-in cells the
whole sequence runs as one fused op (backend/ops/rnn.py) unless an activation has no fused form
(or GRU has reset_after=False); the step loop gives the same numbers, slower.
Weights, their shapes, names and gate order are Keras's, so they exchange with Keras: LSTM gates
i, f, c, o; GRU gates z, r, h with reset_after=True and a (2, 3 * units) bias by default.
"""

import inspect
import numbers

import numpy as np

from .. import activations, constraints, initializers, regularizers
from ..backend import random
from ..backend.ops import linalg, math, nn, rnn as rnn_ops, shape as shape_ops
from ..backend.tensor import Tensor, Variable, as_tensor, to_array
from .base import InputSpec, Layer, flatten, map_shapes, map_structure, map_structure_pair, \
    shape_str

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "RNN", "SimpleRNN",
           "LSTM", "GRU"]

# Activations the fused ops compute themselves, by their names there.
_FUSED = {activations.tanh: "tanh", activations.sigmoid: "sigmoid", activations.relu: "relu",
          activations.linear: "linear", activations.hard_sigmoid: "hard_sigmoid"}


def _active(rate, training):
    return bool(training) and 0.0 < rate < 1.0


def _product(x, masks, kernel, gates):
    """x @ kernel, with x dropped out by one mask, or by one mask per gate block of the kernel
    (Keras's LSTM and GRU draw one per gate when recurrent dropout is on)."""
    if masks is None:
        return linalg.matmul(x, kernel)
    if not isinstance(masks, list):
        return linalg.matmul(x * masks, kernel)
    blocks = shape_ops.split(kernel, gates, axis=1)
    return shape_ops.concatenate([linalg.matmul(x * m, k) for m, k in zip(masks, blocks)],
                                 axis=-1)


def _call_cell(cell, inputs, states, training):
    """One step of any cell: a Layer is called through __call__ (which passes `training` only
    when its call takes it), a plain object through its call method."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    if "training" in inspect.signature(cell.call).parameters:
        return cell.call(inputs, states, training=training)
    return cell.call(inputs, states)


def _reset_dropout_masks(cell):
    """Forget the masks of the sequence just run (of every cell in a stack)."""
    for inner in getattr(cell, "cells", ()):
        _reset_dropout_masks(inner)
    if hasattr(cell, "reset_dropout_mask"):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()


def _size_list(state_size):
    """A cell's state_size as a list (one entry per state; an entry may itself be a list)."""
    if isinstance(state_size, numbers.Integral):
        return [int(state_size)]
    return list(state_size)


def _pack(flat, structure):
    """The flat list of tensors arranged like `structure` (a list of sizes and lists)."""
    leaves = iter(flat)

    def build(size):
        return [build(s) for s in size] if isinstance(size, (list, tuple)) else next(leaves)
    return [build(size) for size in structure]


# -- the cells ---------------------------------------------------------------------------------


class _Cell(Layer):
    """What the built-in cells share: arguments, weights, dropout masks and configs."""

    _gates = 1  # gate blocks along the last axis of the kernels

    def __init__(self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
                 bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                 kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                 recurrent_dropout, seed, recurrent_activation=None, **kwargs):
        kwargs.pop("implementation", None)  # Keras's choice of kernels; the numbers are equal
        super().__init__(**kwargs)
        if isinstance(units, (bool, np.bool_)) or not isinstance(units, numbers.Integral) \
                or units <= 0:
            raise ValueError(
                f'Layer "{self.name}": received an invalid value for argument `units`, expected '
                f"a positive integer. Received: units={units!r}"
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        if recurrent_activation is not None:
            self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self._dropout_mask = self._recurrent_dropout_mask = None
        self.state_size = self.units
        self.output_size = self.units

    # -- weights ---------------------------------------------------------------------------
    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of its input (the features) must have a '
                f"known size, received input shape {shape_str(input_shape)}."
            )
        width = self._gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), name="bias",
                                        initializer=self._bias_init(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def get_initial_state(self, batch_size=None):
        """Zero states, one (batch_size, units) tensor per state, as a list."""
        return [Tensor(np.zeros((batch_size, size), dtype=self.dtype))
                for size in _size_list(self.state_size)]

    # -- dropout masks, drawn once per sequence --------------------------------------------
    def _draw_masks(self, like, rate):
        shape, dtype = like.shape, np.dtype(self.dtype)

        def one():
            keep = random.keep_mask(shape, rate, self._generator)
            return keep.astype(dtype) * dtype.type(1.0 / (1.0 - rate))
        if self._gates > 1 and self.recurrent_dropout > 0:
            return [one() for _ in range(self._gates)]
        return one()

    def get_dropout_mask(self, step_input):
        """The input dropout mask(s) of the current sequence (drawn on first use)."""
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._draw_masks(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent dropout mask(s) of the current sequence (drawn on first use)."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw_masks(step_input, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _state(self, state):
        """A state as a tensor of the cell's dtype (states may come as plain arrays)."""
        state = as_tensor(state)
        dtype = np.dtype(self.dtype)
        return state if state.dtype == dtype else math.cast(state, dtype)

    def _masks(self, inputs, h, training):
        """The input and recurrent dropout masks active in this call (None when inactive)."""
        dp = self.get_dropout_mask(inputs) if _active(self.dropout, training) else None
        rdp = self.get_recurrent_dropout_mask(h) if _active(self.recurrent_dropout, training) \
            else None
        return dp, rdp

    # -- the whole sequence in one op ------------------------------------------------------
    def _fused_names(self):
        names = [_FUSED.get(self.activation)]
        if hasattr(self, "recurrent_activation"):
            names.append(_FUSED.get(self.recurrent_activation))
        return None if None in names else names

    def _sequence(self, x, states, mask, training, go_backwards, return_sequences):
        """(output, new_states) of the whole sequence from the fused op, or None when this
        cell needs the step loop (an activation without a fused form, or a subclass with its
        own step). Dropout draws one mask for the inputs and, for recurrent dropout, one for
        h, each used at every step by every gate, as tf.keras's fused LSTM did; the step loop
        draws one per gate, as Keras 3's cells do."""
        names = self._fused_names()
        if names is None or type(self).call is not type(self)._builtin_call:
            return None
        dtype = np.dtype(self.dtype)
        if _active(self.dropout, training):
            keep = random.keep_mask((x.shape[0], 1, x.shape[2]), self.dropout, self._generator)
            x = nn.Dropout(keep, 1.0 / (1.0 - self.dropout))(x)
        drop = None
        if _active(self.recurrent_dropout, training):
            keep = random.keep_mask((x.shape[0], self.units), self.recurrent_dropout,
                                    self._generator)
            drop = keep.astype(dtype) * dtype.type(1.0 / (1.0 - self.recurrent_dropout))
        return self._fused(x, states, mask, go_backwards, return_sequences, names, drop)

    # -- configs -----------------------------------------------------------------------------
    def _fields(self):
        """The cell's own config entries (those its layer repeats)."""
        fields = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        if hasattr(self, "recurrent_activation"):
            fields["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        return fields

    def get_config(self):
        config = super().get_config()
        config.update(self._fields())
        return config


def _first(states):
    return states[0] if isinstance(states, (list, tuple)) else states


def _like(states, h):
    """A new single state in the form the old one came: a list or a tensor."""
    return [h] if isinstance(states, (list, tuple)) else h


class SimpleRNNCell(_Cell):
    """The step of a fully-connected RNN: h_t = activation(x_t @ kernel + h_{t-1} @
    recurrent_kernel + bias); the output is h_t.

    Args:
        units: the size of the output and the state.
        activation: default 'tanh'.
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: default 'glorot_uniform',
            'orthogonal', 'zeros'.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the inputs and of the state dropped in
            training (one mask per sequence).
        seed: optional seed for the dropout masks.

    Call: `cell(inputs, states, training=None)` with inputs (batch, features) and states
    [(batch, units)]; returns (output, [new_state]).

    >>> output, states = SimpleRNNCell(4)(np.ones((2, 3), "float32"), [np.zeros((2, 4))])
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint,
                         bias_constraint, dropout, recurrent_dropout, seed, **kwargs)

    def call(self, inputs, states, training=None):
        h = self._state(_first(states))
        dp, rdp = self._masks(inputs, h, training)
        x = inputs if dp is None else inputs * dp
        z = linalg.dense(x, self.kernel, self.bias) + _product(h, rdp, self.recurrent_kernel, 1)
        out = self.activation(z)
        return out, _like(states, out)

    _builtin_call = call

    def _fused(self, x, states, mask, go_backwards, return_sequences, names, drop):
        out, h = rnn_ops.simple_rnn(x, states[0], self.kernel, self.recurrent_kernel, self.bias,
                                    mask, go_backwards, return_sequences, *names,
                                    recurrent_mask=drop)
        return out, [h]


class LSTMCell(_Cell):
    """The step of a long short-term memory network (Hochreiter 1997), with Keras's gates i, f,
    c, o side by side in the kernels:

        i, f, o = recurrent_activation(x W + h R + b) parts, c~ = activation(...) part,
        c_t = f * c_{t-1} + i * c~,   h_t = o * activation(c_t).

    Args:
        units: the size of the output and of both states (h and c).
        activation, recurrent_activation: default 'tanh' and 'sigmoid'.
        use_bias: whether to add a bias (4 * units,).
        kernel_initializer, recurrent_initializer, bias_initializer: default 'glorot_uniform',
            'orthogonal', 'zeros'.
        unit_forget_bias: whether the forget gate's bias starts at 1 (default True).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the inputs and of h dropped in training.
        seed: optional seed for the dropout masks.

    Call: `cell(inputs, [h, c], training=None)`; returns (h_t, [h_t, c_t]).

    >>> layer = RNN(LSTMCell(4), return_sequences=True)
    """

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint,
                         bias_constraint, dropout, recurrent_dropout, seed,
                         recurrent_activation=recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, init = self.units, self.bias_initializer

        def forget_ones(shape, dtype=None):
            # The bias initializer for i, c and o; ones for the forget gate.
            return np.concatenate([to_array(init((units,), dtype=dtype)),
                                   np.ones(units, dtype=dtype),
                                   to_array(init((2 * units,), dtype=dtype))])
        return forget_ones

    def call(self, inputs, states, training=None):
        h, c = self._state(states[0]), self._state(states[1])
        dp, rdp = self._masks(inputs, h, training)
        z = _product(inputs, dp, self.kernel, 4) + _product(h, rdp, self.recurrent_kernel, 4)
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = shape_ops.split(z, 4, axis=-1)
        gate = self.recurrent_activation
        c = gate(zf) * c + gate(zi) * self.activation(zc)
        h = gate(zo) * self.activation(c)
        return h, [h, c]

    _builtin_call = call

    def _fused(self, x, states, mask, go_backwards, return_sequences, names, drop):
        out, h, c = rnn_ops.lstm(x, states[0], states[1], self.kernel, self.recurrent_kernel,
                                 self.bias, mask, go_backwards, return_sequences, *names,
                                 recurrent_mask=drop)
        return out, [h, c]

    def _fields(self):
        fields = super()._fields()
        fields["unit_forget_bias"] = self.unit_forget_bias
        return fields


class GRUCell(_Cell):
    """The step of a gated recurrent unit (Cho et al. 2014), with Keras's gates z, r, h side by
    side in the kernels:

        z, r = recurrent_activation(...), h~ = activation(x W_h + r * (h R_h)) (reset_after)
        or activation(x W_h + (r * h) R_h), h_t = z * h_{t-1} + (1 - z) * h~.

    Args:
        units: the size of the output and the state.
        activation, recurrent_activation: default 'tanh' and 'sigmoid'.
        use_bias: whether to add biases: (2, 3 * units), for the input and the recurrent
            products, with reset_after; else (3 * units,).
        kernel_initializer, recurrent_initializer, bias_initializer: default 'glorot_uniform',
            'orthogonal', 'zeros'.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional penalties.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout, recurrent_dropout: fractions of the inputs and of h dropped in training.
        reset_after: apply the reset gate after the recurrent product (default True, as
            Keras 3 and cuDNN); False is the original formulation.
        seed: optional seed for the dropout masks.

    Call: `cell(inputs, states, training=None)`; returns (h_t, [h_t]).

    >>> layer = RNN(GRUCell(4))
    """

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint,
                         bias_constraint, dropout, recurrent_dropout, seed,
                         recurrent_activation=recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=None):
        h = self._state(_first(states))
        dp, rdp = self._masks(inputs, h, training)
        x = _product(inputs, dp, self.kernel, 3)
        if self.bias is not None:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        x_z, x_r, x_h = shape_ops.split(x, 3, axis=-1)
        u = self.units
        parts = rdp if isinstance(rdp, list) else [rdp] * 3
        hs = [h if m is None else h * m for m in parts]
        kernels = shape_ops.split(self.recurrent_kernel, 3, axis=1)
        if self.reset_after:
            rec = [linalg.matmul(hk, k) for hk, k in zip(hs, kernels)]
            if self.bias is not None:
                rec = [r + self.bias[1, k * u:(k + 1) * u] for k, r in enumerate(rec)]
            z = self.recurrent_activation(x_z + rec[0])
            r = self.recurrent_activation(x_r + rec[1])
            candidate = self.activation(x_h + r * rec[2])
        else:
            z = self.recurrent_activation(x_z + linalg.matmul(hs[0], kernels[0]))
            r = self.recurrent_activation(x_r + linalg.matmul(hs[1], kernels[1]))
            candidate = self.activation(x_h + linalg.matmul(r * hs[2], kernels[2]))
        out = z * h + (1 - z) * candidate
        return out, _like(states, out)

    _builtin_call = call

    def _fused_names(self):
        return super()._fused_names() if self.reset_after else None

    def _fused(self, x, states, mask, go_backwards, return_sequences, names, drop):
        out, h = rnn_ops.gru(x, states[0], self.kernel, self.recurrent_kernel, self.bias, mask,
                             go_backwards, return_sequences, *names, recurrent_mask=drop)
        return out, [h]

    def _fields(self):
        fields = super()._fields()
        fields["reset_after"] = self.reset_after
        return fields


class StackedRNNCells(Layer):
    """Cells stacked into one cell: each step runs them in order, each cell's output feeding
    the next; the states are one entry per cell.

    Args:
        cells: a list of cells.

    >>> layer = RNN(StackedRNNCells([LSTMCell(8), LSTMCell(4)]))
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            _check_cell(cell, f'StackedRNNCells "{self.name}"')
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        batch = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer):
                cell._maybe_build(tuple(input_shape))
            elif hasattr(cell, "build"):
                cell.build(tuple(input_shape))
            input_shape = (batch, _output_size(cell))
        self.built = True

    def get_initial_state(self, batch_size=None):
        """Per cell: its list of states, or its single state for a cell with one state size."""
        out = []
        for cell in self.cells:
            states = _cell_initial_state(cell, batch_size, self.dtype)
            out.append(states[0] if isinstance(cell.state_size, numbers.Integral) else states)
        return out

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, state in zip(self.cells, states):
            single = not isinstance(state, (list, tuple))
            inputs, new = _call_cell(cell, inputs, [state] if single else list(state), training)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            new_states.append(new[0] if single else new)
        return inputs, new_states

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config["cells"] = [serialize(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        config["cells"] = [deserialize(c, custom_objects) for c in config["cells"]]
        return super().from_config(config)


def _check_cell(cell, where):
    if not callable(getattr(cell, "call", None)):
        raise ValueError(f"{where}: a cell must have a `call(inputs, states)` method. "
                         f"Received: cell={cell!r}")
    if getattr(cell, "state_size", None) is None:
        raise ValueError(f"{where}: a cell must have a `state_size` attribute (an integer, or a "
                         f"list of integers, one per state). Received: cell={cell!r}")


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        size = _size_list(cell.state_size)[0]
    return size


def _cell_initial_state(cell, batch_size, dtype):
    """The cell's own initial states as a list, or zeros of its state sizes."""
    get = getattr(cell, "get_initial_state", None)
    if get is not None:
        states = get(batch_size=batch_size)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        return map_structure(as_tensor, states)

    def zeros(size):
        if isinstance(size, (list, tuple)):
            return [zeros(s) for s in size]
        return Tensor(np.zeros((batch_size, size), dtype=dtype))
    return [zeros(size) for size in _size_list(cell.state_size)]


# -- the loop over time ------------------------------------------------------------------------


class _SequenceSpec(InputSpec):
    """The input check of recurrent layers: for a 2-D input (the forgotten features axis) the
    error shows how to reshape."""

    def check(self, layer_name, index, shape):
        if len(shape) < 3:
            steps = "timesteps" if len(shape) < 2 or shape[1] is None else shape[1]
            hint = ""
            if len(shape) == 2:
                hint = (f" If each sample is a sequence of {steps} single values, add an axis "
                        f"of 1 feature: x = x.reshape(-1, {steps}, 1) or x = x[:, :, None], and "
                        f"declare keras.Input(shape=({steps}, 1)) (or input_shape=({steps}, 1)).")
            raise ValueError(
                f'Input {index} of layer "{layer_name}" is incompatible with the layer: expected '
                f"ndim=3, found ndim={len(shape)}. Received input with shape {shape_str(shape)}. "
                f"Recurrent layers take inputs of shape (batch, timesteps, features).{hint}"
            )
        super().check(layer_name, index, shape)


class RNN(Layer):
    """Runs a cell over the timesteps of (batch, timesteps, features) inputs.

    The cell is any object with `call(inputs, states) -> (output, new_states)` and a
    `state_size` (a layer such as LSTMCell, or the user's own); a list of cells is stacked with
    StackedRNNCells. A mask (from Embedding(mask_zero=True) or Masking) makes masked steps carry
    the previous state and output forward.

    Args:
        cell: a cell or a list of cells.
        return_sequences: return the output of every step (batch, timesteps, units) instead of
            the last (batch, units).
        return_state: also return the last states: [output, state_1, ...].
        go_backwards: process the sequence from the last step to the first (the sequence of
            outputs is then in that order).
        stateful: keep the last states of each batch as the initial states of the next (sample
            i continues sample i); needs a fixed batch size; `reset_states()` zeroes them.
        unroll: accepted for Keras compatibility; the loop is the same either way.
        zero_output_for_mask: give masked steps zero outputs instead of carried ones.

    Call: `layer(sequences, initial_state=None, mask=None, training=None)`.

    Input shape: (batch, timesteps, features).
    Output shape: (batch, timesteps, units) with return_sequences, else (batch, units); with
        return_state a list: the output, then one (batch, size) tensor per state.

    >>> layer = RNN(LSTMCell(4), return_sequences=True)
    >>> layer(np.zeros((2, 5, 3), "float32")).shape
    (2, 5, 4)
    """

    _ndim = None  # any rank of at least 3; the built-in layers want exactly 3

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        _check_cell(cell, "RNN")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None  # the kept states of a stateful layer (Variables)
        self.state_size = _size_list(cell.state_size)
        self.input_spec = _SequenceSpec(ndim=self._ndim, min_ndim=None if self._ndim else 3)

    # -- building and shapes -------------------------------------------------------------
    def build(self, sequences_shape):
        sequences_shape = tuple(sequences_shape)
        step_shape = (sequences_shape[0],) + sequences_shape[2:]
        if isinstance(self.cell, Layer):
            self.cell._maybe_build(step_shape)
            for weight in self.cell.weights:  # Keras's paths: 'lstm/lstm_cell/kernel'
                if not weight.path.startswith(self.name + "/"):
                    weight.path = f"{self.name}/{weight.path}"
        elif hasattr(self.cell, "build"):
            self.cell.build(step_shape)
        self.input_spec = _SequenceSpec(ndim=self._ndim, min_ndim=None if self._ndim else 3,
                                        axes={-1: sequences_shape[-1]})
        if self.stateful and sequences_shape[0] is not None and self.states is None:
            self._create_states(sequences_shape[0])
        self.built = True

    def compute_output_shape(self, sequences_shape):
        batch = sequences_shape[0]
        if self.stateful and batch is None and self.states is None:
            raise ValueError(
                f'Layer "{self.name}" is stateful (stateful=True), so it needs a fixed batch '
                f"size, but its input has shape {shape_str(sequences_shape)} with an unknown "
                f"batch size. Give the model's input a batch size, e.g. keras.Input(shape="
                f"{shape_str(sequences_shape[1:])}, batch_size=32) (or batch_input_shape=(32, "
                f"{', '.join(str(d) for d in sequences_shape[1:])}) on the first layer), and "
                f"pass the same batch_size to fit() with shuffle=False."
            )
        units = _output_size(self.cell)
        output = (batch, sequences_shape[1], units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return output
        return [output] + [[(batch, s) for s in size] if isinstance(size, (list, tuple))
                           else (batch, size) for size in self.state_size]

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        if initial_state is not None:
            given = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            self._check_state_shapes([tuple(s.shape) for s in flatten(list(given))],
                                     sequences.shape[0])
        dtype = np.dtype(self.dtype)
        return map_shapes(lambda shape: (tuple(shape), dtype),
                          self.compute_output_shape(sequences.shape))

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    # -- states ----------------------------------------------------------------------------
    def get_initial_state(self, batch_size):
        """The states a sequence starts from when no initial_state is given (zeros)."""
        return _cell_initial_state(self.cell, batch_size, self.dtype)

    def _check_state_shapes(self, shapes, batch):
        sizes = flatten(self.state_size)
        if len(shapes) != len(sizes):
            raise ValueError(
                f'Layer "{self.name}" expects {len(sizes)} initial state tensor(s), one per state '
                f"of its cell (state sizes {self.state_size}), but `initial_state` has "
                f"{len(shapes)}. Pass initial_state=[" +
                ", ".join(f"a ({'batch_size' if batch is None else batch}, {s}) tensor"
                          for s in sizes) + "]."
            )
        for k, (shape, size) in enumerate(zip(shapes, sizes)):
            if len(shape) != 2 or shape[1] != size or \
                    (batch is not None and shape[0] is not None and shape[0] != batch):
                raise ValueError(
                    f'Layer "{self.name}": initial_state[{k}] must have shape (batch_size, '
                    f"{size}) = ({'None' if batch is None else batch}, {size}), but received "
                    f"shape {shape_str(shape)}."
                )

    def _given_states(self, initial_state, batch):
        given = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
        tensors = [s if isinstance(s, Tensor) else
                   Tensor(to_array(s, where=f'Layer "{self.name}" initial_state'))
                   for s in flatten(list(given))]
        self._check_state_shapes([t.shape for t in tensors], batch)
        dtype = np.dtype(self.dtype)
        return _pack([t if t.dtype == dtype else math.cast(t, dtype) for t in tensors],
                     self.state_size)

    def _create_states(self, batch):
        self.states = map_structure(
            lambda t: Variable(t.data, trainable=False, name="rnn_state"),
            self.get_initial_state(batch))

    def _kept_states(self, batch):
        if self.states is None:
            self._create_states(batch)
        kept = flatten(self.states)[0].shape[0]
        if kept != batch:
            raise ValueError(
                f'Layer "{self.name}" is stateful and keeps states for batches of {kept} samples, '
                f"but received a batch of {batch}. A stateful RNN needs every batch to have the "
                f"same size: pass batch_size={kept} to fit(), evaluate() and predict(), with a "
                f"number of samples divisible by it."
            )
        # Copies: the kept states are overwritten after the call, while backward still
        # needs the values this call started from.
        return map_structure(lambda v: Tensor(v.data.copy()), self.states)

    def reset_state(self):
        """Zero the kept states of a stateful layer."""
        if self.states is not None:
            for v in flatten(self.states):
                v.assign(np.zeros_like(v.data))

    def reset_states(self, states=None):
        """Zero the kept states, or set them to `states` (one array per state)."""
        if states is None:
            return self.reset_state()
        first = flatten(list(states) if isinstance(states, (list, tuple)) else [states])[0]
        values = self._given_states(states, np.shape(first)[0])
        if self.states is None:
            self._create_states(np.shape(first)[0])
        for v, value in zip(flatten(self.states), flatten(values)):
            v.assign(value.data)

    # -- the call --------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=None):
        x = sequences if sequences.dtype == np.dtype(self.dtype) else \
            math.cast(sequences, self.dtype)
        batch, steps = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f'Layer "{self.name}" received sequences without timesteps: input '
                             f"shape {shape_str(x.shape)}.")
        mask = self._mask(mask, batch, steps)
        if initial_state is not None:
            states = self._given_states(initial_state, batch)
        elif self.stateful:
            states = self._kept_states(batch)
        else:
            states = self.get_initial_state(batch)
        output, states = self._loop(x, states, mask, training)
        if self.stateful:
            if self.states is None:
                self._create_states(batch)
            for v, s in zip(flatten(self.states), flatten(states)):
                v.assign(s.data)
        if self.zero_output_for_mask and mask is not None:
            steps_mask = mask[:, ::-1] if self.go_backwards else mask
            keep = steps_mask[:, :, None] if self.return_sequences else steps_mask[:, -1:]
            output = output * keep.astype(output.dtype)
        if self.return_state:
            return [output] + list(states)
        return output

    def _mask(self, mask, batch, steps):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is None:
            return None
        mask = to_array(mask, where=f'Layer "{self.name}" mask')
        if mask.shape != (batch, steps):
            raise ValueError(
                f'Layer "{self.name}": the mask must have shape (batch, timesteps) = ({batch}, '
                f"{steps}), received shape {mask.shape}."
            )
        return mask.astype(bool, copy=False)

    def _loop(self, x, states, mask, training):
        """(output, last states): one fused op for a built-in cell, else the step loop."""
        fused = getattr(self.cell, "_sequence", None)
        if fused is not None:
            result = fused(x, states, mask, training, self.go_backwards, self.return_sequences)
            if result is not None:
                return result
        steps = rnn_ops.unstack(x, axis=1)
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        outputs, previous = [], None
        try:
            for t in order:
                out, new = _call_cell(self.cell, steps[t], states, training)
                new = list(new) if isinstance(new, (list, tuple)) else [new]
                if mask is not None:
                    keep = mask[:, t:t + 1]
                    if previous is None:  # before the first step: the last cell's first state
                        last = states[-1] if isinstance(self.cell, StackedRNNCells) else states
                        previous = flatten(last)[0]
                    out = math.where(keep, out, previous)
                    new = map_structure_pair(lambda n, s: math.where(keep, n, s), new, states)
                outputs.append(out)
                states, previous = new, out
        finally:
            _reset_dropout_masks(self.cell)
        output = shape_ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return output, states

    # -- configs -----------------------------------------------------------------------------
    def get_config(self):
        from . import serialize
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        if "cell" in config:
            config["cell"] = deserialize(config["cell"], custom_objects)
        return super().from_config(config)


# -- the layers ----------------------------------------------------------------------------------


class _CellLayer(RNN):
    """An RNN holding one built-in cell, with the cell's arguments flattened into its own (and
    into its config), as Keras's SimpleRNN, LSTM and GRU."""

    _ndim = 3

    def __init__(self, cell, return_sequences, return_state, go_backwards, stateful, unroll,
                 activity_regularizer, use_cudnn, **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"Invalid value received for argument `use_cudnn`. Expected one of "
                             f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn!r}")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        config.update(self.cell._fields())
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config


def _cell_kwargs(kwargs, name):
    """What a layer passes on to its cell: Keras names it e.g. 'lstm_cell', with the layer's
    dtype and trainable flag."""
    kwargs.pop("implementation", None)
    return {"name": name, "dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}


def _expose(cls, names):
    """Read-only properties that give the cell's attributes, as Keras's layers have."""
    for name in names:
        setattr(cls, name, property(lambda self, name=name: getattr(self.cell, name)))


_COMMON = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
           "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
           "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
           "recurrent_dropout")


class SimpleRNN(_CellLayer):
    """A fully-connected RNN whose output is fed back: h_t = activation(x_t @ kernel +
    h_{t-1} @ recurrent_kernel + bias).

    Args: as SimpleRNNCell (units, activation='tanh', use_bias, the initializers,
    regularizers and constraints, dropout, recurrent_dropout, seed), plus activity_regularizer
    and RNN's return_sequences, return_state, go_backwards, stateful, unroll.

    Input shape: (batch, timesteps, features).
    Output shape: (batch, units), or (batch, timesteps, units) with return_sequences.

    >>> SimpleRNN(4)(np.zeros((32, 10, 8), "float32")).shape
    (32, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, **_cell_kwargs(kwargs, "simple_rnn_cell"))
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, "auto", **kwargs)


class LSTM(_CellLayer):
    """Long short-term memory (Hochreiter 1997): an RNN with a cell state c and input, forget
    and output gates, in Keras's layout (gates i, f, c, o; kernel (features, 4 * units),
    recurrent_kernel (units, 4 * units), bias (4 * units,)).

    Args: as LSTMCell (units, activation='tanh', recurrent_activation='sigmoid', use_bias,
    the initializers, unit_forget_bias=True, regularizers, constraints, dropout,
    recurrent_dropout, seed), plus activity_regularizer and RNN's return_sequences,
    return_state (output, h, c), go_backwards, stateful, unroll; use_cudnn is accepted.

    Input shape: (batch, timesteps, features).
    Output shape: (batch, units), or (batch, timesteps, units) with return_sequences.

    >>> output, h, c = LSTM(4, return_state=True)(np.zeros((32, 10, 8), "float32"))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, **_cell_kwargs(kwargs, "lstm_cell"))
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, use_cudnn, **kwargs)


class GRU(_CellLayer):
    """Gated recurrent unit (Cho et al. 2014) in Keras's layout: gates z, r, h; with
    reset_after=True (the default) the bias has shape (2, 3 * units).

    Args: as GRUCell (units, activation='tanh', recurrent_activation='sigmoid', use_bias,
    the initializers, regularizers, constraints, dropout, recurrent_dropout, reset_after,
    seed), plus activity_regularizer and RNN's return_sequences, return_state, go_backwards,
    stateful, unroll; use_cudnn is accepted.

    Input shape: (batch, timesteps, features).
    Output shape: (batch, units), or (batch, timesteps, units) with return_sequences.

    >>> GRU(4, return_sequences=True)(np.zeros((32, 10, 8), "float32")).shape
    (32, 10, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed, **_cell_kwargs(kwargs, "gru_cell"))
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer, use_cudnn, **kwargs)


_expose(SimpleRNN, _COMMON)
_expose(LSTM, _COMMON + ("recurrent_activation", "unit_forget_bias"))
_expose(GRU, _COMMON + ("recurrent_activation", "reset_after"))

LAYERS = (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells, RNN, SimpleRNN, LSTM, GRU)
