"""Keras Resizing layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image, crop_to_aspect_ratio, pad_to_aspect_ratio
from .layer import Layer

__all__ = ["Resizing"]


class Resizing(Layer):
    """Resizes images to ``(height, width)`` with ``tf.image.resize`` (``"bilinear"`` or ``"nearest"``), after a
    central crop (``crop_to_aspect_ratio``) or a ``fill_value`` border (``pad_to_aspect_ratio``) that keeps the
    aspect ratio. Channels-last images, one (H, W, C) or a batch.

    Example:
        >>> keras.layers.Resizing(2, 3)(tf.ones((1, 4, 4, 3))).shape
        TensorShape([1, 2, 3, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'")
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"Resizing layer '{self.name}': interpolation {interpolation!r} is not supported here; "
                             f"use 'bilinear' or 'nearest'.")
        if antialias:
            raise ValueError(f"Resizing layer '{self.name}': antialias=True is not supported here; use "
                             f"antialias=False (Keras's default).")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"Resizing layer '{self.name}': only one of `crop_to_aspect_ratio` and "
                             f"`pad_to_aspect_ratio` can be True.")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = False
        self.built = True

    def call(self, inputs):
        check_image(self, inputs)
        if self.crop_to_aspect_ratio:
            inputs = crop_to_aspect_ratio(inputs, self.height, self.width)
        elif self.pad_to_aspect_ratio:
            inputs = pad_to_aspect_ratio(inputs, self.height, self.width, self.fill_value)
        return pt.image.resize(inputs, (self.height, self.width), method=self.interpolation)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3:-1] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "antialias": self.antialias, "data_format": self.data_format})
        return config
