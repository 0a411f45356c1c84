"""More of ``tf.strings``: n-grams, hashing into buckets (TF's three hash functions, bit for bit), Unicode
encoding, transcoding and scripts, decoding with byte offsets, and joining strings by segment.
"""
import codecs

import numpy as np

from . import _core
from .data._types import StringTensor
from .errors import InvalidArgumentError

__all__ = ["ngrams", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_hash_bucket", "unicode_encode",
           "unicode_transcode", "unicode_script", "unicode_decode_with_offsets", "unicode_split_with_offsets",
           "unsorted_segment_join"]

_MASK64 = (1 << 64) - 1


def _strings(x, op):
    from .strings import _strings as strings_of

    return strings_of(x, op)


def _string_array(items, shape=None):
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array if shape is None else array.reshape(shape)


def _rows(data, op):
    """(rows as lists of Python values, how to rebuild a result from rows): a RaggedTensor's rows, a dense
    matrix's rows, or a vector as one row."""
    from .ragged import RaggedTensor

    if isinstance(data, RaggedTensor):
        if data.ragged_rank != 1 or data.flat_values.ndim != 1:
            raise ValueError(f"{op}: expected a RaggedTensor of rank 2 with one ragged dimension; received "
                             f"ragged_rank {data.ragged_rank}.")
        rows = data.to_list()
        return rows, lambda out: RaggedTensor.from_row_lengths(
            StringTensor(_string_array([v for row in out for v in row])), [len(row) for row in out])
    array = _strings(data, op)
    if np.ndim(array) == 1:
        return [list(array)], lambda out: StringTensor(_string_array(out[0]))
    if np.ndim(array) == 2:
        return [list(row) for row in array], lambda out: StringTensor(
            _string_array([v for row in out for v in row], (len(out), len(out[0]) if out else 0)))
    raise ValueError(f"{op}: expected a vector, a matrix or a RaggedTensor of strings; received rank "
                     f"{np.ndim(array)}.")


def _bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None, preserve_short_sequences=False,
           name=None):
    """The n-grams of each row of strings, joined by ``separator``, for each width in ``ngram_width``; rows
    padded with ``pad_values`` (left, right) ``padding_width`` times (width - 1 when None). With
    ``preserve_short_sequences`` a row too short for any n-gram gives its whole (padded) self."""
    op = "ngrams"
    widths = [int(ngram_width)] if np.ndim(ngram_width) == 0 else [int(w) for w in ngram_width]
    if any(w < 1 for w in widths):
        raise InvalidArgumentError(f"{op}: ngram_width must be >= 1; received {widths}.")
    sep = _bytes(separator)
    if pad_values is None:
        left = right = None
    elif isinstance(pad_values, (tuple, list)):
        if len(pad_values) != 2:
            raise ValueError(f"{op}: pad_values must be a string or a (left, right) pair; received {pad_values!r}.")
        left, right = (_bytes(v) for v in pad_values)
    else:
        left = right = _bytes(pad_values)
    if padding_width is not None and (pad_values is None or int(padding_width) < 1):
        raise ValueError(f"{op}: padding_width needs pad_values and must be >= 1; received {padding_width!r}.")
    rows, rebuild = _rows(data, op)
    out = []
    for row in rows:
        grams = []
        for width in widths:
            pad = 0 if left is None else (width - 1 if padding_width is None else min(int(padding_width),
                                                                                      width - 1))
            padded = [left] * pad + list(row) + [right] * pad
            grams += [sep.join(padded[i:i + width]) for i in range(len(padded) - width + 1)]
        if not grams and preserve_short_sequences and row:
            pad = 0 if left is None else (min(widths) - 1 if padding_width is None else int(padding_width))
            grams = [sep.join([left] * pad + list(row) + [right] * pad)]
        out.append(grams)
    return rebuild(out)


def _hash_buckets(input, num_buckets, hash_fn, op):  # noqa: A002 - TF's name
    if int(num_buckets) < 1:
        raise InvalidArgumentError(f"{op}: num_buckets must be >= 1; received {num_buckets}.")
    array = _strings(input, op)
    flat = [hash_fn(v) % int(num_buckets) for v in np.asarray(array, dtype=object).reshape(-1)]
    return _core.constant(np.asarray(flat, np.int64).reshape(np.shape(array)), "int64")


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002 - TF's name
    """Each string's FarmHash Fingerprint64 modulo ``num_buckets`` (int64): TF's ids."""
    from .keras.layers._farmhash import fingerprint64  # here, so tf.strings does not import Keras

    return _hash_buckets(input, num_buckets, fingerprint64, "to_hash_bucket_fast")


def _rotl(value, bits):
    return ((value << bits) | (value >> (64 - bits))) & _MASK64


def _siphash24(k0, k1, data):
    """SipHash-2-4 of ``data`` under the 128-bit key (k0, k1), as an unsigned 64-bit int."""
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def sip_round():
        v[0] = (v[0] + v[1]) & _MASK64
        v[1] = _rotl(v[1], 13) ^ v[0]
        v[0] = _rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & _MASK64
        v[3] = _rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & _MASK64
        v[3] = _rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & _MASK64
        v[1] = _rotl(v[1], 17) ^ v[2]
        v[2] = _rotl(v[2], 32)

    whole = len(data) - len(data) % 8
    blocks = [int.from_bytes(data[i:i + 8], "little") for i in range(0, whole, 8)]
    blocks.append(((len(data) & 0xFF) << 56) | int.from_bytes(data[whole:], "little"))
    for block in blocks:
        v[3] ^= block
        sip_round()
        sip_round()
        v[0] ^= block
    v[2] ^= 0xFF
    for _ in range(4):
        sip_round()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002 - TF's name
    """Each string's SipHash-2-4 under ``key`` (two unsigned 64-bit ints) modulo ``num_buckets``: TF's ids."""
    key = [int(k) & _MASK64 for k in np.asarray(getattr(key, "numpy", lambda: key)()).reshape(-1)]
    if len(key) != 2:
        raise ValueError(f"to_hash_bucket_strong: key must be two integers; received {key}.")
    return _hash_buckets(input, num_buckets, lambda v: _siphash24(key[0], key[1], v), "to_hash_bucket_strong")


def _legacy_hash64(data, seed=0xDECAFCAFFE):
    """TF's legacy Hash64 (a MurmurHash64A variant with TF's fixed seed)."""
    multiplier, shift = 0xC6A4A7935BD1E995, 47
    h = (seed ^ (len(data) * multiplier)) & _MASK64
    whole = len(data) - len(data) % 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * multiplier) & _MASK64
        k = ((k ^ (k >> shift)) * multiplier) & _MASK64
        h = ((h ^ k) * multiplier) & _MASK64
    if whole < len(data):
        h = ((h ^ int.from_bytes(data[whole:], "little")) * multiplier) & _MASK64
    h = ((h ^ (h >> shift)) * multiplier) & _MASK64
    return h ^ (h >> shift)


def to_hash_bucket(string_tensor, num_buckets, name=None):
    """Each string's legacy TF Hash64 modulo ``num_buckets``: TF's ids (prefer to_hash_bucket_fast)."""
    return _hash_buckets(string_tensor, num_buckets, _legacy_hash64, "to_hash_bucket")


_CODECS = {"UTF8": "utf-8", "UTF16BE": "utf-16-be", "UTF32BE": "utf-32-be"}


def _codec(encoding, op):
    key = str(encoding).upper().replace("-", "").replace("_", "")
    if key not in _CODECS:
        raise InvalidArgumentError(f"{op}: encoding must be one of UTF-8, UTF-16-BE, UTF-32-BE; received "
                                   f"{encoding!r}.")
    return _CODECS[key]


def _check_errors(errors, op):
    if errors not in ("replace", "ignore", "strict"):
        raise ValueError(f"{op}: errors must be 'replace', 'ignore' or 'strict'; received {errors!r}.")


# Malformed input becomes this lone surrogate (one per maximal bad sequence, as ICU counts them), so a real
# U+FFFD in the input is not mistaken for a replacement.
_MALFORMED = "\udfff"
codecs.register_error("pytensor_malformed", lambda err: (_MALFORMED, err.end))


def _decode(value, codec, errors, replacement_char, op):
    """The code points of ``value``; malformed sequences replaced by ``replacement_char``, dropped, or an
    InvalidArgumentError, as ``errors`` says."""
    try:
        text = value.decode(codec, errors="strict" if errors == "strict" else "pytensor_malformed")
    except UnicodeDecodeError as err:
        raise InvalidArgumentError(f"{op}: invalid {codec} input {value[:40]!r}: {err.reason}") from None
    if errors == "ignore":
        return [ord(c) for c in text if c != _MALFORMED]
    return [replacement_char if c == _MALFORMED else ord(c) for c in text]


def _encode(code_points, codec, errors, replacement_char, op):
    pieces = []
    for point in code_points:
        if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
            pieces.append(chr(point))
        elif errors == "strict":
            raise InvalidArgumentError(f"{op}: code point {point} is not a valid Unicode scalar value.")
        elif errors == "replace":
            pieces.append(chr(replacement_char))
    return "".join(pieces).encode(codec)


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """Code points (int32, last dimension or ragged rows) encoded as strings: one string per row."""
    from .ragged import RaggedTensor

    op = "unicode_encode"
    codec = _codec(output_encoding, op)
    _check_errors(errors, op)
    if isinstance(input, RaggedTensor):
        if input.ragged_rank != 1:
            raise ValueError(f"{op}: expected a RaggedTensor with one ragged dimension; received ragged_rank "
                             f"{input.ragged_rank}.")
        rows = input.to_list()
        return StringTensor(_string_array([_encode(r, codec, errors, replacement_char, op) for r in rows]))
    points = np.asarray(input.numpy() if hasattr(input, "numpy") else input)
    if points.ndim == 0:
        raise ValueError(f"{op}: input must have at least one dimension of code points; received a scalar.")
    rows = points.reshape(-1, points.shape[-1]) if points.size else np.zeros((int(np.prod(points.shape[:-1])), 0))
    encoded = [_encode([int(v) for v in row], codec, errors, replacement_char, op) for row in rows]
    return StringTensor(_string_array(encoded, points.shape[:-1]))


def unicode_transcode(input, input_encoding, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                      replace_control_characters=False, name=None):
    """Each string re-encoded from ``input_encoding`` to ``output_encoding`` (UTF-8, UTF-16-BE, UTF-32-BE)."""
    op = "unicode_transcode"
    source, target = _codec(input_encoding, op), _codec(output_encoding, op)
    _check_errors(errors, op)

    def transcode(value):
        points = _decode(value, source, errors, replacement_char, op)
        if replace_control_characters:
            points = [replacement_char if p < 0x20 or 0x7F <= p < 0xA0 else p for p in points]
        return _encode(points, target, errors, replacement_char, op)

    array = _strings(input, op)
    flat = [transcode(v) for v in np.asarray(array, dtype=object).reshape(-1)]
    return StringTensor(_string_array(flat, np.shape(array)))


# ICU's UScriptCode numbers and Unicode's Scripts.txt ranges for the scripts tf.strings.unicode_script is used on;
# a code point of a script this table lacks is an error, never a wrong script.
_COMMON, _INHERITED, _ARABIC, _ARMENIAN, _CYRILLIC, _DEVANAGARI, _GEORGIAN, _GREEK, _HAN, _HANGUL, _HEBREW, \
    _HIRAGANA, _KATAKANA, _LATIN, _THAI = 0, 1, 2, 3, 8, 10, 12, 14, 17, 18, 19, 20, 22, 25, 38
_SCRIPT_RANGES = sorted([
    (0x00, 0x40, _COMMON), (0x41, 0x5A, _LATIN), (0x5B, 0x60, _COMMON), (0x61, 0x7A, _LATIN), (0x7B, 0xA9, _COMMON),
    (0xAA, 0xAA, _LATIN), (0xAB, 0xB9, _COMMON), (0xBA, 0xBA, _LATIN), (0xBB, 0xBF, _COMMON), (0xC0, 0xD6, _LATIN),
    (0xD7, 0xD7, _COMMON), (0xD8, 0xF6, _LATIN), (0xF7, 0xF7, _COMMON), (0xF8, 0x2B8, _LATIN),
    (0x2B9, 0x2DF, _COMMON), (0x2E0, 0x2E4, _LATIN), (0x2E5, 0x2E9, _COMMON), (0x2EC, 0x2FF, _COMMON),
    (0x300, 0x36F, _INHERITED), (0x370, 0x373, _GREEK), (0x374, 0x374, _COMMON), (0x375, 0x377, _GREEK),
    (0x37A, 0x37D, _GREEK), (0x37E, 0x37E, _COMMON), (0x37F, 0x37F, _GREEK), (0x384, 0x384, _GREEK),
    (0x385, 0x385, _COMMON), (0x386, 0x386, _GREEK), (0x387, 0x387, _COMMON), (0x388, 0x38A, _GREEK),
    (0x38C, 0x38C, _GREEK), (0x38E, 0x3A1, _GREEK), (0x3A3, 0x3E1, _GREEK), (0x3F0, 0x3FF, _GREEK),
    (0x400, 0x484, _CYRILLIC), (0x485, 0x486, _INHERITED), (0x487, 0x52F, _CYRILLIC), (0x531, 0x556, _ARMENIAN),
    (0x559, 0x58A, _ARMENIAN), (0x58D, 0x58F, _ARMENIAN), (0x591, 0x5C7, _HEBREW), (0x5D0, 0x5EA, _HEBREW),
    (0x5EF, 0x5F4, _HEBREW), (0x600, 0x604, _ARABIC), (0x605, 0x605, _COMMON), (0x606, 0x60B, _ARABIC),
    (0x60C, 0x60C, _COMMON), (0x60D, 0x61A, _ARABIC), (0x61B, 0x61B, _COMMON), (0x61C, 0x61E, _ARABIC),
    (0x61F, 0x61F, _COMMON), (0x620, 0x63F, _ARABIC), (0x640, 0x640, _COMMON), (0x641, 0x64A, _ARABIC),
    (0x64B, 0x655, _INHERITED), (0x656, 0x66F, _ARABIC), (0x670, 0x670, _INHERITED), (0x671, 0x6DC, _ARABIC),
    (0x6DD, 0x6DD, _COMMON), (0x6DE, 0x6FF, _ARABIC), (0x750, 0x77F, _ARABIC), (0x900, 0x950, _DEVANAGARI),
    (0x951, 0x954, _INHERITED), (0x955, 0x963, _DEVANAGARI), (0x964, 0x965, _COMMON), (0x966, 0x97F, _DEVANAGARI),
    (0xE01, 0xE3A, _THAI), (0xE3F, 0xE3F, _COMMON), (0xE40, 0xE5B, _THAI), (0x10A0, 0x10C5, _GEORGIAN),
    (0x10D0, 0x10FA, _GEORGIAN), (0x10FB, 0x10FB, _COMMON), (0x10FC, 0x10FF, _GEORGIAN), (0x1100, 0x11FF, _HANGUL),
    (0x1D00, 0x1D25, _LATIN), (0x1D26, 0x1D2A, _GREEK), (0x1D2B, 0x1D2B, _CYRILLIC), (0x1D2C, 0x1D5C, _LATIN),
    (0x1DC0, 0x1DFF, _INHERITED), (0x1E00, 0x1EFF, _LATIN), (0x1F00, 0x1FFE, _GREEK), (0x2000, 0x200B, _COMMON),
    (0x200C, 0x200D, _INHERITED), (0x200E, 0x2064, _COMMON), (0x2070, 0x2070, _COMMON), (0x2071, 0x2071, _LATIN),
    (0x2074, 0x207E, _COMMON), (0x207F, 0x207F, _LATIN), (0x2080, 0x208E, _COMMON), (0x2090, 0x209C, _LATIN),
    (0x20A0, 0x20C0, _COMMON), (0x20D0, 0x20F0, _INHERITED), (0x2100, 0x2125, _COMMON), (0x2126, 0x2126, _GREEK),
    (0x2127, 0x2129, _COMMON), (0x212A, 0x212B, _LATIN), (0x212C, 0x2131, _COMMON), (0x2132, 0x2132, _LATIN),
    (0x2133, 0x214D, _COMMON), (0x214E, 0x214E, _LATIN), (0x214F, 0x215F, _COMMON), (0x2160, 0x2188, _LATIN),
    (0x2189, 0x218B, _COMMON), (0x2190, 0x2426, _COMMON), (0x2440, 0x244A, _COMMON), (0x2460, 0x27FF, _COMMON),
    (0x2900, 0x2B73, _COMMON), (0x2C60, 0x2C7F, _LATIN), (0x2D00, 0x2D25, _GEORGIAN), (0x2DE0, 0x2DFF, _CYRILLIC),
    (0x2E00, 0x2E5D, _COMMON), (0x2E80, 0x2E99, _HAN), (0x2E9B, 0x2EF3, _HAN), (0x2F00, 0x2FD5, _HAN),
    (0x2FF0, 0x2FFB, _COMMON), (0x3000, 0x3004, _COMMON), (0x3005, 0x3005, _HAN), (0x3006, 0x3006, _COMMON),
    (0x3007, 0x3007, _HAN), (0x3008, 0x3020, _COMMON), (0x3021, 0x3029, _HAN), (0x302A, 0x302D, _INHERITED),
    (0x3030, 0x3037, _COMMON), (0x3038, 0x303B, _HAN), (0x303C, 0x303F, _COMMON), (0x3041, 0x3096, _HIRAGANA),
    (0x3099, 0x309A, _INHERITED), (0x309B, 0x309C, _COMMON), (0x309D, 0x309F, _HIRAGANA), (0x30A0, 0x30A0, _COMMON),
    (0x30A1, 0x30FA, _KATAKANA), (0x30FB, 0x30FC, _COMMON), (0x30FD, 0x30FF, _KATAKANA), (0x3131, 0x318E, _HANGUL),
    (0x31F0, 0x31FF, _KATAKANA), (0x3400, 0x4DBF, _HAN), (0x4E00, 0x9FFF, _HAN), (0xA640, 0xA69F, _CYRILLIC),
    (0xAC00, 0xD7A3, _HANGUL), (0xF900, 0xFA6D, _HAN), (0xFA70, 0xFAD9, _HAN), (0xFB00, 0xFB06, _LATIN),
    (0xFB1D, 0xFB4F, _HEBREW), (0xFB50, 0xFDFF, _ARABIC), (0xFE00, 0xFE0F, _INHERITED), (0xFE10, 0xFE19, _COMMON),
    (0xFE20, 0xFE2D, _INHERITED), (0xFE30, 0xFE6B, _COMMON), (0xFE70, 0xFEFC, _ARABIC), (0xFEFF, 0xFEFF, _COMMON),
    (0xFF01, 0xFF20, _COMMON), (0xFF21, 0xFF3A, _LATIN), (0xFF3B, 0xFF40, _COMMON), (0xFF41, 0xFF5A, _LATIN),
    (0xFF5B, 0xFF65, _COMMON), (0xFF66, 0xFF6F, _KATAKANA), (0xFF70, 0xFF70, _COMMON), (0xFF71, 0xFF9D, _KATAKANA),
    (0xFF9E, 0xFF9F, _COMMON), (0xFFE0, 0xFFEE, _COMMON), (0xFFF9, 0xFFFD, _COMMON), (0x1F000, 0x1FAFF, _COMMON),
    (0x20000, 0x2FA1F, _HAN), (0x30000, 0x3134F, _HAN),
])
_RANGE_STARTS = np.array([start for start, _, _ in _SCRIPT_RANGES])


def _script_of(point):
    if not 0 <= point <= 0x10FFFF:
        return -1
    k = int(np.searchsorted(_RANGE_STARTS, point, side="right")) - 1
    if k >= 0 and point <= _SCRIPT_RANGES[k][1]:
        return _SCRIPT_RANGES[k][2]
    raise InvalidArgumentError(f"unicode_script: U+{point:04X} is in a script pytensor's table does not cover "
                               f"(it has Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Thai, "
                               f"Georgian, Hangul, Han, Hiragana, Katakana, Common and Inherited).")


def unicode_script(input, name=None):  # noqa: A002 - TF's name
    """Each int32 code point's ICU script code (UScriptCode: 0 Common, 25 Latin, 17 Han, ...); -1 for a value
    that is not a code point."""
    points = np.asarray(input.numpy() if hasattr(input, "numpy") else input, np.int64)
    scripts = np.array([_script_of(int(p)) for p in points.reshape(-1)], np.int32).reshape(points.shape)
    return _core.constant(scripts, "int32")


def _with_offsets(input, input_encoding, errors, replacement_char, op, item):  # noqa: A002
    """(items, start byte offsets) of each UTF-8 string: 1-D tensors for a scalar, RaggedTensors for a
    vector. ``item(text, start, end, point)`` makes one character's item."""
    from .ragged import RaggedTensor

    codec = _codec(input_encoding, op)
    if codec != "utf-8":
        raise InvalidArgumentError(f"{op}: only UTF-8 input is supported here; received {input_encoding!r}.")
    _check_errors(errors, op)
    array = _strings(input, op)

    def one(text):
        items, offsets, position = [], [], 0
        while position < len(text):
            width = next((w for w in (1, 2, 3, 4) if _valid_utf8(text[position:position + w])), 0)
            if width:
                point = ord(text[position:position + width].decode("utf-8"))
            elif errors == "strict":
                raise InvalidArgumentError(f"{op}: invalid UTF-8 at byte {position} of {text[:40]!r}.")
            else:
                width = 1
                if errors == "ignore":
                    position += 1
                    continue
                point = replacement_char
            items.append(item(text, position, position + width, point))
            offsets.append(position)
            position += width
        return items, offsets

    if np.ndim(array) == 0:
        items, offsets = one(array if isinstance(array, bytes) else array[()])
        return _pack(items), _core.constant(np.asarray(offsets, np.int64), "int64")
    if np.ndim(array) != 1:
        raise ValueError(f"{op}: expected a scalar or a vector of strings; received rank {np.ndim(array)}.")
    results = [one(v) for v in array]
    lengths = [len(items) for items, _ in results]
    values = _pack([v for items, _ in results for v in items])
    offsets = _core.constant(np.asarray([o for _, offs in results for o in offs], np.int64), "int64")
    return RaggedTensor.from_row_lengths(values, lengths), RaggedTensor.from_row_lengths(offsets, lengths)


def _valid_utf8(piece):
    try:
        return len(piece.decode("utf-8")) == 1
    except UnicodeDecodeError:
        return False


def _pack(items):
    if items and isinstance(items[0], bytes):
        return StringTensor(_string_array(items))
    return _core.constant(np.asarray(items, np.int32), "int32")


def unicode_decode_with_offsets(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                                replace_control_characters=False, name=None):
    """(code points, the byte offset where each starts) of each UTF-8 string."""
    def point_of(text, start, end, point):
        if replace_control_characters and (point < 0x20 or 0x7F <= point < 0xA0):
            return replacement_char
        return point

    return _with_offsets(input, input_encoding, errors, replacement_char, "unicode_decode_with_offsets", point_of)


def unicode_split_with_offsets(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                               name=None):
    """(characters as UTF-8 strings, the byte offset where each starts) of each UTF-8 string."""
    def char_of(text, start, end, point):
        return text[start:end] if point != replacement_char or _valid_utf8(text[start:end]) else \
            chr(replacement_char).encode("utf-8")

    return _with_offsets(input, input_encoding, errors, replacement_char, "unicode_split_with_offsets", char_of)


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """The strings of each of ``num_segments`` segments joined (in input order) along the leading dimensions
    ``segment_ids`` covers; empty strings for segments with none."""
    op = "unsorted_segment_join"
    array = np.asarray(_strings(inputs, op), dtype=object)
    ids = np.asarray(segment_ids.numpy() if hasattr(segment_ids, "numpy") else segment_ids, np.int64)
    if array.shape[:ids.ndim] != ids.shape:
        raise ValueError(f"{op}: segment_ids' shape {ids.shape} must be a prefix of inputs' shape {array.shape}.")
    count = int(num_segments)
    if ids.size and (ids.max() >= count):
        raise InvalidArgumentError(f"{op}: segment_ids must be < num_segments = {count}; received {ids.max()}.")
    sep = _bytes(separator)
    rows = array.reshape((ids.size,) + array.shape[ids.ndim:])
    inner = array.shape[ids.ndim:]
    parts = [[[] for _ in range(int(np.prod(inner, dtype=np.int64)))] for _ in range(count)]
    for segment, row in zip(ids.reshape(-1), rows):
        if segment >= 0:  # negative ids are dropped, as TF does
            for k, value in enumerate(np.asarray(row, dtype=object).reshape(-1)):
                parts[segment][k].append(value)
    joined = [sep.join(items) for segment in parts for items in segment]
    return StringTensor(_string_array(joined, (count,) + inner))
