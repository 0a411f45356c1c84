"""``keras.ops.image``: none of Keras 3's image ops (resize, affine_transform, crop_images …) exists in
pytensor's core yet; each name says so."""
from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
