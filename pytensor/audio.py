"""``tf.audio``: 16-bit PCM WAV files to float samples in [-1, 1) and back (the standard library's ``wave``)."""

import io
import wave

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import StringTensor
from .errors import InvalidArgumentError

__all__ = ["decode_wav", "encode_wav"]


def _bytes(contents, op):
    if isinstance(contents, StringTensor):
        contents = contents.numpy()
    if not isinstance(contents, bytes):
        raise TypeError(f"{op}: contents must be a scalar string tensor of the file's bytes, got "
                        f"{type(contents).__name__}")
    return contents


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """(audio float32 [samples, channels] in [-1, 1), sample_rate int32) of a 16-bit PCM WAV file's bytes;
    `desired_channels` / `desired_samples` trim or pad (channels by repeating the last), as TF."""
    data = _bytes(contents, "decode_wav")
    try:
        with wave.open(io.BytesIO(data)) as reader:
            if reader.getsampwidth() != 2:
                raise InvalidArgumentError(f"decode_wav: only 16-bit PCM is supported, got "
                                           f"{8 * reader.getsampwidth()}-bit samples")
            channels, rate = reader.getnchannels(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as err:
        raise InvalidArgumentError(f"decode_wav: not a valid WAV file ({err})") from None
    samples = np.frombuffer(frames, "<i2").reshape(-1, channels).astype(np.float32) / 32768.0
    if desired_channels > 0 and desired_channels != channels:
        samples = samples[:, :desired_channels] if desired_channels < channels else np.concatenate(
            [samples] + [samples[:, -1:]] * (desired_channels - channels), axis=1)
    if desired_samples >= 0:
        samples = samples[:desired_samples]
        if len(samples) < desired_samples:
            samples = np.concatenate([samples, np.zeros((desired_samples - len(samples), samples.shape[1]),
                                                        np.float32)])
    return _core.constant(samples), _core.constant(np.int32(rate))


def encode_wav(audio, sample_rate, name=None):
    """The bytes of a 16-bit PCM WAV file of float samples [samples, channels] (clipped to [-1, 1])."""
    values = np.asarray(audio.numpy() if isinstance(audio, (Tensor, Variable)) else audio, np.float32)
    if values.ndim != 2:
        raise ValueError(f"encode_wav: audio must be [samples, channels], got shape {values.shape}")
    pcm = np.clip(np.round(values * 32768.0), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(values.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(int(np.asarray(sample_rate)))
        writer.writeframes(pcm.tobytes())
    return StringTensor(buffer.getvalue())
