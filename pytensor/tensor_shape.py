"""TensorShape, as ``tf.TensorShape``: a tuple of dimensions (None for unknown ones)."""


class TensorShape(tuple):
    """The shape of a tensor. A tuple subclass, so ``t.shape == (2, 3)`` and unpacking work.

    Example:
        >>> pt.ones((2, 3)).shape.as_list()
        [2, 3]
    """

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None:
            return tuple.__new__(_UnknownShape)
        if isinstance(dims, TensorShape):
            return dims
        if isinstance(dims, int):
            dims = (dims,)
        return tuple.__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return self.rank

    @property
    def dims(self):
        return list(self)

    def as_list(self):
        return list(self)

    def num_elements(self):
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self):
        return all(d is not None for d in self)

    def is_compatible_with(self, other):
        """True if the shapes could be the same: equal ranks and equal dimensions wherever both are known."""
        other = TensorShape(other)
        if other.rank is None:
            return True
        return len(self) == len(other) and all(a is None or b is None or a == b for a, b in zip(self, other))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return TensorShape(tuple.__getitem__(self, key))
        return tuple.__getitem__(self, key)

    def __add__(self, other):
        return TensorShape(tuple(self) + tuple(TensorShape(other)))

    def concatenate(self, other):
        return self + other

    def __reduce__(self):
        return TensorShape, (self.dims,)

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        if len(self) == 1:
            return f"({self[0]},)"
        return "(" + ", ".join(str(d) for d in self) + ")"


class _UnknownShape(TensorShape):
    """A shape of unknown rank (``TensorShape(None)``)."""

    __slots__ = ()

    @property
    def rank(self):
        return None

    @property
    def dims(self):
        return None

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self):
        return None

    def is_fully_defined(self):
        return False

    def is_compatible_with(self, other):
        return True

    def __len__(self):
        raise ValueError("Cannot take the length of a shape with unknown rank.")

    def __repr__(self):
        return "TensorShape(None)"

    def __str__(self):
        return "<unknown>"
