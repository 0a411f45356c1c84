"""Keras MixUp layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, beta_sample

__all__ = ["MixUp"]


class MixUp(ImageAugmentation):
    """In training mixes each image (and, given ``{"images": ..., "labels": ...}``, its one-hot label) with
    another of the batch: ``w * x + (1 - w) * x[perm]`` with ``w ~ Beta(alpha, alpha)`` per image and ``perm`` a
    random permutation of the batch, as Keras 3; otherwise the identity.

    Example:
        >>> out = keras.layers.MixUp(0.2, seed=1)({"images": tf.ones((4, 8, 8, 3)), "labels": tf.eye(4)})
        >>> out["images"].shape, out["labels"].shape
        (TensorShape([4, 8, 8, 3]), TensorShape([4, 4]))
    """

    _config_attributes = ("alpha", "seed")

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def _convert_input(self, x):
        if isinstance(x, dict):
            return {key: super(MixUp, self)._convert_input(value) for key, value in x.items()}
        return super()._convert_input(x)

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict):
            return super().call(inputs, training)
        if not training:
            return dict(inputs)
        images = self._to_channels_last(inputs["images"])
        batched = images if len(images.shape) == 4 else pt.expand_dims(images, 0)
        params = self._draw(batched)
        outputs = dict(inputs)
        mixed = self._apply(batched, params)
        outputs["images"] = self._to_data_format(mixed if len(images.shape) == 4 else mixed[0])
        if "labels" in inputs:
            outputs["labels"] = self._mix_labels(pt.cast(inputs["labels"], mixed.dtype), params)
        return outputs

    def _draw(self, images):
        n = int(images.shape[0])
        return {"permutation_order": pt.random.shuffle(pt.range(n), seed=self.seed),
                "mix_weight": beta_sample((n,), self.alpha, self.seed, images.dtype)}

    def _apply(self, images, params):
        weight = pt.reshape(pt.cast(params["mix_weight"], images.dtype), (-1, 1, 1, 1))
        return weight * images + (1.0 - weight) * pt.gather(images, params["permutation_order"])

    @staticmethod
    def _mix_labels(labels, params):
        weight = pt.reshape(pt.cast(params["mix_weight"], labels.dtype), (-1, 1))
        return weight * labels + (1.0 - weight) * pt.gather(labels, params["permutation_order"])

    def compute_output_shape(self, input_shape):
        return input_shape
