"""MNIST: 70,000 28x28 grayscale images of the handwritten digits 0-9, as keras.datasets.mnist
loads them, from the same file (~/.keras/datasets/mnist.npz).

License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of the
NIST datasets, made available under the Creative Commons Attribution-Share Alike 3.0 license.
"""

from ..utils.file_utils import get_file
from .files import KERAS_DATASETS, check_images, load_npz, member

ORIGIN = KERAS_DATASETS + "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load MNIST as `(x_train, y_train), (x_test, y_test)`, downloading it the first time.

    Args:
        path: the file's name in the cache folder (`~/.keras/datasets`).

    Returns:
        `x_train` uint8 images of shape (60000, 28, 28) with pixel values 0-255, `y_train`
        uint8 digit labels 0-9 of shape (60000,); `x_test` (10000, 28, 28) and `y_test`
        (10000,) alike.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((60000, 28, 28), (60000,))
    """
    path = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    arrays = load_npz(path)
    splits = []
    for name in ("train", "test"):
        images, labels = member(arrays, f"x_{name}", path), member(arrays, f"y_{name}", path)
        check_images(path, name, images, labels, (28, 28))
        splits.append((images, labels))
    return tuple(splits)
