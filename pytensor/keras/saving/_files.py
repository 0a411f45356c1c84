"""Atomic writes and the checks that turn unreadable files into clear errors."""
import contextlib
import os
import tempfile

__all__ = ["h5py", "atomic_path", "open_h5", "FileError", "fsync_path"]


def h5py():
    """The h5py module, imported on first use (``import pytensor`` does not load HDF5)."""
    import h5py as module
    return module


class FileError(ValueError):
    """A file that is missing, truncated, corrupt or of another kind (a ValueError, as Keras raises)."""


@contextlib.contextmanager
def atomic_path(filepath, overwrite=True):
    """Yields a temporary path beside ``filepath``; when the block succeeds it is renamed onto ``filepath``.

    A save that fails or is interrupted (an exception, KeyboardInterrupt, a full disk) leaves the previous file as
    it was and no temporary file behind. The temporary file is fsynced before the rename and the folder after it,
    so a power loss right after the save finds either the old file or the complete new one, never an empty one.

    Raises:
        FileExistsError: when ``filepath`` exists and ``overwrite`` is False.
        FileNotFoundError: when the folder does not exist.
    """
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False; pass overwrite=True or choose another name.")
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {filepath}: the folder {folder} does not exist.")
    handle, temporary = tempfile.mkstemp(prefix="." + os.path.basename(filepath) + ".", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        yield temporary
        fsync_path(temporary)
        os.replace(temporary, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    fsync_path(folder)


def fsync_path(path):
    """Flushes a file's or a folder's data to disk. Folders cannot be opened for fsync on every OS (Windows):
    there the rename's durability is the file system's, and this does nothing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if os.path.isdir(path):
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not os.path.isdir(path):
            raise
    finally:
        os.close(fd)


def check_readable(filepath):
    """Raises FileNotFoundError naming ``filepath`` when it is not an existing file."""
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        raise FileError(f"{filepath} is a folder (a SavedModel?); keras.models.load_model loads .keras and .h5 "
                        f"files, and SavedModel folders written by model.save(folder, save_format='tf'). Load other "
                        f"SavedModels with tf.saved_model.load.")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No file or directory found at {filepath}.")
    return filepath


def open_h5(source, filepath, what):
    """Opens an HDF5 file (a path or a file object) for reading; a file HDF5 cannot read raises FileError naming
    ``filepath`` and saying it is not (or no longer) a valid ``what``."""
    try:
        return h5py().File(source, "r")
    except (OSError, ValueError) as e:
        raise FileError(f"{filepath} is not a valid {what}: HDF5 cannot read it ({e}). The file is truncated, "
                        f"corrupt or of another kind.") from None
