"""Sequential models: a plain stack of layers, each feeding the next."""

from ..layers.base import KerasTensor, Layer, shape_str
from ..layers.core import InputLayer
from .model import Model


class Sequential(Model):
    """A linear stack of layers.

    The model is built as soon as it knows its input shape (from an `Input`, or from
    `input_shape`/`input_dim` on the first layer); every layer is then built and checked at
    once, so a mismatch fails at construction and names the layer. Otherwise it is built on
    its first call, from the data.

    Args:
        layers: optional list of layers to add.
        name: the model's name.

    >>> model = Sequential()
    >>> model.add(Dense(12, input_dim=8, activation="relu"))
    >>> model.add(Dense(1, activation="sigmoid"))
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        self._input_layer = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    @property
    def layers(self):
        """The layers in order (without the input layer, as in Keras)."""
        return list(self._stack)

    def add(self, layer, rebuild=True):
        """Add a layer on top of the stack (an `Input` tensor sets the input shape)."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError(
                    f'Sequential model "{self.name}": an Input can only be added first, before '
                    f"any other layer."
                )
            self._input_layer = layer
        else:
            names = [existing.name for existing in self._stack]
            if layer.name in names:
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. Name "
                    f'"{layer.name}" is already the name of a layer in this model. Update the '
                    f"`name` argument to pass a unique name."
                )
            self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self._stack:
            raise IndexError("There are no layers in the model.")
        layer = self._stack.pop()
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        """Trace the stack symbolically once the input shape is known."""
        self.built = False
        if self._input_layer is None and self._stack:
            shape = self._stack[0]._batch_input_shape
            if shape is not None:
                self._input_layer = InputLayer(batch_shape=shape, dtype=self._stack[0].dtype)
        if self._input_layer is not None and self._stack:
            self._trace(self._input_layer.output)

    @property
    def input(self):
        """The input tensor, once the model knows its input shape."""
        return self._traced("input").inputs[0]

    @property
    def output(self):
        """The output tensor of the last layer, once the model knows its input shape."""
        return self._traced("output").outputs[0]

    def _traced(self, what):
        if not self.built or not getattr(self, "inputs", None):
            raise ValueError(
                f"Sequential model '{self.name}' has no defined {what} yet. Give the first "
                f"layer an input shape (keras.Input(shape=...) or input_shape=...), or call "
                f"the model on data first."
            )
        return self

    def _trace(self, inputs):
        x = inputs
        for layer in self._stack:
            x = layer(x)
            if isinstance(x, (list, tuple)) and len(x) != 1:
                raise ValueError(
                    f'Layer "{layer.name}" in a Sequential model returned {len(x)} tensors; '
                    f"each layer of a Sequential model must have exactly one output. Use the "
                    f"Functional API for layers with several outputs."
                )
        self.inputs = [inputs]
        self.outputs = [x]
        self._build_shapes = inputs.shape
        self.built = True

    def build(self, input_shape=None):
        """Build all layers for inputs of `input_shape` (including the batch axis)."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f'Sequential model "{self.name}" cannot be built: it does not know its '
                    f"input shape. Pass input_shape to the first layer, add an Input, or "
                    f"call build((None, ...))."
                )
            return
        input_shape = tuple(input_shape)
        if self._input_layer is None or self._input_layer.batch_shape[1:] != input_shape[1:]:
            self._input_layer = InputLayer(batch_shape=(None,) + input_shape[1:])
        if not self._stack:
            raise ValueError(f'Sequential model "{self.name}" has no layers to build.')
        self._trace(self._input_layer.output)

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._stack:
            x = layer(x)
        return x

    def compute_output_spec(self, inputs, *args, **kwargs):
        if not self.built:
            self.build(inputs.shape)
        out = self.outputs[0]
        return (out.shape, out.dtype)

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f'Sequential model "{self.name}" has no defined input shape.')
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        if not self.built:
            raise AttributeError(f'Sequential model "{self.name}" has not been built yet.')
        return self.outputs[0].shape

    def get_config(self):
        from ..saving.config import sequential_config
        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.config import sequential_from_config
        return sequential_from_config(cls, config, custom_objects)

    def __repr__(self):
        shape = shape_str(self._input_layer.batch_shape) if self._input_layer else "unknown"
        return f"<Sequential name={self.name}, layers={len(self._stack)}, input={shape}>"
