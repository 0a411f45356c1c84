"""``tf.nn.experimental``: dropout with a stateless seed or with the caller's uniform sampler."""

from .. import _core
from .._random_ops import stateless_uniform
from ._normalization import _checked_rate

__all__ = ["stateless_dropout", "general_dropout"]


def general_dropout(x, rate, uniform_sampler, noise_shape=None, name=None):
    """Zeroes each element of `x` where ``uniform_sampler(shape, dtype)`` (a Uniform[0, 1) draw of `noise_shape`,
    default x's shape, broadcast against x) is below `rate`, and scales the rest by ``1 / (1 - rate)``; the
    gradient is the same mask."""
    x = _core.convert_to_tensor(x)
    rate = _checked_rate(rate, "general_dropout")
    if not x.dtype.is_floating:
        raise TypeError(f"general_dropout: x must be a floating tensor, got dtype {x.dtype.name}")
    shape = x._shape_tuple() if noise_shape is None else tuple(int(d) for d in noise_shape)
    keep = uniform_sampler(shape, dtype=x.dtype) >= rate
    scale = _core.constant(1.0 / (1.0 - rate), x.dtype)
    return x * scale * _core.cast(keep, x.dtype)


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """Dropout whose mask is a deterministic function of `seed` (a shape [2] integer seed), as
    tf.random.stateless_uniform draws it: the same `x`, `rate` and `seed` drop the same elements."""
    return general_dropout(x, rate, lambda shape, dtype: stateless_uniform(shape, seed, dtype=dtype),
                           noise_shape=noise_shape)
