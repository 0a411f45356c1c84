"""tf.nn's CTC functions and sampled losses against real TensorFlow's recorded results
(fixtures/make_nn_sequence.py), and the CTC loss's gradient against central differences in float64."""

import os

import numpy as np
import pytest

import pytensor as tf
from pytensor.nn._sampled import _expected_count
from finite_differences import central_gradient

REC = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "nn_sequence.npz"))
CTC_ARGS = (REC["ctc_labels"], REC["ctc_label_length"], REC["ctc_logit_length"])


def test_ctc_loss_and_gradient_match_tensorflow():
    x = tf.constant(REC["ctc_logits"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.ctc_loss(CTC_ARGS[0], x, *CTC_ARGS[1:])
        total = tf.reduce_sum(loss)
    np.testing.assert_allclose(loss.numpy(), REC["ctc_loss"], rtol=2e-6)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), REC["ctc_grad"], atol=2e-6)


def test_ctc_loss_options_match_tensorflow():
    labels_last = np.array([[1, 2, 2], [3, 1, 1], [0, 0, 0]], np.int32)
    np.testing.assert_allclose(tf.nn.ctc_loss(labels_last, REC["ctc_logits"], *CTC_ARGS[1:], blank_index=-1).numpy(),
                               REC["ctc_loss_blank_last"], rtol=2e-6)
    batch_major = np.transpose(REC["ctc_logits"], (1, 0, 2))
    np.testing.assert_allclose(tf.nn.ctc_loss(CTC_ARGS[0], batch_major, *CTC_ARGS[1:],
                                              logits_time_major=False).numpy(), REC["ctc_loss_batch_major"], rtol=2e-6)
    sparse = tf.sparse.from_dense(CTC_ARGS[0][:2])  # rows [1 2 2] and [3]: their lengths come from the indices
    np.testing.assert_allclose(
        tf.nn.ctc_loss(sparse, REC["ctc_logits"][:, :2], None, CTC_ARGS[2][:2], blank_index=0).numpy(),
        REC["ctc_loss"][:2], rtol=2e-6)


def test_ctc_loss_gradient_by_central_differences():
    logits = REC["ctc_logits"][:4, :2, :4].astype(np.float64)
    labels, label_length, logit_length = np.array([[1, 1], [2, 3]]), np.array([2, 1]), np.array([4, 3])

    def loss_of(x):
        return tf.reduce_sum(tf.nn.ctc_loss(labels, x, label_length, logit_length))

    x = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = loss_of(x)
    want = central_gradient(lambda v: float(loss_of(tf.constant(v)).numpy()), logits)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), want, rtol=1e-6, atol=1e-8)


def test_ctc_loss_bad_input():
    with pytest.raises(ValueError, match=r"ctc_loss: logits must be \[time, batch, classes\]"):
        tf.nn.ctc_loss(CTC_ARGS[0], REC["ctc_logits"][0], *CTC_ARGS[1:])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"labels must be in \[0, 5\)"):
        tf.nn.ctc_loss(CTC_ARGS[0] + 4, REC["ctc_logits"], *CTC_ARGS[1:])
    with pytest.raises(ValueError, match="blank_index must be given"):
        tf.nn.ctc_loss(tf.sparse.from_dense(CTC_ARGS[0]), REC["ctc_logits"], None, CTC_ARGS[2])


def _dense(sparse):
    return tf.sparse.to_dense(sparse).numpy()


def test_decoders_match_tensorflow():
    inputs, lengths = REC["decode_inputs"], REC["decode_lengths"]
    (greedy,), scores = tf.nn.ctc_greedy_decoder(inputs, lengths)
    np.testing.assert_array_equal(_dense(greedy), REC["greedy_dense"])
    np.testing.assert_allclose(scores.numpy(), REC["greedy_scores"], rtol=1e-6)
    (unmerged,), _ = tf.nn.ctc_greedy_decoder(inputs, lengths, merge_repeated=False)
    np.testing.assert_array_equal(_dense(unmerged), REC["greedy_unmerged_dense"])
    paths, log_probs = tf.nn.ctc_beam_search_decoder(inputs, lengths, beam_width=20, top_paths=3)
    for k, path in enumerate(paths):
        np.testing.assert_array_equal(_dense(path), REC[f"beam_{k}_dense"])
    np.testing.assert_allclose(log_probs.numpy(), REC["beam_scores"], rtol=1e-5)


def test_label_helpers_match_tensorflow():
    collapsed, length = tf.nn.collapse_repeated(REC["repeated"], REC["repeated_length"])
    np.testing.assert_array_equal(collapsed.numpy(), REC["collapsed"])
    np.testing.assert_array_equal(length.numpy(), REC["collapsed_length"])
    unique, index = tf.nn.ctc_unique_labels(np.array([[3, 1, 3, 2, 0], [4, 4, 0, 0, 0]], np.int32))
    np.testing.assert_array_equal(unique.numpy(), REC["unique"])
    np.testing.assert_array_equal(index.numpy(), REC["unique_index"])


SAMPLED = dict(num_sampled=4, num_classes=10, num_true=2,
               sampled_values=(REC["sampled_candidates"], REC["true_expected"], REC["sampled_expected"]))


@pytest.mark.parametrize("accidental", [False, True], ids=["hits_kept", "hits_removed"])
def test_sampled_losses_and_gradients_match_tensorflow(accidental):
    tag = "hits_removed" if accidental else "hits_kept"
    w, b, x = (tf.Variable(REC[k]) for k in ("sampled_weights", "sampled_biases", "sampled_inputs"))
    with tf.GradientTape(persistent=True) as tape:
        nce = tf.nn.nce_loss(w, b, REC["sampled_true"], x, remove_accidental_hits=accidental, **SAMPLED)
        softmax = tf.nn.sampled_softmax_loss(w, b, REC["sampled_true"], x, remove_accidental_hits=accidental,
                                             **SAMPLED)
        nce_total, softmax_total = tf.reduce_sum(nce), tf.reduce_sum(softmax)
    np.testing.assert_allclose(nce.numpy(), REC[f"nce_{tag}"], rtol=2e-6)
    np.testing.assert_allclose(softmax.numpy(), REC[f"sampled_softmax_{tag}"], rtol=2e-6)
    np.testing.assert_allclose(tape.gradient(nce_total, x).numpy(), REC[f"nce_{tag}_grad_inputs"], rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(tf.convert_to_tensor(tape.gradient(softmax_total, w)).numpy(),
                               REC[f"sampled_softmax_{tag}_grad_weights"], rtol=1e-5, atol=1e-6)


def test_accidental_hits_match_tensorflow():
    rows, ids, weights = tf.nn.compute_accidental_hits(REC["sampled_true"], REC["sampled_candidates"], num_true=2)
    np.testing.assert_array_equal(rows.numpy(), REC["hits_indices"])
    np.testing.assert_array_equal(ids.numpy(), REC["hits_ids"])
    np.testing.assert_array_equal(weights.numpy(), REC["hits_weights"])


def _probabilities(name):
    k = np.arange(20, dtype=np.float64)
    if name == "log_uniform":
        return (np.log(k + 2) - np.log(k + 1)) / np.log(21)
    if name == "uniform":
        return np.full(20, 1 / 20)
    unigrams = np.asarray([1.0, 2.0, 3.0, 2.0, 2.0, 1, 1, 4, 1, 3]) ** 0.5
    return unigrams / unigrams.sum()


@pytest.mark.parametrize("name", ["log_uniform", "uniform", "fixed_unigram"])
def test_sampler_expected_counts_follow_tensorflows_rule(name):
    """TF's draws differ from ours (other generators), but its expected counts for the classes it drew follow the
    rule ours use; and our own draws are seeded, in range, distinct when unique, with counts by that rule."""
    p = _probabilities(name)
    tag = f"{name}_replace"
    np.testing.assert_allclose(_expected_count(p[REC[f"{tag}_drawn"]], 4, 4), REC[f"{tag}_sampled_count"], rtol=1e-6)
    np.testing.assert_allclose(_expected_count(p[REC["sampled_true"]], 4, 4), REC[f"{tag}_true_count"], rtol=1e-6)
    sampler = getattr(tf.random, f"{name}_candidate_sampler")
    extra = dict(unigrams=[1.0, 2.0, 3.0, 2.0, 2.0, 1, 1, 4, 1, 3], distortion=0.5, range_max=10) \
        if name == "fixed_unigram" else dict(range_max=20)
    tf.random.set_seed(5)
    first = sampler(REC["sampled_true"], 2, 4, True, seed=9, **extra)
    tf.random.set_seed(5)
    again = sampler(REC["sampled_true"], 2, 4, True, seed=9, **extra)
    drawn = first[0].numpy()
    np.testing.assert_array_equal(drawn, again[0].numpy())
    assert len(set(drawn.tolist())) == 4 and drawn.min() >= 0 and drawn.max() < len(p)
    counts = first[2].numpy()
    assert np.all(counts > 0) and np.all(counts <= 1.0 + 1e-6)  # unique: each class at most once
    # replaced draws of 4000: frequencies follow p
    many = sampler(REC["sampled_true"], 2, 4000, False, seed=3, **extra)[0].numpy()
    np.testing.assert_allclose(np.bincount(many, minlength=len(p)) / 4000, p, atol=0.03)


def test_all_candidate_sampler():
    drawn, true_count, sampled_count = tf.random.all_candidate_sampler(REC["sampled_true"], 2, 6, True)
    np.testing.assert_array_equal(drawn.numpy(), np.arange(6))
    assert true_count.shape == (3, 2) and np.all(sampled_count.numpy() == 1)
