"""``keras.initializers``: weight initializers, by class or by string name.

Each initializer is called as ``init(shape, dtype=None)`` and returns a pytensor Tensor. Fans follow Keras:
for a kernel of shape ``(..., fan_in_channels, fan_out_channels)`` the leading axes are the receptive field.
"""
import math as _math

import numpy as np

import pytensor as pt
from .serialization import deserialize_object, serialize_object, unknown_identifier_error

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
           "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
           "LecunUniform", "Orthogonal", "Identity", "get", "serialize", "deserialize"]


def _dtype(dtype):
    return pt.as_dtype(dtype or "float32")


def compute_fans(shape):
    """Returns ``(fan_in, fan_out)`` of a weight of ``shape`` the way Keras computes them."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config()``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype=None).")

    def get_config(self):
        """Returns the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Creates an initializer from ``get_config()``'s dict."""
        return cls(**config)


class Zeros(Initializer):
    """Fills with 0.

    Example:
        >>> keras.initializers.Zeros()((2, 2)).numpy().sum()
        0.0
    """

    def __call__(self, shape, dtype=None):
        return pt.zeros(shape, dtype=_dtype(dtype))


class Ones(Initializer):
    """Fills with 1."""

    def __call__(self, shape, dtype=None):
        return pt.ones(shape, dtype=_dtype(dtype))


class Constant(Initializer):
    """Fills with ``value``.

    Example:
        >>> keras.initializers.Constant(3.0)((2,)).numpy()
        array([3., 3.], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        value = pt.cast(pt.constant(self.value), _dtype(dtype))
        # Keras multiplies the value by ones(shape): an array value broadcasts to the shape
        return pt.fill(shape, value) if value.ndim == 0 else value * pt.ones(shape, value.dtype)

    def get_config(self):
        return {"value": self.value}


class _TFConstant(Constant):
    """``tf.constant_initializer``: TF's own initializer, ``tf.constant(value, dtype, shape)``: with no dtype the
    value's own (a float64 array stays float64), a scalar fills the shape, an array must have its element count."""

    _serialized_class = Constant  # saved models name Keras's class, which reloads it

    def __call__(self, shape, dtype=None, **kwargs):
        return pt.constant(self.value, dtype=dtype, shape=shape)


class RandomNormal(Initializer):
    """Samples ``N(mean, stddev**2)``; Keras's defaults ``mean=0``, ``stddev=0.05``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return pt.random.normal(shape, self.mean, self.stddev, dtype=_dtype(dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Samples ``U[minval, maxval)``; Keras's defaults ``-0.05`` and ``0.05``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        return pt.random.uniform(shape, self.minval, self.maxval, dtype=_dtype(dtype), seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Samples ``N(mean, stddev**2)`` redrawing values more than two stddevs from the mean."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return pt.random.truncated_normal(shape, self.mean, self.stddev, dtype=_dtype(dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """Samples with variance ``scale / n``, ``n`` = fan_in, fan_out or their mean (``mode``).

    ``distribution``: ``"truncated_normal"`` (stddev ``sqrt(scale / n) / 0.8796``, the truncation's
    correction), ``"untruncated_normal"`` (stddev ``sqrt(scale / n)``) or ``"uniform"``
    (limit ``sqrt(3 * scale / n)``).

    Example:
        >>> w = keras.initializers.VarianceScaling(2.0, "fan_in", "uniform")((100, 10))
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be positive; received scale={scale}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: `mode` must be 'fan_in', 'fan_out' or 'fan_avg'; received {mode!r}.")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: `distribution` must be 'truncated_normal', 'untruncated_normal' or "
                             f"'uniform'; received {distribution!r}.")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        dtype = _dtype(dtype)
        if self.distribution == "truncated_normal":
            return pt.random.truncated_normal(shape, 0.0, _math.sqrt(scale) / 0.87962566103423978, dtype=dtype,
                                              seed=self.seed)
        if self.distribution == "untruncated_normal":
            return pt.random.normal(shape, 0.0, _math.sqrt(scale), dtype=dtype, seed=self.seed)
        limit = _math.sqrt(3.0 * scale)
        return pt.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class _PresetVarianceScaling(VarianceScaling):
    """VarianceScaling with fixed scale / mode / distribution; only ``seed`` is an argument."""

    preset = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None):
        super().__init__(*self.preset, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_PresetVarianceScaling):
    """``U[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras's default kernel initializer)."""

    preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_PresetVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``."""

    preset = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_PresetVarianceScaling):
    """Truncated normal with ``stddev = sqrt(2 / fan_in)``."""

    preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_PresetVarianceScaling):
    """``U[-limit, limit]``, ``limit = sqrt(6 / fan_in)``."""

    preset = (2.0, "fan_in", "uniform")


class LecunNormal(_PresetVarianceScaling):
    """Truncated normal with ``stddev = sqrt(1 / fan_in)``."""

    preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_PresetVarianceScaling):
    """``U[-limit, limit]``, ``limit = sqrt(3 / fan_in)``."""

    preset = (1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``: the Q of the QR decomposition of a normal sample.

    Shapes of rank > 2 are flattened to ``(prod(shape[:-1]), shape[-1])``.

    Example:
        >>> w = keras.initializers.Orthogonal()((4, 4)).numpy()
        >>> np.allclose(w.T @ w, np.eye(4), atol=1e-5)
        True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        shape = tuple(int(d) for d in shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have rank >= 2; received shape {shape}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        sample = pt.random.normal((max(rows, cols), min(rows, cols)), dtype=pt.float64, seed=self.seed).numpy()
        q, r = np.linalg.qr(sample)
        q *= np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
        if rows < cols:
            q = q.T
        return pt.constant((self.gain * q).reshape(shape), dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity: the shape must be 2-D; received shape {tuple(shape)}.")
        return pt.constant(self.gain * np.eye(int(shape[0]), int(shape[1])), dtype=_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


_ALIASES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
    # Keras's short spellings (Embedding's default is "uniform").
    "uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros,
    "initializer": Initializer,
}
_CLASSES = {cls.__name__: cls for cls in _ALIASES.values()}
_CLASSES.update({"IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal})


def serialize(initializer):
    """Returns ``{"class_name": ..., "config": ...}`` for a initializer (None stays None)."""
    return serialize_object(initializer)


def deserialize(config):
    """Inverse of :func:`serialize`."""
    return deserialize_object(config, _CLASSES, "initializer")


def get(identifier):
    """Resolves an initializer from a string (``"glorot_uniform"``, ``"GlorotUniform"``), a dict, a class,
    an instance or a callable ``f(shape, dtype=None)``; None stays None.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise unknown_identifier_error("initializer", identifier, set(_ALIASES) | set(_CLASSES))
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}.")


zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
lecun_normal, lecun_uniform, orthogonal, identity = LecunNormal, LecunUniform, Orthogonal, Identity
variance_scaling, IdentityInitializer, OrthogonalInitializer = VarianceScaling, Identity, Orthogonal  # Keras 3 names


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
