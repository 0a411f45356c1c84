"""tf.experimental.numpy (tnp): its functions against numpy, its results pytensor tensors with gradients, and
experimental_enable_numpy_behavior's modes against TF's recorded promotion (fixtures/tnp_promotion.json, made by
fixtures/make_tnp_promotion.py). Enabling numpy behaviour is process-wide, so those tests run in a child."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pytensor as pt
import pytensor.experimental.numpy as tnp
from child_python import child_env
from pytensor.experimental.numpy import _promotion

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tnp_promotion.json")
RECORDED = json.load(open(FIXTURE))

A = np.array([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]])
B = np.array([[2.0, 0.5, -1.5], [3.0, -0.25, 2.0]])
POS = np.array([[0.5, 1.5, 2.0], [3.0, 0.25, 4.0]])
UNIT = np.array([[0.5, -0.25, 0.75], [-0.5, 0.1, 0.9]])


def _check(got, want, rtol=1e-6):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _check(g, w, rtol)
        return
    assert isinstance(got, pt.Tensor), f"{type(got)} is not a pytensor Tensor"
    want = np.asarray(want)
    assert got.shape.as_list() == list(want.shape)
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got.numpy(), want)
    else:
        np.testing.assert_allclose(got.numpy(), want, rtol=rtol, atol=1e-12)


UNARY = ["abs", "absolute", "fabs", "negative", "positive", "sign", "square", "exp", "exp2", "expm1", "sin", "cos",
         "tan", "sinh", "cosh", "tanh", "arctan", "arcsinh", "deg2rad", "rad2deg", "floor", "ceil", "fix", "cbrt",
         "isnan", "isinf", "isfinite", "signbit", "sinc", "real", "imag", "conj", "conjugate", "around", "round"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_functions_match_numpy(name):
    _check(getattr(tnp, name)(A), getattr(np, name)(A))


@pytest.mark.parametrize("name", ["sqrt", "log", "log2", "log10", "log1p", "reciprocal"])
def test_functions_of_positive_values_match_numpy(name):
    _check(getattr(tnp, name)(POS), getattr(np, name)(POS))


@pytest.mark.parametrize("name", ["arcsin", "arccos", "arctanh"])
def test_functions_of_values_in_the_unit_interval_match_numpy(name):
    _check(getattr(tnp, name)(UNIT), getattr(np, name)(UNIT))


BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "remainder", "power",
          "float_power", "maximum", "minimum", "arctan2", "hypot", "logaddexp", "logaddexp2", "heaviside", "equal",
          "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
          "nextafter"]


@pytest.mark.parametrize("name", BINARY)
def test_binary_functions_match_numpy(name):
    b = POS if name in ("power", "float_power") else B
    _check(getattr(tnp, name)(POS if name in ("power", "float_power") else A, b),
           getattr(np, name)(POS if name in ("power", "float_power") else A, b))


def test_integer_functions_match_numpy():
    x, y = np.array([12, -18, 7, 0, 9]), np.array([8, 12, 21, 5, 0])
    for name in ("gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor", "floor_divide", "mod"):
        if name in ("floor_divide", "mod"):
            _check(getattr(tnp, name)(x, y + 1), getattr(np, name)(x, y + 1))
        else:
            _check(getattr(tnp, name)(x, y), getattr(np, name)(x, y))
    _check(tnp.bitwise_not(x), np.bitwise_not(x))
    _check(tnp.divmod(x, y + 1), np.divmod(x, y + 1))


def test_dtypes_follow_numpy_in_the_default_mode():
    assert tnp.array(1).dtype == pt.int64 and tnp.array(1.5).dtype == pt.float64
    assert tnp.sqrt(tnp.array([1, 4])).dtype == pt.float64
    assert tnp.add(np.int8(1), np.float32(2)).dtype == pt.float32
    assert tnp.add(tnp.array([1], dtype="int8"), 1).dtype == pt.int8  # a Python int takes the array's dtype
    assert tnp.add(tnp.array([1], dtype="int32"), 1.5).dtype == pt.float64
    assert tnp.result_type(np.int8, np.uint8) == np.int16
    assert tnp.ndarray is pt.Tensor
    recorded = RECORDED["creation"]["legacy,False"]
    for expr, dtype in recorded.items():
        if expr.startswith("tnp."):
            assert eval(expr).dtype.name == dtype, expr  # noqa: S307 - the recorded expressions are ours


@pytest.mark.parametrize("name,args", [
    ("sum", {}), ("sum", {"axis": 1}), ("prod", {"axis": 0}), ("max", {}), ("min", {"axis": 1, "keepdims": True}),
    ("amax", {"axis": 0}), ("amin", {}), ("mean", {"axis": (0, 1)}), ("var", {"axis": 1}), ("std", {}),
    ("ptp", {"axis": 1}), ("argmax", {}), ("argmin", {"axis": 1}), ("cumsum", {"axis": 1}), ("cumprod", {}),
    ("all", {"axis": 0}), ("any", {}), ("count_nonzero", {"axis": 1}), ("average", {"axis": 1}),
    ("sort", {"axis": 1}), ("argsort", {"axis": 0}), ("diff", {}), ("trace", {}), ("diagonal", {"offset": 1}),
    ("ravel", {}), ("flatten", None), ("transpose", {}), ("squeeze", {}), ("flip", {"axis": 1}), ("fliplr", {}),
    ("flipud", {}), ("rot90", {}), ("roll", {"shift": 2}), ("nansum", {}), ("nanprod", {"axis": 0}),
    ("nanmean", {"axis": 1}), ("atleast_3d", {}), ("tril", {}), ("triu", {"k": 1}), ("nonzero", {}),
    ("clip", {"a_min": -1.0, "a_max": 2.0}), ("swapaxes", {"axis1": 0, "axis2": 1}), ("diff", {"n": 2, "axis": 1}),
])
def test_array_functions_match_numpy(name, args):
    a = A.copy()
    a[1, 1] = 0.0
    if name.startswith("nan"):
        a[0, 1] = np.nan
    if name == "flatten":
        _check(tnp.flatten(a), a.flatten())
        return
    _check(getattr(tnp, name)(a, **args), getattr(np, name)(a, **args))


def test_shape_and_joining_functions_match_numpy():
    x, y = np.arange(6.0).reshape(2, 3), np.arange(6.0, 12.0).reshape(2, 3)
    _check(tnp.concatenate([x, y], axis=1), np.concatenate([x, y], axis=1))
    _check(tnp.concatenate([x, y], axis=None), np.concatenate([x, y], axis=None))
    _check(tnp.stack([x, y], axis=2), np.stack([x, y], axis=2))
    for name in ("hstack", "vstack", "dstack"):
        _check(getattr(tnp, name)([x, y]), getattr(np, name)([x, y]))
    _check(tnp.append(x, y, axis=0), np.append(x, y, axis=0))
    _check(tnp.split(np.arange(6.0), [1, 4]), np.split(np.arange(6.0), [1, 4]))
    _check(tnp.hsplit(x, 3), np.hsplit(x, 3))
    _check(tnp.vsplit(x, 2), np.vsplit(x, 2))
    _check(tnp.dsplit(np.arange(8.0).reshape(1, 2, 4), 2), np.dsplit(np.arange(8.0).reshape(1, 2, 4), 2))
    _check(tnp.reshape(x, (3, 2)), x.reshape(3, 2))
    _check(tnp.moveaxis(np.zeros((2, 3, 4)), 0, -1), np.moveaxis(np.zeros((2, 3, 4)), 0, -1))
    _check(tnp.expand_dims(x, 1), np.expand_dims(x, 1))
    _check(tnp.broadcast_to(np.arange(3.0), (2, 3)), np.broadcast_to(np.arange(3.0), (2, 3)))
    _check(tnp.broadcast_arrays(np.arange(3.0), np.ones((2, 1))), np.broadcast_arrays(np.arange(3.0), np.ones((2, 1))))
    _check(tnp.tile(np.arange(3), (2, 2)), np.tile(np.arange(3), (2, 2)))
    _check(tnp.repeat(x, 2, axis=1), np.repeat(x, 2, axis=1))
    _check(tnp.repeat(x, 2), np.repeat(x, 2))
    _check(tnp.pad(x, 1, "constant"), np.pad(x, 1))
    _check(tnp.pad(x, ((0, 1), (2, 0)), mode="reflect"), np.pad(x, ((0, 1), (2, 0)), mode="reflect"))
    _check(tnp.take(x, [2, 0]), np.take(x, [2, 0]))
    _check(tnp.take(x, [2, 0], axis=1), np.take(x, [2, 0], axis=1))
    idx = np.array([[2, 0, 1], [1, 1, 0]])
    _check(tnp.take_along_axis(x, idx, axis=1), np.take_along_axis(x, idx, axis=1))
    _check(tnp.compress([True, False, True], x, axis=1), np.compress([True, False, True], x, axis=1))
    _check(tnp.where(x > 2, x, -x), np.where(x > 2, x, -x))
    _check(tnp.select([x < 1, x > 4], [x, -x], 7.0), np.select([x < 1, x > 4], [x, -x], 7.0))
    _check(tnp.atleast_1d(3.0), np.atleast_1d(3.0))
    _check(tnp.atleast_2d(np.arange(3.0)), np.atleast_2d(np.arange(3.0)))
    _check(tnp.ix_(np.array([0, 1]), np.array([2, 3, 4])), np.ix_(np.array([0, 1]), np.array([2, 3, 4])))
    assert tnp.shape(x) == (2, 3) and tnp.ndim(x) == 2 and tnp.size(x) == 6 and tnp.size(x, 1) == 3
    assert tnp.isscalar(3.0) and not tnp.isscalar(x)


def test_creation_functions_match_numpy():
    _check(tnp.zeros((2, 3)), np.zeros((2, 3)))
    _check(tnp.ones(3, dtype=np.int32), np.ones(3, np.int32))
    _check(tnp.full((2, 2), 7), np.full((2, 2), 7))
    _check(tnp.full_like(A, 2.5), np.full_like(A, 2.5))
    _check(tnp.zeros_like(A), np.zeros_like(A))
    _check(tnp.ones_like(A, dtype=np.int64), np.ones_like(A, dtype=np.int64))
    _check(tnp.empty((2,)), np.zeros((2,)))
    _check(tnp.eye(3, 4, k=1), np.eye(3, 4, k=1))
    _check(tnp.eye(4, 3, k=-2), np.eye(4, 3, k=-2))
    _check(tnp.identity(3), np.identity(3))
    _check(tnp.arange(5), np.arange(5))
    _check(tnp.arange(1.0, 2.0, 0.25), np.arange(1.0, 2.0, 0.25))
    _check(tnp.arange(10, 2, -3), np.arange(10, 2, -3))
    _check(tnp.linspace(0.0, 1.0, 5), np.linspace(0.0, 1.0, 5))
    _check(tnp.linspace(2.0, 3.0, 4, endpoint=False), np.linspace(2.0, 3.0, 4, endpoint=False))
    _check(tnp.logspace(0.0, 2.0, 3), np.logspace(0.0, 2.0, 3))
    _check(tnp.geomspace(1.0, 1000.0, 4), np.geomspace(1.0, 1000.0, 4))
    _check(tnp.tri(3, 4, 1), np.tri(3, 4, 1))
    _check(tnp.vander(np.array([1.0, 2.0, 3.0]), 3), np.vander(np.array([1.0, 2.0, 3.0]), 3))
    _check(tnp.diag(np.array([1.0, 2.0]), 1), np.diag(np.array([1.0, 2.0]), 1))
    _check(tnp.diag(A), np.diag(A))
    _check(tnp.diagflat(np.array([[1.0, 2.0]])), np.diagflat(np.array([[1.0, 2.0]])))
    _check(tnp.diag_indices(3), np.diag_indices(3))
    _check(tnp.meshgrid(np.arange(2.0), np.arange(3.0)), np.meshgrid(np.arange(2.0), np.arange(3.0)))
    _check(tnp.array([[1, 2]], ndmin=3), np.array([[1, 2]], ndmin=3))
    _check(tnp.copy(A), A)


def test_linear_algebra_matches_numpy():
    m, v = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 2.0])
    _check(tnp.matmul(m, v), np.matmul(m, v))
    _check(tnp.matmul(v, m.T), np.matmul(v, m.T))
    _check(tnp.matmul(m, m.T), m @ m.T)
    _check(tnp.dot(v, v), np.dot(v, v))
    _check(tnp.dot(m, v), np.dot(m, v))
    _check(tnp.dot(np.ones((2, 3, 4)), np.ones((4, 5))), np.dot(np.ones((2, 3, 4)), np.ones((4, 5))))
    _check(tnp.vdot(m, m), np.vdot(m, m))
    _check(tnp.inner(m, m), np.inner(m, m))
    _check(tnp.outer(v, v), np.outer(v, v))
    _check(tnp.tensordot(m, m.T, 1), np.tensordot(m, m.T, 1))
    _check(tnp.kron(np.eye(2), m), np.kron(np.eye(2), m))
    _check(tnp.cross(v, np.array([0.5, 2.0, -1.0])), np.cross(v, np.array([0.5, 2.0, -1.0])))
    _check(tnp.einsum("ij,kj->ik", m, m), np.einsum("ij,kj->ik", m, m))
    _check(tnp.polyval([1.0, -2.0, 3.0], v), np.polyval([1.0, -2.0, 3.0], v))
    _check(tnp.isclose(v, v + 1e-9), np.isclose(v, v + 1e-9))
    assert bool(tnp.allclose(m, m + 1e-10)) and not bool(tnp.allclose(m, m + 1))
    assert bool(tnp.array_equal(m, m)) and not bool(tnp.array_equal(m, v))


def test_gradients_flow_through_tnp_functions():
    """d/dx sum(sin(x) * x^2 + logaddexp(x, 1)) against float64 central differences."""
    x0 = np.array([0.3, -1.2, 2.0])

    def f(x):
        return tnp.sum(tnp.sin(x) * tnp.square(x) + tnp.logaddexp(x, 1.0))

    x = pt.constant(x0)
    with pt.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x).numpy()
    eps = 1e-6
    numeric = [(float(f(pt.constant(x0 + eps * e))) - float(f(pt.constant(x0 - eps * e)))) / (2 * eps)
               for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)


def test_random_functions_give_shapes_dtypes_and_ranges():
    tnp.random.seed(3)
    u = tnp.random.uniform(2.0, 3.0, size=(1000,))
    assert u.dtype == pt.float64 and u.shape == (1000,) and 2.0 <= float(tnp.min(u)) and float(tnp.max(u)) < 3.0
    assert tnp.random.randn(2, 3).shape == (2, 3) and tnp.random.rand(4).shape == (4,)
    r = tnp.random.randint(5, size=(500,))
    assert r.dtype == pt.int64 and set(np.unique(r.numpy())) == {0, 1, 2, 3, 4}
    assert abs(float(tnp.mean(tnp.random.standard_normal(size=(20000,))))) < 0.05
    assert abs(float(tnp.mean(tnp.random.poisson(4.0, size=(20000,)))) - 4.0) < 0.1


@pytest.mark.parametrize("mode", ["all", "safe"])
def test_promotion_lattice_matches_tensorflow(mode):
    """Every pair of non-bool dtypes, and each dtype with a Python int, float and complex (weak)."""
    for key, want in RECORDED["pairs"][mode].items():
        a, b = key.split(",")
        if "bool" in (a, b):
            continue  # TF's TypeErrors there come from AddV2 having no bool kernel, not from promotion
        try:
            got = _promotion.result_dtype(mode, a, False, b, False)[0]
        except TypeError:
            got = "TypeError"
        assert got == want, f"{mode}: {a} + {b} gives {got}, TensorFlow {want}"
    for key, want in RECORDED["scalars"][mode].items():
        a, kind = key.split(",")
        weak = {"int": "int32", "float": "float32", "complex": "complex64"}[kind]
        try:
            got = _promotion.result_dtype(mode, a, False, weak, True)[0]
        except TypeError:
            got = "TypeError"
        assert got == want, f"{mode}: {a} + Python {kind} gives {got}, TensorFlow {want}"


def _child(tmp_path, code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=child_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_numpy_behavior_all_mode_promotes_operators_functions_and_assign(tmp_path):
    out = _child(tmp_path, """
        import numpy as np, pytensor as tf
        import pytensor.experimental.numpy as tnp
        tnp.experimental_enable_numpy_behavior(dtype_conversion_mode="all")
        def show(t): print(t.dtype.name, repr(t.numpy().item()) if t.shape.rank == 0 else t.numpy().tolist())
        show(tf.constant(10, tf.int32) + tf.constant(5.0, tf.float32))
        show(tf.constant(10, tf.int8) + tf.constant(5, tf.uint32))
        show(tf.constant(1, tf.int64) + tf.constant(3.5, tf.float16))
        show(tf.constant(1.25) + tf.constant(3.0, tf.float16))     # a weak float32 takes float16
        show(tf.add(tf.add(np.array(1, np.int8), tf.constant(1)), np.array(1, np.float16)))
        show(tf.constant(5, tf.int16) - tf.constant(1, tf.float32))
        show(-tf.constant(5) + tf.constant(1, tf.int8))            # the negated weak int stays weak
        v = tf.Variable(10, tf.int32)
        v.assign_add(tf.constant(5, tf.int16)); show(v.read_value())
        x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], tf.float32)
        show(x.T); show(x.reshape(3, 2)); show(x.reshape((6,))); show(x.astype("int32")); show(x.ravel())
        show(x.clip(2.0, 5.0)); print(x.ndim, x.size); show(x.min(axis=0)); show(x.mean()); show(x.max(axis=1))
        show(tnp.array(1)); show(tnp.array(1.5)); show(tnp.arange(3))
        y = tnp.arange(24).reshape(2, 3, 4)
        show(y[:, (True, False, True)][..., 0]); show(y[1, (0, 0, 1), tnp.asarray([0, 1, 1])]); show(y[y > 20])
        print(type(np.sum(tf.ones([2, 3]))).__name__)  # numpy reduces a tensor itself, as under TF (no .sum)
    """)
    assert out.split("\n") == [
        "float32 15.0", "int64 15", "float16 4.5", "float16 4.25", "float16 3.0", "float32 4.0", "int8 -4", "int32 15",
        "float32 [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]", "float32 [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]",
        "float32 [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", "int32 [[1, 2, 3], [4, 5, 6]]", "float32 [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]",
        "float32 [[2.0, 2.0, 3.0], [4.0, 5.0, 5.0]]", "2 6", "float32 [1.0, 2.0, 3.0]", "float32 3.5",
        "float32 [3.0, 6.0]", "int32 1", "float32 1.5", "int32 [0, 1, 2]", "int32 [[0, 8], [12, 20]]", "int32 [12, 13, 17]",
        "int32 [21, 22, 23]", "float32", ""]


def test_numpy_behavior_safe_mode_refuses_as_tensorflow(tmp_path):
    out = _child(tmp_path, """
        import pytensor as tf
        import pytensor.experimental.numpy as tnp
        tnp.experimental_enable_numpy_behavior(dtype_conversion_mode="safe")
        for a, b in ((tf.constant(10, tf.int32), tf.constant(5.0, tf.float32)),
                     (tf.constant(10, tf.int8), tf.constant(5, tf.uint32))):
            try:
                a + b
            except TypeError as e:
                print(e)
        print((tf.constant(1, tf.int16) + tf.constant(2.0, tf.float32)).dtype.name)
    """)
    lines = out.split("\n")
    assert lines[0].startswith("In promotion mode PromoMode.SAFE, implicit dtype promotion between (<dtype: 'int32'>, "
                               "weak=False) and (<dtype: 'float32'>, weak=False) is disallowed.")
    assert "(<dtype: 'int8'>, weak=False) and (<dtype: 'uint32'>, weak=False)" in lines[1]
    assert lines[2] == "float32"


def test_numpy_behavior_legacy_mode_keeps_tfs_one_dtype_rule(tmp_path):
    out = _child(tmp_path, """
        import numpy as np, pytensor as tf
        import pytensor.experimental.numpy as tnp
        tnp.experimental_enable_numpy_behavior()
        try:
            tf.add(tf.add(np.array(1, np.int8), tf.constant(1)), np.array(1, np.float16))
        except tf.errors.InvalidArgumentError as e:
            print(e)
        t = tf.add(tf.add(tf.constant(1), np.array(1, np.int8)), np.array(1, np.float16))
        print(t.dtype.name, int(t))
        t = np.array(3.25, np.float16) + tf.constant(1, tf.int8) + tf.constant(50)
        print(t.dtype.name, float(t))
        print(tnp.array(1.5).dtype.name, tnp.array(1).dtype.name)
    """)
    assert out.split("\n") == [
        "cannot compute AddV2 as input #1(zero-based) was expected to be a int8 tensor but is a int32 tensor "
        "[Op:AddV2] name: ", "int32 3", "float64 54.25", "float64 int64", ""]


def test_enable_numpy_behavior_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="dtype_conversion_mode must be 'legacy', 'all' or 'safe', got 'loose'"):
        tnp.experimental_enable_numpy_behavior(dtype_conversion_mode="loose")


TF_VALUES = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "tnp_values.json")))["values"]


@pytest.mark.parametrize("expression", sorted(TF_VALUES))
def test_results_match_tensorflows_recorded_dtype_and_values(expression):
    """Each expression of fixtures/make_tnp_values.py, evaluated with pytensor's tnp, against TF 2.21's result."""
    want = TF_VALUES[expression]
    got = eval(expression)  # noqa: S307 - the recorded expressions are ours
    if isinstance(got, (np.dtype, type)):
        assert np.dtype(got).name == want["dtype"]
        return
    if isinstance(got, int):  # ndim / size are Python ints (numpy's int64 in the recording)
        assert got == want["value"]
        return
    assert isinstance(got, pt.Tensor)
    assert got.dtype.name == want["dtype"], f"{expression}: {got.dtype.name}, TensorFlow {want['dtype']}"
    value = got.numpy()
    expected = np.array([np.nan if v is None else v for v in np.ravel(want["value"])]).reshape(np.shape(want["value"]))
    if value.dtype.kind in "biu":
        np.testing.assert_array_equal(value, expected)
    else:
        np.testing.assert_allclose(value, expected, rtol=1e-6, equal_nan=True)


def test_creation_dtypes_in_every_mode_match_tensorflow(tmp_path):
    """The dtypes TF 2.21 gives Python values (tnp.array(1.5), tnp.arange(3), tnp.zeros(2), ...) in each
    dtype-conversion mode, with and without prefer_float32."""
    out = _child(tmp_path, f"""
        import json, pytensor as tf
        import pytensor.experimental.numpy as tnp
        recorded = json.load(open({FIXTURE!r}))["creation"]
        for key, rows in recorded.items():
            mode, prefer = key.split(",")
            tnp.experimental_enable_numpy_behavior(prefer_float32=prefer == "True", dtype_conversion_mode=mode)
            for expr, dtype in rows.items():
                got = eval(expr).dtype.name
                if got != dtype:
                    print(key, expr, got, "TensorFlow:", dtype)
        print("done")
    """)
    assert out == "done\n"
