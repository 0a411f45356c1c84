"""Helpers shared by the preprocessing layers: the batches ``adapt`` reads, image-rank checks, Keras's ``factor``
arguments, and the one-hot / multi-hot / count encoding of integer indices."""
import numpy as np

import pytensor as pt

__all__ = ["adapt_batches", "check_image", "parse_factor", "encode_categorical", "OUTPUT_MODES", "crop_to_aspect_ratio",
           "pad_to_aspect_ratio", "OutputDTypeMixin"]

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _as_array(value):
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], (pt.Tensor, np.ndarray)):
        value = value[0]  # an (x, y) element: Keras adapts on x
    if isinstance(value, pt.Tensor):
        return value.numpy()
    return np.asarray(value)


def adapt_batches(data, layer):
    """The batches ``layer.adapt(data)`` reads, as numpy arrays: one batch for an array, tensor or list of values;
    each element of a ``tf.data.Dataset`` or another iterable of batches (the x of (x, y) elements)."""
    from pytensor.data import Dataset

    if isinstance(data, (np.ndarray, pt.Tensor)) or isinstance(data, (list, tuple)) and (
            not data or not isinstance(data[0], (np.ndarray, pt.Tensor))):
        return [_as_array(data)]
    if isinstance(data, Dataset) or hasattr(data, "__iter__"):
        batches = [_as_array(batch) for batch in data]
        if not batches:
            raise ValueError(f"{type(layer).__name__} layer '{layer.name}': adapt() received no data (an empty "
                             f"dataset or iterable); pass at least one batch.")
        return batches
    raise TypeError(f"{type(layer).__name__} layer '{layer.name}': adapt() takes a numpy array, a tensor, a "
                    f"tf.data.Dataset or an iterable of batches; received {type(data).__name__}.")


def check_image(layer, inputs):
    """Raises Keras's ValueError unless ``inputs`` is one image (H, W, C) or a batch (N, H, W, C)."""
    if len(inputs.shape) not in (3, 4):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': expected images of rank 3 (height, width, "
                         f"channels) or 4 (batch, height, width, channels); received inputs.shape="
                         f"{tuple(inputs.shape)}.")


def parse_factor(layer, factor, bounds):
    """Keras's ``factor``: a number ``f`` gives ``(max(-|f|, lower_bound), |f|)``, a pair is sorted; both must lie
    in ``bounds``."""
    message = (f"{type(layer).__name__} layer: the `factor` argument should be a number (or a list of two numbers) "
               f"in the range [{bounds[0]}, {bounds[1]}]. Received: factor={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not bounds[0] <= factor <= bounds[1]:
            raise ValueError(message)
        return max(-abs(factor), bounds[0]), abs(factor)
    raise ValueError(message)


def encode_categorical(layer, indices, output_mode, depth, dtype, count_weights=None):
    """Keras's encoding of integer ``indices`` (values in [0, depth)): ``int`` casts to ``dtype``; ``one_hot`` adds
    a ``depth`` axis (replacing a last axis of size 1); ``multi_hot`` / ``count`` reduce the last axis into
    ``depth`` slots (a rank-1 input is one sample)."""
    if output_mode == "int":
        return pt.cast(indices, dtype)
    values = np.asarray(indices.numpy())
    if values.size and (values.min() < 0 or values.max() >= depth):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': input values must be in the range 0 <= "
                         f"values < {depth} (num_tokens / vocabulary size); received values in [{values.min()}, "
                         f"{values.max()}]. Raise the depth or map the values into range first.")
    if len(indices.shape) == 0:
        indices = pt.reshape(indices, (1,))
    if output_mode == "one_hot":
        if len(indices.shape) > 1 and int(indices.shape[-1]) == 1:
            indices = pt.squeeze(indices, -1)
        return pt.one_hot(pt.cast(indices, pt.int32), depth, dtype=dtype)
    encoded = pt.one_hot(pt.cast(indices, pt.int32), depth, dtype=dtype)
    if output_mode == "multi_hot":
        return pt.reduce_max(encoded, axis=-2)
    if count_weights is not None:
        encoded = encoded * pt.expand_dims(pt.cast(count_weights, dtype), -1)
    return pt.reduce_sum(encoded, axis=-2)


def _hw(images):
    return int(images.shape[-3]), int(images.shape[-2])


def crop_to_aspect_ratio(images, target_height, target_width):
    """The largest central window of ``images`` with the target's aspect ratio (Keras's integer rounding)."""
    height, width = _hw(images)
    crop_height = max(min(height, int(np.float32(width * target_height) / np.float32(target_width))), 1)
    crop_width = max(min(width, int(np.float32(height * target_width) / np.float32(target_height))), 1)
    top, left = int(np.float32(height - crop_height) / 2), int(np.float32(width - crop_width) / 2)
    if len(images.shape) == 3:
        return images[top:top + crop_height, left:left + crop_width, :]
    return images[:, top:top + crop_height, left:left + crop_width, :]


def pad_to_aspect_ratio(images, target_height, target_width, fill_value):
    """``images`` padded equally on both sides with ``fill_value`` towards the target's aspect ratio (Keras's
    rounding)."""
    height, width = _hw(images)
    pad_height = max(height, int(np.float32(width * target_height) / np.float32(target_width)))
    pad_width = max(width, int(np.float32(height * target_width) / np.float32(target_height)))
    top, left = int(np.float32(pad_height - height) / 2), int(np.float32(pad_width - width) / 2)
    paddings = [[top, top], [left, left], [0, 0]]
    if len(images.shape) == 4:
        paddings = [[0, 0]] + paddings
    # Padding ``images - fill_value`` with zeros and adding ``fill_value`` back fills the border with it.
    return pt.pad(images - fill_value, paddings) + fill_value if fill_value else pt.pad(images, paddings)


class OutputDTypeMixin:
    """For layers whose outputs are not in the layer's dtype (integer ids of the lookups and Discretization): the
    functional API's placeholder gets ``_output_dtype()``, so the next layer sees what the call returns."""

    def _symbolic_call(self, inputs, args, kwargs):
        outputs = super()._symbolic_call(inputs, args, kwargs)
        outputs.dtype = pt.as_dtype(self._output_dtype())
        return outputs
