"""What `compile()` was given, as saved files record it, and back.

HDF5 files hold it as `training_config` (tf.keras 2's keys: loss, metrics, weighted_metrics,
loss_weights, optimizer_config), .keras files as `compile_config` (Keras 3's: optimizer, loss,
...). Names stay names ('accuracy' is resolved again from the targets' shapes); functions are
saved by name and objects as their configs. Reading also accepts tf.keras 2's spellings.
"""

import numbers

_RESOLVED_BY_SHAPE = ("accuracy", "acc", "crossentropy", "ce")


def _modules():
    from .. import losses, metrics, optimizers
    return losses, metrics, optimizers


def _serialize(value, family, legacy):
    """One loss or metric as a config: names and numbers as they are, a function by its name,
    an object as its config (tf.keras 2's short form when `legacy`)."""
    if value is None or isinstance(value, (str, bool, numbers.Number)):
        return value.item() if hasattr(value, "item") else value  # numpy scalars too
    if isinstance(value, (list, tuple)):
        return [_serialize(v, family, legacy) for v in value]
    if isinstance(value, dict):
        return {k: _serialize(v, family, legacy) for k, v in value.items()}
    if not hasattr(value, "get_config"):
        try:
            return family.serialize(value)
        except ValueError:
            # The user's own function, not registered: saved by name, and found again on
            # loading through custom_objects, as Keras does.
            return getattr(value, "__name__", repr(value))
    entry = family.serialize(value)
    if legacy:
        return {"class_name": entry.get("registered_name") or entry["class_name"],
                "config": entry["config"]}
    return entry


def _optimizer_entry(optimizer, legacy):
    from .. import optimizers
    entry = optimizers.serialize(optimizer)
    if legacy:
        return {"class_name": entry.get("registered_name") or entry["class_name"],
                "config": entry["config"]}
    return entry


def compile_config(model, legacy=False):
    """The compile arguments of `model` as a JSON-ready dict (None if not compiled): tf.keras
    2's `training_config` when `legacy`, else Keras 3's `compile_config`."""
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return None
    losses, metrics, _ = _modules()
    config = {
        "loss": _serialize(getattr(model, "_loss_spec", None), losses, legacy),
        "loss_weights": _serialize(getattr(model, "_loss_weights_spec", None), losses, legacy),
        "metrics": _serialize(getattr(model, "_metrics_spec", None), metrics, legacy),
        "weighted_metrics": _serialize(getattr(model, "_weighted_metrics_spec", None), metrics,
                                       legacy),
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }
    if legacy:
        config["optimizer_config"] = _optimizer_entry(model.optimizer, True)
    else:
        config = {"optimizer": _optimizer_entry(model.optimizer, False), **config}
    return config


def compile_args(config, custom_objects=None, what="training config"):
    """The keyword arguments for `model.compile` from a saved training or compile config."""
    if not isinstance(config, dict):
        raise ValueError(f"The {what} should be a dict, but it is {type(config).__name__} "
                         f"{config!r:.100}.")
    losses, metrics, _ = _modules()
    optimizer = config.get("optimizer_config", config.get("optimizer"))
    return {
        "optimizer": _revive_optimizer(optimizer, custom_objects, what),
        "loss": _revive(config.get("loss"), losses, custom_objects),
        "loss_weights": config.get("loss_weights"),
        "metrics": _revive(config.get("metrics"), metrics, custom_objects),
        "weighted_metrics": _revive(config.get("weighted_metrics"), metrics, custom_objects),
    }


def _revive_optimizer(config, custom_objects, what):
    from .. import optimizers
    if config is None:
        return "rmsprop"  # what compile() defaults to
    if isinstance(config, str):
        return optimizers.deserialize(config, custom_objects)
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise ValueError(f"The {what} has an optimizer entry that is not an optimizer config: "
                         f"{config!r:.100}.")
    inner = dict(config["config"])
    # tf.keras 2 spellings and settings that Keras 3 dropped.
    if "lr" in inner and "learning_rate" not in inner:
        inner["learning_rate"] = inner.pop("lr")
    for key in ("jit_compile", "is_legacy_optimizer"):
        inner.pop(key, None)
    if inner.get("decay") == 0:
        inner.pop("decay")
    return optimizers.deserialize(dict(config, config=inner), custom_objects)


def _revive(value, family, custom_objects):
    """A saved loss or metric (structure) as compile() accepts it."""
    known = {**_registered(), **(custom_objects or {})}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        # Built-in names stay names (so logs keep them); the user's own are looked up now,
        # while custom_objects are at hand.
        return family.deserialize(value, custom_objects) if value in known else value
    if isinstance(value, list):
        return [_revive(v, family, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" not in value:  # one entry per output
        return {k: _revive(v, family, custom_objects) for k, v in value.items()}
    if isinstance(value, dict):
        inner = value.get("config")
        if value["class_name"] == "MeanMetricWrapper" and isinstance(inner, dict) and \
                isinstance(inner.get("fn"), str):
            # tf.keras 2 saved metrics given by name as wrappers of a function.
            name = inner.get("name")
            return name if _is_metric_name(name, family) else inner["fn"]
        if isinstance(inner, dict) and inner.get("reduction") == "auto":
            # tf.keras 2's 'auto' reduction is Keras 3's default.
            value = dict(value, config=dict(inner, reduction="sum_over_batch_size"))
        return family.deserialize(value, custom_objects)
    raise ValueError(f"Saved compile settings not understood: {value!r:.100}. Expected names, "
                     f"configs, or lists or dicts of them.")


def _registered():
    from ..registry import get_custom_objects
    return get_custom_objects()


def _is_metric_name(name, family):
    if not isinstance(name, str):
        return False
    if name.lower() in _RESOLVED_BY_SHAPE:
        return True
    try:
        family.get(name)
    except (ValueError, TypeError):
        return False
    return True


def build_optimizer(model):
    """Create the optimizer's variables for the model's trainable weights, in the order Keras
    uses (fit finds each variable's slots by identity, whatever the order)."""
    from .config import keras_trainable_weights
    optimizer = model.optimizer
    if optimizer is not None and not optimizer.built:
        optimizer.build(keras_trainable_weights(model))


def keras_ordered_variables(optimizer, model):
    """The optimizer's variables in the order Keras would have them, as saved files list them.

    Keras builds an optimizer for the model's weights in its own order; minikeras's `fit`
    may have built it for another order of the same weights (a Functional model with
    branches lists its layers differently). The slots are then matched by their names, which
    are made from the weights' paths, through an optimizer of the same config built in
    Keras's order. When that cannot be done unambiguously, the order is kept as it is.
    """
    from .config import keras_trainable_weights
    variables = optimizer.variables
    built_for = getattr(optimizer, "_trainable_variables", [])
    order = keras_trainable_weights(model)
    if not optimizer.built or len(order) != len(built_for) or \
            all(a is b for a, b in zip(order, built_for)) or \
            {id(w) for w in order} != {id(w) for w in built_for}:
        return variables
    paths = [v.path for v in variables]
    if len(set(paths)) != len(paths):
        return variables
    try:
        twin = type(optimizer).from_config(optimizer.get_config())
        twin.build(order)
    except (TypeError, ValueError):
        return variables
    by_path = dict(zip(paths, variables))
    ordered = [by_path.get(v.path) for v in twin.variables]
    if len(ordered) != len(variables) or any(
            mine is None or mine.shape != theirs.shape
            for mine, theirs in zip(ordered, twin.variables)):
        return variables
    return ordered


def optimizer_mismatch(optimizer, count, model):
    """Why `count` saved values do not fit `optimizer` (None when they do), after building
    it for the model's weights if that makes them fit. The values then go to
    `keras_ordered_variables(optimizer, model)`."""
    if count != len(optimizer.variables) and not optimizer.built:
        build_optimizer(model)
    if count != len(optimizer.variables):
        return (f"the file holds {count} optimizer variables, but the optimizer "
                f"{optimizer.name!r} has {len(optimizer.variables)}")
    return None
