"""``keras.utils.image_dataset_from_directory``: images decoded by Pillow (the ``pytensor-tf[image]`` extra),
resized with pytensor ops as ``tf.image.resize`` does."""
import numpy as np

import pytensor as pt

from .dataset_utils import directory_datasets
from .image_utils import pillow

__all__ = ["image_dataset_from_directory"]

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_MODES = {"rgb": ("RGB", 3), "rgba": ("RGBA", 4), "grayscale": ("L", 1)}
_INTERPOLATIONS = ("bilinear", "nearest")


def _resize_along(image, size, axis, interpolation):
    """``image`` resampled to ``size`` entries along ``axis`` with half-pixel centres (TF2's
    ``tf.image.resize``, no antialiasing): output i samples input position ``(i + 0.5) * scale - 0.5``;
    ``nearest`` takes the entry at ``floor((i + 0.5) * scale)``."""
    length = int(image.shape[axis])
    if length == size:
        return image
    scale = length / size
    if interpolation == "nearest":
        index = np.minimum(np.floor((np.arange(size) + 0.5) * scale), length - 1).astype(np.int32)
        return pt.gather(image, index, axis=axis)
    position = (np.arange(size) + 0.5) * scale - 0.5
    below = np.floor(position)
    shape = [1] * len(image.shape)
    shape[axis] = size
    weight = pt.constant((position - below).astype(np.float32).reshape(shape))
    low = pt.gather(image, np.clip(below, 0, length - 1).astype(np.int32), axis=axis)
    high = pt.gather(image, np.clip(below + 1, 0, length - 1).astype(np.int32), axis=axis)
    return low + weight * (high - low)


def load_image(path, image_size, color_mode, interpolation, crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """The image at ``path`` as a ``(height, width, channels)`` tensor of ``image_size`` (float32; uint8 for
    ``nearest``, as Keras). ``crop_to_aspect_ratio`` crops the largest centred box of the target's aspect ratio
    first (Keras's ``smart_resize``); ``pad_to_aspect_ratio`` resizes to fit inside the target and pads with
    zeros about the centre (``tf.image.resize_with_pad``)."""
    mode, _ = _MODES[color_mode]
    with pillow("image_dataset_from_directory").open(path) as file:
        pixels = np.asarray(file.convert(mode), dtype=np.float32)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    height, width = pixels.shape[:2]
    target_height, target_width = image_size
    if crop_to_aspect_ratio:
        crop_height = min(height, int(float(width * target_height) / target_width))
        crop_width = min(width, int(float(height * target_width) / target_height))
        top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
        pixels = pixels[top:top + crop_height, left:left + crop_width]
    pad = None
    if pad_to_aspect_ratio:
        ratio = max(width / target_width, height / target_height)
        target_height, target_width = int(height / ratio), int(width / ratio)
        pad = (max(0, int((image_size[0] - height / ratio) / 2)), max(0, int((image_size[1] - width / ratio) / 2)))
    image = pt.constant(np.ascontiguousarray(pixels))
    image = _resize_along(_resize_along(image, target_height, 0, interpolation), target_width, 1, interpolation)
    if pad is not None:
        image = pt.pad(image, [[pad[0], image_size[0] - target_height - pad[0]],
                               [pad[1], image_size[1] - target_width - pad[1]], [0, 0]])
    # Keras's nearest resizing keeps the decoded uint8 pixels; bilinear gives float32.
    return pt.cast(image, pt.uint8) if interpolation == "nearest" else image


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A ``tf.data.Dataset`` of the images under ``directory`` (``.bmp .gif .jpeg .jpg .png``), labelled by
    subfolder: ``main/class_a/*.png``, ``main/class_b/*.png`` give labels 0 and 1.

    The file order, the seeded shuffle of the file list and the validation split equal Keras's for the same
    ``seed`` (``dataset.file_paths`` lists them); the per-epoch shuffle of elements uses pytensor's own
    generator, so the order within an epoch differs from TensorFlow's.

    Example:
        >>> train, val = keras.utils.image_dataset_from_directory(
        ...     "flowers", image_size=(180, 180), validation_split=0.2, subset="both", seed=123)

    Args:
        directory: the folder with one subfolder per class (labels="inferred"), or the images themselves.
        labels: "inferred", None (images only) or a list of integer labels in the sorted file order.
        label_mode: "int" (int32), "categorical" (one-hot float32), "binary" (float32, shape (1,), exactly two
            classes) or None.
        class_names: the subfolders to use, in this label order (default: all, sorted).
        color_mode: "rgb", "rgba" or "grayscale" (1 channel).
        batch_size: images per batch; None for unbatched elements.
        image_size: ``(height, width)`` (or one int) every image is resized to.
        shuffle, seed: shuffle the files (seeded) and each epoch's elements.
        validation_split, subset: the fraction held out, and "training", "validation" or "both".
        interpolation: "bilinear" or "nearest" (TF2's ``tf.image.resize`` without antialiasing).
        crop_to_aspect_ratio / pad_to_aspect_ratio: crop or pad to the target's aspect ratio before resizing.
        data_format: "channels_last" (the only layout supported).
    """
    what = "image_dataset_from_directory"
    if color_mode not in _MODES:
        raise ValueError(f'{what}: `color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: '
                         f"color_mode={color_mode!r}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"{what}: invalid `image_size`; expected a tuple of 2 integers. Received: "
                         f"image_size={image_size!r}")
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{what}: `interpolation` must be one of {_INTERPOLATIONS} in pytensor (Keras's bicubic, "
                         f"area, lanczos and gaussian resizing are not built). Received: "
                         f"interpolation={interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(f"{what}: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{what}: only data_format='channels_last' is supported; received {data_format!r}.")
    pillow(what)
    image_size = (int(image_size[0]), int(image_size[1]))

    def load(path):
        return load_image(path, image_size, color_mode, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)

    return directory_datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                              validation_split, subset, follow_links, verbose, ALLOWLIST_FORMATS, load, what)
