"""``tf.types.experimental``: TraceType, the protocol of ``__tf_tracing_type__``."""
import abc

__all__ = ["TraceType"]


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
