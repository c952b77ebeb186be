"""Whole-model configs in Keras's JSON format (Sequential and Functional), both directions.

Writing follows Keras 3; reading also accepts tf.keras 2 configs (its `inbound_nodes` lists and
`batch_input_shape` keys). Configs are plain JSON: reading one never executes code.
"""

from ..layers.base import KerasTensor, flatten, map_structure


def _layers():
    from .. import layers
    return layers


def serialize_layer(layer):
    """Keras 3's dict for one layer, with its build config when built."""
    entry = _layers().serialize(layer)
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

    def history(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        return [layer.name, index.get(id(node), 0), tensor_index]

    def tensor_config(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(value.shape), "dtype": value.dtype.name,
                               "keras_history": history(value)}}
        return value

    used = {id(node) for node in model._nodes}
    layers = []
    for layer in model.layers:
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
        "input_layers": map_structure(history, model._inputs_struct),
        "output_layers": map_structure(history, model._outputs_struct),
    }


def _is_history(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) for v in value[1:]))


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the layers, then replay their calls in order (deferring calls whose inputs do
    not exist yet), then pick the inputs and outputs."""
    created = {}
    produced = {}  # (layer name, node index) -> outputs
    pending = []
    for entry in config["layers"]:
        layer = _layers().deserialize(entry, custom_objects=custom_objects)
        name = entry.get("name") or layer.name
        created[name] = layer
        if type(layer).__name__ == "InputLayer":
            produced[(name, 0)] = layer.output
        for i, node in enumerate(entry.get("inbound_nodes", [])):
            pending.append((name, i, node))

    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = value["config"]["keras_history"]
            return flatten(produced[(name, node_index)])[tensor_index]
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
                args, kwargs = _node_call(node, resolve, produced)
            except KeyError:
                continue  # an input of this call is made later: try again next round
            produced[(name, i)] = created[name](*args, **kwargs)
            pending.remove(item)
            progress = True
        if not progress:
            raise ValueError(
                f"Cannot rebuild the model from its config: the calls of layers "
                f"{sorted({p[0] for p in pending})} refer to tensors that no layer produces."
            )

    def tensor_for(hist):
        name, node_index, tensor_index = hist[:3]
        return flatten(produced[(name, node_index)])[tensor_index]

    def pick(spec):
        if _is_history(spec):
            return tensor_for(spec)
        if isinstance(spec, dict):
            return {k: pick(v) for k, v in spec.items()}
        return [pick(s) for s in spec]

    def unwrap(spec):
        # tf.keras 2 writes a single input or output as a list of one.
        return spec[0] if isinstance(spec, list) and len(spec) == 1 and _is_history(spec[0]) \
            else spec

    inputs = pick(unwrap(config["input_layers"]))
    outputs = pick(unwrap(config["output_layers"]))
    return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _node_call(node, resolve, produced):
    """The (args, kwargs) of one recorded call, in Keras 3 or tf.keras 2 form."""
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        args = resolve(node.get("args", []))
        kwargs = resolve(node.get("kwargs", {}))
        return args, kwargs
    # tf.keras 2: [[layer_name, node_index, tensor_index, kwargs], ...]
    tensors = [flatten(produced[(inbound[0], inbound[1])])[inbound[2]] for inbound in node]
    kwargs = dict(node[0][3]) if node and len(node[0]) > 3 and node[0][3] else {}
    return ([tensors[0] if len(tensors) == 1 else tensors], kwargs)
