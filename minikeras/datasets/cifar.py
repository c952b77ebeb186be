"""Reading the batch files of CIFAR-10 (and CIFAR-100): pickled dicts, read safely."""

import numpy as np

from .files import check, unpickle

IMAGE_BYTES = 3 * 32 * 32


def load_batch(fpath, label_key="labels"):
    """The images and labels of one CIFAR batch file, as `(data, labels)`.

    A batch is a pickled dict (written by Python 2) whose 'data' is a uint8 array of shape
    (n, 3072), each row an image's red, green and blue 32x32 planes, and whose `label_key`
    entry is a list of n integer labels. It is read with `RestrictedUnpickler`, so a file that
    holds anything but arrays and plain values is refused before any of it runs.

    Args:
        fpath: the batch file, e.g. '.../cifar-10-batches-py/data_batch_1'.
        label_key: the key of the labels: 'labels' for CIFAR-10, 'fine_labels' or
            'coarse_labels' for CIFAR-100.

    Returns:
        `data`, uint8 images of shape (n, 3, 32, 32) (channels first, as stored), and
        `labels`, a uint8 array of shape (n,).

    >>> data, labels = load_batch("cifar-10-batches-py/test_batch")  # doctest: +SKIP
    >>> data.shape, labels.shape  # doctest: +SKIP
    ((10000, 3, 32, 32), (10000,))
    """
    with open(fpath, "rb") as handle:
        batch = unpickle(handle, fpath)
    check(isinstance(batch, dict), fpath,
          f"a CIFAR batch is a pickled dict, but this file holds {type(batch).__name__}")
    # Python 2 wrote the keys as byte strings: read as latin-1 they are str, else bytes.
    batch = {key.decode("latin1") if isinstance(key, bytes) else key: value
             for key, value in batch.items()}
    for key in ("data", label_key):
        check(key in batch, fpath, f"the batch has no {key!r} entry (entries: "
                                   f"{', '.join(sorted(map(str, batch)))})")
    data = batch["data"]
    check(isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2
          and data.shape[1] == IMAGE_BYTES, fpath,
          f"'data' should be uint8 images of shape (n, {IMAGE_BYTES}), but it is "
          f"{getattr(data, 'dtype', type(data).__name__)} of shape {getattr(data, 'shape', '?')}")
    labels = _labels(batch[label_key], len(data), label_key, fpath)
    return data.reshape(len(data), 3, 32, 32), labels


def _labels(values, count, label_key, fpath):
    labels = np.asarray(values) if isinstance(values, (list, np.ndarray)) else None
    check(labels is not None and labels.shape == (count,)
          and (labels.dtype.kind in "iu" or count == 0), fpath,
          f"{label_key!r} should be a list of {count} integer labels, one per image, but it is "
          f"{type(values).__name__} {getattr(labels, 'shape', '')}")
    check(count == 0 or (labels.min() >= 0 and labels.max() <= 255), fpath,
          f"{label_key!r} should hold labels from 0 to 255, but they range from "
          f"{labels.min() if count else 0} to {labels.max() if count else 0}")
    return labels.astype(np.uint8)
