"""``keras.regularizers``: weight penalties added to a layer's ``losses``.

Example:
    >>> layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.01))
"""
import pytensor as pt
from .serialization import deserialize_object, serialize_object, unknown_identifier_error

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2", "get", "serialize",
           "deserialize"]


class Regularizer:
    """Base class: ``regularizer(weight)`` returns a scalar penalty."""

    def __call__(self, x):
        return pt.constant(0.0)

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Creates a regularizer from ``get_config()``'s dict."""
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``.

    Example:
        >>> float(keras.regularizers.L1L2(l1=0.1, l2=0.1)(tf.constant([1.0, -2.0])))
        0.8
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = self.l1 * pt.reduce_sum(pt.abs(x))
        if self.l2:
            term = self.l2 * pt.reduce_sum(pt.square(x))
            penalty = term if penalty is None else penalty + term
        return pt.constant(0.0, dtype=x.dtype) if penalty is None else penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 * sum(|x|)``; Keras's default factor 0.01."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(x**2)``; Keras's default factor 0.01."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """``factor * mean(|offdiag(n n^T)|)`` over the rows (``mode="rows"``) or columns of a 2-D weight,
    ``n`` being the L2-normalised rows / columns."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns'; received {mode!r}.")
        self.factor, self.mode = float(factor), mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ValueError(f"OrthogonalRegularizer: the weight must be 2-D; received shape {tuple(x.shape)}.")
        m = x if self.mode == "rows" else pt.transpose(x)
        m = m * pt.math.rsqrt(pt.reduce_sum(pt.square(m), axis=1, keepdims=True) + 1e-12)
        n = int(m.shape[0])
        products = pt.abs(pt.matmul(m, m, transpose_b=True)) * (1.0 - pt.eye(n, dtype=x.dtype))
        return self.factor * pt.reduce_sum(products) / float(max(n * (n - 1), 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l1=0.01):  # noqa: D103 - Keras's function spelling
    """``L1(l1)``."""
    return L1(l1)


def l2(l2=0.01):
    """``L2(l2)``."""
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    """``L1L2(l1, l2)`` with Keras's defaults of 0.01 each."""
    return L1L2(l1, l2)


orthogonal_regularizer = OrthogonalRegularizer  # Keras 3's function-style name

_CLASSES = {c.__name__: c for c in (L1, L2, L1L2, OrthogonalRegularizer, Regularizer)}
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer,
            "regularizer": Regularizer}


def serialize(regularizer):
    """Returns ``{"class_name": ..., "config": ...}`` for a regularizer (None stays None)."""
    return serialize_object(regularizer)


def deserialize(config):
    """Inverse of :func:`serialize`."""
    return deserialize_object(config, _CLASSES, "regularizer")


def get(identifier):
    """Resolves a regularizer from None, a string (``"l2"``), a dict, an instance or a callable."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise unknown_identifier_error("regularizer", identifier, set(_ALIASES) | set(_CLASSES))
        return cls()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}.")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
