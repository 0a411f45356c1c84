"""``tf.distribute``: data-parallel training over processes joined by MPI (mpi4py; ``pytensor-tf[mpi]``).

``MultiWorkerMirroredStrategy`` under ``mpirun -n N python train.py`` runs one replica per process; the default
strategy, ``MirroredStrategy`` and ``OneDeviceStrategy`` run one replica in this process, or, for
``MirroredStrategy(devices=[...])`` over logical CPUs (``tf.config.set_logical_device_configuration``), one replica
per device, one after another.

Example:
    >>> strategy = tf.distribute.MultiWorkerMirroredStrategy()
    >>> with strategy.scope():
    ...     model = tf.keras.Sequential([...])
    ...     model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    >>> model.fit(x, y, batch_size=128)   # 128 per step over all workers
"""
from ._context import get_strategy, has_strategy, replica_context as _replica_context
from ._input import InputContext, InputReplicationMode, ValueContext
from ._strategy import (MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy, ReduceOp, ReplicaContext,
                        Strategy, _experimental_namespace)

experimental = _experimental_namespace()

__all__ = ["get_strategy", "has_strategy", "in_cross_replica_context", "get_replica_context", "InputContext",
           "InputReplicationMode", "ValueContext", "MirroredStrategy", "MultiWorkerMirroredStrategy",
           "OneDeviceStrategy", "ReduceOp", "ReplicaContext", "Strategy", "experimental"]


def get_replica_context():
    """The replica context inside ``strategy.run`` (or outside any strategy, the default one's); None in a
    strategy's cross-replica context (inside its ``scope()``, outside ``run``), as TF."""
    context = _replica_context()
    if context is not None:
        return context
    return None if has_strategy() else ReplicaContext(get_strategy(), 0)


def in_cross_replica_context():
    """Whether this code runs inside a strategy's ``scope()`` but outside ``strategy.run``."""
    return has_strategy() and _replica_context() is None
