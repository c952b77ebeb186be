"""The 8x8 handwritten digits: 1,797 images of the digits 0-9, shipped with minikeras.

Source: "Optical Recognition of Handwritten Digits" (E. Alpaydin and C. Kaynak, 1998), the test
set of the UCI Machine Learning Repository's dataset, licensed under Creative Commons
Attribution 4.0 (CC BY 4.0). Each image is 32x32 bitmaps from 13 writers reduced to 8x8 blocks
whose values count the "on" pixels: integers from 0 to 16.
"""

import os

import numpy as np

from ..backend import random

PATH = os.path.join(os.path.dirname(__file__), "data", "digits.npz")


def load_data(test_split=0.2, seed=113):
    """Load the digits as `(x_train, y_train), (x_test, y_test)`, like keras.datasets.mnist.

    Args:
        test_split: the fraction of images held out for testing.
        seed: the seed of the shuffle before the split, so the split is always the same.

    Returns:
        uint8 images of shape (N, 8, 8) with values 0-16, and uint8 labels 0-9.

    >>> (x_train, y_train), (x_test, y_test) = load_data()
    >>> x_train.shape, x_test.shape
    ((1438, 8, 8), (359, 8, 8))
    """
    if not 0.0 <= test_split < 1.0:
        raise ValueError(f"test_split must be in [0, 1), received {test_split!r}.")
    with np.load(PATH) as data:
        images, labels = data["images"], data["labels"]
    order = random.generator(seed).permutation(len(images))
    images, labels = images[order], labels[order]
    n_test = int(round(len(images) * test_split))
    n_train = len(images) - n_test
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])
