"""``tf.train``: the TF1 optimizer names and the ``Example`` protocol buffers."""
from ._optimizers import *  # noqa: F401,F403
from ._example import *  # noqa: F401,F403
