"""Keras Solarization layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range, to_value_range

__all__ = ["Solarization"]


def _factor_pair(layer, factor, name):
    message = (f"Solarization layer '{layer.name}': the `{name}` argument should be a number (or a list of two "
               f"numbers) in the range [0.0, 1.0]. Received: {name}={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or any(not 0 <= f <= 1 for f in factor):
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
        return 0, factor
    raise ValueError(message)


class Solarization(ImageAugmentation):
    """In training (images mapped from ``value_range`` to [0, 255]) adds ``a`` (uniform in
    ``[addition_factor[0], addition_factor[1] * 255]``), clips, and inverts (``255 - x``) every value at or above
    a threshold (uniform in ``[threshold_factor[0], threshold_factor[1] * 255]``), as Keras 3; otherwise the
    identity.

    Example:
        >>> keras.layers.Solarization(threshold_factor=0.5, seed=1)(tf.ones((2, 4, 4, 3)) * 200).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("value_range", "addition_factor", "threshold_factor", "seed")

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _factor_pair(self, addition_factor, "addition_factor")
        self.threshold_factor = _factor_pair(self, threshold_factor, "threshold_factor")
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        shape = (int(images.shape[0]), 1, 1, 1)
        return {"additions": self._uniform(shape, self.addition_factor[0], self.addition_factor[1] * 255),
                "thresholds": self._uniform(shape, self.threshold_factor[0], self.threshold_factor[1] * 255)}

    def _apply(self, images, params):
        values = to_value_range(images, self.value_range, (0, 255))
        values = pt.clip_by_value(values + pt.cast(params["additions"], values.dtype), 0.0, 255.0)
        values = pt.where(values < pt.cast(params["thresholds"], values.dtype), values, 255.0 - values)
        return to_value_range(values, (0, 255), self.value_range)
