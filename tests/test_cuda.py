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


def _on_both(fn, *arrays):
    """fn's outputs (as numpy) computed from `arrays` placed on the CPU and on the GPU."""
    results = []
    for device in ("CPU", "GPU"):
        with tf.device(f"/{device}:0"):
            results.append([np.asarray(t) for t in _flatten([fn(*[tf.constant(a) for a in arrays])])])
    return results


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_uniform_and_dropout_draw_the_cpus_numbers(dtype):
    # The GPU kernel draws the CPU's numbers (TF's): the same stream and element layout, and the same rounded multiply
    # and add, so a seed gives the same draws and the same dropout mask. 5000 elements cross several CPU tiles.
    x = np.random.default_rng(4).standard_normal((50, 100)).astype(dtype)

    def draw(t):
        tf.random.set_seed(11)
        return [tf.random.uniform([5000], -2.0, 3.0, dtype=dtype, seed=5), tf.nn.dropout(t, 0.4, seed=9)]

    (u_cpu, d_cpu), (u_gpu, d_gpu) = _on_both(draw, x)
    assert "random_uniform" in CUDA_KERNELS and "dropout" in CUDA_KERNELS
    np.testing.assert_array_equal(u_gpu, u_cpu)
    np.testing.assert_array_equal(d_gpu == 0, d_cpu == 0)
    np.testing.assert_allclose(d_gpu, d_cpu, rtol=1e-6 if dtype == "float32" else 1e-13)


@pytest.mark.parametrize("label_dtype", ["int32", "int64"])
def test_fused_cross_entropies_and_gradients_agree_with_the_cpu(label_dtype):
    rng = np.random.default_rng(5)
    logits = (rng.standard_normal((37, 300)) * 4).astype("float32")
    logits[3, 7] = np.inf  # a row whose maximum is infinite: shifted by 0, as on the CPU
    labels = rng.integers(0, 300, 37).astype(label_dtype)
    dense = rng.random((37, 300)).astype("float32")
    dense /= dense.sum(1, keepdims=True)

    def losses(x, y, p):
        with tf.GradientTape() as tape:
            tape.watch(x)
            sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
            total = tf.reduce_sum(sparse * tf.range(37, dtype=tf.float32))  # a distinct dy per row
        return [sparse, tape.gradient(total, x), tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=x)]

    cpu, gpu = _on_both(losses, logits, labels, dense)
    for name, c, g in zip(("sparse loss", "sparse gradient", "dense loss"), cpu, gpu):
        np.testing.assert_allclose(g, c, rtol=2e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("optimizer", ["sgd", "sgd_nesterov", "adam", "amsgrad"])
def test_fused_optimizer_updates_agree_with_the_cpu(optimizer):
    rng = np.random.default_rng(6)
    init = rng.standard_normal((64, 33)).astype("float32")
    grads = [rng.standard_normal((64, 33)).astype("float32") for _ in range(3)]
    make = {"sgd": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9, weight_decay=0.01),
            "sgd_nesterov": lambda: tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
            "adam": lambda: tf.keras.optimizers.Adam(0.01, weight_decay=0.004),
            "amsgrad": lambda: tf.keras.optimizers.Adam(0.01, amsgrad=True)}[optimizer]
    assert ("apply_sgd" if optimizer.startswith("sgd") else "apply_adam") in CUDA_KERNELS
    results = []
    for device in ("CPU", "GPU"):
        with tf.device(f"/{device}:0"):
            var, opt = tf.Variable(init), make()
            for g in grads:
                opt.apply_gradients([(tf.constant(g), var)])
            assert var.device == (CPU if device == "CPU" else GPU)
            results.append(var.numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("window,strides", [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((3, 2), (1, 2))])
def test_pooling_and_its_gradients_agree_with_the_cpu(padding, window, strides):
    x = np.random.default_rng(7).standard_normal((2, 9, 11, 5)).astype("float32")
    x[0, 0, 0, 0] = x[0, 0, 1, 0]  # a tie: the first maximum wins on both devices
    x[1, 4, 4, 2] = np.nan  # a NaN wins its windows

    def pools(t):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(t)
            mx = tf.nn.max_pool2d(t, window, strides, padding)
            avg = tf.nn.avg_pool2d(t, window, strides, padding)
            weights = tf.reshape(tf.range(tf.size(mx), dtype=tf.float32), tf.shape(mx))
            mx_total, avg_total = tf.reduce_sum(tf.where(tf.math.is_nan(mx), 0.0, mx) * weights), \
                tf.reduce_sum(avg * weights)
        return [mx, avg, tape.gradient(mx_total, t), tape.gradient(avg_total, t)]

    cpu, gpu = _on_both(pools, x)
    for name, c, g in zip(("max_pool2d", "avg_pool2d", "max_pool2d gradient", "avg_pool2d gradient"), cpu, gpu):
        np.testing.assert_allclose(g, c, rtol=1e-5, atol=1e-6, err_msg=name)


def test_the_convolutions_have_cuda_kernels():
    # The generic tests above cover an op only where the kernel table has a CUDA kernel for it.
    for name in ("conv2d", "conv2d_backprop_input", "conv2d_backprop_filter", "conv2d_max_pool",
                 "conv2d_max_pool_backprop_input", "conv2d_max_pool_backprop_filter"):
        assert set(CUDA_KERNELS.get(name, [])) >= {"float32", "float64"}, name


@pytest.mark.parametrize("strides,padding,dilations", [
    (1, "VALID", 1), (2, "SAME", 1), ([1, 2], [[0, 0], [2, 1], [0, 3], [0, 0]], 1), (1, "SAME", [2, 3])])
def test_conv2d_gradients_agree_with_the_cpu(strides, padding, dilations):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 11, 10, 5)).astype("float32")
    w = rng.standard_normal((3, 2, 5, 7)).astype("float32")

    def conv(t, f):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([t, f])
            y = tf.nn.conv2d(t, f, strides, padding, dilations=dilations)
            total = tf.reduce_sum(y * tf.reshape(tf.range(tf.size(y), dtype=tf.float32) / 100.0, tf.shape(y)))
        return [y, tape.gradient(total, t), tape.gradient(total, f)]

    cpu, gpu = _on_both(conv, x, w)
    for name, c, g in zip(("conv2d", "input gradient", "filter gradient"), cpu, gpu):
        np.testing.assert_allclose(g, c, rtol=1e-4, atol=1e-3, err_msg=name)


def test_a_cnn_fit_on_the_gpu_matches_the_cpu():
    # Conv2D -> MaxPooling2D: the traced step fuses them into conv2d_max_pool and its gradients (CUDA kernels too).
    rng = np.random.default_rng(9)
    x = rng.standard_normal((64, 12, 12, 1)).astype("float32")
    y = rng.integers(0, 10, 64)
    weights = []
    for device in ("CPU", "GPU"):
        with tf.device(f"/{device}:0"):
            tf.keras.utils.set_random_seed(0)
            model = tf.keras.Sequential([tf.keras.Input((12, 12, 1)),
                                         tf.keras.layers.Conv2D(8, 3, activation="relu"),
                                         tf.keras.layers.MaxPooling2D(2), tf.keras.layers.Flatten(),
                                         tf.keras.layers.Dense(10)])
            model.compile(tf.keras.optimizers.SGD(0.05),
                          tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
            weights.append([v.numpy() for v in model.trainable_variables])
    for c, g in zip(*weights):
        np.testing.assert_allclose(g, c, rtol=1e-4, atol=1e-5)
