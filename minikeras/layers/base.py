"""The Layer contract: weights, building from the first input shape, shape checks, configs.

A layer is called eagerly on tensors (or arrays) during training and inference, or symbolically
on `KerasTensor`s while a model is being defined: then nothing is computed, but the layer is
built, the input is checked, the output shape is worked out and the call is recorded as a
`Node`, from which a Functional model later replays the graph.
"""

import inspect

import numpy as np

from .. import constraints, initializers, regularizers
from ..backend import config
from ..backend.naming import clear_session, unique_name  # noqa: F401 - re-exported
from ..backend.tensor import Tensor, Variable, as_tensor, no_grad, to_array
from ..registry import snake_case

# -- symbolic tensors and the graph ----------------------------------------------------------


class KerasTensor:
    """A placeholder for a tensor in a model being defined: a shape (None for the batch and
    any unknown size), a dtype, and the layer call that produces it."""

    def __init__(self, shape, dtype=None, name=None, history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(config.floatx() if dtype is None else dtype)
        self.name = name
        self._keras_history = history  # (layer, node_index, tensor_index)

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """One call of a layer on symbolic inputs: what went in, what came out, which kwargs."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in flatten(list(args)) + flatten(dict(kwargs))
                              if isinstance(t, KerasTensor)]
        self.output_tensors = [t for t in flatten(outputs) if isinstance(t, KerasTensor)]


def flatten(structure):
    """The leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn, structure):
    """`structure` with every leaf replaced by fn(leaf)."""
    if isinstance(structure, list):
        return [map_structure(fn, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def is_symbolic(structure):
    return any(isinstance(leaf, KerasTensor) for leaf in flatten(structure))


# -- input checks ------------------------------------------------------------------------------


class InputSpec:
    """What a layer accepts: a number of dimensions and fixed sizes on some axes."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None, shape=None,
                 allow_last_axis_squeeze=False, name=None):
        self.ndim = len(shape) if shape is not None else ndim
        self.min_ndim = min_ndim
        self.max_ndim = max_ndim
        self.axes = dict(axes or {})
        self.shape = None if shape is None else tuple(shape)
        self.name = name

    def check(self, layer_name, index, shape):
        """Raise Keras's incompatibility error if `shape` does not fit."""
        def fail(detail):
            raise ValueError(
                f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
                f"{detail}, but received input with shape {shape_str(shape)}"
            )
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            fail(f"expected ndim={self.ndim}, found ndim={rank}")
        if self.min_ndim is not None and rank < self.min_ndim:
            fail(f"expected min_ndim={self.min_ndim}, found ndim={rank}")
        if self.max_ndim is not None and rank > self.max_ndim:
            fail(f"expected max_ndim={self.max_ndim}, found ndim={rank}")
        for axis, value in self.axes.items():
            size = shape[axis] if -rank <= axis < rank else None
            if value is not None and size not in (value, None):
                fail(f"expected axis {axis} of input shape to have value {value}")
        if self.shape is not None:
            for expected, got in zip(self.shape, shape):
                if expected is not None and got is not None and expected != got:
                    fail(f"expected shape={shape_str(self.shape)}")


def shape_str(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


# -- the layer -------------------------------------------------------------------------------

_CALL_CONTEXT = {"training": None}


class Layer:
    """The base class of all layers.

    Subclasses create weights in `build(input_shape)` with `add_weight`, compute in
    `call(inputs)` with ops, and list their constructor arguments in `get_config()`.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: a unique name; by default the class name in snake_case, numbered ('dense_1').
        dtype: the dtype of the weights and computations (default floatx()).
        input_shape, input_dim, batch_size: on the first layer of a Sequential model, the shape
            of one sample (without the batch axis), as Keras allows.
    """

    _ALLOWED_KWARGS = ("input_shape", "input_dim", "batch_size", "batch_input_shape",
                       "weights", "autocast")

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **kwargs):
        unknown = [k for k in kwargs if k not in self._ALLOWED_KWARGS]
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected keyword argument(s) "
                f"{', '.join(repr(k) for k in unknown)}. Check the spelling against the "
                f"layer's documented arguments."
            )
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"A layer name must be a string without '/', received {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.dtype = _dtype_name(dtype)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._weights = []
        self._activity_losses = []
        self._inbound_nodes = []
        self._build_shapes = None
        self._batch_input_shape = _first_layer_shape(kwargs)
        self._initial_weights = kwargs.get("weights")

    # -- weights -----------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, **kwargs):
        """Create a weight of this layer. Weights are saved and loaded in creation order."""
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = np.dtype(self.dtype if dtype is None else dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        init = initializers.get(initializer)
        variable = Variable(init, shape=shape, dtype=dtype, trainable=trainable,
                            name=name or f"variable_{len(self._weights)}",
                            constraint=constraints.get(constraint))
        variable.path = f"{self.name}/{variable.name}"
        self._weights.append(variable)
        if regularizer is not None:
            self._regularizers().append((variable, regularizers.get(regularizer)))
        return variable

    def _regularizers(self):
        if "_weight_regularizers" not in self.__dict__:
            self._weight_regularizers = []
        return self._weight_regularizers

    def _sublayers(self):
        """Layers held as attributes (or in lists/dicts of attributes), in assignment order."""
        found = []
        for value in self.__dict__.values():
            for leaf in flatten(value) if isinstance(value, (list, tuple, dict)) else [value]:
                if isinstance(leaf, Layer) and leaf is not self and \
                        all(leaf is not f for f in found):
                    found.append(leaf)
        return found

    # -- the symbolic call that defines the layer's place in a model --------------------------
    @property
    def input(self):
        """The input tensor(s) of the layer's first call on symbolic tensors, e.g. to build
        `keras.Model(model.inputs, layer.output)` that shows an intermediate result."""
        return self._first_node("input").args[0]

    @property
    def output(self):
        """The output tensor(s) of the layer's first call on symbolic tensors."""
        return self._first_node("output").outputs

    def _first_node(self, what):
        if not self._inbound_nodes:
            raise ValueError(
                f"The layer {self.name} has never been called and thus has no defined {what}. "
                f"Call it on the output of keras.Input(...) or of another layer first, or use "
                f"it in a model with a known input shape."
            )
        return self._inbound_nodes[0]

    @property
    def weights(self):
        """All weights: this layer's own, then its sublayers', in creation order."""
        out = list(self._weights)
        for layer in self._sublayers():
            out.extend(w for w in layer.weights if all(w is not o for o in out))
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        own = [w for w in self._weights if w.trainable]
        for layer in self._sublayers():
            own.extend(w for w in layer.trainable_weights if all(w is not o for o in own))
        return own

    @property
    def non_trainable_weights(self):
        trainable = self.trainable_weights
        return [w for w in self.weights if all(w is not t for t in trainable)]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self):
        """The weights' values as a list of numpy arrays (copies)."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays, in the order of `get_weights()`."""
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f'Layer "{self.name}" expects {len(params)} weight arrays, but received '
                f"{len(weights)}. Provided weights: {_short(weights)}"
            )
        for variable, value in zip(params, weights):
            value = to_array(value, where=f'Layer "{self.name}".set_weights')
            if value.shape != variable.shape:
                raise ValueError(
                    f'Layer "{self.name}" weight shape {variable.shape} of {variable.path!r} '
                    f"is not compatible with provided weight shape {value.shape}."
                )
            variable.assign(value)

    def count_params(self):
        """The number of scalars in all weights."""
        if not self.built:
            raise ValueError(
                f'Layer "{self.name}" has not been built yet, so it has no weights to count. '
                f"Call it on data or call build(input_shape) first."
            )
        return int(sum(w.size for w in self.weights))

    def _flatten_layers(self):
        """This layer and all layers nested in it, each once, parents first."""
        found, stack = [], [self]
        while stack:
            layer = stack.pop(0)
            if all(layer is not f for f in found):
                found.append(layer)
                stack.extend(layer._sublayers())
        return found

    @property
    def losses(self):
        """Regularization terms of this layer and its sublayers, as scalar tensors to add to
        the loss: weight penalties, then activity penalties of the latest call."""
        return collect_losses(self._flatten_layers())

    def add_loss(self, loss):
        """Add a scalar tensor to the loss of the current call (e.g. an activity penalty)."""
        self._activity_losses.append(as_tensor(loss))

    # -- building ------------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of `input_shape` (the batch axis may be None)."""
        self.built = True

    def _maybe_build(self, shapes):
        if self.built:
            return
        first = shapes[0] if isinstance(shapes, list) and len(shapes) == 1 else shapes
        self._build_shapes = first
        self.build(first)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _check_inputs(self, shapes):
        spec = self.input_spec
        if spec is None:
            return
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        if len(specs) != len(shapes) and len(specs) > 1:
            raise ValueError(
                f'Layer "{self.name}" expects {len(specs)} input(s), but it received '
                f"{len(shapes)} input tensors."
            )
        for i, (s, shape) in enumerate(zip(specs, shapes)):
            if s is not None:
                s.check(self.name, i, shape)

    # -- calling ---------------------------------------------------------------------------
    def call(self, inputs, *args, **kwargs):
        """The layer's computation on tensors; the identity unless overridden."""
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, Tensor):  # the common case, kept cheap: one tensor in
            shapes = [inputs.data.shape]
        elif isinstance(inputs, np.ndarray):
            inputs = _to_tensor(inputs)
            shapes = [inputs.data.shape]
        else:
            if is_symbolic(inputs):
                return self._symbolic_call(inputs, args, kwargs)
            inputs = map_structure(_to_tensor, inputs)
            shapes = [t.shape for t in flatten(inputs)]
        if not self.built:
            self._check_sample_shape(shapes)
            self._check_inputs(shapes)  # the rank, before build reads the shape
            self._maybe_build([_unknown_batch(s) for s in shapes])
        self._check_inputs(shapes)
        if "training" in _call_parameters(type(self)):
            training = kwargs.get("training")
            if training is None:
                training = _CALL_CONTEXT["training"]
            kwargs["training"] = bool(training)
            previous, _CALL_CONTEXT["training"] = _CALL_CONTEXT["training"], kwargs["training"]
        else:
            kwargs.pop("training", None)
            previous = _CALL_CONTEXT["training"]
        masks = _masks_of(inputs)
        if masks is not None and kwargs.get("mask") is None and \
                "mask" in _call_parameters(type(self)):
            kwargs["mask"] = masks
        self._activity_losses = []
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            _CALL_CONTEXT["training"] = previous
        if masks is not None or type(self).compute_mask is not Layer.compute_mask:
            _attach_masks(inputs, outputs, self.compute_mask(inputs, masks))
        if self.activity_regularizer is not None:
            # Keras divides the activity penalty by the batch size.
            for out in flatten(outputs):
                self.add_loss(self.activity_regularizer(out) / (out.shape[0] if out.ndim else 1))
        return outputs

    def _check_sample_shape(self, shapes):
        """Catch the common mistake of an input_shape that includes the batch axis."""
        expected = self._batch_input_shape
        if expected is None or len(shapes) != 1:
            return
        got = shapes[0]
        if len(got) != len(expected):
            hint = ""
            if len(expected) == len(got) + 1:
                hint = (" The input_shape given to the layer seems to include the batch axis: "
                        f"pass input_shape={shape_str(expected[2:])} (one sample's shape).")
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"shape={shape_str(expected)}, but received input with shape "
                f"{shape_str(got)}.{hint}"
            )

    def _symbolic_call(self, inputs, args, kwargs):
        """Build, check and record a call on KerasTensors; work out the output shapes."""
        shapes = [t.shape for t in flatten(inputs) if isinstance(t, KerasTensor)]
        if not self.built:
            self._check_inputs(shapes)  # the rank, before build reads the shape
        self._maybe_build(shapes)
        self._check_inputs(shapes)
        specs = self.compute_output_spec(inputs, *args, **kwargs)
        node_index = len(self._inbound_nodes)
        counter = iter(range(len(flatten(specs))))
        outputs = map_specs(
            lambda spec: KerasTensor(spec[0], spec[1],
                                     history=(self, node_index, next(counter))), specs)
        self._inbound_nodes.append(Node(self, (inputs,) + tuple(args), kwargs, outputs))
        return outputs

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs (a boolean array over the leading axes, e.g. (batch,
        timesteps), True where a step is real): the input mask passed on when the layer
        supports masking, else None. Layers that make or change masks override this."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """The output shape for an input shape; by default found by running the layer."""
        placeholders = map_shapes(KerasTensor, input_shape)
        return map_specs(lambda spec: spec[0],
                         self._run_on_placeholders(placeholders, (), {}))

    def compute_output_spec(self, inputs, *args, **kwargs):
        """(shape, dtype) of each output for symbolic inputs."""
        if type(self).compute_output_shape is Layer.compute_output_shape:
            return self._run_on_placeholders(inputs, args, kwargs)
        dtype = flatten(inputs)[0].dtype
        shapes = self.compute_output_shape(map_structure(lambda t: t.shape, inputs))
        return map_shapes(lambda shape: (tuple(shape), dtype), shapes)

    def _run_on_placeholders(self, inputs, args, kwargs):
        """Run `call` on small zero tensors twice, with different sizes for unknown
        dimensions; output dimensions that change with them are unknown (None)."""
        runs = []
        for size in (2, 3):  # two sizes tell fixed output dimensions from unknown ones
            def placeholder(t, size=size):
                if not isinstance(t, KerasTensor):
                    return t
                shape = tuple(size if d is None else d for d in t.shape)
                return Tensor(np.zeros(shape, dtype=t.dtype))
            kw = dict(kwargs)
            if "training" in _call_parameters(type(self)):
                kw["training"] = False
            # Zeros may divide by zero or take log(0) inside call; only shapes matter here.
            with no_grad(), np.errstate(all="ignore"):
                out = self.call(map_structure(placeholder, inputs),
                                *map_structure(placeholder, list(args)), **kw)
            runs.append(out)
        self._activity_losses = []
        return map_structure_pair(
            lambda a, b: (tuple(x if x == y else None for x, y in zip(a.shape, b.shape)),
                          a.dtype), runs[0], runs[1])

    # -- configs -------------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, with Keras's keys, as JSON-friendly values."""
        # The input shape of a first layer is stored by the model, as an InputLayer (Keras 3).
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer from `get_config()`'s output."""
        config = dict(config)
        dtype = config.get("dtype")
        if isinstance(dtype, dict):  # Keras 3's DTypePolicy config
            config["dtype"] = dtype.get("config", {}).get("name", config.get("dtype"))
        if "batch_shape" in config and cls.__name__ != "InputLayer":
            config["batch_input_shape"] = config.pop("batch_shape")
        return cls(**config)

    def get_build_config(self):
        """The input shape the layer was built for, as Keras stores it."""
        if self._build_shapes is None:
            return None
        return {"input_shape": _jsonable_shape(self._build_shapes)}

    def build_from_config(self, config):
        if config and "input_shape" in config and not self.built:
            shape = config["input_shape"]
            self._maybe_build(_tuple_shape(shape))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# -- helpers -----------------------------------------------------------------------------------


def _masks_of(inputs):
    """The mask a tensor carries (or the list of masks of several inputs), or None."""
    if isinstance(inputs, Tensor):
        return getattr(inputs, "_keras_mask", None)
    masks = [getattr(t, "_keras_mask", None) for t in flatten(inputs)]
    return None if all(m is None for m in masks) else masks


def _attach_masks(inputs, outputs, masks):
    """Let each output tensor carry its mask, so the next layer receives it (Keras's mask
    propagation). An output that is the input itself keeps the mask it already has."""
    outs = flatten(outputs)
    masks = masks if isinstance(masks, (list, tuple)) and len(outs) > 1 else [masks] * len(outs)
    ins = flatten(inputs)
    for out, mask in zip(outs, masks):
        if isinstance(out, Tensor) and all(out is not i for i in ins):
            out._keras_mask = None if mask is None else to_array(mask).astype(bool, copy=False)


def collect_losses(layers):
    """The weight and activity penalties of `layers` (see Layer.losses)."""
    out = []
    for layer in layers:
        out.extend(reg(w) for w, reg in layer.__dict__.get("_weight_regularizers", ()))
        out.extend(layer._activity_losses)
    return out


def _dtype_name(dtype):
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name", config.floatx())
    if "mixed" in str(dtype):
        raise ValueError(f"Mixed-precision dtype policies are not supported, received {dtype!r}.")
    return np.dtype(dtype).name


def _first_layer_shape(kwargs):
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    shape = kwargs.get("input_shape")
    if shape is None and kwargs.get("input_dim") is not None:
        shape = (kwargs["input_dim"],)
    if shape is None:
        return None
    if isinstance(shape, int):
        shape = (shape,)
    return (kwargs.get("batch_size"),) + tuple(shape)


def _to_tensor(x):
    if isinstance(x, Tensor):
        return x
    array = to_array(x, where="A layer input")
    return Tensor(array)


def _unknown_batch(shape):
    return (None,) + tuple(shape[1:]) if len(shape) else tuple(shape)


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer))
                                                    for d in value)


def _tuple_shape(shape):
    if _is_shape(shape):
        return tuple(shape)
    return [tuple(s) for s in shape]


def _jsonable_shape(shape):
    if _is_shape(shape):
        return list(shape)
    return [list(s) for s in shape]


def map_shapes(fn, shapes):
    """fn applied to each shape in a shape or a (nested) list of shapes."""
    if _is_shape(shapes):
        return fn(tuple(shapes))
    return [map_shapes(fn, s) for s in shapes]


def map_specs(fn, specs):
    """fn applied to each (shape, dtype) pair in a nested structure of them."""
    if isinstance(specs, tuple) and len(specs) == 2 and isinstance(specs[1], np.dtype):
        return fn(specs)
    if isinstance(specs, dict):
        return {k: map_specs(fn, v) for k, v in specs.items()}
    return type(specs)(map_specs(fn, s) for s in specs)


def map_structure_pair(fn, a, b):
    if isinstance(a, (list, tuple)):
        return type(a)(map_structure_pair(fn, x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: map_structure_pair(fn, a[k], b[k]) for k in a}
    return fn(a, b)


_PARAMETERS = {}


def _call_parameters(cls):
    params = _PARAMETERS.get(cls)
    if params is None:
        params = _PARAMETERS[cls] = tuple(inspect.signature(cls.call).parameters)
    return params


def _short(values):
    text = repr(values)
    return text if len(text) < 200 else text[:197] + "..."


def standardize_tuple(value, n, name):
    """An int or a sequence of n ints as a tuple of n ints (kernel_size, strides, ...)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, (int, np.integer)) for v in value):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers, "
                         f"received {name}={value!r}.")
    return tuple(int(v) for v in value)
