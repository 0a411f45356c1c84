"""Input for strategies: ``InputContext`` and the distributed dataset (TF's auto-sharding)."""
import copy

import numpy as np

from .. import errors, nest

__all__ = ["InputContext", "InputReplicationMode", "ValueContext", "DistributedDataset", "split_batch"]


class InputReplicationMode:
    """``tf.distribute.InputReplicationMode``: one input pipeline per worker."""

    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputContext:
    """What ``distribute_datasets_from_function`` tells ``dataset_fn``: which of how many input pipelines this
    is, and how many replicas share each global batch.

    Example:
        >>> def dataset_fn(ctx):
        ...     batch = ctx.get_per_replica_batch_size(64)
        ...     return ds.shard(ctx.num_input_pipelines, ctx.input_pipeline_id).batch(batch)
    """

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = int(num_input_pipelines)
        self._input_pipeline_id = int(input_pipeline_id)
        self._num_replicas_in_sync = int(num_replicas_in_sync)

    @property
    def num_input_pipelines(self):
        return self._num_input_pipelines

    @property
    def input_pipeline_id(self):
        return self._input_pipeline_id

    @property
    def num_replicas_in_sync(self):
        return self._num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        """``global_batch_size`` divided by the number of replicas; it must divide evenly (as TF)."""
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(f"The `global_batch_size` {global_batch_size!r} is not divisible by "
                             f"`num_replicas_in_sync` {self._num_replicas_in_sync!r}")
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self):
        return (f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, total: "
                f"{self._num_input_pipelines})")


class ValueContext:
    """What ``experimental_distribute_values_from_function`` passes its function."""

    def __init__(self, replica_id_in_sync_group=0, num_replicas_in_sync=1):
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync


def split_batch(batch, rank, size):
    """This worker's rows of a global batch (every leaf sliced alike): the batch split as evenly as possible,
    the first ``len % size`` workers one row more (TF's rebatching)."""
    leaves = [leaf for leaf in nest.flatten(batch) if leaf is not None]
    if not leaves:
        return batch, 0, 0
    total = int(np.shape(leaves[0])[0])
    base, extra = divmod(total, size)
    start = rank * base + min(rank, extra)
    stop = start + base + (1 if rank < extra else 0)
    return nest.map_structure(lambda leaf: None if leaf is None else leaf[start:stop], batch), stop - start, total


def _policy(dataset):
    from ..data.options import AutoShardPolicy
    options = dataset.options() if hasattr(dataset, "options") else None
    policy = options.experimental_distribute.auto_shard_policy if options is not None else AutoShardPolicy.AUTO
    return AutoShardPolicy(policy)


def _chain(dataset):
    """The unary transformations from ``dataset`` down to its source (the source last)."""
    chain = [dataset]
    while hasattr(chain[-1], "_input"):
        chain.append(chain[-1]._input)
    return chain


def _shard_by_file(dataset, rank, size):
    """The pipeline rebuilt over this worker's files (every ``size``-th, from ``rank``), its batch divided by
    the number of workers; None when the source is not a list of at least ``size`` files."""
    from ..data.readers import _FileDataset
    chain = _chain(dataset)
    source = chain[-1]
    if not isinstance(source, _FileDataset) or len(source._files) < size:
        return None
    node = copy.copy(source)
    node._files = source._files[rank::size]
    for original in reversed(chain[:-1]):
        parent = copy.copy(original)
        parent._input = node
        if hasattr(parent, "_batch_size"):
            base, extra = divmod(parent._batch_size, size)
            parent._batch_size = base + (1 if rank < extra else 0)
        node = parent
    return node


class DistributedDataset:
    """A dataset as each worker iterates it under a strategy: its elements are this worker's part of each
    global batch (``AutoShardPolicy`` DATA, or AUTO when the source is not several files), the batches of its
    share of the files (FILE, or AUTO over files), or the whole dataset (OFF); ``distribute_datasets_from_function``
    gives elements that are already per worker."""

    _per_worker = True  # Keras's fit takes its batches as they are, without splitting them again

    def __init__(self, strategy, dataset, already_local=False):
        from ..data.options import AutoShardPolicy
        self._strategy = strategy
        self._dataset = dataset
        self._already_local = already_local
        rank, size = strategy._comm.rank, strategy._comm.size
        self._split = False
        if already_local or size == 1:
            self._local = dataset
            return
        policy = _policy(dataset)
        self._local = dataset
        if policy in (AutoShardPolicy.FILE, AutoShardPolicy.AUTO):
            sharded = _shard_by_file(dataset, rank, size)
            if sharded is not None:
                self._local = sharded
                return
            if policy is AutoShardPolicy.FILE:
                raise errors.InvalidArgumentError(
                    f"experimental_distribute_dataset: auto_shard_policy FILE needs a dataset read from files "
                    f"(TFRecordDataset, TextLineDataset, CsvDataset over at least {size} files, one worker each); "
                    f"this one has no such source. Set tf.data.experimental.AutoShardPolicy.DATA in "
                    f"options.experimental_distribute.auto_shard_policy to shard by element instead.")
        self._split = policy is not AutoShardPolicy.OFF

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        rank, size = self._strategy._comm.rank, self._strategy._comm.size
        for element in self._local:
            if self._split:
                element, count, total = split_batch(element, rank, size)
                if count == 0:
                    raise ValueError(f"experimental_distribute_dataset: a batch of {total} elements cannot give "
                                     f"each of the {size} workers one; batch the dataset with a global batch size "
                                     f">= {size} (and drop_remainder=True for the last batch).")
            yield element
