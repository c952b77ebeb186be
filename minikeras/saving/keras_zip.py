"""Keras 3's native formats: the .keras zip archive and .weights.h5 weights files.

A .keras file is a zip archive holding

- `metadata.json`: the Keras version and the date of saving;
- `config.json`: the model's config (module, class_name, config, registered_name,
  build_config and, for a compiled model, compile_config);
- `model.weights.h5`: the value of every variable, grouped by where its owner sits in the
  model: `vars` for the model's own variables, `layers/dense/vars`, `layers/dense_1/vars`,
  ... for its layers (named after their class and numbered in the model's order, not by
  their names), `layers/sequential/layers/dense/vars` inside a nested model,
  `hidden/vars` for a layer held by a subclassed model as `self.hidden`, and
  `optimizer/vars`. Each group holds datasets `0`, `1`, ... in the order the owner created
  its variables, trainable ones first.

A .weights.h5 file is that last part on its own.
"""

import datetime
import io
import warnings
import zipfile
import zlib

import numpy as np

from ..registry import snake_case
from .compile_config import (compile_args, compile_config, keras_ordered_variables,
                             optimizer_mismatch)
from .config import keras_layer_order, model_from_dict, model_to_dict
from .files import (KERAS_VERSION, MAX_JSON_BYTES, damaged, from_json, h5py_module,
                    minikeras_version, to_json)
from .hdf5 import assign, member, mismatch, open_file, own_weights

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"

# Attributes through which minikeras's own machinery reaches layers; Keras's walk does not
# see them (its models list their layers under `layers`).
_INTERNAL = frozenset({"_stack", "_input_layer", "_graph_layers", "_cached_layer_tree",
                       "layers"})


# -- the walk over a model ---------------------------------------------------------------------


def _is_saveable(value):
    from ..layers.base import Layer
    from ..optimizers import Optimizer
    return isinstance(value, (Layer, Optimizer))


def _name_key(name):
    return "~" + name if name.startswith("_") else name  # private attributes last


def _children(obj):
    """(attribute name, value) pairs in the order Keras's saving walk visits them."""
    from ..models import Functional, Model, Sequential
    attributes = {k: v for k, v in vars(obj).items() if k not in _INTERNAL}
    if isinstance(obj, (Sequential, Functional)):
        yield "layers", keras_layer_order(obj)
    elif isinstance(obj, Model):
        attributes["layers"] = obj.layers
    for name in sorted(attributes, key=_name_key):
        yield name, attributes[name]


def saveables(model):
    """(path, object) for the model and every layer and optimizer reachable from it, each
    once, with the paths Keras gives them in weights files ('' for the model itself)."""
    found, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        found.append((path, obj))
        for name, child in _children(obj):
            child_path = f"{path}/{name}" if path else name
            if _is_saveable(child):
                visit(child, child_path)
            elif isinstance(child, (list, tuple, dict)):
                items = child.values() if isinstance(child, dict) else child
                used = {}
                for item in items:
                    if not _is_saveable(item):
                        continue
                    # Keras numbers the items by class, whether or not they were seen before.
                    base = snake_case(type(item).__name__)
                    used[base] = used.get(base, -1) + 1
                    key = base if used[base] == 0 else f"{base}_{used[base]}"
                    visit(item, f"{child_path}/{key}")

    visit(model, "")
    return found


def _vars_key(path):
    return f"{path}/vars" if path else "vars"


def _own_variables(obj, model):
    from ..optimizers import Optimizer
    return keras_ordered_variables(obj, model) if isinstance(obj, Optimizer) else \
        own_weights(obj)


def _custom_hook(obj, name):
    """A layer's own save_own_variables/load_own_variables, if its class defines one."""
    from ..optimizers import Optimizer
    return None if isinstance(obj, Optimizer) else getattr(obj, name, None)


# -- writing -----------------------------------------------------------------------------------


class _Store:
    """What a layer's own `save_own_variables` writes to: `store['0'] = value`."""

    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        from ..backend.tensor import to_array
        self._group.create_dataset(str(key), data=to_array(value, where=f"store[{key!r}]"))


def write_weights(file, model):
    """Write every variable of `model` (and of its optimizer) into an open HDF5 file."""
    for path, obj in saveables(model):
        group = file.create_group(_vars_key(path))
        hook = _custom_hook(obj, "save_own_variables")
        if hook is not None:
            hook(_Store(group))
            continue
        for i, variable in enumerate(_own_variables(obj, model)):
            group.create_dataset(str(i), data=variable.data)


def save_weights(model, path):
    """Write the weights of `model` to `path` in Keras 3's .weights.h5 layout."""
    with h5py_module().File(path, "w") as file:
        write_weights(file, model)


def save_model(model, path):
    """Write `model` to `path` as a .keras zip archive."""
    config = model_to_dict(model)
    compiled = compile_config(model)
    if compiled is not None:
        config["compile_config"] = compiled
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "minikeras_version": minikeras_version()}
    weights = io.BytesIO()
    with h5py_module().File(weights, "w") as file:
        write_weights(file, model)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(METADATA, to_json(metadata))
        archive.writestr(CONFIG, to_json(config))
        archive.writestr(WEIGHTS, weights.getvalue())


# -- reading -----------------------------------------------------------------------------------


class _CheckedStore:
    """The read-only view of one `vars` group that a layer's own `load_own_variables`
    receives: its datasets are checked to hold numbers and to be no larger than `limit`
    bytes before they are read."""

    def __init__(self, group, limit, where):
        self._group, self._limit, self._where = group, limit, where

    def keys(self):
        return list(self._group.keys()) if self._group is not None else []

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.keys()

    def __getitem__(self, key):
        if self._group is None:
            raise KeyError(key)
        dataset = member(self._group, key, "dataset", self._where)
        if dataset.size * dataset.dtype.itemsize > self._limit:
            raise ValueError(f"{self._where}: the dataset {dataset.name!r} holds "
                             f"{dataset.shape} values, more than the model could use.")
        return np.asarray(dataset[()])


def _vars_group(file, path, where):
    key = _vars_key(path)
    if key not in file and "_layer_checkpoint_dependencies" in file:
        key = key.replace("layers", "_layer_checkpoint_dependencies")  # Keras 2.13's files
    if key not in file:
        return None, key
    return member(file, key, "group", where), key


def _layer_plan(obj, group, key, skip_mismatch, where):
    expected = own_weights(obj)
    stored = len(group) if group is not None else 0
    if stored != len(expected):
        never_built = not expected and not obj.built
        message = (f"Layer '{obj.name}' expected {len(expected)} variables, but received "
                   f"{stored} variables during loading (group '{key}' in the file). "
                   f"Expected: {[w.name for w in expected]}."
                   + (" The layer was never built, so it has no variables yet: build the model "
                      "(call it on data) before loading weights." if never_built else ""))
        if skip_mismatch:
            warnings.warn(f"Skipping loading the weights of layer '{obj.name}'. {message}",
                          stacklevel=4)
            return []
        raise ValueError(f"{where}: {message}")
    plan = []
    for i, variable in enumerate(expected):
        dataset = member(group, str(i), "dataset", where)
        problem = mismatch(dataset, variable)
        if problem is None:
            plan.append((obj, variable, dataset))
            continue
        message = (f"layer '{obj.name}', variable {i} ({variable.path!r}, dataset "
                   f"'{key}/{i}' in the file): {problem}.")
        if skip_mismatch:
            warnings.warn(f"Skipping loading a weight of {message}", stacklevel=4)
            continue
        raise ValueError(f"{where}: cannot load the weights of {message} Check that the model "
                         f"is built like the one that was saved, or pass skip_mismatch=True.")
    return plan


def _restore_optimizer(model, optimizer, group, key, where):
    count = len(group) if group is not None else 0
    problem = optimizer_mismatch(optimizer, count, model)
    plan = []
    ordered = keras_ordered_variables(optimizer, model) if problem is None else ()
    for i, variable in enumerate(ordered):
        dataset = member(group, str(i), "dataset", where)
        problem = mismatch(dataset, variable)
        if problem is not None:
            problem = f"variable {variable.path!r} ('{key}/{i}'): {problem}"
            break
        plan.append((variable, dataset))
    if problem is not None:
        warnings.warn(f"Skipping variable loading for optimizer '{optimizer.name}': "
                      f"{problem}.", stacklevel=4)
        return
    for variable, dataset in plan:
        variable.assign(np.asarray(dataset[()]).astype(variable.dtype, copy=False))


def load_weights_file(file, model, skip_mismatch=False, where="load_weights"):
    """Load an open HDF5 file in Keras 3's layout into `model` (and its optimizer)."""
    from ..optimizers import Optimizer
    plan, hooks, optimizers, used = [], [], [], set()
    limit = sum(w.data.nbytes for w in model.weights) + 2 ** 20
    for path, obj in saveables(model):
        group, key = _vars_group(file, path, where)
        used.add(key)
        if isinstance(obj, Optimizer):
            optimizers.append((obj, group, key))
        elif _custom_hook(obj, "load_own_variables") is not None:
            hooks.append((obj, _CheckedStore(group, limit, where)))
        else:
            plan += _layer_plan(obj, group, key, skip_mismatch, where)
    assign(plan)
    for obj, store in hooks:
        obj.load_own_variables(store)
    for optimizer, group, key in optimizers:
        _restore_optimizer(model, optimizer, group, key, where)
    _warn_unused(file, used, where)


def _warn_unused(file, used, where):
    """Warn about saved variables that no part of the model took (Keras ignores them)."""
    unused = []

    def collect(name, obj):
        if (name == "vars" or name.endswith("/vars")) and name not in used and len(obj) and \
                "optimizer" not in name.split("/"):
            unused.append(name)

    file.visititems(collect)
    if unused:
        warnings.warn(f"{where}: the file holds weights that no part of the model uses: "
                      f"{sorted(unused)[:10]}. The model may differ from the saved one.",
                      stacklevel=4)


def load_weights(model, path, skip_mismatch=False):
    """Load a .weights.h5 file in Keras 3's layout into `model`."""
    where = f"load_weights({path!r})"
    with open_file(path) as file:
        try:
            load_weights_file(file, model, skip_mismatch, where)
        except (OSError, RuntimeError) as error:
            raise damaged(path, error) from None


# What reading a damaged archive or weights file raises (zlib.error: a corrupt deflate stream).
_READ_ERRORS = (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, zlib.error)


def _open_archive(path):
    """The archive, after checking every member against its checksum (HDF5 data has none of
    its own, so a damaged byte would otherwise load as a wrong weight)."""
    try:
        archive = zipfile.ZipFile(path, "r")
    except _READ_ERRORS as error:
        raise damaged(path, error) from None
    try:
        bad = archive.testzip()
    except _READ_ERRORS as error:
        archive.close()
        raise damaged(path, error) from None
    if bad is not None:
        archive.close()
        raise damaged(path, f"{bad} does not match its checksum")
    return archive


def _read_text(archive, name, path):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(f"{path!r} is a zip archive without {name}: it is not a .keras "
                         f"model file (the archive holds {archive.namelist()[:10]}).") from None
    if info.file_size > MAX_JSON_BYTES:
        raise ValueError(f"{path!r}: {name} is {info.file_size} bytes, more than the "
                         f"{MAX_JSON_BYTES} bytes a model config may have.")
    try:
        return archive.read(info)
    except _READ_ERRORS as error:
        raise damaged(path, error) from None


def _weights_from_archive(archive, model, path, skip_mismatch, where):
    names = archive.namelist()
    if WEIGHTS not in names:
        if "model.weights.npz" in names:
            raise ValueError(f"{where}: the weights are stored in the npz format, which "
                             f"minikeras does not read (numpy's loader can run pickled "
                             f"code). Save the model again with the default h5 weights.")
        if model.weights:
            raise ValueError(f"{where}: the archive has no {WEIGHTS}; it is incomplete.")
        return
    try:
        with archive.open(WEIGHTS) as handle, h5py_module().File(handle, "r") as file:
            load_weights_file(file, model, skip_mismatch, where)
    except _READ_ERRORS as error:
        raise damaged(path, error) from None


def load_model(path, custom_objects=None, compile=True):
    """A model from a .keras archive written here or by Keras 3."""
    from .object_registration import CustomObjectScope
    where = f"load_model({path!r})"
    with _open_archive(path) as archive:
        config = from_json(_read_text(archive, CONFIG, path), f"{CONFIG} of {path!r}")
        model = model_from_dict(config, custom_objects, f"{CONFIG} of {path!r}")
        compiled = config.get("compile_config")
        if compile and compiled:
            with CustomObjectScope(custom_objects):
                model.compile(**compile_args(compiled, custom_objects,
                                             f"compile_config of {path!r}"))
        _weights_from_archive(archive, model, path, False, where)
    return model


def load_weights_from_archive(model, path, skip_mismatch=False):
    """Load the weights stored in a .keras archive into `model`."""
    with _open_archive(path) as archive:
        _weights_from_archive(archive, model, path, skip_mismatch, f"load_weights({path!r})")
