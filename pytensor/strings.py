"""``tf.strings``: element-wise functions on string tensors (``tf.string``: arrays of UTF-8 byte strings).

String tensors hold their bytes host-side (pytensor.data's StringTensor); these functions work element by
element on them. Splitting a rank >= 1 tensor gives rows of different lengths: a RaggedTensor, as in TF.
"""

import builtins
import re

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import StringTensor
from .errors import InvalidArgumentError

__all__ = [
    "lower", "upper", "length", "join", "reduce_join", "substr", "regex_replace", "regex_full_match", "strip",
    "to_number", "as_string", "split", "bytes_split", "unicode_split", "unicode_decode", "format",
]


def _strings(x, op):
    """`x` as an object array of bytes (a StringTensor's, or converted from str / bytes values)."""
    if isinstance(x, StringTensor):
        return x.numpy() if x.ndim else np.asarray(x.numpy(), dtype=object)
    if isinstance(x, (Tensor, Variable)):
        raise TypeError(f"{op}: expected a string tensor, got dtype {x.dtype.name}")
    try:
        return np.asarray(StringTensor(x).numpy(), dtype=object)
    except TypeError as err:
        raise TypeError(f"{op}: expected strings, got {x!r:.60}") from err


def _map(fn, x, op, out="string"):
    array = _strings(x, op)
    flat = [fn(v) for v in np.asarray(array, dtype=object).reshape(-1)]
    shape = np.shape(array)
    if out == "string":
        result = np.empty(len(flat), dtype=object)
        result[:] = flat
        return StringTensor(result.reshape(shape))
    return _core.constant(np.asarray(flat, dtype=out).reshape(shape), out)


def lower(input, encoding="", name=None):  # noqa: A002 - TF's name
    """Each string in lower case (ASCII, or Unicode with encoding='utf-8')."""
    if encoding:
        return _map(lambda v: v.decode("utf-8").lower().encode("utf-8"), input, "lower")
    return _map(lambda v: v.lower(), input, "lower")


def upper(input, encoding="", name=None):  # noqa: A002 - TF's name
    """Each string in upper case (ASCII, or Unicode with encoding='utf-8')."""
    if encoding:
        return _map(lambda v: v.decode("utf-8").upper().encode("utf-8"), input, "upper")
    return _map(lambda v: v.upper(), input, "upper")


def length(input, unit="BYTE", name=None):  # noqa: A002 - TF's name
    """The length of each string in bytes, or in Unicode characters with unit='UTF8_CHAR' (int32)."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"length: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    count = len if unit == "BYTE" else (lambda v: len(v.decode("utf-8")))
    return _map(count, input, "length", out="int32")


def join(inputs, separator="", name=None):
    """Element-wise concatenation of a list of string tensors (broadcast), with `separator` between."""
    arrays = [_strings(x, "join") for x in inputs]
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    joined = np.frompyfunc(lambda *parts: sep.join(parts), len(arrays), 1)(*arrays) if arrays else b""
    return StringTensor(joined)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """The strings joined along `axis` (all of them when None), with `separator` between."""
    array = np.asarray(_strings(inputs, "reduce_join"), dtype=object)
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    if axis is None:
        result = np.array(sep.join(array.reshape(-1).tolist()), dtype=object)
        return StringTensor(result.reshape((1,) * array.ndim) if keepdims else result)
    axis = int(axis) % max(array.ndim, 1)
    moved = np.moveaxis(array, axis, -1)
    joined = np.empty(moved.shape[:-1], dtype=object)
    for index in np.ndindex(joined.shape):
        joined[index] = sep.join(moved[index].tolist())
    return StringTensor(np.expand_dims(joined, axis) if keepdims else joined)


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TF's names
    """The substring of each string starting at `pos` (negative: from the end) of at most `len` bytes (or
    characters with unit='UTF8_CHAR'); a position past the end is an error, as in TF."""
    def cut(v):
        text = v if unit == "BYTE" else v.decode("utf-8")
        start = pos if pos >= 0 else builtins.len(text) + pos
        if not 0 <= start <= builtins.len(text):
            raise InvalidArgumentError(f"substr: pos {pos} is out of range for a string of length "
                                       f"{builtins.len(text)}")
        piece = text[start:start + len]
        return piece if unit == "BYTE" else piece.encode("utf-8")

    return _map(cut, input, "substr")



def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002 - TF's name
    """Each string with matches of the RE2 `pattern` replaced by `rewrite` (\\1 refers to groups)."""
    compiled = re.compile(pattern.encode("utf-8") if isinstance(pattern, str) else pattern)
    template = rewrite.encode("utf-8") if isinstance(rewrite, str) else rewrite
    return _map(lambda v: compiled.sub(template, v, count=0 if replace_global else 1), input, "regex_replace")


def regex_full_match(input, pattern, name=None):  # noqa: A002 - TF's name
    """True where the whole string matches `pattern`."""
    compiled = re.compile(pattern.encode("utf-8") if isinstance(pattern, str) else pattern)
    return _map(lambda v: compiled.fullmatch(v) is not None, input, "regex_full_match", out="bool")


def strip(input, name=None):  # noqa: A002 - TF's name
    """Each string without leading and trailing whitespace."""
    return _map(lambda v: v.strip(), input, "strip")


def to_number(string_tensor, out_type="float32", name=None):
    """Each string parsed as a number of `out_type`; InvalidArgumentError for one that is not a number."""
    from .ragged import RaggedTensor

    if isinstance(string_tensor, RaggedTensor):
        return string_tensor.with_flat_values(to_number(string_tensor.flat_values, out_type))
    out = getattr(out_type, "name", out_type)

    def parse(v):
        try:
            return int(v) if out in ("int32", "int64") else float(v)
        except ValueError:
            raise InvalidArgumentError(f"to_number: StringToNumberOp could not correctly convert string: "
                                       f"{v.decode('utf-8', 'replace')}") from None

    return _map(parse, string_tensor, "to_number", out=out)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None):  # noqa: A002
    """Each number formatted as a string (floats with 6 decimals unless `precision` is given, as TF)."""
    x = input if isinstance(input, (Tensor, Variable)) else _core.convert_to_tensor(input)
    values = np.asarray(x)
    if x.dtype.is_bool:
        fmt = lambda v: "true" if v else "false"  # noqa: E731
    elif x.dtype.is_floating:
        spec = f"{'e' if scientific else 'g' if shortest else 'f'}"
        digits = 6 if precision < 0 else precision
        fmt = lambda v: builtins.format(float(v), f".{digits}{spec}") if not shortest else repr(float(v))  # noqa: E731
    else:
        fmt = lambda v: str(int(v))  # noqa: E731
    pad = lambda text: text.rjust(width, fill or " ") if width > 0 else text  # noqa: E731
    result = np.empty(values.size, dtype=object)
    result[:] = [pad(fmt(v)).encode("utf-8") for v in values.reshape(-1)]
    return StringTensor(result.reshape(values.shape))


def _split_each(x, op, pieces):
    """`pieces(text)` of each string: a 1-D tensor for a scalar string, a RaggedTensor (one ragged dimension per
    input dimension) otherwise, as TF."""
    from .ragged import RaggedTensor

    array = _strings(x, op)
    if np.ndim(array) == 0:
        return pieces(array if isinstance(array, bytes) else array[()])
    rows = [np.asarray(pieces(v)) for v in np.asarray(array, dtype=object).reshape(-1)]
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=object)
    values = StringTensor(flat) if flat.dtype == object else _core.constant(flat, flat.dtype.name)
    result = RaggedTensor.from_row_lengths(values, [len(row) for row in rows])
    for size in reversed(np.shape(array)[1:]):
        result = RaggedTensor.from_uniform_row_length(result, size)
    return result


def _vector(items):
    result = np.empty(len(items), dtype=object)
    result[:] = items
    return StringTensor(result)


def split(input=None, sep=None, maxsplit=-1, name=None):  # noqa: A002 - TF's name
    """The pieces of each string split at `sep` (at runs of whitespace when None): a 1-D string tensor for a
    scalar, a RaggedTensor of rows for a vector."""
    separator = sep.encode("utf-8") if isinstance(sep, str) else sep
    if separator == b"":
        raise InvalidArgumentError("split: sep must not be empty (use bytes_split for characters)")
    return _split_each(input, "split", lambda text: _vector(
        text.split(separator, maxsplit) if separator is not None else text.split(None, maxsplit)))


def bytes_split(input, name=None):  # noqa: A002 - TF's name
    """The bytes of each string, each a 1-byte string (rows of a RaggedTensor for a vector)."""
    return _split_each(input, "bytes_split", lambda text: _vector([text[i:i + 1] for i in range(len(text))]))


def _utf8(input_encoding, op):
    if input_encoding.upper().replace("-", "") != "UTF8":
        raise ValueError(f"{op}: only UTF-8 is supported, got {input_encoding!r}")


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """The characters of each UTF-8 string, each as its UTF-8 bytes (rows of a RaggedTensor for a vector)."""
    _utf8(input_encoding, "unicode_split")
    return _split_each(input, "unicode_split", lambda text: _vector(
        [c.encode("utf-8") for c in text.decode("utf-8", errors="replace")]))


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """The Unicode code points of each UTF-8 string, int32 (rows of a RaggedTensor for a vector)."""
    _utf8(input_encoding, "unicode_decode")
    return _split_each(input, "unicode_decode", lambda text: _core.constant(
        np.asarray([ord(c) for c in text.decode("utf-8", errors="replace")], np.int32), "int32"))


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001 - TF's name
    """`template` with each `placeholder` replaced by the next input printed as tf.print does."""
    from ._tf_ops import _format_tensor

    items = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(items):
        raise InvalidArgumentError(f"format: the template has {len(pieces) - 1} placeholders for {len(items)} inputs")
    text = pieces[0]
    for item, piece in zip(items, pieces[1:]):
        text += (_format_tensor(item, summarize) if isinstance(item, (Tensor, Variable)) else str(item)) + piece
    return StringTensor(text.encode("utf-8"))


from ._strings_more import (  # noqa: E402,F401  n-grams, hash buckets, Unicode encodings and scripts
    ngrams, to_hash_bucket, to_hash_bucket_fast, to_hash_bucket_strong, unicode_decode_with_offsets, unicode_encode,
    unicode_script, unicode_split_with_offsets, unicode_transcode, unsorted_segment_join)
from ._string_graph import string_op  # noqa: E402

# Inside tf.function these run on every call, on that call's strings (see _string_graph): the ops whose results'
# shapes follow from their inputs' shapes. Splitting and n-grams give shapes of the values (a graph per value).
for _name in ["lower", "upper", "length", "join", "reduce_join", "substr", "regex_replace", "regex_full_match", "strip",
              "to_number", "as_string", "format", "to_hash_bucket", "to_hash_bucket_fast", "to_hash_bucket_strong",
              "unicode_encode", "unicode_script", "unicode_transcode", "unsorted_segment_join"]:
    globals()[_name] = string_op(globals()[_name])
from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
