"""Optimizers by their Keras names, for `model.compile(optimizer='adam')` and friends.

Each updates a list of Variables in place from their gradients, with Keras 3's update rules,
defaults, variable names and configs. `get` accepts a name ('adam', 'Adam', 'rmsprop'), a
config dict, a class or an instance; a name gives a new instance with the default settings.

>>> from minikeras import optimizers
>>> optimizer = optimizers.get("adam")
>>> optimizer.apply(grads, variables)    # after loss.backward(): grads = [v.grad for v in ...]
"""

from ..registry import Registry
from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import Optimizer
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

ALL_OBJECTS = (SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Adamax, Nadam)
_REGISTRY = Registry("optimizer", "keras.optimizers", ALL_OBJECTS,
                     aliases={cls.__name__.lower(): cls for cls in ALL_OBJECTS})


def _canonical(name):
    # Keras matches optimizer names case-insensitively ('RMSProp' finds RMSprop).
    if name not in _REGISTRY.objects and name.lower() in _REGISTRY.objects:
        return name.lower()
    return name


def serialize(optimizer):
    """Keras's config dict for an optimizer: `{'module', 'class_name', 'config', ...}`."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"serialize expected an Optimizer, but received {type(optimizer).__name__} "
            f"{optimizer!r}."
        )
    return _REGISTRY.serialize(optimizer)


def deserialize(config, custom_objects=None):
    """An optimizer from its name or config dict (what `serialize` returns)."""
    if isinstance(config, str):
        config = _canonical(config)
    elif isinstance(config, dict) and isinstance(config.get("class_name"), str):
        config = dict(config, class_name=_canonical(config["class_name"]))
    return _checked(_REGISTRY.deserialize(config, custom_objects), config)


def get(identifier):
    """An optimizer for a name, a config dict, a class or an instance (None gives None)."""
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    return _checked(_REGISTRY.get(identifier), identifier)


def _checked(obj, identifier):
    if obj is None or isinstance(obj, Optimizer):
        return obj
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Expected an optimizer "
        f"name such as 'adam', a config dict, an Optimizer class or an Optimizer instance."
    )
