"""Fourier transforms (tf.signal's fft / ifft / rfft / irfft over the innermost 1, 2 or 3 dims) against numpy.fft.

The generic tests run on real arrays, so a complex value is held as a float array with a trailing axis of 2 (real,
imaginary): each row's `call` makes the complex tensor from its two parts (float32 parts -> complex64, float64 ->
complex128; float16 / bfloat16 parts widen to complex64, there being no 16-bit complex dtype), runs the op, and
returns the result as such a pair again (a real result as it is). Gradients and second gradients then pass through
the complex ops (tf.complex, tf.math.real / imag) as well as the fft op: TF's complex gradient rules are checked
by the same finite differences as every op. Lengths are odd, even and prime, with batches and empty batches;
rfft / irfft samples crop and zero-pad with fft_length.
"""
from __future__ import annotations

import numpy as np

import pytensor as pt
from .common import FLOATS, OpInfo, SampleInput, make

_RANK = {"": 1, "2d": 2, "3d": 3}


def _complex(pair):
    """The complex tensor a (..., 2) float tensor holds (float32 / half parts -> complex64, float64 -> complex128)."""
    if pair.dtype.name != "float64":
        pair = pt.cast(pair, "float32")
    return pt.complex(pair[..., 0], pair[..., 1])


def _pair(z):
    """A complex tensor as (..., 2) floats (real, imaginary); a real tensor as it is."""
    return pt.stack([pt.math.real(z), pt.math.imag(z)], axis=-1) if z.dtype.is_complex else z


def _np_complex(pair):
    return pair[..., 0].astype(np.float64) + 1j * pair[..., 1].astype(np.float64)


def _np_pair(z, like):
    """numpy's result in the sample's float dtype (float32 for half samples, whose reference inputs are widened)."""
    dtype = np.float64 if like.dtype == np.float64 else np.float32
    z = np.asarray(z)
    return (np.stack([z.real, z.imag], axis=-1) if np.iscomplexobj(z) else z).astype(dtype)


def _shapes(rank):
    """Transformed shapes (odd, even, prime, length 1) and batches (none, one, two dims, empty)."""
    inner = {1: [(1,), (2,), (7,), (8,), (13,), (64,)], 2: [(1, 1), (3, 4), (5, 7), (8, 8)],
             3: [(1, 1, 1), (2, 3, 4), (3, 5, 2)]}[rank]
    batches = [(), (3,), (2, 2), (0,)]
    return [b + s for s in inner for b in batches[:2]] + [batches[2] + inner[-1], batches[3] + inner[1]]


# ---- fft, ifft, fft2d, ifft2d, fft3d, ifft3d ---------------------------------------------------
def sample_c2c(op, dtype, rng):
    rank = _RANK[op.name.split("fft")[1]]
    for shape in _shapes(rank):
        yield SampleInput((make(shape + (2,), dtype, rng),), desc=f"complex {shape}")
    yield SampleInput((make((2, 5, 6)[-rank - 1:] + (2,), dtype, rng, layout="transposed"),),
                      desc="non-contiguous parts")


def _ref_c2c(name):
    rank = _RANK[name.split("fft")[1]]
    axes = tuple(range(-rank, 0))
    fn = np.fft.ifftn if name.startswith("i") else np.fft.fftn

    def ref(pair):
        z = _np_complex(pair)
        return _np_pair(fn(z, axes=axes) if z.size else z, pair)
    return ref


def _call_c2c(fn, pair):
    return _pair(fn(_complex(pair)))


# ---- rfft*, irfft* ------------------------------------------------------------------------------
def _lengths_cases(shape, rank):
    """fft_length choices: default, cropped, zero-padded (the innermost dims of `shape`)."""
    inner = list(shape[len(shape) - rank:])
    yield None
    yield [max(1, n - 1) for n in inner]
    yield [n + 2 for n in inner]


def sample_rfft(op, dtype, rng):
    rank = _RANK[op.name.split("fft")[1]]
    for shape in _shapes(rank):
        for lengths in _lengths_cases(shape, rank):
            kwargs = {} if lengths is None else {"fft_length": lengths}
            yield SampleInput((make(shape, dtype, rng),), kwargs, desc=f"real {shape} fft_length={lengths}")
    yield SampleInput((make((2, 6, 5)[-rank - 1:], dtype, rng, layout="transposed"),), desc="non-contiguous")


def ref_rfft(name):
    rank = _RANK[name.split("fft")[1]]
    axes = tuple(range(-rank, 0))

    def ref(x, fft_length=None):
        s = list(x.shape[len(x.shape) - rank:]) if fft_length is None else list(fft_length)
        out_shape = x.shape[:len(x.shape) - rank] + tuple(s[:-1]) + (s[-1] // 2 + 1,)
        z = np.fft.rfftn(x.astype(np.float64), s=s, axes=axes) if x.size else np.zeros(out_shape, complex)
        return _np_pair(z, x)
    return ref


def sample_irfft(op, dtype, rng):
    rank = _RANK[op.name.split("fft")[1]]
    for shape in _shapes(rank):
        half = shape[:-1] + (shape[-1] // 2 + 1,)
        for lengths in _lengths_cases(shape, rank):
            if lengths is None and half[-1] == 1:
                continue  # the default length 2 * (1 - 1) is empty
            kwargs = {} if lengths is None else {"fft_length": lengths}
            yield SampleInput((make(half + (2,), dtype, rng),), kwargs,
                              desc=f"half spectrum {half} fft_length={lengths}")


def ref_irfft(name):
    rank = _RANK[name.split("fft")[1]]
    axes = tuple(range(-rank, 0))

    def ref(pair, fft_length=None):
        z = _np_complex(pair)
        s = list(z.shape[len(z.shape) - rank:]) if fft_length is None else list(fft_length)
        if fft_length is None:
            s[-1] = 2 * (s[-1] - 1)
        out_shape = z.shape[:len(z.shape) - rank] + tuple(s)
        return _np_pair(np.fft.irfftn(z, s=s, axes=axes) if z.size else np.zeros(out_shape), pair)
    return ref


def _call_irfft(fn, pair, **kwargs):
    return fn(_complex(pair), **kwargs)


_TOLS = {"float32": (2e-4, 2e-5), "float64": (1e-10, 1e-11)}


def _row(name, sample, ref, call):
    return OpInfo(name=name, family="fft", api=f"signal.{name}", ref=ref, sample_inputs_func=sample, call=call,
                  dtypes=FLOATS, differentiable=True, tols=_TOLS)


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [_row(prefix + suffix, sample_c2c, _ref_c2c(prefix + suffix), _call_c2c)
        for suffix in ("", "2d", "3d") for prefix in ("fft", "ifft")]
ROWS += [_row("rfft" + suffix, sample_rfft, ref_rfft("rfft" + suffix), lambda fn, x, **kw: _pair(fn(x, **kw)))
         for suffix in ("", "2d", "3d")]
ROWS += [_row("irfft" + suffix, sample_irfft, ref_irfft("irfft" + suffix), _call_irfft) for suffix in ("", "2d", "3d")]
