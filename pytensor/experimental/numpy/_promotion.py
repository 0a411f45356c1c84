"""TF's dtype promotion under ``tnp.experimental_enable_numpy_behavior``.

"legacy": TF's own rule (operands of one dtype) for ops; operators promote as numpy's ``result_type`` would.
"all": a lattice join: unsigned + signed goes to the signed type twice as wide (uint64 + signed int: float64),
integer + float to the float, float16 + bfloat16 to float32, float + complex to the complex wide enough for both.
"safe": "all", but only where the result is one of the two dtypes and holds every value of the other (an integer
goes into a float only if its value bits fit the mantissa: int8/uint8 into float16 and bfloat16, int16/uint16 into
float32, int32/uint32 into float64).
A Python scalar (or a tensor made from one without a dtype) is *weak*: it takes the other operand's dtype when
its kind (int < float < complex) allows.
"""

import numpy as np

from ...dtypes import as_dtype

_MANTISSA = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53, "complex64": 24, "complex128": 53}


def _kind(name):
    if name == "bool":
        return "b"
    if name.startswith("uint"):
        return "u"
    if name.startswith("int"):
        return "i"
    if name.startswith("complex"):
        return "c"
    return "f"


def _bits(name):
    """Storage bits of a numeric dtype; bfloat16 counts as 16."""
    return as_dtype(name).size * 8


def _value_bits(name):
    """Bits of an integer dtype's magnitude (int8: 7, uint8: 8)."""
    return _bits(name) - (1 if _kind(name) == "i" else 0)


def _join(a, b):
    """The "all"-mode result of two (non-weak) dtype names, or None where TF refuses (bool with a number)."""
    if a == b:
        return a
    ka, kb = _kind(a), _kind(b)
    if "b" in (ka, kb):
        return None
    order = "uifc"
    if order.index(ka) < order.index(kb) or (ka == kb and _bits(a) < _bits(b)):
        a, b, ka, kb = b, a, kb, ka  # a: the higher kind, or the wider of one kind
    if ka == kb == "i" or ka == kb == "u":
        return a
    if ka == "i" and kb == "u":
        if _bits(b) < _bits(a):
            return a
        return "float64" if b == "uint64" else f"int{2 * _bits(b)}"
    if ka == "f" and kb in "ui":
        return a
    if ka == kb == "f":
        return "float32" if {a, b} == {"float16", "bfloat16"} else a
    if ka == "c" and kb in "ui":
        return a
    if ka == "c" and kb == "f":
        return "complex128" if _bits(b) == 64 else a
    return a  # both complex: the wider


def _safe(a, b, result):
    """Whether "safe" mode allows promoting a and b to result."""
    if result not in (a, b):
        return False
    for src in (a, b):
        if src == result:
            continue
        if _kind(src) in "ui" and _kind(result) in "fc" and _value_bits(src) > _MANTISSA[result]:
            return False
    return True


def _refuse(mode, a, a_weak, b, b_weak):
    return TypeError(f"In promotion mode PromoMode.{mode.upper()}, implicit dtype promotion between "
                     f"(<dtype: '{a}'>, weak={a_weak}) and (<dtype: '{b}'>, weak={b_weak}) is disallowed. You need "
                     "to explicitly specify the dtype in your op, or relax your dtype promotion rules (such as from "
                     "SAFE mode to ALL mode).")


def _with_weak(mode, dtype, scalar_kind):
    """The result of a non-weak `dtype` with a weak operand of kind "i", "f" or "c"; None where refused."""
    kind = _kind(dtype)
    if kind == "b":
        return None
    if "uifc".index(kind) >= "uifc".index(scalar_kind) or (kind in "ui" and scalar_kind in "ui"):
        return dtype
    if scalar_kind == "f":  # an integer with a Python float
        return None if mode == "safe" else "float64"
    if kind == "f":  # a real float with a Python complex
        if dtype == "float64":
            return "complex128"
        return None if mode == "safe" else "complex64"
    # an integer with a Python complex
    return None if (mode == "safe" and _value_bits(dtype) > 53) else "complex128"


def result_dtype(mode, a, a_weak, b, b_weak):
    """(dtype name, weak) of a binary op's result under `mode` ("all" or "safe"); TypeError where refused.

    `a` / `b` are dtype names; a weak operand is a Python scalar or a tensor made from one."""
    if a_weak and b_weak:
        kinds = "bifc"
        wider = a if kinds.index(_weak_kind(a)) >= kinds.index(_weak_kind(b)) else b
        return wider, True
    if a_weak or b_weak:
        weak, strong = (a, b) if a_weak else (b, a)
        out = _with_weak(mode, strong, _weak_kind(weak))
        if out is None:
            raise _refuse(mode, a, a_weak, b, b_weak)
        return out, False
    out = _join(a, b)
    if out is None or (mode == "safe" and not _safe(a, b, out)):
        raise _refuse(mode, a, a_weak, b, b_weak)
    return out, False


def _weak_kind(name):
    kind = _kind(name)
    return "i" if kind == "u" else kind


def numpy_result_dtype(a, b):
    """numpy's result_type of two dtype names (legacy mode's operators); bfloat16 counts as float32 for numpy."""
    def np_dtype(name):
        return np.dtype("float32" if name == "bfloat16" else name)

    out = np.result_type(np_dtype(a), np_dtype(b)).name
    return "bfloat16" if out == "float32" and "bfloat16" in (a, b) and "float32" not in (a, b) else out
