"""save_model / load_model / save_weights / load_weights / model_from_json, as in Keras.

The format follows the file name when writing (`.keras`: Keras 3's zip archive; `.h5`,
`.hdf5`: the legacy HDF5 layout; `.weights.h5`: Keras 3's weights file) and the file's content
when reading, so a file that was renamed still loads. Every write goes to a temporary file in
the same folder that replaces the target only once complete.
"""

import warnings

from .files import as_path, atomic_path, check_overwrite, file_kind

# The formats are imported when first used, so that `import minikeras` stays fast.


def _check_model(model, where):
    from ..models import Model
    if not isinstance(model, Model):
        raise TypeError(f"{where} expects a keras Model, but received {type(model).__name__} "
                        f"{model!r:.80}.")


def _model_format(path, zipped, save_format):
    if zipped is False:
        raise ValueError(f"save_model: minikeras writes .keras files zipped only; received "
                         f"zipped=False for filepath={path!r}.")
    if save_format not in (None, False, "keras", "h5"):
        raise ValueError(
            f"The `save_format` argument is deprecated in Keras 3, and minikeras cannot write "
            f"save_format={save_format!r} (TensorFlow's SavedModel). Remove the argument and "
            f"pass a file path ending in `.keras` (recommended) or `.h5`."
        )
    if path.endswith(".keras"):
        return "keras"
    if path.endswith((".h5", ".hdf5")) or save_format == "h5":
        return "h5"
    raise ValueError(
        f"Invalid filepath extension for saving. Please add either a `.keras` extension for "
        f"the native Keras format (recommended) or a `.h5` extension. Received: "
        f"filepath={path}."
    )


def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True,
               save_format=None):
    """Save a whole model: its architecture, weights, compile settings and optimizer state.

    `name.keras` gives Keras 3's zip archive, `name.h5` the legacy HDF5 file; both load in
    Keras too. The file is written next to its target and moved over it when complete, so
    an interrupted save leaves any previous file intact.

    Args:
        model: the model to save.
        filepath: where to write; its extension picks the format.
        overwrite: whether to replace an existing file without asking.
        zipped: must be None or True (minikeras writes .keras files zipped).
        include_optimizer: for .h5 files, whether to save the compile settings and the
            optimizer's state.
        save_format: deprecated in Keras 3; 'h5' is still accepted.

    >>> save_model(model, "model.keras")
    """
    _check_model(model, "save_model")
    path = as_path(filepath, "save_model")
    kind = _model_format(path, zipped, save_format)
    if not check_overwrite(path, overwrite):
        return
    if not model.built:
        warnings.warn("You are saving a model that has not yet been built. It might not "
                      "contain any weights yet. Consider building the model first by calling "
                      "it on some data.", stacklevel=3)
    from . import hdf5, keras_zip
    with atomic_path(path) as temporary:
        if kind == "h5":
            hdf5.save_model(model, temporary, include_optimizer=include_optimizer)
        else:
            keras_zip.save_model(model, temporary)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with `save_model` (here or in Keras): a .keras archive or a
    legacy .h5 file, told apart by their content.

    The model comes back with its weights and, when it was compiled, compiled with the same
    settings and with the optimizer's state restored, so `fit` carries on where it stopped.
    Only JSON and arrays are read: a file that stores code (a Lambda layer's lambda) is
    refused, whatever `safe_mode` says.

    Args:
        filepath: the file.
        custom_objects: a dict of your own classes and functions the model uses, by name.
        compile: whether to compile the model with the saved settings.
        safe_mode: accepted for compatibility with Keras; minikeras never loads code.

    >>> model = load_model("model.keras")
    """
    path = as_path(filepath, "load_model")
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(f"load_model: custom_objects must be a dict mapping names to classes "
                        f"or functions, but received {type(custom_objects).__name__}.")
    if not isinstance(safe_mode, bool):
        raise TypeError(f"load_model: safe_mode must be True or False, received {safe_mode!r}.")
    from . import hdf5, keras_zip
    if file_kind(path) == "zip":
        return keras_zip.load_model(path, custom_objects, compile)
    with hdf5.open_file(path) as file:
        weights_only = "model_config" not in file.attrs
    if weights_only:
        raise ValueError(
            f"No model config found in the file at {path!r}: it holds only weights. Build the "
            f"model in code, then call model.load_weights({path!r})."
        )
    return hdf5.load_model(path, custom_objects, compile)


def save_weights(model, filepath, overwrite=True, save_format=None):
    """Save the model's weights (and its optimizer's state, in the Keras 3 layout).

    A name ending in `.weights.h5` gives Keras 3's layout; other `.h5`/`.hdf5` names the
    legacy layout that tf.keras 2 wrote (`layer_names`, `weight_names`).

    Args:
        model: the model.
        filepath: where to write.
        overwrite: whether to replace an existing file without asking.
        save_format: 'h5' or None (tf.keras 2's argument).

    >>> save_weights(model, "model.weights.h5")
    """
    _check_model(model, "save_weights")
    path = as_path(filepath, "save_weights")
    if save_format not in (None, "h5"):
        raise ValueError(f"save_weights: minikeras writes HDF5 weights files only, received "
                         f"save_format={save_format!r} (TensorFlow checkpoints are not "
                         f"supported). Use a filepath ending in `.weights.h5`.")
    legacy = not path.endswith(".weights.h5")
    if legacy and not (path.endswith((".h5", ".hdf5")) or save_format == "h5"):
        raise ValueError(f"The filename must end in `.weights.h5` (Keras 3's weights format) "
                         f"or `.h5` (tf.keras 2's). Received: filepath={path}")
    if not check_overwrite(path, overwrite):
        return
    from . import hdf5, keras_zip
    with atomic_path(path) as temporary:
        if legacy:
            hdf5.save_weights(model, temporary)
        else:
            keras_zip.save_weights(model, temporary)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Load weights saved by `save_weights` or `save_model` (here or in Keras) into `model`.

    Keras 3 files (.weights.h5, .keras) are matched to the model by where each layer sits;
    legacy .h5 files layer by layer in order, or by layer name with `by_name=True`.

    Args:
        model: the model, built like the one that was saved.
        filepath: the file.
        skip_mismatch: warn about and skip weights whose shape does not match, instead of
            raising.
        by_name: for legacy .h5 files, load each saved layer into the layer of that name.

    >>> load_weights(model, "model.weights.h5")
    """
    _check_model(model, "load_weights")
    path = as_path(filepath, "load_weights")
    from . import hdf5, keras_zip
    kind = file_kind(path, "load_weights")
    legacy = False
    if kind == "hdf5":
        with hdf5.open_file(path) as file:
            legacy = hdf5.is_legacy_weights(file)
    if by_name and not legacy:
        raise ValueError(f"Invalid keyword arguments: by_name=True is only supported for the "
                         f"legacy .h5 format, and {path!r} is a Keras 3 file.")
    if legacy:
        hdf5.load_weights(model, path, skip_mismatch=skip_mismatch, by_name=by_name)
    elif kind == "zip":
        keras_zip.load_weights_from_archive(model, path, skip_mismatch)
    else:
        keras_zip.load_weights(model, path, skip_mismatch)


def model_to_json(model, **kwargs):
    """The model's config as JSON (Keras 3's format, compile settings included)."""
    from .compile_config import compile_config
    from .config import model_to_dict
    from .files import to_json
    config = model_to_dict(model)
    compiled = compile_config(model)
    if compiled is not None:
        config["compile_config"] = compiled
    return to_json(config, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A model from the JSON that `model.to_json()` wrote (here, in Keras 3 or in tf.keras 2),
    compiled when the JSON holds compile settings. No weights: they are initialized afresh.

    Args:
        json_string: the JSON text.
        custom_objects: a dict of your own classes and functions the model uses, by name.

    >>> model = model_from_json(model.to_json())
    """
    from .compile_config import compile_args
    from .config import model_from_dict
    from .files import from_json
    from .object_registration import CustomObjectScope
    config = from_json(json_string, "JSON model config")
    model = model_from_dict(config, custom_objects, "JSON model config")
    compiled = config.get("compile_config")
    if compiled:
        with CustomObjectScope(custom_objects):
            model.compile(**compile_args(compiled, custom_objects, "compile_config"))
    return model
