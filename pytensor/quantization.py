"""``tf.quantization``: quantize / dequantize between float32 and 8- to 32-bit integers (TF's MIN_COMBINED, MIN_FIRST
and SCALED modes), quantize_and_dequantize_v2 and the fake_quant family with their gradients.

Each function is a composition of core ops. The scalars that set a quantization's scale are computed in float32
(numpy float32 arithmetic, as TF's kernels compute them), so results match TF's bit for bit. pytensor has no
quantized tensor dtypes: ``quantize`` returns the integer storage of TF's result (int8 for ``tf.qint8``, uint8 for
``tf.quint8``, int16, uint16, int32), the values TF's quantized tensor's ``.numpy()`` holds, and ``dequantize``
reads such integer tensors. The fake_quant functions pass gradients straight through inside the (nudged) range and
nowhere else, as TF's gradient ops do.
"""
import collections

import numpy as np

from . import _core
from .dtypes import as_dtype
from .errors import InvalidArgumentError
from .gradient_tape import stop_gradient

__all__ = ["quantize", "dequantize", "quantize_and_dequantize", "quantize_and_dequantize_v2",
           "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient", "fake_quant_with_min_max_vars",
           "fake_quant_with_min_max_vars_gradient", "fake_quant_with_min_max_vars_per_channel",
           "fake_quant_with_min_max_vars_per_channel_gradient"]

QuantizeV2 = collections.namedtuple("QuantizeV2", ["output", "output_min", "output_max"])
_F32 = np.float32
# quantized dtype name -> the integer dtype that stores it
_STORAGE = {"qint8": "int8", "quint8": "uint8", "qint16": "int16", "quint16": "uint16", "qint32": "int32"}
_MODES = ("MIN_COMBINED", "MIN_FIRST", "SCALED")


def _storage(T, op):
    name = as_dtype(T).name
    if name in _STORAGE:
        return _STORAGE[name]
    if name in _STORAGE.values():
        return name
    raise TypeError(f"{op}: T must be a quantized dtype (qint8, quint8, qint16, quint16, qint32), got {name}")


def _scalar(value, op, what):
    """A float32 scalar from a Python number or a 0-d / 1-element tensor (TF's min_range / max_range)."""
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value, np.float32)
    if array.size != 1:
        raise InvalidArgumentError(f"{op}: {what} must be a scalar (per-axis ranges, `axis`, are not supported), got "
                                   f"shape {array.shape}")
    return _F32(array.reshape(()))


def _float_input(x, op):
    x = _core.convert_to_tensor(x, dtype_hint="float32")
    if x.dtype.name != "float32":
        raise TypeError(f"{op}: input must be float32 (TF's kernels are float32), got {x.dtype.name}; cast it first")
    return x


def _const(value, like):
    return _core.constant(value, like.dtype)


def _round_half_away(v):
    """round(v) with ties away from zero (std::round), exactly: rint, corrected where the fraction is exactly 1/2."""
    truncated = _core.where(v < 0.0, _core.ceil(v), _core.floor(v))
    tie = _core.equal(_core.abs(v - truncated), _const(0.5, v))
    return _core.where(tie, truncated + _core.sign(v), _core.round(v))


def _round_half_away_scalar(v):
    """std::round of a float32 scalar."""
    return _F32(np.sign(v) * np.floor(np.abs(v) + _F32(0.5))) if np.abs(v) < 2 ** 23 else v


def _check_axis(axis, op):
    if axis is not None:
        raise NotImplementedError(f"{op}: per-axis quantization (axis={axis}) is not built; pass scalar ranges and "
                                  f"axis=None")


def quantize(input, min_range, max_range, T, mode="MIN_COMBINED", round_mode="HALF_AWAY_FROM_ZERO", name=None,
             narrow_range=False, axis=None, ensure_minimum_range=0.01):
    """Quantizes float32 `input` over [min_range, max_range] to the integers of quantized dtype `T`.

    Returns ``QuantizeV2(output, output_min, output_max)``: the integers (in T's storage dtype) and the range they
    represent (the requested one widened to hold 0 and at least ``ensure_minimum_range``; SCALED's symmetric one).
    """
    op = "quantize"
    _check_axis(axis, op)
    if mode not in _MODES:
        raise InvalidArgumentError(f"{op}: mode must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is '{mode}'")
    if round_mode not in ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"):
        raise InvalidArgumentError(f"{op}: round_mode must be 'HALF_AWAY_FROM_ZERO' or 'HALF_TO_EVEN', is "
                                   f"'{round_mode}'")
    if round_mode == "HALF_TO_EVEN" and mode != "SCALED":
        raise InvalidArgumentError(f"{op}: round_mode 'HALF_TO_EVEN' is only supported for mode 'SCALED', but mode is "
                                   f"'{mode}'")
    storage = _storage(T, op)
    x = _float_input(input, op)
    lo_in, hi_in = _scalar(min_range, op, "min_range"), _scalar(max_range, op, "max_range")
    if lo_in > hi_in:
        raise InvalidArgumentError(f"{op}: min_range ({lo_in}) must be <= max_range ({hi_in})")
    info = np.iinfo(storage)
    lowest, highest = info.min, info.max
    lo = min(_F32(0), lo_in)
    epsilon = max(_F32(1), max(abs(lo_in), abs(hi_in))) * _F32(ensure_minimum_range)
    hi = max(_F32(0), max(hi_in, _F32(lo + epsilon)))
    rounded = _round_half_away if round_mode == "HALF_AWAY_FROM_ZERO" else _core.round
    clamped = _core.clip_by_value(x, _const(lo, x), _const(hi, x))
    if mode == "MIN_COMBINED":
        scale = _F32((float(highest) - float(lowest)) / float(_F32(hi - lo)))
        half_range = _F32((float(highest) - float(lowest) + 1) / 2.0) if lowest < 0 else _F32(0)
        q = rounded((clamped - lo) * scale - half_range)
    elif mode == "MIN_FIRST":
        # float32 throughout, with TF's grouping: round(x * scale) - (round(min * scale) - lowest)
        range_scale = _F32((float(1 << info.bits) - 1.0) / float(_F32(hi - lo)))
        offset = _F32(_round_half_away_scalar(_F32(lo * range_scale)) - _F32(lowest))
        top = _F32(highest) if int(_F32(highest)) <= int(highest) else np.nextafter(_F32(highest), _F32(0))  # fits T
        q = _core.clip_by_value(rounded(clamped * range_scale) - offset, _const(_F32(lowest), x), _const(top, x))
    else:  # SCALED: symmetric around 0, the side that needs the smaller scale decides it
        min_out = lowest + (1 if narrow_range else 0)
        side = lambda out, bound: _F32(out / bound) if out * bound > 0 else _F32(np.finfo(np.float32).max)  # noqa
        scale = min(side(_F32(min_out), lo), side(_F32(highest), hi))
        lo, hi = _F32(min_out / scale), _F32(highest / scale)
        q = rounded(_core.clip_by_value(x, _const(lo, x), _const(hi, x)) * scale)
    return QuantizeV2(_core.cast(q, storage), _core.constant(lo, "float32"), _core.constant(hi, "float32"))


def dequantize(input, min_range, max_range, mode="MIN_COMBINED", name=None, axis=None, narrow_range=False,
               dtype="float32"):
    """Maps quantized integers `input` (what ``quantize`` returns) back to floats over [min_range, max_range]."""
    op = "dequantize"
    _check_axis(axis, op)
    if mode not in _MODES:
        raise InvalidArgumentError(f"{op}: mode must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is '{mode}'")
    q = _core.convert_to_tensor(input)
    storage = _storage(q.dtype, op)
    if as_dtype(dtype).name != "float32":
        raise TypeError(f"{op}: dtype must be float32, got {as_dtype(dtype).name}")
    lo, hi = _scalar(min_range, op, "min_range"), _scalar(max_range, op, "max_range")
    info = np.iinfo(storage)
    lowest, highest = info.min, info.max
    if mode == "MIN_COMBINED":
        scale = _F32(float(_F32(hi - lo)) / (float(highest) - float(lowest)))
        half_range = _F32((float(highest) - float(lowest) + 1) / 2.0) if lowest < 0 else _F32(0)
        return (_core.cast(q, "float32") + half_range) * scale + lo
    if mode == "MIN_FIRST":
        if lo == hi:
            return _core.fill(tuple(q.shape), lo)
        range_scale = _F32(float(_F32(hi - lo)) / (float(1 << info.bits) - 1.0))
        lo_rounded = _F32(_round_half_away_scalar(_F32(lo / range_scale)) * range_scale)
        return (_core.cast(q, "float32") - _F32(lowest)) * range_scale + lo_rounded
    min_out = lowest + (1 if narrow_range else 0)
    scale = _F32(hi / _F32(highest)) if lowest == 0 else max(_F32(lo / _F32(min_out)), _F32(hi / _F32(highest)))
    return _core.cast(q, "float32") * scale


def quantize_and_dequantize_v2(input, input_min, input_max, signed_input=True, num_bits=8, range_given=False,
                               round_mode="HALF_TO_EVEN", name=None, narrow_range=False, axis=None):
    """Quantizes then dequantizes `input` (float32 or float64) to `num_bits` steps, symmetric around 0; the range is
    [input_min, input_max] when `range_given`, else the input's own min and max. Its gradient passes where
    input_min <= input <= input_max (the given tensors, as TF's), zero elsewhere."""
    op = "quantize_and_dequantize_v2"
    _check_axis(axis, op)
    if round_mode not in ("HALF_TO_EVEN", "HALF_UP"):
        raise InvalidArgumentError(f"{op}: round_mode must be 'HALF_TO_EVEN' or 'HALF_UP', is '{round_mode}'")
    x = _core.convert_to_tensor(input, dtype_hint="float32")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: input must be a float tensor, got {x.dtype.name}")
    scalar_type = np.dtype(x.dtype.name).type
    given_lo = _core.cast(_core.convert_to_tensor(input_min, dtype_hint=x.dtype), x.dtype)
    given_hi = _core.cast(_core.convert_to_tensor(input_max, dtype_hint=x.dtype), x.dtype)
    if range_given:
        lo, hi = scalar_type(given_lo.numpy()), scalar_type(given_hi.numpy())
        if lo > hi:
            raise InvalidArgumentError(f"{op}: input_min ({lo}) must be <= input_max ({hi})")
        if not signed_input and lo < 0:
            raise InvalidArgumentError(f"{op}: input_min ({lo}) must be >= 0 when signed_input is False")
    else:
        values = x.numpy()
        lo = scalar_type(values.min()) if values.size else scalar_type(0)
        hi = scalar_type(values.max()) if values.size else scalar_type(0)
    min_q = (-(1 << (num_bits - 1)) + (1 if narrow_range else 0)) if signed_input else 0
    max_q = (1 << (num_bits - 1)) - 1 if signed_input else (1 << num_bits) - 1
    big = np.finfo(scalar_type).max
    from_min = scalar_type(min_q / lo) if min_q * lo > 0 else big
    from_max = scalar_type(max_q / hi) if max_q * hi > 0 else big
    if from_min < from_max:
        scale, inverse = from_min, scalar_type(lo / scalar_type(min_q))
        hi = scalar_type(max_q * inverse)
    else:
        scale, inverse = from_max, scalar_type(hi / scalar_type(max_q))
        lo = scalar_type(min_q * inverse)
    clamped = _core.clip_by_value(x, _const(lo, x), _const(hi, x)) if range_given else x
    scaled = clamped * scale
    rounded = _core.round(scaled) if round_mode == "HALF_TO_EVEN" else _core.floor(scaled + _const(0.5, x))
    out = rounded * inverse
    inside = _core.logical_and(x >= given_lo, x <= given_hi)
    return _straight_through(out, x, inside)


quantize_and_dequantize = quantize_and_dequantize_v2  # (TF's v1 name takes the same arguments here)


def _straight_through(value, x, inside):
    """`value` whose gradient with respect to x is the upstream where `inside`, zero elsewhere: value plus a term
    that is exactly zero but carries that gradient (x - x where inside, 0 - 0 elsewhere; no inf - inf)."""
    passed = _core.where(inside, x, _core.zeros_like(x))
    return stop_gradient(value) + (passed - stop_gradient(passed))


def _nudge(lo, hi, num_bits, narrow_range):
    """TF's nudged (min, max, scale) as float32 0-d tensors from float32 0-d tensors lo < hi: the range moved so
    that 0 is exactly one of its 2^num_bits steps (tensor ops, so that a traced function nudges trainable ranges)."""
    quant_min = _core.constant(1.0 if narrow_range else 0.0, "float32")
    quant_max = _core.constant(float((1 << num_bits) - 1), "float32")
    scale = (hi - lo) / (quant_max - quant_min)
    zero_from_min = quant_min - lo / scale
    zero = _core.clip_by_value(_round_half_away(zero_from_min), quant_min, quant_max)
    return (quant_min - zero) * scale, (quant_max - zero) * scale, scale


def _check_fake_quant(lo, hi, num_bits, op):
    if not 2 <= num_bits <= 16:
        raise InvalidArgumentError(f"{op}: num_bits must be between 2 and 16, inclusive; got {num_bits}")
    if not lo < hi:
        raise InvalidArgumentError(f"{op}: min has to be smaller than max, was: min = {lo}, max = {hi}")


def _fake_quant_values(x, nudged_min, nudged_max, scale):
    """floor((clamp(x) - nudged_min) / scale + 1/2) * scale + nudged_min in float32 (TF's kernel fuses some of the
    multiply-adds, so its values can differ from these in the last bit)."""
    shifted = _core.clip_by_value(x, nudged_min, nudged_max) - nudged_min
    steps = _core.floor(shifted * (_core.constant(1.0, "float32") / scale) + 0.5)
    return steps * scale + nudged_min


def _float32(x, op, what="inputs"):
    x = _core.convert_to_tensor(x, dtype_hint="float32")
    if x.dtype.name != "float32":
        raise TypeError(f"{op}: {what} must be float32, got {x.dtype.name}")
    return x


def fake_quant_with_min_max_args(inputs, min=-6.0, max=6.0, num_bits=8, narrow_range=False, name=None):
    """Rounds float32 `inputs` to the `2^num_bits` steps of [min, max] (nudged so 0 is a step) and back to floats;
    the gradient passes straight through inside the nudged range."""
    op = "fake_quant_with_min_max_args"
    lo, hi = _F32(min), _F32(max)
    _check_fake_quant(lo, hi, num_bits, op)
    x = _float32(inputs, op)
    nudged_min, nudged_max, scale = _nudge(_core.constant(lo, "float32"), _core.constant(hi, "float32"), num_bits,
                                           narrow_range)
    inside = _core.logical_and(x >= nudged_min, x <= nudged_max)
    return _straight_through(_fake_quant_values(x, nudged_min, nudged_max, scale), x, inside)


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6.0, max=6.0, num_bits=8, narrow_range=False,
                                          name=None):
    """The gradient of fake_quant_with_min_max_args: `gradients` where inputs lie in the nudged range, else 0."""
    op = "fake_quant_with_min_max_args_gradient"
    lo, hi = _F32(min), _F32(max)
    _check_fake_quant(lo, hi, num_bits, op)
    x = _float32(inputs, op)
    g = _float32(gradients, op, "gradients")
    nudged_min, nudged_max, _ = _nudge(_core.constant(lo, "float32"), _core.constant(hi, "float32"), num_bits,
                                       narrow_range)
    inside = _core.logical_and(x >= nudged_min, x <= nudged_max)
    return _core.where(inside, g, _core.zeros_like(g))


def _var_range(x, min, max, num_bits, op, per_channel):
    """min and max as float32 tensors (values, or Variables read): 0-d, or per channel of the last axis of x."""
    if not 2 <= num_bits <= 16:
        raise InvalidArgumentError(f"{op}: num_bits must be between 2 and 16, inclusive; got {num_bits}")
    lo, hi = _float32(min, op, "min"), _float32(max, op, "max")
    want = (tuple(x.shape)[-1:] if x.shape.rank else ()) if per_channel else ()
    for t, what in ((lo, "min"), (hi, "max")):
        if tuple(t.shape) != want or (per_channel and not x.shape.rank):
            raise InvalidArgumentError(f"{op}: {what} must have shape {want} (" + (
                "one value per channel of the inputs' last axis" if per_channel else "a scalar; per-channel ranges "
                "are fake_quant_with_min_max_vars_per_channel's") + f"), got {tuple(t.shape)} for inputs of shape "
                f"{tuple(x.shape)}")
    return lo, hi


def _fake_quant_vars(inputs, min, max, num_bits, narrow_range, op, per_channel):
    x = _float32(inputs, op)
    lo, hi = _var_range(x, min, max, num_bits, op, per_channel)
    nudged_min, nudged_max, scale = _nudge(lo, hi, num_bits, narrow_range)
    below, above = x < nudged_min, x > nudged_max
    out = _straight_through(_fake_quant_values(x, nudged_min, nudged_max, scale), x,
                            _core.logical_not(_core.logical_or(below, above)))
    zeros = _core.zeros_like(x)
    # min collects the gradient of the inputs below the range, max of those above (summed by broadcasting back)
    from_min = _core.where(below, lo + zeros, zeros)
    from_max = _core.where(above, hi + zeros, zeros)
    return out + (from_min - stop_gradient(from_min)) + (from_max - stop_gradient(from_max))


def _fake_quant_vars_gradient(gradients, inputs, min, max, num_bits, narrow_range, op, per_channel):
    x = _float32(inputs, op)
    g = _float32(gradients, op, "gradients")
    nudged_min, nudged_max, _ = _nudge(*_var_range(x, min, max, num_bits, op, per_channel), num_bits, narrow_range)
    below, above = x < nudged_min, x > nudged_max
    zeros = _core.zeros_like(g)
    inside = _core.logical_not(_core.logical_or(below, above))
    axes = list(range(x.shape.rank - 1)) if per_channel else None
    return (_core.where(inside, g, zeros), _core.reduce_sum(_core.where(below, g, zeros), axes),
            _core.reduce_sum(_core.where(above, g, zeros), axes))


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8, narrow_range=False, name=None):
    """fake_quant_with_min_max_args with the range in float32 scalar tensors (trainable Variables in quantization-
    aware training): the gradient reaches `inputs` inside the nudged range, `min` from the inputs below it and `max`
    from those above it."""
    return _fake_quant_vars(inputs, min, max, num_bits, narrow_range, "fake_quant_with_min_max_vars", False)


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False, name=None):
    """The gradients of fake_quant_with_min_max_vars: (for inputs, for min, for max)."""
    return _fake_quant_vars_gradient(gradients, inputs, min, max, num_bits, narrow_range,
                                     "fake_quant_with_min_max_vars_gradient", False)


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8, narrow_range=False, name=None):
    """fake_quant_with_min_max_vars with one range per channel of the inputs' last axis (`min`, `max` of shape
    [d])."""
    return _fake_quant_vars(inputs, min, max, num_bits, narrow_range, "fake_quant_with_min_max_vars_per_channel",
                            True)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False,
                                                      name=None):
    """The gradients of fake_quant_with_min_max_vars_per_channel: (for inputs, for min [d], for max [d])."""
    return _fake_quant_vars_gradient(gradients, inputs, min, max, num_bits, narrow_range,
                                     "fake_quant_with_min_max_vars_per_channel_gradient", True)
