"""``tf.compat.v1.losses``: TF1's loss functions (weights, SUM_BY_NONZERO_WEIGHTS reduction), each added to the
LOSSES collection; ``get_total_loss`` adds the regularization losses."""

import pytensor as _pt
from pytensor._missing import missing_attribute_hook

from ._graph import record
from ._variables import GraphKeys, add_to_collection, get_collection


class Reduction:
    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS


def _reduce(losses, weights, reduction):
    losses = _pt.cast(losses, _pt.float32) if losses.dtype != _pt.float64 else losses
    weights = _pt.cast(_pt.convert_to_tensor(weights), losses.dtype)
    weighted = losses * weights
    if reduction == Reduction.NONE:
        return weighted
    total = _pt.reduce_sum(weighted)
    if reduction == Reduction.SUM:
        return total
    if reduction == Reduction.MEAN:
        return _safe_div(total, _pt.reduce_sum(_pt.broadcast_to(weights, _pt.shape(losses))))
    if reduction == Reduction.SUM_OVER_BATCH_SIZE:
        return _safe_div(total, _pt.cast(_pt.size(losses), losses.dtype))
    nonzero = _pt.cast(_pt.not_equal(_pt.broadcast_to(weights, _pt.shape(losses)), 0.0), losses.dtype)
    return _safe_div(total, _pt.reduce_sum(nonzero))


def _safe_div(numerator, denominator):
    return _pt.where(denominator > 0, numerator / _pt.maximum(denominator, 1e-30), _pt.zeros_like(numerator))


def _loss(per_example, args, name, weights, reduction, loss_collection):
    loss = record(lambda *a: _reduce(per_example(*a[:-1]), a[-1], reduction), args + (weights,), {}, name)
    if loss_collection is not None:
        add_to_collection(loss_collection, loss)
    return loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted mean of ``(labels - predictions)^2``."""
    return _loss(lambda y, p: _pt.square(_pt.cast(p, _pt.float32) - _pt.cast(y, _pt.float32)),
                 (labels, predictions), scope or "mean_squared_error", weights, reduction, loss_collection)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted mean of ``|labels - predictions|``."""
    return _loss(lambda y, p: _pt.abs(_pt.cast(p, _pt.float32) - _pt.cast(y, _pt.float32)),
                 (labels, predictions), scope or "absolute_difference", weights, reduction, loss_collection)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted mean softmax cross-entropy of one-hot labels (smoothed towards uniform by `label_smoothing`)."""
    def per_example(labels, logits):
        labels = _pt.cast(labels, logits.dtype)
        if label_smoothing:
            classes = _pt.cast(_pt.shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / classes
        return _pt.nn.softmax_cross_entropy_with_logits(labels=_pt.stop_gradient(labels), logits=logits)
    return _loss(per_example, (onehot_labels, logits), scope or "softmax_cross_entropy_loss", weights, reduction,
                 loss_collection)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted mean softmax cross-entropy of integer class labels."""
    return _loss(lambda y, z: _pt.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z), (labels, logits),
                 scope or "sparse_softmax_cross_entropy_loss", weights, reduction, loss_collection)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted mean sigmoid cross-entropy (labels smoothed towards 1/2 by `label_smoothing`)."""
    def per_example(labels, logits):
        labels = _pt.cast(labels, logits.dtype)
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        return _pt.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return _loss(per_example, (multi_class_labels, logits), scope or "sigmoid_cross_entropy_loss", weights,
                 reduction, loss_collection)


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    if loss_collection is not None:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    return record(lambda *ls: _pt.add_n(list(ls)), tuple(losses), {}, name) if losses else _pt.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the LOSSES collection and (by default) the regularization losses."""
    losses = get_losses(scope) + (get_regularization_losses(scope) if add_regularization_losses else [])
    if not losses:
        raise ValueError("No losses found in collection: add losses with tf.compat.v1.losses.* or add_loss.")
    return record(lambda *ls: _pt.add_n(list(ls)), tuple(losses), {}, name)


__getattr__ = missing_attribute_hook(__name__)
