"""tf.signal's Fourier transforms beyond the op database's generic rows (tests/op_db/fft.py): complex tensors in
and out directly, non-contiguous complex views, the n-dimensional forms and their norms against numpy.fft,
fftshift, stft / inverse_stft against values recorded from TF (tests/fixtures/make_signal_fft.py), the gradients
against TF's and against central differences (complex sources: real and imaginary parts separately, TF's
convention dL/dRe + i dL/dIm), second gradients, graph mode, thread-count independence and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from finite_differences import central_gradient

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "signal_fft.npz"))
C2C = {"fft": (1, np.fft.fftn), "ifft": (1, np.fft.ifftn), "fft2d": (2, np.fft.fftn), "ifft2d": (2, np.fft.ifftn),
       "fft3d": (3, np.fft.fftn), "ifft3d": (3, np.fft.ifftn)}
TOLS = {np.complex64: dict(rtol=2e-4, atol=2e-4), np.complex128: dict(rtol=1e-10, atol=1e-10)}


def _random_complex(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("name", sorted(C2C))
@pytest.mark.parametrize("inner", [(1,), (2,), (11,), (16,), (31,)])
def test_complex_transforms_match_numpy(name, dtype, inner):
    rank, ref = C2C[name]
    shape = (2, 3) + inner * rank
    z = _random_complex(shape, dtype)
    got = getattr(pt.signal, name)(pt.constant(z))
    assert got.dtype.name == np.dtype(dtype).name
    np.testing.assert_allclose(got.numpy(), ref(z, axes=tuple(range(-rank, 0))), **TOLS[dtype])


def test_transform_of_a_non_contiguous_complex_view():
    z = _random_complex((6, 5), np.complex128)
    view = pt.transpose(pt.constant(z))  # (5, 6), strides swapped
    np.testing.assert_allclose(pt.signal.fft(view).numpy(), np.fft.fft(z.T), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pt.signal.fft2d(pt.constant(z)[:, ::2]).numpy(), np.fft.fft2(z[:, ::2]), atol=1e-12)


def test_round_trips_and_python_complex_input():
    z = _random_complex((4, 9), np.complex128)
    np.testing.assert_allclose(pt.signal.ifft(pt.signal.fft(z)).numpy(), z, atol=1e-12)
    x = np.random.default_rng(1).standard_normal((3, 10))
    np.testing.assert_allclose(pt.signal.irfft(pt.signal.rfft(x)).numpy(), x, atol=1e-12)
    np.testing.assert_allclose(pt.signal.irfft(pt.signal.rfft(x[:, :9]), fft_length=[9]).numpy(), x[:, :9],
                               atol=1e-12)
    got = pt.signal.fft([1 + 2j, 3 - 1j, 0.5j])
    assert got.dtype.name == "complex128"
    np.testing.assert_allclose(got.numpy(), np.fft.fft([1 + 2j, 3 - 1j, 0.5j]), atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rfft_dtypes_and_fft_length_as_a_tensor(dtype):
    x = np.random.default_rng(2).standard_normal((2, 12)).astype(dtype)
    got = pt.signal.rfft(pt.constant(x), fft_length=pt.constant([9]))
    assert got.dtype.name == ("complex64" if dtype == "float32" else "complex128")
    assert got.shape == (2, 5)
    np.testing.assert_allclose(got.numpy(), np.fft.rfft(x, n=9), rtol=1e-4, atol=1e-4)
    back = pt.signal.irfft(got, fft_length=[9])
    assert back.dtype.name == dtype
    np.testing.assert_allclose(back.numpy(), x[:, :9], rtol=1e-4, atol=1e-4)


def test_rfft3d_with_crop_and_pad_matches_numpy():
    x = np.random.default_rng(3).standard_normal((2, 4, 5, 6))
    got = pt.signal.rfft3d(x, fft_length=[3, 7, 5])
    np.testing.assert_allclose(got.numpy(), np.fft.rfftn(x, s=[3, 7, 5], axes=(-3, -2, -1)), atol=1e-12)
    half = np.fft.rfftn(x, axes=(-3, -2, -1))
    np.testing.assert_allclose(pt.signal.irfft3d(half, fft_length=[4, 5, 6]).numpy(), x, atol=1e-12)


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("axes,s", [(None, None), ([0, 2], None), ([-1, 0], [6, 3]), ([1, 3, 0, 2], None)])
def test_nd_transforms_match_numpy(axes, s, norm):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((4, 3, 5, 2)) + 1j * rng.standard_normal((4, 3, 5, 2))
    kw = {"axes": axes, "norm": norm}
    np.testing.assert_allclose(pt.signal.fftnd(z, fft_length=s, **kw).numpy(), np.fft.fftn(z, s=s, **kw), atol=1e-10)
    np.testing.assert_allclose(pt.signal.ifftnd(z, fft_length=s, **kw).numpy(), np.fft.ifftn(z, s=s, **kw),
                               atol=1e-10)
    x = z.real
    np.testing.assert_allclose(pt.signal.rfftnd(x, fft_length=s, **kw).numpy(), np.fft.rfftn(x, s=s, **kw),
                               atol=1e-10)
    half = np.fft.rfftn(x, s=s, axes=axes)
    np.testing.assert_allclose(pt.signal.irfftnd(half, fft_length=s, **kw).numpy(), np.fft.irfftn(half, s=s, **kw),
                               atol=1e-10)


@pytest.mark.parametrize("axes", [None, 0, -1, (0, 1), [1]])
def test_fftshift_and_ifftshift_match_numpy(axes):
    x = np.arange(35.0).reshape(5, 7)
    np.testing.assert_array_equal(pt.signal.fftshift(x, axes=axes).numpy(), np.fft.fftshift(x, axes=axes))
    np.testing.assert_array_equal(pt.signal.ifftshift(x, axes=axes).numpy(), np.fft.ifftshift(x, axes=axes))
    np.testing.assert_array_equal(pt.signal.ifftshift(pt.signal.fftshift(x, axes=axes), axes=axes).numpy(), x)


# ---- stft / inverse_stft against TF --------------------------------------------------------------
STFT_CASES = [(16, 4, None, False, "hann"), (15, 5, None, True, "hann"), (16, 8, 12, False, "hamming"),
              (10, 3, 32, True, None), (8, 8, 8, False, "hann")]  # as make_signal_fft.py records them
WINDOWS = {"hann": pt.signal.hann_window, "hamming": pt.signal.hamming_window, None: None}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(STFT_CASES)))
def test_stft_and_inverse_stft_match_tensorflow(dtype, case):
    length, step, fft_length, pad_end, window = STFT_CASES[case]
    signal = FIXTURE[f"signal_{dtype}"]
    tol = dict(rtol=2e-4, atol=2e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    spec = pt.signal.stft(pt.constant(signal), length, step, fft_length=fft_length, window_fn=WINDOWS[window],
                          pad_end=pad_end)
    assert spec.dtype.name == ("complex64" if dtype == "float32" else "complex128")
    np.testing.assert_allclose(spec.numpy(), FIXTURE[f"stft_{dtype}_{case}"], **tol)
    inverse_window = pt.signal.inverse_stft_window_fn(step, forward_window_fn=WINDOWS[window] or
                                                      pt.signal.hann_window)
    back = pt.signal.inverse_stft(spec, length, step, fft_length=fft_length, window_fn=inverse_window)
    np.testing.assert_allclose(back.numpy(), FIXTURE[f"istft_{dtype}_{case}"], **tol)
    plain = pt.signal.inverse_stft(spec, length, step, fft_length=fft_length)
    np.testing.assert_allclose(plain.numpy(), FIXTURE[f"istft_plain_{dtype}_{case}"], **tol)


def test_inverse_stft_window_fn_matches_tensorflow_and_reconstructs():
    np.testing.assert_allclose(pt.signal.inverse_stft_window_fn(4)(16, dtype=pt.float64).numpy(),
                               FIXTURE["inverse_window_16_4"], rtol=1e-12)
    np.testing.assert_allclose(pt.signal.inverse_stft_window_fn(6, pt.signal.hamming_window)(15, pt.float32).numpy(),
                               FIXTURE["inverse_window_15_6"], rtol=1e-6)
    x = np.random.default_rng(5).standard_normal(400)
    spec = pt.signal.stft(x, 64, 16)
    back = pt.signal.inverse_stft(spec, 64, 16, window_fn=pt.signal.inverse_stft_window_fn(16)).numpy()
    np.testing.assert_allclose(back[64:-64], x[64:len(back) - 64], atol=1e-10)  # away from the edges


# ---- gradients ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["1_3x8", "1_2x7", "2_2x4x6", "2_5x7"])
def test_rfft_and_irfft_gradients_match_tensorflow(key):
    rank = int(key[0])
    rfft, irfft = (pt.signal.rfft, pt.signal.irfft) if rank == 1 else (pt.signal.rfft2d, pt.signal.irfft2d)
    x, want = FIXTURE[f"rfft_grad_{key}"]
    w_re, w_im = FIXTURE[f"rfft_weights_{key}"]
    xt = pt.constant(x)
    with pt.GradientTape() as tape:
        tape.watch(xt)
        y = rfft(xt)
        loss = pt.reduce_sum(w_re * pt.math.real(y)) + pt.reduce_sum(w_im * pt.math.imag(y))
    np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), want, atol=1e-10)

    z, want = FIXTURE[f"irfft_grad_{key}"]
    v = FIXTURE[f"irfft_weights_{key}"]
    zt = pt.constant(z)
    with pt.GradientTape() as tape:
        tape.watch(zt)
        loss = pt.reduce_sum(v * irfft(zt, fft_length=v.shape[-rank:]))
    got = tape.gradient(loss, zt)
    assert got.dtype.name == "complex128"
    np.testing.assert_allclose(got.numpy(), want, atol=1e-10)


def _complex_gradient_check(fn, z, atol=1e-7):
    """tape.gradient of the real loss fn(z) at complex z against central differences of its real and imaginary
    parts separately: TF's gradient is dL/dRe + i dL/dIm."""
    zt = pt.constant(z)
    with pt.GradientTape() as tape:
        tape.watch(zt)
        loss = fn(zt)
    got = tape.gradient(loss, zt)
    assert got is not None and got.dtype.name == "complex128"
    d_re = central_gradient(lambda re: float(fn(pt.constant(re + 1j * z.imag)).numpy()), z.real)
    d_im = central_gradient(lambda im: float(fn(pt.constant(z.real + 1j * im)).numpy()), z.imag)
    np.testing.assert_allclose(got.numpy(), d_re + 1j * d_im, atol=atol)


def _squared(z):
    return z * z


W = np.random.default_rng(7).standard_normal((2, 5))
C = np.random.default_rng(8).standard_normal((2, 5)) + 1j * np.random.default_rng(9).standard_normal((2, 5))
COMPLEX_LOSSES = {
    "real": lambda z: pt.reduce_sum(W * pt.math.real(z)),
    "imag": lambda z: pt.reduce_sum(W * pt.math.imag(z)),
    "conj": lambda z: pt.reduce_sum(W * pt.math.imag(pt.math.conj(z) * C)),
    "abs": lambda z: pt.reduce_sum(W * pt.abs(z)),
    "multiply": lambda z: pt.reduce_sum(W * pt.math.real(z * z * C)),
    "divide": lambda z: pt.reduce_sum(W * pt.math.imag(C / z + z / C)),
    "add_sub": lambda z: pt.reduce_sum(W * pt.math.real((z + C) * (z - 2.0 * C))),
    "cast": lambda z: pt.reduce_sum(W * (pt.cast(z * C, pt.float64) + pt.math.imag(pt.cast(pt.math.imag(z),
                                                                                          pt.complex128) * C))),
    "complex": lambda z: pt.reduce_sum(W * pt.math.imag(pt.complex(pt.math.imag(z), pt.math.real(z)) * z)),
    "reshape_slice_concat": lambda z: pt.reduce_sum(
        pt.math.real(_squared(pt.concat([pt.reshape(z, [10])[3:], pt.reshape(z * C, [10])[:4]], 0)))),
    "reduce_sum_matmul": lambda z: pt.math.real(pt.reduce_sum(pt.matmul(z, pt.transpose(z * C)))),
    "fft": lambda z: pt.reduce_sum(W * pt.math.real(pt.signal.fft(z * C))),
    "ifft2d": lambda z: pt.reduce_sum(W * pt.math.imag(pt.signal.ifft2d(z) * C)),
    "irfft": lambda z: pt.reduce_sum(pt.signal.irfft(z, fft_length=[8]) ** 2),
}


@pytest.mark.parametrize("name", sorted(COMPLEX_LOSSES))
def test_complex_gradients_match_central_differences(name):
    z = np.random.default_rng(10).standard_normal((2, 5)) + 1j * np.random.default_rng(11).standard_normal((2, 5))
    _complex_gradient_check(COMPLEX_LOSSES[name], z)


@pytest.mark.parametrize("name,inner", [("rfft", (9,)), ("rfft2d", (4, 5)), ("rfft3d", (2, 3, 4))])
def test_second_gradients_by_central_differences(name, inner):
    """The Hessian of sum(w * |rfft(x)|^2) (nested tapes) against central differences of the tape's gradient."""
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2,) + inner)
    w = rng.standard_normal((2,) + inner[:-1] + (inner[-1] // 2 + 1,))
    fn = getattr(pt.signal, name)

    def gradient(xv):
        xt = pt.constant(xv)
        with pt.GradientTape() as tape:
            tape.watch(xt)
            loss = pt.reduce_sum(w * pt.abs(fn(xt)) ** 2)
        return tape.gradient(loss, xt)

    v = rng.standard_normal(x.shape)
    xt = pt.constant(x)
    with pt.GradientTape() as outer:
        outer.watch(xt)
        with pt.GradientTape() as inner_tape:
            inner_tape.watch(xt)
            loss = pt.reduce_sum(w * pt.abs(fn(xt)) ** 2)
        g = inner_tape.gradient(loss, xt)
        directional = pt.reduce_sum(g * v)
    got = outer.gradient(directional, xt).numpy()
    want = central_gradient(lambda xv: float(pt.reduce_sum(gradient(xv) * v).numpy()), x)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_stft_gradient_matches_central_differences():
    x = np.random.default_rng(13).standard_normal(40)

    def loss(t):
        return pt.reduce_sum(pt.abs(pt.signal.stft(t, 12, 5, pad_end=True)))

    xt = pt.constant(x)
    with pt.GradientTape() as tape:
        tape.watch(xt)
        value = loss(xt)
    np.testing.assert_allclose(tape.gradient(value, xt).numpy(),
                               central_gradient(lambda xv: float(loss(pt.constant(xv)).numpy()), x), atol=1e-7)


# ---- graph mode, threads, bad input -------------------------------------------------------------
def test_traced_function_gives_the_eager_values():
    x = np.random.default_rng(14).standard_normal((3, 20)).astype(np.float32)

    @pt.function
    def spectrum(t):
        return pt.abs(pt.signal.rfft(t, fft_length=[16])) + pt.math.real(pt.signal.fft2d(pt.complex(t, t)))[..., :9]

    eager = pt.abs(pt.signal.rfft(x, fft_length=[16])) + pt.math.real(pt.signal.fft2d(pt.complex(x, x)))[..., :9]
    np.testing.assert_allclose(spectrum(pt.constant(x)).numpy(), eager.numpy(), rtol=1e-6, atol=1e-6)


def test_results_do_not_depend_on_the_thread_count():
    z = _random_complex((300, 48), np.complex64)
    before = pt._core.get_num_threads()
    try:
        pt._core.set_num_threads(1)
        one = pt.signal.fft(z).numpy()
        pt._core.set_num_threads(max(2, before))
        many = pt.signal.fft(z).numpy()
    finally:
        pt._core.set_num_threads(before)
    np.testing.assert_array_equal(one, many)


def test_bad_input_raises_tf_error_classes_naming_op_and_dtype():
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"fft: got dtype float32, expected complex64"):
        pt.signal.fft(pt.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"rfft: got dtype complex64, expected float32 or float64"):
        pt.signal.rfft(pt.constant(np.ones(4, np.complex64)))
    with pytest.raises(ValueError, match=r"irfft2d: got dtype float32, expected complex64 or complex128"):
        pt.signal.irfft2d(pt.ones([2, 3]))
    with pytest.raises(ValueError, match=r"rfft: got dtype int32"):
        pt.signal.rfft(pt.constant([1, 2]))
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"rfft: fft_length must have 1 entry .* got 2"):
        pt.signal.rfft(pt.ones([3]), fft_length=[2, 3])
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"rfft2d: fft_length must have 2 entries"):
        pt.signal.rfft2d(pt.ones([3, 3]), fft_length=[3])
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"irfft: fft_length must be positive"):
        pt.signal.irfft(pt.constant([1 + 1j]))  # the default length 2 * (1 - 1)
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"fft2d: the input must have rank of at least 2"):
        pt.signal.fft2d(pt.constant([1 + 1j]))
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"fft: the input must have rank of at least 1"):
        pt.signal.fft(pt.constant(1 + 1j))
    with pytest.raises(ValueError, match=r"stft: signals must be float32 or float64, got complex"):
        pt.signal.stft(pt.constant(np.ones(20, np.complex64)), 8, 4)


def test_empty_batches_and_zero_length_fft_inputs():
    assert pt.signal.fft(pt.zeros([3, 0], pt.complex64)).shape == (3, 0)
    assert pt.signal.rfft(pt.zeros([0, 8])).shape == (0, 5)
    assert pt.signal.irfft2d(pt.zeros([0, 4, 3], pt.complex128), fft_length=[4, 4]).shape == (0, 4, 4)


# ---- keras.ops ----------------------------------------------------------------------------------
def test_keras_ops_fourier_transforms_match_keras3():
    from pytensor.keras import ops

    def check(got, key, atol=2e-5):
        got = np.stack([g.numpy() for g in got]) if isinstance(got, tuple) else got.numpy()
        want = FIXTURE[f"keras_{key}"]
        assert got.shape == want.shape and got.dtype == want.dtype, f"{key}: {got.shape} {got.dtype}"
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=atol, err_msg=key)

    pair, pair2, x = (tuple(FIXTURE["keras_pair"]), tuple(FIXTURE["keras_pair2"]), FIXTURE["keras_signal"])
    check(ops.fft(pair), "fft")
    check(ops.fft2(pair2), "fft2")
    check(ops.ifft2(pair2), "ifft2")
    check(ops.rfft(x), "rfft", atol=1e-4)
    check(ops.rfft(x, fft_length=10), "rfft_10")
    check(ops.irfft(pair), "irfft")
    check(ops.irfft(pair, fft_length=7), "irfft_7")
    for name, (length, stride, fft_length, window, center) in {"a": (32, 8, 64, "hann", True),
                                                               "b": (25, 10, 32, "hamming", False),
                                                               "c": (16, 4, 16, None, True)}.items():
        spec = ops.stft(x, length, stride, fft_length, window=window, center=center)
        check(spec, f"stft_{name}", atol=1e-4)
        check(ops.istft(spec, length, stride, fft_length, window=window, center=center), f"istft_{name}")
        check(ops.istft(spec, length, stride, fft_length, length=150, window=window, center=center),
              f"istft_{name}_150")


# ---- MDCT, the type-4 DCT, the Kaiser-Bessel-derived window -----------------------------------------
@pytest.mark.parametrize("case", range(3))
def test_mdct_and_inverse_mdct_match_tensorflow(case):
    length, window, pad_end, norm = [(16, "vorbis", False, None), (24, "kbd", True, "ortho"), (8, None, True, None)][case]
    fn = {"vorbis": pt.signal.vorbis_window, "kbd": pt.signal.kaiser_bessel_derived_window, None: None}[window]
    spec = pt.signal.mdct(FIXTURE["mdct_signal"], length, window_fn=fn, pad_end=pad_end, norm=norm)
    np.testing.assert_allclose(spec.numpy(), FIXTURE[f"mdct_{case}"], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pt.signal.inverse_mdct(spec, window_fn=fn, norm=norm).numpy(),
                               FIXTURE[f"inverse_mdct_{case}"], rtol=1e-10, atol=1e-10)


def test_dct_type_4_and_kaiser_bessel_derived_window_match_tensorflow():
    x = FIXTURE["mdct_signal"]
    got = np.stack([pt.signal.dct(x, type=4).numpy(), pt.signal.dct(x, type=4, norm="ortho").numpy(),
                    pt.signal.idct(x, type=4).numpy()])
    np.testing.assert_allclose(got, FIXTURE["dct4"], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(pt.signal.kaiser_bessel_derived_window(10, beta=6.0, dtype=pt.float64).numpy(),
                               FIXTURE["kbd_window_10"], rtol=1e-12)
    with pytest.raises(ValueError, match="mdct: frame_length must be a multiple of 4, got 10"):
        pt.signal.mdct(x, 10)


def test_tf_top_level_and_compat_v1_names():
    z = _random_complex((3, 4), np.complex128)
    np.testing.assert_allclose(pt.fftnd(z).numpy(), np.fft.fftn(z), atol=1e-12)
    np.testing.assert_allclose(pt.irfftnd(pt.rfftnd(z.real)).numpy(), z.real, atol=1e-12)
    v1 = pt.compat.v1
    np.testing.assert_allclose(v1.fft2d(z).numpy(), np.fft.fft2(z), atol=1e-12)
    np.testing.assert_allclose(v1.spectral.rfft(z.real).numpy(), np.fft.rfft(z.real), atol=1e-12)
    np.testing.assert_allclose(v1.ifftnd(z).numpy(), np.fft.ifftn(z), atol=1e-12)
