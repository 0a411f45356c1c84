"""tf.nn cross-entropies and l2_loss: TF-documented values, stability, label errors, gradients, a training run."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.errors import InvalidArgumentError


def grad(fn, x, dy=None):
    x = pt.constant(x)
    with pt.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x, output_gradients=dy).numpy()


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_sparse_matches_tf_doc_example():
    logits = [[2.0, -5.0, 0.5, -0.1], [0.0, 0.0, 1.9, 1.4], [-100.0, 100.0, -100.0, -100.0]]
    loss = pt.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3, 1], logits=logits)
    np.testing.assert_allclose(loss.numpy(), [0.29750752, 1.1448325, 0.0], atol=1e-6)


def test_dense_matches_tf_doc_example():
    loss = pt.nn.softmax_cross_entropy_with_logits(labels=[[1.0, 0.0, 0.0], [0.0, 0.8, 0.2]],
                                                   logits=[[4.0, 2.0, 1.0], [0.0, 5.0, 1.0]])
    np.testing.assert_allclose(loss.numpy(), [0.16984604, 0.82474494], rtol=1e-6)


def test_sigmoid_matches_tf_doc_example():
    loss = pt.nn.sigmoid_cross_entropy_with_logits(labels=[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5],
                                                   logits=[1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 0.0])
    np.testing.assert_allclose(loss.numpy(), [1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617, 0.6931472,
                                              0.6931472], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stable_for_logits_far_apart(dtype):
    logits = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 0.0, 1000.0]], dtype)
    sparse = lambda x: pt.nn.sparse_softmax_cross_entropy_with_logits(np.array([0, 0]), x)  # noqa: E731
    np.testing.assert_allclose(sparse(logits).numpy(), [0.0, 2000.0])
    np.testing.assert_allclose(grad(sparse, logits), [[0, 0, 0], [-1, 0, 1]], atol=1e-30)
    dense = pt.nn.softmax_cross_entropy_with_logits(np.array([[0, 0, 1], [0, 1, 0]], dtype), logits)
    np.testing.assert_allclose(dense.numpy(), [2000.0, 1000.0])
    big = np.array([[-100.0, 100.0]], dtype)
    np.testing.assert_allclose(pt.nn.sigmoid_cross_entropy_with_logits(np.array([[1.0, 0.0]], dtype), big).numpy(),
                               [[100.0, 100.0]])


@pytest.mark.parametrize("bad,row", [(5, 1), (-1, 2)])
def test_sparse_label_out_of_range_names_label_and_row(bad, row):
    labels = np.array([0, 1, 2, 3], np.int64)
    labels[row] = bad
    with pytest.raises(InvalidArgumentError, match=rf"label value of {bad} at row {row}.*\[0, 4\)"):
        pt.nn.sparse_softmax_cross_entropy_with_logits(labels, np.zeros((4, 4), np.float32))


def test_sparse_bad_shapes_and_dtypes():
    with pytest.raises(ValueError, match=r"labels of shape \(3, 1\)"):
        pt.nn.sparse_softmax_cross_entropy_with_logits(np.zeros((3, 1), np.int32), np.zeros((3, 4), np.float32))
    with pytest.raises(TypeError, match="int32 or int64"):
        pt.nn.sparse_softmax_cross_entropy_with_logits(np.zeros(3, np.float32), np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="same shape"):
        pt.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[1.0, 2.0])


def test_nan_logits_give_nan_rows_only():
    logits = np.array([[np.nan, 0.0, 1.0], [0.0, 1.0, 2.0]], np.float32)
    loss = pt.nn.sparse_softmax_cross_entropy_with_logits(np.array([1, 2]), logits).numpy()
    assert np.isnan(loss[0]) and np.isfinite(loss[1])
    dense = pt.nn.softmax_cross_entropy_with_logits(np.eye(3, dtype=np.float32)[[1, 2]], logits).numpy()
    assert np.isnan(dense[0]) and np.isfinite(dense[1])


def test_sparse_gradient_with_weighted_upstream_and_int32_labels():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((6, 5))
    labels = rng.integers(0, 5, 6).astype(np.int32)
    w = rng.uniform(0.5, 2, 6)
    g = grad(lambda x: pt.nn.sparse_softmax_cross_entropy_with_logits(labels, x), logits, dy=pt.constant(w))
    np.testing.assert_allclose(g, w[:, None] * (softmax(logits) - np.eye(5)[labels]), rtol=1e-12)


def test_dense_gradient_for_labels_and_axis():
    rng = np.random.default_rng(1)
    logits = pt.constant(rng.standard_normal((5, 3)))
    labels = pt.constant(rng.uniform(0, 1, (5, 3)))
    with pt.GradientTape() as tape:
        tape.watch([logits, labels])
        loss = pt.nn.softmax_cross_entropy_with_logits(labels, logits, axis=0)
    gl, gx = tape.gradient(loss, [labels, logits])
    x, lab = logits.numpy(), labels.numpy()
    lsm = x - np.log(np.exp(x).sum(0, keepdims=True))
    np.testing.assert_allclose(loss.numpy(), -(lab * lsm).sum(0), rtol=1e-12)
    np.testing.assert_allclose(gl.numpy(), -lsm, rtol=1e-12)
    np.testing.assert_allclose(gx.numpy(), np.exp(lsm) * lab.sum(0, keepdims=True) - lab, rtol=1e-12)


def test_sparse_and_dense_agree_on_one_hot_labels():
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((2, 3, 7)).astype(np.float32)
    labels = rng.integers(0, 7, (2, 3))
    sparse = pt.nn.sparse_softmax_cross_entropy_with_logits(labels, logits).numpy()
    dense = pt.nn.softmax_cross_entropy_with_logits(np.eye(7, dtype=np.float32)[labels], logits).numpy()
    np.testing.assert_allclose(sparse, dense, rtol=1e-5)


def test_l2_loss():
    assert pt.nn.l2_loss([1.0, 2.0]).numpy() == pytest.approx(2.5)
    np.testing.assert_allclose(grad(pt.nn.l2_loss, np.array([1.0, -3.0])), [1.0, -3.0])


def test_softmax_regression_trains():
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((4, 10)) * 3
    labels = rng.integers(0, 4, 256)
    x = pt.constant((centers[labels] + rng.standard_normal((256, 10))).astype(np.float32))
    w = pt.Variable(np.zeros((10, 4), np.float32))
    losses = []
    for _ in range(30):
        with pt.GradientTape() as tape:
            loss = pt.reduce_mean(pt.nn.sparse_softmax_cross_entropy_with_logits(labels, pt.matmul(x, w)))
        w.assign_sub(0.1 * tape.gradient(loss, w).numpy())
        losses.append(float(loss.numpy()))
    assert losses[-1] < 0.2 * losses[0]
