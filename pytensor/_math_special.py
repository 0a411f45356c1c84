"""``tf.math.special``: Bessel functions of order 0 and 1, Dawson's integral, the exponential integral, the Fresnel
integrals and Spence's function. Each is a registry op (family ``special``, csrc/ops/special.cpp) with TF's gradient.
"""

from ._core import (  # noqa: F401  re-exported TF names
    bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, bessel_j0, bessel_j1, bessel_k0, bessel_k0e, bessel_k1, bessel_k1e,
    bessel_y0, bessel_y1, dawsn, expint, fresnel_cos, fresnel_sin, spence,
)

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "bessel_j0", "bessel_j1", "bessel_k0", "bessel_k0e",
           "bessel_k1", "bessel_k1e", "bessel_y0", "bessel_y1", "dawsn", "expint", "fresnel_cos", "fresnel_sin",
           "spence"]
