"""Limits of sizes and integers: nesting depth and rank, integer ranges of Python data and arguments, element counts,
segment ids, and integer wrap-around (issue 21). References: TF 2.21's behaviour (noted per test) and numpy."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pytensor as tf
from child_python import child_env

MAX_RANK = 254  # TF's TensorShape::MaxDimensions()


def _nested(value, depth):
    for _ in range(depth):
        value = [value]
    return value


# ---- 1. nesting depth and rank ------------------------------------------------------------------------------

def test_deeply_nested_list_raises_in_a_fresh_interpreter(tmp_path):
    # The recursive scan overflowed the C stack here (a segfault); run it where a crash cannot take pytest down.
    code = ("import sys, pytensor as tf\n"
            "x = 1.0\n"
            "for _ in range(20000): x = [x]\n"
            "for f in (tf.constant, tf.Variable, tf.convert_to_tensor, lambda v: tf.add(v, 1.0)):\n"
            "    try:\n"
            "        f(x)\n"
            "    except ValueError as e:\n"
            "        assert '254' in str(e), e\n"
            "    else:\n"
            "        sys.exit('no error')\n"
            "print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=child_env(),
                       cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stdout, r.stderr[-2000:])


def test_nesting_up_to_the_max_rank_converts_and_one_more_raises():
    t = tf.constant(_nested(2.5, MAX_RANK))
    assert t.shape.rank == MAX_RANK and float(tf.reshape(t, [])) == 2.5
    with pytest.raises(ValueError, match="254"):
        tf.constant(_nested(2.5, MAX_RANK + 1))


@pytest.mark.parametrize("make", [tf.zeros, tf.ones, lambda s: tf.fill(s, 1.0)])
def test_shapes_above_the_max_rank_raise_at_once(make):
    # TF: InvalidArgumentError "Too many dimensions"; here zeros([1] * 100000) took over a minute.
    for rank in (MAX_RANK + 1, 100000):
        with pytest.raises(tf.errors.InvalidArgumentError, match="254"):
            make([1] * rank)
    assert make([1] * MAX_RANK).shape.rank == MAX_RANK


def test_views_above_the_max_rank_raise():
    x = tf.ones([1] * MAX_RANK)
    with pytest.raises(tf.errors.InvalidArgumentError, match="254"):
        tf.expand_dims(x, 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="254"):
        tf.reshape(x, [1] * (MAX_RANK + 1))


# ---- 3. integer ranges of Python data and arguments ----------------------------------------------------------

def test_int_lists_beyond_int32_become_int64():
    # TF: [2**32 + 5, 7] is int64, as a Python scalar of that size; here it wrapped to int32 [5, 7].
    t = tf.constant([2**32 + 5, 7])
    assert t.dtype == tf.int64
    np.testing.assert_array_equal(t.numpy(), [2**32 + 5, 7])
    assert tf.constant([[-2**31 - 1], [0]]).dtype == tf.int64
    assert tf.constant([2**31 - 1, -2**31]).dtype == tf.int32


@pytest.mark.parametrize("values,bad,dtype", [([300], 300, tf.uint8), ([-1], -1, tf.uint8),
                                              ([2**32 + 5, 7], 2**32 + 5, tf.int32),
                                              ([[0], [-2**31 - 1]], -2**31 - 1, tf.int32)])
def test_int_lists_out_of_range_for_the_dtype_raise(values, bad, dtype):
    # As the scalar path, tf.constant(300, dtype=tf.uint8), which raised already; lists wrapped silently.
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.constant(values, dtype=dtype)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.constant(bad, dtype=dtype)


def test_int_lists_in_range_keep_their_values():
    np.testing.assert_array_equal(tf.constant([0, 255], dtype=tf.uint8).numpy(), [0, 255])
    np.testing.assert_array_equal(tf.constant([2**40, -3], dtype=tf.float64).numpy(), [2.0**40, -3.0])
    np.testing.assert_array_equal(tf.constant([2**62, -2**63], dtype=tf.int64).numpy(), [2**62, -2**63])


def test_ints_beyond_int64_raise_value_error():
    # TF: ValueError "Can't convert Python sequence with out-of-range integer"; here OverflowError / RuntimeError.
    for bad in ([2**63], [[1], [-2**63 - 1]], (1, 2**64)):
        with pytest.raises(ValueError, match="int64"):
            tf.constant(bad)


def test_gather_indices_beyond_int32_are_not_wrapped():
    x = tf.range(5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="4294967297"):
        tf.gather(x, [2**32 + 1])  # read element 1 before


def test_pad_paddings_beyond_int32_are_not_wrapped():
    x = tf.ones(3)
    # [[0, 2**32]] padded nothing before; the real size (2^32 + 3 floats) is allowed but not made here.
    with pytest.raises(tf.errors.InvalidArgumentError, match="too large|overflow"):
        tf.pad(x, [[0, 2**62]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="overflow"):
        tf.pad(x, [[2**62, 2**62]])
    with pytest.raises(ValueError, match="int64"):
        tf.pad(x, [[0, 2**64]])


def test_sparse_labels_beyond_int32_are_not_wrapped():
    logits = tf.zeros((1, 3))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2**32 + 1], logits=logits)  # label 1 before


def test_variable_assign_out_of_range_raises_and_keeps_the_value():
    v = tf.Variable([1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        v.assign([2**32 + 5, 7])  # stored [5, 7] before
    np.testing.assert_array_equal(v.numpy(), [1, 2])


@pytest.mark.parametrize("call", [
    lambda: tf.zeros([2**63]),
    lambda: tf.zeros(2**63),
    lambda: tf.reshape(tf.ones(4), [2**63]),
    lambda: tf.reduce_sum(tf.ones((2, 2)), axis=2**63),
    lambda: tf.reduce_sum(tf.ones((2, 2)), axis=[0, 2**64]),
    lambda: tf.nn.softmax(tf.ones(3), axis=2**63),
    lambda: tf.range(2**63),
])
def test_ints_beyond_int64_in_arguments_raise_value_error(call):
    # pybind's "RuntimeError: Unable to cast Python instance" before; TF raises ValueError.
    with pytest.raises(ValueError, match="int64"):
        call()


# ---- 4. element counts ----------------------------------------------------------------------------------------

def test_broadcast_to_an_impossible_shape_raises():
    # TF: "Shape [4294967296,4294967296] would have more than 2**63 - 1 elements"; here size 0 and sum 0.0.
    with pytest.raises(tf.errors.InvalidArgumentError, match="2\\^63"):
        tf.broadcast_to(tf.ones((1, 1)), (1 << 32, 1 << 32))
    big = tf.broadcast_to(tf.ones((1, 1)), (1 << 31, 1 << 31))  # 2^62 elements: a valid (stride-0) view
    assert int(tf.size(big, out_type=tf.int64)) == 1 << 62


@pytest.mark.parametrize("call", [
    lambda: tf.tile(tf.ones((2,)), [2**62]),
    lambda: tf.tile(tf.ones((3, 3)), [2**31, 2**31]),
    lambda: tf.reshape(tf.ones((0,)), [2**32, 2**32, 0, -1]),
    lambda: tf.reshape(tf.ones((4,)), [2**40, 2**40, -1]),
    lambda: tf.zeros([2**32, 2**32]),
    lambda: tf.ones((2**62, 4), dtype=tf.float32),
])
def test_impossible_shapes_raise(call):
    with pytest.raises(tf.errors.InvalidArgumentError):
        call()


# ---- 5. segment ids -------------------------------------------------------------------------------------------

def test_empty_shapes_with_huge_extents_are_allowed_as_in_tf():
    # TF 2.21: tf.zeros([0, 2**40, 2**40]).shape == [0, 2**40, 2**40] (0 elements).
    t = tf.zeros([0, 2**40, 2**40])
    assert tuple(t.shape) == (0, 2**40, 2**40) and int(tf.size(t, out_type=tf.int64)) == 0


def test_unsorted_segment_sum_rejects_ids_past_num_segments():
    # TF (CPU): InvalidArgumentError "segment_ids[2] = 5 is out of range [0, 3)"; here the row was dropped.
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"segment_ids\[2\] = 5 is out of range \[0, 3\)"):
        tf.math.unsorted_segment_sum(tf.ones(3), [0, 1, 5], 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.math.unsorted_segment_sum(tf.ones((2, 2)), tf.constant([[0, 3], [1, 2]]), 3)


def test_unsorted_segment_sum_drops_negative_ids_as_tf():
    # TF 2.21: unsorted_segment_sum(ones(3), [0, -1, 2], 3) == [1, 0, 1].
    got = tf.math.unsorted_segment_sum(tf.constant([1.0, 2.0, 4.0]), [0, -1, 2], 3)
    np.testing.assert_array_equal(got.numpy(), [1.0, 0.0, 4.0])


# ---- 8. integer wrap-around (defined: modulo 2^bits, as TF and numpy) -------------------------------------------

INT_DTYPES = [(tf.int32, np.int32), (tf.int64, np.int64), (tf.uint8, np.uint8)]


def _extremes(np_dtype):
    info = np.iinfo(np_dtype)
    return np.array([info.min, info.min + 1, -3 if info.min < 0 else 3, 0, 1, 7, info.max - 1, info.max],
                    dtype=np_dtype)


@pytest.mark.parametrize("dt,npdt", INT_DTYPES)
def test_integer_arithmetic_wraps_as_numpy(dt, npdt):
    a = _extremes(npdt)
    x, y = np.meshgrid(a, a)
    with np.errstate(over="ignore"):
        for name, ref in [("add", x + y), ("subtract", x - y), ("multiply", x * y),
                          ("squared_difference", (x - y) * (x - y))]:
            got = getattr(tf.math, name)(tf.constant(x), tf.constant(y)).numpy()
            np.testing.assert_array_equal(got, ref, err_msg=name)
        np.testing.assert_array_equal(tf.square(tf.constant(a)).numpy(), a * a)
        np.testing.assert_array_equal(tf.abs(tf.constant(a)).numpy(), np.abs(a))
        if npdt != np.uint8:
            np.testing.assert_array_equal(tf.negative(tf.constant(a)).numpy(), -a)
        exps = np.array([0, 1, 2, 31, 62, 63, 64, 200], dtype=npdt)
        base = np.array([3, -3 if npdt != np.uint8 else 5, 2, 7, 2, 3, 2, 3], dtype=npdt)
        np.testing.assert_array_equal(tf.pow(tf.constant(base), tf.constant(exps)).numpy(), base ** exps)


@pytest.mark.parametrize("dt,npdt", INT_DTYPES)
def test_integer_reductions_wrap_as_numpy(dt, npdt):
    info = np.iinfo(npdt)
    a = np.full((3, 40), info.max, dtype=npdt)
    a[1] = info.min
    a[2, ::2] = info.max // 3
    with np.errstate(over="ignore"):
        for axis in (None, 0, 1):
            np.testing.assert_array_equal(tf.reduce_sum(tf.constant(a), axis=axis).numpy(),
                                          a.sum(axis=axis, dtype=npdt), err_msg=f"sum axis={axis}")
            np.testing.assert_array_equal(tf.reduce_prod(tf.constant(a), axis=axis).numpy(),
                                          a.prod(axis=axis, dtype=npdt), err_msg=f"prod axis={axis}")
    # TF 2.21: reduce_sum of int32 [2**31 - 1, 1] is -2**31.
    if npdt == np.int32:
        assert int(tf.reduce_sum(tf.constant([2**31 - 1, 1]))) == -2**31


def test_integer_segment_sum_wraps():
    data = tf.constant([2**31 - 1, 1, 5], dtype=tf.int32)
    np.testing.assert_array_equal(tf.math.unsorted_segment_sum(data, [0, 0, 1], 2).numpy(), [-2**31, 5])


@pytest.mark.parametrize("step", [2**62, 2**63 - 1, -2**63])
def test_slicing_with_huge_steps(step):
    a = np.arange(10, dtype=np.float32)
    np.testing.assert_array_equal(tf.constant(a)[::step].numpy(), a[::step])
    np.testing.assert_array_equal(tf.constant(a.reshape(2, 5))[:, 1::step].numpy(), a.reshape(2, 5)[:, 1::step])


# ---- 9. argmax over an empty axis ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape,axis", [((3, 0), 1), ((0,), 0), ((0, 0), 1), ((2, 0, 4), 1)])
def test_argmax_over_an_empty_axis_raises(shape, axis):
    # TF: InvalidArgumentError "Reduction axis 1 is empty in shape [3,0]".
    for f in (tf.argmax, tf.argmin):
        with pytest.raises(tf.errors.InvalidArgumentError, match="empty|size 0"):
            f(tf.zeros(shape), axis=axis)


def test_argmax_with_an_empty_kept_dim_is_empty():
    # TF 2.21: argmax(zeros((0, 3)), axis=1) has shape (0,).
    assert tuple(tf.argmax(tf.zeros((0, 3)), axis=1).shape) == (0,)
