"""``keras.activations``: activation functions by name or as functions, built from differentiable core ops.

``softmax`` and ``sigmoid`` attach their pre-activation input to the output as ``_keras_logits`` so the
crossentropy losses can compute a fused, exact loss from the logits, as TF-Keras does.
"""
import pytensor as pt

from .serialization import get_registered_name, get_registered_object, unknown_identifier_error

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "softplus", "softsign", "elu", "selu", "gelu",
           "swish", "silu", "relu6", "leaky_relu", "hard_sigmoid", "exponential", "linear", "celu", "glu",
           "hard_shrink", "hard_silu", "hard_swish", "hard_tanh", "log_sigmoid", "mish", "soft_shrink", "sparse_plus",
           "sparse_sigmoid", "squareplus", "tanh_shrink", "threshold", "sparsemax", "get", "serialize", "deserialize"]


def _with_logits(output, logits, activation):
    output._keras_logits = logits
    output._keras_activation = activation
    return output


def linear(x):
    """Identity: ``x``."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``; Keras's options: ``negative_slope * (x - threshold)`` below ``threshold``, capped at
    ``max_value``.

    Example:
        >>> keras.activations.relu(tf.constant([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return pt.nn.relu(x)
    x = pt.convert_to_tensor(x)
    shifted = x - threshold if threshold else x
    out = pt.where(x > threshold, x, negative_slope * shifted if negative_slope else pt.zeros_like(x))
    return out if max_value is None else pt.minimum(out, max_value)


def sigmoid(x):
    """``1 / (1 + exp(-x))``; the output carries ``x`` as ``_keras_logits``."""
    x = pt.convert_to_tensor(x)
    return _with_logits(pt.sigmoid(x), x, "sigmoid")


def tanh(x):
    """Hyperbolic tangent."""
    return pt.tanh(x)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x), axis)``; the output carries ``x`` as ``_keras_logits``.

    Example:
        >>> keras.activations.softmax(tf.constant([[0.0, 0.0]])).numpy()
        array([[0.5, 0.5]], dtype=float32)
    """
    x = pt.convert_to_tensor(x)
    if len(x.shape) < 2 and axis == -1:
        raise ValueError(f"softmax activation: expected an input of rank >= 2 (batch, ..., classes), received "
                         f"shape {tuple(x.shape)}. Add a batch axis, e.g. tf.expand_dims(x, 0).")
    return _with_logits(pt.nn.softmax(x, axis=axis), x, "softmax")


def log_softmax(x, axis=-1):
    """``x - logsumexp(x, axis)``."""
    return pt.nn.log_softmax(x, axis=axis)


def softplus(x):
    """``log(1 + exp(x))`` (a stable kernel that never overflows)."""
    return pt.nn.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``."""
    return pt.nn.softsign(x)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    if alpha == 1.0:
        return pt.nn.elu(x)
    x = pt.convert_to_tensor(x)
    return pt.where(x > 0.0, x, alpha * pt.nn.elu(x))


def selu(x):
    """``scale * elu(x, alpha)`` with ``alpha ≈ 1.6733``, ``scale ≈ 1.0507`` (self-normalising)."""
    return pt.nn.selu(x)


def gelu(x, approximate=False):
    """``x * Phi(x)``: exact ``0.5 x (1 + erf(x / sqrt(2)))`` or, with ``approximate=True``,
    ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x**3)))``."""
    return pt.nn.gelu(x, approximate=approximate)


def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return pt.nn.silu(x)


swish = silu


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return pt.nn.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (Keras's default slope 0.2)."""
    return pt.nn.leaky_relu(x, alpha=negative_slope)


def hard_sigmoid(x):
    """Keras 3's ``relu6(x + 3) / 6``: 0 below -3, 1 above 3, linear between."""
    return relu6(x + 3.0) * (1.0 / 6.0)


def exponential(x):
    """``exp(x)``."""
    return pt.exp(x)


def celu(x, alpha=1.0):
    """``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)`` (continuously differentiable ELU)."""
    x = pt.convert_to_tensor(x)
    return pt.where(x > 0.0, x, alpha * pt.math.expm1(x / alpha))


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the halves of ``x`` along ``axis``."""
    x = pt.convert_to_tensor(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even to split it into two halves, received "
                         f"shape {tuple(x.shape)}.")
    a, b = pt.split(x, 2, axis=axis)
    return a * pt.sigmoid(b)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, 0 elsewhere."""
    x = pt.convert_to_tensor(x)
    return pt.where(pt.abs(x) > threshold, x, pt.zeros_like(x))


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    x = pt.convert_to_tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return pt.clip_by_value(x, -1.0, 1.0)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, without overflow."""
    return -pt.nn.softplus(-pt.convert_to_tensor(x))


def mish(x):
    """``x * tanh(softplus(x))``."""
    x = pt.convert_to_tensor(x)
    return x * pt.tanh(pt.nn.softplus(x))


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, 0 between."""
    x = pt.convert_to_tensor(x)
    return pt.where(x > threshold, x - threshold, pt.where(x < -threshold, x + threshold, pt.zeros_like(x)))


def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between."""
    x = pt.convert_to_tensor(x)
    return pt.where(x <= -1.0, pt.zeros_like(x), pt.where(x >= 1.0, x, pt.square(x + 1.0) * 0.25))


def sparse_sigmoid(x):
    """0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between."""
    return pt.clip_by_value((pt.convert_to_tensor(x) + 1.0) * 0.5, 0.0, 1.0)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU."""
    x = pt.convert_to_tensor(x)
    return (x + pt.sqrt(pt.square(x) + b)) * 0.5


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = pt.convert_to_tensor(x)
    return x - pt.tanh(x)


def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``: like softmax, but exactly 0
    for low scores. ``max(x - tau, 0)`` with ``tau`` chosen so the result sums to 1.

    Example:
        >>> keras.activations.sparsemax([[1.0, 2.0, 0.1]])  # [[0., 1., 0.]]
    """
    x = pt.convert_to_tensor(x)
    z = pt.expand_dims(x, axis if axis < 0 else axis + 1)   # z_i along the new axis after `axis`...
    others = pt.expand_dims(x, axis - 1 if axis < 0 else axis)  # ...against every z_j along `axis`
    at_least = pt.cast(others >= z, x.dtype)  # [z_j >= z_i]: z_i's rank k and the sum of the k largest, sort-free
    rank = pt.reduce_sum(at_least, axis=axis if axis < 0 else axis + 1)
    top_sum = pt.reduce_sum(at_least * others, axis=axis if axis < 0 else axis + 1)
    support = pt.cast(1.0 + rank * x > top_sum, x.dtype)
    tau = (pt.reduce_sum(support * x, axis=axis, keepdims=True) - 1.0) / pt.reduce_sum(support, axis=axis,
                                                                                        keepdims=True)
    return pt.maximum(x - tau, 0.0)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, ``default_value`` elsewhere."""
    x = pt.convert_to_tensor(x)
    return pt.where(x > threshold, x, pt.fill(x.shape, pt.constant(default_value, dtype=x.dtype)))


_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, tanh, softmax, log_softmax, softplus, softsign, elu,
                                    selu, gelu, silu, relu6, leaky_relu, hard_sigmoid, exponential)}
_BY_NAME.update({f.__name__: f for f in (celu, glu, hard_shrink, hard_silu, hard_tanh, log_sigmoid, mish,
                                         soft_shrink, sparse_plus, sparse_sigmoid, squareplus, tanh_shrink,
                                         threshold, sparsemax)})
_BY_NAME.update({"swish": silu, "hard_swish": hard_silu})


def serialize(activation):
    """Returns the activation's name (``"relu"``); an unnamed function serialises to its ``__name__``."""
    if activation is None:
        return "linear"
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    return get_registered_name(activation)


def deserialize(name):
    """Returns the activation function called ``name``."""
    return get(name)


def get(identifier):
    """Resolves an activation from None (linear), a name (``"relu"``) or a callable.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier) or get_registered_object(identifier)
        if fn is None:
            raise unknown_identifier_error("activation function", identifier, _BY_NAME)
        return fn
    if isinstance(identifier, dict):
        registered = identifier.get("registered_name")
        if isinstance(registered, str) and ">" in registered:
            return get(registered)
        name = identifier.get("config")
        return get(name if isinstance(name, str) else identifier.get("class_name"))
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}; pass a name such as "
                    f"'relu' or a callable.")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
