"""`Model`: a layer that can be trained. Functional, Sequential and subclassed models share it."""

import numpy as np

from ..backend.tensor import no_grad
from ..layers.base import KerasTensor, Layer, map_shapes
from .summary import print_summary
from .trainer import Trainer


class Model(Trainer, Layer):
    """A trainable stack or graph of layers, with compile/fit/evaluate/predict.

    Three ways to make one, as in Keras:

    - Functional: `Model(inputs, outputs)` with `inputs = Input(shape=...)` and outputs made by
      calling layers on them.
    - Sequential: `Sequential([Dense(...), ...])` (see `minikeras.models.Sequential`).
    - Subclassing: define layers in `__init__` and the forward pass in `call(inputs)`.

    >>> inputs = Input(shape=(8,))
    >>> outputs = Dense(1, activation="sigmoid")(Dense(12, activation="relu")(inputs))
    >>> model = Model(inputs, outputs)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, name=None, trainable=True, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: a subclassed model defines its layers in __init__ and "
                f"its forward pass in call(); to build a model from inputs and outputs, use "
                f"keras.Model(inputs, outputs) itself."
            )
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from its config: a Functional graph when the config describes one."""
        if "input_layers" in config and "layers" in config:
            from ..saving.config import functional_from_config
            from .functional import Functional
            return functional_from_config(Functional if cls is Model else cls, config,
                                          custom_objects)
        return cls(**config)

    @property
    def layers(self):
        """The model's layers, in the order they were set as attributes."""
        return [layer for layer in self._sublayers() if isinstance(layer, Layer)]

    def get_layer(self, name=None, index=None):
        """A layer by its name or by its index in `layers`."""
        if (name is None) == (index is None):
            raise ValueError("get_layer needs exactly one of `name` or `index`.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model "
                                 f"only has {len(layers)} layers.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of the layers, their output shapes and parameter counts."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    def build(self, input_shape=None):
        """Build a subclassed model's layers for inputs of `input_shape` (batch axis included,
        e.g. (None, 784)) by tracing `call` once on symbolic inputs, which also gives
        `summary()` its output shapes. Without a shape, the layers build on the first call."""
        if input_shape is not None and type(self).call is not Layer.call:
            placeholders = map_shapes(lambda shape: KerasTensor(shape), input_shape)
            try:
                self.call(placeholders)
            except TypeError:
                # call uses something symbolic tensors do not support (e.g. raw ops): build
                # by running it on zeros instead.
                zeros = map_shapes(lambda shape: np.zeros(
                    tuple(1 if d is None else d for d in shape), dtype=self.dtype), input_shape)
                with no_grad():
                    self.call(zeros)
        self.built = True

    # -- saving --------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, zipped=None, include_optimizer=True,
             save_format=None):
        """Save the whole model: architecture, weights, compile settings, optimizer state.

        `model.keras` gives Keras 3's zip archive, `model.h5` the legacy HDF5 file; both
        load here and in Keras with `keras.models.load_model`. See `keras.saving.save_model`.

        Args:
            filepath: where to write; its extension picks the format.
            overwrite: whether to replace an existing file without asking.
            zipped: None or True (.keras files are zip archives).
            include_optimizer: for .h5 files, whether to save the compile settings and the
                optimizer's state.
            save_format: deprecated in Keras 3; 'h5' is still accepted.

        >>> model.save("model.keras")
        """
        from ..saving.saving_api import save_model
        save_model(self, filepath, overwrite=overwrite, zipped=zipped,
                   include_optimizer=include_optimizer, save_format=save_format)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """Save the weights (and the optimizer's state) to `filepath`.

        A name ending in `.weights.h5` gives Keras 3's layout; `.h5` the legacy layout of
        tf.keras 2. See `keras.saving.save_weights`.

        Args:
            filepath: where to write.
            overwrite: whether to replace an existing file without asking.
            save_format: 'h5' or None (tf.keras 2's argument).

        >>> model.save_weights("model.weights.h5")
        """
        from ..saving.saving_api import save_weights
        save_weights(self, filepath, overwrite=overwrite, save_format=save_format)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False):
        """Load weights saved by `save_weights` or `save` (here or in Keras).

        Args:
            filepath: a .weights.h5, .keras or legacy .h5 file.
            skip_mismatch: warn about and skip weights whose shape does not match.
            by_name: for legacy .h5 files, load each saved layer into the layer of that name.

        >>> model.load_weights("model.weights.h5")
        """
        from ..saving.saving_api import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def to_json(self, **kwargs):
        """The model's config as a JSON string, as Keras 3 writes it; rebuild the model with
        `keras.models.model_from_json`.

        Args:
            **kwargs: passed to `json.dumps` (e.g. indent=2).

        >>> model = keras.models.model_from_json(model.to_json())
        """
        from ..saving.saving_api import model_to_json
        return model_to_json(self, **kwargs)
