"""Keras RandomElasticTransform layer."""
import itertools

import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor
from .random_gaussian_blur import gaussian_blur

__all__ = ["RandomElasticTransform", "map_coordinates"]

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def _boundary(index, size, fill_mode):
    """Keras's ``map_coordinates`` index handling: ``(index, valid)`` with the index brought inside ``[0, size)``."""
    if fill_mode == "constant":
        valid = pt.logical_and(index >= 0, index < size)
        return pt.clip_by_value(index, 0, size - 1), valid
    if fill_mode == "nearest":
        return pt.clip_by_value(index, 0, size - 1), None
    if fill_mode == "wrap":
        return pt.math.floormod(index, size), None
    # mirror the absolute index in a period of 2 * size; reflect repeats the edge pixel
    mod = pt.math.floormod(pt.abs(index), 2 * size)
    under = mod < size
    index = pt.where(under, mod, 2 * size - mod)
    return (pt.where(under, index, index - 1) if fill_mode == "reflect" else index), None


def map_coordinates(image, rows, cols, order=1, fill_mode="constant", fill_value=0.0):
    """Keras's ``ops.image.map_coordinates`` of a 2-D ``image`` (or ``(height, width, channels)``, every channel at
    the same points) at float ``rows`` / ``cols`` of one shape: ``order`` 0 (nearest, rounding half to even) or 1
    (linear); points outside follow ``fill_mode``. Differentiable in ``image``."""
    height, width = int(image.shape[0]), int(image.shape[1])
    flat = pt.reshape(image, [height * width, -1])

    def nodes(coordinate):
        if order == 0:
            return [(pt.cast(pt.round(coordinate), pt.int32), None)]
        lower = pt.floor(coordinate)
        upper_weight = coordinate - lower
        index = pt.cast(lower, pt.int32)
        return [(index, 1.0 - upper_weight), (index + 1, upper_weight)]

    out = None
    for (row, row_weight), (col, col_weight) in itertools.product(nodes(rows), nodes(cols)):
        row, row_valid = _boundary(row, height, fill_mode)
        col, col_valid = _boundary(col, width, fill_mode)
        values = pt.reshape(pt.gather(flat, pt.reshape(row * width + col, [-1])),
                            list(rows.shape) + [int(flat.shape[-1])])
        if fill_mode == "constant":
            valid = pt.expand_dims(pt.logical_and(row_valid, col_valid), -1)
            values = pt.where(valid, values, pt.cast(pt.fill([1], fill_value), values.dtype))
        weight = None
        for w in (row_weight, col_weight):
            if w is not None:
                weight = w if weight is None else weight * w
        term = values if weight is None else values * pt.expand_dims(pt.cast(weight, values.dtype), -1)
        out = term if out is None else out + term
    return out if len(image.shape) == 3 else out[..., 0]


class RandomElasticTransform(ImageAugmentation):
    """In training, with probability ``p`` (uniform in ``factor``), displaces each pixel by Gaussian-smoothed
    noise, as Keras 3: with ``d`` uniform in ``scale``, ``alpha = 0.1 d max(h, w)`` and ``sigma = 0.05 d min(h, w)``,
    the noise (``sigma`` times a standard normal field, the same field for both axes as Keras draws it) is blurred
    by a Gaussian of ``sigma`` over a ``6 int(sigma) | 1`` kernel, and output ``(y, x)`` samples the input at
    ``(y + alpha d_y, x + alpha d_x)`` with ``fill_mode``; clipped to ``value_range``. Otherwise the identity.

    Example:
        >>> keras.layers.RandomElasticTransform(1.0, scale=0.5, seed=1)(tf.ones((2, 16, 16, 3))).shape
        TensorShape([2, 16, 16, 3])
    """

    _config_attributes = ("factor", "scale", "interpolation", "fill_mode", "fill_value", "value_range", "seed")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.scale = parse_factor(self, scale, (0, 1))
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"RandomElasticTransform layer '{self.name}': unknown `interpolation` "
                                      f"{interpolation}. Expected of one ('nearest', 'bilinear').")
        if fill_mode not in _FILL_MODES:
            raise NotImplementedError(f"RandomElasticTransform layer '{self.name}': unknown `fill_mode` {fill_mode}. "
                                      f"Expected of one {_FILL_MODES}.")
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        n, height, width, _ = (int(d) for d in images.shape)
        probability = self._uniform((n,), *self.factor)
        return {"apply_transform": self._uniform((n,), 0, 1) < probability,
                "distortion_factor": float(self._uniform((), *self.scale).numpy()),
                "noise": pt.random.normal((n, height, width), dtype=images.dtype, seed=self.seed)}

    def _apply(self, images, params):
        n, height, width, _ = (int(d) for d in images.shape)
        factor = params["distortion_factor"]
        if factor == 0:
            return images
        alpha, sigma = max(height, width) * 0.1 * factor, min(height, width) * 0.05 * factor
        size = 6 * int(sigma) | 1
        noise = pt.expand_dims(pt.cast(params["noise"], images.dtype) * sigma, -1)
        displacement = alpha * gaussian_blur(noise, (size, size), pt.constant([sigma, sigma]))[..., 0]
        rows = pt.reshape(pt.cast(pt.range(height), images.dtype), (1, height, 1)) + displacement
        cols = pt.reshape(pt.cast(pt.range(width), images.dtype), (1, 1, width)) + displacement
        order = 1 if self.interpolation == "bilinear" else 0
        warped = pt.stack([map_coordinates(images[b], rows[b], cols[b], order, self.fill_mode, self.fill_value)
                           for b in range(n)])
        images = pt.where(pt.reshape(params["apply_transform"], (-1, 1, 1, 1)), warped, images)
        return pt.clip_by_value(images, float(self.value_range[0]), float(self.value_range[1]))
