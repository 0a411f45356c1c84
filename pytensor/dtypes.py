"""Dtype objects (``pt.float32`` ...) that compare equal to numpy dtypes and names."""

from . import _core

__all__ = ["DType", "as_dtype", "bool", "uint8", "int32", "int64", "float32", "float64"]

_builtin_bool = bool


class DType:
    """An element type, as ``tf.DType``: ``pt.float32.name == "float32"``.

    Example:
        >>> pt.float32 == np.float32
        True
    """

    __slots__ = ("_name", "_index")

    def __init__(self, name, index):
        self._name = name
        self._index = index

    @property
    def name(self):
        return self._name

    @property
    def as_numpy_dtype(self):
        import numpy as np
        return np.dtype(self._name).type

    @property
    def is_floating(self):
        return self._name in ("float32", "float64")

    @property
    def is_integer(self):
        return self._name in ("uint8", "int32", "int64")

    @property
    def is_bool(self):
        return self._name == "bool"

    @property
    def is_unsigned(self):
        return self._name in ("uint8", "bool")

    @property
    def size(self):
        return {"bool": 1, "uint8": 1, "int32": 4, "int64": 8, "float32": 4, "float64": 8}[self._name]

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        import numpy as np
        return _builtin_bool(False) if self.is_bool else (np.finfo if self.is_floating else np.iinfo)(self._name).min

    @property
    def max(self):
        import numpy as np
        return _builtin_bool(True) if self.is_bool else (np.finfo if self.is_floating else np.iinfo)(self._name).max

    def __repr__(self):
        return f"pt.{self._name}"

    def __str__(self):
        return f"<dtype: '{self._name}'>"

    def __eq__(self, other):
        if other is self:
            return True
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __reduce__(self):
        return as_dtype, (self._name,)


bool = DType("bool", 0)  # noqa: A001 - TF's name
uint8 = DType("uint8", 1)
int32 = DType("int32", 2)
int64 = DType("int64", 3)
float32 = DType("float32", 4)
float64 = DType("float64", 5)

double = float64  # TF's alias

_ALL = (bool, uint8, int32, int64, float32, float64)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "int": int32, "long": int64})


def as_dtype(value):
    """Returns the DType for a DType, a name, a numpy dtype or type, or a Python type."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        try:
            return _BY_NAME[value]
        except KeyError:
            raise TypeError(f"unknown dtype name {value!r}; expected one of {sorted(_BY_NAME)}") from None
    if value is _builtin_bool:
        return bool
    if value is int:
        return int32
    if value is float:
        return float32
    import numpy as np
    try:
        name = np.dtype(value).name
    except TypeError:
        raise TypeError(f"cannot interpret {value!r} as a dtype") from None
    try:
        return _BY_NAME[name]
    except KeyError:
        raise TypeError(f"dtype {name} is not supported; pytensor supports "
                        "bool, uint8, int32, int64, float32 and float64") from None


def cast(x, dtype, name=None):
    """`x` converted to `dtype` (floats to integers truncate toward zero), as ``tf.dtypes.cast``."""
    return _core.cast(x, dtype)


def saturate_cast(value, dtype, name=None):
    """`value` clipped to the range of `dtype`, then cast (no wrap-around), as ``tf.dtypes.saturate_cast``."""
    import numpy as np

    target = as_dtype(dtype)
    value = value if isinstance(value, _core.Tensor) else _core.convert_to_tensor(value)
    source = as_dtype(value.dtype)
    if target.is_bool or source.is_bool:
        return _core.cast(value, target)
    low, high = target.min, target.max
    if source.is_floating:
        low, high = max(low, source.min), min(high, source.max)
        # the source's representable bounds inside the target's range, so the clipped value casts without overflow
        inside = lambda bound, limit: (float(np.nextafter(np.array(bound, source.name), 0))  # noqa: E731
                                       if abs(float(np.array(bound, source.name))) > abs(limit) else float(bound))
        low, high = inside(low, low), inside(high, high)
    else:
        low, high = max(int(low), int(source.min)), min(int(high), int(source.max))
    return _core.cast(_core.clip_by_value(value, _core.constant(low, source), _core.constant(high, source)), target)


def _aliases():
    """(spelling, DType) pairs the core resolves dtype arguments with, without calling ``as_dtype``."""
    import numpy as np
    pairs = list(_BY_NAME.items()) + [(_builtin_bool, bool), (int, int32), (float, float32)]
    for d in _ALL:
        pairs += [(np.dtype(d.name), d), (np.dtype(d.name).type, d)]
    return pairs


_core._set_dtype_objects(list(_ALL))
_core._set_dtype_aliases(_aliases())
_core._register("as_dtype", as_dtype)
