"""``tf.math.special``: Bessel functions of order 0 and 1, Dawson's integral, the exponential integral, the Fresnel
integrals and Spence's function. Each is a registry op (family ``special``, csrc/ops/special.cpp) with TF's gradient.
"""

from ._op_exports import exported_ops as _exported_ops

_special = _exported_ops("tf.math.special")  # every op of csrc/ops/special.cpp
globals().update(_special)
__all__ = sorted(_special)
