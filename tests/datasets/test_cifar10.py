"""cifar10.load_data on a small archive in Keras's cache layout: the batches are unpacked into
cifar-10-batches-py/cifar-10-batches-py/, images come channels last, labels as (n, 1)."""

import io
import tarfile

import numpy as np
import pytest

from minikeras.backend import config
from minikeras.datasets import cifar10

BATCHES = cifar10.TRAIN_BATCHES + ("test_batch",)


def make_archive(path, python2_pickle, sizes=(2, 2, 2, 2, 2, 3), replace=None, skip=()):
    """A cifar-10-python.tar.gz with small batches; returns {batch name: (data, labels)}."""
    replace = replace or {}
    contents = {}
    with tarfile.open(path, "w:gz") as archive:
        for seed, (name, n) in enumerate(zip(BATCHES, sizes)):
            if name in skip:
                continue
            rng = np.random.default_rng(seed)
            data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
            labels = [int(v) for v in rng.integers(0, 10, n)]
            contents[name] = data, labels
            raw = replace.get(name) or python2_pickle({b"batch_label": b"batch", b"data": data,
                                                       b"labels": labels})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return contents


@pytest.fixture
def archive(cache, accept, python2_pickle):
    """Put a small archive where Keras keeps it, trusted by the loader."""
    def put(**kwargs):
        contents = make_archive(cache / "cifar-10-batches-py_archive", python2_pickle, **kwargs)
        accept(cifar10, cache / "cifar-10-batches-py_archive")
        return contents
    return put


def test_shapes_dtypes_and_pixel_layout(archive, cache):
    contents = archive()
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_test.shape == (3, 1)
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    assert x_train.flags.c_contiguous
    data, labels = contents["data_batch_2"]
    # A row holds the red, then green, then blue 32x32 plane.
    for channel in range(3):
        np.testing.assert_array_equal(x_train[2, :, :, channel],
                                      data[0, channel * 1024:(channel + 1) * 1024]
                                      .reshape(32, 32))
    assert y_train[2, 0] == labels[0]
    assert list(y_test[:, 0]) == contents["test_batch"][1]
    assert (cache / "cifar-10-batches-py" / "cifar-10-batches-py" / "data_batch_1").exists()


def test_channels_first(archive):
    contents = archive()
    config.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = cifar10.load_data()
    finally:
        config.set_image_data_format("channels_last")
    assert x_train.shape == (10, 3, 32, 32)
    np.testing.assert_array_equal(x_train[0].reshape(-1), contents["data_batch_1"][0][0])


def test_downloads_and_unpacks(cache, accept, python2_pickle, tmp_path, monkeypatch):
    make_archive(tmp_path / "cifar-10-python.tar.gz", python2_pickle)
    monkeypatch.setattr(cifar10, "ORIGIN", (tmp_path / "cifar-10-python.tar.gz").as_uri())
    accept(cifar10, tmp_path / "cifar-10-python.tar.gz")
    (x_train, _), _ = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3)
    assert (cache / "cifar-10-batches-py_archive").exists()


def test_deleted_batch_is_unpacked_again(archive, cache):
    archive()
    cifar10.load_data()
    (cache / "cifar-10-batches-py" / "cifar-10-batches-py" / "data_batch_3").unlink()
    (x_train, _), _ = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3)


def test_archive_without_a_batch(archive):
    archive(skip=("data_batch_4",))
    with pytest.raises(ValueError, match="the archive has no cifar-10-batches-py/data_batch_4"):
        cifar10.load_data()


def test_code_in_a_batch_is_refused(archive, evil):
    payload, marker = evil
    archive(replace={"data_batch_2": payload})
    with pytest.raises(ValueError, match="Refusing to load `(posix|nt).system`") as error:
        cifar10.load_data()
    assert "data_batch_2" in str(error.value)
    assert not marker.exists()


def test_offline_error_names_keras_archive_path(cache, monkeypatch):
    monkeypatch.setattr(cifar10, "ORIGIN", "file:///offline/cifar-10-python.tar.gz")
    with pytest.raises(ConnectionError) as error:
        cifar10.load_data()
    assert f"copy it to {cache / 'cifar-10-batches-py_archive'}" in str(error.value)
