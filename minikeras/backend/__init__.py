"""The array backend: float32 numpy tensors with reverse-mode autodiff, and the ops over them.

It knows nothing of layers or models; everything above it is built from what it exports.
"""

from . import ops, random
from .config import (backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                     set_image_data_format)
from .naming import clear_session
from .tensor import (Function, Tensor, Variable, as_tensor, enable_grad, is_grad_enabled,
                     no_grad, sum_to)
