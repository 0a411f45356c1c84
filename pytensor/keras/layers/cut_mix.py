"""Keras CutMix layer."""
import pytensor as pt

from ._image_augmentation import beta_sample
from ._preprocessing_utils import parse_factor
from .mix_up import MixUp
from .random_erasing import box_masks

__all__ = ["CutMix"]


class CutMix(MixUp):
    """In training pastes into each image of a batch a box cut from another (a random permutation): the box's
    sides are ``sqrt(1 - w)`` of the image's with ``w ~ Beta(a, a)``, ``a`` uniform in ``factor``; given
    ``{"images": ..., "labels": ...}`` the labels mix by the kept area, as Keras 3. A single image, or an
    inference call, is returned unchanged.

    Example:
        >>> keras.layers.CutMix(seed=1)(tf.ones((4, 8, 8, 3))).shape
        TensorShape([4, 8, 8, 3])
    """

    _config_attributes = ("factor", "seed")

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super(MixUp, self).__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))

    def _transform(self, inputs):
        return inputs if len(inputs.shape) == 3 else super()._transform(inputs)  # Keras: no mixing of one image

    def _draw(self, images):
        n, height, width, _ = (int(d) for d in images.shape)
        alpha = float(self._uniform((), *self.factor).numpy()) + 1e-6
        ratio = pt.sqrt(1.0 - beta_sample((n,), alpha, self.seed, images.dtype))

        def bounds(length):
            crop = ratio * length
            start = self._uniform((n,), 0, 1) * (length - crop)
            return start, start + crop
        x0, x1 = bounds(width)
        y0, y1 = bounds(height)
        return {"permutation_order": pt.random.shuffle(pt.range(n), seed=self.seed),
                "batch_masks": box_masks(images, x0, x1, y0, y1),
                "mix_weight": 1.0 - (x1 - x0) * (y1 - y0) / float(width * height)}

    def _apply(self, images, params):
        return pt.where(params["batch_masks"], pt.gather(images, params["permutation_order"]), images)
