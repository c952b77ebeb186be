"""mnist.load_data on small files in Keras's format: values, dtypes, the download path through
get_file, and clear errors for damaged files."""

import numpy as np
import pytest

from minikeras.datasets import mnist


def write_mnist(path, n_train=5, n_test=3, **overrides):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}
    arrays.update(overrides)
    np.savez_compressed(path, **arrays)  # how Keras's mnist.npz is stored
    return arrays


def test_reads_keras_cache_file(cache, accept):
    arrays = write_mnist(cache / "mnist.npz")
    accept(mnist, cache / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (5, 28, 28) and x_test.shape == (3, 28, 28)
    assert y_train.shape == (5,) and y_test.shape == (3,)
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


def test_downloads_from_origin(cache, accept, tmp_path, monkeypatch):
    arrays = write_mnist(tmp_path / "served.npz")
    monkeypatch.setattr(mnist, "ORIGIN", (tmp_path / "served.npz").as_uri())
    accept(mnist, tmp_path / "served.npz")
    (x_train, _), _ = mnist.load_data(path="my_mnist.npz")
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    assert (cache / "my_mnist.npz").exists()


def test_keras_hash_is_checked(cache, monkeypatch):
    write_mnist(cache / "mnist.npz")  # not Keras's file: its hash differs, so it is fetched
    monkeypatch.setattr(mnist, "ORIGIN", "file:///offline/mnist.npz")
    with pytest.raises(ConnectionError, match=mnist.FILE_HASH) as error:
        mnist.load_data()
    assert str(cache / "mnist.npz") in str(error.value)


@pytest.mark.parametrize("overrides, match", [
    ({"x_train": np.zeros((5, 28, 27), np.uint8)},
     r"x_train should be uint8 images of shape \(n, 28, 28\), but it holds uint8 of shape "
     r"\(5, 28, 27\)"),
    ({"x_test": np.zeros((3, 28, 28), np.float32)}, "x_test should be uint8 images"),
    ({"y_train": np.zeros(4, np.uint8)}, r"y_train should hold 5 uint8 labels"),
])
def test_inconsistent_arrays(cache, accept, overrides, match):
    write_mnist(cache / "mnist.npz", **overrides)
    accept(mnist, cache / "mnist.npz")
    with pytest.raises(ValueError, match=match) as error:
        mnist.load_data()
    assert "mnist.npz" in str(error.value) and "Delete it" in str(error.value)


def test_missing_array_and_damaged_file(cache, accept):
    np.savez(cache / "mnist.npz", x_train=np.zeros((1, 28, 28), np.uint8))
    accept(mnist, cache / "mnist.npz")
    with pytest.raises(ValueError, match="has no array 'y_train' .arrays found: x_train"):
        mnist.load_data()
    (cache / "mnist.npz").write_bytes(b"PK\x03\x04 damaged")
    accept(mnist, cache / "mnist.npz")
    with pytest.raises(ValueError, match="not a readable .npz"):
        mnist.load_data()
