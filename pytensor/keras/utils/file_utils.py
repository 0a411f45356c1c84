"""``keras.utils.get_file``: downloads a file into Keras's cache (``~/.keras`` or ``$KERAS_HOME``), checks its
hash and extracts archives."""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

__all__ = ["get_file", "hash_file", "validate_file", "extract_archive", "keras_home"]


def keras_home():
    """Keras's directory: ``$KERAS_HOME`` when set, else ``~/.keras``."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def _hasher(algorithm, file_hash=None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5'; received {algorithm!r}.")


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The hex digest of the file at ``fpath`` (``"sha256"``, ``"md5"``, or ``"auto"`` = md5)."""
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's hash equals ``file_hash`` (``"auto"``: sha256 for a 64-character hash, else md5)."""
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def _inside(base, path):
    base = os.path.realpath(base)
    return os.path.commonpath([base, os.path.realpath(path)]) == base


def _safe_members(archive, base):
    """The members that extract inside ``base``: no absolute paths, no ``..`` escapes, no links (or link
    targets) leaving it; the others are skipped with a warning."""
    if isinstance(archive, zipfile.ZipFile):
        for info in archive.infolist():
            if _inside(base, os.path.join(base, info.filename)):
                yield info
            else:
                warnings.warn(f"get_file: skipping archive member {info.filename!r}: it would extract outside "
                              f"{base}.", stacklevel=4)
        return
    for info in archive.getmembers():
        target = os.path.join(base, info.name)
        safe = _inside(base, target)
        if safe and info.issym():
            safe = _inside(base, os.path.join(os.path.dirname(target), info.linkname))
        elif safe and info.islnk():
            safe = _inside(base, os.path.join(base, info.linkname))
        if safe and (info.isdev() or info.ischr() or info.isblk()):
            safe = False
        if safe:
            yield info
        else:
            warnings.warn(f"get_file: skipping archive member {info.name!r}: it (or the link it holds) points "
                          f"outside {base}.", stacklevel=4)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (plain, gz, bz2, xz) or zip archive into ``path``, skipping members that would land
    outside it.

    Args:
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, a list of these, or None.

    Returns:
        True if the file was an archive of an accepted format and was extracted, else False.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else \
        [archive_format] if isinstance(archive_format, str) else list(archive_format)
    for fmt in formats:
        if fmt == "tar":
            is_archive, opener = tarfile.is_tarfile, tarfile.open
        elif fmt == "zip":
            is_archive, opener = zipfile.is_zipfile, zipfile.ZipFile
        else:
            raise ValueError(f"get_file: archive_format must be 'auto', 'tar', 'zip', a list of them or None; "
                             f"received {archive_format!r}.")
        if not is_archive(file_path):
            continue
        # Python's own tar "data" filter, where it exists, adds its checks (permissions, devices) to ours.
        options = {"filter": "data"} if fmt == "tar" and hasattr(tarfile, "data_filter") else {}
        with opener(file_path) as archive:
            try:
                archive.extractall(path, members=list(_safe_members(archive, path)), **options)
            except (tarfile.TarError, zipfile.BadZipFile, OSError, RuntimeError):
                if os.path.isdir(path):
                    shutil.rmtree(path)
                raise
        return True
    return False


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Downloads ``origin`` into Keras's cache unless it is already there, and returns its local path.

    The file goes to ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir`` defaults to ``$KERAS_HOME`` or
    ``~/.keras`` (``/tmp/.keras`` when that is not writable). A cached file whose hash differs from
    ``file_hash`` is downloaded again; a download whose hash differs raises. With ``extract=True`` a tar or zip
    archive is extracted (members that would land outside the target directory are skipped) and the
    extraction directory is returned: ``<fname without extension>_extracted`` when ``fname`` has an extension,
    else ``<fname>`` (the archive is then kept as ``<fname>_archive``).

    Example:
        >>> path = keras.utils.get_file(origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")

    Args:
        fname: the file's name in the cache (default: the last part of ``origin``'s path); not a path.
        origin: the URL (``http(s)://``, ``file://``).
        untar: deprecated; ``extract=True`` with ``archive_format="tar"``.
        md5_hash: deprecated; ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 or md5 hex digest.
        cache_subdir: the cache's subdirectory (an absolute path is used as is).
        hash_algorithm: ``"auto"``, ``"sha256"`` or ``"md5"``.
        extract: extract the archive.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"``, a list of them, or None.
        cache_dir: the cache directory.
        force_download: download even if the file is cached.

    Raises:
        ValueError: without ``origin``, for a path in ``fname``, or when the downloaded file's hash differs.
        Exception: (Keras's class) when the download fails, e.g. offline; the message names the URL, the reason
            and where to put the file by hand.
    """
    if origin is None:
        raise ValueError('get_file: specify the "origin" argument (the URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir if cache_dir is not None else keras_home())
    if not _creatable(base) or not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    given_name = os.fspath(fname) if fname else None
    if given_name is None:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot find a file name in origin {origin!r}; pass fname=.")
    else:
        fname = given_name
        if os.sep in fname or (os.altsep and os.altsep in fname):
            raise ValueError(f"get_file: fname must be a file name, not a path; received fname={fname!r}. Choose "
                             f"the directory with cache_dir= (and cache_subdir=).")
    extracting = extract or untar
    if extracting and given_name and "." in fname:
        target = os.path.join(datadir, fname)
        extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
    elif extracting:
        target = os.path.join(datadir, f"{fname}_archive")
        extraction_dir = os.path.join(datadir, fname)
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the {hash_algorithm} "
              f"file hash does not match the original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        print(f"Downloading data from {origin}")
        try:
            urllib.request.urlretrieve(origin, target)
        except (urllib.error.URLError, OSError, ValueError) as e:
            if os.path.exists(target):
                os.remove(target)
            reason = getattr(e, "reason", None) or getattr(e, "msg", None) or e
            code = getattr(e, "code", None) or getattr(e, "errno", None)
            cause = reason if code is None else f"{code} -- {reason}"
            raise Exception(f"URL fetch failure on {origin}: {cause}. The file could not be downloaded "
                            f"(is this machine offline?); download it elsewhere and place it at {target}, then call "
                            f"get_file again (pass file_hash= to have it checked).") from e
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            raise ValueError(f"get_file: incomplete or corrupted file detected at {target}: its {hash_algorithm} "
                             f"hash does not match the provided value {file_hash}.")
    if extracting:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn(f"get_file: could not extract {target}: it is not a {archive_format} archive.",
                          stacklevel=2)
        return extraction_dir
    return target


def _creatable(path):
    try:
        os.makedirs(path, exist_ok=True)
        return True
    except OSError:
        return False
