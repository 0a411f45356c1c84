"""``tf.compat``: ``v1`` (TensorFlow 1's graph API, on pytensor's graphs), ``v2`` (pytensor itself) and the
bytes/text helpers."""

import importlib as _importlib

from .._missing import missing_attribute_hook as _missing_attribute_hook


def as_bytes(bytes_or_text, encoding="utf-8"):
    """`bytes_or_text` as bytes (text encoded with `encoding`)."""
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """`bytes_or_text` as str (bytes decoded with `encoding`)."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text
_getattr_missing = _missing_attribute_hook(__name__)


def __getattr__(name):
    if name == "v1":
        return _importlib.import_module(".v1", __name__)
    if name == "v2":
        return _importlib.import_module("pytensor")
    return _getattr_missing(name)
