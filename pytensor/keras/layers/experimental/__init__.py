"""tf.keras 2.x's ``keras.layers.experimental``: the preprocessing layers under their older home."""
from . import preprocessing  # noqa: F401
