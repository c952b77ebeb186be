"""The restricted unpickler and the .npz reader: arrays load, code never runs."""

import io
import pickle
import zipfile

import numpy as np
import pytest

from minikeras.datasets.files import RestrictedUnpickler, load_npz


def restricted_load(data):
    return RestrictedUnpickler(io.BytesIO(data)).load()


def test_the_test_pickle_does_run_code_with_plain_pickle(evil):
    payload, marker = evil
    pickle.loads(payload)  # what np.load(allow_pickle=True) would do
    assert marker.exists()


def test_command_in_a_pickle_is_refused_and_not_run(evil):
    payload, marker = evil
    with pytest.raises(pickle.UnpicklingError, match=r"Refusing to load `(posix|nt)\.system`"):
        restricted_load(payload)
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_other_globals_are_refused_at_every_protocol(protocol):
    for value in (eval, getattr, pickle.loads, np.load, zipfile.ZipFile):
        with pytest.raises(pickle.UnpicklingError, match="Refusing to load"):
            restricted_load(pickle.dumps(value, protocol=protocol))


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_arrays_and_plain_values_load(protocol):
    value = {"data": np.arange(12, dtype=np.uint8).reshape(3, 4),
             "floats": np.linspace(0, 1, 5, dtype=np.float32),
             "reviews": np.array([[1, 2, 3], [4]], dtype=object),
             "labels": [1, 0, 1], "name": "batch", "raw": b"\x00\xff"}
    loaded = restricted_load(pickle.dumps(value, protocol=protocol))
    for key in ("data", "floats"):
        np.testing.assert_array_equal(loaded[key], value[key])
        assert loaded[key].dtype == value[key].dtype
    assert list(loaded["reviews"]) == [[1, 2, 3], [4]]
    assert loaded["labels"] == [1, 0, 1] and loaded["name"] == "batch"


def test_python2_pickle_with_numpy1_names(python2_pickle):
    data = np.arange(256, dtype=np.uint8).reshape(4, 64)
    raw = python2_pickle({b"data": data, b"labels": [1, 2, 3, 4]})
    assert b"numpy.core.multiarray" in raw
    loaded = restricted_load(raw)
    np.testing.assert_array_equal(loaded["data"], data)  # Python 2 strings read as latin-1
    assert loaded["labels"] == [1, 2, 3, 4]


def test_load_npz_numeric_and_object_arrays(tmp_path):
    reviews = np.empty(2, dtype=object)
    reviews[0], reviews[1] = [1, 2, 3], [4, 5]
    np.savez(tmp_path / "a.npz", x=reviews, y=np.array([1, 0]), z=np.ones((2, 3), np.float32))
    arrays = load_npz(tmp_path / "a.npz")
    assert sorted(arrays) == ["x", "y", "z"]
    assert arrays["x"].dtype == object and list(arrays["x"]) == [[1, 2, 3], [4, 5]]
    assert arrays["z"].dtype == np.float32 and arrays["z"].shape == (2, 3)
    arrays["z"][0, 0] = 2  # writable, like np.load's arrays


def object_npy_member(payload):
    """An .npy file announcing a 1-element object array, followed by `payload` as its data."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        out, np.lib.format.header_data_from_array_1_0(np.empty(1, dtype=object)))
    return out.getvalue() + payload


def test_load_npz_refuses_code_in_an_object_array(tmp_path, evil):
    payload, marker = evil
    with zipfile.ZipFile(tmp_path / "evil.npz", "w") as archive:
        archive.writestr("x_train.npy", object_npy_member(payload))
    with pytest.raises(ValueError, match="Refusing to load `(posix|nt).system`") as error:
        load_npz(tmp_path / "evil.npz")
    assert "Delete it" in str(error.value) and "evil.npz" in str(error.value)
    assert not marker.exists()


@pytest.mark.parametrize("payload, match", [
    (pickle.dumps([1, 2]), "should hold an array of object and shape"),
    (pickle.dumps(np.empty(1, dtype=object))[:-5], "pickle is malformed .*truncated"),
])
def test_load_npz_object_member_that_is_no_array(tmp_path, payload, match):
    with zipfile.ZipFile(tmp_path / "bad.npz", "w") as archive:
        archive.writestr("x.npy", object_npy_member(payload))
    with pytest.raises(ValueError, match=match):
        load_npz(tmp_path / "bad.npz")


def test_load_npz_damaged_files(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="not a readable .npz"):
        load_npz(tmp_path / "junk.npz")
    np.savez(tmp_path / "ok.npz", x=np.arange(1000))
    with zipfile.ZipFile(tmp_path / "ok.npz") as archive:
        member = archive.read("x.npy")
    with zipfile.ZipFile(tmp_path / "cut.npz", "w") as archive:
        archive.writestr("x.npy", member[:-100])
    with pytest.raises(ValueError, match="member x.npy is not a valid .npy array"):
        load_npz(tmp_path / "cut.npz")


def test_ndarray_cannot_be_called_to_turn_bytes_into_pointers():
    # Calling numpy.ndarray(shape, object, buffer) would read the bytes as object pointers.
    payload = (b"\x80\x02cnumpy\nndarray\nK\x01\x85cnumpy\ndtype\nX\x01\x00\x00\x00O\x85R"
               b"C\x08AAAAAAAA\x87R.")
    with pytest.raises(TypeError, match="not callable"):
        restricted_load(payload)
