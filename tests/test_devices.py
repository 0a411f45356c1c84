"""The device model as TF has it: tf.config's device lists and GPU memory queries, tf.device placement, Tensor.device.

These run on any machine. Without a GPU (a CPU build, or a CUDA build on a machine without one) every answer must
be TF's on a CPU-only machine: the expected values and messages were recorded from TensorFlow 2.21 on this CPU-only
machine (the script is tests/fixtures/make_device_answers.py; its output is quoted in the assertions). With a GPU,
tests/test_cuda.py checks the GPU side.
"""
import os

import numpy as np
import pytest

import pytensor as tf

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"
HAS_GPU = tf._core.gpu_count() > 0
no_gpu = pytest.mark.skipif(HAS_GPU, reason="checks TF's answers on a machine without a GPU")


def test_physical_devices_are_tf_physical_devices():
    devices = tf.config.list_physical_devices()
    assert repr(devices[0]) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"  # TF's repr
    assert devices[0].name == "/physical_device:CPU:0" and devices[0].device_type == "CPU"
    gpus = tf.config.list_physical_devices("GPU")
    assert [d.name for d in gpus] == [f"/physical_device:GPU:{i}" for i in range(tf._core.gpu_count())]
    assert devices == tf.config.list_physical_devices("CPU") + gpus
    assert [d.name for d in tf.config.list_logical_devices("GPU")] == [f"/device:GPU:{i}" for i in range(len(gpus))]


@no_gpu
def test_without_a_gpu_the_gpu_queries_answer_as_tf():
    assert tf.config.list_physical_devices("GPU") == [] and tf.config.list_logical_devices("GPU") == []
    assert not tf.test.is_gpu_available() and tf.test.gpu_device_name() == ""
    # TF 2.21, CPU-only: get_memory_info('CPU:0') -> {'current': 0, 'peak': 0}
    assert tf.config.experimental.get_memory_info("CPU:0") == {"current": 0, "peak": 0}
    assert tf.config.experimental.get_memory_info("/device:CPU:0") == {"current": 0, "peak": 0}
    for name in ["GPU:0", "/device:GPU:0", "GPU:9"]:
        with pytest.raises(ValueError, match=f"No matching devices found for '{name}'"):
            tf.config.experimental.get_memory_info(name)
    with pytest.raises(ValueError, match="No matching devices found for 'GPU:0'"):
        tf.config.experimental.reset_memory_stats("GPU:0")
    with pytest.raises(ValueError, match="Failed parsing device name: 'foo'"):
        tf.config.experimental.get_memory_info("foo")


def test_memory_growth_refuses_what_tf_refuses():
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(KeyError):  # TF: KeyError(PhysicalDevice(name='/physical_device:CPU:0', ...))
        tf.config.experimental.get_memory_growth(cpu)
    with pytest.raises(ValueError, match="Unrecognized device: '/physical_device:GPU:7'"):
        tf.config.experimental.set_memory_growth("/physical_device:GPU:7", True)
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
        assert tf.config.experimental.get_memory_growth(gpu) is True


@no_gpu
def test_gpu_scopes_soft_place_on_the_cpu_without_a_gpu():
    # TF 2.21, CPU-only, under tf.device("/GPU:0"): constant, identity and x + 1 all on .../device:CPU:0
    for name in ["/GPU:0", "/device:GPU:0", "gpu:1", "/GPU:7", "/job:localhost/replica:0/task:0/device:GPU:0"]:
        with tf.device(name):
            x = tf.constant([1.0, 2.0])
            assert x.device == CPU and tf.identity(x).device == CPU and (x + 1).device == CPU
            assert tf.zeros([2]).device == CPU and tf.Variable(1.0).device == CPU
            np.testing.assert_array_equal((x * 2).numpy(), [2.0, 4.0])
        assert tf._core.default_device() == "CPU"


def test_device_scopes_nest_and_restore_the_outer_device():
    outer = tf._core.default_device()
    with tf.device("/CPU:0"):
        with tf.device("/GPU:0"):
            inner = tf.constant(1.0).device
            assert inner == (GPU if HAS_GPU else CPU)
        assert tf.constant(1.0).device == CPU
        with tf.device(None):  # TF: None keeps the enclosing device
            assert tf.constant(1.0).device == CPU
    assert tf._core.default_device() == outer
    with pytest.raises(ValueError, match="while parsing the device spec"):
        with tf.device("/XPU:0"):
            pass
    assert tf._core.default_device() == outer


@no_gpu
def test_the_core_refuses_gpu_placement_without_a_gpu():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="no GPU is present"):
        tf._core.to_device(x, "GPU")
    with pytest.raises(ValueError, match="no GPU is present"):
        tf._core.set_default_device("GPU")
    with pytest.raises(ValueError, match="expected 'CPU' or 'GPU'"):
        tf._core.to_device(x, "TPU")
    assert tf._core.to_device(x, "CPU") is not None and tf._core.default_device() == "CPU"
    with pytest.raises(ValueError, match="no GPU is present"):
        tf._core.gpu_memory_info()


def test_build_reports_cuda_as_built():
    """A CUDA build (bench/cuda_check.sh, .ci's CUDA build check) sets PYTENSOR_EXPECT_CUDA=1 for its test run."""
    assert tf.test.is_built_with_cuda() is tf._core.built_with_cuda
    expected = os.environ.get("PYTENSOR_EXPECT_CUDA")
    if expected is not None:
        assert tf.test.is_built_with_cuda() is (expected == "1")
