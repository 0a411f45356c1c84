"""``keras.utils.load_img`` / ``img_to_array`` / ``array_to_img`` / ``save_img``: PIL images and numpy arrays,
as Keras converts them (Pillow, the ``pytensor-tf[image]`` extra)."""
import io
import os
import warnings

import numpy as np

__all__ = ["load_img", "img_to_array", "array_to_img", "save_img"]

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pillow(what):
    """``PIL.Image``, or an ImportError naming the extra that installs it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{what} needs Pillow to read and write images: pip install 'pytensor-tf[image]' (or pip "
                          f"install Pillow).") from None
    return Image


def _channels_last(data_format, what):
    data_format = data_format or "channels_last"
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{what}: data_format must be 'channels_last' or 'channels_first'; received "
                         f"{data_format!r}.")
    return data_format == "channels_last"


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image file (a path or ``io.BytesIO``) as a PIL image.

    Example:
        >>> image = keras.utils.load_img("cat.jpg", target_size=(224, 224))
        >>> keras.utils.img_to_array(image).shape
        (224, 224, 3)

    Args:
        color_mode: "rgb", "rgba" or "grayscale" (8-bit, unless the file already has 16 / 32-bit grey levels).
        target_size: ``(height, width)`` to resize to, or None.
        interpolation: Pillow's "nearest", "bilinear", "bicubic", "hamming", "box" or "lanczos".
        keep_aspect_ratio: resize the largest centred crop with the target's aspect ratio.
    """
    image_module = pillow("load_img")
    if isinstance(path, io.BytesIO):
        image = image_module.open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as file:
            image = image_module.open(io.BytesIO(file.read()))
    else:
        raise TypeError(f"load_img: path should be path-like or io.BytesIO, not {type(path).__name__}.")
    modes = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}
    if color_mode not in modes:
        raise ValueError(f'load_img: color_mode must be "grayscale", "rgb", or "rgba"; received {color_mode!r}.')
    if image.mode not in modes[color_mode]:
        image = image.convert(modes[color_mode][0])
    if target_size is None or image.size == (target_size[1], target_size[0]):
        return image
    if interpolation not in _RESAMPLING:
        raise ValueError(f"load_img: invalid interpolation method {interpolation!r}; supported methods are "
                         f"{', '.join(_RESAMPLING)}.")
    resample = getattr(image_module.Resampling, interpolation.upper())
    target = (target_size[1], target_size[0])
    if not keep_aspect_ratio:
        return image.resize(target, resample)
    width, height = image.size
    crop_height = min(height, (width * target_size[0]) // target_size[1])
    crop_width = min(width, (height * target_size[1]) // target_size[0])
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return image.resize(target, resample, box=[left, top, left + crop_width, top + crop_height])


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a float32 (or ``dtype``) array: ``(height, width, channels)``, a grey image with one
    channel (``channels_first``: channels before height)."""
    channels_last = _channels_last(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        return x.reshape(x.shape + (1,) if channels_last else (1,) + x.shape)
    if x.ndim != 3:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}; expected (height, width[, channels]).")
    return x if channels_last else x.transpose(2, 0, 1)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A rank-3 array (1, 3 or 4 channels) as a PIL image; ``scale`` maps its range onto 0..255 first."""
    image_module = pillow("array_to_img")
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected an image array of rank 3 (a single image); got shape {x.shape}.")
    if not _channels_last(data_format, "array_to_img"):
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        if np.max(x) != 0:
            x /= np.max(x)
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit grey levels
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: unsupported number of channels {channels}; expected 1, 3 or 4.")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes an image array to ``path`` (format from the suffix unless ``file_format``); RGBA saved as JPEG
    drops its alpha channel, with a warning."""
    if file_format is None and isinstance(path, (str, os.PathLike)):
        file_format = os.path.splitext(os.fspath(path))[1][1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        image = image.convert("RGB")
    image.save(path, format=file_format, **kwargs)
