"""Parsing tf.train.SequenceExample: context features as in parse_example, and per-step feature lists as dense
(FixedLenSequenceFeature: steps x shape) or sparse (VarLenFeature: indices [step, position]) tensors.
"""
import numpy as np

from .. import errors
from ..data._types import SparseTensor, as_dtype, as_string_array, string, to_tensor
from ..train._sequence_example import SequenceExample

__all__ = ["FixedLenSequenceFeature", "parse_single_sequence_example", "parse_sequence_example"]


class FixedLenSequenceFeature:
    """A sequence feature whose every step holds ``prod(shape)`` values: parsed to (steps,) + shape. A missing
    feature list is an error unless ``allow_missing`` (then zero steps)."""

    def __init__(self, shape, dtype, allow_missing=False, default_value=None):
        self.shape = [int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape)]
        self.dtype = as_dtype(dtype)
        self.allow_missing = bool(allow_missing)
        self.default_value = default_value


def _decode(serialized, op):
    records = as_string_array(serialized.numpy() if hasattr(serialized, "numpy") else serialized)
    try:
        return [SequenceExample.FromString(r) for r in records.reshape(-1)], records.shape
    except ValueError as err:
        raise errors.InvalidArgumentError(f"{op}: could not parse a serialized SequenceExample ({err})") from None


def _empty(spec, shape):
    return np.zeros(shape, object) if spec.dtype is string else np.zeros(shape, spec.dtype.as_numpy_dtype)


def _steps(sequence_example, key, spec, op):
    """Each step's values (numpy arrays) of feature list `key`, or None when the example lacks it."""
    from . import _feature_array

    feature_list = sequence_example.feature_lists.feature_list.get(key)
    if feature_list is None:
        return None
    steps = []
    for step, feature in enumerate(feature_list.feature):
        values = _feature_array(feature, key, spec)
        steps.append(values if values is not None else _empty(spec, (0,)))
        if isinstance(spec, FixedLenSequenceFeature) and steps[-1].size != int(np.prod(spec.shape, dtype=np.int64)):
            raise errors.InvalidArgumentError(f"{op}: feature list {key!r} step {step} has {steps[-1].size} values, "
                                              f"but its FixedLenSequenceFeature shape {spec.shape} needs "
                                              f"{int(np.prod(spec.shape))}.")
    return steps


def _sequence_dense(steps, key, spec, op):
    if steps is None:
        if not spec.allow_missing:
            raise errors.InvalidArgumentError(f"{op}: feature list {key!r} is required but missing; use "
                                              f"FixedLenSequenceFeature(..., allow_missing=True).")
        steps = []
    return np.stack([s.reshape(spec.shape) for s in steps]) if steps else _empty(spec, [0] + spec.shape)


def _context(examples, context_features, op):
    from . import VarLenFeature, _dense, _feature_array

    out = {}
    for key, spec in (context_features or {}).items():
        per = [_feature_array(ex.context.feature.get(key), key, spec) for ex in examples]
        if isinstance(spec, VarLenFeature):
            per = [v if v is not None else _empty(spec, (0,)) for v in per]
            out[key] = per
        else:
            out[key] = [_dense(key, spec, v) for v in per]
    return out


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None, example_name=None,
                                  name=None):
    """(context dict, sequence dict) of one serialized SequenceExample."""
    op = "parse_single_sequence_example"
    from . import VarLenFeature

    (example,), shape = _decode(serialized, op)
    if shape != ():
        raise errors.InvalidArgumentError(f"{op}: expected one serialized SequenceExample; received shape {shape}.")
    context = {}
    for key, values in _context([example], context_features, op).items():
        value = values[0]
        context[key] = SparseTensor(np.arange(len(value))[:, None], value, [len(value)]) if isinstance(
            context_features[key], VarLenFeature) else to_tensor(value)
    sequences = {}
    for key, spec in (sequence_features or {}).items():
        steps = _steps(example, key, spec, op)
        if isinstance(spec, VarLenFeature):
            steps = steps or []
            indices = [(t, i) for t, s in enumerate(steps) for i in range(len(s))]
            values = np.concatenate(steps) if steps else _empty(spec, (0,))
            sequences[key] = SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2), values,
                                          [len(steps), max((len(s) for s in steps), default=0)])
        else:
            sequences[key] = to_tensor(_sequence_dense(steps, key, spec, op))
    return context, sequences


def parse_sequence_example(serialized, context_features=None, sequence_features=None, example_names=None,
                           name=None):
    """(context dict, sequence dict, lengths dict) of a vector of serialized SequenceExamples: dense sequence
    features padded to the longest (with default_value, else zeros), their step counts in ``lengths``; sparse
    ones with indices [example, step, position]."""
    op = "parse_sequence_example"
    from . import VarLenFeature

    examples, shape = _decode(serialized, op)
    if len(shape) != 1:
        raise errors.InvalidArgumentError(f"{op}: expected a vector of serialized SequenceExamples; received shape "
                                          f"{shape}.")
    context = {}
    for key, values in _context(examples, context_features, op).items():
        spec = context_features[key]
        if isinstance(spec, VarLenFeature):
            indices = [(b, i) for b, v in enumerate(values) for i in range(len(v))]
            flat = np.concatenate(values) if values else _empty(spec, (0,))
            context[key] = SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2), flat,
                                        [len(values), max((len(v) for v in values), default=0)])
        else:
            context[key] = to_tensor(np.stack(values) if values else _empty(spec, [0] + spec.shape))
    sequences, lengths = {}, {}
    for key, spec in (sequence_features or {}).items():
        per = [_steps(ex, key, spec, op) for ex in examples]
        if isinstance(spec, VarLenFeature):
            per = [p or [] for p in per]
            indices = [(b, t, i) for b, steps in enumerate(per) for t, s in enumerate(steps) for i in range(len(s))]
            flat = [v for steps in per for s in steps for v in s]
            values = as_string_array(flat) if spec.dtype is string else np.asarray(flat, spec.dtype.as_numpy_dtype)
            sequences[key] = SparseTensor(np.asarray(indices, np.int64).reshape(-1, 3), values.reshape(-1), [
                len(per), max((len(p) for p in per), default=0),
                max((len(s) for p in per for s in p), default=0)])
            continue
        dense = [_sequence_dense(steps, key, spec, op) for steps in per]
        longest = max((len(d) for d in dense), default=0)
        fill = spec.default_value if spec.default_value is not None else (b"" if spec.dtype is string else 0)
        padded = _empty(spec, [len(dense), longest] + spec.shape)
        padded[...] = fill
        for b, d in enumerate(dense):
            padded[b, :len(d)] = d
        sequences[key] = to_tensor(padded)
        lengths[key] = to_tensor(np.asarray([len(d) for d in dense], np.int64))
    return context, sequences, lengths
