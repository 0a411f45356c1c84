"""Exception classes, as ``tf.errors``."""

from . import _core


class OpError(Exception):
    """Base class of errors raised by ops."""


class InvalidArgumentError(OpError, ValueError):
    """An op got an invalid argument (bad shape, axis, value). Also a ValueError."""


class DataLossError(OpError, OSError):
    """A file is corrupt or truncated (a bad TFRecord CRC, a cut-off record). Also an OSError."""


class UnimplementedError(OpError, NotImplementedError):
    """The operation is not built in this configuration (e.g. CUDA off)."""


class NotFoundError(OpError, KeyError):
    """A requested entity was not found (a key a checkpoint does not hold). Also a KeyError."""


class FailedPreconditionError(OpError):
    """The operation needs state that is not there yet: a TF1 session read a variable it has not initialised."""


class OperatorNotAllowedInGraphError(TypeError):
    """A traced (symbolic) tensor was used as a Python value (``bool``, ``if``, iteration) inside ``tf.function``."""


class _SymbolicTensorToNumpyError(NotImplementedError):
    """``np.asarray`` of a traced (symbolic) tensor inside ``tf.function``: TF raises NotImplementedError there."""


_core._set_error_types(InvalidArgumentError, UnimplementedError)
_core._register("OperatorNotAllowedInGraphError", OperatorNotAllowedInGraphError)
_core._register("SymbolicTensorToNumpyError", _SymbolicTensorToNumpyError)
