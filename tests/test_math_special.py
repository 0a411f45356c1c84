"""tf.math.special against real TensorFlow's recorded values (fixtures/math_special.npz, made by
fixtures/make_math_special.py): float32 and float64 values on a grid that includes each domain's edges (TF's NaN /
inf where the functions are undefined or its kernels overflow), and TF's float64 gradients, including the values TF
imputes where its formulas divide by zero. Values inside the domains, non-contiguous inputs and finite-difference
first and second gradients are tests/op_db/special.py's rows."""
import os

import numpy as np
import pytest

import pytensor as tf

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "math_special.npz"))
NAMES = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "bessel_j0", "bessel_j1", "bessel_k0", "bessel_k0e",
         "bessel_k1", "bessel_k1e", "bessel_y0", "bessel_y1", "dawsn", "expint", "fresnel_cos", "fresnel_sin",
         "spence"]
# (rtol, atol): float32 is TF's own float32 kernels against a float64 computation rounded once; float64 differs
# by the large-argument phase of J / Y (libstdc++'s against Cephes's, ~1e-16 x absolute) and the Fresnel phase.
TOLERANCES = {"float32": (4e-6, 2e-7), "float64": (1e-12, 1e-12)}
# Where TF's float32 kernels differ from a float64 computation rounded once, and the float64 value is the right
# one: I and Ei overflow earlier in float32; J, Y and the Fresnel integrals lose their float32 phase at 700 and 800;
# y1's float32 kernel gives NaN at 0 (its float64 kernel, and the limit, are -inf).
FLOAT32_SKIP = {"bessel_i0": [700.0, -800.0, 800.0], "bessel_i1": [700.0, -800.0, 800.0],
                "bessel_j0": [700.0, 800.0, -800.0], "bessel_j1": [700.0, 800.0, -800.0],
                "bessel_y0": [700.0, 800.0], "bessel_y1": [700.0, 800.0, 0.0], "expint": [700.0, 800.0],
                "fresnel_cos": [700.0, 800.0, -800.0], "fresnel_sin": [700.0, 800.0, -800.0]}


def test_the_module_has_tf_names():
    public = sorted(n for n in dir(tf.math.special) if not n.startswith("_"))
    assert public == NAMES
    for name in ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"):
        assert getattr(tf.math, name) is getattr(tf.math.special, name)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_values_match_tensorflow(name, dtype):
    x = FIXTURE["x"].astype(dtype)
    expected = FIXTURE[f"{name}_{dtype}"]
    got = getattr(tf.math.special, name)(tf.constant(x))
    assert got.dtype.name == dtype
    got = got.numpy()
    keep = np.ones(x.shape, bool)
    if dtype == "float32":
        keep &= ~np.isin(x, np.array(FLOAT32_SKIP.get(name, []), dtype))
    rtol, atol = TOLERANCES[dtype]
    np.testing.assert_allclose(got[keep], expected[keep], rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=f"{name} at x = {x[keep]}")
    # the edges' NaN and infinities exactly (assert_allclose already requires NaN where TF has NaN)
    special = ~np.isfinite(expected) & keep
    np.testing.assert_array_equal(got[special], expected[special])


@pytest.mark.parametrize("name", NAMES)
def test_gradients_match_tensorflow(name):
    x = tf.constant(FIXTURE["grad_x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = getattr(tf.math.special, name)(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), FIXTURE[f"{name}_grad"], rtol=1e-10, atol=1e-13,
                               equal_nan=True)


def test_traced_function_and_second_derivative():
    # d/dx bessel_j0 = -j1, d2/dx2 = -(j0 - j1 / x): the gradient formula is made of registry ops, so it traces
    @tf.function
    def second(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.math.special.bessel_j0(x)
            dy = inner.gradient(y, x)
        return dy, outer.gradient(dy, x)

    x = tf.constant([0.7, 2.0, 5.5], tf.float64)
    dy, d2y = second(x)
    j0, j1 = tf.math.special.bessel_j0(x).numpy(), tf.math.special.bessel_j1(x).numpy()
    np.testing.assert_allclose(dy.numpy(), -j1, rtol=1e-14)
    np.testing.assert_allclose(d2y.numpy(), -(j0 - j1 / x.numpy()), rtol=1e-13)


def test_half_precision_computes_in_float32():
    x = np.array([0.5, 2.0, 9.0], np.float16)
    got = tf.math.special.dawsn(tf.constant(x))
    assert got.dtype.name == "float16"
    expected = tf.math.special.dawsn(tf.constant(x.astype(np.float32))).numpy().astype(np.float16)
    np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
def test_non_float_input_raises_type_error_naming_the_op(dtype):
    with pytest.raises(TypeError, match=f"fresnel_cos.*{dtype}"):
        tf.math.special.fresnel_cos(tf.constant(np.ones(3, dtype)))
