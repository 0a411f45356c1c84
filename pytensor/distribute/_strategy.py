"""``tf.distribute`` strategies: data parallelism with one replica per process, workers joined by MPI, and
``MirroredStrategy`` over several logical CPU devices of this process (``tf.config.set_logical_device_configuration``)
running its replicas one after another."""
import contextlib
import enum
import os
import re
import time
import weakref
import zlib

import numpy as np

from .. import _core, nest
from . import _context
from ._comm import LocalComm, MPIComm

__all__ = ["ReduceOp", "Strategy", "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy",
           "ReplicaContext", "CommunicationImplementation", "CommunicationOptions", "PerReplica"]

_DEFAULT_BUCKET_BYTES = 25 * 2 ** 20  # PyTorch DDP's default bucket (25 MB)
# A gradient this large travels alone, from its own memory: copying it into a bucket would cost more (~80 us a MB)
# than the latency of one more message.
_ALONE_BYTES = 2 ** 20


class ReduceOp(enum.Enum):
    """How ``Strategy.reduce`` combines the replicas' values."""

    SUM = "SUM"
    MEAN = "MEAN"


def _reduce_op(reduce_op):
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    if isinstance(reduce_op, str) and reduce_op.upper() in ("SUM", "MEAN"):
        return ReduceOp[reduce_op.upper()]
    raise ValueError(f"Strategy.reduce: reduce_op must be tf.distribute.ReduceOp.SUM or MEAN (or 'SUM' / 'MEAN'); "
                     f"got {reduce_op!r}.")


class CommunicationImplementation(enum.Enum):
    """``tf.distribute.experimental.CommunicationImplementation``: collectives here are always MPI's."""

    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """``tf.distribute.experimental.CommunicationOptions``. ``bytes_per_pack`` is the gradient bucket size (0:
    25 MB); ``timeout_seconds`` and ``implementation`` are accepted and not used (MPI picks its algorithms; a
    failed worker aborts the job instead of timing out)."""

    def __init__(self, bytes_per_pack=0, timeout_seconds=None, implementation=CommunicationImplementation.AUTO):
        if int(bytes_per_pack) < 0:
            raise ValueError(f"CommunicationOptions: bytes_per_pack must be >= 0 (0 picks the default); got "
                             f"{bytes_per_pack}.")
        self.bytes_per_pack = int(bytes_per_pack)
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation


def _as_tensor(array):
    """A tensor over ``array``'s memory (DLPack: no copy); the array is ours and never written again."""
    flags = array.flags
    return _core.from_dlpack(array if flags.c_contiguous and flags.writeable else array.copy())


def _unpacked(recv, shapes):
    """Views of a bucket's receive buffer, one per member, of the members' shapes."""
    if len(shapes) == 1:
        return [recv.reshape(shapes[0])]
    views, offset = [], 0
    for shape in shapes:
        n = int(np.prod(shape, dtype=np.int64))
        views.append(recv[offset:offset + n].reshape(shape))
        offset += n
    return views


class _BucketedAllReduce:
    """Sums lists of tensors over the workers in buckets of at most ``bucket_bytes``, each started with MPI's
    nonblocking ``Iallreduce`` as soon as it is filled, walking the list from the end (the order in which the
    backward sweep produces the gradients of a model's variables), then waits for all of them; a single bucket
    goes through the blocking ``Allreduce``. ``overlapped`` / ``collect`` do the same for gradients fed one at a
    time by the tape's backward sweep, so that the buckets travel while the sweep goes on.

    A bucket of one tensor is sent from the tensor's own memory (no copy); several are packed into the receive
    buffer and reduced there in place (``MPI_IN_PLACE``). The results are views of the receive buffers.
    ``wait_seconds`` accumulates the time blocked in the final wait (what a step loses to communication)."""

    def __init__(self, comm, bucket_bytes):
        self.comm = comm
        self.bucket_bytes = int(bucket_bytes) or _DEFAULT_BUCKET_BYTES
        self.wait_seconds = 0.0  # blocked in the final wait, summed over calls
        self.call_seconds = 0.0  # in the whole call (signature check, packing, waiting, unpacking)
        self.calls = 0
        self.overlapped_calls = 0  # of those, the ones whose buckets the backward sweep started
        self._checked = None  # the shapes and dtypes last found equal on every worker
        self._buffers = {}  # (bucket index, size, dtype) -> receive buffer kept from step to step
        self._views = {}  # id(kept receive buffer) -> (it, member shapes, the tensors that view it)
        self._plan_of = None, None  # (signature, its bucket plan) of the last call
        self._overlapped = None  # the _OverlappedReduction that GradientTape's sweep is feeding, until collected

    def __call__(self, tensors, reuse_buffers=False):
        """The tensors summed over the workers. With ``reuse_buffers`` the results live in buffers that the
        next call overwrites (the optimizer's use: its gradients never outlive ``apply_gradients``); without,
        in fresh memory."""
        self._reuse = reuse_buffers
        entered = time.perf_counter()
        arrays = [np.asarray(t.numpy() if hasattr(t, "numpy") else t) for t in map(_dense, tensors)]
        signature = [(a.shape, a.dtype.str) for a in arrays]
        if signature != self._checked:
            self._check_same_on_all_workers(signature)
        # The plan depends only on the signature: kept from call to call (per-call Python time is what a small
        # all-reduce loses against mpi4py's raw call).
        if self._plan_of[0] != signature:
            self._plan_of = signature, self._plan(arrays)
        plan = self._plan_of[1]
        # One bucket has nothing to overlap with: MPI's blocking all-reduce is then the faster algorithm.
        pending = [self._start(members, arrays, index, blocking=len(plan) == 1) for index, members in enumerate(plan)]
        if len(plan) > 1:
            start = time.perf_counter()
            self.comm.wait([request for request, _, _, _ in pending])
            self.wait_seconds += time.perf_counter() - start
        self.calls += 1
        out = [None] * len(arrays)
        for _, _, recv, members in pending:
            for i, tensor in zip(members, self._results(recv, members, arrays)):
                out[i] = tensor
        self.call_seconds += time.perf_counter() - entered
        return out

    def overlapped(self, variables):
        """The gradient-ready callback for one ``GradientTape.gradient`` call with respect to ``variables``: it
        starts each bucket's all-reduce while the backward sweep goes on; ``collect`` then returns the sums."""
        self.drain()
        self._check_same_on_all_workers([(tuple(v.shape), np.dtype(v.dtype.as_numpy_dtype).str) for v in variables])
        self._reuse = True
        self._overlapped = _OverlappedReduction(self, len(variables))
        return self._overlapped

    def collect(self, grads):
        """The sums of ``grads`` if they are exactly the gradients the last overlapped reduction was fed (the
        same objects, as ``tape.gradient`` returned them), else None (that reduction is then waited for and
        dropped: every worker started it alike)."""
        reduction, self._overlapped = self._overlapped, None
        if reduction is None:
            return None
        entered = time.perf_counter()
        wanted = [reduction.index_of.get(id(g)) for g in grads]
        complete = reduction.remaining == 0 and None not in wanted and len(set(wanted)) == len(reduction.index_of)
        start = time.perf_counter()
        self.comm.wait([request for request, _, _, _ in reduction.pending])
        self.wait_seconds += time.perf_counter() - start
        if not complete:
            return None
        summed = {}
        for _, _, recv, members in reduction.pending:
            summed.update(zip(members, self._results(recv, members, reduction.arrays)))
        out = [summed[i] for i in wanted]
        self.calls += 1
        self.overlapped_calls += 1
        self.call_seconds += reduction.seconds + time.perf_counter() - entered
        return out

    def drain(self):
        """Waits for an overlapped reduction nobody collected (its gradients were changed or dropped)."""
        self.collect(())

    def _plan(self, arrays):
        """Buckets of tensor indices, from the last tensor to the first, each at most ``bucket_bytes`` and of one
        dtype; a tensor of ``_ALONE_BYTES`` or more (or larger than a bucket) alone."""
        plan, bucket, size = [], [], 0
        for i in reversed(range(len(arrays))):
            a = arrays[i]
            if a.nbytes >= min(_ALONE_BYTES, self.bucket_bytes):
                plan.append([i])
                continue
            if bucket and (a.dtype != arrays[bucket[0]].dtype or size + a.nbytes > self.bucket_bytes):
                plan.append(bucket)
                bucket, size = [], 0
            bucket.append(i)
            size += a.nbytes
        return plan + [bucket] if bucket else plan

    def _results(self, recv, members, arrays):
        """A bucket's sums: tensors that view its receive buffer (DLPack, no copy). Those of a kept buffer are made
        once and returned again while the shapes stay: each call overwrites what they view anyway, and making and
        freeing them cost 3-5 % of a 1 MB all-reduce."""
        shapes = [arrays[i].shape for i in members]
        cached = self._views.get(id(recv))
        if cached is not None and cached[0] is recv and cached[1] == shapes:
            return cached[2]
        tensors = [_core.from_dlpack(view) for view in _unpacked(recv, shapes)]
        if self._reuse:
            self._views[id(recv)] = recv, shapes, tensors
        return tensors

    def _start(self, members, arrays, index, blocking):
        """Starts all-reducing one bucket: a lone tensor straight from its own memory into the receive buffer;
        several packed into the receive buffer and reduced there in place (one buffer, not two).
        Returns (request or None once done, the buffer MPI reads, the receive buffer, members)."""
        first = arrays[members[0]]
        count = first.size if len(members) == 1 else sum(arrays[i].size for i in members)
        key = (index, count, first.dtype.str)
        recv = self._buffers.get(key) if self._reuse else None
        if recv is None:
            recv = np.empty(count, first.dtype)
            if self._reuse:
                self._buffers[key] = recv
        if len(members) == 1:
            # The tensor's own memory (read only: never reduced in place; nor a strided one's copy, so that every
            # worker makes the same call, as MPI_IN_PLACE requires).
            send = first if first.flags.c_contiguous else np.ascontiguousarray(first)
        else:
            np.concatenate([arrays[i].reshape(-1) for i in members], out=recv)
            send = None
        if blocking:
            start = time.perf_counter()
            self.comm.allreduce_sum_into(send, recv)
            self.wait_seconds += time.perf_counter() - start
            return None, send, recv, members
        # The send buffer is held until the wait: MPI reads it while the reduction is in flight.
        return self.comm.iallreduce_sum(send, recv), send, recv, members

    def _check_same_on_all_workers(self, signature):
        """Every worker must reduce the same shapes and dtypes, or the bucketed reduction would mix unrelated bytes
        (or hang): checked with one small collective at the first call and whenever the shapes change (as they
        change on every worker alike in a correct program). A mismatch raises on every worker, naming the ranks."""
        if signature == self._checked:
            return
        digest = zlib.crc32(repr(signature).encode())
        largest, negated_smallest = self.comm.allreduce_max(np.array([digest, -digest], np.int64))
        if largest == -negated_smallest:
            self._checked = signature
            return
        signatures = self.comm.allgather(signature)
        differing = [r for r, s in enumerate(signatures) if s != signatures[0]]
        raise ValueError(f"MultiWorkerMirroredStrategy: the workers all-reduce different gradients, so the models "
                         f"differ between workers: rank 0 has {len(signatures[0])} tensors of shapes "
                         f"{[s[0] for s in signatures[0]]}, rank {differing[0]} has {len(signatures[differing[0]])} "
                         f"of shapes {[s[0] for s in signatures[differing[0]]]}. Build the same model (same layers, "
                         f"same shapes) on every worker.")


def _dense(gradient):
    """A gradient as a tensor the workers sum: an IndexedSlices as its dense tensor (its rows summed)."""
    return gradient.to_dense() if type(gradient).__name__ == "IndexedSlices" else gradient


class _OverlappedReduction:
    """GradientTape's gradient-ready callback for one sweep: it adds each gradient to the open bucket in the order
    the sweep finishes them (the same on every worker), starts the bucket's ``Iallreduce`` once the next gradient
    would overflow it (or differs in dtype), a gradient of ``_ALONE_BYTES`` or more at once on its own, and the
    last bucket once every source has been seen. Between starts
    it lets MPI progress the buckets in flight. A reduction that ends up as one bucket uses the blocking
    ``Allreduce`` (nothing to overlap with)."""

    def __init__(self, reducer, count):
        self.reducer = reducer
        self.remaining = count  # sources not yet final
        self.arrays = {}  # source index -> gradient as an array
        self.index_of = {}  # id(gradient) -> source index
        self.kept = []  # the gradients themselves, so that their ids stay theirs
        self.bucket, self.bucket_size = [], 0
        self.pending = []  # (request, send, recv, members) as _BucketedAllReduce._start returns them
        self.seconds = 0.0  # spent in this callback

    def __call__(self, index, grad):
        entered = time.perf_counter()
        self.remaining -= 1
        if grad is not None:
            array = np.asarray(_dense(grad).numpy())
            self.arrays[index] = array
            self.index_of[id(grad)] = index
            self.kept.append(grad)
            if array.nbytes >= min(_ALONE_BYTES, self.reducer.bucket_bytes):
                self._start([index], blocking=self.remaining == 0 and not self.pending and not self.bucket)
            else:
                first = self.arrays[self.bucket[0]] if self.bucket else None
                if first is not None and (array.dtype != first.dtype or
                                          self.bucket_size + array.nbytes > self.reducer.bucket_bytes):
                    self._start(self.bucket, blocking=False)
                    self.bucket, self.bucket_size = [], 0
                self.bucket.append(index)
                self.bucket_size += array.nbytes
        if self.remaining == 0 and self.bucket:
            self._start(self.bucket, blocking=not self.pending)
            self.bucket, self.bucket_size = [], 0
        elif self.pending:
            self.reducer.comm.progress([request for request, _, _, _ in self.pending])
        self.seconds += time.perf_counter() - entered

    def _start(self, members, blocking):
        self.pending.append(self.reducer._start(members, self.arrays, len(self.pending), blocking))


class _VariableSet:
    """Variables by identity, held weakly (variables are unhashable, as TF's)."""

    def __init__(self):
        self._refs = {}

    def add(self, variable):
        key = id(variable)
        self._refs[key] = weakref.ref(variable, lambda _, key=key: self._refs.pop(key, None))

    def __contains__(self, variable):
        ref = self._refs.get(id(variable))
        return ref is not None and ref() is variable


class ReplicaContext:
    """``tf.distribute.get_replica_context()`` inside ``strategy.run``: this worker's replica."""

    def __init__(self, strategy, replica_id):
        self.strategy = strategy
        self.replica_id_in_sync_group = replica_id

    @property
    def num_replicas_in_sync(self):
        return self.strategy.num_replicas_in_sync

    def all_reduce(self, reduce_op, value, options=None):
        """The value summed (or averaged) over the replicas; nested structures too."""
        return nest.map_structure(lambda v: self.strategy._all_reduce(_reduce_op(reduce_op), v, None), value)


class _ClusterResolver:
    """The part of ``strategy.cluster_resolver`` user code reads: this worker's task."""

    def __init__(self, rank, size):
        self.task_type, self.task_id, self.num_workers = "worker", rank, size
        self.rpc_layer = "mpi"

    def cluster_spec(self):
        return {"worker": [f"rank{r}" for r in range(self.num_workers)]}


class Strategy:
    """Data parallelism: every worker runs the same program on its share of each global batch; variables
    created under ``scope()`` start equal (the chief's values) and stay equal because every update uses the
    gradients summed over the workers."""

    _live = weakref.WeakSet()

    def __init__(self, comm, communication_options=None):
        self._comm = comm
        options = communication_options or CommunicationOptions()
        self._reducer = _BucketedAllReduce(comm, options.bytes_per_pack)
        self._overlap = True  # start the gradient all-reduce during the backward sweep (False: after it; to compare)
        self._mirrored = _VariableSet()
        self.cluster_resolver = _ClusterResolver(comm.rank, comm.size)
        Strategy._live.add(self)

    def __repr__(self):
        return f"<tf.distribute.{type(self).__name__} with {self.num_replicas_in_sync} replica(s)>"

    @property
    def num_replicas_in_sync(self):
        """The number of replicas (workers) that each global batch is split over."""
        return self._comm.size

    @property
    def _is_chief(self):
        return self._comm.rank == 0

    @property
    def extended(self):
        return self

    @property
    def should_checkpoint(self):
        return self._is_chief

    should_save_summary = should_checkpoint

    # ---- scope and variables ----
    @contextlib.contextmanager
    def scope(self):
        """Variables (layers, models, optimizers) created inside are mirrored: equal on every worker."""
        _context.enter_scope(self)
        try:
            yield self
        finally:
            _context.exit_scope()

    def _mirror_variable(self, variable):
        self._mirrored.add(variable)
        if self._comm.size > 1:
            value = np.array(variable.numpy(), order="C", copy=True)
            variable.assign(self._comm.bcast(value))

    def _owns(self, variable):
        return variable in self._mirrored

    def _check_variables(self, variables):
        """TF's error for variables made outside the scope and updated by an optimizer made inside it."""
        for variable in variables:
            if variable not in self._mirrored:
                raise ValueError(f"Variable {variable.name} was not created in the distribution strategy scope of "
                                 f"({self!r}). It is most likely because some layers, model, or optimizer was "
                                 f"being created outside the distribution strategy scope. Try to make sure your "
                                 f"code looks similar to the following.\nwith strategy.scope():\n"
                                 f"  model=_create_model()\n  model.compile(...)")

    # ---- running and reducing ----
    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs ``fn(*args, **kwargs)`` as this worker's replica; returns its (per-replica) result."""
        previous = _context.replica_context()
        _context.set_replica_context(ReplicaContext(self, self._comm.rank))
        try:
            with self.scope() if _context.get_strategy() is not self else contextlib.nullcontext():
                return fn(*args, **(kwargs or {}))
        finally:
            _context.set_replica_context(previous)

    def reduce(self, reduce_op, value, axis=None):
        """Combines the replicas' values: SUM or MEAN over the workers and, with ``axis``, over that axis too
        (MEAN then divides by the global number of elements along the axis)."""
        op = _reduce_op(reduce_op)
        return nest.map_structure(lambda v: self._all_reduce(op, v, axis), value)

    def _all_reduce(self, op, value, axis):
        local = np.asarray(_core.convert_to_tensor(value).numpy())
        count = 1
        if axis is not None:
            count = local.shape[axis] if local.ndim else 1
            local = local.sum(axis=axis, dtype=local.dtype)
        total = self._comm.allreduce_sum(np.ascontiguousarray(local)) if self._comm.size > 1 else local
        if op is ReduceOp.MEAN:
            denominator = self._all_reduce_count(count) if axis is not None else self._comm.size
            total = (total / denominator).astype(local.dtype)
        return _as_tensor(np.asarray(total))

    def _all_reduce_count(self, count):
        if self._comm.size == 1:
            return count
        return int(self._comm.allreduce_sum(np.array([count], np.int64))[0])

    def _all_reduce_gradients(self, grads, variables):
        """The optimizer's gradient aggregation: each gradient summed over the workers (TF's semantics: the
        losses are already scaled to the global batch, e.g. by ``tf.nn.compute_average_loss``)."""
        self._check_variables(variables)
        if self._comm.size == 1:
            return list(grads)
        summed = self._reducer.collect(grads)
        return summed if summed is not None else self._reducer(grads, reuse_buffers=True)

    def _gradient_ready_hook(self, sources):
        """For ``GradientTape.gradient`` with respect to ``sources``: the callback that starts all-reducing their
        gradients during the backward sweep (``_all_reduce_gradients`` then only waits), or None where the sweep
        cannot overlap: one worker, a source not mirrored by this strategy, or a step being traced into a graph
        (a graph cannot call the communicator)."""
        from .. import _function
        if self._comm.size == 1 or not self._overlap or _function.current_capture() is not None:
            return None
        if not sources or not all(self._owns(s) for s in sources):
            return None
        return self._reducer.overlapped(sources)

    # ---- what Keras's fit / evaluate / predict ask of a multi-worker strategy ----
    def _local_batch(self, batch, per_worker):
        """This worker's rows of a global batch and their share of it; a per-worker batch (from a distributed
        dataset) is kept whole, its share counted over the workers."""
        from ._input import split_batch
        if per_worker:
            count = int(np.shape(nest.flatten(batch)[0])[0])
            return batch, count / self._all_reduce_count(count)
        local, count, total = split_batch(batch, self._comm.rank, self._comm.size)
        if count == 0:
            raise ValueError(f"A batch of {total} samples cannot give each of the {self._comm.size} workers at "
                             f"least one: use a global batch size of at least {self._comm.size} and a number of "
                             f"samples that leaves a last batch that large (or drop the remainder).")
        return local, count / total

    def _chief_permutation(self, n):
        """A random order of ``n`` samples drawn on the chief and shared with every worker."""
        order = np.random.permutation(n).astype(np.int64) if self._is_chief else np.empty(n, np.int64)
        return self._comm.bcast(order)

    def _gather_rows(self, arrays):
        """Each array's rows from every worker, concatenated in rank order."""
        parts = self._comm.allgather(arrays)
        return [np.concatenate([p[i] for p in parts]) for i in range(len(arrays))]

    def _reduced_metrics_result(self, model):
        """The model's running losses and metrics over all workers: their states (totals, counts, confusion
        counts) summed in one all-reduce, the results read from the summed states."""
        metrics = list(model._loss_trackers.values()) + model._compiled_metric_objects()
        variables = [v for metric in metrics for v in metric.variables]
        local = [np.asarray(v.numpy(), np.float64).reshape(-1) for v in variables]
        summed = self._comm.allreduce_sum(np.concatenate(local)) if local else np.zeros(0)
        logs, offset = {}, 0
        saved = [v.numpy() for v in variables]
        for v, value in zip(variables, saved):
            v.assign(summed[offset:offset + value.size].reshape(value.shape).astype(value.dtype))
            offset += value.size
        try:
            for name, tracker in model._loss_trackers.items():
                logs[name] = float(np.asarray(tracker.result().numpy()))
            for entry in model._compiled_outputs or []:
                for display, metric, _ in entry[3]:
                    logs[display] = float(np.asarray(metric.result().numpy()))
        finally:
            for v, value in zip(variables, saved):
                v.assign(value)
        return logs

    def experimental_local_results(self, value):
        """The values of this process's replicas: a tuple of one."""
        return (value,)

    def gather(self, value, axis):
        """The replicas' values concatenated along ``axis`` (in rank order), on every worker."""
        local = np.asarray(_core.convert_to_tensor(value).numpy())
        parts = self._comm.allgather(local) if self._comm.size > 1 else [local]
        return _as_tensor(np.concatenate(parts, axis=axis))

    def experimental_distribute_values_from_function(self, value_fn):
        from ._input import ValueContext
        return value_fn(ValueContext(self._comm.rank, self.num_replicas_in_sync))

    # ---- input ----
    def experimental_distribute_dataset(self, dataset, options=None):
        """The dataset (batched with the global batch size) split so that each worker gets its share of every
        batch, following ``dataset.options().experimental_distribute.auto_shard_policy``."""
        from ._input import DistributedDataset
        return DistributedDataset(self, dataset)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """``dataset_fn(input_context)`` called once on each worker; it shards and batches (per replica) itself."""
        from ._input import InputContext, DistributedDataset
        context = InputContext(self._comm.size, self._comm.rank, self.num_replicas_in_sync)
        return DistributedDataset(self, dataset_fn(context), already_local=True)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function


class _DefaultStrategy(Strategy):
    """What ``tf.distribute.get_strategy()`` returns outside any scope: one replica, nothing mirrored."""

    def __init__(self):
        super().__init__(LocalComm())

    @contextlib.contextmanager
    def scope(self):
        yield self

    def _mirror_variable(self, variable):
        pass

    def _check_variables(self, variables):
        pass


class PerReplica:
    """The values of one result on each replica of an in-process ``MirroredStrategy`` (``strategy.run``'s result),
    printed as TF prints them; ``strategy.experimental_local_results`` gives them as a tuple."""

    def __init__(self, values):
        self.values = tuple(values)
        self._values = self.values

    def __repr__(self):
        return "PerReplica:{\n" + ",\n".join(f"  {i}: {v!s}" for i, v in enumerate(self.values)) + "\n}"

    __str__ = __repr__


_DEVICE = re.compile(r"(?:^|/)(?:device:)?(cpu|gpu):(\d+)$", re.IGNORECASE)


def _logical_device_names(devices):
    """TF's full names of `devices` (strings such as "cpu:1", "/device:CPU:1" or LogicalDevice objects), each a
    logical device tf.config lists."""
    from .. import config
    names = []
    for device in devices:
        text = getattr(device, "name", device)
        match = _DEVICE.search(str(text))
        existing = [d.name for d in config.list_logical_devices()]
        name = f"/device:{match.group(1).upper()}:{int(match.group(2))}" if match else None
        if name not in existing:
            raise ValueError(f"MirroredStrategy: {text!r} is not a logical device of this process (it has "
                             f"{existing}). Split the CPU first with tf.config.set_logical_device_configuration("
                             f"cpu, [tf.config.LogicalDeviceConfiguration()] * n), or run one replica per process "
                             f"with tf.distribute.MultiWorkerMirroredStrategy under mpirun.")
        names.append("/job:localhost/replica:0/task:0" + name)
    if len(set(names)) != len(names):
        raise ValueError(f"MirroredStrategy: devices must be distinct, got {list(devices)}")
    return names


class MirroredStrategy(Strategy):
    """Synchronous replicas on this process's devices: one replica on the CPU by default, or one per logical CPU
    device named in `devices` (after ``tf.config.set_logical_device_configuration``). Several local replicas run
    ``strategy.run``'s function one after another, each in its own replica context, and their results come back
    as ``PerReplica`` values for ``reduce`` / ``experimental_local_results``. Variables made in the scope are
    shared by the replicas; collectives inside ``run`` (``all_reduce``, ``apply_gradients``) need replicas that run
    at the same time and are refused there (``MultiWorkerMirroredStrategy`` under ``mpirun`` has them)."""

    def __init__(self, devices=None, cross_device_ops=None):
        devices = list(devices or [])
        self._devices = tuple(_logical_device_names(devices)) if devices else \
            ("/job:localhost/replica:0/task:0/device:CPU:0",)
        super().__init__(LocalComm())

    @property
    def num_replicas_in_sync(self):
        return len(self._devices)

    @property
    def worker_devices(self):
        return self._devices

    def _local_replicas(self):
        return len(self._devices) > 1

    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs ``fn(*args, **kwargs)`` once per replica (a ``PerReplica`` argument gives each replica its own
        value); several replicas' results come back as ``PerReplica`` values, nested as ``fn`` returns them."""
        if not self._local_replicas():
            return super().run(fn, args, kwargs, options)
        previous = _context.replica_context()
        results = []
        try:
            with self.scope() if _context.get_strategy() is not self else contextlib.nullcontext():
                for replica in range(len(self._devices)):
                    _context.set_replica_context(ReplicaContext(self, replica))
                    mine = nest.map_structure(lambda v, r=replica: v.values[r] if isinstance(v, PerReplica) else v,
                                              (tuple(args), dict(kwargs or {})))
                    results.append(fn(*mine[0], **mine[1]))
        finally:
            _context.set_replica_context(previous)
        return nest.map_structure(lambda *values: PerReplica(values), *results)

    def experimental_local_results(self, value):
        """The values of this process's replicas, as a tuple (one per replica)."""
        if isinstance(value, PerReplica):
            return value.values
        return (value,) if not self._local_replicas() else \
            nest.map_structure(lambda v: v.values if isinstance(v, PerReplica) else v, value)

    def reduce(self, reduce_op, value, axis=None):
        """Combines the replicas' values: SUM or MEAN over the replicas and, with ``axis``, over that axis too
        (MEAN then divides by the number of elements summed)."""
        if not self._local_replicas():
            return super().reduce(reduce_op, value, axis)
        op = _reduce_op(reduce_op)

        def combine(v):
            values = [np.asarray(_core.convert_to_tensor(x).numpy()) for x in
                      (v.values if isinstance(v, PerReplica) else (v,) * len(self._devices))]
            count = len(values)
            if axis is not None:
                count = sum(x.shape[axis] if x.ndim else 1 for x in values)
                values = [x.sum(axis=axis, dtype=x.dtype) for x in values]
            total = np.sum(values, axis=0, dtype=values[0].dtype)
            return _as_tensor(np.asarray(total / count).astype(values[0].dtype) if op is ReduceOp.MEAN else total)

        return nest.map_structure(combine, value)

    def gather(self, value, axis):
        """The replicas' values concatenated along ``axis``, in replica order."""
        if not self._local_replicas():
            return super().gather(value, axis)
        values = value.values if isinstance(value, PerReplica) else (value,) * len(self._devices)
        return _as_tensor(np.concatenate([np.asarray(_core.convert_to_tensor(v).numpy()) for v in values], axis))

    def _all_reduce(self, op, value, axis):
        if self._local_replicas():
            raise NotImplementedError(
                f"MirroredStrategy over {len(self._devices)} logical devices runs its replicas one after another in "
                f"this process, so a collective inside strategy.run (all_reduce, merge_call, apply_gradients) has "
                f"no other replica to meet: reduce the PerReplica results with strategy.reduce after run, or use "
                f"tf.distribute.MultiWorkerMirroredStrategy under mpirun.")
        return super()._all_reduce(op, value, axis)

    def _all_reduce_gradients(self, grads, variables):
        if self._local_replicas() and _context.replica_context() is not None:
            self._all_reduce(ReduceOp.SUM, None, None)  # raises: no concurrent replica to sum with
        return super()._all_reduce_gradients(grads, variables)

    def experimental_distribute_values_from_function(self, value_fn):
        """``value_fn(ValueContext)`` called once per replica; several replicas' values as a ``PerReplica``."""
        if not self._local_replicas():
            return super().experimental_distribute_values_from_function(value_fn)
        from ._input import ValueContext
        return PerReplica([value_fn(ValueContext(r, len(self._devices))) for r in range(len(self._devices))])

    def experimental_distribute_dataset(self, dataset, options=None):
        if self._local_replicas():
            raise NotImplementedError(
                f"MirroredStrategy over {len(self._devices)} logical devices: distributed datasets are not built "
                f"for replicas in one process; pass each replica's batch to strategy.run yourself, or use "
                f"tf.distribute.MultiWorkerMirroredStrategy under mpirun.")
        return super().experimental_distribute_dataset(dataset, options)


class OneDeviceStrategy(MirroredStrategy):
    """One replica on one device."""

    def __init__(self, device):
        super().__init__([device])


class MultiWorkerMirroredStrategy(Strategy):
    """One worker per process, the workers joined by MPI: launched as ``mpirun -n N python train.py`` (or srun),
    the rank and number of workers come from MPI. Gradients are summed with bucketed nonblocking all-reduces,
    each bucket started during ``tape.gradient`` as soon as its gradients are final (``apply_gradients`` waits);
    an uncaught exception on any worker aborts all of them (MPI_Abort), naming the rank. Workers on one machine
    split its cores between them (unless OMP_NUM_THREADS is set).

    Example:
        >>> strategy = tf.distribute.MultiWorkerMirroredStrategy()
        >>> with strategy.scope():
        ...     model = make_model()
        ...     model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        >>> model.fit(x, y, batch_size=64 * strategy.num_replicas_in_sync)
    """

    def __init__(self, cluster_resolver=None, communication_options=None):
        if communication_options is not None and not isinstance(communication_options, CommunicationOptions):
            raise ValueError(f"MultiWorkerMirroredStrategy: communication_options must be a "
                             f"tf.distribute.experimental.CommunicationOptions; got {communication_options!r}.")
        super().__init__(MPIComm("tf.distribute.MultiWorkerMirroredStrategy"), communication_options)
        if self._comm.local_size > 1 and "OMP_NUM_THREADS" not in os.environ:
            # Workers that share a machine share its cores: each its part, not all of them each.
            _core.set_num_threads(max(1, (os.cpu_count() or 1) // self._comm.local_size))


def _experimental_namespace():
    import types
    return types.SimpleNamespace(CommunicationImplementation=CommunicationImplementation,
                                 CommunicationOptions=CommunicationOptions,
                                 CollectiveCommunication=CommunicationImplementation,
                                 MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy)
