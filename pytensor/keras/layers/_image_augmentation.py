"""The base of Keras 3's image augmentation layers (RandomHue, Solarization, CutMix, ...): a training call draws
the random parameters (``_draw``) and applies them (``_apply``); an inference call returns the images unchanged.
Keeping the two apart lets the tests run ``_apply`` with fixed parameters against Keras's ``transform_images``."""
import pytensor as pt

from ._random_preprocessing import RandomImageLayer

__all__ = ["ImageAugmentation", "to_value_range", "check_value_range", "beta_sample"]


def check_value_range(layer, value_range):
    """Keras's ``value_range`` check: a pair of numbers, returned sorted."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': the `value_range` argument should be a list "
                         f"of two numbers (low, high). Received: value_range={value_range}")
    return sorted(value_range)


def to_value_range(images, source, target):
    """``images`` linearly mapped from the value range ``source`` to ``target`` (unchanged when they are equal)."""
    if tuple(source) == tuple(target):
        return images
    unit = (images - float(source[0])) / float(source[1] - source[0])
    return unit * float(target[1] - target[0]) + float(target[0])


def beta_sample(shape, alpha, seed, dtype=pt.float32):
    """Beta(alpha, alpha) draws from two gamma draws: ``X / (X + Y)``."""
    x = pt.random.gamma(shape, alpha, dtype=dtype, seed=seed)
    y = pt.random.gamma(shape, alpha, dtype=dtype, seed=None if seed is None else seed + 1)
    return x / (x + y)


class ImageAugmentation(RandomImageLayer):
    """Training: ``_apply(images, _draw(images))`` on a batch (a single image is batched and unbatched); inference
    (``training=False``): the images unchanged. Subclasses implement ``_draw(images)`` (a dict of parameters, one
    entry per image) and ``_apply(images, params)`` on channels_last batches; channels_first images are transposed
    to channels_last and back."""

    _transposes_channels_first = True

    def _draw(self, images):
        raise NotImplementedError

    def _apply(self, images, params):
        raise NotImplementedError

    def _transform(self, inputs):
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        outputs = self._apply(batched, self._draw(batched))
        return outputs if len(inputs.shape) == 4 else outputs[0]

    def _uniform(self, shape, low, high, dtype=pt.float32):
        return pt.random.uniform(shape, float(low), float(high), dtype=dtype, seed=self.seed)
