"""Keras's dataset cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``) and ``get_file``."""

import hashlib
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.request

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


def _hash(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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

    A downloaded file is checked against `file_hash` (sha256, or md5 for 32 hex digits); a file already in the
    cache is used as is (its loader checks its contents). ``extract`` / ``untar`` unpack a .tar.gz next to it.

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
    if untar or extract:
        if os.path.isdir(target) and not force_download:
            return target
    elif os.path.exists(target) and not force_download:
        return target
    if not os.path.exists(archive) or force_download:
        try:
            _download(origin, archive)
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise DatasetUnavailableError(
                f"Could not download {origin} ({e}). Offline? Place the file {os.path.basename(archive)} "
                f"(from {origin}) in {directory} and retry.") from None
        if expected:
            algorithm = hash_algorithm if hash_algorithm != "auto" else ("md5" if len(expected) == 32 else "sha256")
            actual = _hash(archive, algorithm)
            if actual != expected:
                os.remove(archive)
                raise CorruptDatasetError(f"{origin}: the download's {algorithm} is {actual}, expected {expected}; "
                                          "the file was removed, retry the download")
    if untar or extract:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(directory, filter="data")
        except (tarfile.TarError, EOFError, OSError) as e:
            shutil.rmtree(target, ignore_errors=True)
            raise CorruptDatasetError(f"{archive} is not a valid tar archive ({e}); delete it and retry") from None
    return target
