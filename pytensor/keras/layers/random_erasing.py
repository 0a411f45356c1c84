"""Keras RandomErasing layer."""
import numpy as np

import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomErasing", "box_masks"]


def box_masks(images, x0, x1, y0, y1):
    """Boolean ``(batch, height, width, channels)`` masks, true inside each image's box ``[x0, x1) x [y0, y1)``
    (pixel centres on integer positions), as Keras's CutMix and RandomErasing draw them."""
    n, height, width, channels = (int(d) for d in images.shape)
    rows = pt.reshape(pt.cast(pt.range(height), pt.float32), (1, height, 1, 1))
    cols = pt.reshape(pt.cast(pt.range(width), pt.float32), (1, 1, width, 1))

    def edge(v):
        return pt.reshape(pt.cast(v, pt.float32), (-1, 1, 1, 1))
    inside = pt.logical_and(pt.logical_and(cols >= edge(x0), cols < edge(x1)),
                            pt.logical_and(rows >= edge(y0), rows < edge(y1)))
    return pt.broadcast_to(inside, (n, height, width, channels))


class RandomErasing(ImageAugmentation):
    """In training erases, with probability ``p`` (uniform in ``factor``), a random box of each image: its side
    ratios are ``sqrt`` of draws from ``scale`` and it is filled with ``fill_value`` (a number, three numbers, or
    by default Gaussian noise times ``value_range[1]``), clipped to ``value_range``, as Keras 3; otherwise the
    identity.

    Example:
        >>> keras.layers.RandomErasing(1.0, fill_value=0, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("factor", "scale", "fill_value", "value_range", "seed")

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.scale = parse_factor(self, scale, (0, 1))
        if fill_value is not None and not isinstance(fill_value, (int, float)) and \
                not (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3):
            raise ValueError(f"RandomErasing layer '{self.name}': the `fill_value` argument should be a number (or a "
                             f"list of three numbers). Received: fill_value={fill_value}")
        self.fill_value = fill_value
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        n, height, width, _ = (int(d) for d in images.shape)
        ratio = pt.sqrt(self._uniform((n, 2), *self.scale))

        def bounds(length, r):
            crop = r * length
            start = self._uniform((n,), 0, 1) * (length - crop)
            return start, start + crop
        x0, x1 = bounds(width, ratio[:, 0])
        y0, y1 = bounds(height, ratio[:, 1])
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,), 0, 1) < probability
        if self.fill_value is None:
            fill = pt.random.normal(tuple(images.shape), dtype=images.dtype, seed=self.seed) * self.value_range[1]
        else:
            fill = pt.broadcast_to(pt.constant(np.asarray(self.fill_value, images.dtype.as_numpy_dtype)),
                                   tuple(images.shape))
        fill = pt.clip_by_value(fill, float(self.value_range[0]), float(self.value_range[1]))
        return {"apply_erasing": apply, "batch_masks": box_masks(images, x0, x1, y0, y1), "fill_value": fill}

    def _apply(self, images, params):
        erased = pt.where(params["batch_masks"], pt.cast(params["fill_value"], images.dtype), images)
        return pt.where(pt.reshape(params["apply_erasing"], (-1, 1, 1, 1)), erased, images)
