"""``tf.queue``: thread-safe queues of tuples of tensors (TF's data_flow_ops queues).

A queue holds elements (one numpy leaf per component) behind a condition variable: ``enqueue`` blocks while the
queue is full, ``dequeue`` / ``dequeue_many`` while it holds too few elements, as TF's queues block. ``close``
wakes the waiters: a dequeue that cannot be served any more raises ``tf.errors.OutOfRangeError``, an enqueue on a
closed queue ``tf.errors.CancelledError``. Inside ``tf.function`` the queue operations are host calls of the graph
(the mechanism of ``tf.numpy_function``), so they run on every call; their outputs keep the traced shapes.

Example:
    >>> q = tf.queue.FIFOQueue(3, tf.float32)
    >>> q.enqueue_many([[1.0, 2.0]])
    >>> q.dequeue().numpy()
    1.0
"""

import collections
import heapq
import threading

import numpy as np

from . import _function, errors
from ._array_ops import numpy_function
from ._tensor_api import Tensor
from .data._types import StringTensor, as_dtype, string, to_leaf, to_tensor
from .tensor_shape import TensorShape

__all__ = ["QueueBase", "FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "RandomShuffleQueue"]

# How long a blocked call sleeps between checks (so Ctrl-C reaches a thread blocked on an empty queue).
_WAIT_SLICE_S = 0.1


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


class QueueBase:
    """What every queue has: its component dtypes, shapes and names, and enqueue / dequeue / close / size.

    ``QueueBase.from_list(index, queues)`` selects one of queues with the same component dtypes.
    """

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = [as_dtype(d) for d in _as_list(dtypes)]
        if shapes is None:
            self._shapes = [TensorShape(None) for _ in self._dtypes]
        else:
            # TF's reading: a single shape (a list of ints / None, or a TensorShape) is the shape of one component
            if not isinstance(shapes, (list, tuple)) or not shapes or all(d is None or isinstance(d, int)
                                                                          for d in shapes):
                shapes = [shapes]
            self._shapes = [TensorShape(s) for s in shapes]
            if len(self._shapes) != len(self._dtypes):
                raise ValueError(f"{self._kind}: {len(self._dtypes)} dtypes but {len(self._shapes)} shapes; give one "
                                 f"shape per component")
        if names is not None:
            names = _as_list(names)
            if len(names) != len(self._dtypes):
                raise ValueError(f"{self._kind}: {len(self._dtypes)} dtypes but {len(names)} names; give one name "
                                 f"per component")
        self._names = names
        self._queue_ref = queue_ref if queue_ref is not None else self
        self._name = getattr(self, "_name", "queue")
        self._lock = threading.Condition()
        self._closed = False
        self._cancelled = False

    _kind = "QueueBase"

    @staticmethod
    def from_list(index, queues):
        """The queue ``queues[index]``; every queue must have the same component dtypes (and names)."""
        if not queues:
            raise ValueError("QueueBase.from_list: give a non-empty list of queues")
        first = queues[0]
        for q in queues[1:]:
            if q.dtypes != first.dtypes:
                raise TypeError(f"QueueBase.from_list: queue {q.name!r} has dtypes {q.dtypes}, queue "
                                f"{first.name!r} has {first.dtypes}; every queue must have the same dtypes")
            if q.names != first.names:
                raise TypeError(f"QueueBase.from_list: queue {q.name!r} has names {q.names}, queue {first.name!r} "
                                f"has {first.names}")
        i = int(np.asarray(index))
        if not 0 <= i < len(queues):
            raise errors.InvalidArgumentError(f"QueueBase.from_list: index {i} is outside [0, {len(queues)})")
        return queues[i]

    @property
    def name(self):
        """The queue's name."""
        return self._name

    @property
    def dtypes(self):
        """The dtypes of the components."""
        return list(self._dtypes)

    @property
    def shapes(self):
        """The shapes of the components (unknown shapes where none were given)."""
        return list(self._shapes)

    @property
    def names(self):
        """The component names, or None."""
        return None if self._names is None else list(self._names)

    @property
    def queue_ref(self):
        """The queue itself: pytensor keeps queues as Python objects, with no resource tensor."""
        return self._queue_ref

    # ---- elements ----------------------------------------------------------------------------------------------

    def _components(self, vals, op):
        """The components of `vals` (a tuple / list, a dict by name, or one value) in dtype order."""
        if isinstance(vals, dict):
            if self._names is None:
                raise ValueError(f"{op}: queue {self._name!r} has no names; enqueue a tuple, not a dict")
            if set(vals) != set(self._names):
                raise ValueError(f"{op}: keys {sorted(vals)} must be the queue's names {sorted(self._names)}")
            return [vals[n] for n in self._names]
        if self._names is not None:
            raise ValueError(f"{op}: queue {self._name!r} has names {self._names}; enqueue a dict of them")
        values = list(vals) if isinstance(vals, (list, tuple)) else [vals]  # a list holds the components, as TF
        if len(values) != len(self._dtypes):
            raise ValueError(f"{op}: expected {len(self._dtypes)} components ({self._dtypes}), got {len(values)}")
        return values

    def _leaves(self, values, op, batched):
        leaves = []
        for i, (value, dtype, shape) in enumerate(zip(values, self._dtypes, self._shapes)):
            given = value.dtype if isinstance(value, (Tensor, StringTensor)) else None
            if given is not None and given != dtype:
                raise TypeError(f"{op}: component {i} must be {dtype!r}, got {given!r}")
            try:
                leaf = np.asarray(to_leaf(value, dtype))
            except (TypeError, ValueError) as e:
                raise TypeError(f"{op}: component {i} cannot be converted to {dtype!r}: {e}") from None
            element_shape = leaf.shape[1:] if batched else leaf.shape
            if batched and leaf.ndim == 0:
                raise ValueError(f"{op}: component {i} is a scalar; enqueue_many takes a batch along axis 0")
            if not shape.is_compatible_with(TensorShape(list(element_shape))):
                raise ValueError(f"{op}: component {i} has shape {list(element_shape)}, the queue's elements have "
                                 f"shape {shape}")
            leaves.append(leaf)
        if batched and len({len(leaf) for leaf in leaves}) > 1:
            raise ValueError(f"{op}: the components have different batch sizes {[len(leaf) for leaf in leaves]}")
        return leaves

    def _pack(self, leaves):
        tensors = [to_tensor(leaf) for leaf in leaves]
        if self._names is not None:
            return dict(zip(self._names, tensors))
        return tensors[0] if len(tensors) == 1 else tensors

    def _wait(self, ready, op):
        """Blocks (holding the lock) until ready() or the queue is closed; True when ready."""
        while not ready():
            if self._closed:
                return False
            self._lock.wait(_WAIT_SLICE_S)
        return True

    # Storage hooks of each queue kind.
    def _count(self):
        return len(self._items)

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        return self._items.popleft()

    def _capacity_left(self):
        return self._capacity - self._count()

    def _available(self):
        return self._count()

    # ---- operations --------------------------------------------------------------------------------------------

    def _put_all(self, elements, op):
        with self._lock:
            for element in elements:
                if self._closed:
                    raise errors.CancelledError(f"{op}: queue {self._name!r} is closed")
                while self._capacity_left() <= 0:
                    if self._cancelled:
                        raise errors.CancelledError(f"{op}: queue {self._name!r} is closed and its pending "
                                                    f"enqueues were cancelled")
                    self._lock.wait(_WAIT_SLICE_S)
                self._put(element)
                self._lock.notify_all()

    def _run(self, compute, values, out):
        """compute(*numpy values) now, or a host call on every call of the traced graph."""
        if _function.current_capture() is None:
            return compute(*values)
        traced = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        if out is not None and string in self._dtypes:
            raise TypeError(f"{self._kind}: inside tf.function a queue of strings cannot be dequeued (pytensor's "
                            f"string tensors are Python values, not graph values); dequeue outside tf.function")

        def run(*given):
            full = list(values)
            for i, v in zip(traced, given):
                full[i] = np.asarray(v)
            result = compute(*full)
            return None if out is None else [np.asarray(r) for r in _flat(result)]

        result = numpy_function(run, [values[i] for i in traced], [] if out is None else out)
        return None if out is None else self._pack(result)

    def enqueue(self, vals, name=None):
        """Adds one element, blocking while the queue is full."""
        op = f"{self._kind}.enqueue"
        values = self._components(vals, op)

        def compute(*leaves):
            self._put_all([self._element(self._leaves(leaves, op, False))], op)

        return self._run(compute, values, None)

    def enqueue_many(self, vals, name=None):
        """Adds the elements of a batch (each component sliced along axis 0), blocking while the queue is full."""
        op = f"{self._kind}.enqueue_many"
        values = self._components(vals, op)

        def compute(*batches):
            leaves = self._leaves(batches, op, True)
            self._put_all([self._element([leaf[i, ...] for leaf in leaves]) for i in range(len(leaves[0]))], op)

        return self._run(compute, values, None)

    def _element(self, leaves):
        return leaves

    def _leaves_of(self, element):
        return element

    def dequeue(self, name=None):
        """Removes and returns one element, blocking while the queue is empty (OutOfRangeError once closed)."""
        op = f"{self._kind}.dequeue"

        def compute():
            with self._lock:
                if not self._wait(lambda: self._available() > 0, op):
                    raise errors.OutOfRangeError(f"{op}: queue {self._name!r} is closed and has insufficient "
                                                 f"elements (requested 1, current size {self._count()})")
                element = self._take()
                self._lock.notify_all()
            return [leaf.copy() for leaf in self._leaves_of(element)]

        result = self._run(lambda: compute(), [], self._dtypes)
        return result if _function.current_capture() is not None else self._pack(result)

    def _dequeue_batch(self, n, op, up_to):
        n = int(np.asarray(n))
        if n < 0:
            raise errors.InvalidArgumentError(f"{op}: n must be >= 0, got {n}")

        def compute():
            with self._lock:
                ready = self._wait(lambda: self._available() >= n, op)
                if not ready and (not up_to or self._count() == 0):
                    raise errors.OutOfRangeError(f"{op}: queue {self._name!r} is closed and has insufficient "
                                                 f"elements (requested {n}, current size {self._count()})")
                taken = [self._take() for _ in range(n if ready else min(n, self._count()))]
                self._lock.notify_all()
            return self._batch([self._leaves_of(e) for e in taken], op)

        result = self._run(compute, [], self._dtypes)
        return result if _function.current_capture() is not None else self._pack(result)

    def _batch(self, elements, op):
        columns = []
        for i, (dtype, shape) in enumerate(zip(self._dtypes, self._shapes)):
            parts = [e[i] for e in elements]
            if not parts:
                if not shape.is_fully_defined():
                    raise errors.InvalidArgumentError(f"{op}: an empty batch of component {i} needs a fully "
                                                      f"defined shape, the queue has {shape}")
                columns.append(np.zeros([0] + shape.as_list(), dtype.as_numpy_dtype))
                continue
            if len({p.shape for p in parts}) > 1:
                raise errors.InvalidArgumentError(
                    f"{op}: component {i} has elements of different shapes {sorted({p.shape for p in parts})}; "
                    f"give the queue fully defined shapes, or use PaddingFIFOQueue")
            columns.append(np.stack(parts))
        return columns

    def dequeue_many(self, n, name=None):
        """Removes n elements and returns them batched, blocking until n are there (OutOfRangeError if the queue
        is closed with fewer)."""
        return self._dequeue_batch(n, f"{self._kind}.dequeue_many", up_to=False)

    def dequeue_up_to(self, n, name=None):
        """As dequeue_many, but once the queue is closed returns the fewer than n elements left."""
        return self._dequeue_batch(n, f"{self._kind}.dequeue_up_to", up_to=True)

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: later enqueues fail, dequeues drain what is left and then fail with OutOfRangeError;
        with `cancel_pending_enqueues`, enqueues blocked on a full queue fail too."""
        with self._lock:
            self._closed = True
            self._cancelled = self._cancelled or bool(cancel_pending_enqueues)
            self._lock.notify_all()

    def is_closed(self, name=None):
        """True once closed, a bool scalar."""
        return to_tensor(np.bool_(self._closed))

    def size(self, name=None):
        """The number of elements, an int32 scalar."""
        with self._lock:
            return to_tensor(np.int32(self._count()))


def _flat(result):
    return result if isinstance(result, list) else [result]


class FIFOQueue(QueueBase):
    """A queue that dequeues elements in the order they were enqueued.

    Example:
        >>> q = tf.queue.FIFOQueue(10, [tf.int32, tf.float32], shapes=[[], [2]])
        >>> q.enqueue((1, [1.0, 2.0]))
        >>> q.dequeue()[1].numpy()
        array([1., 2.], dtype=float32)
    """

    _kind = "FIFOQueue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):
        self._name = name
        super().__init__(dtypes, shapes, names, None)
        self._capacity = int(capacity) if capacity is not None and capacity >= 0 else 2 ** 62
        self._items = collections.deque()


class PaddingFIFOQueue(FIFOQueue):
    """A FIFOQueue whose shapes may have unknown (None) dimensions; ``dequeue_many`` pads each component with
    zeros (empty strings) to the largest element of the batch.

    Example:
        >>> q = tf.queue.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
        >>> q.enqueue([[1, 2, 3]]); q.enqueue([[4]])
        >>> q.dequeue_many(2).numpy()
        array([[1, 2, 3], [4, 0, 0]], dtype=int32)
    """

    _kind = "PaddingFIFOQueue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        for shape in self._shapes:
            if shape.rank is None:
                raise ValueError(f"PaddingFIFOQueue: every component needs a shape of known rank (None only for its "
                                 f"dimensions), got {shape}")

    def _batch(self, elements, op):
        columns = []
        for i, dtype in enumerate(self._dtypes):
            parts = [e[i] for e in elements]
            known = self._shapes[i].as_list()
            dims = [max([p.shape[d] for p in parts] + [0]) if known[d] is None else known[d]
                    for d in range(len(known))]
            fill = b"" if dtype is string else 0
            column = np.full([len(parts)] + dims, fill, object if dtype is string else dtype.as_numpy_dtype)
            for j, p in enumerate(parts):
                column[(j,) + tuple(slice(0, s) for s in p.shape)] = p
            columns.append(column)
        return columns


class PriorityQueue(QueueBase):
    """A queue that dequeues the element of smallest priority first: each element's first component is its int64
    priority, followed by components of `types` (equal priorities leave in the order they came).

    Example:
        >>> q = tf.queue.PriorityQueue(10, [tf.string], shapes=[[]])
        >>> q.enqueue_many(([5, 1], ["five", "one"]))
        >>> q.dequeue()[1].numpy()
        b'one'
    """

    _kind = "PriorityQueue"

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None, name="priority_queue"):
        self._name = name
        types = _as_list(types)
        if shapes is not None:
            if not isinstance(shapes, (list, tuple)) or not shapes or all(d is None or isinstance(d, int)
                                                                          for d in shapes):
                shapes = [shapes]
            shapes = [[]] + list(shapes)
        super().__init__(["int64"] + types, shapes, names, None)  # names, as TF, include the priority's
        self._capacity = int(capacity) if capacity is not None and capacity >= 0 else 2 ** 62
        self._items = []
        self._sequence = 0

    def _put(self, element):
        heapq.heappush(self._items, (int(element[0]), self._sequence, element))
        self._sequence += 1

    def _take(self):
        return heapq.heappop(self._items)[2]


class RandomShuffleQueue(QueueBase):
    """A queue that dequeues its elements in a random order; a dequeue waits while it would leave fewer than
    `min_after_dequeue` elements (until the queue is closed), so that enough elements are there to mix.

    Example:
        >>> q = tf.queue.RandomShuffleQueue(10, 2, tf.int32, seed=1)
        >>> q.enqueue_many([[1, 2, 3, 4]])
        >>> int(q.dequeue())  # one of 1..4
    """

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None, shared_name=None,
                 name="random_shuffle_queue"):
        self._name = name
        super().__init__(dtypes, shapes, names, None)
        if min_after_dequeue >= capacity:
            raise ValueError(f"RandomShuffleQueue: min_after_dequeue ({min_after_dequeue}) must be smaller than "
                             f"capacity ({capacity})")
        self._capacity = int(capacity)
        self._min_after_dequeue = int(min_after_dequeue)
        from .random import get_global_seed
        global_seed = get_global_seed()
        # (global seed, op seed) fix the order, as in TF (the orders themselves differ from TF's generator)
        self._rng = np.random.default_rng(None if seed is None and global_seed is None else
                                          [0 if global_seed is None else int(global_seed), 0 if seed is None else
                                           int(seed)])
        self._items = []

    def _available(self):
        # Elements that may leave now: all of them once closed, else those above min_after_dequeue.
        return self._count() if self._closed else max(0, self._count() - self._min_after_dequeue)

    def _take(self):
        i = int(self._rng.integers(len(self._items)))
        self._items[i], self._items[-1] = self._items[-1], self._items[i]
        return self._items.pop()
