"""tf.nn: cross-entropy losses and l2_loss.

``sparse_softmax_cross_entropy_with_logits`` and ``softmax_cross_entropy_with_logits`` are fused, stable
registry ops; the others are short compositions of registry ops.
"""

from .. import _core

__all__ = [
    "sigmoid_cross_entropy_with_logits", "l2_loss",
]


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Element-wise logistic loss: ``max(x, 0) - x * z + log(1 + exp(-|x|))`` (TF's stable formula).

    Args:
        labels: targets ``z`` in [0, 1], the shape of ``logits`` (converted to its dtype).
        logits: float tensor ``x``.
        name: ignored.

    Returns:
        A tensor of ``logits``' shape.

    Raises:
        ValueError: if ``labels`` and ``logits`` have different shapes.

    Example:
        >>> pt.nn.sigmoid_cross_entropy_with_logits(labels=[1., 0.], logits=[0., 0.])  # [log 2, log 2]
    """
    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: both labels and logits must be given")
    x = _core.convert_to_tensor(logits)
    z = _core.convert_to_tensor(labels, dtype=x.dtype)
    if tuple(z.shape) != tuple(x.shape):
        raise ValueError(f"sigmoid_cross_entropy_with_logits: logits and labels must have the same shape, "
                         f"got {tuple(x.shape)} and {tuple(z.shape)}")
    return _core.add(_core.subtract(_core.relu(x), _core.multiply(x, z)),
                     _core.log1p(_core.exp(_core.negative(_core.abs(x)))))


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2`` (a 0-d tensor), TF's weight-decay term.

    Example:
        >>> pt.nn.l2_loss([1.0, 2.0])  # 2.5
    """
    t = _core.convert_to_tensor(t)
    return _core.multiply(_core.reduce_sum(_core.square(t)), _core.convert_to_tensor(0.5, dtype=t.dtype))
