"""Readers shared by the dataset modules: npz files checked against Keras's layout, and a restricted unpickler
for the files whose format is pickle (the object arrays of imdb / reuters, the CIFAR batches)."""

import pickle
import zipfile

import numpy as np

from ._files import CorruptDatasetError

def _latin1_bytes(text, encoding):
    """``_codecs.encode`` as protocol-2 pickles use it to spell bytes (``encode(str, "latin1")``), and nothing else."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"the file encodes bytes with {encoding!r}; only latin1 is accepted")
    return text.encode("latin1")


# What the pickles of Keras's dataset files reference: numpy's array / dtype / scalar reconstructors, under
# numpy 1's module names and numpy 2's, and the bytes of protocol-2 pickles. Lists, dicts, ints, floats, str and
# (in protocol 3+) bytes need no global at all.
_ALLOWED_GLOBALS = {
    ("_codecs", "encode"): _latin1_bytes,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
    ("numpy.core.multiarray", "scalar"): np._core.multiarray.scalar,
    ("numpy._core.multiarray", "scalar"): np._core.multiarray.scalar,
}


class _DataOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays, dtypes and numpy scalars, and Python's lists, dicts, tuples, numbers, str and bytes;
    any other global (a class or function a crafted file names to run code) is refused."""

    def find_class(self, module, name):
        allowed = _ALLOWED_GLOBALS.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"the file references {module}.{name}; a dataset file may hold only numpy "
                                         "arrays, lists, dicts, numbers and strings, so it is refused")
        return allowed


def load_pickle(f, path, encoding="ASCII"):
    """The data in the pickle stream `f`, read with the data-only unpickler.

    Raises:
        CorruptDatasetError: the stream is truncated, malformed, or references anything but numpy arrays and
            Python's plain data types; the message names `path`.
    """
    try:
        return _DataOnlyUnpickler(f, encoding=encoding).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError,
            MemoryError, UnicodeDecodeError) as e:
        raise CorruptDatasetError(f"{path} is truncated, corrupt or not a dataset file ({e}); delete it and "
                                  "retry") from None


def _read_npy(member, size, path, key):
    """One array of an .npz member: numeric arrays by numpy's reader (no pickle), object arrays by the data-only
    unpickler after numpy's header."""
    version = np.lib.format.read_magic(member)
    read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(
        version)
    if read_header is None:
        raise CorruptDatasetError(f"{path}: array {key!r} has .npy format version {version}; Keras's files use 1.0")
    shape, fortran_order, dtype = read_header(member)
    if not dtype.hasobject:
        nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if nbytes > size:  # checked before allocating: a crafted header cannot ask for more than the file holds
            raise CorruptDatasetError(f"{path}: array {key!r} claims shape {shape} of {dtype} ({nbytes} bytes) but "
                                      f"its file holds {size} bytes")
        array = np.empty(shape[::-1] if fortran_order else shape, dtype)
        got = member.readinto(array.reshape(-1).view(np.uint8)) if nbytes else 0
        if got != nbytes:
            raise CorruptDatasetError(f"{path}: array {key!r} is truncated ({got} of {nbytes} bytes)")
        return array.T if fortran_order else array
    array = load_pickle(member, f"{path} (array {key!r})", encoding="latin1")
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise CorruptDatasetError(f"{path}: array {key!r} does not hold the {shape} array its header announces")
    return array


def load_npz(path, expected):
    """The arrays named in `expected` (key -> (trailing shape or None, dtype kind or None)) from an .npz file.

    Object arrays (Keras's ragged sequences) are read with the data-only unpickler: a crafted file cannot run code.

    Raises:
        CorruptDatasetError: the file is truncated, not an npz, holds anything but plain data, or lacks or mis-shapes
            a key.
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            for key in expected:
                if key + ".npy" not in names:
                    raise CorruptDatasetError(f"{path} lacks the array {key!r}; expected keys {sorted(expected)}")
                with archive.open(key + ".npy") as member:
                    arrays[key] = _read_npy(member, archive.getinfo(key + ".npy").file_size, path, key)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        if isinstance(e, CorruptDatasetError):
            raise
        raise CorruptDatasetError(f"{path} is truncated or not a valid .npz file ({e}); delete it so it is "
                                  "downloaded again") from None
    for key, (tail, kind) in expected.items():
        arr = arrays[key]
        if arr.ndim == 0 or (tail is not None and tuple(arr.shape[1:]) != tuple(tail)) or (
                kind is not None and arr.dtype.kind not in kind):
            raise CorruptDatasetError(f"{path}: array {key!r} has shape {arr.shape} and dtype {arr.dtype}; "
                                      f"Keras's format has (N, {', '.join(map(str, tail or ()))}) of kind {kind}")
    lengths = {}
    for key in expected:
        lengths.setdefault(key.split("_")[-1], set()).add(len(arrays[key]))
    if any(len(v) > 1 for v in lengths.values()):
        raise CorruptDatasetError(f"{path}: the arrays' lengths disagree: "
                                  f"{ {k: len(v) for k, v in arrays.items()} }")
    return arrays


def check_sequences(array, path, key):
    """`array` (an object array read from `path`) as Keras's sequences: each item a list or 1-D array of ints."""
    for i, seq in enumerate(array):
        if isinstance(seq, np.ndarray) and seq.ndim == 1 and seq.dtype.kind in "iu":
            continue
        if not isinstance(seq, list) or not all(isinstance(w, (int, np.integer)) for w in seq):
            raise CorruptDatasetError(f"{path}: item {i} of {key!r} is not a sequence of ints ({type(seq).__name__})")
    return array
