"""Keras RandomCrop layer."""
import pytensor as pt

from ._preprocessing_utils import aspect_ratio_window
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomCrop"]


class RandomCrop(RandomImageLayer):
    """In training crops a ``height x width`` window at a random offset (one offset for the batch, as Keras 3); an
    image not larger than that along both sides is cut from the offset of its central window of the target's aspect
    ratio and resized instead. At inference the images pass unchanged, as in Keras 3.

    Example:
        >>> keras.layers.RandomCrop(4, 4, seed=1)(tf.ones((2, 6, 8, 3)), training=True).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("data_format", "height", "width", "seed")

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = int(height), int(width)

    def _transform(self, inputs):
        in_height, in_width = int(inputs.shape[-3]), int(inputs.shape[-2])
        if in_height > self.height and in_width > self.width:
            top = int(pt.random.uniform((), 0, float(in_height - self.height + 1), seed=self.seed).numpy())
            left = int(pt.random.uniform((), 0, float(in_width - self.width + 1), seed=self.seed).numpy())
        else:
            # Keras 3 takes the offsets of the central aspect-ratio window but slices a target-sized one (cut
            # short by the border), then resizes.
            top, left = aspect_ratio_window(in_height, in_width, self.height, self.width)[:2]
        window = [slice(top, top + self.height), slice(left, left + self.width), slice(None)]
        cropped = inputs[tuple(window if len(inputs.shape) == 3 else [slice(None)] + window)]
        if tuple(cropped.shape[-3:-1]) == (self.height, self.width):
            return cropped
        return pt.image.resize(cropped, (self.height, self.width))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3:-1] = [self.height, self.width]
        return tuple(shape)
