"""Core layers: Input, Dense, Activation, Dropout, Flatten, Lambda, Masking."""

import inspect

import numpy as np

from .. import activations, constraints, initializers, regularizers
from ..backend import config, random
from ..backend.ops import linalg, nn, shape as shape_ops
from ..backend.tensor import to_array
from ..registry import get_custom_objects, registered_name
from .base import InputSpec, KerasTensor, Layer, Node, map_shapes, shape_str


class InputLayer(Layer):
    """The entry point of a model: it holds the shape and dtype of the inputs.

    Usually made by `Input(shape=...)` rather than directly.

    Args:
        shape: the shape of one sample, without the batch axis, e.g. (784,).
        batch_size: optional fixed batch size.
        dtype: the dtype of the inputs (default floatx()).
        batch_shape: the full shape including the batch axis, instead of shape/batch_size.
        name: the layer's name (default 'input_layer', numbered).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        for old in ("input_shape", "batch_input_shape"):  # tf.keras 2 spellings
            if old in kwargs:
                value = kwargs.pop(old)
                if old == "input_shape":
                    shape = value
                else:
                    batch_shape = value
        kwargs.pop("ragged", None)
        if shape is not None and batch_shape is not None:
            raise ValueError("InputLayer: pass either `shape` or `batch_shape`, not both.")
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "InputLayer needs the shape of one sample: pass `shape`, e.g. "
                    "Input(shape=(784,)) for vectors of 784 values."
                )
            if isinstance(shape, (int, np.integer)):
                shape = (int(shape),)
            batch_shape = (batch_size,) + tuple(shape)
        batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        if any(d is not None and d < 0 for d in batch_shape):
            raise ValueError(f"InputLayer: a shape cannot have negative sizes, received "
                             f"{shape_str(batch_shape)}.")
        if sparse:
            raise ValueError("InputLayer: sparse inputs are not supported.")
        super().__init__(name=name, dtype=config.floatx() if dtype is None else dtype, **kwargs)
        self.batch_shape = batch_shape
        self.optional = optional
        self.built = True
        tensor = KerasTensor(batch_shape, self.dtype, name=self.name, history=(self, 0, 0))
        self._inbound_nodes = [Node(self, (), {}, tensor)]

    @property
    def input(self):
        """The symbolic tensor this layer stands for (the same as `output`)."""
        return self.output

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False,
                "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """A symbolic input for the Functional API: `inputs = Input(shape=(784,))`.

    Args:
        shape: the shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        dtype: the dtype of the inputs (default floatx()).
        batch_shape: the full shape including the batch axis, instead of shape/batch_size.
        name: the name of the input layer.

    >>> inputs = Input(shape=(784,))
    >>> inputs.shape
    (None, 784)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional)
    return layer.output


_FUSED = {activations.linear: "", activations.relu: "relu", activations.tanh: "tanh"}


class Dense(Layer):
    """The densely connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: the number of outputs.
        activation: an activation name or function (default: none, i.e. linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers ('glorot_uniform', 'zeros').
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional constraints applied after updates.

    Input shape: (batch_size, ..., input_dim).
    Output shape: (batch_size, ..., units).

    >>> layer = Dense(12, input_dim=8, kernel_initializer="random_uniform")
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, (bool, np.bool_)) or not isinstance(units, (int, np.integer)) \
                or units <= 0:
            raise ValueError(
                f'Layer "{self.name}": received an invalid value for `units`, expected a '
                f"positive integer. Received: units={units!r}"
            )
        if lora_rank or quantization_config is not None:
            raise ValueError(f'Layer "{self.name}": LoRA and quantization are not supported '
                             f"(lora_rank, quantization_config).")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of its input must have a known size, '
                f"received input shape {shape_str(input_shape)}."
            )
        self.kernel = self.add_weight(shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        fused = _FUSED.get(self.activation)
        if fused is not None:  # linear, relu, tanh: one op with the matrix product
            return linalg.dense(inputs, self.kernel, self.bias, activation=fused or None)
        return self.activation(linalg.dense(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class Activation(Layer):
    """Applies an activation function: `Activation('relu')`.

    Args:
        activation: an activation name or function.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Dropout(Layer):
    """Sets a random fraction `rate` of the inputs to 0 during training and scales the rest by
    1 / (1 - rate) ("inverted dropout"), so nothing changes at inference.

    Args:
        rate: the fraction of inputs to drop, in [0, 1).
        noise_shape: optional shape of the mask, broadcast over the inputs (e.g. to drop
            whole feature maps); None means one draw per input value.
        seed: optional integer seed for this layer's masks.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.number)) \
                or not 0 <= rate < 1:
            raise ValueError(
                f'Layer "{self.name}": invalid value received for argument `rate`. Expected a '
                f"float value between 0 and 1 (1 excluded). Received: rate={rate!r}"
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generator = random.generator(seed) if seed is not None else None
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        return nn.dropout(inputs, self.rate, self.noise_shape, seed=self._generator)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": None if self.noise_shape is None
                       else list(self.noise_shape)})
        return config


class Flatten(Layer):
    """Flattens each sample to one axis: (batch, 4, 4, 8) becomes (batch, 128).

    Args:
        data_format: 'channels_last' (default) or 'channels_first'; with channels_first the
            values are reordered as Keras does so weights exchange between the formats.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or config.image_data_format()
        self.input_spec = InputSpec(min_ndim=1)
        self.supports_masking = True

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            order = (0,) + tuple(range(2, inputs.ndim)) + (1,)
            inputs = shape_ops.transpose(inputs, order)
        return shape_ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest))
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Lambda(Layer):
    """Wraps a function of tensors as a layer: `Lambda(lambda x: x ** 2)`.

    Handy for quick experiments in Sequential and Functional models. A Python lambda cannot be
    saved in a portable, safe way: a model holding one is refused when loaded from a config
    (as by Keras in safe mode). Use a named function, registered with
    `minikeras.saving.register_keras_serializable` (or passed in `custom_objects`), to save
    and load, or write a Layer subclass.

    Args:
        function: the function; it receives the input tensor(s) first.
        output_shape: the output shape without the batch axis, or a function of the input
            shape giving the full output shape; by default found by running the function.
        mask: None, a function `mask(inputs, mask)` giving the output mask, or a fixed mask.
        arguments: a dict of keyword arguments passed to the function.

    >>> Lambda(lambda x: x * 2)(np.ones((1, 2), dtype="float32"))
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f'Layer "{self.name}": the `function` argument of a Lambda layer must be '
                f"callable, received {function!r} of type {type(function).__name__}."
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = tuple(output_shape) if isinstance(output_shape, list) \
            else output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):  # some builtins have no signature
            parameters = {}
        self._fn_expects_training = "training" in parameters
        self._fn_expects_mask = "mask" in parameters

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask:
            kwargs["mask"] = mask
        if self._fn_expects_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_spec(self, inputs, *args, **kwargs):
        if self._output_shape is None:
            # The function runs on zeros here; log(0) or 0 / 0 must not warn at model definition.
            with np.errstate(all="ignore"):
                return self._run_on_placeholders(inputs, args, kwargs)
        dtype = [t for t in _leaves(inputs) if isinstance(t, KerasTensor)][0].dtype
        shapes = self.compute_output_shape([t.shape for t in _leaves(inputs)]
                                           if isinstance(inputs, (list, tuple)) else inputs.shape)
        return map_shapes(lambda shape: (tuple(shape), dtype), shapes)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        first = input_shape if _is_int_shape(input_shape) else input_shape[0]
        batch = first[0] if len(first) else None
        return map_shapes(lambda shape: (batch,) + tuple(shape), self._output_shape)

    def compute_mask(self, inputs, mask=None):
        """The output mask: from the `mask` function, or the fixed `mask` (None by default)."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        config["function"] = _serialize_function(self.function, self.name)
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_function(self._output_shape, self.name)
                                      if callable(self._output_shape) else self._output_shape)
        if callable(self.mask):
            config["mask"] = _serialize_function(self.mask, self.name)
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A Lambda layer from its config; a Python lambda's bytecode is never loaded."""
        config = dict(config)
        where = f'Lambda layer "{config.get("name", "lambda")}"'
        # tf.keras 2 configs say how each function was stored.
        for key, kind_key in (("function", "function_type"),
                              ("output_shape", "output_shape_type")):
            kind = config.pop(kind_key, None)
            config.pop("module" if key == "function" else "output_shape_module", None)
            if kind == "lambda":
                _refuse_lambda(where)
            if kind == "raw" and isinstance(config.get(key), list):
                config[key] = tuple(config[key])
        config["function"] = _deserialize_function(config["function"], custom_objects, where)
        for key in ("output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, (str, dict)):
                config[key] = _deserialize_function(value, custom_objects, where)
        return super().from_config(config)


def _leaves(inputs):
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


def _is_int_shape(shape):
    return isinstance(shape, tuple) and all(d is None or isinstance(d, (int, np.integer))
                                            for d in shape)


def _serialize_function(fn, layer_name):
    """Keras's config for a function held by a Lambda layer."""
    name = getattr(fn, "__name__", None)
    if name == "<lambda>":
        # Keras stores a lambda's marshalled bytecode here; minikeras never writes or runs
        # bytecode, so it keeps the source text, for people to read, and refuses to load it.
        try:
            source = inspect.getsource(fn).strip()
        except (OSError, TypeError):
            source = None
        return {"class_name": "__lambda__",
                "config": {"code": source, "defaults": None, "closure": None}}
    if name is None:
        raise ValueError(
            f'Layer "{layer_name}": cannot save the Lambda function {fn!r}: only named '
            f"functions can be stored in a config. Use a `def` function."
        )
    from .. import activations, ops
    for module, public in (("keras.ops", ops), ("keras.activations", activations)):
        if getattr(public, name, None) is fn:
            return {"module": module, "class_name": "function", "config": name,
                    "registered_name": name}
    return {"module": fn.__module__, "class_name": "function", "config": name,
            "registered_name": registered_name(fn) or name}


def _refuse_lambda(where):
    raise ValueError(
        f"Requested the deserialization of {where}, whose function is a Python lambda. "
        f"Loading it would mean running bytecode from the file, which carries a risk of "
        f"arbitrary code execution, so it is refused (Keras refuses it too unless "
        f"safe_mode=False; minikeras has no unsafe mode). Recreate the layer in code, or use "
        f"a named function registered with minikeras.saving.register_keras_serializable."
    )


def _deserialize_function(config, custom_objects, where):
    """The function named by a Lambda config entry, looked up by name, never executed."""
    if isinstance(config, (list, tuple)):  # tf.keras 2's (bytecode, defaults, closure)
        _refuse_lambda(where)
    if isinstance(config, dict):
        if config.get("class_name") == "__lambda__":
            _refuse_lambda(where)
        names = [config.get("registered_name"), config.get("config")]
        module = config.get("module") or ""
    else:
        names, module = [config], ""
    from .. import activations, ops
    tables = [custom_objects or {}, get_custom_objects()]
    if not module or module.startswith("keras"):
        public = (activations, ops) if "activations" in module else (ops, activations)
        tables += [{k: v for k, v in vars(m).items() if inspect.isfunction(v)} for m in public]
    for table in tables:
        for name in names:
            if isinstance(name, str) and callable(table.get(name)):
                return table[name]
    raise ValueError(
        f"Could not find the function {names[-1]!r} (module {module or 'unknown'!r}) used by "
        f"{where}. Pass it in custom_objects={{{names[-1]!r}: function}} or register it "
        f"with minikeras.saving.register_keras_serializable."
    )


class Masking(Layer):
    """Masks the timesteps whose features all equal `mask_value`, so later layers skip them.

    A timestep (a position along axis 1) is masked when every value along the last axis equals
    `mask_value`; its values are set to 0 and the mask (True where a step is real) travels
    with the output to the next layers, e.g. an LSTM, which then carries its state over the
    masked steps. Use it for padded sequences of feature vectors; for padded token ids use
    `Embedding(mask_zero=True)` instead.

    Args:
        mask_value: the value that marks a padded step (default 0.0).

    Input shape: (batch_size, timesteps, features), or any shape with at least 2 axes.
    Output shape: the same as the input.

    >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], dtype="float32")
    >>> Masking()(x)._keras_mask
    array([[ True, False]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, (bool, np.bool_)) or \
                not isinstance(mask_value, (int, float, np.integer, np.floating)):
            raise TypeError(
                f'Layer "{self.name}": `mask_value` must be a number, the value of the '
                f"features at padded steps. Received: mask_value={mask_value!r}"
            )
        # A numpy scalar becomes a Python number, so the config stays JSON.
        self.mask_value = mask_value.item() if isinstance(mask_value, np.generic) else mask_value
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=2)

    def _real_steps(self, array):
        return np.any(array != self.mask_value, axis=-1)

    def call(self, inputs):
        keep = self._real_steps(inputs.data)[..., None]
        return inputs * keep.astype(inputs.dtype)

    def compute_mask(self, inputs, mask=None):
        """True at the steps where some feature differs from `mask_value`."""
        if isinstance(inputs, KerasTensor):
            return KerasTensor(inputs.shape[:-1], "bool")
        return self._real_steps(to_array(inputs, where=f'Layer "{self.name}"'))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
