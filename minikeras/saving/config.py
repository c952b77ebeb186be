"""Whole-model configs in Keras's JSON format (Sequential and Functional), both directions.

Writing follows Keras 3; reading also accepts tf.keras 2 configs (its `inbound_nodes` lists and
`batch_input_shape` keys). Configs are plain JSON: reading one never executes code.
"""

from ..layers.base import KerasTensor, flatten, map_structure


def _layers():
    from .. import layers
    return layers


# The module (and registered name) Keras 3 writes for its model classes, so that our
# configs load in Keras too.
_MODEL_MODULES = {"Sequential": ("keras", None), "Model": ("keras", None),
                  "Functional": ("keras.src.models.functional", "Functional")}


def _is_functional(layer):
    from ..models import Functional
    return isinstance(layer, Functional)


def serialize_layer(layer):
    """Keras 3's dict for one layer, with its build config when built."""
    entry = _layers().serialize(layer)
    if entry.get("registered_name") is None and entry["class_name"] in _MODEL_MODULES:
        from ..models import Functional, Model, Sequential
        if type(layer) in (Functional, Model, Sequential):
            entry["module"], entry["registered_name"] = _MODEL_MODULES[entry["class_name"]]
    build = layer.get_build_config() if layer.built else None
    if build is not None:
        entry["build_config"] = build
    return entry


def sequential_config(model):
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_layer(model._input_layer))
    layers.extend(serialize_layer(layer) for layer in model.layers)
    config = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype,
              "layers": layers}
    if model._input_layer is not None:
        config["build_input_shape"] = list(model._input_layer.batch_shape)
    return config


def sequential_from_config(cls, config, custom_objects=None):
    if isinstance(config, list):  # tf.keras 2.0 stored a Sequential as its list of layers
        config = {"layers": config}
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for entry in config["layers"]:
        layer = _layers().deserialize(entry, custom_objects=custom_objects)
        model.add(layer, rebuild=False)
    model._maybe_rebuild()
    if not model.built and config.get("build_input_shape"):
        model.build(tuple(config["build_input_shape"]))
    return model


def _node_key(model):
    """For each layer, the indices (within this model) of its calls that the model uses."""
    used = {id(node) for node in model._nodes}
    index = {}
    for layer in model.layers:
        own = [n for n in layer._inbound_nodes if id(n) in used or not n.input_tensors]
        for i, node in enumerate(own):
            index[id(node)] = i
    return index


def functional_config(model):
    index = _node_key(model)

    def history(tensor, endpoint=False):
        layer, node_index, tensor_index = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        # In `input_layers`/`output_layers` (only), Keras 3 numbers a nested Functional
        # model's calls from 1, a leftover of tf.keras 2, where its construction was node 0.
        offset = 1 if endpoint and _is_functional(layer) else 0
        return [layer.name, index.get(id(node), 0) + offset, tensor_index]

    def endpoints(structure):
        # Keras 3 writes a single input or output as a list of one.
        if isinstance(structure, KerasTensor):
            return [history(structure, True)]
        return map_structure(lambda t: history(t, True), structure)

    def tensor_config(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(value.shape), "dtype": value.dtype.name,
                               "keras_history": history(value)}}
        return value

    used = {id(node) for node in model._nodes}
    layers = []
    for layer in keras_layer_order(model):  # Keras rebuilds the calls in this order
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {"args": map_structure(tensor_config, list(node.args)),
             "kwargs": map_structure(tensor_config, dict(node.kwargs))}
            for node in layer._inbound_nodes if id(node) in used
        ]
        layers.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": endpoints(model._inputs_struct),
        "output_layers": endpoints(model._outputs_struct),
    }


def _is_history(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) for v in value[1:]))


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the layers, then replay their calls in order (deferring calls whose inputs do
    not exist yet), then pick the inputs and outputs."""
    entries = config["layers"]
    # tf.keras 2 writes each call as a list of inbound tensors, Keras 3 as {"args", "kwargs"}.
    legacy = any(isinstance(node, list) for entry in entries
                 for node in entry.get("inbound_nodes", []))
    created = {}
    offsets = {}  # layer name -> the number a config gives the layer's first call
    produced = {}  # (layer name, index among the layer's calls) -> outputs
    pending = []
    for entry in entries:
        layer = _layers().deserialize(entry, custom_objects=custom_objects)
        name = entry.get("name") or layer.name
        created[name] = layer
        offsets[name] = _first_call_index(layer, entry, legacy)
        if type(layer).__name__ == "InputLayer":
            produced[(name, 0)] = layer.output
        for i, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((name, i, node))

    def output_of(name, node_index, tensor_index, endpoint=False):
        # Keras 3 numbers calls from 1 for nested Functional models in endpoints only;
        # tf.keras 2 everywhere.
        offset = offsets.get(name, 0) if endpoint or legacy else 0
        return flatten(produced[(name, node_index - offset)])[tensor_index]

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return output_of(*value["config"]["keras_history"][:3])
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    while pending:
        progress = False
        for item in list(pending):
            name, i, node = item
            try:
                args, kwargs = _node_call(node, resolve, output_of)
            except KeyError:
                continue  # an input of this call is made later: try again next round
            layer = created[name]
            produced[(name, i)] = layer(*args, **_accepted(layer, kwargs))
            pending.remove(item)
            progress = True
        if not progress:
            raise ValueError(
                f"Cannot rebuild the model from its config: the calls of layers "
                f"{sorted({p[0] for p in pending})} refer to tensors that no layer produces."
            )

    def pick(spec):
        if _is_history(spec):
            return output_of(*spec[:3], endpoint=True)
        if isinstance(spec, dict):
            return {k: pick(v) for k, v in spec.items()}
        return [pick(s) for s in spec]

    def unwrap(spec):
        # Keras writes a single input or output as a list of one.
        return spec[0] if isinstance(spec, list) and len(spec) == 1 and _is_history(spec[0]) \
            else spec

    inputs = pick(unwrap(config["input_layers"]))
    outputs = pick(unwrap(config["output_layers"]))
    return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _accepted(layer, kwargs):
    """The recorded call arguments, without the None ones that this layer's `call` does not
    take: Keras records `mask=None` for models called as layers."""
    import inspect
    parameters = inspect.signature(type(layer).call).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in parameters or v is not None}


def _first_call_index(layer, entry, legacy):
    """The number a config gives a layer's first call: 1 for nested models that tf.keras 2
    built with a node of their own (Functional ones, and Sequential ones that know their input
    shape), else 0."""
    if _is_functional(layer):
        return 1
    if legacy and type(layer).__name__ == "Sequential":
        layers = entry.get("config", {}).get("layers")
        layers = layers if isinstance(layers, list) else []
        first = layers[0] if layers and isinstance(layers[0], dict) else {}
        return int(first.get("class_name") == "InputLayer"
                   or "batch_input_shape" in (first.get("config") or {}))
    return 0


def _node_call(node, resolve, output_of):
    """The (args, kwargs) of one recorded call, in Keras 3 or tf.keras 2 form."""
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        args = resolve(node.get("args", []))
        kwargs = resolve(node.get("kwargs", {}))
        return args, kwargs
    # tf.keras 2: [[layer_name, node_index, tensor_index, kwargs], ...]
    tensors = [output_of(*inbound[:3]) for inbound in node]
    kwargs = dict(node[0][3]) if node and len(node[0]) > 3 and node[0][3] else {}
    return ([tensors[0] if len(tensors) == 1 else tensors], kwargs)


def keras_layer_order(model):
    """The model's layers in the order Keras lists them.

    Saved weights are paired with layers in this order (the layer names of an HDF5 file, the
    numbering of `layers/dense_1` in a .keras file), so a Functional model lists its layers
    as Keras does: deepest first (counting layer calls back from the outputs), layers at the
    same depth in the order a depth-first walk from the outputs first meets them. Other models
    keep `model.layers`.
    """
    if not _is_functional(model):
        return list(model.layers)
    input_ids = {id(t) for t in model.inputs}

    def node_of(tensor):
        layer, node_index, _ = tensor._keras_history
        return layer, layer._inbound_nodes[node_index]

    # Depth-first walk from the outputs: each node after the nodes it depends on.
    first_seen, finished, nodes = {}, set(), []
    for output in model.outputs:
        stack = [(output, False)]
        while stack:
            tensor, expanded = stack.pop()
            layer, node = node_of(tensor)
            if id(node) in finished:
                continue
            if expanded:
                finished.add(id(node))
                nodes.append(node)
                continue
            first_seen.setdefault(id(layer), len(first_seen))
            stack.append((tensor, True))
            if node.input_tensors and id(tensor) not in input_ids:
                stack.extend((parent, False) for parent in reversed(node.input_tensors))

    # A node's depth: 0 at the outputs, else one more than the deepest node it feeds.
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(nodes):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        layers[id(node.layer)] = node.layer
        for parent in node.input_tensors:
            _, parent_node = node_of(parent)
            node_depth[id(parent_node)] = max(depth + 1, node_depth.get(id(parent_node), 0))
    for tensor in model.inputs:  # inputs that no output depends on
        layer = tensor._keras_history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)], first_seen[id(layer)], layers[id(layer)] = 0, -1, layer
    order = sorted(layers, key=lambda key: (-layer_depth[key], first_seen[key]))
    return [layers[key] for key in order]


def model_to_dict(model):
    """Keras 3's dict for a whole model (what a .keras file's config.json holds, without the
    compile config): module, class name, config, registered name and build config."""
    return serialize_layer(model)


def model_from_dict(config, custom_objects=None, what="model config"):
    """A model (uncompiled) from Keras's dict for it, Keras 3 or tf.keras 2 flavour.

    The whole config is checked first: code payloads are refused and unknown layer classes
    named, before any layer is built. `custom_objects` are in scope while the model is
    built, so names inside layer configs (a custom activation) resolve too.
    """
    from .files import refuse_code
    from .object_registration import CustomObjectScope
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            f"The {what} should be a dict with 'class_name' and 'config', as "
            f"model.to_json() writes, but received {type(config).__name__} {config!r:.100}."
        )
    refuse_code(config, what)
    custom = _checked_custom_objects(config, custom_objects, what)
    with CustomObjectScope(custom):
        return _layers().deserialize(config, custom_objects=custom)


def _layer_entries(config):
    """Every layer entry of a model config, nested models' layers included."""
    stack = [config]
    while stack:
        entry = stack.pop()
        if not isinstance(entry, dict):
            continue
        yield entry
        inner = entry.get("config")
        if isinstance(inner, dict) and isinstance(inner.get("layers"), list):
            stack.extend(reversed(inner["layers"]))
        elif isinstance(inner, list):  # tf.keras 2.0 Sequential: a plain list of layers
            stack.extend(reversed(inner))


def _checked_custom_objects(config, custom_objects, what):
    """`custom_objects` plus the 'package>Name' keys of the classes given by plain name, after
    checking that every layer class of the config can be found."""
    from ..layers import _registry
    from ..registry import closest_name
    custom = dict(custom_objects or {})
    registry = _registry()
    for entry in _layer_entries(config):
        class_name, registered = entry.get("class_name"), entry.get("registered_name")
        if not isinstance(class_name, str):
            raise ValueError(f"The {what} has a layer entry without a class name: "
                             f"{entry!r:.100}.")
        if isinstance(registered, str) and registered != class_name and \
                registered not in custom and class_name in custom:
            custom[registered] = custom[class_name]
        found = False
        for name in (registered, class_name):
            if isinstance(name, str):
                try:
                    registry.lookup(name, custom)
                    found = True
                    break
                except ValueError:
                    pass
        if found:
            continue
        inner = entry.get("config")
        layer_name = inner.get("name") if isinstance(inner, dict) else None
        close = closest_name(class_name, registry.names())
        hint = f" Did you mean {close!r}?" if close else ""
        raise ValueError(
            f"Unknown layer class {class_name!r} (layer {layer_name!r}) in the {what}: "
            f"minikeras has no layer of that name.{hint} If it is your own layer class, pass "
            f"it when loading, e.g. load_model(path, custom_objects={{{class_name!r}: "
            f"{class_name}}}), or decorate the class with "
            f"@keras.saving.register_keras_serializable()."
        )
    return custom


def keras_trainable_weights(layer):
    """The trainable weights of a layer or model in the order Keras lists them (its own
    first, then its layers' in `keras_layer_order`): the order in which Keras builds, and
    saves, an optimizer's variables."""
    from ..models import Model
    if not isinstance(layer, Model):
        return layer.trainable_weights
    if not layer.trainable:
        return []
    found, seen = [], set()
    for weight in [w for w in layer._weights if w.trainable] + [
            w for sub in keras_layer_order(layer) for w in keras_trainable_weights(sub)]:
        if id(weight) not in seen:
            seen.add(id(weight))
            found.append(weight)
    return found
