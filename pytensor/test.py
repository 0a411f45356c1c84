"""``tf.test``: TensorFlow's unittest helpers (``TestCase`` with its array assertions, ``main``,
``compute_gradient``) and the build queries TF test programs ask (a GPU only in a CUDA build on a machine with one).
"""

import contextlib
import unittest

import numpy as np

from . import _core

__all__ = ["TestCase", "main", "compute_gradient", "Benchmark", "is_gpu_available", "gpu_device_name",
           "is_built_with_cuda", "is_built_with_gpu_support", "is_built_with_rocm", "is_built_with_xla",
           "is_cpu_target_available", "disable_with_predicate", "with_eager_op_as_function", "benchmark_config"]


def _numpy(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


class TestCase(unittest.TestCase):
    """``unittest.TestCase`` with TF's assertions on tensors, arrays and nested structures of them; each test
    starts from the global random seed 87654321, as TF's."""

    def setUp(self):
        from .keras.utils import set_random_seed

        super().setUp()
        set_random_seed(87654321)

    def evaluate(self, tensors):
        """Tensors (nested) as numpy values."""
        from .nest import map_structure

        return map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, tensors)

    @contextlib.contextmanager
    def session(self, graph=None, config=None):
        """TF1's test session: eager here, so a context that yields nothing to run."""
        yield None

    cached_session = session

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802 - TF's name
        """Values (tensors, arrays, numbers) or dicts / lists / tuples of them are close, as TF's."""
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertIsInstance(a, dict, msg)
            self.assertIsInstance(b, dict, msg)
            self.assertEqual(set(a), set(b), msg or "dicts have different keys")
            for key in a:
                self.assertAllClose(a[key], b[key], rtol=rtol, atol=atol, msg=msg)
            return
        try:
            x, y = _numpy(a), _numpy(b)
            numeric = x.dtype != object and y.dtype != object
        except ValueError:  # ragged nesting: not one array
            numeric = False
        if not numeric and isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            self.assertEqual(len(a), len(b), msg or "structures differ in length")
            for p, q in zip(a, b):
                self.assertAllClose(p, q, rtol=rtol, atol=atol, msg=msg)
            return
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=msg or "")

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6, float_atol=1e-6,  # noqa: N802
                                      half_rtol=1e-3, half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        self.assertAllClose(a, b, rtol=max(rtol, float_rtol), atol=max(atol, float_atol), msg=msg)

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        np.testing.assert_array_equal(_numpy(a), _numpy(b), err_msg=msg or "")

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        self.assertFalse(np.array_equal(_numpy(a), _numpy(b)), msg or "arrays are equal")

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        self.assertFalse(np.allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol), msg or "arrays are close")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) > comparison_target), f"not all greater than {comparison_target}")

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) >= comparison_target), f"not all >= {comparison_target}")

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) < comparison_target), f"not all less than {comparison_target}")

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertTrue(np.all(_numpy(a) <= comparison_target), f"not all <= {comparison_target}")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        values = _numpy(target)
        low = values > lower_bound if open_lower_bound else values >= lower_bound
        high = values < upper_bound if open_upper_bound else values <= upper_bound
        self.assertTrue(np.all(low & high), f"values outside [{lower_bound}, {upper_bound}]")

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        self.assertTrue(set(_numpy(target).reshape(-1).tolist()) <= set(expected_set))

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        self.assertTrue(abs(float(f1) - float(f2)) <= err, msg or f"{f1} != {f2} +/- {err}")

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        for x, y in zip(farray1, farray2):
            self.assertNear(x, y, err, msg)

    def assertShapeEqual(self, input_a, input_b, msg=None):  # noqa: N802
        self.assertEqual(tuple(_numpy(input_a).shape), tuple(input_b.shape), msg)

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        from .dtypes import as_dtype

        self.assertEqual(as_dtype(target.dtype), as_dtype(expected_dtype))

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        from .errors import OpError

        return self.assertRaisesRegex(OpError, expected_err_re_or_predicate)

    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):  # noqa: N802
        return self.assertRaisesRegex(exception_type, expected_err_re_or_predicate)


def main(argv=None):
    """Runs the tests of ``__main__`` (unittest's runner)."""
    unittest.main(argv=argv)


def compute_gradient(f, x, delta=None):
    """(theoretical, numerical) Jacobians of `f` at the list of tensors `x`: the tape's, and central differences of
    step `delta` (1e-3 for float32, 1e-6 for float64), each [output size, input size] per input, as TF's."""
    from . import _core
    from .gradient_tape import GradientTape

    xs = [_core.convert_to_tensor(v) for v in x]
    theoretical, numerical = [], []
    base = [np.asarray(v.numpy()) for v in xs]
    for i, value in enumerate(base):
        step = delta if delta is not None else (1e-6 if value.dtype == np.float64 else 1e-3)
        y0 = _numpy(f(*xs))
        rows, cols = y0.size, value.size
        jac_theory = np.zeros((rows, cols), value.dtype)
        for r in range(rows):
            with GradientTape() as tape:
                tape.watch(xs[i])
                y = f(*xs)
                picked = _core.reshape(y, (-1,))[r]
            grad = tape.gradient(picked, xs[i])
            if grad is not None:
                jac_theory[r] = _numpy(_core.convert_to_tensor(grad)).reshape(-1)
        jac_numeric = np.zeros((rows, cols), value.dtype)
        for c in range(cols):
            shifted = []
            for sign in (1, -1):
                moved = value.copy().reshape(-1)
                moved[c] += sign * step
                args = list(xs)
                args[i] = _core.constant(moved.reshape(value.shape))
                shifted.append(_numpy(f(*args)).reshape(-1))
            jac_numeric[:, c] = (shifted[0] - shifted[1]) / (2 * step)
        theoretical.append(jac_theory)
        numerical.append(jac_numeric)
    return tuple(theoretical), tuple(numerical)


class Benchmark:
    """TF's benchmark base: ``report_benchmark`` prints what it is given."""

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None, extras=None, name=None,
                         metrics=None):
        print(f"benchmark {name or type(self).__name__}: iters={iters} wall_time={wall_time} extras={extras}")

    def evaluate(self, tensors):
        return TestCase.evaluate(self, tensors)


def benchmark_config():
    """The session config TF's benchmarks use: none is needed here."""
    return None


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """True when a GPU is usable: a CUDA build (-Ccmake.define.PYTENSOR_CUDA=ON) on a machine with one."""
    return _core.gpu_count() > 0


def gpu_device_name():
    """'/device:GPU:0' when a GPU is usable, else ''."""
    return "/device:GPU:0" if _core.gpu_count() else ""


def is_built_with_cuda():
    """True for a build with the CUDA backend (whether or not this machine has a GPU)."""
    return _core.built_with_cuda


def is_built_with_gpu_support():
    return _core.built_with_cuda


def is_built_with_rocm():
    return False


def is_built_with_xla():
    return False


def is_cpu_target_available(target):
    """True for the x86 CPU pytensor runs on."""
    return str(target).lower() in ("x86", "x86_64", "cpu")


def disable_with_predicate(pred, skip_message):
    """Decorator: skips the test when `pred()` is true."""
    def decorate(fn):
        def run(self, *args, **kwargs):
            if pred():
                self.skipTest(skip_message)
            return fn(self, *args, **kwargs)
        return run
    return decorate


def with_eager_op_as_function(cls=None, only_as_function=False):
    """TF's decorator that reruns tests with ops wrapped as functions: tests run as they are here."""
    return cls if cls is not None else (lambda c: c)
