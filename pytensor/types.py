"""``tf.types``: the abstract types TF programs annotate and check against (``tf.types.experimental``)."""

import abc
import types as _python_types
import typing

import numpy as np

from ._tensor_api import Tensor, Variable

__all__ = ["experimental"]


class Callable(abc.ABC):
    """Something called like a function of tensors (tf.function objects and their concrete functions)."""

    @abc.abstractmethod
    def __call__(self, *args, **kwargs):
        """Runs the function."""


class GenericFunction(Callable):
    """A function traced for each new input signature (``tf.function``'s result)."""


class PolymorphicFunction(GenericFunction):
    """TF 2.15+'s name for a ``tf.function`` object."""


class ConcreteFunction(Callable):
    """One traced graph with a fixed input signature."""


class AtomicFunction(Callable):
    """A single graph function without Python wrapping."""


class TraceType(abc.ABC):
    """The type tf.function's retracing rules compare arguments by."""


class TracingContext(abc.ABC):
    """What a value's ``__tf_tracing_type__`` receives."""


class SupportsTracingProtocol(abc.ABC):
    """Values that tell tf.function their trace type (``__tf_tracing_type__``)."""

    @classmethod
    def __subclasshook__(cls, other):
        return True if hasattr(other, "__tf_tracing_type__") else NotImplemented


class FunctionType(abc.ABC):
    """The signature of a traced function."""


def _register_functions():
    from ._function import ConcreteFunction as _Concrete
    from ._function import Function as _Function

    PolymorphicFunction.register(_Function)
    ConcreteFunction.register(_Concrete)


_register_functions()

TensorLike = typing.Union[Tensor, Variable, np.ndarray, np.generic, int, float, bool, str, bytes, complex, list,
                          tuple]

experimental = _python_types.SimpleNamespace(
    Callable=Callable, GenericFunction=GenericFunction, PolymorphicFunction=PolymorphicFunction,
    ConcreteFunction=ConcreteFunction, AtomicFunction=AtomicFunction, TraceType=TraceType,
    TracingContext=TracingContext, SupportsTracingProtocol=SupportsTracingProtocol, FunctionType=FunctionType,
    TensorLike=TensorLike)
