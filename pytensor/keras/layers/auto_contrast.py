"""Keras AutoContrast layer."""
import pytensor as pt

from ._image_augmentation import check_value_range, to_value_range
from ._preprocessing_utils import check_image
from .layer import Layer

__all__ = ["AutoContrast"]


class AutoContrast(Layer):
    """Stretches each image channel so its minimum maps to the bottom of ``value_range`` and its maximum to the top
    (a constant channel is left as it is), as Keras 3. Deterministic: training and inference calls agree.

    Example:
        >>> keras.layers.AutoContrast()(tf.constant([[[[50.0], [100.0]]]])).numpy().ravel()
        array([  0., 255.], dtype=float32)
    """

    _casts_integer_inputs = True

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range(self, value_range)
        self.built = True

    def call(self, inputs):
        check_image(self, inputs)
        images = to_value_range(inputs, self.value_range, (0, 255))
        low = pt.reduce_min(images, axis=(-3, -2), keepdims=True)
        high = pt.reduce_max(images, axis=(-3, -2), keepdims=True)
        scale = 255.0 / (high - low)
        stretched = to_value_range(pt.clip_by_value(images * scale - low * scale, 0.0, 255.0), (0, 255),
                                   self.value_range)
        return pt.where(pt.math.is_nan(stretched), inputs, stretched)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["value_range"] = self.value_range
        return config
