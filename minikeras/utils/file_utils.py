"""`get_file`: download a file once into Keras's cache (~/.keras/datasets), check its hash, and
unpack archives without letting them write outside their folder.

The cache is Keras's own: the same folder and file names, so files that Keras downloaded are used
as they are, and a file copied there by hand (on a computer without internet) is used too.
"""

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.parse
import zipfile
import zlib

HASH_ALGORITHMS = ("auto", "md5", "sha256")
ARCHIVE_FORMATS = ("tar", "zip")
_HASH_LENGTHS = {"md5": 32, "sha256": 64}
_CHUNK_BYTES = 1 << 20
# Seconds a connection may stay silent before the download is given up (not a total limit).
_TIMEOUT_S = 60


def _network_errors():
    """What a failed download raises; errors writing the file (a full disk) are not among
    them. ValueError is urllib's answer to an address it cannot parse. (Imported here: the
    HTTP modules take a noticeable part of `import minikeras`.)"""
    import http.client
    import urllib.error
    return (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException,
            ValueError)


_FILTER_ERROR = getattr(tarfile, "FilterError", ())  # Python 3.12+, 3.11.4+ and 3.10.12+


def keras_home():
    """Keras's folder for caches: $KERAS_HOME if set, else ~/.keras (/tmp/.keras when the home
    folder cannot be written, as in Keras)."""
    if "KERAS_HOME" in os.environ:
        return os.path.expanduser(os.environ["KERAS_HOME"])
    home = os.path.expanduser("~")
    if not os.access(home, os.W_OK):
        home = _temporary_root()
    return os.path.join(home, ".keras")


def _temporary_root():
    return "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()


def _cache_folder(cache_dir, cache_subdir):
    """The folder the file goes in, created if needed; /tmp/.keras/<subdir> if it cannot be
    written (a read-only home or KERAS_HOME), as in Keras."""
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir is not None else keras_home()
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass  # not writable: handled just below, as when it exists read-only
    if not os.access(base, os.W_OK):
        base = os.path.join(_temporary_root(), ".keras")
    folder = os.path.join(base, os.fspath(cache_subdir))
    os.makedirs(folder, exist_ok=True)
    return folder


def _file_name(fname, origin):
    if fname is not None:
        fname = os.fspath(fname)
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             f"Please specify the `fname` argument.")
        return fname
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            f"Paths are no longer accepted as the `fname` argument. To specify the file's parent "
            f"directory, use the `cache_dir` argument. Received: fname={fname}"
        )
    if fname in (".", ".."):
        raise ValueError(f"`fname` must name a file, received fname={fname!r}.")
    return fname


def resolve_algorithm(hash_algorithm, file_hash):
    """'md5' or 'sha256' for `file_hash`; 'auto' tells them apart by length (32 or 64)."""
    if hash_algorithm not in HASH_ALGORITHMS:
        raise ValueError(f"Unknown hash_algorithm: {hash_algorithm!r}. Expected one of "
                         f"{', '.join(map(repr, HASH_ALGORITHMS))}.")
    if file_hash is None:
        return "sha256" if hash_algorithm == "auto" else hash_algorithm
    if not isinstance(file_hash, str):
        raise TypeError(f"`file_hash` must be a hexadecimal string, received "
                        f"{type(file_hash).__name__} {file_hash!r:.80}.")
    if hash_algorithm == "auto":
        for algorithm, length in _HASH_LENGTHS.items():
            if len(file_hash) == length:
                return algorithm
        raise ValueError(
            f"Cannot tell the hash algorithm of file_hash={file_hash!r}: it has "
            f"{len(file_hash)} characters, but an md5 hash has 32 and a sha256 hash 64. Pass "
            f"the file's full hash, or hash_algorithm='md5' or 'sha256'."
        )
    if len(file_hash) != _HASH_LENGTHS[hash_algorithm]:
        raise ValueError(
            f"file_hash={file_hash!r} has {len(file_hash)} characters, but {hash_algorithm} "
            f"hashes have {_HASH_LENGTHS[hash_algorithm]}. Check the hash, or pass "
            f"hash_algorithm='auto' to detect the algorithm from its length."
        )
    return hash_algorithm


def hash_file(fpath, algorithm="sha256"):
    """The hexadecimal 'sha256' or 'md5' hash of the file at `fpath`, read in chunks.

    >>> hash_file("mnist.npz")  # doctest: +SKIP
    '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1'
    """
    hasher = hashlib.new(algorithm)
    with open(fpath, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK_BYTES), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto"):
    """Whether the file at `fpath` has the md5 or sha256 hash `file_hash`."""
    algorithm = resolve_algorithm(algorithm, file_hash)
    return hash_file(fpath, algorithm) == file_hash.lower()


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Download a file from a URL into the cache unless it is there already; return its path.

    The file goes to `<cache_dir>/<cache_subdir>/<fname>`, by default
    `~/.keras/datasets/<fname>` (or `$KERAS_HOME/datasets/<fname>`), the folder Keras uses, so
    a file Keras downloaded is not downloaded again. With `file_hash`, a cached file is used
    only if its hash matches (otherwise it is downloaded again), and a download is checked
    before it replaces anything: it is written to a temporary file next to its final place
    and moved there only once complete and correct. If the download fails (no internet), the
    error says where to copy the file by hand. With `extract=True` the tar or zip archive is
    unpacked into a folder (refusing members that would land outside it) and the folder's path
    is returned: `<fname>` without extension if it has one (plus `_extracted`), else `<fname>`
    with the archive kept as `<fname>_archive`, as in Keras.

    Args:
        fname: the file's name in the cache; by default the last part of `origin`'s path.
        origin: the URL to download from (http, https, ftp or file).
        untar: deprecated, the same as `extract=True, archive_format='tar'`.
        md5_hash: deprecated, the same as `file_hash` with `hash_algorithm='md5'`.
        file_hash: the expected sha256 (64 characters) or md5 (32) hash of the file.
        cache_subdir: the folder in the cache; an absolute path is used as it is.
        hash_algorithm: 'auto' (from the hash's length), 'sha256' or 'md5'.
        extract: whether to unpack the file, a tar (possibly gz, bz2 or xz) or zip archive.
        archive_format: 'auto' (tar, then zip), 'tar', 'zip' or a list of them.
        cache_dir: the cache folder; by default `$KERAS_HOME`, else `~/.keras`.
        force_download: download the file even if the cache has it.

    Returns:
        The path of the file, or of the folder it was extracted to.

    >>> path = get_file(origin="https://storage.googleapis.com/tensorflow/"
    ...                 "tf-keras-datasets/mnist.npz")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = resolve_algorithm(hash_algorithm, file_hash)
    if file_hash is not None:
        file_hash = file_hash.lower()
    if untar:
        extract, archive_format = True, "tar"
    formats = _archive_formats(archive_format) if extract else []
    name = _file_name(fname, origin)
    folder = _cache_folder(cache_dir, cache_subdir)
    target, extraction_dir = _targets(folder, name, named=bool(fname), extract=extract)

    found_hash = None
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None:
        found_hash = hash_file(target, algorithm)
        if found_hash != file_hash:
            print(f"A local file was found, but it seems to be incomplete or outdated because "
                  f"the {algorithm} file hash does not match the original value of {file_hash} "
                  f"so we will re-download the data.")
            download = True
    if download:
        _download(origin, target, file_hash, algorithm, found_hash)
    if not extract:
        return target
    if download or not os.path.isdir(extraction_dir):
        _extract_into_place(target, extraction_dir, formats)
    return extraction_dir


def _targets(folder, name, named, extract):
    """Where the download goes and, with `extract`, the folder it is unpacked into."""
    if not extract:
        return os.path.join(folder, name), None
    if named and "." in name:
        stem = name[:name.find(".")]
        return os.path.join(folder, name), os.path.join(folder, f"{stem}_extracted")
    return os.path.join(folder, f"{name}_archive"), os.path.join(folder, name)


def _download(origin, target, file_hash, algorithm, stale_hash):
    """Fetch `origin` into `target` through a temporary file, checking the hash on the way."""
    from ..saving.files import atomic_path

    print(f"Downloading data from {origin}")
    with atomic_path(target) as partial:
        try:
            found = _fetch(origin, partial, algorithm)
        except _network_errors() as error:
            raise ConnectionError(_unreachable(origin, target, file_hash, algorithm,
                                               stale_hash, error)) from None
        if file_hash is not None and found != file_hash:
            kept = "The file already there was left as it was. " if os.path.exists(target) \
                else ""
            raise ValueError(
                f"Incomplete or corrupted file detected. The {algorithm} file hash of the file "
                f"downloaded from {origin} is {found}, which does not match the provided value "
                f"of {file_hash}; it was not saved to {target}. {kept}Try again, since the "
                f"download may have been cut short; if it fails again, the file at that "
                f"address is not the expected one."
            )


def _fetch(origin, path, algorithm):
    """Stream `origin` into the file `path` with a progress bar; return the data's hash."""
    import urllib.request
    from tqdm.auto import tqdm

    hasher = hashlib.new(algorithm)
    received = 0
    with urllib.request.urlopen(origin, timeout=_TIMEOUT_S) as response, \
            open(path, "wb") as out:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                  desc=os.path.basename(urllib.parse.urlsplit(origin).path) or None) as bar:
            for chunk in iter(lambda: response.read(_CHUNK_BYTES), b""):
                out.write(chunk)
                hasher.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise ConnectionError(f"the connection closed after {received} of {total} bytes")
    return hasher.hexdigest()


def _unreachable(origin, target, file_hash, algorithm, stale_hash, error):
    """The message for a download that failed: what, from where, and where to put it by hand."""
    reason = getattr(error, "reason", None) or error
    code = getattr(error, "code", None)
    reason = f"{code} {reason}" if code is not None else reason
    expected = f" (its {algorithm} hash must be {file_hash})" if file_hash is not None else ""
    stale = ""
    if stale_hash is not None:
        stale = (f" The file already at {target} was not used: its {algorithm} hash is "
                 f"{stale_hash}, but {file_hash} was expected, so it is damaged, incomplete or "
                 f"outdated. Delete it or replace it by a good copy.")
    return (
        f"URL fetch failure on {origin}: {reason}. The file could not be downloaded. If this "
        f"computer is offline or cannot reach that address, download the file elsewhere (from "
        f"{origin}) and copy it to {target}{expected}, under exactly that name; it will then be "
        f"used without downloading.{stale}"
    )


def _archive_formats(archive_format):
    if archive_format is None:
        return []
    if archive_format == "auto":
        return list(ARCHIVE_FORMATS)
    formats = [archive_format] if isinstance(archive_format, str) else list(archive_format)
    for name in formats:
        if name not in ARCHIVE_FORMATS:
            raise ValueError(f"Unknown archive_format: {name!r}. Expected 'auto', None, or one "
                             f"or a list of {', '.join(map(repr, ARCHIVE_FORMATS))}.")
    return formats


def _extract_into_place(archive, extraction_dir, formats):
    """Unpack into a temporary folder beside `extraction_dir`, then move it there: an
    interrupted extraction never leaves a half-filled folder that would later be trusted."""
    parent = os.path.dirname(os.path.abspath(extraction_dir))
    temporary = tempfile.mkdtemp(prefix=f".{os.path.basename(extraction_dir)}.", dir=parent)
    try:
        if not extract_archive(archive, temporary, formats):
            tried = " or ".join(formats) or "no format (archive_format=None)"
            raise ValueError(
                f"Could not extract archive {archive}: it is not a {tried} archive. Pass "
                f"extract=False to keep the file as it is, or the archive_format it has."
            )
        if os.path.isdir(extraction_dir):
            shutil.rmtree(extraction_dir)
        os.replace(temporary, extraction_dir)
    finally:
        if os.path.isdir(temporary):
            shutil.rmtree(temporary)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Unpack a tar (.tar, .tar.gz, .tar.bz2, .tar.xz) or zip archive into the folder `path`.

    Every member is checked before anything is written: a member with an absolute path, a
    '..' in its path, a link pointing outside `path`, or a device file is refused with a
    ValueError (path traversal), and nothing is extracted. Where Python has tarfile's 'data'
    filter, links are checked again on disk as they are made, which also stops a chain of
    links that leads outside (then extraction stops at that member).

    Args:
        file_path: the archive.
        path: the folder to unpack into.
        archive_format: 'auto' (tar, then zip), 'tar', 'zip', a list of them, or None.

    Returns:
        True if the file was an archive of one of the formats and was unpacked, else False.

    >>> extract_archive("images.tar.gz", "images")  # doctest: +SKIP
    True
    """
    file_path, path = os.fspath(file_path), os.fspath(path)
    try:
        for name in _archive_formats(archive_format):
            if name == "tar" and tarfile.is_tarfile(file_path):
                _extract_tar(file_path, path)
                return True
            if name == "zip" and zipfile.is_zipfile(file_path):
                _extract_zip(file_path, path)
                return True
    except _FILTER_ERROR as error:
        raise _refused(file_path, error.tarinfo.name,
                       f"does not stay inside the folder ({error})") from None
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        raise ValueError(f"Cannot extract {file_path}: the archive is damaged or incomplete "
                         f"({error}). Delete it and download it again.") from None
    return False


def _extract_tar(file_path, path):
    with tarfile.open(file_path) as archive:
        members = archive.getmembers()
        for member in members:
            _check_member(file_path, member.name, member)
        os.makedirs(path, exist_ok=True)
        if hasattr(tarfile, "data_filter"):
            # The 'data' filter checks again at extraction time, on disk, so a chain of links
            # that each look harmless cannot lead outside the folder either.
            archive.extractall(path, members=members, filter="data")
        else:
            archive.extractall(path, members=members)


def _extract_zip(file_path, path):
    with zipfile.ZipFile(file_path) as archive:
        for info in archive.infolist():
            _check_member(file_path, info.filename, None)
        archive.extractall(path)


def _escapes(name):
    """Why the relative path `name` would leave its folder, or None if it stays inside."""
    portable = name.replace("\\", "/")
    if portable.startswith("/") or os.path.isabs(name) or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in portable.split("/"):
        return "has '..' in its path"
    return None


def _check_member(file_path, name, tar_member):
    """Refuse an archive member that would write outside the folder it is extracted into."""
    reason = _escapes(name)
    if reason is None and tar_member is not None:
        if tar_member.issym() or tar_member.islnk():
            if not hasattr(tarfile, "data_filter"):
                reason = "is a link, and this Python cannot check links safely"
            else:
                # A symbolic link is relative to its own folder; a hard link to the root.
                start = os.path.dirname(name) if tar_member.issym() else ""
                target = os.path.normpath(os.path.join(start, tar_member.linkname))
                if _escapes(tar_member.linkname) == "has an absolute path" or \
                        target == ".." or target.startswith(".." + os.sep):
                    reason = f"is a link to {tar_member.linkname!r}, outside the folder"
        elif not (tar_member.isfile() or tar_member.isdir()):
            reason = "is a device or pipe, not a file or folder"
    if reason is not None:
        raise _refused(file_path, name, reason)


def _refused(file_path, name, reason):
    return ValueError(
        f"Refusing to extract {file_path}: its member {name!r} {reason}, so it could write "
        f"outside the folder it is extracted into (path traversal). The archive is damaged or "
        f"was made to overwrite other files; delete it (get_file keeps nothing extracted from "
        f"it), and download it again only from a source you trust."
    )
