"""get_file: Keras's cache layout, hash checks, atomic downloads from file:// origins, the
error that says where to put a file by hand, and archive extraction that refuses path
traversal. No network: every origin is a local file:// URL."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from minikeras.utils import file_utils, get_file

CONTENT = b"minikeras " * 100


def sha256(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras cache folder ($KERAS_HOME)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home"


@pytest.fixture
def served(tmp_path):
    """Write bytes to a file outside the cache and give its file:// URL."""
    def serve(name, data):
        path = tmp_path / "server" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return path.as_uri()
    return serve


def leftovers(folder):
    return [name for name in os.listdir(folder) if name.startswith(".")]


def test_downloads_into_keras_cache_with_sha256(home, served):
    origin = served("data.bin", CONTENT)
    path = get_file("data.bin", origin=origin, file_hash=sha256(CONTENT))
    assert path == str(home / "datasets" / "data.bin")
    assert open(path, "rb").read() == CONTENT
    assert leftovers(home / "datasets") == []  # the temporary file was moved into place


def test_name_from_origin_md5_and_deprecated_md5_hash(home, served):
    origin = served("named.txt", CONTENT)
    md5 = hashlib.md5(CONTENT).hexdigest()
    assert get_file(origin=origin, file_hash=md5) == str(home / "datasets" / "named.txt")
    assert get_file("other.txt", origin=origin, md5_hash=md5, force_download=True).endswith(
        "other.txt")
    assert file_utils.validate_file(home / "datasets" / "named.txt", md5)
    assert not file_utils.validate_file(home / "datasets" / "named.txt", sha256(b"x"))


def test_cached_file_is_used_without_downloading(home, served, tmp_path):
    origin = served("data.bin", CONTENT)
    get_file("data.bin", origin=origin, file_hash=sha256(CONTENT))
    os.remove(tmp_path / "server" / "data.bin")  # the origin is gone: a download would fail
    assert get_file("data.bin", origin=origin, file_hash=sha256(CONTENT)).endswith("data.bin")
    assert get_file("data.bin", origin=origin).endswith("data.bin")


def test_file_put_by_hand_is_used(home):
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "mnist.npz").write_bytes(CONTENT)
    path = get_file("mnist.npz", origin="file:///nowhere/mnist.npz", file_hash=sha256(CONTENT))
    assert path == str(home / "datasets" / "mnist.npz")


def test_damaged_cached_file_is_downloaded_again(home, served, capsys):
    origin = served("data.bin", CONTENT)
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"truncated")
    path = get_file("data.bin", origin=origin, file_hash=sha256(CONTENT))
    assert open(path, "rb").read() == CONTENT
    assert "does not match the original value" in capsys.readouterr().out


def test_damaged_cached_file_offline_names_both_hashes(home):
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"truncated")
    with pytest.raises(ConnectionError) as error:
        get_file("data.bin", origin="file:///nowhere/data.bin", file_hash=sha256(CONTENT))
    message = str(error.value)
    assert sha256(CONTENT) in message and sha256(b"truncated") in message
    assert "Delete it" in message and str(home / "datasets" / "data.bin") in message
    assert (home / "datasets" / "data.bin").read_bytes() == b"truncated"


def test_unreachable_origin_says_where_to_put_the_file(home):
    with pytest.raises(ConnectionError) as error:
        get_file("mnist.npz", origin="file:///nowhere/mnist.npz", file_hash=sha256(CONTENT))
    message = str(error.value)
    assert "URL fetch failure on file:///nowhere/mnist.npz" in message
    assert f"copy it to {home / 'datasets' / 'mnist.npz'}" in message
    assert sha256(CONTENT) in message
    assert os.listdir(home / "datasets") == []


def test_wrong_download_is_not_put_in_place(home, served):
    origin = served("data.bin", b"something else")
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected") as error:
        get_file("data.bin", origin=origin, file_hash=sha256(CONTENT))
    assert sha256(b"something else") in str(error.value) and sha256(CONTENT) in str(error.value)
    assert os.listdir(home / "datasets") == []


def test_wrong_download_leaves_the_previous_file(home, served):
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"old")
    origin = served("data.bin", b"new")
    with pytest.raises(ValueError, match="left as it was"):
        get_file("data.bin", origin=origin, file_hash=sha256(CONTENT), force_download=True)
    assert (home / "datasets" / "data.bin").read_bytes() == b"old"
    assert leftovers(home / "datasets") == []


def test_force_download_replaces_the_cached_file(home, served):
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"old")
    path = get_file("data.bin", origin=served("data.bin", CONTENT), force_download=True)
    assert open(path, "rb").read() == CONTENT


class _CutResponse(io.BytesIO):
    """A response that announces more bytes than it sends, like a dropped connection."""
    headers = {"Content-Length": "1000"}

    def __enter__(self):
        return self


def test_cut_download_leaves_nothing(home, monkeypatch):
    monkeypatch.setattr(file_utils.urllib.request, "urlopen",
                        lambda url, timeout: _CutResponse(b"only part"))
    with pytest.raises(ConnectionError, match="after 9 of 1000 bytes"):
        get_file("data.bin", origin="https://example.org/data.bin")
    assert os.listdir(home / "datasets") == []


def test_cache_dir_and_cache_subdir(tmp_path, served):
    origin = served("data.bin", CONTENT)
    path = get_file("data.bin", origin=origin, cache_dir=tmp_path / "cache", cache_subdir="sub")
    assert path == str(tmp_path / "cache" / "sub" / "data.bin")


def test_unwritable_cache_falls_back_to_tmp(home, served, tmp_path, monkeypatch):
    monkeypatch.setattr(file_utils, "_temporary_root", lambda: str(tmp_path / "tmp"))
    real_access = os.access
    monkeypatch.setattr(os, "access",
                        lambda path, mode: str(path) != str(home) and real_access(path, mode))
    path = get_file("data.bin", origin=served("data.bin", CONTENT))
    assert path == str(tmp_path / "tmp" / ".keras" / "datasets" / "data.bin")


@pytest.mark.parametrize("kwargs, match", [
    ({"fname": "a.txt"}, 'specify the "origin" argument'),
    ({"fname": os.path.join("dir", "a.txt"), "origin": "file:///a.txt"},
     "Paths are no longer accepted"),
    ({"origin": "https://example.org/"}, "Can't parse the file name"),
    ({"fname": "a", "origin": "file:///a", "file_hash": "abc"}, "32 and a sha256 hash 64"),
    ({"fname": "a", "origin": "file:///a", "file_hash": "0" * 64, "hash_algorithm": "md5"},
     "md5 hashes have 32"),
    ({"fname": "a", "origin": "file:///a", "hash_algorithm": "sha1"}, "Unknown hash_algorithm"),
    ({"fname": "a", "origin": "file:///a", "extract": True, "archive_format": "rar"},
     "Unknown archive_format: 'rar'"),
])
def test_bad_arguments(home, kwargs, match):
    with pytest.raises(ValueError, match=match):
        get_file(**kwargs)


def make_tar(path, members, mode="w:gz"):
    """A tar archive of (name, bytes) files, plus TarInfo objects for links and the like."""
    with tarfile.open(path, mode) as archive:
        for item in members:
            if isinstance(item, tarfile.TarInfo):
                archive.addfile(item)
            else:
                info = tarfile.TarInfo(item[0])
                info.size = len(item[1])
                archive.addfile(info, io.BytesIO(item[1]))
    return path


def link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


def test_extract_named_archive_into_stem_extracted(home, tmp_path):
    archive = make_tar(tmp_path / "photos.tar.gz", [("photos/a.txt", b"a"), ("b.txt", b"b")])
    folder = get_file("photos.tar.gz", origin=archive.as_uri(), extract=True)
    assert folder == str(home / "datasets" / "photos_extracted")
    assert open(os.path.join(folder, "photos", "a.txt"), "rb").read() == b"a"
    assert (home / "datasets" / "photos.tar.gz").exists()
    assert leftovers(home / "datasets") == []


def test_untar_keeps_archive_as_name_archive_and_does_not_extract_twice(home, tmp_path):
    archive = make_tar(tmp_path / "source.tar.gz", [("inner/a.txt", b"a")])
    folder = get_file("batches", origin=archive.as_uri(), untar=True,
                      file_hash=file_utils.hash_file(archive))
    assert folder == str(home / "datasets" / "batches")
    assert (home / "datasets" / "batches_archive").exists()
    (home / "datasets" / "batches" / "inner" / "mine.txt").write_bytes(b"kept")
    get_file("batches", origin=archive.as_uri(), untar=True)
    assert (home / "datasets" / "batches" / "inner" / "mine.txt").exists()


def test_extract_zip(home, tmp_path):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("folder/a.txt", b"zipped")
    folder = get_file("data.zip", origin=(tmp_path / "data.zip").as_uri(), extract=True)
    assert open(os.path.join(folder, "folder", "a.txt"), "rb").read() == b"zipped"


def test_extract_a_file_that_is_no_archive(home, served):
    with pytest.raises(ValueError, match="not a tar or zip archive"):
        get_file("plain.txt", origin=served("plain.txt", CONTENT), extract=True)
    assert leftovers(home / "datasets") == []


@pytest.mark.parametrize("member, reason", [
    (("../evil.txt", b"x"), "has '..' in its path"),
    (("safe/../../evil.txt", b"x"), "has '..' in its path"),
    (("/tmp/evil.txt", b"x"), "has an absolute path"),
    (link("escape", "../../evil.txt"), "outside the folder"),
    (link("dir/escape", "/etc/passwd"), "outside the folder"),
    (link("hard", "../evil.txt", tarfile.LNKTYPE), "outside the folder"),
    (link("fifo", "", tarfile.FIFOTYPE), "device or pipe"),
])
def test_tar_path_traversal_is_refused(tmp_path, member, reason):
    archive = make_tar(tmp_path / "evil.tar", [("good.txt", b"g"), member], mode="w")
    target = tmp_path / "out" / "inside"
    with pytest.raises(ValueError, match="path traversal") as error:
        file_utils.extract_archive(archive, target)
    assert reason in str(error.value)
    assert not target.exists() and not (tmp_path / "evil.txt").exists()


def test_link_chain_out_of_the_folder_is_refused(tmp_path):
    # Each link alone stays inside, but through "up" the second one points outside.
    archive = make_tar(tmp_path / "chain.tar", [link("up", "."), link("up/out", "../evil")],
                       mode="w")
    with pytest.raises(ValueError, match="path traversal"):
        file_utils.extract_archive(archive, tmp_path / "out")
    assert not (tmp_path / "evil").exists()


def test_link_inside_the_folder_is_allowed(tmp_path):
    archive = make_tar(tmp_path / "ok.tar", [("data/a.txt", b"a"), link("data/b.txt", "a.txt")],
                       mode="w")
    assert file_utils.extract_archive(archive, tmp_path / "out")
    assert (tmp_path / "out" / "data" / "b.txt").read_bytes() == b"a"


def test_zip_path_traversal_is_refused(home, tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("good.txt", b"g")
        archive.writestr("../evil.txt", b"x")
    with pytest.raises(ValueError, match="'../evil.txt' has '..' in its path"):
        get_file("evil.zip", origin=(tmp_path / "evil.zip").as_uri(), extract=True)
    assert not (home / "datasets" / "evil_extracted").exists()
    assert leftovers(home / "datasets") == []


def test_damaged_archive(tmp_path):
    data = make_tar(tmp_path / "a.tar.gz", [("a.txt", b"a" * 5000)]).read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match="damaged or incomplete"):
        file_utils.extract_archive(tmp_path / "cut.tar.gz", tmp_path / "out", "tar")
