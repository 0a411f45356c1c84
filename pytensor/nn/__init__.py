"""``tf.nn``: activations, softmax and cross-entropy, normalization, convolution, pooling, dropout.

Each part lives in its own module; this package re-exports their public names (``__all__``).
"""
from .._op_exports import exported_ops

globals().update(exported_ops("tf.nn"))  # the registry ops family files export to tf.nn
from ._activation import *  # noqa: F401,F403
from ._loss import *  # noqa: F401,F403
from ._normalization import *  # noqa: F401,F403
from ._conv import *  # noqa: F401,F403
from ._pool import *  # noqa: F401,F403
from ._extra import *  # noqa: F401,F403
from ._ctc import *  # noqa: F401,F403
from ._sampled import *  # noqa: F401,F403
from ._composed import *  # noqa: F401,F403
from . import _experimental as experimental  # noqa: F401  tf.nn.experimental
from ._fractional_pool import *  # noqa: F401,F403
from ..distribute._losses import compute_average_loss, scale_regularization_loss  # noqa: F401


def __getattr__(name):
    # the RNN cell wrappers are Keras layers: importing them loads Keras, so only on first use
    if name in ("RNNCellDropoutWrapper", "RNNCellResidualWrapper", "RNNCellDeviceWrapper"):
        from . import _rnn_cell_wrappers

        return getattr(_rnn_cell_wrappers, name)
    return _missing_hook(name)


from .._missing import missing_attribute_hook  # noqa: E402
_missing_hook = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
