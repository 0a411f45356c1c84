"""Keras Equalization layer."""
import numpy as np

import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range, to_value_range

__all__ = ["Equalization"]


class Equalization(ImageAugmentation):
    """Histogram equalization of each channel, as Keras 3: values (mapped from ``value_range`` to [0, 255]) are
    binned into ``bins`` bins (one histogram per channel over the whole batch, as Keras computes it) and replaced
    by ``round(255 * (cdf - cdf_min) / (cdf_max - cdf_min))`` of their bin; a channel with one occupied bin is left
    as it is. Applied in training calls (the default outside ``fit``), as Keras; inference returns the input.

    Example:
        >>> keras.layers.Equalization()(tf.constant([[[[0.0], [50.0]], [[100.0], [200.0]]]])).numpy().ravel()
        array([  0.,  85., 170., 255.], dtype=float32)
    """

    _config_attributes = ("bins", "value_range")

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        return {}

    def _equalize(self, channel):
        bins = self.bins
        indices = np.clip((channel * (bins - 1) / 255.0).astype(np.int32), 0, bins - 1)
        histogram = np.bincount(indices.reshape(-1), minlength=bins)
        if np.count_nonzero(histogram) <= 1:
            return channel
        cdf = np.cumsum(histogram)
        cdf_min = cdf[np.nonzero(cdf)[0][0]]
        denominator = cdf[-1] - cdf_min or 1
        lookup = np.clip(np.round((cdf - cdf_min) * 255.0 / denominator), 0, 255).astype(channel.dtype)
        return lookup[np.clip(channel / 255.0 * (bins - 1), 0, bins - 1).astype(np.int32)]

    def _apply(self, images, params):
        values = to_value_range(images, self.value_range, (0, 255)).numpy()
        equalized = np.stack([self._equalize(values[..., c]) for c in range(values.shape[-1])], axis=-1)
        return to_value_range(pt.constant(equalized.astype(values.dtype)), (0, 255), self.value_range)
