"""tf.train.Example and its parts, with a hand-written protocol-buffer wire encoder / decoder.

The messages (tensorflow/core/example/{example,feature}.proto):
``Example{Features features=1}``, ``Features{map<string, Feature> feature=1}`` (map entries: ``key=1, value=2``),
``Feature{oneof: BytesList bytes_list=1, FloatList float_list=2, Int64List int64_list=3}``,
``BytesList{repeated bytes value=1}``, ``FloatList{repeated float value=1 [packed]}``,
``Int64List{repeated int64 value=1 [packed]}``. Map entries are written in sorted key order (protobuf's
deterministic serialization), so equal examples serialize to equal bytes.
"""

import struct

import numpy as np

__all__ = ["Example", "Features", "Feature", "FloatList", "Int64List", "BytesList"]


class DecodeError(ValueError):
    """Serialized bytes are not a valid message of the expected type."""


def _varint(n):
    n &= (1 << 64) - 1  # negative int64 as its two's complement, ten bytes
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(number, payload):
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


_MASK64 = (1 << 64) - 1


def _read_varint(buf, pos):
    """(value, next position) of the varint at `pos`. As protobuf (and so TF) reads it: at most ten bytes, the bits
    of the tenth beyond 64 dropped, so a value of 2**64 or more wraps to its low 64 bits."""
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise DecodeError("truncated or overlong varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result & _MASK64, pos
        shift += 7


def _fields(buf):
    """Yields (field number, wire type, value) of a message: ints for varints, memoryview slices otherwise."""
    buf = memoryview(buf)
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
        elif wire == 2:
            n, pos = _read_varint(buf, pos)
            if pos + n > len(buf):
                raise DecodeError("truncated length-delimited field")
            value, pos = buf[pos:pos + n], pos + n
        elif wire in (1, 5):
            n = 8 if wire == 1 else 4
            if pos + n > len(buf):
                raise DecodeError("truncated fixed-width field")
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise DecodeError(f"unsupported wire type {wire}")
        yield number, wire, value


def _signed64(n):
    return n - (1 << 64) if n >= 1 << 63 else n


class _Message:
    _fields_ = ()

    def SerializeToString(self, deterministic=None):  # noqa: N802 - protobuf's name
        """The protocol-buffer wire bytes."""
        return self._encode()

    @classmethod
    def FromString(cls, data):  # noqa: N802
        """A message parsed from wire bytes; DecodeError if they are malformed."""
        message = cls()
        message.ParseFromString(data)
        return message

    def ParseFromString(self, data):  # noqa: N802
        """Replaces this message's contents with the parsed `data`."""
        self.__init__()
        self._decode(bytes(data) if not isinstance(data, (bytes, memoryview)) else data)
        return len(data)

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    __hash__ = None


class _ListMessage(_Message):
    def __init__(self, value=()):
        self.value = [self._convert(v) for v in value]

    def _key(self):
        return tuple(self.value)

    def __repr__(self):
        return f"{type(self).__name__}(value={self.value!r})"


class BytesList(_ListMessage):
    """A list of byte strings (``str`` is UTF-8 encoded)."""

    @staticmethod
    def _convert(v):
        if isinstance(v, str):
            return v.encode("utf-8")
        if isinstance(v, (bytes, bytearray, memoryview, np.bytes_)):
            return bytes(v)
        raise TypeError(f"BytesList: {v!r} has type {type(v).__name__}, but expected one of: bytes")

    def _encode(self):
        return b"".join(_field(1, v) for v in self.value)

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            if number == 1 and wire == 2:
                self.value.append(bytes(value))


class FloatList(_ListMessage):
    """A list of float32 values."""

    @staticmethod
    def _convert(v):
        if isinstance(v, (bytes, str)):
            raise TypeError(f"FloatList: {v!r} has type {type(v).__name__}, but expected one of: int, float")
        return float(np.float32(v))

    def _encode(self):
        if not self.value:
            return b""
        return _field(1, np.asarray(self.value, dtype="<f4").tobytes())

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            if number == 1 and wire == 2:
                if len(value) % 4:
                    raise DecodeError("FloatList: packed data is not a multiple of 4 bytes")
                self.value.extend(np.frombuffer(value, dtype="<f4").astype(float).tolist())
            elif number == 1 and wire == 5:
                self.value.append(struct.unpack("<f", value)[0])


class Int64List(_ListMessage):
    """A list of int64 values."""

    @staticmethod
    def _convert(v):
        if isinstance(v, (bytes, str, float, np.floating)):
            raise TypeError(f"Int64List: {v!r} has type {type(v).__name__}, but expected one of: int")
        v = int(v)
        if not -(1 << 63) <= v < 1 << 63:
            raise ValueError(f"Int64List: value {v} is out of the int64 range")
        return v

    def _encode(self):
        if not self.value:
            return b""
        return _field(1, b"".join(_varint(v) for v in self.value))

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            if number == 1 and wire == 2:
                pos = 0
                while pos < len(value):
                    n, pos = _read_varint(value, pos)
                    self.value.append(_signed64(n))
            elif number == 1 and wire == 0:
                self.value.append(_signed64(value))


_KINDS = (("bytes_list", 1, BytesList), ("float_list", 2, FloatList), ("int64_list", 3, Int64List))


class Feature(_Message):
    """One of ``bytes_list``, ``float_list`` or ``int64_list``.

    Example:
        >>> Feature(int64_list=Int64List(value=[1, 2]))
    """

    def __init__(self, bytes_list=None, float_list=None, int64_list=None):
        given = [(name, v) for name, v in (("bytes_list", bytes_list), ("float_list", float_list),
                                           ("int64_list", int64_list)) if v is not None]
        if len(given) > 1:
            raise ValueError("Feature: set only one of bytes_list, float_list, int64_list; got "
                             f"{[name for name, _ in given]}")
        self._kind = given[0][0] if given else None
        self.bytes_list = bytes_list if bytes_list is not None else BytesList()
        self.float_list = float_list if float_list is not None else FloatList()
        self.int64_list = int64_list if int64_list is not None else Int64List()

    def WhichOneof(self, name):  # noqa: N802
        """The name of the set list (``"kind"`` is the oneof), or None."""
        return self._kind

    def HasField(self, name):  # noqa: N802
        """True if `name` is the set list."""
        return self._kind == name

    def _encode(self):
        for name, number, _ in _KINDS:
            if self._kind == name:
                return _field(number, getattr(self, name)._encode())
        return b""

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            for name, num, cls in _KINDS:
                if number == num and wire == 2:
                    setattr(self, name, cls.FromString(value))
                    self._kind = name

    def _key(self):
        return self._kind, getattr(self, self._kind)._key() if self._kind else None

    def __repr__(self):
        return f"Feature({self._kind}={getattr(self, self._kind)!r})" if self._kind else "Feature()"


class _MessageMap(_Message):
    """A protobuf map from string keys to messages of one type (`_value_type`), held in the attribute `_attr`."""

    _attr = _value_type = None

    def _items(self):
        return getattr(self, self._attr)

    def _encode(self):
        out = []
        name = type(self).__name__
        for key in sorted(self._items()):
            value = self._items()[key]
            if not isinstance(value, self._value_type):
                raise TypeError(f"{name}: {self._attr}[{key!r}] is a {type(value).__name__}, not a "
                                f"{self._value_type.__name__}")
            out.append(_field(1, _field(1, key.encode("utf-8")) + _field(2, value._encode())))
        return b"".join(out)

    def _decode(self, buf):
        for number, wire, entry in _fields(buf):
            if number != 1 or wire != 2:
                continue
            key, value = "", self._value_type()
            for n, w, v in _fields(entry):
                if n == 1 and w == 2:
                    key = bytes(v).decode("utf-8")
                elif n == 2 and w == 2:
                    value = self._value_type.FromString(v)
            self._items()[key] = value

    def _key(self):
        return tuple(sorted((k, v._key()) for k, v in self._items().items()))

    def __repr__(self):
        return f"{type(self).__name__}({self._attr}={self._items()!r})"


class Features(_MessageMap):
    """A map from feature name to Feature: ``Features(feature={"x": Feature(...)})``."""

    _attr, _value_type = "feature", Feature

    def __init__(self, feature=None):
        self.feature = dict(feature or {})


class Example(_Message):
    """A training example: ``Example(features=Features(feature={...}))``, serialized into TFRecord files.

    Example:
        >>> ex = Example(features=Features(feature={"y": Feature(int64_list=Int64List(value=[3]))}))
        >>> Example.FromString(ex.SerializeToString()) == ex
        True
    """

    def __init__(self, features=None):
        self.features = features if features is not None else Features()

    def _encode(self):
        return _field(1, self.features._encode())

    def _decode(self, buf):
        for number, wire, value in _fields(buf):
            if number == 1 and wire == 2:
                self.features = Features.FromString(value)

    def _key(self):
        return self.features._key()

    def __repr__(self):
        return f"Example(features={self.features!r})"
