"""Keras RandomGaussianBlur layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomGaussianBlur"]


def _odd_sizes(layer, kernel_size):
    sizes = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if len(sizes) != 2 or any(not isinstance(k, int) or k % 2 == 0 or k < 1 for k in sizes):
        raise ValueError(f"RandomGaussianBlur layer '{layer.name}': kernel_size must be an odd number or a pair of "
                         f"odd numbers. Received: kernel_size={kernel_size}")
    return sizes


def gaussian_blur(images, kernel_size, sigma):
    """Keras's ``ops.image.gaussian_blur`` of a channels_last batch: a depthwise "same" convolution with the outer
    product of two normalized 1-D Gaussians of standard deviations ``sigma`` (a length-2 tensor)."""
    dtype = images.dtype

    def gaussian(size, s):
        x = pt.cast(pt.range(size), dtype) - (size - 1) / 2.0
        g = pt.exp(-0.5 * pt.square(x / s))
        return g / pt.reduce_sum(g)

    sigma = pt.cast(sigma, dtype)
    kernel = pt.tensordot(gaussian(kernel_size[1], sigma[1]), gaussian(kernel_size[0], sigma[0]), axes=0)
    kernel = pt.tile(pt.reshape(kernel, (kernel_size[0], kernel_size[1], 1, 1)), [1, 1, int(images.shape[-1]), 1])
    return pt.nn.depthwise_conv2d(images, kernel, [1, 1, 1, 1], "SAME")


class RandomGaussianBlur(ImageAugmentation):
    """In training blurs each image with probability ``p`` (uniform in ``factor``) by a Gaussian of
    ``kernel_size`` whose two standard deviations are drawn from ``sigma`` (one pair per batch), clipped to
    ``value_range``, as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomGaussianBlur(1.0, kernel_size=3, sigma=1.0, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("factor", "kernel_size", "sigma", "value_range", "seed")

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.kernel_size = _odd_sizes(self, kernel_size)
        self.sigma = parse_factor(self, sigma, (0, 1))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        batch = int(images.shape[0])
        probability = self._uniform((batch,), *self.factor)
        return {"should_apply_blur": self._uniform((batch,), 0, 1) < probability,
                "blur_factor": self._uniform((2,), *self.sigma) + 1e-6}

    def _apply(self, images, params):
        blurred = gaussian_blur(images, self.kernel_size, params["blur_factor"])
        images = pt.where(pt.reshape(params["should_apply_blur"], (-1, 1, 1, 1)), blurred, images)
        return pt.clip_by_value(images, float(self.value_range[0]), float(self.value_range[1]))
