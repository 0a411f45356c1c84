"""Keras AugMix layer."""
import pytensor as pt

from ._augment_ops import ALL_OPS, BASIC_OPS, augment_ops
from ._image_augmentation import ImageAugmentation, beta_sample, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["AugMix"]


class AugMix(ImageAugmentation):
    """AugMix (Hendrycks et al.), as Keras 3: in training, ``num_chains`` chains of up to ``chain_depth``
    operations each (every step picks one of the operations or none) augment copies of the batch; the chains are
    mixed with Dirichlet(``alpha``) weights and the result mixed with the original by a Beta(``alpha``, ``alpha``)
    weight, clipped to ``value_range``. ``all_ops=False`` leaves out brightness, colour degeneration, contrast and
    sharpness. Otherwise the identity.

    Example:
        >>> keras.layers.AugMix(seed=1)(tf.ones((2, 8, 8, 3)) * 100).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops", "interpolation",
                          "seed")

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range(self, value_range)
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = parse_factor(self, factor, (0, 1))
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._names = ALL_OPS if all_ops else BASIC_OPS
        self._ops = augment_ops(self.factor, self.value_range, interpolation, seed, self._names)

    def _draw(self, images):
        gammas = pt.random.gamma((self.num_chains,), self.alpha, dtype=images.dtype, seed=self.seed)
        picks = pt.random.uniform((self.num_chains, self.chain_depth), 0, len(self._names) + 1, dtype=pt.int32,
                                  seed=self.seed).numpy()
        return {"chain_mixing_weights": gammas / pt.reduce_sum(gammas),
                "weight_sample": beta_sample((), self.alpha, self.seed, images.dtype),
                "chains": [[self._names[i] for i in row if i < len(self._names)] for row in picks]}

    def _apply(self, images, params):
        weights = pt.cast(params["chain_mixing_weights"], images.dtype)
        mixed = None
        for index, chain in enumerate(params["chains"]):
            augmented = images
            for name in chain:
                augmented = self._ops[name](augmented, training=True)
            term = augmented * weights[index]
            mixed = term if mixed is None else mixed + term
        weight = pt.cast(params["weight_sample"], images.dtype)
        out = weight * images + (1.0 - weight) * (mixed if mixed is not None else pt.zeros_like(images))
        return pt.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))
