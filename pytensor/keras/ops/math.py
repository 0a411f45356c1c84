"""``keras.ops.math``: Keras 3's math ops (``logsumexp``, ``top_k``, ``in_top_k``, ``segment_sum`` …)."""
import pytensor as pt

from .numpy import _float, _tensor, _axis, _sorted_last


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis`` without overflow."""
    return pt.reduce_logsumexp(_float(x), axis=_axis(axis), keepdims=keepdims)


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return pt.math.rsqrt(_float(x))


def erf(x):
    """The error function."""
    return pt.math.erf(_float(x))


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices (ties: the earlier index first)."""
    x = _tensor(x)
    values, indices = _sorted_last(x, descending=True)
    return values[..., :k], indices[..., :k]


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` largest predictions of its row (ties count as in)."""
    predictions = _float(predictions)
    targets = pt.cast(_tensor(targets), "int32")
    target_score = pt.gather(predictions, pt.expand_dims(targets, -1), axis=1, batch_dims=1)
    higher = pt.reduce_sum(pt.cast(pt.greater(predictions, target_score), "int32"), axis=-1)
    return pt.less(higher, k)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` per segment id (``num_segments`` defaults to the largest id + 1)."""
    data = _tensor(data)
    segment_ids = pt.cast(_tensor(segment_ids), "int32")
    if num_segments is None:
        num_segments = int(pt.reduce_max(segment_ids).numpy()) + 1
    return pt.math.unsorted_segment_sum(data, segment_ids, num_segments)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
