"""``keras.ops.image``: Keras 3's image ops on (batch, height, width, channels) images (or a single image
without the batch axis; ``data_format='channels_first'`` accepted), composed from pytensor's gather and
convolution ops so gradients follow. ``affine_transform``, ``map_coordinates``, ``perspective_transform``,
``elastic_transform``, ``scale_and_translate``, ``ssim`` and ``sobel_edges`` are not built yet."""
import numpy as _np

import pytensor as pt

from .nn import _channels_first, conv, depthwise_conv
from .numpy import _float, _tensor


def _batched(images, data_format, op):
    """``images`` as a channels-last batch, whether a batch axis was added and whether to transpose back."""
    images = _tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"keras.ops.image.{op}: expected a rank-3 image or a rank-4 batch of images, got shape "
                         f"{tuple(images.shape)}.")
    single = images.ndim == 3
    x = pt.expand_dims(images, 0) if single else images
    first = _channels_first(data_format)
    return (pt.transpose(x, [0, 2, 3, 1]) if first else x), single, first


def _restore(x, single, first):
    x = pt.transpose(x, [0, 3, 1, 2]) if first else x
    return pt.squeeze(x, axis=[0]) if single else x


def rgb_to_grayscale(images, data_format=None):
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B`` (ITU-R 601, as TF), one channel kept."""
    x, single, first = _batched(images, data_format, "rgb_to_grayscale")
    x = _float(x)
    weights = pt.constant(_np.array([0.2989, 0.5870, 0.1140], x.dtype.name))
    return _restore(pt.reduce_sum(x * weights, axis=-1, keepdims=True), single, first)


def _source_positions(out_size, in_size, method):
    """TF 2's half-pixel source coordinates of ``out_size`` samples over ``in_size`` pixels: the
    (lower, upper, fraction) of bilinear sampling, or the nearest pixel."""
    scale = in_size / out_size
    centres = (_np.arange(out_size) + 0.5) * scale
    if method == "nearest":
        return _np.clip(_np.floor(centres), 0, in_size - 1).astype(_np.int32)
    position = centres - 0.5
    floor = _np.floor(position)
    lower = _np.clip(floor, 0, in_size - 1).astype(_np.int32)
    upper = _np.clip(_np.ceil(position), 0, in_size - 1).astype(_np.int32)
    return lower, upper, position - floor


def _resize_axis(x, axis, size, method):
    if method == "nearest":
        return pt.gather(x, _source_positions(size, x.shape[axis], method), axis=axis)
    lower, upper, fraction = _source_positions(size, x.shape[axis], method)
    shape = [1] * x.ndim
    shape[axis] = size
    fraction = pt.constant(fraction.reshape(shape).astype(x.dtype.name))
    low, high = pt.gather(x, lower, axis=axis), pt.gather(x, upper, axis=axis)
    return low + (high - low) * fraction


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """``images`` resized to ``size`` (height, width) by ``'bilinear'`` or ``'nearest'`` sampling with TF 2's
    half-pixel centres; ``crop_to_aspect_ratio`` / ``pad_to_aspect_ratio`` first centre-crop / pad to the target
    aspect ratio, as Keras does."""
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"keras.ops.image.resize: pytensor supports interpolation 'bilinear' and 'nearest', got "
                         f"{interpolation!r}.")
    if antialias:
        raise ValueError("keras.ops.image.resize: antialias=True is not supported; pass antialias=False.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("keras.ops.image.resize: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be "
                         "True.")
    x, single, first = _batched(images, data_format, "resize")
    x = _float(x)
    target_height, target_width = (int(s) for s in size)
    height, width = x.shape[1], x.shape[2]
    if crop_to_aspect_ratio:
        crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
        crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
        top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
        x = x[:, top:top + crop_height, left:left + crop_width, :]
    elif pad_to_aspect_ratio:
        if fill_mode != "constant":
            raise ValueError(f"keras.ops.image.resize: fill_mode must be 'constant', got {fill_mode!r}.")
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        top, left = (pad_height - height) // 2, (pad_width - width) // 2
        x = pt.pad(x, [[0, 0], [top, pad_height - height - top], [left, pad_width - width - left], [0, 0]],
                   constant_values=fill_value)
    x = _resize_axis(_resize_axis(x, 1, target_height, interpolation), 2, target_width, interpolation)
    return _restore(x, single, first)


def _two_of(first, second, target, total, names, op):
    """The (before, after) amounts from exactly two of ``first``, ``second`` and ``target`` (the target size,
    which makes the two sum to ``total``)."""
    if sum(v is not None for v in (first, second, target)) != 2:
        raise ValueError(f"keras.ops.image.{op}: give exactly two of {', '.join(names)}; got "
                         f"{dict(zip(names, (first, second, target)))}.")
    if target is None:
        return first, second
    return (total - second, second) if first is None else (first, total - first)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """``images`` padded with zeros; each axis takes two of (before, after, target size)."""
    x, single, first = _batched(images, data_format, "pad_images")
    top, bottom = _two_of(top_padding, bottom_padding, target_height, (target_height or 0) - x.shape[1],
                          ("top_padding", "bottom_padding", "target_height"), "pad_images")
    left, right = _two_of(left_padding, right_padding, target_width, (target_width or 0) - x.shape[2],
                          ("left_padding", "right_padding", "target_width"), "pad_images")
    if min(top, bottom, left, right) < 0:
        raise ValueError(f"keras.ops.image.pad_images: the padding of images of shape {tuple(x.shape)} would be "
                         f"negative (top {top}, bottom {bottom}, left {left}, right {right}).")
    return _restore(pt.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]), single, first)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """``images`` cropped; each axis takes two of (before, after, target size)."""
    x, single, first = _batched(images, data_format, "crop_images")
    height, width = x.shape[1], x.shape[2]
    top, bottom = _two_of(top_cropping, bottom_cropping, target_height, height - (target_height or 0),
                          ("top_cropping", "bottom_cropping", "target_height"), "crop_images")
    left, right = _two_of(left_cropping, right_cropping, target_width, width - (target_width or 0),
                          ("left_cropping", "right_cropping", "target_width"), "crop_images")
    if min(top, bottom, left, right) < 0 or top + bottom >= height or left + right >= width:
        raise ValueError(f"keras.ops.image.crop_images: cannot crop top {top}, bottom {bottom}, left {left}, right "
                         f"{right} from images of shape {tuple(x.shape)}.")
    return _restore(x[:, top:height - bottom, left:width - right, :], single, first)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """The ``size`` patches of ``images`` every ``strides`` pixels, each flattened (row, column, channel) into
    the channel axis, as a convolution with a one-hot kernel."""
    x, single, first = _batched(images, data_format, "extract_patches")
    x = _float(x)
    ph, pw = (size, size) if isinstance(size, int) else size
    channels = x.shape[-1]
    eye = _np.eye(ph * pw * channels, dtype=x.dtype.name).reshape(ph, pw, channels, ph * pw * channels)
    out = conv(x, eye, strides=(ph, pw) if strides is None else strides, padding=padding,
               dilation_rate=dilation_rate)
    return _restore(out, single, first)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """``images`` convolved per channel ('same' padding) with a normalised Gaussian of ``sigma``."""
    x, single, first = _batched(images, data_format, "gaussian_blur")
    x = _float(x)

    def taps(n, s):
        t = _np.exp(-0.5 * ((_np.arange(n) - (n - 1) / 2) / s) ** 2)
        return t / t.sum()

    # Keras's order: the outer product of the y and x taps, read as (kernel_size[0], kernel_size[1]).
    kernel = _np.outer(taps(kernel_size[1], sigma[1]), taps(kernel_size[0], sigma[0]))
    kernel = kernel.reshape(kernel_size[0], kernel_size[1], 1, 1)
    kernel = _np.tile(kernel, (1, 1, x.shape[-1], 1)).astype(x.dtype.name)
    return _restore(depthwise_conv(x, kernel, padding="same"), single, first)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
