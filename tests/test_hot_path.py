"""The C++ fast paths of the Python API give what the Python paths they replace gave: `.shape` (a TensorShape
filled by the core), `.dtype`, and dtype arguments resolved through the core's table instead of `as_dtype`.
(Seeds, resolved in C++ too, are pinned in test_random_pins.py.)"""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core
from pytensor.dtypes import _BY_NAME, as_dtype
from pytensor.tensor_shape import TensorShape


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (1, 0, 4), (2, 1, 2, 1, 2, 1, 2, 1), (70000,)])
def test_shape_is_a_tensor_shape_of_the_dims(shape):
    s = pt.zeros(shape).shape
    assert type(s) is TensorShape
    assert s == shape and tuple(s) == shape and len(s) == len(shape) and s.as_list() == list(shape)
    assert s.rank == len(shape) and s.num_elements() == int(np.prod(shape))
    assert all(type(d) is int for d in s)
    assert s[1:] == shape[1:] and type(s[1:]) is TensorShape
    assert hash(s) == hash(shape) and repr(s) == f"TensorShape({list(shape)})"


def test_shape_of_a_view_and_of_a_variable():
    t = pt.reshape(pt.range(24), (2, 3, 4))
    assert pt.transpose(t).shape == (4, 3, 2) and t[:, 1].shape == (2, 4)
    v = pt.Variable(np.zeros((5, 2), np.float32))
    assert type(v.shape) is TensorShape and v.shape == (5, 2) and v.dtype is pt.float32


def test_shape_and_dtype_are_read_only():
    t = pt.ones((2,))
    with pytest.raises(AttributeError):
        t.shape = (3,)
    with pytest.raises(AttributeError):
        t.dtype = pt.int32


def test_a_tensor_subclass_reads_shape_and_dtype():
    class Sub(pt.Tensor):
        pass

    s = Sub(pt.ones((2, 3), dtype=pt.int64))
    assert s.shape == (2, 3) and s.dtype is pt.int64


def test_an_uninitialised_subclass_is_a_type_error():
    class Broken(pt.Tensor):
        def __init__(self):
            pass  # never calls Tensor's __init__

    with pytest.raises(TypeError):
        Broken().shape


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float32", "float64"])
def test_dtype_is_the_dtype_object(dtype):
    assert pt.zeros((2,), dtype=dtype).dtype is as_dtype(dtype)


def _spellings():
    """Every spelling the core's table holds, and some it leaves to as_dtype."""
    spellings = list(_BY_NAME) + [bool, int, float]
    for name in ("bool", "uint8", "int32", "int64", "float32", "float64"):
        spellings += [np.dtype(name), np.dtype(name).type, as_dtype(name)]
    return spellings + [np.dtype("<f8"), np.dtype(">f4"), np.dtype(">i8"), np.dtype("=i4"), np.double, np.intc]


@pytest.mark.parametrize("spelling", _spellings(), ids=repr)
def test_dtype_arguments_resolve_as_as_dtype_does(spelling):
    want = as_dtype(spelling)
    assert pt.zeros((1,), dtype=spelling).dtype is want
    assert pt.cast(pt.ones((2,)), spelling).dtype is want
    assert _core.convert_to_tensor([1], dtype=spelling).dtype is want


@pytest.mark.parametrize("spelling,match", [("float8", "float8"), ("f4", "unknown dtype name 'f4'"),
                                            (np.longdouble, "float128 is not supported"),
                                            (np.dtype("M8[s]"), "datetime64"), (object(), "cannot interpret")])
def test_what_names_no_dtype_is_as_dtypes_type_error(spelling, match):
    with pytest.raises(TypeError, match=match):
        pt.zeros((1,), dtype=spelling)


def test_table_spellings_never_call_as_dtype():
    calls = []

    def spy(value):
        calls.append(value)
        return as_dtype(value)

    _core._register("as_dtype", spy)
    try:
        for spelling in _spellings()[:-6]:
            pt.zeros((1,), dtype=spelling)
        assert calls == []
        pt.zeros((1,), dtype=np.dtype(">f4"))  # not native byte order: as_dtype reads it
        assert len(calls) == 1
    finally:
        _core._register("as_dtype", as_dtype)


def test_shape_runs_no_python_constructor(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("TensorShape.__new__ ran")

    monkeypatch.setattr(TensorShape, "__new__", refuse)
    assert pt.ones((4, 1)).shape == (4, 1)
