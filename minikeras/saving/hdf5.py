"""Keras's legacy HDF5 format (.h5, .hdf5): whole models and weights, written and read.

A whole-model file, as Keras writes it:

- root attributes `keras_version`, `backend`, `model_config` (the model's config as JSON) and,
  for a compiled model, `training_config` (JSON: loss, metrics, loss_weights,
  weighted_metrics, optimizer_config);
- group `model_weights`, with attributes `layer_names` (every layer, in the model's order),
  `backend` and `keras_version`, and one group per layer whose attribute `weight_names` lists
  the layer's weights (trainable ones first); each name is also the path of the dataset that
  holds the values ('dense/kernel', or 'dense/kernel:0' as tf.keras 2 wrote);
- group `optimizer_weights`, with `weight_names` and the optimizer's variables.

A weights file (`save_weights('w.h5')`) is the `model_weights` group at the root. Lists of
names longer than HDF5's 64 KB attribute limit are split into `layer_names0`,
`layer_names1`, ...

Reading checks every attribute and dataset (kind, shape, dtype) against the model before any
array is read, so a damaged or hostile file gives an error naming what is wrong instead of a
crash or a huge allocation; and all values are read before any weight changes, so a failed
load leaves the model as it was.
"""

import warnings

import numpy as np

from .compile_config import (compile_args, compile_config, keras_ordered_variables,
                             optimizer_mismatch)
from .config import keras_layer_order, model_from_dict
from .files import (BACKEND, KERAS_VERSION, damaged, from_json, h5py_module,
                    minikeras_version, to_json)

HDF5_OBJECT_HEADER_LIMIT = 64512
MAX_ATTRIBUTE_BYTES = 64 * 2 ** 20
MAX_NAMES = 10 ** 6


# -- attributes --------------------------------------------------------------------------------


def write_names(group, name, values):
    """Store a list of names as Keras does: bytes, split into numbered chunks when the list
    is larger than an HDF5 object header can hold."""
    encoded = [value.encode("utf8") for value in values]
    too_long = [value for value in encoded if len(value) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise ValueError(f"Cannot save the names {too_long!r:.200}: each must be shorter than "
                         f"{HDF5_OBJECT_HEADER_LIMIT} bytes.")
    array = np.asarray(encoded)
    chunks = 1
    while array.nbytes / chunks > HDF5_OBJECT_HEADER_LIMIT:
        chunks += 1
    if chunks == 1:
        group.attrs[name] = array if encoded else np.zeros((0,))
        return
    for i, part in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{i}"] = part


def _attribute_info(obj, name, where):
    """(shape, dtype) of an attribute, checked to be text of a sane size, without reading it."""
    info = obj.attrs.get_id(name)
    shape, dtype = tuple(info.shape or ()), info.dtype
    count = int(np.prod(shape)) if shape else 1
    is_text = dtype.kind == "S" or h5py_module().check_string_dtype(dtype) is not None
    if not is_text and not (count == 0 and dtype.kind in "biuf"):
        raise ValueError(f"{where}: the attribute {name!r} should hold text, but it holds "
                         f"{dtype} values of shape {shape}.")
    if count > MAX_NAMES or count * dtype.itemsize > MAX_ATTRIBUTE_BYTES:
        raise ValueError(f"{where}: the attribute {name!r} is too large ({count} values of "
                         f"{dtype.itemsize} bytes) to be part of a Keras file.")
    return shape, dtype


def _text(value, name, where):
    if isinstance(value, (bytes, np.bytes_)):
        try:
            return bytes(value).decode("utf8")
        except UnicodeDecodeError:
            raise ValueError(f"{where}: the attribute {name!r} is not UTF-8 text.") from None
    if isinstance(value, str):
        return value
    raise ValueError(f"{where}: the attribute {name!r} should hold text, but it holds "
                     f"{type(value).__name__}.")


def read_text(obj, name, where):
    """A text attribute (bytes or str, as Keras or tf.keras wrote it), or None if absent."""
    if name not in obj.attrs:
        return None
    shape, _ = _attribute_info(obj, name, where)
    if shape not in ((), (1,)):
        raise ValueError(f"{where}: the attribute {name!r} should be one text value, but it "
                         f"has shape {shape}.")
    value = obj.attrs[name]
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0]
    return _text(value, name, where)


def read_names(obj, name, where):
    """A list-of-names attribute, joined from its chunks (`name0`, `name1`, ...) if split;
    an empty list if absent."""
    keys = [name] if name in obj.attrs else []
    if not keys:
        while f"{name}{len(keys)}" in obj.attrs:
            keys.append(f"{name}{len(keys)}")
    names = []
    for key in keys:
        shape, _ = _attribute_info(obj, key, where)
        if len(shape) > 1:
            raise ValueError(f"{where}: the attribute {key!r} should be a list of names, but "
                             f"it has shape {shape}.")
        values = obj.attrs[key]
        values = values.reshape(-1) if isinstance(values, np.ndarray) else [values]
        names.extend(_text(value, key, where) for value in values)
        if len(names) > MAX_NAMES:
            raise ValueError(f"{where}: the attribute {name!r} lists more than {MAX_NAMES} "
                             f"names.")
    return names


# -- datasets ----------------------------------------------------------------------------------


def member(group, name, kind, where):
    """`group[name]` after checking it exists, is stored in this file (not a link elsewhere)
    and is a group or dataset as `kind` says."""
    h5py = h5py_module()
    try:
        link = group.get(name, getlink=True)
    except (KeyError, ValueError):
        link = None
    if link is None:
        raise ValueError(f"{where}: the file lists {name!r}, but {group.name!r} holds no such "
                         f"{kind}. The file is incomplete or damaged.")
    if not isinstance(link, h5py.HardLink):
        raise ValueError(f"{where}: {name!r} in {group.name!r} is a link to data elsewhere "
                         f"({type(link).__name__}); a Keras file holds its own data.")
    obj = group[name]
    expected = h5py.Dataset if kind == "dataset" else h5py.Group
    if not isinstance(obj, expected):
        raise ValueError(f"{where}: {obj.name!r} should be a {kind}, but it is a "
                         f"{type(obj).__name__}.")
    if kind == "dataset" and (obj.is_virtual or obj.dtype.kind not in "biuf"):
        raise ValueError(f"{where}: the dataset {obj.name!r} should hold numbers, but it holds "
                         f"{'a virtual dataset' if obj.is_virtual else obj.dtype}.")
    return obj


def mismatch(dataset, variable):
    """What keeps `dataset` from being loaded into `variable` (None if nothing): checked
    before the values are read."""
    if tuple(dataset.shape) != tuple(variable.shape):
        return (f"the weight expects shape {tuple(variable.shape)}, but the file holds shape "
                f"{tuple(dataset.shape)}")
    expected, stored = np.dtype(variable.dtype), dataset.dtype.newbyteorder("=")
    # Only exact widenings are accepted: Keras on JAX stores the iteration count as int32.
    if expected.kind != stored.kind or not np.can_cast(stored, expected, casting="safe"):
        return f"the weight has dtype {expected.name}, but the file holds {stored.name} values"
    return None


def assign(plan):
    """Read every planned (layer, variable, dataset) value, then assign them all, so that a
    file that fails to read leaves the model unchanged. A layer that customises
    `set_weights` (to update what depends on its weights) gets all its values through it."""
    from ..layers.base import Layer
    by_layer = {}
    for layer, variable, dataset in plan:
        value = np.asarray(dataset[()]).astype(variable.dtype, copy=False)
        by_layer.setdefault(id(layer), (layer, []))[1].append((variable, value))
    for layer, pairs in by_layer.values():
        loaded = {id(variable): value for variable, value in pairs}
        weights = layer.weights
        if type(layer).set_weights is not Layer.set_weights and len(weights) == len(loaded) \
                and all(id(w) in loaded for w in weights):
            layer.set_weights([loaded[id(w)] for w in weights])
            continue
        for variable, value in pairs:
            variable.assign(value)


# -- model weights -----------------------------------------------------------------------------


def legacy_weights(layer):
    """A layer's weights in the order HDF5 files list them: trainable ones first."""
    return layer.trainable_weights + layer.non_trainable_weights


def own_weights(layer):
    """The weights a layer (or model) holds itself, not through sublayers, trainable first."""
    own = layer._weights
    return [w for w in own if w.trainable] + [w for w in own if not w.trainable]


def _unique(names):
    seen, out = {}, []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}_{count}")
    return out


def _write_subset(group, weights):
    names = _unique([w.path for w in weights])
    write_names(group, "weight_names", names)
    for name, weight in zip(names, weights):
        group.create_dataset(name, data=weight.data)


def write_weights(group, model):
    """Write the weights of `model` into `group` in Keras's layout."""
    layers = keras_layer_order(model)
    names = [layer.name for layer in layers]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f'Cannot save model "{model.name}": its layer names must be unique, '
                         f"but {twice} are used more than once. Name the layers differently.")
    write_names(group, "layer_names", names)
    group.attrs["backend"] = BACKEND.encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda layer: layer.name):
        _write_subset(group.create_group(layer.name), legacy_weights(layer))
    _write_subset(group.create_group("top_level_model_weights"), own_weights(model))


def _saved_layers(group, where):
    """(name, group, weight names) of the saved layers that have weights, in file order."""
    if "layer_names" not in group.attrs and "layer_names0" not in group.attrs:
        raise ValueError(f"{where}: the file has no 'layer_names' attribute, so it holds no "
                         f"Keras weights.")
    saved = []
    for name in read_names(group, "layer_names", where):
        layer_group = member(group, name, "group", where)
        weight_names = read_names(layer_group, "weight_names", where)
        if weight_names:
            saved.append((name, layer_group, weight_names))
    return saved


def _plan_layer(layer, weights, group, weight_names, label, skip_mismatch, skip_count, where):
    """The (layer, variable, dataset) triples to load for one layer, after all the checks."""
    if len(weight_names) != len(weights):
        message = (f"Weight count mismatch for {label}: the layer has {len(weights)} "
                   f"weight(s) {[w.path for w in weights]}, but the file holds "
                   f"{len(weight_names)} {weight_names}.")
        if skip_count:
            warnings.warn(f"Skipping loading weights for {label}. {message}", stacklevel=4)
            return []
        raise ValueError(f"{where}: {message}")
    plan = []
    for variable, name in zip(weights, weight_names):
        dataset = member(group, name, "dataset", where)
        problem = mismatch(dataset, variable)
        if problem is None:
            plan.append((layer, variable, dataset))
            continue
        message = f"Mismatch in {label} for weight {variable.path!r}: {problem}."
        if skip_mismatch:
            warnings.warn(f"Skipping loading weight {variable.path!r}. {message}", stacklevel=4)
            continue
        raise ValueError(f"{where}: {message} Check that the model is built like the one "
                         f"that was saved, or pass skip_mismatch=True to load_weights.")
    return plan


def load_weights_group(group, model, skip_mismatch=False, by_name=False, where="load_weights"):
    """Load weights saved in Keras's layout (`group` holds `layer_names`) into `model`.

    By default layers are paired in order, as Keras pairs them: the saved layers that have
    weights with the model's layers that have weights. When both list the same layer names
    (always so for a model rebuilt from the same file) they are paired by name, which also
    holds when two tools order branching graphs differently. With `by_name=True`, each saved
    layer loads into the model's layer of that name, if any.
    """
    saved = _saved_layers(group, where)
    layers = [(layer, legacy_weights(layer)) for layer in keras_layer_order(model)]
    plan = []
    if by_name:
        index = {layer.name: (layer, weights) for layer, weights in layers}
        for k, (name, layer_group, weight_names) in enumerate(saved):
            if name in index:
                layer, weights = index[name]
                plan += _plan_layer(layer, weights, layer_group, weight_names,
                                    f"layer #{k} (named {name!r})", skip_mismatch,
                                    skip_mismatch, where)
    else:
        layers = [(layer, weights) for layer, weights in layers if weights]
        model_names = [layer.name for layer, _ in layers]
        file_names = [name for name, _, _ in saved]
        if len(layers) != len(saved):
            raise ValueError(
                f"{where}: layer count mismatch: the model has {len(layers)} layers with "
                f"weights {model_names}, but the file holds weights for {len(saved)} layers "
                f"{file_names}. The file was saved from a different model."
            )
        if sorted(model_names) == sorted(file_names) and len(set(file_names)) == len(saved):
            order = {name: i for i, name in enumerate(file_names)}
            layers.sort(key=lambda pair: order[pair[0].name])
        for k, ((layer, weights), (name, layer_group, weight_names)) in \
                enumerate(zip(layers, saved)):
            label = f"layer #{k} (named {layer.name!r} in the model, {name!r} in the file)"
            plan += _plan_layer(layer, weights, layer_group, weight_names, label,
                                skip_mismatch, False, where)
    if "top_level_model_weights" in group:
        top = member(group, "top_level_model_weights", "group", where)
        plan += _plan_layer(model, own_weights(model), top,
                            read_names(top, "weight_names", where), "the model's own weights",
                            skip_mismatch, by_name and skip_mismatch, where)
    assign(plan)


# -- optimizer ---------------------------------------------------------------------------------


def write_optimizer_weights(file, model):
    variables = keras_ordered_variables(model.optimizer, model)
    if variables:
        _write_subset(file.create_group("optimizer_weights"), variables)


def restore_optimizer(model, group, where):
    """Load the optimizer's variables saved in `group` (its `weight_names` and datasets);
    on a mismatch, warn and keep the fresh optimizer, as Keras does."""
    names = read_names(group, "weight_names", where)
    optimizer = model.optimizer
    problem = optimizer_mismatch(optimizer, len(names), model)
    plan = []
    if problem is None:
        for name, variable in zip(names, keras_ordered_variables(optimizer, model)):
            dataset = member(group, name, "dataset", where)
            problem = mismatch(dataset, variable)
            if problem is not None:
                problem = f"optimizer variable {variable.path!r}: {problem}"
                break
            plan.append((model, variable, dataset))
    if problem is not None:
        warnings.warn(f"Error in loading the saved optimizer state ({problem}). As a result, "
                      f"your model is starting with a freshly initialized optimizer.",
                      stacklevel=4)
        return
    for _, variable, dataset in plan:
        variable.assign(np.asarray(dataset[()]).astype(variable.dtype, copy=False))


# -- whole files -------------------------------------------------------------------------------


def _legacy_entry(entry):
    """tf.keras 2's short form of a layer entry ({'class_name', 'config'}), which Keras writes
    in HDF5 files; nested models' layers too."""
    short = {"class_name": entry.get("registered_name") or entry["class_name"],
             "config": entry["config"]}
    for key in ("name", "inbound_nodes"):
        if key in entry:
            short[key] = entry[key]
    inner = short["config"]
    if isinstance(inner, dict) and isinstance(inner.get("layers"), list):
        short["config"] = dict(inner, layers=[_legacy_entry(e) for e in inner["layers"]])
    return short


def model_config(model):
    """The `model_config` attribute: {'class_name', 'config'} in Keras's HDF5 form."""
    from ..models import Functional, Sequential
    config = model.get_config()
    if isinstance(config.get("layers"), list):
        config = dict(config, layers=[_legacy_entry(e) for e in config["layers"]])
    entry = {"class_name": type(model).__name__, "config": config}
    if not isinstance(model, (Functional, Sequential)) and model.built:
        build = model.get_build_config()
        if build is not None:  # a subclassed model rebuilds its weights from it
            entry["build_config"] = build
    return entry


def save_model(model, path, include_optimizer=True):
    """Write `model` to `path` (the temporary file of an atomic save) in the HDF5 layout."""
    h5py = h5py_module()
    training = compile_config(model, legacy=True) if include_optimizer else None
    config = to_json(model_config(model)).encode("utf8")
    with h5py.File(path, "w") as file:
        file.attrs["keras_version"] = KERAS_VERSION
        file.attrs["backend"] = BACKEND
        file.attrs["model_config"] = config
        if training is not None:
            file.attrs["training_config"] = to_json(training).encode("utf8")
        file.attrs["minikeras_version"] = minikeras_version()
        write_weights(file.create_group("model_weights"), model)
        if training is not None:
            write_optimizer_weights(file, model)


def save_weights(model, path):
    """Write the weights of `model` to `path` in the legacy layout (tf.keras 2's .h5)."""
    with h5py_module().File(path, "w") as file:
        write_weights(file, model)


def open_file(path):
    try:
        return h5py_module().File(path, "r")
    except OSError as error:
        raise damaged(path, error) from None


def is_legacy_weights(file):
    """Whether an open HDF5 file holds weights in the legacy layout (not Keras 3's)."""
    return any(key in file.attrs for key in ("layer_names", "layer_names0", "model_config")) \
        or "model_weights" in file


def load_model(path, custom_objects=None, compile=True):
    """A model from an HDF5 file written by `save_model` here or in Keras."""
    from .object_registration import CustomObjectScope
    where = f"load_model({path!r})"
    with open_file(path) as file:
        try:
            text = read_text(file, "model_config", where)
            if text is None:
                hint = (" It holds only weights: build the model in code, then call "
                        "model.load_weights(path)." if is_legacy_weights(file) else "")
                raise ValueError(f"No model config found in the file at {path!r}.{hint}")
            config = from_json(text, f"model_config of {path!r}")
            model = model_from_dict(config, custom_objects, f"model config of {path!r}")
            if "model_weights" not in file:
                raise ValueError(f"{where}: the file has no 'model_weights' group; it is "
                                 f"incomplete.")
            load_weights_group(member(file, "model_weights", "group", where), model,
                               where=where)
            if not compile:
                return model
            text = read_text(file, "training_config", where)
            if text is None:
                warnings.warn("No training configuration found in the save file, so the model "
                              "was *not* compiled. Compile it manually.", stacklevel=3)
                return model
            training = from_json(text, f"training_config of {path!r}")
            with CustomObjectScope(custom_objects):
                model.compile(**compile_args(training, custom_objects,
                                             f"training_config of {path!r}"))
            if "optimizer_weights" in file:
                restore_optimizer(model, member(file, "optimizer_weights", "group", where),
                                  where)
        except (OSError, RuntimeError) as error:
            raise damaged(path, error) from None
    return model


def load_weights(model, path, skip_mismatch=False, by_name=False):
    """Load weights in the legacy layout (a weights file or a whole-model file) into `model`."""
    where = f"load_weights({path!r})"
    with open_file(path) as file:
        try:
            group = file
            if "layer_names" not in file.attrs and "model_weights" in file:
                group = member(file, "model_weights", "group", where)
            load_weights_group(group, model, skip_mismatch=skip_mismatch, by_name=by_name,
                               where=where)
        except (OSError, RuntimeError) as error:
            raise damaged(path, error) from None
