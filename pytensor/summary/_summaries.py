"""The summary kinds: scalar, histogram, image, text, audio and the low-level ``write``.

Each checks its input and copies it on the calling thread, and leaves the encoding (buckets, PNG, WAV) and the
protocol buffers to the writer thread. The tensors and plugin metadata are TensorBoard's v2 summaries, as
``tensorboard.summary.v2`` writes them for TF: scalars as float32, histograms as float64 ``[k, 3]`` buckets,
images as ``[width, height, png...]`` strings, audio as ``[k, 2]`` (wav, label) strings.
"""
import functools

import numpy as np

from .. import errors
from . import _encode
from ._protos import protos
from .._scopes import current_name_scope
from ._writer import _NoopSummaryWriter, _state, is_recording, step_value

__all__ = ["scalar", "histogram", "image", "text", "audio", "write"]


def _target(kind, name, step):
    """``(tag, step)`` for `kind` summary `name` (the tag under the current ``tf.name_scope``, as TF's), or None
    when nothing is recorded (no default writer, a noop writer, or record_if's condition false).

    Raises:
        ValueError: when recording with no step given and no default step.
    """
    writer = _state.writer
    if writer is None or isinstance(writer, _NoopSummaryWriter) or not is_recording():
        return None
    step = _state.step if step is None else step
    if step is None:
        raise ValueError(f"tf.summary.{kind}({name!r}): no step was given and no default step is set. Pass "
                         f"step=..., write under `with writer.as_default(step=...)`, or call "
                         f"tf.summary.experimental.set_step(step) first.")
    return current_name_scope() + name, step_value(step)


@functools.lru_cache(maxsize=None)
def _metadata(plugin, description, *extra):
    """The SummaryMetadata of a plugin's summaries, made once per (plugin, description)."""
    pb = protos()
    return getattr(pb, plugin).create_summary_metadata(None, description or "", *extra)


def _tensor_proto(array):
    """A numpy array (numbers or bytes) as a TensorProto, by TensorBoard's own converter."""
    from tensorboard.util import tensor_util
    return tensor_util.make_tensor_proto(array)


def _numpy(data):
    """A numpy copy of a tensor, Variable, array or Python value (the caller may change it afterwards)."""
    if hasattr(data, "numpy"):
        data = data.numpy()
    return np.array(data)


def _enqueue(step, tag, metadata, make_tensor):
    _state.writer._enqueue(step, tag, metadata, make_tensor)
    return True


def _check_number(kind, name, array):
    if array.dtype.kind not in "biuf":
        raise TypeError(f"tf.summary.{kind}({name!r}): data must be numeric (float, int or bool); got dtype "
                        f"{array.dtype}.")


def scalar(name, data, step=None, description=None):
    """Writes one number (stored as float32) at `step`; shown by TensorBoard's Scalars tab.

    Returns:
        True if written, False with no default writer (or when record_if's condition is false).

    Raises:
        InvalidArgumentError: if `data` is not a scalar.
        ValueError: with no step and no default step.

    Example:
        >>> tf.summary.scalar("loss", loss, step=epoch)
    """
    target = _target("scalar", name, step)
    if target is None:
        return False
    tag, step = target
    if type(data) is float or type(data) is int:   # Keras's logs: the common case, kept cheap
        return _enqueue(step, tag, _metadata("scalar", description), functools.partial(_float_tensor, float(data)))
    value = np.asarray(data.numpy() if hasattr(data, "numpy") else data)
    if value.ndim != 0:
        raise errors.InvalidArgumentError(
            f"tf.summary.scalar({name!r}): data must be a scalar (rank 0); got shape {value.shape}. Reduce it "
            f"first (e.g. tf.reduce_mean(data)), or write a tensor with tf.summary.histogram.")
    _check_number("scalar", name, value)
    return _enqueue(step, tag, _metadata("scalar", description), functools.partial(_float_tensor, float(value)))


def _float_tensor(number):
    """A float32 scalar TensorProto."""
    pb = protos()
    return pb.tensor_pb2.TensorProto(dtype=pb.types_pb2.DT_FLOAT, tensor_shape=pb.tensor_shape_pb2.TensorShapeProto(),
                                     float_val=[number])


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes the distribution of `data`'s values, in TF's equal-width buckets (30 by default), at `step`;
    shown by TensorBoard's Histograms and Distributions tabs."""
    target = _target("histogram", name, step)
    if target is None:
        return False
    tag, step = target
    values = _numpy(data)
    _check_number("histogram", name, values)
    bucket_count = _encode.DEFAULT_BUCKET_COUNT if buckets is None else int(buckets)
    metadata = _metadata("histogram", description)
    return _enqueue(step, tag, metadata, lambda: _tensor_proto(_encode.histogram_buckets(values, bucket_count)))


def image(name, data, step=None, max_outputs=3, description=None):
    """Writes up to `max_outputs` images from `data`, a ``[k, height, width, channels]`` tensor (1 gray, 3 RGB
    or 4 RGBA channels) of uint8, or of floats in [0, 1]; shown by TensorBoard's Images tab.

    Raises:
        InvalidArgumentError: if `data` is not rank 4 with 1, 3 or 4 channels, or max_outputs is negative.
        TypeError: for a dtype other than uint8 and float.
    """
    target = _target("image", name, step)
    if target is None:
        return False
    tag, step = target
    images = _numpy(data)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise errors.InvalidArgumentError(
            f"tf.summary.image({name!r}): data must be a rank-4 tensor [k, height, width, channels] with 1, 3 or 4 "
            f"channels; got shape {images.shape}. For one image add a batch axis (image[None]); for a gray "
            f"[k, h, w] batch add a channel axis (images[..., None]).")
    if images.dtype != np.uint8 and images.dtype.kind != "f":
        raise TypeError(f"tf.summary.image({name!r}): data must be uint8 (0-255) or float (0-1); got dtype "
                        f"{images.dtype}. Cast integers to uint8, or scale them to floats in [0, 1].")
    if int(max_outputs) < 0:
        raise errors.InvalidArgumentError(f"tf.summary.image({name!r}): max_outputs must be >= 0; got {max_outputs}.")
    _, height, width, _ = images.shape
    kept = images[:int(max_outputs)]
    metadata = _metadata("image", description)

    def make_tensor():
        pngs = [_encode.encode_png(img) for img in _encode.image_to_uint8(kept)]
        return _tensor_proto(np.array([str(width).encode(), str(height).encode()] + pngs, dtype=object))
    return _enqueue(step, tag, metadata, make_tensor)


def text(name, data, step=None, description=None):
    """Writes a string, or a tensor of strings (shown as a table), at `step`; Markdown is rendered by
    TensorBoard's Text tab."""
    from ..data._types import as_string_array
    target = _target("text", name, step)
    if target is None:
        return False
    tag, step = target
    try:
        strings = as_string_array(data.numpy() if hasattr(data, "numpy") else data)
    except TypeError:
        raise TypeError(f"tf.summary.text({name!r}): data must be a string or a tensor of strings; got "
                        f"{type(data).__name__}. Format numbers first, e.g. str(value).") from None
    metadata = _metadata("text", description)
    return _enqueue(step, tag, metadata, lambda: _tensor_proto(strings))


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Writes up to `max_outputs` clips from `data`, a float ``[k, frames, channels]`` tensor with samples in
    [-1, 1], as 16-bit WAV at `sample_rate` Hz; played by TensorBoard's Audio tab."""
    target = _target("audio", name, step)
    if target is None:
        return False
    tag, step = target
    if encoding not in (None, "wav"):
        raise ValueError(f"tf.summary.audio({name!r}): encoding must be 'wav' (or None); got {encoding!r}.")
    clips = _numpy(data)
    if clips.ndim != 3:
        raise errors.InvalidArgumentError(
            f"tf.summary.audio({name!r}): data must be a rank-3 tensor [k, frames, channels]; got shape "
            f"{clips.shape}. For one mono clip use data[None, :, None].")
    if clips.dtype.kind != "f":
        raise TypeError(f"tf.summary.audio({name!r}): data must be float samples in [-1, 1]; got dtype "
                        f"{clips.dtype}.")
    rate = int(np.asarray(sample_rate))
    if rate <= 0:
        raise errors.InvalidArgumentError(f"tf.summary.audio({name!r}): sample_rate must be positive; got {rate}.")
    kept = clips[:int(max_outputs)]
    metadata = _metadata("audio", description, protos().audio.Encoding.Value("WAV"))

    def make_tensor():
        rows = [[_encode.encode_wav(clip, rate), b""] for clip in kept]
        return _tensor_proto(np.array(rows, dtype=object).reshape(len(rows), 2))
    return _enqueue(step, tag, metadata, make_tensor)


def write(tag, tensor, step=None, metadata=None, name=None):
    """Writes `tensor` (or the value of a callable returning it) under `tag` with `metadata` (a SummaryMetadata
    proto or its serialized bytes), the building block of the other summaries."""
    target = _target("write", tag, step)
    if target is None:
        return False
    tag, step = target
    pb = protos()
    if metadata is None:
        metadata = pb.summary_pb2.SummaryMetadata()
    elif isinstance(metadata, bytes):
        metadata = pb.summary_pb2.SummaryMetadata.FromString(metadata)
    value = tensor() if callable(tensor) else tensor
    array = np.array(value.numpy() if hasattr(value, "numpy") else value,
                     dtype=object if isinstance(value, (str, bytes)) else None)
    return _enqueue(step, tag, metadata, lambda: _tensor_proto(array))
