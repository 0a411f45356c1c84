"""``tf.keras``: layers, models, losses, metrics, optimizers, callbacks, datasets."""
from . import activations, initializers, regularizers, losses, metrics, optimizers, callbacks  # noqa: F401
from . import layers, models, backend, utils, datasets, preprocessing  # noqa: F401
from . import saving  # noqa: F401
from . import applications  # noqa: F401
from . import ops, random  # noqa: F401
from . import config  # noqa: F401
from . import mixed_precision  # noqa: F401
from .mixed_precision import DTypePolicy  # noqa: F401
from .variables import Variable  # noqa: F401
from .layers import Input, Layer  # noqa: F401
from .models import Model, Sequential  # noqa: F401


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
