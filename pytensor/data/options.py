"""``tf.data.Options``: the settings a dataset carries (``with_options``), of which the strategies read
``experimental_distribute.auto_shard_policy``; the others are accepted (this pipeline is always deterministic)."""
import enum
import types

__all__ = ["Options", "DistributeOptions", "AutoShardPolicy"]


class AutoShardPolicy(enum.IntEnum):
    """How a strategy splits a dataset over workers: OFF (each worker gets everything), AUTO (by file when the
    source is files, else by data), FILE (each worker its share of the files), DATA (each worker its share of
    every batch), HINT (as AUTO here)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class DistributeOptions:
    """``options.experimental_distribute``."""

    def __init__(self):
        self.auto_shard_policy = AutoShardPolicy.AUTO
        self.num_devices = None


class Options:
    """Settings for a dataset, attached with ``dataset.with_options(options)``.

    Example:
        >>> options = tf.data.Options()
        >>> options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
        >>> ds = ds.with_options(options)
    """

    _NAMES = ("experimental_distribute", "deterministic", "experimental_deterministic", "experimental_optimization",
              "experimental_slack", "threading", "experimental_threading", "autotune",
              "experimental_external_state_policy", "experimental_warm_start", "experimental_symbolic_checkpoint")

    def __init__(self):
        self.experimental_distribute = DistributeOptions()
        self.deterministic = None
        self.experimental_deterministic = None
        self.experimental_optimization = types.SimpleNamespace()
        self.threading = self.experimental_threading = types.SimpleNamespace()
        self.autotune = types.SimpleNamespace()
        self.experimental_slack = self.experimental_warm_start = self.experimental_symbolic_checkpoint = None
        self.experimental_external_state_policy = None

    def __setattr__(self, name, value):
        if name not in self._NAMES:
            raise AttributeError(f"tf.data.Options has no option {name!r}; the options are {list(self._NAMES)}.")
        object.__setattr__(self, name, value)
