"""The CUDA backend on a GPU: every op with a CUDA kernel against numpy and against the CPU, placement, copies,
the CPU fallback, out-of-memory errors and GPU memory statistics.

Skipped without a GPU (a CPU build, or a CUDA build on a machine without one); bench/cuda_check.sh builds with CUDA
and runs this file on a machine with an NVIDIA GPU. The ops covered are read from the kernel table
(`_core.cuda_kernels()`), so a kernel added there is tested here without editing this file.
"""
import warnings

import numpy as np
import pytest

import pytensor as tf
from op_db import _flatten, op_db, to_pt_sample
from test_ops import _compare

HAS_GPU = tf._core.gpu_count() > 0
pytestmark = pytest.mark.skipif(not HAS_GPU, reason="no GPU: needs a CUDA build (-Ccmake.define.PYTENSOR_CUDA=ON) "
                                                    "on a machine with an NVIDIA GPU (bench/cuda_check.sh)")
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
CUDA_KERNELS = tf._core.cuda_kernels() if HAS_GPU else {}


def _gpu_pairs(float32_only=False):
    return [pytest.param(op, dt, id=f"{op.name}-{dt}") for op in op_db if op.name in CUDA_KERNELS
            for dt in op.dtypes if dt in CUDA_KERNELS[op.name] and (dt == "float32" or not float32_only)]


def _on(device, value):
    """A sample argument's tensors copied to `device` ("CPU" / "GPU"); other values unchanged."""
    if isinstance(value, tf.Tensor):
        return tf._core.to_device(value, device)
    if isinstance(value, list):
        return [_on(device, v) for v in value]
    return value


def _run(op, sample, device):
    args, kwargs = to_pt_sample(sample)
    with tf.device(f"/{device}:0"):
        return op(*[_on(device, a) for a in args], **{k: _on(device, v) for k, v in kwargs.items()})


@pytest.mark.parametrize("op,dtype", _gpu_pairs())
def test_gpu_forward_matches_numpy(op, dtype):
    failures = []
    for sample in op.sample_inputs(dtype, np.random.default_rng(0)):
        where = f"{op.name}[{dtype}] {sample.desc} on the GPU"
        out = _run(op, sample, "GPU")
        for t in _flatten([out]):
            if isinstance(t, tf.Tensor) and t.device != GPU:
                failures.append(f"{where}: output on {t.device}, not the GPU")
        failures += _compare(op, out, op.reference(sample), where)
    assert not failures, "\n".join(failures[:12])


@pytest.mark.parametrize("op,dtype", _gpu_pairs(float32_only=True))
def test_cpu_and_gpu_agree_in_float32(op, dtype):
    failures = []
    for sample in op.sample_inputs(dtype, np.random.default_rng(1)):
        cpu = _run(op, sample, "CPU")
        gpu = _run(op, sample, "GPU")
        failures += _compare(op, gpu, cpu.numpy(), f"{op.name}[{dtype}] {sample.desc}: GPU vs CPU")
    assert not failures, "\n".join(failures[:12])


def test_strided_and_broadcast_views_on_the_gpu():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 4, 5)).astype("float32"), rng.standard_normal((5, 1)).astype("float32")
    with tf.device("/GPU:0"):
        ta, tb = tf.constant(a), tf.constant(b)
        view = tf.transpose(ta, [2, 1, 0])  # (5, 4, 3), a strided view of GPU memory
        out = tf.exp(view) + tb[:, :, None] * 2.0
        assert out.device == GPU
        np.testing.assert_allclose(out.numpy(), np.exp(a.transpose(2, 1, 0)) + b[:, :, None] * 2, rtol=1e-6)
        np.testing.assert_allclose(tf.reduce_sum(view, axis=[0, 2]).numpy(), a.transpose(2, 1, 0).sum((0, 2)),
                                   rtol=1e-5)
        np.testing.assert_allclose(tf.matmul(view, view, transpose_b=True).numpy(),
                                   a.transpose(2, 1, 0) @ a.transpose(2, 0, 1), rtol=1e-5, atol=1e-5)


def test_float32_matmul_does_not_use_tf32():
    # 1 + 2^-15 needs 16 mantissa bits: TF32 (10 bits) would round the product to 1.
    x = np.float32(1 + 2 ** -15)
    with tf.device("/GPU:0"):
        got = tf.matmul(tf.constant([[x]]), tf.constant([[1.0]])).numpy()
    assert got[0, 0] == x


def test_new_tensors_go_to_the_gpu_by_default_and_numpy_copies_back():
    x = tf.constant([1.0, 2.0, 3.0])  # TF's rule: the GPU when one is present
    assert x.device == GPU and tf.zeros([2]).device == GPU and tf.Variable([1.0]).device == GPU
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])
    with tf.device("/CPU:0"):
        c = tf.constant([10.0, 20.0, 30.0])
        assert c.device == CPU and tf.identity(x).device == CPU  # identity under a scope copies
    np.testing.assert_array_equal((x + c).numpy(), [11.0, 22.0, 33.0])  # inputs on two devices: copied, as TF
    np.testing.assert_array_equal((c + x).numpy(), [11.0, 22.0, 33.0])
    assert float(tf.reduce_sum(x)) == 6.0


def test_variables_live_where_they_were_created_and_take_values_from_either_device():
    with tf.device("/CPU:0"):
        on_cpu = tf.Variable([0.0, 0.0])
    on_gpu = tf.Variable([5.0, 6.0])
    assert on_cpu.device == CPU and on_gpu.device == GPU
    on_cpu.assign(on_gpu)  # a GPU value into host memory
    on_gpu.assign(tf._core.to_device(tf.constant([7.0, 8.0]), "CPU"))  # a host value into GPU memory
    assert on_cpu.device == CPU and on_gpu.device == GPU
    np.testing.assert_array_equal(on_cpu.numpy(), [5.0, 6.0])
    np.testing.assert_array_equal(on_gpu.numpy(), [7.0, 8.0])


def test_an_op_without_a_cuda_kernel_runs_on_the_cpu_and_warns_once():
    no_kernel = next(name for name in ("floor", "ceil", "round", "sign") if name not in CUDA_KERNELS)
    fn = getattr(tf.math, no_kernel)
    x = tf.constant([-1.5, 0.25, 2.5])
    with pytest.warns(RuntimeWarning, match=f"{no_kernel}: no CUDA kernel for dtype float32"):
        y = fn(x)
    np.testing.assert_array_equal(y.numpy(), getattr(np, no_kernel)(np.array([-1.5, 0.25, 2.5], "float32")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fn(x)  # once per op


def test_out_of_gpu_memory_is_a_resource_exhausted_error_naming_the_op():
    a, b = tf.ones([1 << 18, 1]), tf.ones([1, 1 << 18])  # their product: 2^36 floats, 256 GiB
    with pytest.raises(tf.errors.ResourceExhaustedError,
                       match=r"multiply: out of GPU memory allocating a tensor of 274877906944 bytes .* bytes are free"):
        a * b
    np.testing.assert_array_equal((a[:2] * b[:, :2]).numpy(), np.ones((2, 2)))  # the device still works


def test_memory_info_counts_the_gpu_tensors():
    tf.config.experimental.reset_memory_stats("GPU:0")
    before = tf.config.experimental.get_memory_info("GPU:0")
    x = tf.zeros([1 << 20])
    during = tf.config.experimental.get_memory_info("GPU:0")
    assert during["current"] - before["current"] >= 4 << 20 and during["peak"] >= during["current"]
    del x
    assert tf.config.experimental.get_memory_info("GPU:0")["current"] == before["current"]
    assert tf.config.list_physical_devices("GPU")[0].name == "/physical_device:GPU:0"


def test_reductions_are_deterministic_on_the_gpu():
    x = tf.constant(np.random.default_rng(3).standard_normal(1 << 20).astype("float32"))
    first = tf.reduce_sum(x).numpy()
    assert all(tf.reduce_sum(x).numpy().tobytes() == first.tobytes() for _ in range(5))
