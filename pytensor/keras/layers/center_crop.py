"""Keras CenterCrop layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image, crop_to_aspect_ratio
from .layer import Layer

__all__ = ["CenterCrop"]


class CenterCrop(Layer):
    """The central ``height x width`` window of each image; an image smaller than that along either side is
    cropped to the target's aspect ratio and resized bilinearly instead, as Keras does.

    Example:
        >>> keras.layers.CenterCrop(2, 2)(tf.ones((1, 4, 5, 3))).shape
        TensorShape([1, 2, 2, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'")
        self.height, self.width = int(height), int(width)
        self.built = True

    def call(self, inputs):
        check_image(self, inputs)
        h_diff = int(inputs.shape[-3]) - self.height
        w_diff = int(inputs.shape[-2]) - self.width
        if h_diff < 0 or w_diff < 0:
            return pt.image.resize(crop_to_aspect_ratio(inputs, self.height, self.width), (self.height, self.width))
        return pt.image.crop_to_bounding_box(inputs, h_diff // 2, w_diff // 2, self.height, self.width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3:-1] = [self.height, self.width]
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return config
