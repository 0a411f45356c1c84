"""bench/fft.py's cases and their inputs (numpy only), shared with the peer's Python that times torch.fft."""
import numpy as np

CASES = {
    "fft_c64_256x1024": ("fft", (256, 1024)),
    "fft_c64_256x1009": ("fft", (256, 1009)),  # a prime length
    "rfft_f32_64x16384": ("rfft", (64, 16384)),
    "irfft_f32_64x16384": ("irfft", (64, 16384)),
    "fft2d_c64_16x128x128": ("fft2", (16, 128, 128)),
    "stft_f32_16x16000": ("stft", (16, 16000)),  # 25 ms frames of 16 kHz audio every 10 ms, fft_length 512
}


def inputs(case):
    """(kind, numpy input) of a case, from fixed seeds."""
    rng = np.random.default_rng(0)
    kind, shape = CASES[case]
    real = rng.standard_normal(shape).astype(np.float32)
    if kind in ("fft", "fft2"):
        return kind, (real + 1j * rng.standard_normal(shape).astype(np.float32)).astype(np.complex64)
    if kind == "irfft":
        return kind, np.fft.rfft(real).astype(np.complex64)
    return kind, real
