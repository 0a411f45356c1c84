"""Helpers shared by the preprocessing layers: the batches ``adapt`` reads, image-rank and argument checks, Keras's
``factor`` arguments, the one-hot / multi-hot / count encoding of integer indices, aspect-ratio crops and pads, the
integer output dtype of the functional API's placeholders, and the affine transform of the geometric layers."""
import numpy as np

import pytensor as pt

__all__ = ["adapt_batches", "check_image", "parse_factor", "encode_categorical", "OUTPUT_MODES", "crop_to_aspect_ratio",
           "pad_to_aspect_ratio", "OutputDTypeMixin", "affine_transform", "FILL_MODES", "check_transform_arguments",
           "factor_range", "aspect_ratio_window"]

FILL_MODES = ("reflect", "wrap", "constant", "nearest")

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


def check_transform_arguments(layer, fill_mode, interpolation):
    """Keras's NotImplementedError for a fill mode or interpolation the affine transform does not have."""
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(f"{type(layer).__name__} layer '{layer.name}': unknown `fill_mode` {fill_mode}. "
                                  f"Expected of one {FILL_MODES}.")
    if interpolation not in ("nearest", "bilinear"):
        raise NotImplementedError(f"{type(layer).__name__} layer '{layer.name}': unknown `interpolation` "
                                  f"{interpolation}. Expected of one ('nearest', 'bilinear').")


def factor_range(layer, factor, name, lowest=-1.0, lowest_included=True):
    """Keras's ``height_factor`` / ``width_factor``: a number ``f`` gives ``[-|f|, f|]``, a pair is sorted; every
    value within ``[lowest, 1]`` (``(lowest, 1]`` unless ``lowest_included``)."""
    message = (f"{type(layer).__name__} layer '{layer.name}': the `{name}` argument should be a number (or a list "
               f"of two numbers) in the range [{lowest}, 1.0]. Received: {name}={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message)
        values = sorted(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [-abs(factor), abs(factor)]
    else:
        raise ValueError(message)
    if values[1] > 1.0 or values[0] < lowest or (values[0] == lowest and not lowest_included):
        raise ValueError(message)
    return tuple(values)


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


def aspect_ratio_window(height, width, target_height, target_width):
    """``(top, left, height, width)`` of the largest central window with the target's aspect ratio (Keras's
    integer rounding)."""
    crop_height = max(min(height, int(np.float32(width * target_height) / np.float32(target_width))), 1)
    crop_width = max(min(width, int(np.float32(height * target_width) / np.float32(target_height))), 1)
    return (int(np.float32(height - crop_height) / 2), int(np.float32(width - crop_width) / 2), crop_height,
            crop_width)


def crop_to_aspect_ratio(images, target_height, target_width):
    """The largest central window of ``images`` with the target's aspect ratio."""
    top, left, crop_height, crop_width = aspect_ratio_window(*_hw(images), target_height, target_width)
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


def _map_coordinates(coords, size, fill_mode):
    """TF's ImageProjectiveTransform boundary handling of float32 source coordinates along an axis of ``size``:
    ``reflect`` (dcba|abcd|dcba), ``wrap`` (abcd|abcd), ``nearest`` (clamped); ``constant`` leaves them (reads
    outside give ``fill_value``)."""
    if fill_mode == "constant":
        return coords
    c = coords.copy()
    if fill_mode in ("reflect", "wrap") and size <= 1:
        c[:] = 0
    elif fill_mode == "reflect":
        period = 2 * size
        low, high = c < 0, c > size - 1
        c[low] = period * np.trunc(-c[low] / period) + c[low]
        c[low] = np.where(c[low] < -size, c[low] + period, -c[low] - 1)
        c[high] -= period * np.trunc(c[high] / period)
        c[high] = np.where(c[high] >= size, period - c[high] - 1, c[high])
    elif fill_mode == "wrap":
        low, high = c < 0, c > size - 1
        c[low] += size * (np.trunc(-c[low] / (size - 1)) + 1)
        c[high] -= size * np.trunc(c[high] / (size - 1))
    return np.clip(c, 0, size - 1).astype(np.float32)


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Keras's ``ops.image.affine_transform`` (TF's ImageProjectiveTransformV3) of channels-last ``images`` (one or a
    batch): output pixel (x, y) reads the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``,
    ``k = c0 x + c1 y + 1``, for each image's ``transforms`` row ``[a0 a1 a2 b0 b1 b2 c0 c1]`` (a numpy array). The
    source positions are numbers, the pixels are gathered: gradients flow to the images."""
    single = len(images.shape) == 3
    batch = pt.expand_dims(images, 0) if single else images
    n, height, width, channels = (int(d) for d in batch.shape)
    transforms = np.broadcast_to(np.asarray(transforms, np.float32).reshape(-1, 8), (n, 8))
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32), indexing="ij")
    t = transforms[:, :, None, None]
    projection = t[:, 6] * xs + t[:, 7] * ys + np.float32(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        src_x = _map_coordinates((t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / projection, width, fill_mode)
        src_y = _map_coordinates((t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / projection, height, fill_mode)
    if interpolation == "nearest":
        # std::round: halves away from zero.
        corners = [(np.sign(src_y) * np.floor(np.abs(src_y) + 0.5), np.sign(src_x) * np.floor(np.abs(src_x) + 0.5),
                    np.ones_like(src_x))]
    else:
        y0, x0 = np.floor(src_y), np.floor(src_x)
        wy, wx = src_y - y0, src_x - x0
        corners = [(y0, x0, (1 - wy) * (1 - wx)), (y0, x0 + 1, (1 - wy) * wx), (y0 + 1, x0, wy * (1 - wx)),
                   (y0 + 1, x0 + 1, wy * wx)]
    valid_projection = projection != 0
    flat = pt.reshape(batch, (n * height * width, channels))
    base = (np.arange(n) * height * width)[:, None, None]
    out, fill_weight = None, np.zeros((n, height, width), np.float32)
    for row, col, weight in corners:
        inside = (row >= 0) & (row < height) & (col >= 0) & (col < width) & valid_projection
        index = base + np.clip(row, 0, height - 1).astype(np.int64) * width + np.clip(col, 0, width - 1).astype(
            np.int64)
        fill_weight += np.where(inside, 0, weight).astype(np.float32)
        term = pt.gather(flat, index.reshape(-1).astype(np.int32)) * pt.constant(
            np.where(inside, weight, 0).reshape(-1, 1).astype(batch.dtype.as_numpy_dtype))
        out = term if out is None else out + term
    fill_weight[~valid_projection] = 1.0
    if fill_value:
        out = out + pt.constant((fill_weight * np.float32(fill_value)).reshape(-1, 1).astype(
            batch.dtype.as_numpy_dtype))
    out = pt.reshape(out, (n, height, width, channels))
    return out[0] if single else out
