"""The tf.nn functions composed of other ops (pytensor/nn/_composed.py) against real TensorFlow's recorded results
(fixtures/make_nn_composed.py), with gradients by central differences where TF's are not recorded."""

import os

import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient

REC = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "nn_composed.npz"))


def close(got, key, rtol=1e-5, atol=1e-5):
    np.testing.assert_allclose(np.asarray(got), REC[key], rtol=rtol, atol=atol)


def test_erosion2d():
    close(tf.nn.erosion2d(REC["image"], REC["kernel"], [1, 1, 1, 1], "VALID", "NHWC", [1, 1, 1, 1]), "erosion_valid")
    close(tf.nn.erosion2d(REC["image"], REC["kernel"], [1, 2, 2, 1], "SAME", "NHWC", [1, 1, 2, 1]),
          "erosion_same_strided")


def test_depthwise_backprops():
    close(tf.nn.depthwise_conv2d_backprop_input(REC["image"].shape, REC["depth_filter"], REC["depth_grad"],
                                                [1, 2, 2, 1], "SAME"), "depth_backprop_input")
    close(tf.nn.depthwise_conv2d_backprop_filter(REC["image"], REC["depth_filter"].shape, REC["depth_grad"],
                                                 [1, 2, 2, 1], "SAME"), "depth_backprop_filter", rtol=1e-4)


def test_transposed_convolutions():
    close(tf.nn.conv_transpose(REC["image"], REC["transpose_filter"], [2, 14, 12, 4], [1, 2, 2, 1], "SAME"),
          "conv_transpose_2d")
    close(tf.nn.conv_transpose(REC["image"][:, 0], REC["filter_1d"], [2, 12, 4], 2, "SAME"), "conv_transpose_1d")
    close(tf.nn.atrous_conv2d_transpose(REC["image"], REC["transpose_filter"], [2, 7, 6, 4], 2, "SAME"),
          "atrous_transpose")
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        tf.nn.conv_transpose(REC["image"], REC["transpose_filter"], [2, 14], 2)


IDS = tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2], [3, 0]], [1, 4, 0, 4, 5, 2], [4, 3])
WEIGHTS = tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2], [3, 0]],
                                 np.array([0.5, 2.0, 1.0, 1.5, 0.25, 3.0], np.float32), [4, 3])


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_embedding_lookup_sparse(combiner):
    close(tf.nn.embedding_lookup_sparse(REC["table"], IDS, WEIGHTS, combiner=combiner), f"lookup_sparse_{combiner}")


def test_embedding_lookup_sparse_unweighted_safe_and_gradient():
    close(tf.nn.embedding_lookup_sparse(REC["table"], IDS, None, combiner="mean"), "lookup_sparse_unweighted")
    unsafe = tf.sparse.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0]], [1, -1, -3, 5], [4, 2])
    close(tf.nn.safe_embedding_lookup_sparse(REC["table"], unsafe, None, combiner="sum"), "safe_lookup")
    close(tf.nn.safe_embedding_lookup_sparse(REC["table"], unsafe, None, combiner="mean", default_id=3),
          "safe_lookup_default")
    table0 = REC["table"].astype(np.float64)

    def loss_of(table):
        return tf.reduce_sum(tf.square(tf.nn.embedding_lookup_sparse(table, IDS, WEIGHTS, combiner="sqrtn")))

    x = tf.Variable(table0)
    with tf.GradientTape() as tape:
        loss = loss_of(x)
    got = tf.convert_to_tensor(tape.gradient(loss, x)).numpy()
    want = central_gradient(lambda v: float(loss_of(tf.constant(v)).numpy()), table0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    with pytest.raises(ValueError, match="combiner"):
        tf.nn.embedding_lookup_sparse(REC["table"], IDS, None, combiner="max")


def test_batch_norm_with_global_normalization():
    args = (REC["image"], REC["bn_mean"], REC["bn_variance"], REC["bn_beta"], REC["bn_gamma"], 1e-3)
    close(tf.nn.batch_norm_with_global_normalization(*args, True), "bn_global_scaled")
    close(tf.nn.batch_norm_with_global_normalization(*args, False), "bn_global_unscaled")


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_with_space_to_batch(padding):
    result = tf.nn.with_space_to_batch(
        REC["image"], dilation_rate=[2, 2], padding=padding, filter_shape=[3, 3],
        op=lambda x, num_spatial_dims, padding: tf.nn.conv2d(x, REC["atrous_filter"], 1, padding))
    close(result, f"with_space_to_batch_{padding.lower()}")


@pytest.mark.parametrize("decreasing", [True, False], ids=["decreasing", "increasing"])
def test_isotonic_regression_and_gradient(decreasing):
    tag = "decreasing" if decreasing else "increasing"
    x = tf.constant(REC["vectors"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        solution, segments = tf.nn.isotonic_regression(x, decreasing=decreasing)
        weighted = tf.reduce_sum(solution * np.arange(8, dtype=np.float32))
    close(solution, f"isotonic_{tag}")
    np.testing.assert_array_equal(segments.numpy(), REC[f"isotonic_{tag}_segments"])
    close(tape.gradient(weighted, x), f"isotonic_{tag}_grad")
    close(tf.nn.isotonic_regression(REC["vectors"], axis=0)[0], "isotonic_axis0")
