"""``tf.types.experimental``: TraceType (the protocol of ``__tf_tracing_type__``), the abstract types of
functions that tf.function objects and their concrete functions are instances of, and TensorLike."""
import abc
import typing

import numpy as np

from .._tensor_api import Tensor, Variable

__all__ = ["TraceType", "Callable", "GenericFunction", "PolymorphicFunction", "ConcreteFunction", "AtomicFunction",
           "TracingContext", "SupportsTracingProtocol", "FunctionType", "TensorLike"]


class TraceType(abc.ABC):
    """How ``tf.function`` sees an argument whose class defines ``__tf_tracing_type__(context)``: calls whose
    arguments have equal trace types (``__eq__`` and ``__hash__``) share one traced graph, as in TF.

    Example:
        >>> class FruitType(pt.types.experimental.TraceType):
        ...     def __init__(self, fruit): self.kind = type(fruit)
        ...     def is_subtype_of(self, other): return self == other
        ...     def most_specific_common_supertype(self, others): return self if all(map(self.__eq__, others)) else None
        ...     def placeholder_value(self, placeholder_context=None): return None
        ...     def __eq__(self, other): return type(other) is FruitType and other.kind is self.kind
        ...     def __hash__(self): return hash(self.kind)
    """

    @abc.abstractmethod
    def is_subtype_of(self, other):
        """True when every value of this type is also one of `other`."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others):
        """The most specific type that this one and every one of `others` are subtypes of, or None."""

    @abc.abstractmethod
    def placeholder_value(self, placeholder_context=None):
        """A value of this type to trace with."""

    @abc.abstractmethod
    def __eq__(self, other):
        """Equal trace types share a traced graph."""

    @abc.abstractmethod
    def __hash__(self):
        """Consistent with __eq__."""


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


class TracingContext(abc.ABC):
    """What a value's ``__tf_tracing_type__`` receives."""


class SupportsTracingProtocol(abc.ABC):
    """Values that tell tf.function their trace type (``__tf_tracing_type__``)."""

    @classmethod
    def __subclasshook__(cls, other):
        return True if hasattr(other, "__tf_tracing_type__") else NotImplemented


class FunctionType(abc.ABC):
    """The signature of a traced function."""


TensorLike = typing.Union[Tensor, Variable, np.ndarray, np.generic, int, float, bool, str, bytes, complex, list,
                          tuple]


def _register_functions():
    from .._function import ConcreteFunction as _Concrete
    from .._function import Function as _Function

    PolymorphicFunction.register(_Function)
    ConcreteFunction.register(_Concrete)


_register_functions()
