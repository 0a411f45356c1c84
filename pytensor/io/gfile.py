"""``tf.io.gfile``: TF's file system functions, on local paths.

Missing files raise tf.errors.NotFoundError and existing destinations tf.errors.AlreadyExistsError, as TF's do
(FileNotFoundError / FileExistsError where this tf.errors lacks those classes).
"""
import glob as _glob
import os
import shutil

from .. import errors

__all__ = ["GFile", "exists", "glob", "isdir", "listdir", "makedirs", "mkdir", "remove", "rename", "rmtree", "stat",
           "walk", "copy", "join", "split"]

_NotFound = getattr(errors, "NotFoundError", FileNotFoundError)
_AlreadyExists = getattr(errors, "AlreadyExistsError", FileExistsError)


def _not_found(path, op):
    return _NotFound(f"{op}: {os.fspath(path)}: No such file or directory")


class GFile:
    """A file object like TF's GFile: ``read`` / ``readline`` / iteration give str in text modes and bytes in
    binary ones; the file opens on first use, so making a GFile never fails."""

    def __init__(self, name, mode="r"):
        if mode.replace("b", "") not in ("r", "w", "a", "r+", "w+", "a+"):
            raise errors.InvalidArgumentError(f"GFile: mode must be one of r, w, a (with + and b); received "
                                              f"{mode!r}.")
        self.name, self.mode = os.fspath(name), mode
        self._file = None

    def _handle(self):
        if self._file is None:
            try:
                self._file = open(self.name, self.mode if "b" in self.mode else self.mode + "b")
            except FileNotFoundError:
                raise _not_found(self.name, "GFile") from None
        return self._file

    def _out(self, data):
        return data if "b" in self.mode else data.decode("utf-8")

    def read(self, n=-1):
        """Up to ``n`` bytes / characters (all remaining when -1)."""
        return self._out(self._handle().read(n if n is not None and n >= 0 else -1))

    def readline(self):
        return self._out(self._handle().readline())

    def readlines(self):
        return [self._out(line) for line in self._handle().readlines()]

    def __iter__(self):
        return iter(self.readlines())

    def write(self, data):
        """Writes str (UTF-8 encoded) or bytes."""
        self._handle().write(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    def seek(self, offset=None, whence=0, position=None):
        self._handle().seek(position if position is not None else offset, whence)

    def tell(self):
        return self._handle().tell()

    def size(self):
        """The file's size in bytes."""
        self.flush()
        return stat(self.name).length

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def seekable(self):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exists(path):
    """Whether the path exists."""
    return os.path.exists(path)


def glob(pattern):
    """The paths matching a glob pattern (or any of a list of them)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    return [p for one in patterns for p in _glob.glob(os.fsdecode(one))]


def isdir(path):
    return os.path.isdir(path)


def listdir(path):
    """The names (not paths) in a directory; NotFoundError when it is not one."""
    if not os.path.isdir(path):
        raise _not_found(path, "listdir")
    return os.listdir(path)


def makedirs(path):
    """Makes the directory and its missing parents (no error when it exists)."""
    os.makedirs(path, exist_ok=True)


def mkdir(path):
    """Makes one directory; its parent must exist, and it must not."""
    try:
        os.mkdir(path)
    except FileExistsError:
        raise _AlreadyExists(f"mkdir: {os.fspath(path)} already exists") from None
    except FileNotFoundError:
        raise _not_found(os.path.dirname(os.fspath(path)), "mkdir") from None


def remove(path):
    """Deletes a file."""
    try:
        os.remove(path)
    except FileNotFoundError:
        raise _not_found(path, "remove") from None


def _check_destination(dst, overwrite, op):
    if not overwrite and os.path.exists(dst):
        raise _AlreadyExists(f"{op}: {os.fspath(dst)} already exists; pass overwrite=True to replace it")


def rename(src, dst, overwrite=False):
    """Moves ``src`` to ``dst`` (an existing ``dst`` only with overwrite=True)."""
    if not os.path.exists(src):
        raise _not_found(src, "rename")
    _check_destination(dst, overwrite, "rename")
    os.replace(src, dst)


def copy(src, dst, overwrite=False):
    """Copies a file (an existing ``dst`` only with overwrite=True)."""
    if not os.path.isfile(src):
        raise _not_found(src, "copy")
    _check_destination(dst, overwrite, "copy")
    shutil.copyfile(src, dst)


def rmtree(path):
    """Deletes a directory and everything in it."""
    if not os.path.exists(path):
        raise _not_found(path, "rmtree")
    shutil.rmtree(path)


class FileStatistics:
    """What ``stat`` says: ``length`` in bytes, ``mtime_nsec``, ``is_directory``."""

    def __init__(self, length, mtime_nsec, is_directory):
        self.length, self.mtime_nsec, self.is_directory = length, mtime_nsec, is_directory


def stat(path):
    """A FileStatistics of the path."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _not_found(path, "stat") from None
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(path))


def walk(top, topdown=True, onerror=None):
    """(directory, subdirectory names, file names) for each directory under ``top``, as os.walk."""
    return os.walk(top, topdown=topdown, onerror=onerror)


def join(path, *paths):
    """The paths joined with the separator."""
    return os.path.join(path, *paths)


def split(path):
    """(head, tail) of a path."""
    return os.path.split(path)
