"""Recurrent ops: whole-sequence SimpleRNN, LSTM and GRU loops fused into single ops, and unstack.

A recurrent layer built from small ops records a dozen tape entries per time step; these ops run
the whole sequence in one forward and one backward instead:

- the input projection of every step is one matrix product before the loop (x @ kernel + bias);
- each step does one matrix product for all gates (h @ recurrent_kernel);
- the forward keeps the gate activations, and backpropagation through time reuses them: the
  factors of the gate gradients are computed for all steps at once, each step then does a few
  elementwise products and one matrix product for the state gradient, and the kernel gradients
  are single products over all the steps stacked together.

Inside, arrays are time-major with the batch last, (timesteps, units, batch), so that a step's
gates are contiguous blocks. A mask (batch, timesteps), True for real steps, makes a masked step
carry the previous state forward, as Keras does; `go_backwards` processes the steps from last to
first and returns the outputs in that (processing) order. Activations other than tanh, sigmoid,
relu, linear and hard_sigmoid are left to the layers' step-by-step loop.
"""

import numpy as np

from ..tensor import Function, as_tensor

# -- activations, in place, with derivatives computed from the outputs (also in place) ----------


def _tanh(x, out):
    np.tanh(x, out=out)


def _sigmoid(x, out):
    # 1 / (1 + exp(-x)) in place: twice as fast as scipy's expit on float32 here. exp(-x)
    # overflows to inf for x below about -88 (float32), which gives the exact limit 0; the
    # callers silence that overflow warning.
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += out.dtype.type(1)
    np.reciprocal(out, out=out)


def _relu(x, out):
    np.maximum(x, x.dtype.type(0), out=out)


def _linear(x, out):
    if out is not x:
        np.copyto(out, x)


def _hard_sigmoid(x, out):
    np.multiply(x, x.dtype.type(1 / 6), out=out)
    out += out.dtype.type(0.5)
    np.clip(out, out.dtype.type(0), out.dtype.type(1), out=out)


def _d_tanh(y, out):
    np.multiply(y, y, out=out)
    np.subtract(y.dtype.type(1), out, out=out)


def _d_sigmoid(y, out):
    np.subtract(y.dtype.type(1), y, out=out)
    out *= y


def _d_relu(y, out):
    np.copyto(out, y > 0)


def _d_linear(y, out):
    out.fill(1)


def _d_hard_sigmoid(y, out):
    np.copyto(out, (y > 0) & (y < 1))
    out *= out.dtype.type(1 / 6)


ACTIVATIONS = {"tanh": (_tanh, _d_tanh), "sigmoid": (_sigmoid, _d_sigmoid),
               "relu": (_relu, _d_relu), "linear": (_linear, _d_linear),
               "hard_sigmoid": (_hard_sigmoid, _d_hard_sigmoid)}


# -- the shared frame of the three loops -----------------------------------------------------


class _Recurrence(Function):
    """The shared frame: weights in the inside layout, the input projection, the stored
    states, masks, the output tensors, and the final gradients.

    Inside, everything is transposed, batch last: a state is (units, batch) and a step's gates
    (gates * units, batch), so that each step's recurrent product is one matrix product
    recurrent_kernel^T @ h whose result holds every gate as a contiguous block.
    """

    order = (0,)  # the Keras gate blocks in the order used inside
    n_states = 1

    def __init__(self, mask, go_backwards, return_sequences, activation,
                 recurrent_activation="sigmoid", recurrent_mask=None):
        self.go_backwards = go_backwards
        self.return_sequences = return_sequences
        self.act, self.d_act = ACTIVATIONS[activation]
        self.rec, self.d_rec = ACTIVATIONS[recurrent_activation]
        self.skip = None  # (T, 1, B): True where a step is masked and carries the state
        if mask is not None:
            skip = ~np.swapaxes(mask, 0, 1)
            if go_backwards:
                skip = skip[::-1]
            if skip.any():
                self.skip = np.ascontiguousarray(skip[:, None, :])
        # Recurrent dropout: h enters the recurrent product as h * recurrent_mask, (U, B).
        self.drop = None if recurrent_mask is None else np.ascontiguousarray(recurrent_mask.T)

    def _recurrent_input(self, h, out):
        """h, or h times the recurrent dropout mask (into `out`)."""
        return h if self.drop is None else np.multiply(h, self.drop, out=out)

    def _recurrent_grad(self, g):
        """The gradient `g` of the recurrent product's input, as the gradient of h."""
        if self.drop is not None:
            g *= self.drop

    def _columns(self, units):
        return np.concatenate([np.arange(k * units, (k + 1) * units) for k in self.order])

    def _inside(self, weight, units):
        """(rows, gates * units) in Keras's layout to (gates * units, rows), gates in `order`."""
        return np.ascontiguousarray(weight[..., self._columns(units)].T)

    def _keras_layout(self, grad, units):
        """The inverse of _inside, for gradients."""
        out = np.empty(grad.shape[::-1], dtype=grad.dtype)
        out[..., self._columns(units)] = grad.T
        return out

    def _project(self, x, kernel, bias, units):
        """The inputs time-major in processing order, (T * B, D), with a column of ones when
        there is a bias; [kernel; bias]^T (G * U, D (+ 1)); and the input part of every step's
        gates, kernel^T x_t + bias (T, G * U, B): all steps in one batched product, the bias
        (the ones' weight) included."""
        steps, batch, features = x.shape[1], x.shape[0], x.shape[2]
        xt = np.ones((steps, batch, features + (bias is not None)), dtype=x.dtype)
        xt[..., :features] = np.swapaxes(x, 0, 1)[::-1] if self.go_backwards else \
            np.swapaxes(x, 0, 1)
        w = self._inside(kernel if bias is None else np.vstack([kernel, bias]), units)
        z = np.matmul(w, xt.transpose(0, 2, 1))
        return xt.reshape(steps * batch, -1), w, z

    def _states(self, h0, steps):
        """Room for the state at every step: [0] is the initial state, [t + 1] after step t."""
        h = np.empty((steps + 1,) + h0.shape[::-1], dtype=h0.dtype)
        h[0] = h0.T
        return h

    def _carry(self, states, t):
        """With a mask: the rows of a masked step keep the previous state."""
        np.copyto(states[t + 1], states[t], where=self.skip[t])

    def _output(self, h):
        # Views of the stored states: ops never modify their inputs or outputs in place.
        return h[1:].transpose(2, 0, 1) if self.return_sequences else h[-1].T

    def _output_grad(self, gy, gh, h):
        """The per-step output gradients (T, U, B) or None, and the gradient of the last
        state (U, B)."""
        dh = np.zeros(h.shape[1:], dtype=h.dtype)
        if gh is not None:
            dh += gh.T
        if gy is None:
            return None, dh
        if self.return_sequences:
            return np.ascontiguousarray(gy.transpose(1, 2, 0)), dh
        dh += gy.T
        return None, dh

    def _masked(self, a, dh_prev, dh, t):
        """A masked step computed nothing: no gate gradient, the state gradient passes."""
        if self.skip is not None:
            np.copyto(a, 0, where=self.skip[t])
            np.copyto(dh_prev, dh, where=self.skip[t])

    def _grads(self, a, xt, w, h, dh, dc=None, a_rec=None):
        """The gradients of all inputs (those needed) from the gate gradients `a` (T, G*U, B)
        of all steps: for the inputs, kernel and recurrent kernel, one matrix product each
        over all the steps side by side. `a_rec`, when the recurrent product has gradients
        of its own (GRU), gives the recurrent kernel's and a second bias row's."""
        needs, (steps, width, batch), units = self.needs_grad, a.shape, h.shape[1]
        k = 1 + self.n_states  # where the kernel is among the inputs

        def side_by_side(g):  # (T, G*U, B) -> (G*U, T * B)
            return np.ascontiguousarray(g.transpose(1, 0, 2)).reshape(width, steps * batch)
        a = side_by_side(a)
        a_rec = a if a_rec is None else side_by_side(a_rec)
        features = w.shape[1] - (len(needs) > k + 2)  # w ends with the bias column
        gx = gk = gr = gb = None
        if needs[0]:
            gxt = (a.T @ w[:, :features]).reshape(steps, batch, -1)
            gx = np.ascontiguousarray(np.swapaxes(gxt[::-1] if self.go_backwards else gxt, 0, 1))
        if needs[k] or (len(needs) > k + 2 and needs[k + 2]):
            g = self._keras_layout(a @ xt, units)  # the kernel's gradient, then the bias'
            gk = g[:features] if needs[k] else None
            if len(needs) > k + 2 and needs[k + 2]:
                gb = g[features]
                if a_rec is not a:
                    gb = np.stack([gb, self._keras_layout(a_rec.sum(axis=1), units)])
        if needs[k + 1]:
            h_prev = h[:-1] if self.drop is None else h[:-1] * self.drop
            h_prev = np.ascontiguousarray(h_prev.transpose(0, 2, 1)).reshape(-1, units)
            gr = self._keras_layout(a_rec @ h_prev, units)
        states = [dh.T.copy()] + ([] if dc is None else [dc.T.copy()])
        return (gx, *states, gk, gr, gb)


# -- SimpleRNN ---------------------------------------------------------------------------------


class SimpleRNN(_Recurrence):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)."""

    def forward(self, x, h0, kernel, recurrent_kernel, bias=None):
        units = h0.shape[1]
        xt, w, z = self._project(x, kernel, bias, units)
        r = self._inside(recurrent_kernel, units)
        steps = len(z)
        h = self._states(h0, steps)
        product, dropped = np.empty_like(h[0]), np.empty_like(h[0])
        with np.errstate(over="ignore"):
            for t in range(steps):
                np.matmul(r, self._recurrent_input(h[t], dropped), out=product)
                product += z[t]
                self.act(product, h[t + 1])
                if self.skip is not None:
                    self._carry(h, t)
        self.saved = xt, w, r, h
        return self._output(h), h[-1].T

    def backward(self, gy, gh):
        xt, w, r, h = self.saved
        dy, dh = self._output_grad(gy, gh, h)
        slope = np.empty_like(h[1:])
        self.d_act(h[1:], slope)  # the activation's derivative at every step, at once
        a = slope  # overwritten step by step with the gradients of the pre-activations
        back = np.ascontiguousarray(r.T)
        dh_prev = np.empty_like(dh)
        for t in reversed(range(len(a))):
            if dy is not None:
                dh += dy[t]
            a[t] *= dh
            np.matmul(back, a[t], out=dh_prev)
            self._recurrent_grad(dh_prev)
            self._masked(a[t], dh_prev, dh, t)
            dh, dh_prev = dh_prev, dh
        return self._grads(a, xt, w, h, dh)


# -- LSTM --------------------------------------------------------------------------------------


class LSTM(_Recurrence):
    """i, f, o = recurrent_activation(.), c~ = activation(.), c_t = f c_{t-1} + i c~,
    h_t = o activation(c_t), with all gates from one x @ kernel + h @ recurrent_kernel + bias.

    Keras orders the gates i, f, c, o; inside they are o, i, f, c, which puts the three
    recurrent activations in one contiguous block (one call per step).
    """

    order = (3, 0, 1, 2)
    n_states = 2

    def forward(self, x, h0, c0, kernel, recurrent_kernel, bias=None):
        u = h0.shape[1]
        xt, w, z = self._project(x, kernel, bias, u)
        r = self._inside(recurrent_kernel, u)
        steps = len(z)
        h, c = self._states(h0, steps), self._states(c0, steps)
        act_c = np.empty_like(h[1:])  # activation(c_t) of each computed step
        gates = z.reshape(steps, 4, u, -1)  # the activations replace the pre-activations
        product = np.empty_like(z[0])
        ig, dropped = np.empty_like(h[0]), np.empty_like(h[0])
        with np.errstate(over="ignore"):
            for t in range(steps):
                np.matmul(r, self._recurrent_input(h[t], dropped), out=product)
                z[t] += product
                self.rec(z[t, :3 * u], z[t, :3 * u])
                o, i, f, g = gates[t]
                self.act(g, g)
                np.multiply(f, c[t], out=c[t + 1])
                np.multiply(i, g, out=ig)
                c[t + 1] += ig
                self.act(c[t + 1], act_c[t])
                np.multiply(o, act_c[t], out=h[t + 1])
                if self.skip is not None:
                    self._carry(h, t)
                    self._carry(c, t)
        self.saved = xt, w, r, z, h, c, act_c
        return self._output(h), h[-1].T, c[-1].T

    def backward(self, gy, gh, gc):
        xt, w, r, gates, h, c, act_c = self.saved
        steps, u = len(gates), h.shape[1]
        dy, dh = self._output_grad(gy, gh, h)
        dc = np.zeros_like(dh) if gc is None else gc.T.copy()
        g4 = gates.reshape(steps, 4, u, -1)
        o, i, f, g = g4[:, 0], g4[:, 1], g4[:, 2], g4[:, 3]
        # Each gate's pre-activation gradient per unit of dh (o) or of dc (i, f, c~), for all
        # steps at once; the loop then only multiplies.
        factor = np.empty_like(g4)
        self.d_rec(g4[:, :3], factor[:, :3])
        factor[:, 0] *= act_c
        factor[:, 1] *= g
        factor[:, 2] *= c[:-1]
        self.d_act(g, factor[:, 3])
        factor[:, 3] *= i
        to_c = np.empty_like(act_c)  # d c_t / d h_t through h_t = o activation(c_t)
        self.d_act(act_c, to_c)
        to_c *= o
        back = np.ascontiguousarray(r.T)
        dct, dh_prev, dc_prev = np.empty_like(dh), np.empty_like(dh), np.empty_like(dh)
        for t in reversed(range(steps)):
            if dy is not None:
                dh += dy[t]
            at = factor[t]  # becomes the gate gradients of step t
            at[0] *= dh
            np.multiply(dh, to_c[t], out=dct)
            dct += dc
            for k in (1, 2, 3):  # three products: numpy's broadcast of dct is slower
                at[k] *= dct
            np.multiply(dct, f[t], out=dc_prev)
            np.matmul(back, at.reshape(4 * u, -1), out=dh_prev)
            self._recurrent_grad(dh_prev)
            self._masked(at, dh_prev, dh, t)
            if self.skip is not None:
                np.copyto(dc_prev, dc, where=self.skip[t])
            dh, dh_prev = dh_prev, dh
            dc, dc_prev = dc_prev, dc
        a = factor.reshape(gates.shape)
        return self._grads(a, xt, w, h, dh, dc)


# -- GRU ---------------------------------------------------------------------------------------


class GRU(_Recurrence):
    """Keras's GRU with reset_after=True: z, r = recurrent_activation(.),
    h~ = activation(x W_h + b_h + r (h W'_h + b'_h)), h_t = z h_{t-1} + (1 - z) h~; the bias
    has two rows, for the input and for the recurrent products."""

    order = (0, 1, 2)

    def forward(self, x, h0, kernel, recurrent_kernel, bias=None):
        u = h0.shape[1]
        xt, w, z = self._project(x, kernel, None if bias is None else bias[0], u)
        r = self._inside(recurrent_kernel, u)
        b = None if bias is None else self._inside(bias[1], u)[:, None]
        steps = len(z)
        h = self._states(h0, steps)
        recurrent_h = np.empty_like(h[1:])  # h W'_h + b'_h of each step, for the backward
        gates = z.reshape(steps, 3, u, -1)  # the activations replace the pre-activations
        product, dropped = np.empty_like(z[0]), np.empty_like(h[0])
        with np.errstate(over="ignore"):
            for t in range(steps):
                np.matmul(r, self._recurrent_input(h[t], dropped), out=product)
                if b is not None:
                    product += b
                z[t, :2 * u] += product[:2 * u]
                self.rec(z[t, :2 * u], z[t, :2 * u])
                update, reset, candidate = gates[t]
                recurrent_h[t] = product[2 * u:]
                np.multiply(reset, recurrent_h[t], out=product[2 * u:])
                candidate += product[2 * u:]
                self.act(candidate, candidate)
                # h_t = h~ + z (h_{t-1} - h~)
                np.subtract(h[t], candidate, out=h[t + 1])
                h[t + 1] *= update
                h[t + 1] += candidate
                if self.skip is not None:
                    self._carry(h, t)
        self.saved = xt, w, r, z, h, recurrent_h
        return self._output(h), h[-1].T

    def backward(self, gy, gh):
        xt, w, r, gates, h, recurrent_h = self.saved
        steps, u = len(gates), h.shape[1]
        dy, dh = self._output_grad(gy, gh, h)
        g3 = gates.reshape(steps, 3, u, -1)
        update, reset, candidate = g3[:, 0], g3[:, 1], g3[:, 2]
        # Per unit of dh: the update gate's and the candidate's pre-activation gradients; per
        # unit of the candidate's: the reset gate's. All steps at once.
        to_update = np.empty_like(update)
        self.d_rec(update, to_update)
        to_update *= h[:-1] - candidate
        to_candidate = np.empty_like(candidate)
        self.d_act(candidate, to_candidate)
        to_candidate *= update.dtype.type(1) - update
        to_reset = np.empty_like(reset)
        self.d_rec(reset, to_reset)
        to_reset *= recurrent_h
        a_in = np.empty_like(gates)   # gradients of x @ kernel + b (all three gates)
        a_rec = np.empty_like(gates)  # of h @ recurrent_kernel + b'
        back = np.ascontiguousarray(r.T)
        through, dh_prev = np.empty_like(dh), np.empty_like(dh)
        for t in reversed(range(steps)):
            if dy is not None:
                dh += dy[t]
            ai, ar = a_in[t].reshape(3, u, -1), a_rec[t].reshape(3, u, -1)
            np.multiply(dh, to_update[t], out=ai[0])
            np.multiply(dh, to_candidate[t], out=ai[2])
            np.multiply(ai[2], to_reset[t], out=ai[1])
            np.multiply(ai[2], reset[t], out=ar[2])
            ar[:2] = ai[:2]
            np.matmul(back, a_rec[t], out=dh_prev)
            self._recurrent_grad(dh_prev)
            np.multiply(dh, update[t], out=through)
            dh_prev += through
            if self.skip is not None:
                np.copyto(a_in[t], 0, where=self.skip[t])
            self._masked(a_rec[t], dh_prev, dh, t)
            dh, dh_prev = dh_prev, dh
        return self._grads(a_in, xt, w, h, dh, a_rec=a_rec)


# -- unstack -----------------------------------------------------------------------------------


class Unstack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return tuple(np.moveaxis(x, self.axis, 0))

    def backward(self, *gys):
        gx = np.zeros(self.inputs[0].data.shape, dtype=self.inputs[0].data.dtype)
        moved = np.moveaxis(gx, self.axis, 0)
        for k, g in enumerate(gys):
            if g is not None:
                moved[k] = g
        return gx


def unstack(x, axis=0):
    """The slices of x along `axis`, as a list of tensors (one op, one backward)."""
    x = as_tensor(x)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"unstack: axis {axis} is out of range for an input of shape {x.shape}.")
    return list(Unstack(axis % x.ndim)(x))


# -- wrappers ----------------------------------------------------------------------------------


def _check(op, x, states, kernel, recurrent_kernel, bias, gates, bias_shape, mask, activations,
           recurrent_mask):
    x, kernel, recurrent_kernel = as_tensor(x), as_tensor(kernel), as_tensor(recurrent_kernel)
    states = [as_tensor(s) for s in states]
    if x.ndim != 3:
        raise ValueError(f"{op}: inputs must have shape (batch, timesteps, features), received "
                         f"shape {x.shape}.")
    batch, steps, features = x.shape
    units = recurrent_kernel.shape[0] if recurrent_kernel.ndim == 2 else -1
    if kernel.shape != (features, gates * units) or \
            recurrent_kernel.shape != (units, gates * units):
        raise ValueError(
            f"{op}: for inputs with {features} features, the kernel must have shape "
            f"({features}, {gates} * units) and the recurrent kernel (units, {gates} * units), "
            f"received {kernel.shape} and {recurrent_kernel.shape}."
        )
    for k, s in enumerate(states):
        if s.shape != (batch, units):
            raise ValueError(f"{op}: state {k} must have shape ({batch}, {units}) = (batch, "
                             f"units), received {s.shape}.")
    tensors = [x] + states + [kernel, recurrent_kernel]
    if bias is not None:
        bias = as_tensor(bias)
        if bias.shape != bias_shape(units):
            raise ValueError(f"{op}: the bias must have shape {bias_shape(units)}, received "
                             f"{bias.shape}.")
        tensors.append(bias)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape != (batch, steps) or mask.dtype != bool:
            raise ValueError(f"{op}: the mask must be a boolean array of shape ({batch}, "
                             f"{steps}) = (batch, timesteps), received {mask.dtype} "
                             f"{mask.shape}.")
    if recurrent_mask is not None and np.shape(recurrent_mask) != (batch, units):
        raise ValueError(f"{op}: the recurrent dropout mask must have shape ({batch}, {units}) "
                         f"= (batch, units), received {np.shape(recurrent_mask)}.")
    if steps == 0:
        raise ValueError(f"{op}: the input sequences must have at least one timestep, received "
                         f"shape {x.shape}.")
    for name in activations:
        if name not in ACTIVATIONS:
            raise ValueError(f"{op}: activations must be among {sorted(ACTIVATIONS)}, received "
                             f"{name!r}; use the layer's step-by-step loop for others.")
    return tensors, mask


def simple_rnn(inputs, initial_state, kernel, recurrent_kernel, bias=None, mask=None,
               go_backwards=False, return_sequences=False, activation="tanh",
               recurrent_mask=None):
    """A whole SimpleRNN over (batch, timesteps, features) inputs, in one op.

    Args:
        inputs: (batch, timesteps, features).
        initial_state: h_0, (batch, units).
        kernel, recurrent_kernel, bias: (features, units), (units, units), (units,) or None.
        mask: optional boolean (batch, timesteps) array, True for real steps.
        go_backwards: process the steps from last to first.
        return_sequences: return the output of every step, else the last one.
        activation: 'tanh', 'sigmoid', 'relu', 'linear' or 'hard_sigmoid'.
        recurrent_mask: optional (batch, units) array multiplying h where it enters the
            recurrent product (recurrent dropout: 0 or 1 / (1 - rate)), the same every step.

    Returns:
        (outputs, h): outputs (batch, timesteps, units) in processing order, or (batch, units),
        and the last state.

    >>> out, h = simple_rnn(x, h0, kernel, recurrent_kernel, bias, return_sequences=True)
    """
    tensors, mask = _check("simple_rnn", inputs, [initial_state], kernel, recurrent_kernel, bias,
                           1, lambda u: (u,), mask, [activation], recurrent_mask)
    return SimpleRNN(mask, go_backwards, return_sequences, activation,
                     recurrent_mask=recurrent_mask)(*tensors)


def lstm(inputs, initial_h, initial_c, kernel, recurrent_kernel, bias=None, mask=None,
         go_backwards=False, return_sequences=False, activation="tanh",
         recurrent_activation="sigmoid", recurrent_mask=None):
    """A whole LSTM over (batch, timesteps, features) inputs, in one op, with Keras's weight
    layout: gates i, f, c, o along the last axis of kernel (features, 4 * units),
    recurrent_kernel (units, 4 * units) and bias (4 * units,). The other arguments are
    simple_rnn's; `recurrent_activation` is that of the gates i, f and o.

    Returns:
        (outputs, h, c): outputs (batch, timesteps, units) in processing order, or the last
        output (batch, units), then the last hidden and cell states.

    >>> out, h, c = lstm(x, h0, c0, kernel, recurrent_kernel, bias, return_sequences=True)
    """
    tensors, mask = _check("lstm", inputs, [initial_h, initial_c], kernel, recurrent_kernel,
                           bias, 4, lambda u: (4 * u,), mask,
                           [activation, recurrent_activation], recurrent_mask)
    return LSTM(mask, go_backwards, return_sequences, activation, recurrent_activation,
                recurrent_mask)(*tensors)


def gru(inputs, initial_state, kernel, recurrent_kernel, bias=None, mask=None,
        go_backwards=False, return_sequences=False, activation="tanh",
        recurrent_activation="sigmoid", recurrent_mask=None):
    """A whole GRU (Keras's reset_after=True variant) over (batch, timesteps, features) inputs,
    in one op: gates z, r, h along the last axis of kernel (features, 3 * units) and
    recurrent_kernel (units, 3 * units); bias (2, 3 * units) holds the input and the
    recurrent biases. The other arguments are simple_rnn's.

    Returns:
        (outputs, h): outputs (batch, timesteps, units) in processing order, or (batch, units),
        and the last state.

    >>> out, h = gru(x, h0, kernel, recurrent_kernel, bias, return_sequences=True)
    """
    tensors, mask = _check("gru", inputs, [initial_state], kernel, recurrent_kernel, bias, 3,
                           lambda u: (2, 3 * u), mask, [activation, recurrent_activation],
                           recurrent_mask)
    return GRU(mask, go_backwards, return_sequences, activation, recurrent_activation,
               recurrent_mask)(*tensors)
