"""Candidate sampling (``tf.random.*_candidate_sampler``) and the losses built on it (``tf.nn.nce_loss``,
``tf.nn.sampled_softmax_loss``): train a large softmax by scoring the true classes against a few sampled ones.

Samplers invert the class distribution at uniforms drawn under TF's seed rules; each reports the expected count of every class it
returns, as TF's do (``p * num_sampled``, or ``1 - (1 - p) ** tries`` when unique draws needed retries).
The losses are core ops on the gathered weights, so tapes differentiate them.
"""

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable
from ..errors import InvalidArgumentError

__all__ = [
    "log_uniform_candidate_sampler", "uniform_candidate_sampler", "fixed_unigram_candidate_sampler",
    "learned_unigram_candidate_sampler", "all_candidate_sampler", "compute_accidental_hits", "nce_loss", "sampled_softmax_loss",
]

_FLOAT_MAX = float(np.finfo(np.float32).max)


def _classes(true_classes, num_true, op):
    array = np.asarray(true_classes.numpy() if isinstance(true_classes, (Tensor, Variable)) else true_classes)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: true_classes must be integers, got {array.dtype}")
    array = array.astype(np.int64)
    if array.ndim != 2 or array.shape[1] != num_true:
        raise ValueError(f"{op}: true_classes must be [batch, num_true={num_true}], got shape {array.shape}")
    return array


def _draw(cdf, count, seed):
    """`count` classes drawn by inverting the cumulative distribution `cdf` at uniforms from the core's random
    op, so TF's seed rules (global and op seeds) hold."""
    uniforms = np.asarray(_core.random_uniform((count,), 0.0, 1.0, "float64", seed))
    return np.minimum(np.searchsorted(cdf, uniforms, side="right"), len(cdf) - 1).astype(np.int64)


def _expected_count(p, num_sampled, tries):
    """How often a class of probability p is expected among the samples (TF's rule)."""
    p = np.asarray(p, np.float64)
    if tries == num_sampled:
        return (p * num_sampled).astype(np.float32)
    return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)


def _sample(probabilities, true, num_sampled, unique, seed, op):
    range_max = len(probabilities)
    if unique and num_sampled > range_max:
        raise InvalidArgumentError(f"{op}: num_sampled ({num_sampled}) must be <= range_max ({range_max}) when "
                                   "unique=True")
    if np.any((true < 0) | (true >= range_max)):
        raise InvalidArgumentError(f"{op}: true_classes must be in [0, {range_max}), got {true.min()}..{true.max()}")
    cdf = np.cumsum(probabilities)
    if unique:
        drawn, tries = [], 0
        while len(drawn) < num_sampled:  # draw in rounds until enough distinct classes came up
            for value in _draw(cdf, num_sampled, seed):
                if len(drawn) == num_sampled:
                    break
                tries += 1
                if value not in drawn:
                    drawn.append(int(value))
        drawn = np.asarray(drawn, np.int64)
    else:
        drawn, tries = _draw(cdf, num_sampled, seed), num_sampled
    return (_core.constant(drawn, "int64"),
            _core.constant(_expected_count(probabilities[true], num_sampled, tries)),
            _core.constant(_expected_count(probabilities[drawn], num_sampled, tries)))


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Samples classes by Zipf's law, ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``."""
    k = np.arange(range_max, dtype=np.float64)
    p = (np.log(k + 2) - np.log(k + 1)) / np.log(range_max + 1)
    true = _classes(true_classes, num_true, "log_uniform_candidate_sampler")
    return _sample(p / p.sum(), true, num_sampled, unique, seed, "log_uniform_candidate_sampler")


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Samples classes uniformly from [0, range_max)."""
    true = _classes(true_classes, num_true, "uniform_candidate_sampler")
    return _sample(np.full(range_max, 1.0 / range_max), true, num_sampled, unique, seed, "uniform_candidate_sampler")


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, vocab_file="",
                                    distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0, unigrams=(),
                                    seed=None, name=None):
    """Samples classes in proportion to ``unigrams ** distortion`` (counts given in-line)."""
    op = "fixed_unigram_candidate_sampler"
    if vocab_file:
        raise NotImplementedError(f"{op}: vocab_file is not supported; pass the counts as unigrams=")
    if num_shards != 1 or shard != 0:
        raise NotImplementedError(f"{op}: sharding (num_shards={num_shards}) is not supported")
    weights = np.concatenate([np.zeros(num_reserved_ids), np.asarray(unigrams, np.float64) ** distortion])
    if len(weights) != range_max:
        raise InvalidArgumentError(f"{op}: {len(unigrams)} unigrams + {num_reserved_ids} reserved ids must equal "
                                   f"range_max ({range_max})")
    true = _classes(true_classes, num_true, op)
    return _sample(weights / weights.sum(), true, num_sampled, unique, seed, op)


# TF's learned-unigram op keeps its counts between calls: here one table per (range_max, seed)
_LEARNED_COUNTS = {}


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Samples classes in proportion to how often they were true classes in earlier calls with the same range_max
    and seed (every class counted once at first, so the first draw is uniform)."""
    op = "learned_unigram_candidate_sampler"
    true = _classes(true_classes, num_true, op)
    counts = _LEARNED_COUNTS.setdefault((int(range_max), seed), np.ones(int(range_max)))
    result = _sample(counts / counts.sum(), true, num_sampled, unique, seed, op)
    np.add.at(counts, true.reshape(-1), 1.0)
    return result


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Every class 0..num_sampled-1, each expected once (for evaluating a sampled loss exactly)."""
    true = _classes(true_classes, num_true, "all_candidate_sampler")
    return (_core.constant(np.arange(num_sampled, dtype=np.int64), "int64"),
            _core.ones(true.shape, "float32"), _core.ones((num_sampled,), "float32"))


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled class is one of a row's true classes: (row indices, sampled positions, -FLOAT_MAX weights)."""
    true = _classes(true_classes, num_true, "compute_accidental_hits")
    sampled = np.asarray(sampled_candidates.numpy() if isinstance(sampled_candidates, (Tensor, Variable))
                         else sampled_candidates, np.int64)
    rows, ids = [], []
    for row, classes in enumerate(true):
        for value in classes:
            for position in np.flatnonzero(sampled == value):
                rows.append(row)
                ids.append(position)
    return (_core.constant(np.asarray(rows, np.int32)), _core.constant(np.asarray(ids, np.int64), "int64"),
            _core.constant(np.full(len(rows), -_FLOAT_MAX, np.float32)))


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
                    remove_accidental_hits, seed, op):
    """Logits of the true and the sampled classes, less the log of their expected counts, and their labels."""
    if isinstance(weights, (list, tuple)):
        weights = _core.concat(list(weights), axis=0)
    inputs = inputs if isinstance(inputs, (Tensor, Variable)) else _core.convert_to_tensor(inputs)
    true = _classes(labels, num_true, op)
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(true, num_true, num_sampled, True, num_classes, seed)
    sampled, true_count, sampled_count = sampled_values
    sampled = np.asarray(sampled.numpy() if isinstance(sampled, (Tensor, Variable)) else sampled, np.int64)
    batch, dtype = true.shape[0], inputs.dtype
    ids = _core.constant(np.concatenate([true.reshape(-1), sampled]), "int64")
    rows = _core.gather(weights, ids)
    true_rows = _core.reshape(rows[:batch * num_true], (batch, num_true, -1))
    sampled_rows = rows[batch * num_true:]
    bias = _core.gather(biases, ids)
    true_logits = _core.reduce_sum(_core.expand_dims(inputs, 1) * true_rows, axis=-1) + _core.reshape(
        bias[:batch * num_true], (batch, num_true))
    sampled_logits = _core.matmul(inputs, sampled_rows, transpose_b=True) + bias[batch * num_true:]
    if remove_accidental_hits:
        hit_rows, hit_ids, _ = compute_accidental_hits(true, sampled, num_true)
        mask = np.zeros((batch, len(sampled)), dtype.as_numpy_dtype)
        mask[np.asarray(hit_rows), np.asarray(hit_ids)] = -_FLOAT_MAX
        sampled_logits = sampled_logits + _core.constant(mask)
    cast = lambda count: _core.cast(_core.stop_gradient(_core.convert_to_tensor(count)), dtype)  # noqa: E731
    true_logits = true_logits - _core.log(cast(true_count))
    sampled_logits = sampled_logits - _core.log(cast(sampled_count))
    logits = _core.concat([true_logits, sampled_logits], axis=1)
    targets = np.concatenate([np.full((batch, num_true), 1.0 / num_true), np.zeros((batch, len(sampled)))], axis=1)
    return logits, _core.constant(targets.astype(dtype.as_numpy_dtype))


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, name="nce_loss"):
    """Noise-contrastive estimation: logistic losses of the true classes against sampled ones, per row."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, remove_accidental_hits, None, "nce_loss")
    from ._loss import sigmoid_cross_entropy_with_logits

    return _core.reduce_sum(sigmoid_cross_entropy_with_logits(labels=targets, logits=logits), axis=1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
                         remove_accidental_hits=True, seed=None, name="sampled_softmax_loss"):
    """Softmax cross-entropy over the true classes and a sample of the others, per row."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, remove_accidental_hits, seed, "sampled_softmax_loss")
    from .._core import softmax_cross_entropy_with_logits

    return softmax_cross_entropy_with_logits(labels=targets, logits=logits)
