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


# ---- every registry op's attributes, walked from the registry ---------------------------------------------------
REGISTRY_ROWS = {row[0]: row for row in _core.op_registry()}
# A value of the wrong Python type for each kind of attribute argument (bool is Python truthiness, as TF's
# bool(keepdims)); the right-typed value a required argument gets while another one is tested.
_WRONG_TYPE = {"float": "0.5", "int": "3", "dtype": object(), "string": 3, "shape": "3", "tensor": object()}
_RIGHT_TYPE = {"float": 0.5, "int": 1, "bool": False, "dtype": "float32", "string": "VALID", "shape": [1],
               "tensor": 1.0, "seed": None}
# Required arguments that are no plain field (an adapter converts them): a value they accept.
_ADAPTED = {"dims": [1], "num_rows": 1, "strides": 1, "padding": "VALID", "ksize": 1, "pool_strides": 1, "pool_padding": "VALID",
            "input_sizes": [1, 1, 1, 1], "filter_sizes": [1, 1, 1, 1], "paddings": [[0, 0]], "multiples": [1],
            "perm": [0], "axis": 0, "num_or_size_splits": 1, "fft_length": [1], "begin_mask": 0, "shape": [1]}
# Tensor inputs a hand-written body checks before the attributes.
_INPUTS = {"categorical": {"logits": [[0.0, 1.0]]}, "pad": {"tensor": [1.0]}}
# Fields TF takes as tensors (any tensor-like; a string is a conversion error naming the op and the value).
_TF_TENSOR_ARGS = {"range": {"start", "limit", "delta"}, "linspace": {"start", "stop"}}


def _params(fn):
    """(name, required) of each parameter of a generated function, from its signature line."""
    line = fn.__doc__.splitlines()[0]
    out = []
    for p in line[line.index("(") + 1:line.rindex(")")].split(","):
        p = p.strip()
        if p and p != "*":
            out.append((p.split("=")[0].strip(), "=" not in p))
    return out


def _walked_ops():
    return [name for name, row in sorted(REGISTRY_ROWS.items()) if row[6] and hasattr(_core, name)]


def test_the_registry_describes_every_attribute_struct():
    # The rows name their struct and the plain fields a Python argument converts to, by kind.
    assert REGISTRY_ROWS["leaky_relu"][5:] == ("LeakyRelu", {"alpha": "float"}, "tf.nn")
    assert REGISTRY_ROWS["argmax"][5:] == ("ArgReduce", {"output_type": "dtype"}, "tf tf.math")  # axis: an adapter's
    assert REGISTRY_ROWS["exp"][5:] == ("None", {}, "tf tf.math")
    assert {kind for row in REGISTRY_ROWS.values() for kind in row[6].values()} <= set(_RIGHT_TYPE)
    assert len(_walked_ops()) >= 40


@pytest.mark.parametrize("name", _walked_ops())
def test_wrong_typed_attribute_is_a_type_error_naming_op_and_attribute(name):
    """Every generated function of an op with attributes: each attribute argument its signature names, given a value
    of the wrong type, is TF's TypeError naming the op and the argument (never a crash, never another class)."""
    fn = getattr(_core, name)
    fields = REGISTRY_ROWS[name][6]
    params = _params(fn)
    tested = 0
    for attr, required in params:
        kind = fields.get(attr)
        if kind is None or kind in ("bool", "seed") or attr in _TF_TENSOR_ARGS.get(name, ()):
            continue  # bool: Python truthiness, as TF's bool(keepdims); seeds: TF 2's rules (test_random_pins.py)
        kwargs = {}
        for p, req in params:
            if p == attr:
                kwargs[p] = _WRONG_TYPE[kind]
            elif p in _INPUTS.get(name, {}):
                kwargs[p] = _INPUTS[name][p]
            elif req:
                kwargs[p] = (_RIGHT_TYPE[fields[p]] if p in fields else _ADAPTED.get(p, pt.Variable([1.0])
                             if REGISTRY_ROWS[name][1] == "optim" else [1.0] if REGISTRY_ROWS[name][2] < 0 else 1.0))
        with pytest.raises(TypeError) as info:
            fn(**kwargs)
        msg = str(info.value)
        assert name in msg and attr in msg, f"{name}({attr}={kwargs[attr]!r}): {type(info.value).__name__}: {msg}"
        tested += 1
    if not tested:
        pytest.skip(f"{name}: its attribute arguments are bools, seeds or adapter-converted (values: VALUE_RULES)")


_DY = np.zeros((1, 4, 4, 4), np.float32)
_POOLED = np.zeros((1, 3, 3, 2), np.float32)
_INVALID = pt.errors.InvalidArgumentError
# One out-of-range value per op whose attributes have a rule of their own (ops/attrs.cpp validate_attrs), checked once
# at the registry: TF's error class, naming the op, the attribute, the value and what is allowed.
_STATE = _core.philox_state_from_seed(pt.constant([1, 2], pt.int64))  # a Philox counter state for the draw ops
VALUE_RULES = {
    "philox_uniform": (lambda: _core.philox_uniform(_STATE, [-1], "float32"), _INVALID,
                       r"philox_uniform: shape \(-1,\) has a negative dimension; every dimension must be >= 0"),
    "philox_normal": (lambda: _core.philox_normal(_STATE, [2, -3], "float32"), _INVALID,
                      r"philox_normal: shape \(2, -3\) has a negative dimension"),
    "philox_truncated_normal": (lambda: _core.philox_truncated_normal(_STATE, [-2], "float64"), _INVALID,
                                r"philox_truncated_normal: shape \(-2,\) has a negative dimension"),
    "philox_uniform_full_int": (lambda: _core.philox_uniform_full_int(_STATE, [-1], "int64"), _INVALID,
                                r"philox_uniform_full_int: shape \(-1,\) has a negative dimension"),
    "philox_uniform_int": (lambda: _core.philox_uniform_int(_STATE, [2], "int32", 5, 5), _INVALID,
                           r"philox_uniform_int: need minval < maxval, got minval = 5 and maxval = 5"),
    "philox_shuffle_order": (lambda: _core.philox_shuffle_order(_STATE, [2, 2], "int64"), _INVALID,
                             r"philox_shuffle_order: shape must be \[n\] with n < 2\*\*32 .*got \(2, 2\)"),
    "philox_gamma": (lambda: _core.philox_gamma(_STATE, np.float32(1.0), [-1], "float32"), _INVALID,
                     r"philox_gamma: shape \(-1,\) has a negative dimension"),
    "random_gamma": (lambda: _core.random_gamma(np.float32(1.0), [-1], "float32", 3), _INVALID,
                     r"random_gamma: shape \(-1,\) has a negative dimension"),
    "random_poisson": (lambda: _core.random_poisson(1.0, [2, -1], "int32", 3), _INVALID,
                       r"random_poisson: shape \(2, -1\) has a negative dimension"),
    "philox_poisson": (lambda: _core.philox_poisson(_STATE, 1.0, [2, -1], "int32"), _INVALID,
                       r"philox_poisson: shape \(2, -1\) has a negative dimension"),
    "philox_binomial": (lambda: _core.philox_binomial(_STATE, 5.0, 0.5, [-4], "int32"), _INVALID,
                        r"philox_binomial: shape \(-4,\) has a negative dimension"),
    "philox_parameterized_truncated_normal": (
        lambda: _core.philox_parameterized_truncated_normal(_STATE, 0.0, 1.0, -1.0, 1.0, [-2], "float64"), _INVALID,
        r"philox_parameterized_truncated_normal: shape \(-2,\) has a negative dimension"),
    "philox_categorical": (lambda: _core.philox_categorical(_STATE, [[0.0, 1.0]], -2), _INVALID,
                           r"philox_categorical: num_samples must be >= 0, got -2"),
    "philox_skip": (lambda: _core.philox_skip(_STATE, -1), _INVALID,
                    r"philox_skip: delta must be >= 0 counter blocks, got -1"),
    "conv2d": (lambda: pt.nn.conv2d(_X, _W, strides=1, padding="SAMEE"), _INVALID,
               r"conv2d: padding must be 'VALID', 'SAME' or a list of pairs .*, got 'SAMEE'"),
    "dilation2d": (lambda: pt.nn.dilation2d(_X, np.zeros((3, 3, 2), np.float32), [1, 1, 1], "VALID"), _INVALID,
                   r"dilation2d: strides must be an int or a list of 1, 2 or 4 ints, got 3 values"),
    "conv2d_backprop_input": (lambda: _core.conv2d_backprop_input([1, 6, 6, 2], _W, _DY, 0, "VALID"), _INVALID,
                              r"conv2d_backprop_input: strides must be positive, got strides\[1\] = 0 "
                              r"\(allowed: 1 to 2147483647\)"),
    "conv2d_backprop_filter": (lambda: _core.conv2d_backprop_filter(_X, [3, 3, 2, 4], _DY, 1, "VALID",
                                                                    dilations=[1, -1]), _INVALID,
                               r"conv2d_backprop_filter: dilations must be positive, got dilations\[2\] = -1"),
    "max_pool2d": (lambda: pt.nn.max_pool2d(_X, -2, 1, "VALID"), _INVALID,
                   r"max_pool2d: ksize must be positive, got ksize\[1\] = -2 \(allowed: 1 to 2147483647\)"),
    "avg_pool2d": (lambda: pt.nn.avg_pool2d(_X, 2, 2, "SAMEE"), _INVALID,
                   r"avg_pool2d: padding must be 'VALID' or 'SAME', got 'SAMEE'"),
    "conv2d_max_pool": (lambda: _core.conv2d_max_pool(_X, _W, 1, "VALID", 1, 0, 2, "VALID"), _INVALID,
                        r"conv2d_max_pool: ksize must be positive, got ksize\[1\] = 0"),
    "pad": (lambda: pt.pad(pt.constant([1.0, 2.0]), [[1, 1]], mode="WRAP"), _INVALID,
            r'pad: mode must be "CONSTANT", "REFLECT" or "SYMMETRIC", got "WRAP"'),
    "argmax": (lambda: pt.math.argmax([1.0, 2.0], output_type=pt.float32), TypeError,
               r"argmax: attribute output_type = float32 is not allowed; output_type must be int32 or int64"),
    "argmin": (lambda: pt.math.argmin([1.0, 2.0], output_type=pt.int16), TypeError,
               r"argmin: attribute output_type = int16 is not allowed; output_type must be int32 or int64"),
    "one_hot": (lambda: pt.one_hot([0, 1], -1), _INVALID,
                r"one_hot: depth must be non-negative, got depth = -1"),
    "unsorted_segment_sum": (lambda: pt.math.unsorted_segment_sum([1.0, 2.0], [0, 1], -3), _INVALID,
                             r"unsorted_segment_sum: num_segments must be non-negative, got num_segments = -3"),
    "split": (lambda: pt.split(pt.constant([1.0, 2.0, 3.0]), [-2, 5]), _INVALID,
              r"split: size_splits has a negative size -2; sizes must be >= 0 \(or one -1\)"),
    "tile": (lambda: pt.tile(pt.constant([1.0]), [-1]), _INVALID,
             r"tile: multiples must be non-negative, got multiples = -1"),
    "dropout": (lambda: pt.nn.dropout(pt.constant([1.0]), rate=1.5), ValueError,
                r"dropout: rate must be a scalar in \[0, 1\) \(the fraction dropped\), got 1\.5"),
    "linspace": (lambda: pt.linspace(0.0, 1.0, 0), _INVALID, r"linspace: requires num > 0, got num = 0"),
    "eye": (lambda: pt.eye(-1), _INVALID, r"eye: num_rows must be non-negative, got num_rows = -1"),
    "range": (lambda: pt.range(0, 5, 0), _INVALID, r"range: requires delta != 0, got delta = 0"),
    "categorical": (lambda: pt.random.categorical([[0.0, 1.0]], -2), _INVALID,
                    r"categorical: num_samples must be non-negative, got num_samples = -2"),
    "fill": (lambda: pt.fill([2], [1.0, 2.0]), _INVALID, r"fill: value must be a scalar, got a tensor of shape \(2,\)"),
    "cumsum": (lambda: pt.math.cumsum([1.0, 2.0], axis=3), _INVALID,
               r"cumsum: axis 3 is out of range for a tensor of rank 1; expected an axis in \[-1, 1\)"),
    "cumprod": (lambda: pt.math.cumprod(5.0), _INVALID,
                r"cumprod: the input must have at least one dimension, got a scalar"),
    "conv2d_max_pool_backprop_input": (
        lambda: _core.conv2d_max_pool_backprop_input([1, 6, 6, 2], _W, _POOLED, _POOLED, 1, "VALID", 1, 2, 2, "SAMEE"),
        _INVALID, r"conv2d_max_pool_backprop_input: padding must be 'VALID' or 'SAME', got 'SAMEE'"),
    "conv2d_max_pool_backprop_filter": (
        lambda: _core.conv2d_max_pool_backprop_filter(_X, [3, 3, 2, 4], _POOLED, _POOLED, [1, 2, 1], "VALID", 1, 2, 2,
                                                      "VALID"),
        _INVALID, r"conv2d_max_pool_backprop_filter: strides must be an int or a list of 1, 2 or 4 ints, got 3 values"),
}
# Structs with no rule of their own: every value of the right type is allowed, or what is allowed depends on the
# inputs (an axis and the rank), which the op checks with the shapes in its message.
NO_VALUE_RULE = {
    "Cast": "any dtype", "Reduce": "axes depend on the rank", "Matmul": "two bools",
    "TargetShape": "depends on the input's size", "Axis": "depends on the rank", "Gather": "depends on the ranks",
    "StridedSlice": "every subscript is allowed (out of range clamps, as Python's)",
    "StridedSliceGrad": "made by strided_slice's gradient", "ScatterNd": "depends on the indices",
    "LeakyRelu": "any alpha", "Gelu": "a bool", "Silu": "any beta", "Like": "any dtype", "Constant": "any dtype",
    "RandomDist": "any mean/stddev/bounds (integer bounds: the op checks minval < maxval)", "Shuffle": "a seed",
    "Rnn": "activation names are checked where Python names them", "Ints": "perm, squeeze axes and fft_length "
    "depend on the rank; tile's multiples have a rule (above)",
    "Pool2dGrad": "no Python function: made by max_pool2d / avg_pool2d's gradient from their checked window "
                  "(validate_attrs checks it again when a saved graph loads)",
    "Elementwise": "made by a graph pass (tests/function: the program's rules)",
    "ApplySgd": "hyperparameters as Keras takes them", "ApplyRmsprop": "as Keras", "ApplyAdam": "as Keras",
    "ApplyAdagrad": "as Keras", "ApplyAdadelta": "as Keras", "ApplyNadam": "as Keras",
}


def test_every_op_with_attributes_has_a_value_rule_or_a_reason():
    """Walks the registry: an op with attributes has a bad-value case below, or its struct has no rule of its own."""
    missing = sorted(f"{name} ({row[5]})" for name, row in REGISTRY_ROWS.items()
                     if row[5] != "None" and name not in VALUE_RULES and row[5] not in NO_VALUE_RULE)
    assert not missing, f"ops with attributes and neither a VALUE_RULES case nor a NO_VALUE_RULE reason: {missing}"
    assert not {REGISTRY_ROWS[op][5] for op in VALUE_RULES} & (set(NO_VALUE_RULE) - {"Ints"})


@pytest.mark.parametrize("op", sorted(VALUE_RULES))
def test_bad_attribute_value_raises_tf_error_naming_op_and_attribute(op):
    call, error, pattern = VALUE_RULES[op]
    with pytest.raises(error, match=pattern):
        call()
