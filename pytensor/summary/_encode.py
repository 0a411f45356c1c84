"""What TensorBoard's plugins store: TF's histogram buckets, PNG images and 16-bit PCM WAV audio."""
import io
import struct
import wave
import zlib

import numpy as np

DEFAULT_BUCKET_COUNT = 30  # TensorBoard's default


def histogram_buckets(data, bucket_count):
    """TF's bucketing: `bucket_count` equal-width buckets from min to max, as a float64 ``[k, 3]`` array of
    (left edge, right edge, count). Each value's bucket is ``floor((x - min) / width)``, the last one closed;
    a single distinct value puts every count in the last bucket (both edges at the value); empty data gives
    zero rows of zeros, and ``bucket_count <= 0`` an empty ``(0, 3)`` array."""
    bucket_count = max(0, int(bucket_count))
    data = np.asarray(data, dtype=np.float64).reshape(-1)
    if data.size == 0 or bucket_count == 0:
        return np.zeros((bucket_count, 3))
    low, high = data.min(), data.max()
    width = high - low
    if width == 0:
        counts = np.zeros(bucket_count)
        counts[-1] = data.size
        return np.stack([np.full(bucket_count, high), np.full(bucket_count, high), counts], axis=1)
    index = np.minimum(np.floor((data - low) / (width / bucket_count)).astype(np.int32), bucket_count - 1)
    counts = np.bincount(index, minlength=bucket_count).astype(np.float64)
    edges = np.linspace(low, high, bucket_count + 1)
    edges[-1] = high
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def image_to_uint8(images):
    """``tf.image.convert_image_dtype(images, tf.uint8, saturate=True)`` for uint8 and float images: floats in
    [0, 1] are scaled by 255.5 in their own precision, clipped to [0, 255] and truncated."""
    if images.dtype == np.uint8:
        return images
    scaled = images * images.dtype.type(255.5)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image):
    """A PNG file (8-bit gray, RGB or RGBA by the channel count 1 / 3 / 4) of a uint8 ``[h, w, c]`` array."""
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    # Each scanline starts with filter type 0 (None).
    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * channels)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)), _png_chunk(b"IEND", b"")))


def encode_wav(clip, sample_rate):
    """A 16-bit PCM WAV file of a float ``[frames, channels]`` clip, TF's ``encode_wav``: each sample is
    ``round(x * 32768)`` (halves away from zero) clipped to the int16 range."""
    scaled = clip.astype(np.float32) * np.float32(32768)
    samples = np.clip(np.sign(scaled) * np.floor(np.abs(scaled) + np.float32(0.5)), -32768, 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(clip.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(int(sample_rate))
        wav.writeframes(samples.tobytes())
    return out.getvalue()
