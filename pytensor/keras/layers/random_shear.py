"""Keras RandomShear layer."""
import numpy as np

from ._image_augmentation import ImageAugmentation
from ._preprocessing_utils import affine_transform, check_transform_arguments

__all__ = ["RandomShear"]


def _shear_range(layer, factor, name):
    message = (f"RandomShear layer '{layer.name}': the `{name}` argument should be a number (or a list of two "
               f"numbers) in the range [0.0, 1.0]. Received: {name}={factor}")
    if isinstance(factor, (tuple, list)):  # a config's (-f, f) range is accepted back
        if len(factor) != 2 or any(not -1 <= f <= 1 for f in factor):
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
        return -abs(factor), abs(factor)
    raise ValueError(message)


class RandomShear(ImageAugmentation):
    """In training shears each image: output pixel ``(x, y)`` reads the input at ``(x + sx * y, sy * x + y)``
    with ``sx`` / ``sy`` drawn from ``x_factor`` / ``y_factor`` (both signs flipped together by a coin), filling
    outside pixels by ``fill_mode``, as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomShear(x_factor=0.3, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("x_factor", "y_factor", "interpolation", "fill_mode", "fill_value", "seed")

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = _shear_range(self, x_factor, "x_factor")
        self.y_factor = _shear_range(self, y_factor, "y_factor")
        check_transform_arguments(self, fill_mode, interpolation)
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def _draw(self, images):
        n = int(images.shape[0])
        sign = np.where(self._uniform((n, 1), 0, 1).numpy() > 0.5, -1.0, 1.0)
        shear_y = self._uniform((n, 1), *self.y_factor).numpy()
        shear_x = self._uniform((n, 1), *self.x_factor).numpy()
        return {"shear_factor": np.concatenate([shear_x, shear_y], axis=1) * sign}

    def _apply(self, images, params):
        shear = np.asarray(params["shear_factor"], np.float32)
        ones, zeros = np.ones(len(shear), np.float32), np.zeros(len(shear), np.float32)
        matrix = np.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], axis=1)
        return affine_transform(images, matrix, self.interpolation, self.fill_mode, self.fill_value)
