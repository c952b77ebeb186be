"""One registry idiom for every family of named objects (activations, losses, optimizers, ...).

A family lists its objects once; `Registry.get` then accepts what Keras accepts wherever such
an object is expected: None, a name ('mse', 'MeanSquaredError'), a Keras config dict
(`{'class_name': ..., 'config': ...}`), a class, an instance or a plain callable.
`serialize`/`deserialize` round-trip objects through Keras's JSON config format. Users add their
own objects with `register_serializable`, or pass `custom_objects` when loading.

Nothing here executes code from a config: names are looked up, never evaluated.
"""

import difflib
import inspect
import re

_CUSTOM_OBJECTS = {}


def snake_case(name):
    """'MeanSquaredError' -> 'mean_squared_error'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _edit_distance(a, b):
    """Edits (insert, delete, replace, swap two neighbours) that turn a into b."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def closest_name(name, candidates):
    """The candidate a typo most likely meant ('adma' -> 'adam'), or None if none is close."""
    lowered = name.lower()
    scored = [(_edit_distance(lowered, c.lower()), _edit_distance(name, c),
               -difflib.SequenceMatcher(None, lowered, c.lower()).ratio(), c)
              for c in candidates]
    if not scored:
        return None
    distance, _, _, best = min(scored)
    return best if distance <= max(2, len(name) // 3) else None


def register_serializable(package="Custom", name=None):
    """Decorator that makes a user's class or function loadable by name from saved configs.

    It is registered as 'package>name' (Keras's convention) and under its plain name.

    >>> @register_serializable(package="my_layers")
    ... class Scale(Layer): ...
    """
    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if registered in _CUSTOM_OBJECTS and _CUSTOM_OBJECTS[registered] is not obj:
            raise ValueError(f"{registered!r} has already been registered to "
                             f"{_CUSTOM_OBJECTS[registered]!r}.")
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise TypeError(f"Cannot register {obj.__name__}: a serializable class needs a "
                            f"get_config() method.")
        _CUSTOM_OBJECTS[registered] = obj
        _CUSTOM_OBJECTS[name or obj.__name__] = obj
        obj._registered_name = registered
        return obj

    return decorator


def get_custom_objects():
    """The global dict of registered custom objects (name -> class or function)."""
    return _CUSTOM_OBJECTS


def registered_name(obj):
    """The name under which `obj` (a class, function or instance) is registered, if any."""
    target = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    return getattr(target, "_registered_name", None)


class Registry:
    """The named objects of one family.

    Args:
        family: what the objects are, for messages ('loss', 'activation').
        module: the Keras module they live in, for configs ('keras.losses').
        objects: the classes and functions, each found by its `__name__`.
        aliases: extra names, e.g. {'mse': mean_squared_error}.
        instantiate: whether `get` turns a class (or a class found by name) into an instance.
    """

    def __init__(self, family, module, objects, aliases=None, instantiate=True):
        self.family = family
        self.module = module
        self.instantiate = instantiate
        self.objects = {obj.__name__: obj for obj in objects}
        self.objects.update(aliases or {})

    def names(self):
        """All the names `get` accepts, sorted."""
        return sorted(self.objects)

    def lookup(self, name, custom_objects=None):
        """The class or function registered under `name` (custom objects first)."""
        for table in (custom_objects or {}, _CUSTOM_OBJECTS, self.objects):
            if name in table:
                return table[name]
        close = closest_name(name, self.names())
        hint = f" Did you mean {close!r}?" if close else ""
        raise ValueError(
            f"Unknown {self.family}: {name!r}.{hint} Valid names are: "
            f"{', '.join(repr(n) for n in self.names())}. A custom {self.family} must be "
            f"passed as an object, registered with "
            f"minikeras.saving.register_keras_serializable, or given in custom_objects."
        )

    def get(self, identifier, custom_objects=None):
        """Resolve anything Keras accepts as a {family} to an object."""
        if identifier is None:
            return None
        if isinstance(identifier, str):
            obj = self.lookup(identifier, custom_objects)
            return obj() if self.instantiate and inspect.isclass(obj) else obj
        if isinstance(identifier, dict):
            return self.deserialize(identifier, custom_objects)
        if inspect.isclass(identifier):
            return identifier() if self.instantiate else identifier
        if callable(identifier) or hasattr(identifier, "get_config"):
            return identifier
        raise TypeError(
            f"Could not interpret {self.family} identifier {identifier!r} of type "
            f"{type(identifier).__name__}: expected a name, a config dict, a class, an "
            f"instance or a callable."
        )

    def serialize(self, obj):
        """Keras's config for `obj`: a plain name for a registered function, else a dict."""
        if obj is None:
            return None
        if inspect.isfunction(obj) or inspect.isbuiltin(obj):
            custom = registered_name(obj)
            if custom:
                return custom
            if self.objects.get(obj.__name__) is obj:
                return obj.__name__
            raise ValueError(
                f"Cannot serialize the {self.family} function {obj.__name__!r}: it is not a "
                f"built-in one. Register it with minikeras.saving.register_keras_serializable."
            )
        if not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot serialize {obj!r}: it has no get_config() method.")
        custom = registered_name(obj)
        return {
            "module": None if custom else self.module,
            "class_name": type(obj).__name__,
            "config": obj.get_config(),
            "registered_name": custom,
        }

    def deserialize(self, config, custom_objects=None):
        """An object from its config (a name or a `{'class_name', 'config'}` dict)."""
        if isinstance(config, str):
            return self.get(config, custom_objects)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"Could not deserialize {self.family} config {config!r}: expected a name or a "
                f"dict with 'class_name' and 'config'."
            )
        if config["class_name"] == "function" and isinstance(config.get("config"), str):
            # Keras 3 stores a plain function as {"class_name": "function", "config": name}.
            return self.get(config.get("registered_name") or config["config"], custom_objects)
        name = config.get("registered_name") or config["class_name"]
        try:
            cls = self.lookup(name, custom_objects)
        except ValueError:
            cls = self.lookup(config["class_name"], custom_objects)
        inner = config.get("config") or {}
        if not inspect.isclass(cls):
            return cls  # a function stored with a class_name, as Keras does for some losses
        if hasattr(cls, "from_config"):
            return cls.from_config(inner)
        return cls(**inner)
