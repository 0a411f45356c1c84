"""The augmentation operations RandAugment and AugMix choose from, configured as Keras 3 configures them."""
from .auto_contrast import AutoContrast
from .equalization import Equalization
from .random_brightness import RandomBrightness
from .random_color_degeneration import RandomColorDegeneration
from .random_contrast import RandomContrast
from .random_posterization import RandomPosterization
from .random_rotation import RandomRotation
from .random_sharpness import RandomSharpness
from .random_shear import RandomShear
from .random_translation import RandomTranslation
from .solarization import Solarization

__all__ = ["augment_ops", "ALL_OPS", "BASIC_OPS"]

# AugMix's operations; with all_ops (and always in RandAugment) also the colour ones
BASIC_OPS = ("random_shear", "random_translation", "random_rotation", "random_posterization", "solarization",
             "auto_contrast", "equalization")
ALL_OPS = BASIC_OPS + ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


def augment_ops(factor, value_range, interpolation, seed, names=None):
    """``{name: layer}`` of the operations (all of them, or those in ``names``), each at strength ``factor`` (a
    ``(low, high)`` range) over ``value_range``; posterization keeps ``max(1, int(8 * high))`` bits at most."""
    makers = {
        "random_shear": lambda: RandomShear(factor, factor, interpolation=interpolation, seed=seed),
        "random_translation": lambda: RandomTranslation(factor, factor, interpolation=interpolation, seed=seed),
        "random_rotation": lambda: RandomRotation(factor, interpolation=interpolation, seed=seed),
        "random_brightness": lambda: RandomBrightness(factor, value_range=value_range, seed=seed),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, value_range=value_range, seed=seed),
        "random_contrast": lambda: RandomContrast(factor, value_range=value_range, seed=seed),
        "random_sharpness": lambda: RandomSharpness(factor, value_range=value_range, seed=seed),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])), value_range=value_range,
                                                            seed=seed),
        "solarization": lambda: Solarization(factor, factor, value_range=value_range, seed=seed),
        "auto_contrast": lambda: AutoContrast(value_range=value_range),
        "equalization": lambda: Equalization(value_range=value_range),
    }
    return {name: makers[name]() for name in (names or ALL_OPS)}
