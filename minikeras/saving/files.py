"""File-level helpers shared by the saving formats: atomic writes, telling file kinds apart,
JSON in and out, and the refusal of code stored in configs.

Nothing here executes anything read from a file: configs are parsed as JSON, and a config that
carries code (a Python lambda's bytecode or source) is refused before any object is built.
"""

import contextlib
import os

import numpy as np

# The Keras release whose file layouts these are; minikeras also records its own version.
KERAS_VERSION = "3.5.0"
BACKEND = "numpy"

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"

# Upper bounds on what is read from a file before its content is checked, so a damaged or
# hostile file cannot make loading allocate gigabytes.
MAX_JSON_BYTES = 64 * 2 ** 20
MAX_JSON_DEPTH = 200


def h5py_module():
    """h5py, imported on first use so that `import minikeras` stays fast."""
    import h5py
    return h5py


def minikeras_version():
    from .. import __version__
    return __version__


def as_path(filepath, where):
    """`filepath` as a str, for a str or os.PathLike; a TypeError otherwise."""
    if isinstance(filepath, (str, os.PathLike)):
        return os.fspath(filepath)
    raise TypeError(
        f"{where}: `filepath` must be a path (a str or pathlib.Path), but received "
        f"{type(filepath).__name__} {filepath!r:.80}."
    )


def check_overwrite(path, overwrite):
    """Whether to go on writing `path`: always when `overwrite`, else ask as Keras does."""
    if overwrite or not os.path.exists(path):
        return True
    answer = input(f"[WARNING] {path} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path next to `path`; when the block succeeds, move it over `path`.

    The temporary file lives in the same folder, so `os.replace` is atomic: a save that
    fails midway (an exception, a full disk) leaves the previous file as it was.
    """
    import uuid
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield temporary
        with open(temporary, "rb+") as handle:  # on disk before it replaces the old file
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def file_kind(path, where="load_model"):
    """'hdf5' or 'zip', from the file's first bytes (not its name); a clear error otherwise."""
    if os.path.isdir(path):
        raise ValueError(
            f"{where}: {path!r} is a directory. minikeras reads .keras and .h5 files; a "
            f"TensorFlow SavedModel directory cannot be loaded. In TensorFlow, save the model "
            f"again with model.save('model.keras') or model.save('model.h5')."
        )
    if not os.path.exists(path):
        raise ValueError(
            f"{where}: file not found: filepath={path!r}. Please ensure the file is an "
            f"accessible .keras zip file or .h5 file."
        )
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head.startswith(ZIP_SIGNATURE):
            return "zip"
        # HDF5 may start after a user block of 512, 1024, 2048, ... bytes.
        offset = 0
        while offset + 8 <= size:
            handle.seek(offset)
            if handle.read(8) == HDF5_SIGNATURE:
                return "hdf5"
            offset = 512 if offset == 0 else offset * 2
    kind = "an empty file" if size == 0 else f"a file starting with the bytes {head!r}"
    raise ValueError(
        f"{where}: {path!r} is not an HDF5 file nor a .keras zip archive ({kind}). minikeras "
        f"loads files written by model.save('name.keras'), model.save('name.h5') or "
        f"model.save_weights(...), in minikeras or in Keras."
    )


def damaged(path, error):
    """The error for an HDF5 or zip file that exists but cannot be read."""
    return ValueError(
        f"Cannot read {path!r}: the file is damaged or truncated ({error}). If the program "
        f"that wrote it stopped while saving, save the model again."
    )


def _json_default(value):
    """What json.dumps cannot write itself: numpy scalars and arrays, sets, bytes."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.dtype):
        return value.name
    raise TypeError(f"Cannot write {value!r} of type {type(value).__name__} to a JSON config: "
                    f"get_config() must return plain values (numbers, strings, lists, dicts).")


def to_json(value, **kwargs):
    """`value` as JSON text (numpy values become plain numbers and lists)."""
    import json
    return json.dumps(value, default=_json_default, **kwargs)


def from_json(text, what):
    """Parse JSON text read from a file; a ValueError naming `what` if it is not valid JSON."""
    import json
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"The {what} is not UTF-8 text: {error}.") from None
    if not isinstance(text, str):
        raise ValueError(f"The {what} should be JSON text, but it is a {type(text).__name__}.")
    if len(text) > MAX_JSON_BYTES:
        raise ValueError(f"The {what} is {len(text)} bytes long, more than the "
                         f"{MAX_JSON_BYTES} bytes a model config may have.")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"The {what} is nested too deeply to be a model config.") from None
    except ValueError as error:
        raise ValueError(f"The {what} is not valid JSON: {error}.") from None
    _check_depth(value, what)
    return value


def _check_depth(value, what):
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"The {what} is nested more than {MAX_JSON_DEPTH} levels deep; "
                             f"it is not a model config.")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def refuse_code(config, what):
    """Raise if a config carries code: Keras 3's `__lambda__` objects (marshalled bytecode)
    or tf.keras 2's Lambda functions stored as bytecode. Nothing is built before this check,
    so a file with code is refused as a whole."""
    stack = [(config, "", None)]
    while stack:
        item, where, owner = stack.pop()
        if isinstance(item, list):
            stack.extend((v, f"{where}[{i}]", owner) for i, v in enumerate(item))
            continue
        if not isinstance(item, dict):
            continue
        stored_as_code = item.get("class_name") == "__lambda__" or any(
            item.get(key) == "lambda" for key in ("function_type", "output_shape_type"))
        if isinstance(item.get("class_name"), str) and isinstance(item.get("config"), dict) \
                and not stored_as_code:
            name = item["config"].get("name")
            owner = f'{item["class_name"]} "{name}"' if isinstance(name, str) else \
                item["class_name"]
        if stored_as_code:
            raise ValueError(
                f"The {what} holds Python code (at {where or 'its top level'}, in "
                f"{owner or 'the config'}): a lambda function stored as bytecode or source "
                f"text. Loading it would mean running code from the file, which could do "
                f"anything, so minikeras refuses it (it never runs code from a file, whatever "
                f"safe_mode says). Rebuild the model in Python and load only its weights, or "
                f"replace the lambda by a named function registered with "
                f"@keras.saving.register_keras_serializable() and save again."
            )
        stack.extend((v, f"{where}.{k}" if where else k, owner) for k, v in item.items())
