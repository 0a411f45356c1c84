"""Protocol buffers' wire format, written and read by hand for the few TensorFlow messages a SavedModel holds
(no protobuf dependency). Field numbers are TensorFlow's (tensorflow/core/framework/*.proto,
tensorflow/core/protobuf/{meta_graph,saved_model,saver,tensor_bundle}.proto).

Writing: a message is a list of ``(field number, value)`` pairs, encoded by :func:`message` in that order; values
are built with the typed helpers (``varint_field``, ``bytes_field``, ``fixed32_field``, ...). Reading:
:class:`Message` parses bytes into fields by number, and its accessors decode them.
"""
import struct

__all__ = ["encode_varint", "message", "varint_field", "bytes_field", "string_field", "message_field",
           "fixed32_field", "float_field", "packed_varints", "map_entries", "Message", "DecodeError"]

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


class DecodeError(ValueError):
    """Bytes that are not a well-formed protocol buffer message."""


def encode_varint(value):
    """A non-negative or negative (two's complement, 10 bytes) int as a base-128 varint."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(number, wire_type):
    return encode_varint(number << 3 | wire_type)


def varint_field(number, value):
    """An int64 / int32 / bool / enum field."""
    return _key(number, _VARINT) + encode_varint(int(value))


def bytes_field(number, data):
    """A bytes, string or embedded-message field (length-delimited)."""
    return _key(number, _BYTES) + encode_varint(len(data)) + bytes(data)


def string_field(number, text):
    return bytes_field(number, text.encode("utf8"))


def message_field(number, fields):
    """An embedded message given as its encoded fields (a list of byte strings)."""
    return bytes_field(number, b"".join(fields))


def fixed32_field(number, value):
    return _key(number, _FIXED32) + struct.pack("<I", value)


def float_field(number, value):
    return _key(number, _FIXED32) + struct.pack("<f", value)


def packed_varints(number, values):
    """A repeated integer field, packed (proto3's default)."""
    return bytes_field(number, b"".join(encode_varint(int(v)) for v in values))


def map_entries(number, mapping, encode_value):
    """A ``map<string, V>`` field: one entry message (key 1, value 2) per item, keys sorted as protobuf does."""
    return [message_field(number, [string_field(1, key), bytes_field(2, encode_value(mapping[key]))])
            for key in sorted(mapping)]


def message(fields):
    return b"".join(fields)


def _read_varint(data, pos):
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise DecodeError("a varint runs past the end of the message")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


class Message:
    """A parsed message: ``fields[number]`` is the list of raw values (ints for varints and fixed fields, bytes for
    length-delimited ones) in the order they appear."""

    def __init__(self, data):
        data = bytes(data)
        self.fields = {}
        pos = 0
        while pos < len(data):
            key, pos = _read_varint(data, pos)
            number, wire_type = key >> 3, key & 7
            if wire_type == _VARINT:
                value, pos = _read_varint(data, pos)
            elif wire_type == _BYTES:
                size, pos = _read_varint(data, pos)
                if pos + size > len(data):
                    raise DecodeError(f"field {number} runs past the end of the message")
                value, pos = data[pos: pos + size], pos + size
            elif wire_type == _FIXED32:
                if pos + 4 > len(data):
                    raise DecodeError(f"field {number} runs past the end of the message")
                value, pos = struct.unpack_from("<I", data, pos)[0], pos + 4
            elif wire_type == _FIXED64:
                if pos + 8 > len(data):
                    raise DecodeError(f"field {number} runs past the end of the message")
                value, pos = struct.unpack_from("<Q", data, pos)[0], pos + 8
            else:
                raise DecodeError(f"field {number} has the unsupported wire type {wire_type}")
            if number == 0:
                raise DecodeError("field number 0")
            self.fields.setdefault(number, []).append(value)

    def has(self, number):
        return number in self.fields

    def _checked(self, number, values, kind):
        """`values` of field `number`, raising DecodeError when one has the other kind of wire encoding (a damaged
        message) than `kind` (bytes for length-delimited fields, int for the others)."""
        for value in values:
            if not isinstance(value, kind):
                raise DecodeError(f"field {number} is {'length-delimited' if kind is int else 'a number'} where "
                                  f"{'a number' if kind is int else 'length-delimited data'} is expected")
        return values

    def int(self, number, default=0):
        """A varint field's last value, as a signed 64-bit int."""
        values = self._checked(number, self.fields.get(number, ()), int)
        if not values:
            return default
        value = values[-1]
        return value - (1 << 64) if value >= 1 << 63 else value

    def ints(self, number):
        """A repeated integer field, packed or not, as signed 64-bit ints."""
        out = []
        for value in self.fields.get(number, ()):
            if isinstance(value, bytes):
                pos = 0
                while pos < len(value):
                    v, pos = _read_varint(value, pos)
                    out.append(v)
            else:
                out.append(value)
        return [v - (1 << 64) if v >= 1 << 63 else v for v in out]

    def float(self, number, default=0.0):
        values = self._checked(number, self.fields.get(number, ()), int)
        return struct.unpack("<f", struct.pack("<I", values[-1] & 0xFFFFFFFF))[0] if values else default

    def bytes(self, number, default=b""):
        values = self._checked(number, self.fields.get(number, ()), bytes)
        return values[-1] if values else default

    def string(self, number, default=""):
        try:
            return self.bytes(number, default.encode()).decode("utf8")
        except UnicodeDecodeError:
            raise DecodeError(f"field {number} is not UTF-8 text") from None

    def repeated_bytes(self, number):
        return list(self._checked(number, self.fields.get(number, ()), bytes))

    def message(self, number):
        """An embedded message (empty when absent)."""
        return Message(self.bytes(number))

    def messages(self, number):
        return [Message(v) for v in self.repeated_bytes(number)]

    def map(self, number):
        """A ``map<string, message>`` field as {key: Message}."""
        return {entry.string(1): entry.message(2) for entry in self.messages(number)}
