"""``tf.summary.experimental``: the default step."""
from ._writer import get_step, set_step

__all__ = ["get_step", "set_step"]

from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
