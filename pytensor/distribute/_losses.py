"""``tf.nn.compute_average_loss`` and ``tf.nn.scale_regularization_loss``: losses scaled to the global batch,
so that summing the replicas' gradients gives the gradient of the global mean."""
from .. import _core
from . import _context

__all__ = ["compute_average_loss", "scale_regularization_loss"]


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """``sum(per_example_loss * sample_weight) / global_batch_size``; the global batch size defaults to this
    replica's batch times the number of replicas in sync.

    Example:
        >>> loss = tf.nn.compute_average_loss(per_example_loss, global_batch_size=GLOBAL_BATCH)
    """
    losses = _core.convert_to_tensor(per_example_loss)
    if not losses.dtype.is_floating:
        raise TypeError(f"compute_average_loss: per_example_loss must be floating point; got dtype "
                        f"{losses.dtype.name}. Cast it with tf.cast(loss, tf.float32).")
    if sample_weight is not None:
        losses = losses * _core.cast(_core.convert_to_tensor(sample_weight), losses.dtype)
    if global_batch_size is None:
        local = losses.shape[0] if len(losses.shape) else 1
        global_batch_size = local * _context.get_strategy().num_replicas_in_sync
    elif isinstance(global_batch_size, float) or int(global_batch_size) <= 0:
        raise ValueError(f"compute_average_loss: global_batch_size must be a positive integer; got "
                         f"{global_batch_size!r}.")
    total = _core.reduce_sum(losses)
    return total / _core.cast(_core.constant(int(global_batch_size)), losses.dtype)


def scale_regularization_loss(regularization_loss):
    """The regularization loss divided by the number of replicas in sync (it is summed once per replica)."""
    from .._tf_ops import add_n
    loss = add_n(list(regularization_loss)) if isinstance(regularization_loss, (list, tuple)) else \
        _core.convert_to_tensor(regularization_loss)
    replicas = _context.get_strategy().num_replicas_in_sync
    return loss / _core.cast(_core.constant(replicas), loss.dtype) if replicas > 1 else loss
