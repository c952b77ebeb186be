"""minikeras: the Keras API on numpy, small enough to read and fast on a CPU.

>>> import minikeras as keras
>>> x = keras.ops.convert_to_tensor([1.0, 2.0])
"""

__version__ = "0.1.0.dev0"

from . import backend, ops, testing, utils
from .backend import Variable, no_grad
from .backend.tensor import Tensor
