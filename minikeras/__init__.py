"""minikeras: the Keras API on numpy, small enough to read and fast on a CPU.

>>> import minikeras as keras
>>> model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
"""

__version__ = "0.1.0.dev0"

from . import (activations, backend, callbacks, constraints, datasets, initializers, layers,
               losses, metrics, models, ops, optimizers, preprocessing, regularizers, saving,
               testing, tuner, utils)
from .backend import Variable, no_grad
from .backend.tensor import Tensor
from .layers import Input, Layer
from .models import Model, Sequential
