"""Fixtures for the dataset loaders: an empty Keras cache, files put in it with the hash the
loader will check, and pickles written the way Python 2 wrote CIFAR's batches."""

import hashlib
import io
import os
import pickle
import struct

import pytest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The datasets folder of an empty Keras cache ($KERAS_HOME in a temporary folder)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    folder = tmp_path / "keras_home" / "datasets"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def accept(monkeypatch):
    """Make a loader trust a small test file: set the hash it checks to the file's sha256
    (or md5 when `md5`), since the real hash is that of Keras's full-size file."""
    def accept(module, path, attribute="FILE_HASH", key=None, md5=False):
        data = open(path, "rb").read()
        digest = (hashlib.md5 if md5 else hashlib.sha256)(data).hexdigest()
        if key is None:
            monkeypatch.setattr(module, attribute, digest)
        else:
            monkeypatch.setitem(getattr(module, attribute), key, digest)
        return digest
    return accept


class Python2Pickler(pickle._Pickler):
    """Writes byte strings as Python 2 `str` (BINSTRING), as the CIFAR batches hold them."""
    dispatch = dict(pickle._Pickler.dispatch)

    def save_bytes(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_bytes


@pytest.fixture
def python2_pickle():
    """Pickle `value` as Python 2 and numpy 1 did (protocol 2, `numpy.core.multiarray`)."""
    def dumps(value):
        out = io.BytesIO()
        Python2Pickler(out, protocol=2).dump(value)
        # GLOBAL names are plain text lines at protocol 2, so the spelling can be swapped.
        return out.getvalue().replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return dumps


class RunsCommand:
    """An object whose unpickling would run a shell command that creates `marker`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"echo x > {self.marker}",)


@pytest.fixture
def evil(tmp_path):
    """(pickle bytes that would run a command, the file that command would create)."""
    marker = tmp_path / "code_ran"
    return pickle.dumps(RunsCommand(marker), protocol=2), marker
