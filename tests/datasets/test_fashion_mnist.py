"""fashion_mnist.load_data on small gzipped IDX files in Keras's cache folder."""

import gzip
import struct

import numpy as np
import pytest

from minikeras.datasets import fashion_mnist


def idx_bytes(array, magic=None):
    """An array of uint8 in the IDX format: magic (0, 0, 8, ndim), big-endian sizes, data."""
    magic = 0x0800 + array.ndim if magic is None else magic
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.tobytes()


@pytest.fixture
def files(cache, accept):
    """Write the four files (train 6, test 4 images) and let the loader trust them."""
    def write(**replace):
        rng = np.random.default_rng(1)
        arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28), np.uint8),
                  "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 6, np.uint8),
                  "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (4, 28, 28), np.uint8),
                  "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 4, np.uint8)}
        folder = cache / "fashion-mnist"
        folder.mkdir(exist_ok=True)
        for name, array in arrays.items():
            data = replace.get(name, gzip.compress(idx_bytes(array)))
            (folder / name).write_bytes(data)
            accept(fashion_mnist, folder / name, "FILE_HASHES", key=name)
        return arrays
    return write


def test_reads_the_four_idx_files(files):
    arrays = files()
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (6, 28, 28) and y_train.shape == (6,)
    assert x_test.shape == (4, 28, 28) and y_test.shape == (4,)
    assert x_train.dtype == y_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    x_train[0, 0, 0] = 1  # writable arrays
    assert fashion_mnist.CLASS_NAMES[9] == "Ankle boot"


@pytest.mark.parametrize("name, data, match", [
    ("train-images-idx3-ubyte.gz", b"not gzip", "not a readable gzip file"),
    ("train-images-idx3-ubyte.gz", gzip.compress(b"\x00\x00"), "fewer than an IDX header"),
    ("t10k-labels-idx1-ubyte.gz", gzip.compress(idx_bytes(np.zeros(4, np.uint8), 0x0803)),
     "magic number is 0x00000803, not 0x00000801"),
    ("t10k-images-idx3-ubyte.gz", gzip.compress(idx_bytes(np.zeros((4, 28, 28), np.uint8))[:-9]),
     r"announces 3136 bytes of shape \(4, 28, 28\), but 3127 follow"),
    ("t10k-images-idx3-ubyte.gz", gzip.compress(idx_bytes(np.zeros((4, 28, 27), np.uint8))),
     r"x_test should be uint8 images of shape \(n, 28, 28\)"),
    ("train-labels-idx1-ubyte.gz", gzip.compress(idx_bytes(np.zeros(5, np.uint8))),
     "y_train should hold 6 uint8 labels"),
])
def test_damaged_files(files, name, data, match):
    files(**{name: data})
    with pytest.raises(ValueError, match=match) as error:
        fashion_mnist.load_data()
    assert "fashion-mnist" in str(error.value) and "Delete it" in str(error.value)


def test_missing_files_are_fetched_from_keras_origin(cache, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "KERAS_DATASETS", "file:///offline/")
    with pytest.raises(ConnectionError, match="copy it to .*fashion-mnist.train-labels"):
        fashion_mnist.load_data()
