"""``keras.models``: ``Model`` and ``Sequential``."""
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
