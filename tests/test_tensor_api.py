"""The Python face of tensors and variables: conversion, printing, operators, numpy / DLPack interop, errors."""
import gc

import numpy as np
import pytest

import pytensor as pt
from pytensor import _core


# ---- conversion ----

@pytest.mark.parametrize("value, dtype, shape", [
    (1.5, pt.float32, ()),
    (3, pt.int32, ()),
    (True, pt.bool, ()),
    (2 ** 40, pt.int64, ()),
    ([1.0, 2.0], pt.float32, (2,)),
    ([[1, 2, 3], [4, 5, 6]], pt.int32, (2, 3)),
    ([[True], [False]], pt.bool, (2, 1)),
    ([1, 2.5], pt.float32, (2,)),
    ([], pt.float32, (0,)),
])
def test_constant_from_python(value, dtype, shape):
    t = pt.constant(value)
    assert t.dtype == dtype
    assert t.shape == shape
    np.testing.assert_array_equal(t.numpy(), np.array(value, dtype=dtype.as_numpy_dtype))


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_])
def test_constant_keeps_numpy_dtype(np_dtype):
    a = (np.arange(12).reshape(3, 4) % 5).astype(np_dtype)
    t = pt.constant(a)
    assert t.dtype == np_dtype
    np.testing.assert_array_equal(t.numpy(), a)


def test_constant_copies_numpy_and_reads_strided_views():
    a = np.arange(24, dtype=np.float64).reshape(4, 6)
    view = a[::-2, 1::2]
    t = pt.constant(view)
    np.testing.assert_array_equal(t.numpy(), view)
    a[:] = -1  # the tensor owns a copy
    assert t.numpy()[0, 0] == 19.0


def test_constant_dtype_and_shape_arguments():
    np.testing.assert_array_equal(pt.constant(7, shape=(2, 3)).numpy(), np.full((2, 3), 7, np.int32))
    np.testing.assert_array_equal(pt.constant([1, 2, 3, 4], shape=(2, 2)).numpy(), [[1, 2], [3, 4]])
    t = pt.constant([1, 2], dtype=pt.float64)
    assert t.dtype == pt.float64
    assert pt.constant(np.array([1.5, 2.5]), dtype="float32").dtype == pt.float32
    with pytest.raises(TypeError, match="float"):
        pt.constant([1.5], dtype=pt.int32)
    with pytest.raises(ValueError, match="cannot fill shape"):
        pt.constant([1, 2, 3], shape=(2, 2))


@pytest.mark.parametrize("value, message", [
    ([[1, 2], [3]], "Can't convert non-rectangular Python sequence to Tensor."),
    ([[1, 2], 3], "Can't convert non-rectangular Python sequence to Tensor."),
    ([[[1]], [2]], "Can't convert non-rectangular Python sequence to Tensor."),
    ([1, [2]], "Can't convert Python sequence with mixed types to Tensor."),
    ([1, [2, 3]], "Can't convert Python sequence with mixed types to Tensor.")])
def test_ragged_list_is_rejected_with_tfs_value_error(value, message):
    """TF 2.21's class (a plain ValueError) and the sentence it starts its message with."""
    for convert in (pt.constant, pt.convert_to_tensor):
        with pytest.raises(ValueError) as err:
            convert(value)
        assert type(err.value) is ValueError and str(err.value).startswith(message)


def test_convert_to_tensor_passes_tensors_through_and_checks_dtype():
    t = pt.constant([1.0])
    assert pt.convert_to_tensor(t) is not None
    assert pt.convert_to_tensor(t)._id == t._id
    with pytest.raises(TypeError, match="float64"):
        pt.convert_to_tensor(t, dtype=pt.float64)
    assert pt.convert_to_tensor([1, 2], dtype_hint=pt.float32).dtype == pt.float32
    assert pt.convert_to_tensor([1.5], dtype_hint=pt.int32).dtype == pt.float32


def test_list_of_tensors_is_packed():
    t = pt.constant([pt.constant([1.0, 2.0]), pt.constant([3.0, 4.0])])
    np.testing.assert_array_equal(t.numpy(), [[1, 2], [3, 4]])


def test_unsupported_numpy_dtype_names_the_fix():
    with pytest.raises(TypeError, match="astype"):
        pt.constant(np.zeros(3, np.longdouble))


# ---- dtypes and shapes ----

def test_dtype_objects_interoperate_with_numpy():
    assert pt.float32 == np.float32
    assert pt.float32 == np.dtype("float32")
    assert pt.float32 == "float32"
    assert pt.int64 != pt.int32
    assert pt.as_dtype(np.uint8) is pt.uint8
    assert pt.float64.as_numpy_dtype is np.float64
    assert pt.bool.name == "bool"
    assert pt.float32.is_floating and not pt.int32.is_floating
    assert pt.as_dtype(np.complex64) is pt.complex64
    with pytest.raises(TypeError):
        pt.as_dtype(np.longdouble)


def test_tensor_shape():
    t = pt.ones((2, 3)) if hasattr(pt, "ones") else pt.constant(np.ones((2, 3), np.float32))
    assert t.shape == (2, 3)
    assert t.shape.as_list() == [2, 3]
    assert t.shape.rank == 2
    assert t.shape[1:] == pt.TensorShape([3])
    assert isinstance(t.shape[1:], pt.TensorShape)
    assert repr(t.shape) == "TensorShape([2, 3])"
    assert str(pt.TensorShape([5])) == "(5,)"
    assert pt.TensorShape([None, 4]).is_fully_defined() is False
    assert pt.TensorShape(None).rank is None
    assert t.ndim == 2


# ---- printing ----

def test_str_has_tf_layout():
    t = pt.constant([[1.0], [1.0]])
    assert str(t) == "pt.Tensor(\n[[1.]\n [1.]], shape=(2, 1), dtype=float32)"
    assert str(pt.constant([1.0, 2.0])) == "pt.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert str(pt.constant(3)) == "pt.Tensor(3, shape=(), dtype=int32)"


def test_repr_shows_numpy():
    r = repr(pt.constant([[2.0, 4.0]]))
    assert r == "<pt.Tensor: shape=(1, 2), dtype=float32, numpy=array([[2., 4.]], dtype=float32)>"


def test_variable_repr():
    v = pt.Variable([1.0, 2.0], name="w")
    assert repr(v) == "<pt.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    # TF 2.21: <tf.Variable 'train_me:0' shape=() dtype=float32, numpy=5.0>
    assert repr(pt.Variable(5.0, name="train_me")) == "<pt.Variable 'train_me:0' shape=() dtype=float32, numpy=5.0>"


# ---- operators ----

def test_operators_match_numpy():
    a_np = np.array([[1.0, -2.0], [3.5, 4.0]], np.float32)
    b_np = np.array([2.0, 3.0], np.float32)
    a, b = pt.constant(a_np), pt.constant(b_np)
    for got, want in [(a + b, a_np + b_np), (a - b, a_np - b_np), (a * b, a_np * b_np), (a / b, a_np / b_np),
                      (a // b, a_np // b_np), (a % b, a_np % b_np), (a ** 2, a_np ** 2), (-a, -a_np),
                      (abs(a), np.abs(a_np)), (2 - a, 2 - a_np), (1 / a, 1 / a_np), (2 ** b, 2 ** b_np),
                      (a < b, a_np < b_np), (a >= 1, a_np >= 1), (a == b, a_np == b_np), (a != 1, a_np != 1),
                      (a_np + b, a_np + b_np), (b * a_np, b_np * a_np)]:
        assert isinstance(got, pt.Tensor)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_python_numbers_adapt_to_the_tensor_dtype():
    assert (pt.constant([1.0], dtype=pt.float64) + 1).dtype == pt.float64
    assert (pt.constant([1, 2]) * 2).dtype == pt.int32
    assert (pt.constant([1, 2], dtype=pt.int64) + 1).dtype == pt.int64
    with pytest.raises(TypeError, match="float"):
        pt.constant([1, 2]) + 1.5


def test_mixed_dtypes_raise_naming_both():
    with pytest.raises(TypeError, match="float32.*float64|float64.*float32"):
        pt.constant([1.0]) + pt.constant([1.0], dtype=pt.float64)
    with pytest.raises(TypeError, match="int32"):
        pt.add(pt.constant([1.0]), pt.constant([1]))


def test_incompatible_broadcast_is_invalid_argument():
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"add.*\(2, 3\).*\(4,\)"):
        pt.constant(np.ones((2, 3), np.float32)) + pt.constant(np.ones(4, np.float32))
    assert issubclass(pt.errors.InvalidArgumentError, ValueError)


def test_logical_operators():
    x = pt.constant([True, False, True])
    y = pt.constant([True, True, False])
    np.testing.assert_array_equal((x & y).numpy(), [True, False, False])
    np.testing.assert_array_equal((x | y).numpy(), [True, True, True])
    np.testing.assert_array_equal((x ^ y).numpy(), [False, True, True])
    np.testing.assert_array_equal((~x).numpy(), [False, True, False])


def test_equality_with_none_and_incompatible_shapes():
    t = pt.constant([1.0, 2.0])
    assert (t == None) is False  # noqa: E711 - TF's semantics
    assert (t != None) is True  # noqa: E711
    assert (t == pt.constant([1.0, 2.0, 3.0])) is False


def test_tensors_are_immutable_and_unhashable():
    t = pt.constant([[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(TypeError, match="does not support item assignment"):
        t[0, 0] = 0.0
    with pytest.raises(TypeError):
        hash(t)
    assert {t.ref(): 1}[t.ref()] == 1


def test_scalar_conversions():
    assert float(pt.constant(2.5)) == 2.5
    assert int(pt.constant(7)) == 7
    assert bool(pt.constant(True)) is True
    assert [10, 20, 30][pt.constant(1)] == 20
    with pytest.raises(ValueError, match="exactly one element"):
        bool(pt.constant([1.0, 2.0]))
    assert len(pt.constant([1, 2, 3])) == 3
    with pytest.raises(TypeError):
        len(pt.constant(1))


# ---- numpy and DLPack interop ----

def test_numpy_shares_memory():
    t = pt.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    a = t.numpy()
    b = np.asarray(t)
    assert a.__array_interface__["data"][0] == t._data_ptr()
    assert b.__array_interface__["data"][0] == t._data_ptr()
    assert np.shares_memory(a, b)


def test_numpy_keeps_storage_alive():
    a = pt.constant(np.arange(1000, dtype=np.float64)).numpy()
    gc.collect()
    assert a[999] == 999.0


def test_dlpack_to_numpy_without_copy():
    t = pt.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    a = np.from_dlpack(t)
    assert a.__array_interface__["data"][0] == t._data_ptr()
    np.testing.assert_array_equal(a, np.arange(12).reshape(3, 4))
    assert t.__dlpack_device__() == (1, 0)


def test_dlpack_from_numpy_without_copy():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    t = _core.from_dlpack(a)
    assert t._data_ptr() == a.__array_interface__["data"][0]
    np.testing.assert_array_equal(t.numpy(), a)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_])
def test_dlpack_round_trip_dtypes(dtype):
    a = (np.arange(6) % 2).astype(dtype)
    np.testing.assert_array_equal(np.from_dlpack(pt.constant(a)), a)


def test_memory_is_released():
    gc.collect()
    before = _core.live_bytes()
    t = pt.constant(np.ones((256, 256), np.float32))
    assert _core.live_bytes() >= before + 256 * 256 * 4
    del t
    gc.collect()
    assert _core.live_bytes() == before


# ---- variables ----

def test_variable_assign_family():
    v = pt.Variable([1.0, 2.0])
    assert v.trainable and v.name == "Variable:0"
    v.assign([3.0, 4.0])
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
    v.assign_add(pt.constant([1.0, 1.0]))
    v.assign_sub([0.5, 0.5])
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    np.testing.assert_array_equal((v * 2).numpy(), [7.0, 9.0])
    np.testing.assert_array_equal((2 * v).numpy(), [7.0, 9.0])
    assert v.shape == (2,) and v.dtype == pt.float32
    # TF's class and words (recorded from TF 2.21 in tests/programs/tf_results.json, guide/variable)
    with pytest.raises(ValueError, match=r"^Cannot assign value to variable ' Variable:0': Shape mismatch.The "
                                         r"variable shape \(2,\), and the assigned value shape \(3,\) are incompatible.$"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="float"):
        pt.Variable([1, 2]).assign([1.5, 2.5])


def test_variable_reads_are_snapshots():
    v = pt.Variable([1.0, 2.0])
    before = v.read_value()
    v.assign_add([10.0, 10.0])
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [11.0, 12.0])


def test_variable_takes_over_a_fresh_tensor_and_copies_before_writing_a_shared_one():
    # A Variable made from a dense tensor of the library's own memory keeps that buffer instead of copying it (an
    # optimizer slot's zeros are written once, not twice); a write copies first while the tensor is still held.
    gc.collect()
    zero = pt.constant(0.0)
    _core.reset_peak_bytes()
    before = _core.live_bytes()
    v = pt.Variable(pt.fill((512, 512), zero))
    assert _core.peak_bytes() - before == 512 * 512 * 4  # one buffer: the fill's (a copy would make it two)
    held = pt.fill((2, 3), pt.constant(1.0))
    w = pt.Variable(held)
    w.assign_add(pt.ones((2, 3)))
    v.assign_add(pt.ones((512, 512)))
    np.testing.assert_array_equal(held.numpy(), np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(w.numpy(), np.full((2, 3), 2.0, np.float32))
    assert float(pt.reduce_sum(v).numpy()) == 512 * 512


def test_variable_of_numpy_memory_or_a_view_is_a_copy():
    # Borrowed memory (a numpy array) and views of a larger block are copied: writes never reach the source.
    a = np.arange(6, dtype=np.float32)
    v = pt.Variable(pt.constant(a))
    v.assign_add(pt.ones(6))
    np.testing.assert_array_equal(a, np.arange(6, dtype=np.float32))
    base = pt.constant(np.arange(12, dtype=np.float32).reshape(3, 4)) * 1.0
    row = pt.Variable(base[1])
    row.assign(pt.zeros(4))
    np.testing.assert_array_equal(base.numpy()[1], [4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(row.numpy(), np.zeros(4, np.float32))


def test_variable_numpy_is_a_copy():
    v = pt.Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 100.0
    assert v.numpy()[0] == 1.0


def test_variable_trainable_and_name():
    v = pt.Variable(3.0, trainable=False, name="counter")
    assert v.trainable is False and v.name == "counter:0"
    v.trainable = True
    assert v.trainable


def test_scalars_print_as_tf_prints_them():
    # TF 2.21: tf.Tensor(5.0, shape=(), dtype=float32) and <tf.Tensor: shape=(), dtype=float32, numpy=5.0>
    assert str(pt.constant(5.0)) == "pt.Tensor(5.0, shape=(), dtype=float32)"
    assert repr(pt.constant(5.0)) == "<pt.Tensor: shape=(), dtype=float32, numpy=5.0>"
    assert str(pt.constant([5.0, 1.5])) == "pt.Tensor([5.  1.5], shape=(2,), dtype=float32)"
