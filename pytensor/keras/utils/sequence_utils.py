"""``keras.utils.pad_sequences`` (also ``keras.preprocessing.sequence.pad_sequences``)."""
import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pads (or truncates) a list of sequences to one length: a ``(len(sequences), maxlen, ...)`` array.

    Sequences longer than ``maxlen`` lose values at the start (``truncating="pre"``) or the end (``"post"``);
    shorter ones are filled with ``value`` before (``padding="pre"``) or after (``"post"``) them. ``maxlen``
    defaults to the longest sequence. Elements may themselves be arrays (all of one shape).

    Example:
        >>> keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)

    Raises:
        ValueError: if ``sequences`` is not a list of iterables, ``padding`` / ``truncating`` is not ``"pre"`` or
            ``"post"``, the element shapes differ, or a string ``value`` is used with a non-string ``dtype``.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: `sequences` must be a list of sequences; received "
                         f"{type(sequences).__name__}.")
    for arg, mode in (("padding", padding), ("truncating", truncating)):
        if mode not in ("pre", "post"):
            raise ValueError(f'pad_sequences: {arg} type "{mode}" not understood; use "pre" or "post".')
    lengths, sample_shape = [], None
    for i, sequence in enumerate(sequences):
        try:
            lengths.append(len(sequence))
        except TypeError:
            raise ValueError(f"pad_sequences: `sequences` must be a list of iterables; element {i} is "
                             f"{sequence!r}.") from None
        if sample_shape is None and len(sequence):
            sample_shape = np.asarray(sequence).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    maxlen = int(maxlen)
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_text:
        raise ValueError(f"pad_sequences: dtype {dtype!r} cannot hold the string padding value {value!r}; pass "
                         f"dtype=object (or a string dtype) for text sequences, or a numeric value.")
    out = np.full((len(lengths), maxlen) + tuple(sample_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = np.asarray(sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen], dtype=dtype)
        if kept.shape[1:] != tuple(sample_shape):
            raise ValueError(f"pad_sequences: the elements of sequence {i} have shape {kept.shape[1:]}, but those of "
                             f"the first non-empty sequence have shape {tuple(sample_shape)}; all must match.")
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out
