"""Layers, named as in keras.layers, and their registry for configs."""

import inspect

from ..registry import Registry
from .base import InputSpec, KerasTensor, Layer
from .activations import ELU, PReLU, LeakyReLU, ReLU, Softmax
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Lambda, Masking
from .embedding import Embedding
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, dot, maximum, minimum, multiply, subtract)
from .regularization import (ActivityRegularization, GaussianDropout, GaussianNoise,
                             SpatialDropout1D, SpatialDropout2D)
from .reshaping import (Cropping1D, Cropping2D, Permute, RepeatVector, Reshape, UpSampling1D,
                        UpSampling2D, ZeroPadding1D, ZeroPadding2D)

from . import convolutional, normalization, pooling, preprocessing, recurrent, wrappers
from .convolutional import *  # noqa: F403 - each module lists its layers in __all__
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .preprocessing import *  # noqa: F403
from .recurrent import *  # noqa: F403
from .wrappers import *  # noqa: F403

ALL_LAYERS = (InputLayer, Dense, Activation, Dropout, Flatten, Lambda, Masking,
              Reshape, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D,
              ZeroPadding2D, Cropping1D, Cropping2D,
              Embedding,
              Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
              ActivityRegularization, GaussianNoise, GaussianDropout, SpatialDropout1D,
              SpatialDropout2D,
              ReLU, LeakyReLU, PReLU, ELU, Softmax) + \
    convolutional.LAYERS + pooling.LAYERS + normalization.LAYERS + preprocessing.LAYERS + \
    recurrent.LAYERS + wrappers.LAYERS


def _registry():
    from ..models import Functional, Model, Sequential
    return Registry("layer", "keras.layers", ALL_LAYERS + (Sequential, Functional, Model),
                    instantiate=False)


def serialize(layer):
    """Keras's config dict for a layer."""
    return _registry().serialize(layer)


def deserialize(config, custom_objects=None):
    """A new layer from Keras's config dict (`{'class_name': ..., 'config': ...}`)."""
    registry = _registry()
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"A layer config must be a dict with 'class_name' and 'config', "
                         f"received {config!r:.100}.")
    cls = registry.lookup(config.get("registered_name") or config["class_name"], custom_objects)
    inner = config.get("config") or {}
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        layer = cls.from_config(inner, custom_objects=custom_objects)  # models hold layers
    else:
        layer = cls.from_config(inner)
    build = config.get("build_config")
    if build and not layer.built and hasattr(layer, "build_from_config"):
        layer.build_from_config(build)
    return layer
