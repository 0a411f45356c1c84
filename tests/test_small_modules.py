"""tf.bitwise, tf.sets, tf.audio, tf.sysconfig, tf.test, tf.autodiff, the TypeSpec family and the small top-level
functions (pytensor/_tf_misc.py) — against real TensorFlow's recorded results (fixtures/make_small_modules.py),
numpy and hand-derived values."""

import base64
import json
import os
import unittest

import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient

with open(os.path.join(os.path.dirname(__file__), "fixtures", "small_modules.json")) as f:
    REC = json.load(f)["results"]

X = np.array([5, -8, 1, 1, 1, 255], np.int32)
Y = np.array([3, 1, 31, 33, -1, 4], np.int32)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"])
def test_bitwise_binary(name):
    assert getattr(tf.bitwise, name)(X, Y).numpy().tolist() == REC[name]


def test_bitwise_invert_and_bad_input():
    assert tf.bitwise.invert(X).numpy().tolist() == REC["invert"]
    assert tf.bitwise.invert(tf.constant([0, 5, 255], tf.uint8)).numpy().tolist() == REC["invert_uint8"]
    with pytest.raises(TypeError, match="bitwise_and: expected an integer tensor"):
        tf.bitwise.bitwise_and(tf.constant([1.0]), tf.constant([2.0]))
    with pytest.raises(TypeError, match="one dtype"):
        tf.bitwise.bitwise_or(tf.constant([1], tf.int32), tf.constant([2], tf.int64))


def _sparse(s):
    values = s.values.numpy().tolist()
    return {"indices": s.indices.numpy().tolist(), "dense_shape": s.dense_shape.numpy().tolist(),
            "values": [v.decode() if isinstance(v, bytes) else v for v in values]}


A, B = [[1, 2, 3], [4, 5, 5]], [[2, 3, 9], [5, 6, 7]]


def test_sets_match_tensorflow():
    assert _sparse(tf.sets.intersection(A, B)) == REC["intersection"]
    assert _sparse(tf.sets.union(A, B)) == REC["union"]
    assert _sparse(tf.sets.difference(A, B)) == REC["difference"]
    assert _sparse(tf.sets.difference(A, B, aminusb=False)) == REC["difference_b_minus_a"]
    assert _sparse(tf.sets.union([["a", "c"], ["b", "b"]], [["b"], ["a"]])) == REC["union_strings"]
    three = [[[1, 2], [3, 3]], [[4, 4], [1, 6]]]
    assert _sparse(tf.sets.intersection(three, [[[2, 9], [3, 1]], [[4, 7], [6, 6]]])) == REC["intersection_rank3"]
    assert tf.sets.size(tf.sparse.from_dense([[1, 2, 2], [3, 3, 0]])).numpy().tolist() == REC["size"]
    with pytest.raises(TypeError, match="sets.size: expected a SparseTensor"):
        tf.sets.size([[1, 2]])
    with pytest.raises(TypeError, match="integers or strings"):
        tf.sets.union([[1.5]], [[2.5]])


def test_audio_matches_tensorflow_bytes_and_samples():
    wav = tf.audio.encode_wav(np.array(REC["wav_samples"], np.float32), 16000)
    assert wav.numpy() == base64.b64decode(REC["wav_base64"])
    decoded, rate = tf.audio.decode_wav(wav)
    assert decoded.numpy().tolist() == REC["decoded"] and int(rate) == REC["rate"]
    assert tf.audio.decode_wav(wav, desired_channels=3, desired_samples=5)[0].numpy().tolist() == REC["decoded_3ch_5"]
    assert tf.audio.decode_wav(wav, desired_channels=1, desired_samples=2)[0].numpy().tolist() == REC["decoded_1ch_2"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="decode_wav: not a valid WAV file"):
        tf.audio.decode_wav(tf.constant(b"RIFF....not a wav"))


def test_misc_functions_match_tensorflow():
    assert tf.bitcast(np.array([1.0, -2.5], np.float32), tf.int32).numpy().tolist() == REC["bitcast_float_to_int"]
    assert tf.bitcast(np.array([1, 258], np.int32), tf.uint8).numpy().tolist() == REC["bitcast_int_to_uint8"]
    assert tf.bitcast(np.array([[1, 0, 0, 0], [2, 1, 0, 0]], np.uint8), tf.int32).numpy().tolist() == \
        REC["bitcast_uint8_to_int32"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="last axis of 4"):
        tf.bitcast(np.array([1, 2], np.uint8), tf.int32)
    hyp = tf.sparse.from_dense([[1, 2, 3], [4, 5, 0], [7, 0, 0]])
    truth = tf.sparse.from_dense([[1, 3, 3], [4, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(tf.edit_distance(hyp, truth).numpy(), REC["edit_distance"], rtol=1e-6)
    np.testing.assert_allclose(tf.edit_distance(hyp, truth, normalize=False).numpy(), REC["edit_distance_raw"])
    volume = np.arange(2 * 5 * 4 * 4 * 2, dtype=np.float32).reshape(2, 5, 4, 4, 2)
    for padding in ("VALID", "SAME"):
        got = tf.extract_volume_patches(volume, [1, 2, 3, 2, 1], [1, 2, 1, 2, 1], padding)
        np.testing.assert_array_equal(got.numpy(), REC[f"volume_patches_{padding.lower()}"])
    image, kernel, grad = (np.array(REC[k], np.float32) for k in ("conv_image", "conv_kernel", "conv_grad"))
    np.testing.assert_allclose(tf.conv2d_backprop_filter_v2(image, kernel, grad, [1, 2, 2, 1], "SAME").numpy(),
                               REC["backprop_filter_v2"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.conv2d_backprop_input_v2(image, kernel, grad, [1, 2, 2, 1], "SAME").numpy(),
                               REC["backprop_input_v2"], rtol=1e-5, atol=1e-5)
    filled = tf.ragged_fill_empty_rows([0, 0, 2, 5], tf.constant([10.0, 20.0, 30.0, 40.0]), 7, -1.0)
    assert [t.numpy().tolist() for t in filled] == REC["ragged_fill"]
    grads = tf.ragged_fill_empty_rows_grad(filled[3], tf.range(8, dtype=tf.float32))
    assert [t.numpy().tolist() for t in grads] == REC["ragged_fill_grad"]
    assert tf.make_ndarray(tf.make_tensor_proto([[1.5, 2.0], [3.0, 4.0]], dtype=tf.float32)).tolist() == \
        REC["proto_roundtrip"]
    assert tf.make_ndarray(tf.make_tensor_proto(7, shape=[2, 3])).tolist() == REC["proto_broadcast"]
    picked = tf.case([(tf.constant(False), lambda: tf.constant(1)), (tf.constant(True), lambda: tf.constant(2))],
                     default=lambda: tf.constant(3))
    assert int(picked) == REC["case"]


def test_case_traces_into_a_graph_and_checks_exclusive():
    @tf.function
    def pick(x):
        return tf.case([(x < 0, lambda: -x), (x > 10, lambda: x - 10)], default=lambda: x * 2)

    assert [float(pick(tf.constant(v))) for v in (-3.0, 12.0, 4.0)] == [3.0, 2.0, 8.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="exclusive=True but 2"):
        tf.case([(tf.constant(True), lambda: 1), (tf.constant(True), lambda: 2)], default=lambda: 3, exclusive=True)


def test_random_index_shuffle_is_a_seeded_permutation():
    for top in (0, 1, 9, 100):
        perm = tf.random_index_shuffle(np.arange(top + 1), [1, 2, 3], top).numpy()
        assert sorted(perm.tolist()) == list(range(top + 1))
    a = tf.random_index_shuffle(np.arange(50), [1, 2, 3], 49).numpy()
    assert np.array_equal(a, tf.random_index_shuffle(np.arange(50), [1, 2, 3], 49).numpy())
    assert not np.array_equal(a, tf.random_index_shuffle(np.arange(50), [4, 5, 6], 49).numpy())


def test_tracing_queries_guarantee_const_and_batch_function():
    seen = []

    @tf.function
    def traced(x):
        seen.append((tf.inside_function(), tf.is_symbolic_tensor(x)))
        return tf.guarantee_const(x) + 1

    assert float(traced(tf.constant(1.0))) == 2.0 and seen == [(True, True)]
    assert not tf.inside_function() and not tf.is_symbolic_tensor(tf.constant(1.0))
    batched = tf.nondifferentiable_batch_function(1, 8, 1000)(lambda x: x * 3.0)
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(batched(x))
    assert float(y) == 9.0 and tape.gradient(y, x) is None


def test_critical_section_and_registered_conversion():
    section = tf.CriticalSection()
    assert float(section.execute(lambda: tf.constant(2.0) * 3)) == 6.0

    class Meters:
        def __init__(self, value):
            self.value = value

    tf.register_tensor_conversion_function(Meters, lambda v, dtype=None, name=None, as_ref=False:
                                           tf.constant(v.value, tf.float32))
    np.testing.assert_allclose(tf.add(Meters([1.0, 2.0]), 1.0).numpy(), [2.0, 3.0])
    with pytest.raises(TypeError, match="must be callable"):
        tf.register_tensor_conversion_function(Meters, 3)


def test_type_specs():
    spec = tf.SparseTensorSpec([None, 3], tf.float32)
    assert spec.is_compatible_with(tf.sparse.from_dense([[1.0, 0.0, 2.0]]))
    assert not spec.is_compatible_with(tf.sparse.from_dense([[1.0, 0.0]]))
    assert tf.SparseTensorSpec([2, 3]).most_specific_common_supertype([tf.SparseTensorSpec([4, 3])]) == \
        tf.SparseTensorSpec([None, 3])
    assert isinstance(tf.TensorSpec([1]), tf.TypeSpec)
    assert tf.type_spec_from_value(tf.constant([1, 2])) == tf.TensorSpec([2], tf.int32)
    assert tf.type_spec_from_value(None) == tf.NoneTensorSpec()
    assert tf.type_spec_from_value(tf.ragged.constant([[1], []])).ragged_rank == 1
    assert tf.TensorArraySpec([2], tf.float32) != tf.TensorArraySpec([3], tf.float32)


def test_forward_accumulator_matches_the_jacobian():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    x0, tangent = np.array([1.0, 2.0]), np.array([1.0, 0.5])

    def f(x):
        return tf.sin(tf.linalg.matvec(tf.constant(w), x)) * x

    x = tf.Variable(x0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(tangent)) as acc:
        y = f(x)
    jacobian = np.stack([central_gradient(lambda v, i=i: float(f(tf.constant(v))[i]), x0) for i in range(2)])
    np.testing.assert_allclose(acc.jvp(y).numpy(), jacobian @ tangent, rtol=1e-7)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(tangent)) as acc:
        z = tf.constant(3.0) * 2
    assert acc.jvp(z) is None and float(acc.jvp(z, unconnected_gradients="zero")) == 0.0
    with pytest.raises(ValueError, match="tangent of shape"):
        tf.autodiff.ForwardAccumulator(x, tf.constant([1.0]))


def test_tf_test_case_and_compute_gradient():
    theoretical, numerical = tf.test.compute_gradient(lambda v: tf.sin(v) * v, [tf.constant([1.0, 2.0], tf.float64)])
    np.testing.assert_allclose(theoretical[0], numerical[0], rtol=1e-7)
    np.testing.assert_allclose(np.diag(theoretical[0]), np.sin([1.0, 2.0]) + np.array([1.0, 2.0]) * np.cos([1.0, 2.0]))

    class Sample(tf.test.TestCase):
        def test_passes(self):
            self.assertAllClose({"a": tf.constant([1.0, 2.0])}, {"a": [1.0, 2.0 + 1e-8]})
            self.assertAllEqual(tf.constant([1, 2]), [1, 2])
            self.assertAllInRange(tf.constant([0.5]), 0.0, 1.0)

        def test_fails(self):
            self.assertAllClose(tf.constant([1.0]), [1.1])

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Sample).run(result)
    assert result.testsRun == 2 and len(result.failures) == 1 and "test_fails" in str(result.failures[0][0])
    # The GPU queries follow the build and the machine (tests/test_devices.py checks them against both).
    gpu = tf._core.gpu_count() > 0
    assert tf.test.is_gpu_available() is gpu and tf.test.gpu_device_name() == ("/device:GPU:0" if gpu else "")


def test_sysconfig():
    assert os.path.isdir(tf.sysconfig.get_lib()) and any(n.startswith("_core") for n in os.listdir(tf.sysconfig.get_lib()))
    assert f"-I{tf.sysconfig.get_include()}" in tf.sysconfig.get_compile_flags()
    assert tf.sysconfig.get_build_info()["is_cuda_build"] is False


def test_profiler_writes_a_chrome_trace_of_its_spans(tmp_path):
    import gzip

    with tf.profiler.experimental.Trace("outside"):  # not profiling: nothing is recorded
        pass
    tf.profiler.experimental.start(str(tmp_path))
    with pytest.raises(tf.errors.AlreadyExistsError, match="already running"):
        tf.profiler.experimental.start(str(tmp_path))
    for step in range(3):
        with tf.profiler.experimental.Trace("train", step_num=step):
            tf.reduce_sum(tf.ones((50, 50)))
    path = tf.profiler.experimental.stop()
    assert path.startswith(str(tmp_path / "plugins" / "profile")) and path.endswith(".trace.json.gz")
    with gzip.open(path, "rt") as f:
        spans = [e for e in json.load(f)["traceEvents"] if e["ph"] == "X"]
    assert [e["name"] for e in spans] == ["train"] * 3 and [e["args"]["step_num"] for e in spans] == ["0", "1", "2"]
    assert all(e["dur"] >= 0 for e in spans) and spans[0]["ts"] <= spans[1]["ts"] <= spans[2]["ts"]
    with pytest.raises(tf.errors.UnavailableError, match="no profiling session"):
        tf.profiler.experimental.stop()


def test_types_and_error_codes():
    @tf.function
    def double(x):
        return x * 2

    assert isinstance(double, tf.types.experimental.PolymorphicFunction)
    assert isinstance(double, tf.types.experimental.GenericFunction)
    concrete = double.get_concrete_function(tf.TensorSpec([], tf.float32))
    assert isinstance(concrete, tf.types.experimental.ConcreteFunction)
    assert not isinstance(len, tf.types.experimental.GenericFunction)
    assert tf.errors.exception_type_from_error_code(tf.errors.OUT_OF_RANGE) is tf.errors.OutOfRangeError
    assert tf.errors.error_code_from_exception_type(tf.errors.NotFoundError) == 5
    assert issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)


with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_conv.json")) as f:
    CONV = json.load(f)["results"]


def test_generic_conv_and_approx_top_k_match_tensorflow():
    x, w = (np.array(CONV[k], np.float32) for k in ("x", "w"))
    np.testing.assert_allclose(tf.conv(x, w, [1, 2, 1, 1], "SAME", batch_dims=2).numpy(), CONV["batch_dims_2"],
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.conv(x[0], w, [1, 1, 2, 1], "VALID", dilations=[1, 2, 1, 1]).numpy(),
                               CONV["dilated"], rtol=1e-5, atol=1e-5)
    with pytest.raises(tf.errors.UnimplementedError, match="grouped"):
        tf.conv(x[0], w[:, :, :2], [1, 1, 1, 1], "VALID", groups=2)
    got = tf.conv(x[0], w, [1, 1, 1, 1], "EXPLICIT", explicit_paddings=[0, 0, 1, 2, 0, 1, 0, 0])
    np.testing.assert_allclose(got.numpy(), CONV["explicit"], rtol=1e-5, atol=1e-5)
    # TF's CPU kernel has no channels-first layout; pytensor's is the channels-last result transposed
    first = tf.conv(np.transpose(x[0], (0, 3, 1, 2)), w, [1, 1, 1, 1], "EXPLICIT",
                    explicit_paddings=[0, 0, 0, 0, 1, 2, 0, 1], data_format="CHANNELS_FIRST")
    np.testing.assert_allclose(np.transpose(first.numpy(), (0, 2, 3, 1)), CONV["explicit"], rtol=1e-5, atol=1e-5)
    v = np.array(CONV["v"], np.float32)
    assert [t.numpy().tolist() for t in tf.approx_top_k(v, 3)] == CONV["approx_top_k"]
    # TF 2.21's CPU has no ApproxTopK kernel for other axes or min-k: numpy's sort is the reference
    values, indices = tf.approx_top_k(v, 2, reduction_dimension=0, is_max_k=False)
    np.testing.assert_array_equal(values.numpy(), np.sort(v, axis=0)[:2])
    np.testing.assert_array_equal(indices.numpy(), np.argsort(v, axis=0, kind="stable")[:2])


def test_experimental_optional_dlpack_and_async():
    opt = tf.experimental.Optional.from_value(tf.constant([1.0, 2.0]))
    assert bool(opt.has_value()) and opt.get_value().numpy().tolist() == [1.0, 2.0]
    assert opt.element_spec == tf.TensorSpec([2], tf.float32)
    empty = tf.experimental.Optional.empty(tf.TensorSpec([], tf.int32))
    assert not bool(empty.has_value())
    with pytest.raises(tf.errors.InvalidArgumentError, match="no value"):
        empty.get_value()
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    back = tf.experimental.dlpack.from_dlpack(tf.experimental.dlpack.to_dlpack(t))
    np.testing.assert_array_equal(back.numpy(), t.numpy())
    np.testing.assert_array_equal(tf.experimental.dlpack.from_dlpack(np.arange(3.0)).numpy(), [0.0, 1.0, 2.0])
    with tf.experimental.async_scope():
        assert float(tf.reduce_sum(t)) == 10.0
    tf.experimental.async_clear_error()
