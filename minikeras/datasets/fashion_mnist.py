"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing, a drop-in replacement
for MNIST, as keras.datasets.fashion_mnist loads them, from the same four files (the original
gzipped IDX files, in ~/.keras/datasets/fashion-mnist/).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.

License: the copyright of Fashion-MNIST is held by Zalando SE; it is licensed under the MIT
license.
"""

import gzip
import os
import struct
import zlib

import numpy as np

from ..utils.file_utils import get_file
from .files import KERAS_DATASETS, check, check_images, damaged

CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
# The sha256 of each file, so that a damaged download or a planted file is not read.
FILE_HASHES = {
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
}
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")


def load_data():
    """Load Fashion-MNIST as `(x_train, y_train), (x_test, y_test)`, downloading it once.

    Returns:
        `x_train` uint8 images of shape (60000, 28, 28) with pixel values 0-255, `y_train`
        uint8 labels 0-9 of shape (60000,); `x_test` (10000, 28, 28) and `y_test` (10000,)
        alike.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> CLASS_NAMES[y_train[0]]  # doctest: +SKIP
    'Ankle boot'
    """
    splits = []
    for split, name in (("train", "train"), ("t10k", "test")):
        labels = _read_idx(_fetch(f"{split}-labels-idx1-ubyte.gz"), dims=1)
        images_path = _fetch(f"{split}-images-idx3-ubyte.gz")
        images = _read_idx(images_path, dims=3)
        check_images(images_path, name, images, labels, (28, 28))
        splits.append((images, labels))
    return tuple(splits)


def _fetch(fname):
    return get_file(fname, origin=KERAS_DATASETS + fname, cache_subdir=CACHE_SUBDIR,
                    file_hash=FILE_HASHES[fname])


def _read_idx(path, dims):
    """The uint8 array in a gzipped IDX file: a 4-byte magic number (0, 0, 8 for unsigned
    bytes, the number of dimensions), one big-endian 4-byte size per dimension, the data."""
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise damaged(path, f"it is not a readable gzip file ({error})") from None
    header = 4 * (1 + dims)
    check(len(data) >= header, path, f"it has {len(data)} bytes, fewer than an IDX header")
    magic, *shape = struct.unpack(f">{1 + dims}I", data[:header])
    check(magic == 0x0800 + dims, path,
          f"its IDX magic number is {magic:#010x}, not {0x0800 + dims:#010x} (unsigned bytes "
          f"in {dims} dimension{'s' if dims > 1 else ''})")
    size = int(np.prod(shape))
    check(len(data) - header == size, path,
          f"its header announces {size} bytes of shape {tuple(shape)}, but "
          f"{len(data) - header} follow")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()
