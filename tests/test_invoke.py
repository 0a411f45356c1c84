"""The registry's replay interface (csrc/ops/invoke.h, autograd::OpObserver): every op reports itself with its
complete, typed attributes, and invoke(op, inputs, attrs) re-runs it with bitwise the same outputs.

Driven by tests/op_db.py: each row's samples run under an observer (`_core._OpRecorder`), and every recorded call
is replayed through `_core._invoke`. Also: attribute type mismatches and bad attribute values raise TF's error
classes naming the op, the attribute and what is allowed.
"""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core
from op_db import NotBuiltError, op_db, to_pt_sample


def _bits(t):
    a = np.ascontiguousarray(t.numpy())
    return a.dtype, a.shape, a.tobytes()


def _run_recorded(op, sample):
    args, kwargs = to_pt_sample(sample)
    with _core._OpRecorder() as rec:
        try:
            op(*args, **kwargs)
        except (NotBuiltError, pt.errors.UnimplementedError) as e:
            pytest.fail(f"{op.name} not built yet: {e}")
    return rec.calls


@pytest.mark.parametrize("op", [pytest.param(op, id=op.name) for op in op_db])
def test_replay_is_bitwise_identical(op):
    """Each call the op's samples make is reported, and invoke() on its (op, inputs, attrs) gives the same bits."""
    rng = np.random.default_rng(0)
    seen = set()
    for dtype in op.dtypes[:1] + op.dtypes[-1:]:
        for sample in op.sample_inputs(dtype, rng):
            for name, inputs, outputs, attrs in _run_recorded(op, sample):
                seen.add(name)
                replayed = _core._invoke(name, inputs, attrs)
                assert len(replayed) == len(outputs), f"{name} ({sample.desc}): {len(replayed)} outputs, not {len(outputs)}"
                for k, (got, want) in enumerate(zip(replayed, outputs)):
                    assert _bits(got) == _bits(want), \
                        f"{name} ({sample.desc}, {dtype}): replayed output {k} differs from the recorded one"
    assert op.name in seen, f"{op.name}: no call of it was reported to the observer (saw {sorted(seen)})"


def test_attrs_carry_their_struct_name():
    x = pt.constant([[1.0, -2.0]])
    with _core._OpRecorder() as rec:
        pt.nn.leaky_relu(x, alpha=0.3)
        pt.reduce_sum(x, axis=1)
    assert [(c[0], c[3].name) for c in rec.calls] == [("leaky_relu", "LeakyRelu"), ("reduce_sum", "Reduce")]


def test_replay_keeps_the_attribute_values():
    """Replaying leaky_relu(alpha=0.3) uses alpha 0.3, not the default 0.2 (checked against numpy)."""
    x = np.array([-1.0, 2.0, -4.0], np.float32)
    with _core._OpRecorder() as rec:
        pt.nn.leaky_relu(pt.constant(x), alpha=0.3)
    (name, inputs, _, attrs), = rec.calls
    out, = _core._invoke(name, inputs, attrs)
    np.testing.assert_array_equal(out.numpy(), np.where(x > 0, x, np.float32(0.3) * x))


def test_replay_records_on_the_tape_like_the_op():
    """invoke() is the op: under a tape it records the same node, so gradients through it match (conv2d)."""
    rng = np.random.default_rng(1)
    x = pt.constant(rng.standard_normal((1, 5, 5, 2)))
    w = pt.constant(rng.standard_normal((3, 3, 2, 3)))
    with _core._OpRecorder() as rec:
        pt.nn.conv2d(x, w, strides=2, padding="SAME")
    (name, inputs, _, attrs), = rec.calls
    with pt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(w)
        direct = pt.nn.conv2d(x, w, strides=2, padding="SAME")
        replayed, = _core._invoke(name, [x, w], attrs)
    for src in (x, w):
        np.testing.assert_array_equal(tape.gradient(direct, src).numpy(), tape.gradient(replayed, src).numpy())


def test_random_replay_draws_the_recorded_numbers_and_a_new_call_fresh_ones():
    """A random node's attributes hold its resolved seed: replay repeats the draw; the next eager call differs."""
    pt.random.set_seed(5)
    with _core._OpRecorder() as rec:
        first = pt.random.normal((4,))
        second = pt.random.normal((4,))
    (name, inputs, _, attrs) = rec.calls[0]
    again, = _core._invoke(name, inputs, attrs)
    assert _bits(again) == _bits(first)
    assert _bits(second) != _bits(first)


def test_optimizer_update_replays_on_copies():
    """An update is reported as (var, grad, slots) -> (var, slots); replay computes the same, leaving inputs alone."""
    var = pt.Variable([1.0, 2.0])
    slot = pt.Variable([0.5, 0.5])
    with _core._OpRecorder() as rec:
        _core.apply_sgd(var, pt.constant([0.1, 0.2]), momentum_slot=slot, learning_rate=0.1, momentum=0.9)
    (name, inputs, outputs, attrs), = rec.calls
    assert name == "apply_sgd" and attrs.name == "ApplySgd"
    np.testing.assert_array_equal(inputs[0].numpy(), [1.0, 2.0])   # the value before the update
    replayed = _core._invoke(name, inputs, attrs)
    assert [_bits(t) for t in replayed] == [_bits(t) for t in outputs]
    np.testing.assert_array_equal(outputs[0].numpy(), var.numpy())
    np.testing.assert_array_equal(inputs[0].numpy(), [1.0, 2.0])   # replay wrote to copies


def test_attrs_of_another_op_are_a_type_error_naming_the_op():
    x = pt.constant(np.ones((1, 4, 4, 1), np.float32))
    w = pt.constant(np.ones((2, 2, 1, 1), np.float32))
    with _core._OpRecorder() as rec:
        pt.nn.leaky_relu(x)
    leaky_attrs = rec.calls[0][3]
    with pytest.raises(TypeError, match=r"conv2d: attributes of type LeakyRelu where Conv2d was expected"):
        _core._invoke("conv2d", [x, w], leaky_attrs)


def test_invoke_checks_the_input_count():
    x = pt.constant([1.0])
    with _core._OpRecorder() as rec:
        pt.exp(x)
    name, _, _, attrs = rec.calls[0]
    with pytest.raises(pt.errors.InvalidArgumentError, match="exp: invoke expects 1 input tensors, got 2"):
        _core._invoke(name, [x, x], attrs)


# ---- bad attribute values: TF's error classes, naming the op, the attribute and what is allowed ----------------
_X = np.zeros((1, 6, 6, 2), np.float32)
_W = np.zeros((3, 3, 2, 4), np.float32)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(strides=[1, 1, 1], padding="SAME"), r"conv2d: strides must be an int or a list of 1, 2 or 4 ints"),
    (dict(strides=1, padding="SAMEE"), r"conv2d: padding must be 'VALID', 'SAME' or a list of pairs .*, got 'SAMEE'"),
    (dict(strides=0, padding="SAME"), r"conv2d: strides must be positive, got strides\[1\] = 0 \(allowed: 1 to 2147483647\)"),
    (dict(strides=1, padding="SAME", dilations=[1, -2]),
     r"conv2d: dilations must be positive, got dilations\[2\] = -2 \(allowed: 1 to 2147483647\)"),
    (dict(strides=1, padding="SAME", data_format="NWHC"), r"conv2d: data_format must be 'NHWC'"),
])
def test_conv2d_bad_attributes(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        pt.nn.conv2d(_X, _W, **kwargs)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(ksize=-2, strides=1, padding="VALID"), r"max_pool2d: ksize must be positive, got ksize\[1\] = -2 \(allowed: 1 to 2147483647\)"),
    (dict(ksize=2, strides=[1, 0], padding="VALID"), r"max_pool2d: strides must be positive, got strides\[2\] = 0"),
    (dict(ksize=2, strides=2, padding="SAMEE"), r"max_pool2d: padding must be 'VALID' or 'SAME', got 'SAMEE'"),
])
def test_max_pool_bad_attributes(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        pt.nn.max_pool2d(_X, **kwargs)


@pytest.mark.parametrize("call,error,pattern", [
    (lambda: pt.nn.conv2d_transpose(_X, np.zeros((3, 3, 4, 2), np.float32), (1, 6, 6, 4), strides=[1, 1, 1]),
     ValueError, r"strides must be an int or a list of 1, 2 or 4 ints"),
    (lambda: pt.nn.conv2d_transpose(_X, np.zeros((3, 3, 4, 2), np.float32), (1, 6, 6, 4), 1, "SAMEE"),
     ValueError, r"padding must be 'VALID', 'SAME' or a list of pairs .*, got 'SAMEE'"),
    (lambda: pt.nn.max_pool_with_argmax(_X, 2, 2, "SAMEE"), ValueError, r"padding must be 'VALID' or 'SAME', got 'SAMEE'"),
    (lambda: _core.conv2d_max_pool(_X, _W, 1, "VALID", 1, 2, 2, "SAMEE"), ValueError,
     r"conv2d_max_pool: padding must be 'VALID' or 'SAME', got 'SAMEE'"),
    (lambda: _core.conv2d_max_pool(_X, _W, [1, 2, 2], "VALID", 1, 2, 2, "VALID"), ValueError,
     r"conv2d_max_pool: strides must be an int or a list of 1, 2 or 4 ints, got 3 values"),
    (lambda: pt.nn.avg_pool2d(_X, 2, 2, "VALID", data_format="NCHW"), pt.errors.UnimplementedError, r"NCHW"),
])
def test_every_function_of_an_op_checks_attributes_alike(call, error, pattern):
    # The TF attribute rules live in ops/attrs.cpp: the functions built on an op (conv2d_transpose on
    # conv2d_backprop_input, max_pool_with_argmax on max_pool2d, the fused conv + pool) get the same messages.
    with pytest.raises(error, match=pattern):
        call()


def test_pad_bad_mode_names_the_allowed_modes():
    with pytest.raises(ValueError, match=r'pad: mode must be "CONSTANT", "REFLECT" or "SYMMETRIC", got "WRAP"'):
        pt.pad(pt.constant([1.0, 2.0]), [[1, 1]], mode="WRAP")


@pytest.mark.parametrize("padding,pattern", [
    ([[0, 0], [1, 1], [1, 1]], r"conv2d: explicit padding must be 4 pairs \[\[0, 0\], \[top, bottom\], \[left, right\], "
                               r"\[0, 0\]\], got 6 values"),
    ([[1, 0], [1, 1], [1, 1], [0, 0]], r"conv2d: explicit padding of the batch and channel dimensions must be 0, got "
                                       r"\[\[1, 0\], \[1, 1\], \[1, 1\], \[0, 0\]\]"),
    ([[0, 0], [-1, 1], [0, 0], [0, 0]], r"conv2d: explicit paddings must be non-negative, got padding top = -1"),
    ("EXPLICIT", r"conv2d: 'EXPLICIT' is not a valid value for padding .*must be a list of pairs"),
])
def test_conv2d_explicit_padding_rules_are_the_op_layers(padding, pattern):
    """The explicit-padding rules live in ops/attrs.cpp (set_conv2d_padding): eager, a traced function and the fused
    conv + pool (named as itself) give TF's ValueError class with the same message."""
    with pytest.raises(pt.errors.InvalidArgumentError, match=pattern):
        pt.nn.conv2d(_X, _W, strides=1, padding=padding)
    traced = pt.function(lambda x: pt.nn.conv2d(x, _W, strides=1, padding=padding))
    with pytest.raises(pt.errors.InvalidArgumentError, match=pattern):
        traced(pt.constant(_X))
    with pytest.raises(pt.errors.InvalidArgumentError, match=pattern.replace("conv2d:", "conv2d_max_pool:")):
        _core.conv2d_max_pool(_X, _W, 1, padding, 1, 2, 2, "VALID")
