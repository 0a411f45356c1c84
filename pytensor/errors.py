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


class FailedPreconditionError(OpError):
    """The operation needs state that is not there yet: a TF1 session read a variable it has not initialised."""


class CancelledError(OpError):
    """An operation was cancelled (a queue closed with cancel_pending_enqueues)."""


class UnknownError(OpError):
    """An error of unknown kind."""


class DeadlineExceededError(OpError):
    """An operation ran past its deadline (a queue operation's timeout)."""


class NotFoundError(OpError):
    """A requested file, key or entity was not found."""


class AlreadyExistsError(OpError):
    """An entity that should be created already exists (a profiling session already running)."""


class PermissionDeniedError(OpError):
    """The caller may not run the operation."""


class ResourceExhaustedError(OpError):
    """A resource (memory, a quota) ran out."""


class AbortedError(OpError):
    """An operation was aborted (usually a concurrency conflict)."""


class OutOfRangeError(OpError):
    """An operation went past the valid range: an exhausted iterator, a closed and empty queue."""


class InternalError(OpError):
    """An internal invariant broke: a bug in pytensor."""


class UnavailableError(OpError):
    """The service is unavailable right now (no profiling session to stop)."""


class UnauthenticatedError(OpError):
    """The request has no valid credentials."""


# TF's status codes, and the class of each
(OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
 RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS,
 UNAUTHENTICATED) = range(17)


class OperatorNotAllowedInGraphError(TypeError):
    """A traced (symbolic) tensor was used as a Python value (``bool``, ``if``, iteration) inside ``tf.function``."""


class _SymbolicTensorToNumpyError(NotImplementedError):
    """``np.asarray`` of a traced (symbolic) tensor inside ``tf.function``: TF raises NotImplementedError there."""


for _code, _cls in ((CANCELLED, CancelledError), (UNKNOWN, UnknownError), (INVALID_ARGUMENT, InvalidArgumentError),
                    (DEADLINE_EXCEEDED, DeadlineExceededError), (NOT_FOUND, NotFoundError),
                    (ALREADY_EXISTS, AlreadyExistsError), (PERMISSION_DENIED, PermissionDeniedError),
                    (RESOURCE_EXHAUSTED, ResourceExhaustedError), (FAILED_PRECONDITION, FailedPreconditionError),
                    (ABORTED, AbortedError), (OUT_OF_RANGE, OutOfRangeError), (UNIMPLEMENTED, UnimplementedError),
                    (INTERNAL, InternalError), (UNAVAILABLE, UnavailableError), (DATA_LOSS, DataLossError),
                    (UNAUTHENTICATED, UnauthenticatedError)):
    _cls.error_code = _code


def exception_type_from_error_code(error_code):
    """The exception class of a TF status code."""
    for cls in OpError.__subclasses__():
        if getattr(cls, "error_code", None) == error_code:
            return cls
    raise KeyError(f"exception_type_from_error_code: no error class has code {error_code}")


def error_code_from_exception_type(cls):
    """The TF status code of an exception class."""
    return cls.error_code


_core._set_error_types(InvalidArgumentError, UnimplementedError, NotFoundError, ResourceExhaustedError)
_core._register("OperatorNotAllowedInGraphError", OperatorNotAllowedInGraphError)
_core._register("SymbolicTensorToNumpyError", _SymbolicTensorToNumpyError)
