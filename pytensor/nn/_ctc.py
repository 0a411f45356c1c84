"""Connectionist temporal classification (``tf.nn.ctc_*``): the loss by the forward algorithm in log space, the
greedy and beam-search decoders, and the label helpers.

The loss is written with core ops over the time steps, so tapes differentiate it with respect to the logits (to
any order); the decoders are integer searches on concrete values, as TF's kernels are.
"""

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable
from ..data._types import SparseTensor
from ..errors import InvalidArgumentError

__all__ = ["ctc_loss", "ctc_greedy_decoder", "ctc_beam_search_decoder", "collapse_repeated", "ctc_unique_labels"]

# log(0) as a finite number: unreachable states stay far below reachable ones without inf - inf = nan in gradients
_LOG_ZERO = -1e30


def _int_array(x, op, what):
    array = np.asarray(x.numpy() if isinstance(x, (Tensor, Variable)) else x)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: {what} must be integers, got {array.dtype}")
    return array.astype(np.int64)


def _dense_labels(labels, label_length, op):
    """(labels as an int64 [batch, max_len] array, lengths), from a dense tensor + lengths or a SparseTensor."""
    if isinstance(labels, SparseTensor):
        index = labels.indices.numpy()
        shape = tuple(int(d) for d in labels.dense_shape.numpy())
        dense = np.zeros(shape, np.int64)
        dense[tuple(index.T)] = np.asarray(labels.values)
        lengths = np.zeros(shape[0], np.int64)
        np.maximum.at(lengths, index[:, 0], index[:, 1] + 1)
        return dense, lengths
    dense = _int_array(labels, op, "labels")
    if dense.ndim != 2:
        raise ValueError(f"{op}: labels must be [batch, max_label_length], got shape {dense.shape}")
    if label_length is None:
        raise ValueError(f"{op}: label_length is required with dense labels (or pass labels as a SparseTensor)")
    return dense, _int_array(label_length, op, "label_length")


def _logsumexp(*terms):
    peak = terms[0]
    for t in terms[1:]:
        peak = _core.maximum(peak, t)
    peak = _core.stop_gradient(peak)
    total = _core.exp(terms[0] - peak)
    for t in terms[1:]:
        total = total + _core.exp(t - peak)
    return peak + _core.log(total)


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """The negative log-probability of each label sequence under the softmax of `logits`, summed over every
    alignment (blank symbol `blank_index`, 0 by default; negative counts from the number of classes)."""
    op = "ctc_loss"
    logits = logits if isinstance(logits, (Tensor, Variable)) else _core.convert_to_tensor(logits, dtype_hint="float32")
    if not logits.dtype.is_floating:
        raise TypeError(f"{op}: logits must be floating, got {logits.dtype.name}")
    if len(logits.shape) != 3:
        raise ValueError(f"{op}: logits must be [time, batch, classes] (or [batch, time, classes] with "
                         f"logits_time_major=False), got shape {list(logits.shape)}")
    if not logits_time_major:
        logits = _core.transpose(logits, [1, 0, 2])
    steps, batch, classes = logits.shape
    if isinstance(labels, SparseTensor) and blank_index is None:
        raise ValueError(f"{op}: blank_index must be given when labels are a SparseTensor")
    blank = 0 if blank_index is None else blank_index % classes
    dense, lengths = _dense_labels(labels, label_length, op)
    frames = _int_array(logit_length, op, "logit_length").reshape(-1)
    if dense.shape[0] != batch or lengths.shape != (batch,) or frames.shape != (batch,):
        raise ValueError(f"{op}: labels ({dense.shape[0]} rows), label_length {lengths.shape} and logit_length "
                         f"{frames.shape} must all have the batch size of logits ({batch})")
    if np.any((dense < 0) | (dense >= classes)):
        raise InvalidArgumentError(f"{op}: labels must be in [0, {classes}), got {dense.min()}..{dense.max()}")
    if np.any(frames > steps) or np.any(frames < 0):
        raise InvalidArgumentError(f"{op}: logit_length must be in [0, {steps}], got {frames.tolist()}")

    # the extended sequence: blank, l1, blank, l2, ..., blank (2 * length + 1 states per row)
    states = 2 * dense.shape[1] + 1
    extended = np.full((batch, states), blank, np.int64)
    extended[:, 1::2] = dense
    valid = np.arange(states)[None, :] < (2 * lengths + 1)[:, None]
    skip = np.zeros((batch, states), bool)  # s may come from s - 2: a label differing from the one before
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    one_hot = np.eye(classes, dtype=logits.dtype.as_numpy_dtype)[extended]  # [batch, states, classes]

    log_probs = _core.log_softmax(logits, axis=-1)  # [time, batch, classes]
    # emissions[t, b, s] = log p(extended[b, s] at t)
    emissions = _core.transpose(_core.matmul(_core.transpose(log_probs, [1, 0, 2]),
                                             _core.constant(one_hot.transpose(0, 2, 1))), [1, 0, 2])
    dtype = logits.dtype.name
    floor = _core.constant(np.where(valid, 0.0, _LOG_ZERO).astype(dtype))
    start = np.full((batch, states), _LOG_ZERO, dtype)
    start[:, 0] = 0.0
    start[:, 1] = np.where(lengths > 0, 0.0, _LOG_ZERO)
    alpha = _core.constant(start) + emissions[0] + floor
    no_skip = _core.constant(np.where(skip, 0.0, _LOG_ZERO).astype(dtype))
    pad = _core.constant(np.full((batch, 1), _LOG_ZERO, dtype))
    for t in range(1, steps):
        from_prev = _core.concat([pad, alpha[:, :-1]], axis=1)
        from_skip = _core.concat([pad, pad, alpha[:, :-2]], axis=1) + no_skip
        advanced = _logsumexp(alpha, from_prev, _core.maximum(from_skip, _core.constant(_LOG_ZERO, dtype))) \
            + emissions[t] + floor
        running = _core.constant((t < frames)[:, None])
        alpha = _core.where(running, advanced, alpha)
    last = np.zeros((batch, states), dtype)
    last[np.arange(batch), 2 * lengths] = 1.0
    before_last = np.zeros((batch, states), dtype)
    has_label = lengths > 0
    before_last[np.arange(batch)[has_label], 2 * lengths[has_label] - 1] = 1.0
    pick = lambda mask: _core.reduce_sum(alpha * _core.constant(mask), axis=1)  # noqa: E731
    end_blank = pick(last)
    end_label = _core.where(_core.constant(has_label), pick(before_last), _core.constant(
        np.full(batch, _LOG_ZERO, dtype)))
    return -_logsumexp(end_blank, end_label)


def _decoded(paths, batch):
    """The SparseTensor [batch, longest] of one decoded path per row."""
    indices = [[b, i] for b, path in enumerate(paths) for i in range(len(path))]
    values = np.asarray([v for path in paths for v in path], np.int64)
    width = max((len(p) for p in paths), default=0)
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2), values, [batch, width])


def _decoder_inputs(inputs, sequence_length, op):
    array = np.asarray(inputs.numpy() if isinstance(inputs, (Tensor, Variable)) else inputs, np.float64)
    if array.ndim != 3:
        raise ValueError(f"{op}: inputs must be [max_time, batch, classes], got shape {array.shape}")
    lengths = _int_array(sequence_length, op, "sequence_length").reshape(-1)
    if lengths.shape != (array.shape[1],) or np.any(lengths > array.shape[0]) or np.any(lengths < 0):
        raise InvalidArgumentError(f"{op}: sequence_length must hold one length in [0, {array.shape[0]}] per batch "
                                   f"row ({array.shape[1]}), got {lengths.tolist()}")
    return array, lengths, (inputs.dtype.name if isinstance(inputs, (Tensor, Variable)) else "float32")


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """The most likely class at each step, repeats merged and blanks (the last class by default) dropped."""
    array, lengths, dtype = _decoder_inputs(inputs, sequence_length, "ctc_greedy_decoder")
    classes = array.shape[2]
    blank = classes - 1 if blank_index is None else blank_index % classes
    paths, scores = [], []
    for b in range(array.shape[1]):
        steps = array[:lengths[b], b]
        best = steps.argmax(axis=1)
        scores.append(-steps.max(axis=1).sum())
        path, previous = [], None
        for c in best:
            if c != blank and not (merge_repeated and c == previous):
                path.append(int(c))
            previous = c
        paths.append(path)
    return [_decoded(paths, array.shape[1])], _core.constant(np.asarray(scores, dtype).reshape(-1, 1))


def _log_add(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    return max(a, b) + np.log1p(np.exp(-abs(a - b)))


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1):
    """The `top_paths` most likely label sequences by prefix beam search (blank: the last class), with their log
    probabilities (summed over alignments)."""
    op = "ctc_beam_search_decoder"
    array, lengths, dtype = _decoder_inputs(inputs, sequence_length, op)
    if top_paths > beam_width:
        raise ValueError(f"{op}: top_paths ({top_paths}) must be <= beam_width ({beam_width})")
    classes = array.shape[2]
    blank = classes - 1
    log_probs = array - np.logaddexp.reduce(array, axis=2, keepdims=True)
    decoded, scores = [[] for _ in range(top_paths)], []
    for b in range(array.shape[1]):
        beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, log p ending in its last label)
        for t in range(lengths[b]):
            step = log_probs[t, b]
            grown = {}
            for prefix, (p_blank, p_label) in beams.items():
                total = _log_add(p_blank, p_label)
                nb, nl = grown.get(prefix, (-np.inf, -np.inf))
                grown[prefix] = (_log_add(nb, total + step[blank]), nl)
                for c in range(classes):
                    if c == blank:
                        continue
                    extended = prefix + (c,)
                    nb, nl = grown.get(extended, (-np.inf, -np.inf))
                    # a repeat of the last label extends only from paths that ended in a blank
                    source = p_blank if prefix and prefix[-1] == c else total
                    grown[extended] = (nb, _log_add(nl, source + step[c]))
                    if prefix and prefix[-1] == c:
                        nb, nl = grown[prefix]
                        grown[prefix] = (nb, _log_add(nl, p_label + step[c]))
            ranked = sorted(grown.items(), key=lambda item: -_log_add(*item[1]))
            beams = dict(ranked[:beam_width])
        ranked = sorted(beams.items(), key=lambda item: -_log_add(*item[1]))[:top_paths]
        for k in range(top_paths):
            decoded[k].append(list(ranked[k][0]) if k < len(ranked) else [])
        scores.append([_log_add(*ranked[k][1]) if k < len(ranked) else -np.inf for k in range(top_paths)])
    return ([_decoded(paths, array.shape[1]) for paths in decoded],
            _core.constant(np.asarray(scores, dtype)))


def collapse_repeated(labels, seq_length, name=None):
    """Each row with runs of a repeated label merged into one, and the new lengths."""
    dense = _int_array(labels, "collapse_repeated", "labels")
    lengths = _int_array(seq_length, "collapse_repeated", "seq_length")
    rows = []
    for row, n in zip(dense, lengths):
        kept = [int(v) for i, v in enumerate(row[:n]) if i == 0 or v != row[i - 1]]
        rows.append(kept)
    width = dense.shape[1] if rows else 0
    out = np.zeros((len(rows), width), dense.dtype)
    for i, kept in enumerate(rows):
        out[i, :len(kept)] = kept
    # TF trims the padding to the longest collapsed row
    longest = max((len(k) for k in rows), default=0)
    return _core.constant(out[:, :longest].astype(np.int32)), _core.constant(
        np.asarray([len(k) for k in rows], np.int32))


def ctc_unique_labels(labels, name=None):
    """Per row: the distinct labels in order of first appearance (padded with 0) and each label's position in
    them."""
    dense = _int_array(labels, "ctc_unique_labels", "labels")
    unique_rows, index_rows = [], []
    for row in dense:
        order, positions = [], []
        for v in row:
            if v not in order:
                order.append(int(v))
            positions.append(order.index(int(v)))
        unique_rows.append(order + [0] * (len(row) - len(order)))
        index_rows.append(positions)
    kind = labels.dtype.name if isinstance(labels, (Tensor, Variable)) else "int32"
    return (_core.constant(np.asarray(unique_rows, kind).reshape(dense.shape)),
            _core.constant(np.asarray(index_rows, kind).reshape(dense.shape)))
