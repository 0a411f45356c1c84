"""``tf.experimental``: ``Optional`` (a value or nothing), DLPack exchange (``tf.experimental.dlpack``), TF's NumPy
API (``tf.experimental.numpy``, imported on first use) and the
asynchronous-execution switches (pytensor runs ops synchronously, so an async scope changes nothing and there is
never a pending error to clear)."""

import contextlib

from . import dlpack  # noqa: F401

__all__ = ["Optional", "dlpack", "numpy", "async_scope", "async_clear_error"]


class Optional:
    """A value that may be absent (``tf.experimental.Optional``): ``Optional.from_value(v)`` or
    ``Optional.empty(element_spec)``."""

    def __init__(self, value, has_value, element_spec):
        self._value, self._has_value, self._element_spec = value, has_value, element_spec

    @classmethod
    def from_value(cls, value):
        """An Optional holding `value` (a tensor or a nested structure of them)."""
        from .. import nest
        from .._type_spec import type_spec_from_value

        return cls(value, True, nest.map_structure(type_spec_from_value, value))

    @classmethod
    def empty(cls, element_spec):
        """An Optional of the given spec holding nothing."""
        return cls(None, False, element_spec)

    def has_value(self, name=None):
        """A boolean scalar tensor: whether a value is held."""
        from .. import _core

        return _core.constant(self._has_value)

    def get_value(self, name=None):
        """The held value; InvalidArgumentError when empty."""
        from ..errors import InvalidArgumentError

        if not self._has_value:
            raise InvalidArgumentError("Optional.get_value: the optional has no value")
        return self._value

    @property
    def element_spec(self):
        return self._element_spec


@contextlib.contextmanager
def async_scope():
    """TF's asynchronous-execution scope: pytensor's ops are synchronous, so the block runs as it is."""
    yield


def async_clear_error():
    """Clears a pending asynchronous error: pytensor's ops raise where they run, so there is none."""


def __getattr__(name):
    if name == "numpy":  # imported on first use: it is large, and most programs never touch it
        import importlib

        return importlib.import_module(".numpy", __name__)
    from .._missing import missing_attribute_error

    raise missing_attribute_error(__name__, name)
