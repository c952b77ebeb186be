"""cifar.load_batch: Keras's pickled batch format (as Python 2 wrote it), read safely."""

import pickle

import numpy as np
import pytest

from minikeras.datasets.cifar import load_batch


def batch(n, seed=0):
    rng = np.random.default_rng(seed)
    return {b"batch_label": b"training batch 1 of 5",
            b"labels": [int(v) for v in rng.integers(0, 10, n)],
            b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            b"filenames": [b"img_%d.png" % i for i in range(n)]}


def test_python2_batch(tmp_path, python2_pickle):
    content = batch(4)
    (tmp_path / "data_batch_1").write_bytes(python2_pickle(content))
    data, labels = load_batch(tmp_path / "data_batch_1")
    assert data.shape == (4, 3, 32, 32) and data.dtype == np.uint8
    np.testing.assert_array_equal(data.reshape(4, -1), content[b"data"])
    assert labels.dtype == np.uint8 and list(labels) == content[b"labels"]


def test_python3_batch_and_label_key(tmp_path):
    content = {"data": np.ones((2, 3072), np.uint8), "fine_labels": [99, 7]}
    (tmp_path / "train").write_bytes(pickle.dumps(content, protocol=4))
    _, labels = load_batch(tmp_path / "train", label_key="fine_labels")
    assert list(labels) == [99, 7]


def test_code_in_a_batch_is_refused(tmp_path, evil):
    payload, marker = evil
    (tmp_path / "data_batch_1").write_bytes(payload)
    with pytest.raises(ValueError, match="Refusing to load `(posix|nt).system`"):
        load_batch(tmp_path / "data_batch_1")
    assert not marker.exists()


@pytest.mark.parametrize("content, match", [
    ([1, 2], "a pickled dict, but this file holds list"),
    ({b"data": np.ones((2, 3072), np.uint8)}, "has no 'labels' entry"),
    ({b"data": np.ones((2, 3000), np.uint8), b"labels": [0, 1]},
     r"'data' should be uint8 images of shape \(n, 3072\)"),
    ({b"data": np.ones((2, 3072), np.float32), b"labels": [0, 1]}, "should be uint8"),
    ({b"data": np.ones((2, 3072), np.uint8), b"labels": [0]}, "a list of 2 integer labels"),
    ({b"data": np.ones((2, 3072), np.uint8), b"labels": [0, 300]}, "from 0 to 300"),
])
def test_malformed_batches(tmp_path, python2_pickle, content, match):
    (tmp_path / "batch").write_bytes(python2_pickle(content))
    with pytest.raises(ValueError, match=match):
        load_batch(tmp_path / "batch")


def test_truncated_batch(tmp_path, python2_pickle):
    (tmp_path / "batch").write_bytes(python2_pickle(batch(3))[:-50])
    with pytest.raises(ValueError, match="pickle is malformed") as error:
        load_batch(tmp_path / "batch")
    assert "Delete it" in str(error.value)
