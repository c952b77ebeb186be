"""Layers that wrap another layer: Bidirectional (an RNN read both ways) and TimeDistributed
(a layer applied to every timestep)."""

import copy
import inspect

from ..backend.ops import shape as shape_ops
from ..backend.tensor import Tensor
from .base import Layer, _call_parameters, map_shapes, map_structure, shape_str

__all__ = ["Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _check_layer(layer, wrapper, arg="layer"):
    if not isinstance(layer, Layer):
        raise ValueError(
            f"{wrapper}: `{arg}` must be a layer instance, e.g. {wrapper}(LSTM(32)), but "
            f"received {layer!r:.80} of type {type(layer).__name__}."
        )


def _accepts(layer, argument):
    return argument in _call_parameters(type(layer))


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two outputs.

    The wrapper makes two fresh layers from `layer`'s config: `forward_<name>`, and
    `backward_<name>` with `go_backwards` switched (or uses `backward_layer`). Both read the
    same inputs (and mask); with `return_sequences` the backward outputs are turned back into
    forward time order before the merge, so step t of the result sees the whole sequence.
    The weights are the forward layer's, then the backward layer's.

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN or RNN); it is used as a template, its own
            weights are not reused.
        merge_mode: how to combine the two outputs: 'concat' (default; the feature axis
            doubles), 'sum', 'mul', 'ave', or None for a list [forward, backward].
        weights: optional initial weights, forward layer's then backward layer's.
        backward_layer: an optional layer for the backward direction; it must have the
            opposite `go_backwards` and the same `return_sequences`, `return_state` and
            `stateful` as `layer`.

    Call arguments: `initial_state` is a list holding the forward layer's states, then the
    backward layer's; `mask` and `training` are passed to both layers.

    Input shape: (batch_size, timesteps, features).
    Output shape: (batch_size, [timesteps,] 2 * units) with 'concat', else units; with
    `return_state`, a list: the output(s), then the forward states, then the backward ones.

    >>> Bidirectional(LSTM(8))(np.zeros((2, 5, 3), "float32")).shape
    (2, 16)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        _check_layer(layer, "Bidirectional")
        if backward_layer is not None:
            _check_layer(backward_layer, "Bidirectional", "backward_layer")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: invalid merge mode. Received: merge_mode={merge_mode!r}. Merge "
                f"mode should be one of 'sum', 'mul', 'ave', 'concat' or None."
            )
        for attr in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attr):
                raise ValueError(
                    f"Bidirectional: the wrapped layer {layer.name!r} ({type(layer).__name__}) "
                    f"has no `{attr}` attribute; wrap a recurrent layer such as LSTM, GRU, "
                    f"SimpleRNN or RNN."
                )
        dtype = kwargs.get("dtype")
        if dtype is None:
            kwargs["dtype"] = layer.dtype
        super().__init__(weights=weights, **kwargs)
        # Fresh layers from the config, so the wrapper shares no weights or state with `layer`;
        # an explicit dtype of the wrapper is the dtype of both directions.
        self.forward_layer = _copy_layer(layer, "forward_", dtype=dtype)
        if backward_layer is None:
            backward_layer = _copy_layer(layer, "backward_", dtype=dtype,
                                         go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            # As Keras: masked steps of returned sequences are zeros in both directions.
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = copy.copy(layer.input_spec)

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                f'Layer "{self.name}": the forward layer and the backward layer should have '
                f"different `go_backwards` values. Received: forward_layer.go_backwards="
                f"{forward.go_backwards}, backward_layer.go_backwards={backward.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            ours, theirs = getattr(forward, attr, None), getattr(backward, attr, None)
            if ours != theirs:
                raise ValueError(
                    f'Layer "{self.name}": the forward layer and the backward layer are '
                    f'expected to have the same value for attribute "{attr}", got "{ours}" for '
                    f'the forward layer and "{theirs}" for the backward layer.'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            sub._check_inputs([tuple(sequences_shape)])  # the wrapped layer's own checks
            sub._maybe_build(tuple(sequences_shape))
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(mask, list):
            mask = mask[0]
        states = [None, None]
        if initial_state is not None:
            initial_state = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            if len(initial_state) % 2:
                raise ValueError(
                    f'Layer "{self.name}": `initial_state` must hold the forward layer\'s '
                    f"states followed by the backward layer's, an even number of tensors, but "
                    f"it holds {len(initial_state)}."
                )
            half = len(initial_state) // 2
            states = [initial_state[:half], initial_state[half:]]
        outputs = []
        for sub, state in zip((self.forward_layer, self.backward_layer), states):
            kwargs = {"training": training}
            if mask is not None and _accepts(sub, "mask"):
                kwargs["mask"] = mask
            if state is not None:
                kwargs["initial_state"] = state
            outputs.append(sub(sequences, **kwargs))
        y, y_rev = outputs
        final_states = ()
        if self.return_state:
            final_states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]  # back into forward time order
        merged = self._merge(y, y_rev)
        if self.return_state:
            # A list, as the wrapped layers return: the output(s), then all states.
            return (merged if isinstance(merged, list) else [merged]) + list(final_states)
        return merged

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return shape_ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        state_shapes = []
        if self.return_state:
            shapes = list(shapes)
            shapes, state_shapes = tuple(shapes[0]), [tuple(s) for s in shapes[1:]]
        output = tuple(shapes)
        if self.merge_mode == "concat":
            output = output[:-1] + (None if output[-1] is None else 2 * output[-1],)
        outputs = [output, output] if self.merge_mode is None else [output]
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else output

    def compute_mask(self, inputs, mask=None):
        """The input mask on returned sequences, None on vectors and states (as Keras)."""
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.merge_mode is None:
            return [output_mask, output_mask]  # the states, left out, get no mask
        return [output_mask] if self.return_state else output_mask

    @property
    def states(self):
        forward = getattr(self.forward_layer, "states", None)
        backward = getattr(self.backward_layer, "states", None)
        if forward and backward:
            return tuple(forward) + tuple(backward)
        return None

    def reset_states(self):
        """Set the states of a stateful layer back to zeros, in both directions."""
        if not self.stateful:
            raise AttributeError(
                f'Layer "{self.name}" is not stateful, so it has no states to reset. Create the '
                f"wrapped layer with stateful=True (and a fixed batch size)."
            )
        for sub in (self.forward_layer, self.backward_layer):
            reset = getattr(sub, "reset_state", None) or sub.reset_states
            reset()

    reset_state = reset_states

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config.update({"merge_mode": self.merge_mode,
                       "layer": serialize(self.forward_layer),
                       "backward_layer": serialize(self.backward_layer)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = copy.deepcopy(config)
        config["layer"] = deserialize(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize(backward, custom_objects=custom_objects)
        return super().from_config(config)


def _copy_layer(layer, prefix, dtype=None, **changes):
    """A new, unbuilt layer from `layer`'s config, named `prefix + name`."""
    config = copy.deepcopy(layer.get_config())
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    config["name"] = prefix + name
    if dtype is not None:
        config["dtype"] = dtype
    config.update(changes)
    kwargs = {}
    if "custom_objects" in inspect.signature(type(layer).from_config).parameters:
        # Nested layers of the user's own classes (a custom RNN cell) are found by class.
        kwargs["custom_objects"] = {type(sub).__name__: type(sub)
                                    for sub in layer._flatten_layers()}
    return type(layer).from_config(config, **kwargs)


class TimeDistributed(Layer):
    """Applies a layer to every timestep of its input, with the same weights at every step.

    The time axis (axis 1) is folded into the batch axis, the layer runs once on all
    (batch * timesteps) slices, and the result is unfolded again: `TimeDistributed(Dense(8))`
    on (batch, 10, 16) gives (batch, 10, 8), and `TimeDistributed(Conv2D(...))` runs a
    convolution on each frame of a video. A mask on the input is passed on unchanged (and to
    the layer, flattened the same way, when its `call` takes one).

    Args:
        layer: the layer to apply; its weights become this wrapper's weights.

    Input shape: (batch_size, timesteps, ...), at least 3 axes.
    Output shape: (batch_size, timesteps, ...) with the layer's output shape for each step.

    >>> TimeDistributed(Dense(8))(np.zeros((2, 10, 16), "float32")).shape
    (2, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        _check_layer(layer, "TimeDistributed")
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = layer.dtype
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check_rank(self, shape):
        if len(shape) < 3:
            raise ValueError(
                f'Layer "{self.name}" (TimeDistributed) expects inputs with at least 3 axes, '
                f"(batch_size, timesteps, ...), but received input with shape "
                f"{shape_str(shape)}. Add the time axis, e.g. x.reshape(batch_size, timesteps, "
                f"-1), or use the wrapped layer directly."
            )

    def _check_inputs(self, shapes):
        # Called with the real shapes before `build`, so the message shows the batch size.
        for shape in shapes:
            self._check_rank(shape)
        super()._check_inputs(shapes)

    def build(self, input_shape):
        self._check_rank(input_shape)
        step_shape = (None,) + tuple(input_shape[2:])
        self.layer._check_inputs([step_shape])  # fail at model definition, as the layer would
        self.layer._maybe_build(step_shape)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if not isinstance(inputs, Tensor):
            raise TypeError(f'Layer "{self.name}" (TimeDistributed) takes one input tensor, but '
                            f"received a {type(inputs).__name__}.")
        self._check_rank(inputs.shape)
        batch, steps = inputs.shape[:2]
        kwargs = {"training": training}
        if mask is not None and _accepts(self.layer, "mask"):
            if tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError(
                    f'Layer "{self.name}" (TimeDistributed) should be passed a `mask` of shape '
                    f"({batch}, {steps}, ...), received: mask.shape={tuple(mask.shape)}"
                )
            kwargs["mask"] = mask.reshape((batch * steps,) + tuple(mask.shape[2:]))
        folded = shape_ops.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        return map_structure(
            lambda out: shape_ops.reshape(out, (batch, steps) + tuple(out.shape[1:])), outputs)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        step_shapes = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return map_shapes(lambda s: (s[0], input_shape[1]) + tuple(s[1:]), step_shapes)

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config["layer"] = serialize(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        config["layer"] = deserialize(config["layer"], custom_objects=custom_objects)
        return super().from_config(config)


LAYERS = (Bidirectional, TimeDistributed)
