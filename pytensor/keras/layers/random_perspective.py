"""Keras RandomPerspective layer."""
import numpy as np

import pytensor as pt

from ._image_augmentation import ImageAugmentation
from ._preprocessing_utils import affine_transform, parse_factor

__all__ = ["RandomPerspective", "homography"]


def homography(start_points, end_points):
    """Keras's ``compute_homography_matrix``: per image, the 8 projective-transform parameters ``[a0 a1 a2 b0 b1 b2
    c0 c1]`` mapping each of the 4 ``end_points`` (output pixels, ``(x, y)``) to its ``start_points`` (input)."""
    start, end = np.asarray(start_points, np.float64), np.asarray(end_points, np.float64)
    rows = []
    for i in range(4):
        (sx, sy), (ex, ey) = start[:, i].T, end[:, i].T
        zero, one = np.zeros_like(ex), np.ones_like(ex)
        rows.append(np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1))
        rows.append(np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1))
    return np.linalg.solve(np.stack(rows, axis=1), start.reshape(len(start), 8, 1))[..., 0]


class RandomPerspective(ImageAugmentation):
    """In training, with probability ``p`` (uniform in ``factor``), warps each image by the perspective transform
    that moves its four corners by up to ``scale / 2`` of their coordinates (outside pixels get ``fill_value``),
    as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomPerspective(1.0, scale=0.3, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])

    Raises:
        ValueError: for ``scale`` outside [0, 1] or a bad ``factor``.
        NotImplementedError: for an interpolation other than bilinear / nearest.
    """

    _config_attributes = ("factor", "scale", "interpolation", "fill_value", "seed")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        if not 0.0 <= scale <= 1.0:
            raise ValueError(f"RandomPerspective layer '{self.name}': the `scale` argument should be a number in the "
                             f"range [0,1]. Received: scale={scale}")
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"RandomPerspective layer '{self.name}': unknown `interpolation` "
                                      f"{interpolation}. Expected of one ('bilinear', 'nearest').")
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _draw(self, images):
        n, height, width, _ = (int(d) for d in images.shape)
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,), 0, 1) < probability
        offsets = self._uniform((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale).numpy()
        start = np.repeat(np.array([[[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]],
                                   np.float32), n, axis=0)
        return {"apply_perspective": apply, "start_points": start, "end_points": start + start * offsets}

    def _apply(self, images, params):
        transforms = homography(params["start_points"], params["end_points"]).astype(np.float32)
        warped = affine_transform(images, transforms, self.interpolation, "constant", self.fill_value)
        return pt.where(pt.reshape(params["apply_perspective"], (-1, 1, 1, 1)), warped, images)
