"""Readers shared by the dataset modules: npz files checked against Keras's layout."""

import zipfile

import numpy as np

from ._files import CorruptDatasetError


def load_npz(path, expected, allow_pickle=False):
    """The arrays named in `expected` (key -> (trailing shape or None, dtype kind or None)) from an .npz file.

    Raises CorruptDatasetError when the file is truncated, not an npz, or lacks or mis-shapes a key.
    """
    try:
        with np.load(path, allow_pickle=allow_pickle) as f:
            arrays = {key: f[key] for key in expected}
    except KeyError as e:
        raise CorruptDatasetError(f"{path} lacks the array {e}; expected keys {sorted(expected)}") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise CorruptDatasetError(f"{path} is truncated or not a valid .npz file ({e}); delete it so it is "
                                  "downloaded again") from None
    for key, (tail, kind) in expected.items():
        arr = arrays[key]
        if tail is not None and tuple(arr.shape[1:]) != tuple(tail) or kind is not None and arr.dtype.kind not in kind:
            raise CorruptDatasetError(f"{path}: array {key!r} has shape {arr.shape} and dtype {arr.dtype}; "
                                      f"Keras's format has (N, {', '.join(map(str, tail or ()))}) of kind {kind}")
    lengths = {}
    for key in expected:
        lengths.setdefault(key.split("_")[-1], set()).add(len(arrays[key]))
    if any(len(v) > 1 for v in lengths.values()):
        raise CorruptDatasetError(f"{path}: the arrays' lengths disagree: "
                                  f"{ {k: len(v) for k, v in arrays.items()} }")
    return arrays
