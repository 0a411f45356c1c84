"""``tf.compat.v1.nn``: pytensor.nn's functions (building graph operations on graph tensors) and TF1's
signatures where they differ (dropout's keep_prob, the cross-entropy functions' v1 names)."""

import pytensor as _pt

from ._graph import dispatching


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """TF1's dropout: keeps each element with probability `keep_prob` (or drops with `rate`), scaling the kept ones
    by 1 / keep_prob. `keep_prob` may be a placeholder (fed 1.0 to switch dropout off at evaluation)."""
    if (keep_prob is None) == (rate is None):
        raise ValueError("dropout: give exactly one of keep_prob and rate")
    return _dropout(x, keep_prob if rate is None else None, rate, noise_shape, seed)


@dispatching
def _dropout(x, keep_prob, rate, noise_shape, seed):
    rate = 1.0 - keep_prob if rate is None else rate
    if isinstance(rate, (_pt.Tensor, _pt.Variable)):
        # A fed rate: the same computation as pt.nn.dropout, with the rate a tensor.
        keep = 1.0 - _pt.cast(rate, x.dtype)
        shape = _pt.shape(x) if noise_shape is None else noise_shape
        mask = _pt.cast(_pt.random.uniform(shape, dtype=x.dtype, seed=seed) < keep, x.dtype)
        return x * mask / keep
    return _pt.nn.dropout(x, rate=float(rate), noise_shape=noise_shape, seed=seed)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1, name=None, dim=None):
    """Softmax cross-entropy per example (TF1 name of TF2's softmax_cross_entropy_with_logits)."""
    return dispatching(_pt.nn.softmax_cross_entropy_with_logits)(labels=labels, logits=logits,
                                                                  axis=axis if dim is None else dim)


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
    """TF1's softmax_cross_entropy_with_logits: labels and logits by keyword; no gradient flows into labels."""
    if _sentinel is not None:
        raise ValueError("Only call `softmax_cross_entropy_with_logits` with named arguments (labels=..., "
                         "logits=..., ...)")
    labels = dispatching(_pt.stop_gradient)(labels)
    return softmax_cross_entropy_with_logits_v2(labels, logits, axis=dim if axis is None else axis)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Softmax cross-entropy per example from integer class labels (labels and logits by keyword)."""
    if _sentinel is not None:
        raise ValueError("Only call `sparse_softmax_cross_entropy_with_logits` with named arguments")
    return dispatching(_pt.nn.sparse_softmax_cross_entropy_with_logits)(labels=labels, logits=logits)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    return dispatching(_pt.nn.sigmoid_cross_entropy_with_logits)(labels=labels, logits=logits)


EXTRA = {name: value for name, value in globals().items()
         if name in ("dropout", "softmax_cross_entropy_with_logits_v2", "softmax_cross_entropy_with_logits",
                     "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits")}
