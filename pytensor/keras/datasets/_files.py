"""Keras's dataset cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``) and ``get_file``."""

import hashlib
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
import warnings

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


class DatasetUnavailableError(OSError):
    """A dataset file is neither in the Keras cache nor downloadable (offline); the message says where to put it."""


class CorruptDatasetError(ValueError):
    """A dataset file is truncated, corrupt, or not in Keras's format."""


def cache_root(cache_dir=None):
    """The Keras cache directory: `cache_dir`, else $KERAS_HOME, else ~/.keras (/tmp/.keras if not writable)."""
    if cache_dir:
        return os.path.expanduser(cache_dir)
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    home = os.path.expanduser(os.path.join("~", ".keras"))
    parent = os.path.dirname(home)
    return home if os.access(home if os.path.isdir(home) else parent, os.W_OK) else os.path.join("/tmp", ".keras")


# Digests of files already hashed in this process, keyed by (real path, size, mtime, algorithm): a cached dataset
# is hashed once per process, and again only when it changes.
_digests = {}


def _hash(path, algorithm):
    stat = os.stat(path)
    key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, algorithm)
    digest = _digests.get(key)
    if digest is None:
        h = hashlib.new(algorithm)
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        digest = _digests[key] = h.hexdigest()
    return digest


# Cached files kept despite a hash mismatch because they could not be downloaded again: (real path, digest).
_kept_mismatches = set()


def _algorithm(expected, hash_algorithm):
    return hash_algorithm if hash_algorithm != "auto" else ("md5" if len(expected) == 32 else "sha256")


def _verify_download(path, origin, expected, hash_algorithm):
    """Removes a fresh download that does not match `expected` and raises CorruptDatasetError."""
    if expected:
        algorithm = _algorithm(expected, hash_algorithm)
        actual = _hash(path, algorithm)
        if actual != expected:
            os.remove(path)
            raise CorruptDatasetError(f"{origin}: the download's {algorithm} is {actual}, expected {expected}; "
                                      "the file was removed, retry the download")


def _keep_cached_copy(path, origin, expected, hash_algorithm):
    """Checks a cached file against `expected`: True to use it as is, False when it was replaced by a fresh
    (verified) download. On a mismatch the file is downloaded again, as Keras does; offline, the cached copy is
    kept with a warning (the loaders read every file as data only, so a wrong file cannot run code)."""
    if not expected:
        return True
    algorithm = _algorithm(expected, hash_algorithm)
    actual = _hash(path, algorithm)
    if actual == expected or (os.path.realpath(path), actual) in _kept_mismatches:
        return True
    try:
        _download(origin, path)
    except (urllib.error.URLError, OSError, ValueError) as e:
        _kept_mismatches.add((os.path.realpath(path), actual))  # one try and one warning per process
        warnings.warn(f"{path}: the cached file's {algorithm} is {actual}, not the {expected} of {origin}, and it "
                      f"could not be downloaded again ({e}); using the cached file. Replace it with the file from "
                      f"{origin} to silence this warning.", stacklevel=3)
        return True
    _verify_download(path, origin, expected, hash_algorithm)
    return False


def _download(origin, target):
    """Fetches `origin` into `target` with a progress bar on stderr (the network step, patched out in tests)."""
    tmp = target + ".part"
    with urllib.request.urlopen(origin, timeout=60) as response, open(tmp, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        for chunk in iter(lambda: response.read(1 << 16), b""):
            out.write(chunk)
            done += len(chunk)
            if total:
                filled = 30 * done // total
                sys.stderr.write(f"\r{done}/{total} [{'=' * filled}{'.' * (30 - filled)}]")
        sys.stderr.write("\n")
    os.replace(tmp, target)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """The path of `fname` in the Keras cache, downloading it from `origin` when missing.

    A downloaded file is checked against `file_hash` (sha256, or md5 for 32 hex digits); so is a file already in the
    cache, once per process (and again when its size or mtime changes): a mismatch downloads it again, as Keras
    does, or, offline, warns and uses the cached copy (the loaders read every file as data only). ``extract`` /
    ``untar`` unpack a .tar.gz next to it.

    Raises:
        DatasetUnavailableError: the file is missing and cannot be downloaded; the message names the file and
            the directory to place it in.
        CorruptDatasetError: the downloaded file does not match `file_hash`.
    """
    fname = fname or os.path.basename(origin)
    directory = os.path.join(cache_root(cache_dir), cache_subdir)
    os.makedirs(directory, exist_ok=True)
    archive = os.path.join(directory, fname + (".tar.gz" if untar or extract else ""))
    target = os.path.join(directory, fname)
    expected = file_hash or md5_hash
    archive_cached = os.path.exists(archive) and not force_download
    if (untar or extract) and os.path.isdir(target) and not force_download:
        if not archive_cached or _keep_cached_copy(archive, origin, expected, hash_algorithm):
            return target  # else: a fresh archive, extracted below
    elif archive_cached:
        if _keep_cached_copy(archive, origin, expected, hash_algorithm) and not (untar or extract):
            return target
    else:
        try:
            _download(origin, archive)
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise DatasetUnavailableError(
                f"Could not download {origin} ({e}). Offline? Place the file {os.path.basename(archive)} "
                f"(from {origin}) in {directory} and retry.") from None
        _verify_download(archive, origin, expected, hash_algorithm)
    if untar or extract:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(directory, filter="data")
        except (tarfile.TarError, EOFError, OSError) as e:
            shutil.rmtree(target, ignore_errors=True)
            raise CorruptDatasetError(f"{archive} is not a valid tar archive ({e}); delete it and retry") from None
    return target
