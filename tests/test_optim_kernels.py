"""The fused optimizer kernels (pt._core.apply_*): in-place semantics, copy-on-write, errors, NaN, threads.

Values against numpy references are checked by the op_db rows (tests/test_ops.py); these tests cover what
a row cannot: the variable is updated in place while earlier reads stay unchanged, and bad input is refused
with a message naming the optimizer, the variable and both shapes.
"""
import numpy as np
import pytest

import pytensor as pt

K = pt._core


def _vars(*arrays):
    return [pt.Variable(np.asarray(a, np.float32), name=f"v{i}") for i, a in enumerate(arrays)]


def test_update_is_in_place_and_earlier_reads_keep_their_values():
    var, m, v = _vars(np.ones(4), np.zeros(4), np.zeros(4))
    before, m_before = var.read_value(), m.read_value()
    K.apply_adam(var, pt.constant(np.full(4, 2.0, np.float32)), m, v, learning_rate=0.1)
    np.testing.assert_array_equal(before.numpy(), np.ones(4))
    np.testing.assert_array_equal(m_before.numpy(), np.zeros(4))
    np.testing.assert_allclose(var.numpy(), np.full(4, 0.9), rtol=1e-5)   # Adam's first step moves by lr
    np.testing.assert_allclose(m.numpy(), np.full(4, 0.2), rtol=1e-6)


def test_gradient_that_aliases_the_variable_reads_its_old_value():
    var, = _vars([1.0, 2.0])
    K.apply_sgd(var, var.read_value(), learning_rate=0.5)
    np.testing.assert_allclose(var.numpy(), [0.5, 1.0])


def test_shape_mismatch_names_optimizer_variable_and_both_shapes():
    var, m, v = _vars(np.ones((2, 3)), np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError) as info:
        K.apply_adam(var, pt.constant(np.ones((3, 2), np.float32)), m, v)
    msg = str(info.value)
    assert "Adam" in msg and "v0" in msg and "3, 2" in msg.replace("[", "").replace("(", "") and "2, 3" in msg.replace(
        "[", "").replace("(", ""), msg


def test_slot_mismatch_names_the_slot():
    var, acc = _vars(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="Adagrad.*v1.*v0"):
        K.apply_adagrad(var, pt.constant(np.ones(3, np.float32)), acc)


def test_dtype_mismatch_and_integer_variables_raise_type_error():
    var, acc = _vars(np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="RMSprop.*v0.*float64.*float32"):
        K.apply_rmsprop(var, pt.constant(np.ones(3)), acc)
    ivar = pt.Variable(np.ones(3, np.int32), name="counts")
    with pytest.raises(TypeError, match="SGD.*counts.*int32"):
        K.apply_sgd(ivar, pt.constant(np.ones(3, np.int32)))


def test_nan_gradient_propagates():
    var, m, v = _vars([1.0, 1.0], [0.0, 0.0], [0.0, 0.0])
    K.apply_nadam(var, pt.constant(np.array([np.nan, 1.0], np.float32)), m, v)
    out = var.numpy()
    assert np.isnan(out[0]) and np.isfinite(out[1])


def test_result_does_not_depend_on_thread_count():
    rng = np.random.default_rng(0)
    w, g = rng.normal(size=200_000).astype(np.float32), rng.normal(size=200_000).astype(np.float32)
    results = []
    old = K.get_num_threads()
    try:
        for threads in (1, 2):
            K.set_num_threads(threads)
            var, acc1, acc2 = _vars(w, np.zeros_like(w), np.zeros_like(w))
            K.apply_adadelta(var, pt.constant(g), acc1, acc2, learning_rate=1.0)
            results.append(var.numpy())
    finally:
        K.set_num_threads(old)
    np.testing.assert_array_equal(results[0], results[1])


def test_step_must_be_positive():
    var, m, v = _vars([1.0], [0.0], [0.0])
    with pytest.raises(ValueError, match="step"):
        K.apply_adam(var, pt.constant(np.ones(1, np.float32)), m, v, step=0)
