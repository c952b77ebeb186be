"""Reading Keras's dataset files without running code from them, and the errors for damaged ones.

Two of Keras's files hold Python pickles: the CIFAR batches are pickled dicts of numpy arrays,
and imdb.npz stores its reviews (lists of different lengths) as numpy object arrays, which
numpy can only save as a pickle. `pickle.load` (and `np.load(allow_pickle=True)`, which uses it)
calls whatever function a file names, so a planted file could run any command.

Rather than a parser of our own for pickle's opcodes, the standard reader is kept and its one
door to code, the lookup of names, is closed: `RestrictedUnpickler` resolves only the names a
pickled numpy array uses (and those to objects held here, never by importing what the file
names), so it builds numpy arrays and dtypes plus the dicts, lists, numbers and strings pickle
makes itself, and refuses everything else before anything is called. Even `numpy.ndarray` is
handed out only as a token that numpy's array rebuilding accepts: the class itself, called on a
buffer with an object dtype, would read raw bytes as pointers. `load_npz` reads an .npz member by
member: numeric arrays with pickling off, object arrays with the restricted unpickler.
"""

import io
import pickle
import zipfile

import numpy as np

# Where Keras keeps its datasets (files with Keras's names and formats).
KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

# The only globals a pickled numpy array refers to: `_reconstruct` (protocols up to 4) or
# `_frombuffer` (protocol 5), the ndarray class and `dtype`. numpy < 2 and numpy >= 2 spell
# their modules differently, and both spellings occur in files. Each maps to an object held
# here, so unpickling never imports a module named by the file.
_RECONSTRUCT = np.empty(0).__reduce__()[0]
_FROMBUFFER = np.empty(0).__reduce_ex__(5)[0]


class _NdarrayName:
    """Stands for `numpy.ndarray` in a pickle. The class itself is never handed out: called
    with a buffer and an object dtype it would turn raw bytes into object pointers."""


_NDARRAY = _NdarrayName()


def _reconstruct(subtype, shape, dtype):
    """An empty array to be filled by its pickled state, as numpy's `_reconstruct` makes."""
    if subtype is not _NDARRAY:
        raise pickle.UnpicklingError(f"a numpy array must be rebuilt as numpy.ndarray, not as "
                                     f"{subtype!r:.60}")
    return _RECONSTRUCT(np.ndarray, shape, dtype)


_ALLOWED_GLOBALS = {("numpy", "ndarray"): _NDARRAY, ("numpy", "dtype"): np.dtype}
for _package in ("numpy.core", "numpy._core"):
    _ALLOWED_GLOBALS[(f"{_package}.multiarray", "_reconstruct")] = _reconstruct
    # numpy refuses object dtypes in `_frombuffer`, so it cannot make pointers from bytes.
    _ALLOWED_GLOBALS[(f"{_package}.numeric", "_frombuffer")] = _FROMBUFFER


class _Refused(pickle.UnpicklingError):
    """A pickle named a global outside `_ALLOWED_GLOBALS`."""


class RestrictedUnpickler(pickle.Unpickler):
    """A pickle reader that rebuilds numpy arrays and plain Python values, and nothing else.

    Any other global a pickle names (`os.system`, `builtins.eval`, a class) is refused with a
    `pickle.UnpicklingError` before it is looked up, so reading a file never runs its code.
    Python 2 strings (CIFAR's batches were written by Python 2) are read as latin-1, which
    keeps array bytes intact.

    Args:
        file: a binary file open for reading.

    >>> import io, pickle
    >>> RestrictedUnpickler(io.BytesIO(pickle.dumps({"a": [1, 2]}))).load()
    {'a': [1, 2]}
    """

    def __init__(self, file):
        super().__init__(file, encoding="latin1")

    def find_class(self, module, name):
        allowed = _ALLOWED_GLOBALS.get((module, name))
        if allowed is None:
            raise _Refused(
                f"Refusing to load `{module}.{name}`: a dataset file may only hold numpy arrays "
                f"and plain values, and loading this name could run code from the file."
            )
        return allowed


def damaged(path, detail):
    """The error for a dataset file that cannot be read or does not hold what it should."""
    return ValueError(
        f"Cannot read the dataset file {path}: {detail}. The file is damaged, incomplete or not "
        f"in Keras's format. Delete it and call load_data() again to download a fresh copy."
    )


def unpickle(handle, path):
    """The value pickled in the open file `handle` (of the file `path`), read safely."""
    try:
        return RestrictedUnpickler(handle).load()
    except _Refused as error:
        raise damaged(path, error) from None
    except Exception as error:  # a malformed pickle can fail in many ways; all mean damaged
        raise damaged(path, f"its pickle is malformed ({type(error).__name__}: {error})") \
            from None


def load_npz(path):
    """The arrays of the .npz file at `path`, by name, read without running code from it.

    Numeric arrays are read with pickling disabled; object arrays (imdb.npz's lists) go
    through `RestrictedUnpickler`.

    >>> arrays = load_npz("mnist.npz")  # doctest: +SKIP
    >>> arrays["x_train"].shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith(".npy"):
                    with archive.open(info) as member:
                        data = io.BytesIO(member.read())
                    arrays[info.filename[:-len(".npy")]] = _read_npy(data, path, info.filename)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise damaged(path, f"it is not a readable .npz (zip) file ({error})") from None
    return arrays


def _read_npy(data, path, member):
    try:
        shape, fortran_order, dtype = _npy_header(data)
        if not dtype.hasobject:
            data.seek(0)
            return np.lib.format.read_array(data, allow_pickle=False)
    except ValueError as error:
        raise damaged(path, f"its member {member} is not a valid .npy array ({error})") from None
    array = unpickle(data, path)
    if not isinstance(array, np.ndarray) or array.shape != shape or array.dtype != dtype:
        raise damaged(path, f"its member {member} should hold an array of {dtype} and shape "
                            f"{shape}, but holds {type(array).__name__} "
                            f"{getattr(array, 'shape', '')}")
    return array


def _npy_header(data):
    """(shape, fortran_order, dtype) from an .npy header; `data` is left just after it."""
    version = np.lib.format.read_magic(data)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(data)
    if version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding (utf-8 for latin-1); the
        # headers numpy writes are ASCII, which both read alike.
        return np.lib.format.read_array_header_2_0(data)
    raise ValueError(f"unknown .npy format version {version}")


def member(arrays, name, path):
    """`arrays[name]`, or the damaged-file error listing the names the file has."""
    if name not in arrays:
        found = ", ".join(sorted(arrays)) or "none"
        raise damaged(path, f"it has no array {name!r} (arrays found: {found})")
    return arrays[name]


def check(condition, path, detail):
    """Raise the damaged-file error with `detail` unless `condition` holds."""
    if not condition:
        raise damaged(path, detail)


def check_images(path, name, images, labels, image_shape):
    """Check that `images` are uint8 of shape (n, *image_shape) and `labels` n uint8 labels."""
    expected = ", ".join(str(size) for size in image_shape)
    check(isinstance(images, np.ndarray) and images.dtype == np.uint8
          and images.shape[1:] == tuple(image_shape), path,
          f"x_{name} should be uint8 images of shape (n, {expected}), but it holds "
          f"{getattr(images, 'dtype', type(images).__name__)} of shape "
          f"{getattr(images, 'shape', '?')}")
    check(isinstance(labels, np.ndarray) and labels.dtype == np.uint8
          and labels.shape == (len(images),), path,
          f"y_{name} should hold {len(images)} uint8 labels (one per image), shape "
          f"({len(images)},), but it holds {getattr(labels, 'dtype', type(labels).__name__)} "
          f"of shape {getattr(labels, 'shape', '?')}")
