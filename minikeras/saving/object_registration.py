"""Users' own classes and functions for saved configs: registration and temporary scopes.

The table itself lives in `minikeras.registry`, which every family of objects (layers, losses,
metrics, ...) consults when it looks a name up.
"""

import inspect

from ..registry import get_custom_objects, register_serializable, registered_name

register_keras_serializable = register_serializable


class CustomObjectScope:
    """A `with` block inside which extra names resolve to the given classes or functions.

    Loading a config made with your own layer needs that layer by name; inside the scope it
    is found as if it were registered. The table is restored on leaving the block.

    Args:
        *custom_objects: dicts mapping names to classes or functions.

    >>> with CustomObjectScope({"MyLayer": MyLayer}):
    ...     model = keras.models.load_model("model.keras")
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for table in custom_objects:
            if table is None:
                continue
            if not isinstance(table, dict):
                raise TypeError(
                    f"CustomObjectScope expects dicts mapping names to classes or functions, "
                    f"but received {type(table).__name__} {table!r:.80}."
                )
            self.custom_objects.update(table)
        self._saved = None

    def __enter__(self):
        table = get_custom_objects()
        self._saved = {name: table[name] for name in self.custom_objects if name in table}
        table.update(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        # Only the scope's own names are undone: registrations made inside the block stay.
        table = get_custom_objects()
        for name, obj in self.custom_objects.items():
            if name in self._saved:
                table[name] = self._saved[name]
            elif table.get(name) is obj:
                del table[name]


custom_object_scope = CustomObjectScope


def get_registered_name(obj):
    """The name `obj` (a class or function) is saved under: its registered 'package>Name', or
    else its own name."""
    target = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    return registered_name(target) or target.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function registered (or given in `custom_objects` or `module_objects`)
    under `name`, or None."""
    for table in (custom_objects or {}, get_custom_objects(), module_objects or {}):
        if name in table:
            return table[name]
    return None
