"""keras.losses: the ``Loss`` base, every Keras loss class, their function forms and string aliases.

Each loss works on pytensor tensors with pytensor ops only, so it is differentiable under ``GradientTape`` and
cheap enough to call every batch. Probabilities are clipped with Keras's epsilon (``1e-7``) exactly where Keras
clips them; crossentropies given a softmax / sigmoid output that carries ``_keras_logits`` use the fused logits
kernels instead, as TF-Keras does.

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    loss = loss_fn(labels, logits)
"""

import math

import numpy as np

import pytensor as pt

from .backend import to_snake_case
from .serialization import (deserialize_object, get_registered_name, get_registered_object, serialize_object,
                            unknown_identifier_error)

EPSILON = 1e-7
"""Keras's fuzz factor (``keras.backend.epsilon()``) used to clip probabilities."""

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "auto")


# ---------------------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------------------

def _as_float(x):
    x = pt.convert_to_tensor(x)
    return x if x.dtype in (pt.float32, pt.float64) else pt.cast(x, pt.float32)


def _pair(y_true, y_pred, loss_name):
    """Converts to tensors of y_pred's float dtype and brings y_true to y_pred's shape the way Keras's
    ``squeeze_or_expand_to_same_rank`` does (a trailing 1 is dropped or added); other mismatches raise."""
    y_pred = _as_float(y_pred)
    y_true = pt.cast(pt.convert_to_tensor(y_true), y_pred.dtype)
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if len(true_shape) == len(pred_shape) + 1 and true_shape[-1] == 1:
        y_true = pt.squeeze(y_true, -1)
    elif len(pred_shape) == len(true_shape) + 1 and pred_shape[-1] == 1:
        y_pred = pt.squeeze(y_pred, -1)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"{loss_name}: y_true has shape {true_shape} but y_pred has shape {pred_shape}; they must "
                         f"match (a trailing dimension of 1 may differ). For integer class labels with "
                         f"probabilities per class use sparse_categorical_crossentropy.")
    return y_true, y_pred


def _logits_of(y_pred, activation):
    """The pre-activation tensor a Keras ``activation`` output carries, or None."""
    logits = getattr(y_pred, "_keras_logits", None)
    if logits is None or getattr(y_pred, "_keras_activation", activation) != activation:
        return None
    return logits


def _sigmoid_xent(labels, logits):
    """``-z log(sigmoid(x)) - (1-z) log(1-sigmoid(x))``, TF's stable form, for every x."""
    return pt.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


# ---------------------------------------------------------------------------------------------------------------
# function forms: per-sample losses (the last axis reduced)
# ---------------------------------------------------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error")
    return pt.reduce_mean(pt.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error")
    return pt.reduce_mean(pt.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_percentage_error")
    diff = pt.abs((y_true - y_pred) / pt.maximum(pt.abs(y_true), EPSILON))
    return 100.0 * pt.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_logarithmic_error")
    first = pt.math.log1p(pt.maximum(y_pred, EPSILON))
    second = pt.math.log1p(pt.maximum(y_true, EPSILON))
    return pt.reduce_mean(pt.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    return x * pt.math.rsqrt(pt.maximum(pt.reduce_sum(pt.square(x), axis=axis, keepdims=True), 1e-12))


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 for identical directions."""
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    return -pt.reduce_sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Mean over the last axis of ``0.5 e^2`` where ``|e| <= delta`` and ``delta |e| - 0.5 delta^2`` elsewhere,
    with ``e = y_pred - y_true``."""
    y_true, y_pred = _pair(y_true, y_pred, "huber")
    error = y_pred - y_true
    abs_error = pt.abs(error)
    delta = float(delta)
    values = pt.where(abs_error <= delta, 0.5 * pt.square(error), delta * abs_error - 0.5 * delta * delta)
    return pt.reduce_mean(values, axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as ``x + softplus(-2x) - log 2`` so large
    errors do not overflow."""
    y_true, y_pred = _pair(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return pt.reduce_mean(x + pt.nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred, "kl_divergence")
    y_true = pt.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = pt.clip_by_value(y_pred, EPSILON, 1.0)
    return pt.reduce_sum(y_true * pt.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred, "poisson")
    return pt.reduce_mean(y_pred - y_true * pt.log(y_pred + EPSILON), axis=-1)


def _hinge_labels(y_true):
    # Keras maps 0/1 labels to -1/1 when every label is 0 or 1.
    is_binary = pt.reduce_all(pt.logical_or(pt.equal(y_true, 0.0), pt.equal(y_true, 1.0)))
    return pt.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; labels 0/1 are first mapped to -1/1."""
    y_true, y_pred = _pair(y_true, y_pred, "hinge")
    return pt.reduce_mean(pt.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; labels 0/1 are first mapped to -1/1."""
    y_true, y_pred = _pair(y_true, y_pred, "squared_hinge")
    return pt.reduce_mean(pt.square(pt.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``maximum(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)`` and ``neg = max((1 - y_true) * y_pred)``
    over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred, "categorical_hinge")
    pos = pt.reduce_sum(y_true * y_pred, axis=-1)
    neg = pt.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return pt.maximum(neg - pos + 1.0, 0.0)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean over ``axis`` of ``-(y log p + (1 - y) log(1 - p))``, ``p`` clipped to ``[eps, 1 - eps]``; with
    ``from_logits`` (or a sigmoid output carrying its logits) the stable ``softplus(x) - x y`` form.
    ``label_smoothing`` moves labels towards 0.5: ``y (1 - s) + 0.5 s``."""
    carried = None if from_logits else _logits_of(y_pred, "sigmoid")  # read before _pair may reshape y_pred
    y_true, y_pred = _pair(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else carried
    if logits is not None:
        if tuple(logits.shape) != tuple(y_pred.shape):
            logits = pt.reshape(logits, tuple(y_pred.shape))
        values = _sigmoid_xent(y_true, pt.cast(logits, y_pred.dtype))
    else:
        p = pt.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
        values = -(y_true * pt.log(p) + (1.0 - y_true) * pt.log(1.0 - p))
    return pt.reduce_mean(values, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``-sum(y_true * log(p), axis)`` with ``p = y_pred / sum(y_pred)`` clipped to ``[eps, 1 - eps]``; with
    ``from_logits`` (or a softmax output carrying its logits) the fused softmax-crossentropy kernel.
    ``label_smoothing`` mixes labels with the uniform distribution: ``y (1 - s) + s / num_classes``."""
    y_pred = _as_float(y_pred)
    y_true = pt.cast(pt.convert_to_tensor(y_true), y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"categorical_crossentropy: y_true has shape {tuple(y_true.shape)} but y_pred has shape "
                         f"{tuple(y_pred.shape)}; y_true must be one-hot with the same shape. For integer class "
                         f"labels use sparse_categorical_crossentropy.")
    if label_smoothing:
        num_classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    logits = y_pred if from_logits else _logits_of(y_pred, "softmax")
    if logits is not None:
        return pt.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=pt.cast(logits, y_pred.dtype),
                                                               axis=axis)
    p = y_pred / pt.reduce_sum(y_pred, axis=axis, keepdims=True)
    p = pt.clip_by_value(p, EPSILON, 1.0 - EPSILON)
    return -pt.reduce_sum(y_true * pt.log(p), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """``-log(p[y_true])`` for integer labels, probabilities clipped to ``[eps, 1 - eps]`` (and renormalised, as
    Keras does by feeding their log to the softmax kernel); with ``from_logits`` (or a softmax output carrying its
    logits) the fused sparse softmax-crossentropy kernel directly. Entries whose label is ``ignore_class`` give 0."""
    y_pred = _as_float(y_pred)
    y_true = pt.convert_to_tensor(y_true)
    pred_shape, true_shape = tuple(y_pred.shape), tuple(y_true.shape)
    if axis not in (-1, len(pred_shape) - 1):
        raise ValueError(f"sparse_categorical_crossentropy: only axis=-1 (the class axis last) is supported, got "
                         f"axis={axis}; transpose y_pred so classes come last.")
    if len(true_shape) == len(pred_shape) and true_shape[-1] == 1:
        y_true = pt.squeeze(y_true, -1)
    elif len(true_shape) == len(pred_shape) and pred_shape[-1] > 1 and true_shape == pred_shape:
        raise ValueError(f"sparse_categorical_crossentropy: y_true has shape {true_shape}, the shape of y_pred: "
                         f"these look like one-hot labels. Pass integer class indices of shape {pred_shape[:-1]}, "
                         f"or use categorical_crossentropy for one-hot labels.")
    if tuple(y_true.shape) != pred_shape[:-1]:
        raise ValueError(f"sparse_categorical_crossentropy: y_true has shape {true_shape} but y_pred has shape "
                         f"{pred_shape}; y_true must hold one integer class index per row of y_pred "
                         f"(shape {pred_shape[:-1]}).")
    if y_true.dtype not in (pt.int32, pt.int64):
        y_true = pt.cast(y_true, pt.int32)
    valid = None
    if ignore_class is not None:
        valid = pt.not_equal(y_true, int(ignore_class))
        y_true = pt.where(valid, y_true, pt.zeros_like(y_true))
    logits = y_pred if from_logits else _logits_of(y_pred, "softmax")
    if logits is None:
        logits = pt.log(pt.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON))
    values = pt.nn.sparse_softmax_cross_entropy_with_logits(labels=y_true,
                                                                    logits=pt.cast(logits, y_pred.dtype))
    if valid is not None:
        values = pt.where(valid, values, pt.zeros_like(values))
        values._keras_mask = valid
    return values


# ---------------------------------------------------------------------------------------------------------------
# Loss classes
# ---------------------------------------------------------------------------------------------------------------

def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled by ``(1 - p_t) ** gamma`` (``p_t`` the probability of the true label), which
    down-weights easy examples; with ``apply_class_balancing``, also by ``alpha`` for 1s and ``1 - alpha`` for 0s.

    Example:
        >>> keras.losses.binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], gamma=2)  # [0.33, 0.206]
    """
    y_true, y_pred = _pair(y_true, y_pred, "binary_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = pt.sigmoid(y_pred)
    p = pt.clip_by_value(y_pred, EPSILON, 1.0 - EPSILON)
    bce = -(y_true * pt.log(p) + (1.0 - y_true) * pt.log(1.0 - p))
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    values = pt.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        values = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * values
    return pt.reduce_mean(values, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """Categorical crossentropy with each class's term scaled by ``alpha * (1 - p) ** gamma``.

    Example:
        >>> keras.losses.categorical_focal_crossentropy([[0, 1, 0], [0, 0, 1]], [[.05, .9, .05], [.1, .85, .05]])
    """
    y_true, y_pred = _pair(y_true, y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        y_pred = pt.nn.softmax(y_pred, axis=axis)
    p = pt.clip_by_value(y_pred / pt.reduce_sum(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON)
    return pt.reduce_sum(alpha * pt.pow(1.0 - p, gamma) * (-y_true * pt.log(p)), axis=axis)


def dice(y_true, y_pred, axis=None):
    """``1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`` over ``axis`` (everything by default).

    Example:
        >>> keras.losses.dice([[1.0, 0.0], [1.0, 1.0]], [[0.8, 0.1], [0.6, 0.9]])
    """
    y_true, y_pred = _pair(y_true, y_pred, "dice")
    intersection = pt.reduce_sum(y_true * y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (pt.reduce_sum(y_true, axis=axis) + pt.reduce_sum(y_pred, axis=axis) +
                                       EPSILON)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha FP + beta FN)`` with soft counts over ``axis`` (everything by default); alpha = beta
    = 0.5 is the Dice loss.

    Example:
        >>> keras.losses.tversky([[1.0, 0.0], [1.0, 1.0]], [[0.8, 0.1], [0.6, 0.9]], alpha=0.7, beta=0.3)
    """
    y_true, y_pred = _pair(y_true, y_pred, "tversky")
    intersection = pt.reduce_sum(y_true * y_pred, axis=axis)
    false_pos = pt.reduce_sum((1.0 - y_pred) * y_true, axis=axis)
    false_neg = pt.reduce_sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - intersection / (intersection + alpha * false_pos + beta * false_neg + EPSILON)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) for metric learning: ``y_pred`` holds L2-normalised embeddings, ``y_true``
    integer labels; pairs with equal labels are pulled together and others pushed apart, each pair weighted by how
    far it is from its optimum. Per sample: ``softplus(logsumexp(positive terms) + logsumexp(negative terms))``;
    the mask of positive losses makes the mean skip samples with none.

    Example:
        >>> keras.losses.circle([0, 0, 1], [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    """
    y_pred = _as_float(y_pred)
    y_true = pt.reshape(pt.cast(pt.convert_to_tensor(y_true), pt.int32), (-1, 1))
    ref_embeddings = y_pred if ref_embeddings is None else pt.cast(pt.convert_to_tensor(ref_embeddings), y_pred.dtype)
    ref_labels = y_true if ref_labels is None else pt.reshape(pt.cast(pt.convert_to_tensor(ref_labels), pt.int32),
                                                              (-1, 1))
    distances = pt.maximum(1.0 - pt.matmul(y_pred, ref_embeddings, transpose_b=True), 0.0)
    positive = pt.equal(y_true, pt.transpose(ref_labels))
    negative = pt.logical_not(positive)
    if remove_diagonal:
        positive = pt.logical_and(positive, pt.logical_not(pt.cast(pt.eye(*distances.shape), pt.bool)))
    pos_weights = pt.maximum((margin + distances) * pt.cast(positive, distances.dtype), 0.0)
    neg_weights = pt.maximum((1.0 + margin - distances) * pt.cast(negative, distances.dtype), 0.0)
    pos_terms = -gamma * pos_weights * (margin - distances)
    neg_terms = gamma * neg_weights * (1.0 - margin - distances)
    no_pair = pt.fill(distances.shape, pt.constant(-math.inf, dtype=distances.dtype))
    values = pt.nn.softplus(pt.reduce_logsumexp(pt.where(positive, pos_terms, no_pair), axis=1) +
                            pt.reduce_logsumexp(pt.where(negative, neg_terms, no_pair), axis=1))
    values._keras_mask = values > 0.0
    return values


def ctc(y_true, y_pred):
    """Connectionist temporal classification loss (Graves et al., 2006): ``-log p(labels | logits)`` summed over
    every alignment of the labels to the time steps, by the forward algorithm in log space.

    Args:
        y_true: integer labels, shape (batch, max_label_length); 0 is the blank and pads the end of shorter labels.
        y_pred: logits (not softmax outputs), shape (batch, time, classes).

    Example:
        >>> keras.losses.ctc([[1, 2]], tf.zeros((1, 4, 3)))  # -log(15 alignments / 3**4) = 1.6864
    """
    labels = np.asarray(pt.convert_to_tensor(y_true)).astype(np.int64)  # labels are data: no gradient flows
    logits = _as_float(y_pred)
    if labels.ndim != 2 or len(logits.shape) != 3:
        raise ValueError(f"ctc: y_true must be (batch_size, max_length) integer labels and y_pred (batch_size, "
                         f"max_length, num_classes) logits; received y_true.shape={labels.shape}, "
                         f"y_pred.shape={tuple(logits.shape)}.")
    batch, steps, classes = logits.shape
    lengths = (labels != 0).sum(axis=1)
    states = 2 * labels.shape[1] + 1
    extended = np.zeros((batch, states), np.int64)  # blank, l1, blank, l2, ..., blank
    extended[:, 1::2] = labels
    can_skip = np.zeros((batch, states), bool)  # s-2 -> s, between different labels
    can_skip[:, 2:] = (extended[:, 2:] != 0) & (extended[:, 2:] != extended[:, :-2])
    final = np.zeros((batch, states), bool)  # a path ends on the last label or the blank after it
    final[np.arange(batch), 2 * lengths] = True
    final[np.arange(batch)[lengths > 0], 2 * lengths[lengths > 0] - 1] = True
    # A large finite stand-in for log(0): -inf would give NaN gradients through unreachable states.
    never = pt.fill((batch, states), pt.constant(-1e30, dtype=logits.dtype))
    log_probs = pt.matmul(pt.nn.log_softmax(logits), pt.one_hot(extended, classes, dtype=logits.dtype),
                          transpose_b=True)  # (batch, time, states)
    start = np.full((batch, states), -1e30)
    start[:, 0] = 0.0
    alpha = pt.constant(start, dtype=logits.dtype)
    skip = pt.constant(can_skip)
    for t in range(steps):
        stay = alpha
        advance = pt.concat([never[:, :1], alpha[:, :-1]], axis=1)
        jump = pt.where(skip, pt.concat([never[:, :2], alpha[:, :-2]], axis=1), never)
        top = pt.maximum(pt.maximum(stay, advance), jump)
        alpha = top + pt.log(pt.exp(stay - top) + pt.exp(advance - top) + pt.exp(jump - top)) + log_probs[:, t, :]
    return -pt.reduce_logsumexp(pt.where(pt.constant(final), alpha, never), axis=1)


def _broadcast_weight(sample_weight, values):
    """Brings sample_weight to the rank of the per-sample losses (drop trailing 1s, add trailing axes)."""
    weight = pt.cast(pt.convert_to_tensor(sample_weight), values.dtype)
    rank = len(values.shape)
    while len(weight.shape) > rank and weight.shape[-1] == 1:
        weight = pt.squeeze(weight, -1)
    if len(weight.shape) < rank:
        weight = pt.reshape(weight, tuple(weight.shape) + (1,) * (rank - len(weight.shape)))
    return weight


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Applies ``sample_weight`` and the mask Keras attaches (``_keras_mask``), then the reduction:
    ``"none"`` keeps per-sample values, ``"sum"`` adds them, ``"sum_over_batch_size"`` divides the sum by the
    number of (unmasked) entries."""
    mask = getattr(values, "_keras_mask", None)
    if sample_weight is not None:
        values = values * _broadcast_weight(sample_weight, values)
    if reduction == "none":
        return values
    total = pt.reduce_sum(values)
    if reduction == "sum":
        return total
    if mask is not None:
        count = pt.maximum(pt.reduce_sum(pt.cast(mask, values.dtype)), 1.0)
    else:
        count = pt.cast(pt.size(values), values.dtype)
    return total / count


class Loss:
    """Base class of the Keras losses: subclasses implement ``call(y_true, y_pred)`` giving per-sample losses;
    ``__call__`` applies ``sample_weight`` and the reduction.

    Args:
        name: the loss's name.
        reduction: ``"sum_over_batch_size"`` (default; the older ``"auto"`` means the same), ``"sum"`` or
            ``"none"``.

    Example:
        class MyMSE(keras.losses.Loss):
            def call(self, y_true, y_pred):
                return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: invalid reduction {reduction!r}; expected one of "
                             f"{list(_REDUCTIONS)}.")
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = "sum_over_batch_size" if reduction == "auto" else reduction
        self.dtype = dtype

    def call(self, y_true, y_pred):
        """Per-sample losses; subclasses override."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _as_float(y_pred)
        y_true = pt.convert_to_tensor(y_true)
        if y_true.dtype.is_floating and y_true.dtype != y_pred.dtype:
            # Keras converts the targets to the loss's float dtype: float64 labels meet float32 predictions
            y_true = pt.cast(y_true, y_pred.dtype)
        values = self.call(y_true, y_pred)
        if mask is not None and tuple(mask.shape) == tuple(values.shape):
            # The prediction's mask (e.g. padded timesteps): masked entries add nothing, and the mean is over the
            # unmasked ones (Keras's sum_over_batch_size with a mask).
            mask = pt.cast(mask, pt.bool)
            own = getattr(values, "_keras_mask", None)
            if own is not None:
                mask = pt.logical_and(mask, pt.cast(own, pt.bool))
            values = pt.where(mask, values, pt.zeros_like(values))
            values._keras_mask = mask
        return reduce_values(values, sample_weight, self.reduction)

    def get_config(self):
        """The constructor arguments as a dict."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """Rebuilds the loss from ``get_config()``'s dict."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a function ``fn(y_true, y_pred, **kwargs)`` giving per-sample losses."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, **kwargs):
        super().__init__(name=name or fn.__name__, reduction=reduction)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _loss_class(class_name, fn, default_name, doc, **defaults):
    """Makes a Keras loss class whose constructor takes ``defaults`` (Keras's arguments) then reduction, name."""
    arg_names = tuple(defaults)

    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, **kwargs):
        if len(args) > len(arg_names):
            raise TypeError(f"{class_name}() takes at most {len(arg_names)} positional arguments "
                            f"{list(arg_names)}, got {len(args)}.")
        values = dict(defaults)
        values.update(zip(arg_names, args))
        unknown = set(kwargs) - set(arg_names)
        if unknown:
            raise TypeError(f"{class_name}() got unexpected arguments {sorted(unknown)}; valid: "
                            f"{list(arg_names) + ['reduction', 'name']}.")
        values.update(kwargs)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **values)

    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MeanSquaredError = _loss_class(
    "MeanSquaredError", mean_squared_error, "mean_squared_error",
    """``mean(square(y_true - y_pred))``.

    Example:
        >>> keras.losses.MeanSquaredError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])  # 0.5
    """)
MeanAbsoluteError = _loss_class(
    "MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
    """``mean(abs(y_true - y_pred))``.

    Example:
        >>> keras.losses.MeanAbsoluteError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])  # 0.5
    """)
MeanAbsolutePercentageError = _loss_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error, "mean_absolute_percentage_error",
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)))``.

    Example:
        >>> keras.losses.MeanAbsolutePercentageError()([[2., 1.], [2., 3.]], [[1., 1.], [1., 0.]])  # 50.0
    """)
MeanSquaredLogarithmicError = _loss_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    """``mean(square(log(y_pred + 1) - log(y_true + 1)))`` (both floored at eps).

    Example:
        >>> keras.losses.MeanSquaredLogarithmicError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])  # 0.240
    """)
CosineSimilarity = _loss_class(
    "CosineSimilarity", cosine_similarity, "cosine_similarity",
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``.

    Example:
        >>> keras.losses.CosineSimilarity(axis=1)([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]])  # -0.5
    """, axis=-1)
Huber = _loss_class(
    "Huber", huber, "huber_loss",
    """``0.5 e^2`` for ``|e| <= delta``, ``delta |e| - 0.5 delta^2`` otherwise, ``e = y_pred - y_true``.

    Example:
        >>> keras.losses.Huber()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]])  # 0.155
    """, delta=1.0)
LogCosh = _loss_class(
    "LogCosh", log_cosh, "log_cosh",
    """``mean(log(cosh(y_pred - y_true)))``.

    Example:
        >>> keras.losses.LogCosh()([[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]])  # 0.108
    """)
KLDivergence = _loss_class(
    "KLDivergence", kl_divergence, "kl_divergence",
    """``sum(y_true * log(y_true / y_pred))`` with both clipped to ``[eps, 1]``.

    Example:
        >>> keras.losses.KLDivergence()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]])  # 0.458
    """)
Poisson = _loss_class(
    "Poisson", poisson, "poisson",
    """``mean(y_pred - y_true * log(y_pred + eps))``.

    Example:
        >>> keras.losses.Poisson()([[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]])  # 0.5
    """)
Hinge = _loss_class(
    "Hinge", hinge, "hinge",
    """``mean(maximum(1 - y_true * y_pred, 0))``; 0/1 labels become -1/1.

    Example:
        >>> keras.losses.Hinge()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]])  # 1.3
    """)
SquaredHinge = _loss_class(
    "SquaredHinge", squared_hinge, "squared_hinge",
    """``mean(square(maximum(1 - y_true * y_pred, 0)))``; 0/1 labels become -1/1.

    Example:
        >>> keras.losses.SquaredHinge()([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]])  # 1.86
    """)
CategoricalHinge = _loss_class(
    "CategoricalHinge", categorical_hinge, "categorical_hinge",
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``.

    Example:
        >>> keras.losses.CategoricalHinge()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])  # 1.4
    """)
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    """``-(y log p + (1 - y) log(1 - p))`` averaged over the last axis (see ``binary_crossentropy``).

    Example:
        >>> keras.losses.BinaryCrossentropy(from_logits=True)([0., 1., 0., 0.], [-18.6, 0.51, 2.94, -12.8])
        # 0.865
    """, from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    """``-sum(y_true * log(y_pred))`` for one-hot labels (see ``categorical_crossentropy``).

    Example:
        >>> keras.losses.CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[.05, .95, 0], [.1, .8, .1]])
        # 1.177
    """, from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    """``-log(y_pred[y_true])`` for integer labels (see ``sparse_categorical_crossentropy``).

    Example:
        >>> keras.losses.SparseCategoricalCrossentropy()([1, 2], [[.05, .95, 0], [.1, .8, .1]])  # 1.177
    """, from_logits=False, ignore_class=None)


BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    """Binary crossentropy that focuses on hard examples (see ``binary_focal_crossentropy``).""",
    apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy, "categorical_focal_crossentropy",
    """Categorical crossentropy that focuses on hard examples (see ``categorical_focal_crossentropy``).""",
    alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1)
CTC = _loss_class("CTC", ctc, "ctc", """The CTC loss (see ``ctc``).""")
Circle = _loss_class("Circle", circle, "circle", """The circle loss (see ``circle``).""", gamma=80.0, margin=0.4,
                     remove_diagonal=True)
Dice = _loss_class("Dice", dice, "dice", """The Dice loss (see ``dice``).""", axis=None)
Tversky = _loss_class("Tversky", tversky, "tversky", """The Tversky loss (see ``tversky``).""", alpha=0.5, beta=0.5,
                      axis=None)

# ---------------------------------------------------------------------------------------------------------------
# aliases, serialisation, get
# ---------------------------------------------------------------------------------------------------------------

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh
huber_loss = huber

_FUNCTIONS = {fn.__name__: fn for fn in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, huber, log_cosh, kl_divergence, poisson, hinge, squared_hinge, categorical_hinge,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, binary_focal_crossentropy,
    categorical_focal_crossentropy, dice, tversky, circle, ctc)}
_FUNCTIONS.update({"mse": mse, "mae": mae, "mape": mape, "msle": msle, "kld": kld, "MSE": mse, "MAE": mae,
                   "MAPE": mape, "MSLE": msle, "KLD": kld, "kullback_leibler_divergence": kl_divergence,
                   "logcosh": log_cosh, "huber_loss": huber, "bce": bce, "BCE": bce})
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity,
    Huber, LogCosh, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
    Dice, Tversky, Circle, CTC)}


def serialize(loss):
    """Keras 3's ``{"module", "class_name", "config", "registered_name"}`` for a Loss, the function's name for a
    loss function."""
    if isinstance(loss, Loss):
        return serialize_object(loss)
    return get_registered_name(loss)


def deserialize(config, custom_objects=None):
    """Inverse of ``serialize``: a name or a ``{"class_name", "config"}`` dict (custom losses through
    ``custom_objects``, scopes or ``register_keras_serializable``)."""
    if isinstance(config, dict):
        return deserialize_object(config, _CLASSES, "loss", custom_objects)
    return get_registered_object(config, custom_objects) or get(config)


def get(identifier):
    """Resolves a loss: None, a name (``"mse"``, ``"sparse_categorical_crossentropy"``, a class name), a config
    dict, a function or a Loss instance/class.

    Raises:
        ValueError: an unknown name (the message lists the valid ones) or an uninterpretable identifier.
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES or identifier == "Loss":  # Keras resolves its base class's name too
            return _CLASSES.get(identifier, Loss)()
        raise unknown_identifier_error("loss", identifier, list(_FUNCTIONS) + list(_CLASSES))
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier {identifier!r}: pass a name, a dict, a function or a "
                     f"keras.losses.Loss.")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
