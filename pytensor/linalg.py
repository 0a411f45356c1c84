"""``tf.linalg``: matrix products, diagonals and bands, and the LU / Cholesky / QR decompositions with what is
built on them (det, slogdet, inv, solve, triangular_solve, lstsq ...).

The decompositions are written with core ops, one vectorised step per row or column (Gaussian elimination with
partial pivoting, the Cholesky-Banachiewicz columns, Householder reflections), batched over leading axes. Tapes
differentiate them through those ops, to any order. The eigen- and singular-value decompositions need kernels
and are not built yet.
"""

from . import _core
from ._op_exports import exported_ops

globals().update(exported_ops("tf.linalg"))  # matmul, eye: the registry ops exported to tf.linalg
from ._tf_ops import einsum, global_norm, norm  # noqa: F401


def tensordot(a, b, axes, name=None):
    """Sums products over the given axes of a and b, as ``tf.tensordot`` / ``np.tensordot``.

    ``axes`` is an int N (last N axes of a with first N of b) or a pair of axis lists.

    Example:
        >>> pt.tensordot(pt.ones((2, 3)), pt.ones((3, 4)), axes=1).shape
        TensorShape([2, 4])
    """
    a = _core.convert_to_tensor(a)
    b = _core.convert_to_tensor(b, dtype=a.dtype) if not isinstance(b, type(a)) else b
    ra, rb = a.ndim, b.ndim
    if isinstance(axes, int):
        if axes < 0 or axes > min(ra, rb):
            raise ValueError(f"tensordot: axes={axes} must be in [0, {min(ra, rb)}] for ranks {ra} and {rb}")
        axes_a, axes_b = list(range(ra - axes, ra)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
        axes_a = [x % ra for x in axes_a]
        axes_b = [x % rb for x in axes_b]
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot: axes lists {axes_a} and {axes_b} differ in length")
    sa, sb = a._shape_tuple(), b._shape_tuple()
    for i, j in zip(axes_a, axes_b):
        if sa[i] != sb[j]:
            raise ValueError(f"tensordot: dimension {i} of a (shape {sa}) is {sa[i]} but dimension {j} of b "
                             f"(shape {sb}) is {sb[j]}")
    free_a = [i for i in range(ra) if i not in axes_a]
    free_b = [j for j in range(rb) if j not in axes_b]
    k = 1
    for i in axes_a:
        k *= sa[i]
    m = 1
    for i in free_a:
        m *= sa[i]
    n = 1
    for j in free_b:
        n *= sb[j]
    a2 = _core.reshape(_core.transpose(a, free_a + axes_a), (m, k))
    b2 = _core.reshape(_core.transpose(b, axes_b + free_b), (k, n))
    out = _core.matmul(a2, b2)
    return _core.reshape(out, tuple(sa[i] for i in free_a) + tuple(sb[j] for j in free_b))


from ._linalg_ops import *  # noqa: E402,F401,F403
from ._math_ops import l2_normalize  # noqa: E402,F401
from ._linear_operator import *  # noqa: E402,F401,F403  the LinearOperator family
from ._linalg_eig import eig, eigvals  # noqa: E402,F401
from . import _linalg_experimental as experimental  # noqa: E402,F401

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
