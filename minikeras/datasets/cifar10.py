"""CIFAR-10: 60,000 32x32 colour images in 10 classes (50,000 for training), as
keras.datasets.cifar10 loads them, from the same archive and folder
(~/.keras/datasets/cifar-10-batches-py_archive, unpacked into cifar-10-batches-py/).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck.
"""

import os
import shutil

import numpy as np

from ..backend.config import image_data_format
from ..utils.file_utils import get_file
from .cifar import load_batch
from .files import damaged

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
               "truck")


def load_data():
    """Load CIFAR-10 as `(x_train, y_train), (x_test, y_test)`, downloading it once (163 MiB).

    The batch files are pickles, read with a restricted unpickler that can only rebuild numpy
    arrays, so a planted file cannot run code.

    Returns:
        `x_train` uint8 images of shape (50000, 32, 32, 3) (or (50000, 3, 32, 32) when
        `image_data_format()` is 'channels_first') with values 0-255, `y_train` uint8 labels
        0-9 of shape (50000, 1); `x_test` (10000, 32, 32, 3) and `y_test` (10000, 1) alike.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1))
    """
    folder = _batches_folder()
    train = [load_batch(os.path.join(folder, name)) for name in TRAIN_BATCHES]
    x_train = np.concatenate([data for data, _ in train])
    y_train = np.concatenate([labels for _, labels in train])
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    if image_data_format() == "channels_last":
        # A contiguous copy: a transposed view would make every later batch slice slow.
        x_train = np.ascontiguousarray(x_train.transpose(0, 2, 3, 1))
        x_test = np.ascontiguousarray(x_test.transpose(0, 2, 3, 1))
    return (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))


def _batches_folder():
    """The folder of the batch files, unpacked again from the cached archive if one is missing
    (a batch file deleted because it was damaged, or an unpacking by another program that
    stopped midway)."""
    for _ in range(2):
        extracted = get_file(fname=DIRNAME, origin=ORIGIN, untar=True, file_hash=FILE_HASH)
        folder = os.path.join(extracted, DIRNAME)  # the archive holds its files in this folder
        missing = [name for name in TRAIN_BATCHES + ("test_batch",)
                   if not os.path.isfile(os.path.join(folder, name))]
        if not missing:
            return folder
        shutil.rmtree(extracted)
    raise damaged(os.path.join(os.path.dirname(extracted), f"{DIRNAME}_archive"),
                  f"the archive has no {DIRNAME}/{missing[0]}")
