"""The Embedding layer: integer indices (word ids) to dense vectors."""

import numpy as np

from .. import constraints, initializers, regularizers
from ..backend.ops import shape as shape_ops
from ..backend.tensor import Tensor, to_array
from .base import KerasTensor, Layer


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors: row `i` of a learned matrix.

    Args:
        input_dim: the vocabulary size, i.e. the largest index + 1.
        output_dim: the length of each vector.
        embeddings_initializer: initializer of the `embeddings` matrix (default 'uniform',
            i.e. RandomUniform(-0.05, 0.05)).
        embeddings_regularizer: optional penalty on the matrix.
        embeddings_constraint: optional constraint on the matrix.
        mask_zero: whether index 0 is padding to be masked out by later layers; then
            `compute_mask` gives `inputs != 0`, and index 0 must not be a real word.
        weights: optional initial matrix of shape (input_dim, output_dim).

    Indices may come as integers or as floats holding whole numbers (a float32 `Input`
    carries them); anything else is an error, as are indices outside [0, input_dim).
    `input_length` (tf.keras 2) is accepted: on a first layer it sets the input shape.

    Input shape: (batch_size, ...) of indices, usually (batch_size, sequence_length).
    Output shape: (batch_size, ..., output_dim).

    >>> Embedding(1000, 64)(np.array([[4, 20]])).shape
    (1, 2, 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        input_length = kwargs.pop("input_length", None)
        if input_length is not None and not any(kwargs.get(k) is not None for k in (
                "input_shape", "batch_input_shape", "input_dim")):
            kwargs["input_shape"] = (input_length,)
        if weights is not None and not (isinstance(weights, list) and len(weights) == 1):
            weights = [weights]
        super().__init__(weights=weights, **kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
                    or value <= 0:
                raise ValueError(
                    f'Layer "{self.name}": received an invalid value for `{arg}`, expected a '
                    f"positive integer. Received: {arg}={value!r}"
                )
        if lora_rank or quantization_config:
            raise ValueError(f'Layer "{self.name}": LoRA and quantization are not supported '
                             f"(lora_rank, quantization_config).")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint,
                                          name="embeddings")
        self.built = True

    def call(self, inputs):
        indices = to_array(inputs, where=f'Layer "{self.name}"')
        if indices.dtype.kind == "f":
            whole = np.isfinite(indices) & (indices == np.round(indices))
            if not whole.all():
                raise ValueError(
                    f'Layer "{self.name}" expects integer indices, but received floats that are '
                    f"not whole numbers, e.g. {float(indices[~whole].flat[0])}. Pass the token ids "
                    f"(integers from 0 to input_dim - 1 = {self.input_dim - 1})."
                )
            indices = indices.astype(np.int64)
        elif indices.dtype.kind not in "iu":
            raise TypeError(f'Layer "{self.name}" expects integer indices, but received an '
                            f"array of dtype {indices.dtype}.")
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            raise ValueError(
                f'Layer "{self.name}": every index must lie in [0, input_dim) = '
                f"[0, {self.input_dim}), but received indices from {indices.min()} to "
                f"{indices.max()}. Set input_dim to the vocabulary size (the largest index + 1)."
            )
        return shape_ops.take(self.embeddings, indices, axis=0)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` when `mask_zero`, else None."""
        if not self.mask_zero:
            return None
        if isinstance(inputs, KerasTensor):
            return KerasTensor(inputs.shape, "bool")
        return Tensor(to_array(inputs, where=f'Layer "{self.name}"') != 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs, *args, **kwargs):
        # The output has the embeddings' dtype, whatever the dtype of the indices.
        return self.compute_output_shape(inputs.shape), np.dtype(self.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        })
        return config
