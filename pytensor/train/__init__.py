"""``tf.train``: the TF1 optimizer names, the ``Example`` protocol buffers and ``Checkpoint``."""
from ._optimizers import *  # noqa: F401,F403
from ._example import *  # noqa: F401,F403
from ._checkpoint import *  # noqa: F401,F403
from ._moving_average import *  # noqa: F401,F403,E402  ExponentialMovingAverage, Coordinator, ClusterSpec
from ._sequence_example import *  # noqa: F401,F403,E402  SequenceExample, FeatureLists, FeatureList

from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
