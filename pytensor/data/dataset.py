"""tf.data.Dataset: sources and transformations, iterated eagerly in Python.

Each dataset yields elements as structures (tuples, dicts) of numpy leaves (see _types); iteration converts them to
pytensor tensors. ``from_tensor_slices(...)[.shuffle(...)].batch(...)`` is fused into whole-batch gathers.
"""

import concurrent.futures
import glob
import itertools
import os
import queue
import threading

import numpy as np

from ._types import (SparseLeaf, TensorSpec, flatten, map_leaves, pack_as, shapes_compatible, spec_of,
                     structure_to_leaves, to_leaf, to_tensor)
from .. import _core, errors

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def _to_tensor(leaf):
    return leaf if isinstance(leaf, Dataset) else to_tensor(leaf)


def _to_tensors(element):
    return map_leaves(_to_tensor, element)


def _call(func, element):
    """Calls a user function the way TF does: tuples are unpacked into arguments, anything else is one argument."""
    args = _to_tensors(element)
    if isinstance(args, tuple) and not hasattr(args, "_fields"):
        return func(*args)
    return func(args)


def _result_to_element(result):
    if isinstance(result, list):  # TF turns a returned list into a tuple
        result = tuple(result)
    return structure_to_leaves(result)


class OwnedIterator:
    """What ``iter(dataset)`` returns: the dataset's elements one by one.

    ``tf.train.Checkpoint(iterator=it)`` saves how many elements it has produced; restoring starts the dataset again
    and skips that many. A restored iterator so continues where the saved one was for pipelines that produce the
    same elements each time they start (no unseeded shuffle); TensorFlow saves the pipeline's internal state
    (shuffle buffers included) instead.
    """

    def __init__(self, dataset):
        self._dataset = dataset
        self._elements = map(_to_tensors, dataset._elements())
        self._position = 0
        # Made while a tf.function traces: the function's own iterator (made anew on each call, as TF's), read
        # eagerly; one made outside is state the graph reads (see __next__).
        from .._function import current_trace
        self._made_in = current_trace()

    def __iter__(self):
        return self

    def __next__(self):
        if _core._capture_active():
            from .._function import trace_running
            if not trace_running(self._made_in):
                # Inside a tf.function, an iterator from outside it (an argument, a global) is TF's iterator
                # resource: the graph takes its next element on every call.
                from ..autograph._operators import iterator_get_next
                return iterator_get_next(self)
        element = self._take()
        if element is None:
            raise StopIteration
        return element

    def _take(self):
        """The next element now (what a graph's IteratorGetNext runs), or None at the end."""
        element = next(self._elements, None)
        if element is not None:
            self._position += 1
        return element

    def _push_back(self, element):
        """Makes `element`, taken by _take, the next one again (a graph loop that fetched it, then broke)."""
        self._elements = itertools.chain([element], self._elements)
        self._position -= 1

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def _restore_position(self, position):
        """Starts the dataset again and skips `position` elements (what a checkpoint restores)."""
        elements = self._dataset._elements()
        skipped = sum(1 for _ in itertools.islice(elements, position))
        if skipped != position:
            raise ValueError(f"Cannot restore the iterator to element {position}: its dataset has only {skipped} "
                             f"elements.")
        self._elements, self._position = map(_to_tensors, elements), position


class Dataset:
    """A sequence of elements, each a structure (tuple / dict) of tensors, built from sources and transformations.

    Example:
        >>> ds = Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32)
        >>> for images, labels in ds:
        ...     train_step(images, labels)
    """

    def __init__(self, spec, cardinality):
        self._spec = spec
        self._cardinality = cardinality

    # ----- the protocol subclasses implement -----
    def _elements(self):
        """An iterator of elements as numpy-leaf structures."""
        raise NotImplementedError

    # ----- iteration and inspection -----
    def __iter__(self):
        return OwnedIterator(self)

    def as_numpy_iterator(self):
        """Iterates the elements as numpy arrays (and ``bytes`` for scalar strings)."""
        def to_numpy(leaf):
            return leaf[()] if leaf.ndim == 0 else leaf
        return (map_leaves(to_numpy, e) for e in self._elements())

    @property
    def element_spec(self):
        """The structure of TensorSpec of every element."""
        if self._spec is None:
            self._spec = self._infer_spec()
        return self._spec

    def _infer_spec(self):
        # TF traces user functions for the spec; eagerly, the first element gives it (computed only on demand).
        for element in self._elements():
            return map_leaves(spec_of, element)
        return None

    def cardinality(self):
        """Number of elements as a scalar int64 tensor; -1 infinite, -2 unknown."""
        return to_tensor(np.int64(self._cardinality))

    def __len__(self):
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<{type(self).__name__} element_spec={self._spec}>"

    # ----- sources -----
    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element, `tensors`."""
        return _ListDataset([structure_to_leaves(tensors)])

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """A dataset of the slices of `tensors` along their first dimension (all components must agree)."""
        return _TensorSliceDataset(structure_to_leaves(tensors))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None, name=None):
        """A dataset of the elements a Python generator yields, checked against `output_signature`.

        `generator` is a callable returning an iterator, called anew for every iteration (with `args`).
        """
        return _GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args, dtype=None, name=None):
        """``range(start, stop, step)`` as a dataset of scalars (int64 by default)."""
        from .. import int64
        bounds = range(*args)
        return _RangeDataset(bounds.start, bounds.stop, bounds.step, (dtype or int64).as_numpy_dtype)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements combined component-wise; `datasets` is a (nested) tuple / dict of datasets or several args."""
        if len(datasets) == 1 and not isinstance(datasets[0], Dataset):
            datasets = datasets[0]
        return _ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The file names matching the glob pattern(s), shuffled unless ``shuffle=False``."""
        patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
        names = sorted({f for p in patterns for f in glob.glob(os.fsdecode(p))})
        if not names:
            raise errors.InvalidArgumentError(f"list_files: no files match {patterns}")
        ds = Dataset.from_tensor_slices(np.array([n.encode() for n in names], dtype=object))
        return ds.shuffle(len(names), seed=seed) if shuffle is not False else ds

    # ----- transformations -----
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies `map_func` to each element; with `num_parallel_calls` on a thread pool, order preserved."""
        return _MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate, name=None):
        """Keeps the elements for which `predicate` returns True."""
        return _FilterDataset(self, predicate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Shuffles with a buffer of `buffer_size` elements (TF's semantics: emit a random buffered element and
        refill its slot from the input); reshuffles on each iteration unless told not to."""
        return _ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration is not False)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Stacks `batch_size` consecutive elements; the last, smaller batch is dropped if `drop_remainder`."""
        return _BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches elements of different shapes, padding each component to `padded_shapes` (None dims: the
        batch's maximum) with `padding_values` (0 / b"" by default)."""
        return _BatchDataset(self, batch_size, drop_remainder, padded=(padded_shapes, padding_values))

    def unbatch(self, name=None):
        """Splits each element along its first dimension into separate elements."""
        return _UnbatchDataset(self)

    def repeat(self, count=None, name=None):
        """Repeats the dataset `count` times (forever when None or -1)."""
        return _RepeatDataset(self, -1 if count is None else int(count))

    def take(self, count, name=None):
        """The first `count` elements (all if -1)."""
        return _SliceDataset(self, 0, int(count))

    def skip(self, count, name=None):
        """All but the first `count` elements."""
        return _SliceDataset(self, int(count), -1)

    def cache(self, filename="", name=None):
        """Keeps the elements of the first complete iteration in memory, or in `filename` if given."""
        return _CacheDataset(self, filename)

    def prefetch(self, buffer_size, name=None):
        """Produces up to `buffer_size` elements ahead on a background thread."""
        return _PrefetchDataset(self, buffer_size)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Maps each element to a dataset and interleaves `cycle_length` of them, `block_length` at a time."""
        return _InterleaveDataset(self, map_func, cycle_length, 1 if block_length is None else block_length)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and concatenates those datasets."""
        return _InterleaveDataset(self, map_func, 1, 1)

    def enumerate(self, start=0, name=None):
        """Pairs each element with its int64 index: ``(i, element)``."""
        return Dataset.zip((_RangeDataset(start, None, 1, np.int64), self))

    def concatenate(self, dataset, name=None):
        """This dataset's elements followed by `dataset`'s (the structures must match)."""
        return _ConcatenateDataset(self, dataset)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """A dataset of windows, each a structure of datasets of up to `size` elements, `shift` apart."""
        return _WindowDataset(self, int(size), int(size if shift is None else shift), int(stride), drop_remainder)

    def apply(self, transformation_func):
        """``transformation_func(self)``."""
        return transformation_func(self)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element, starting at ``index`` (one worker's share of the data)."""
        return _ShardDataset(self, int(num_shards), int(index))

    def with_options(self, options, name=None):
        """This dataset carrying ``options`` (a ``tf.data.Options``)."""
        return _OptionsDataset(self, options)

    def options(self):
        """The ``tf.data.Options`` set on this dataset or the ones it reads (defaults when none)."""
        node = self
        while not hasattr(node, "_options") and hasattr(node, "_input"):
            node = node._input
        if hasattr(node, "_options"):
            return node._options
        from .options import Options
        return Options()


def _cardinality_of_leaves(leaves_structure):
    lengths = set()
    for leaf in flatten(leaves_structure):
        if leaf.ndim == 0:
            raise errors.InvalidArgumentError(
                "from_tensor_slices: every component needs a first dimension to slice; got a scalar. "
                "Use from_tensors for a single element.")
        lengths.add(leaf.shape[0])
    if len(lengths) > 1:
        shapes = [tuple(leaf.shape) for leaf in flatten(leaves_structure)]
        raise errors.InvalidArgumentError(
            f"from_tensor_slices: all components must have the same first dimension; got shapes {shapes}")
    return lengths.pop()


class _ListDataset(Dataset):
    def __init__(self, elements, spec=None):
        self._items = elements
        super().__init__(spec or map_leaves(spec_of, elements[0]), len(elements))

    def _elements(self):
        return iter(self._items)


class _RangeDataset(Dataset):
    """Integers start, start + step, ... before `stop` (forever when stop is None), made lazily."""

    def __init__(self, start, stop, step, np_dtype):
        self._range = (start, stop, step)
        self._np_dtype = np_dtype
        card = INFINITE_CARDINALITY if stop is None else len(range(start, stop, step))
        super().__init__(spec_of(np.zeros((), np_dtype)), card)

    def _elements(self):
        start, stop, step = self._range
        values = itertools.count(start, step) if stop is None else range(start, stop, step)
        return (np.array(v, self._np_dtype) for v in values)


def _row_spec(leaf):
    """The spec of one row of a leaf."""
    if isinstance(leaf, SparseLeaf):
        return spec_of(SparseLeaf(np.zeros((0, leaf.ndim - 1), np.int64), leaf.values[:0], leaf.dense_shape[1:]))
    return spec_of(leaf[:1].reshape(leaf.shape[1:]) if len(leaf) else np.empty(leaf.shape[1:], leaf.dtype))


class _TensorSliceDataset(Dataset):
    def __init__(self, leaves):
        self._leaves = leaves
        n = _cardinality_of_leaves(leaves)
        super().__init__(map_leaves(_row_spec, leaves), n)

    def _elements(self):
        flat = flatten(self._leaves)
        for i in range(self._cardinality):
            yield pack_as(self._leaves, [leaf[i, ...] for leaf in flat])

    def _gather(self, index):
        """The batch at `index` (an int array or slice) of every component: one numpy gather per component."""
        return map_leaves(lambda leaf: leaf[index], self._leaves)


class _GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if output_signature is None:
            if output_types is None:
                raise TypeError("from_generator: give output_signature (or the older output_types)")
            if output_shapes is None:
                output_shapes = map_leaves(lambda _: None, output_types)
            nested = isinstance(output_types, (tuple, dict))
            types_leaves = flatten(output_types)
            shape_leaves = flatten(output_shapes) if nested else [output_shapes]
            output_signature = pack_as(output_types, [
                TensorSpec(s, t) for t, s in zip(types_leaves, shape_leaves)])
        self._generator = generator
        self._args = tuple(args or ())
        super().__init__(output_signature, UNKNOWN_CARDINALITY)

    def _elements(self):
        specs = flatten(self._spec)
        args = [to_tensor(to_leaf(a)) for a in self._args]
        for index, value in enumerate(self._generator(*args)):
            if isinstance(value, list) and isinstance(self._spec, tuple):
                value = tuple(value)
            values = _match_structure(self._spec, value, index)
            leaves = []
            for component, (spec, v) in enumerate(zip(specs, values)):
                try:
                    leaf = to_leaf(v, spec.dtype)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"from_generator: element {index}, component {component}: {v!r} does not "
                                    f"convert to {spec.dtype.name} as output_signature expects ({e})") from None
                if not shapes_compatible(spec.shape, spec_of(leaf).shape):
                    raise errors.InvalidArgumentError(
                        f"from_generator: element {index}, component {component} has shape {leaf.shape}, but "
                        f"output_signature expects {spec.shape}")
                leaves.append(leaf)
            yield pack_as(self._spec, leaves)


def _match_structure(spec, value, index):
    """The leaves of `value` in the order of `spec`'s, or a TypeError saying how the structures differ."""
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise TypeError(f"from_generator: element {index} is {value!r}, but output_signature expects a dict "
                            f"with keys {sorted(spec)}")
        return [leaf for k in spec for leaf in _match_structure(spec[k], value[k], index)]
    if isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            raise TypeError(f"from_generator: element {index} is {value!r}, but output_signature expects a "
                            f"tuple of {len(spec)} components")
        return [leaf for s, v in zip(spec, value) for leaf in _match_structure(s, v, index)]
    return [value]


class _ZipDataset(Dataset):
    def __init__(self, datasets):
        self._datasets = datasets
        members = flatten(datasets)
        if not members or not all(isinstance(d, Dataset) for d in members):
            raise TypeError("Dataset.zip: expected a (nested) tuple or dict of Datasets")
        cards = [d._cardinality for d in members]
        finite = [c for c in cards if c >= 0]
        card = (UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in cards else
                min(finite) if finite else INFINITE_CARDINALITY)
        super().__init__(None, card)

    def _infer_spec(self):
        return map_leaves(lambda d: d.element_spec, self._datasets)

    def _elements(self):
        members = flatten(self._datasets)
        for parts in zip(*(d._elements() for d in members)):
            yield pack_as(self._datasets, parts)


class _UnaryDataset(Dataset):
    def __init__(self, input_dataset, spec=None, cardinality=None):
        self._input = input_dataset
        super().__init__(spec, input_dataset._cardinality if cardinality is None else cardinality)

    def _infer_spec(self):
        return self._input.element_spec


class _MapDataset(_UnaryDataset):
    def __init__(self, input_dataset, func, num_parallel_calls):
        self._func = func
        if num_parallel_calls == AUTOTUNE:
            num_parallel_calls = os.cpu_count() or 1
        self._workers = int(num_parallel_calls or 0)
        super().__init__(input_dataset)

    _infer_spec = Dataset._infer_spec

    def _elements(self):
        if self._workers <= 1:
            for element in self._input._elements():
                yield _result_to_element(_call(self._func, element))
            return
        yield from _ordered_parallel_map(lambda e: _result_to_element(_call(self._func, e)),
                                         self._input._elements(), self._workers)


def _ordered_parallel_map(func, items, workers):
    """``map(func, items)`` on `workers` threads, results in order, at most 2 * workers in flight; an exception
    re-raises here (with the worker's traceback) and the pool is shut down without waiting for queued work."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pt-data-map")
    pending = []
    try:
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class _FilterDataset(_UnaryDataset):
    def __init__(self, input_dataset, predicate):
        self._predicate = predicate
        super().__init__(input_dataset, cardinality=UNKNOWN_CARDINALITY)

    def _elements(self):
        for element in self._input._elements():
            keep = np.asarray(_call(self._predicate, element))
            if keep.shape != () or keep.dtype != np.bool_:
                raise TypeError(f"filter: the predicate must return a scalar bool; got dtype {keep.dtype}, "
                                f"shape {keep.shape}")
            if keep:
                yield element


class _ShardDataset(_UnaryDataset):
    def __init__(self, input_dataset, num_shards, index):
        if num_shards < 1 or not 0 <= index < num_shards:
            raise errors.InvalidArgumentError(f"shard: index must be in [0, num_shards) with num_shards >= 1; got "
                                              f"num_shards={num_shards}, index={index}")
        self._num_shards, self._index = num_shards, index
        card = input_dataset._cardinality
        if card >= 0:
            card = card // num_shards + (1 if index < card % num_shards else 0)
        super().__init__(input_dataset, cardinality=card)

    def _elements(self):
        for i, element in enumerate(self._input._elements()):
            if i % self._num_shards == self._index:
                yield element


class _OptionsDataset(_UnaryDataset):
    def __init__(self, input_dataset, options):
        self._options = options
        super().__init__(input_dataset)

    def _elements(self):
        return self._input._elements()


def _buffer_shuffle_order(n, buffer_size, rng):
    """Input positions 0..n-1 in TF's buffer-shuffle order: fill `buffer_size`, emit a random slot, refill it.

    The slot choices are drawn in one call; only the cheap swap loop runs per element.
    """
    buffer = list(range(min(buffer_size, n)))
    order = []
    emit = order.append
    slots = rng.integers(0, buffer_size, size=max(n - buffer_size, 0)).tolist()
    for position, slot in zip(range(len(buffer), n), slots):
        emit(buffer[slot])
        buffer[slot] = position
    order.extend(buffer[i] for i in rng.permutation(len(buffer)))
    return np.asarray(order, dtype=np.int64)


class _ShuffleDataset(_UnaryDataset):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle):
        buffer_size = int(buffer_size)
        if buffer_size < 1 and buffer_size != UNKNOWN_CARDINALITY:
            raise errors.InvalidArgumentError(f"shuffle: buffer_size must be greater than zero, or "
                                              f"UNKNOWN_CARDINALITY (-2) for a buffer of the whole dataset; got "
                                              f"{buffer_size}")
        # UNKNOWN_CARDINALITY: as TF, a buffer as large as the dataset (a full shuffle).
        self._buffer_size = buffer_size if buffer_size > 0 else 1 << 62
        self._reshuffle = reshuffle
        if seed is None and _core._get_global_seed() is not None:
            # TF: under a global seed an unseeded shuffle is reproducible too; its seed comes from the global one
            # (one draw of the global seed's stream, which TF's op-seed rule makes deterministic).
            seed = int(_core.random_uniform((), 0, 2**62, "int64", None))
        # Seeded: the sequence of epoch orders is reproducible; unseeded: fresh entropy per dataset.
        self._seed_seq = np.random.SeedSequence(seed)
        self._epochs = itertools.count()
        super().__init__(input_dataset)

    def _rng(self):
        epoch = next(self._epochs) if self._reshuffle else 0
        return np.random.default_rng(np.random.SeedSequence(self._seed_seq.entropy, spawn_key=(epoch,)))

    def _index_order(self):
        """Positions of a slice source in shuffled order, as an int64 array."""
        rng = self._rng()
        n = self._input._cardinality
        if self._buffer_size >= n:
            return rng.permutation(n)
        return _buffer_shuffle_order(n, self._buffer_size, rng)

    def _elements(self):
        if isinstance(self._input, _TensorSliceDataset):
            src = self._input
            flat = flatten(src._leaves)
            for i in self._index_order():
                yield pack_as(src._leaves, [leaf[i, ...] for leaf in flat])
            return
        elements = iter(self._input._elements())
        buffer = []
        rng = self._rng()
        for element in elements:
            if len(buffer) < self._buffer_size:
                buffer.append(element)
                continue
            slot = rng.integers(self._buffer_size)
            yield buffer[slot]
            buffer[slot] = element
        for slot in rng.permutation(len(buffer)):
            yield buffer[slot]


def _stack(leaves, padded_shape=None, padding_value=None):
    if leaves and isinstance(leaves[0], SparseLeaf):
        return SparseLeaf.stack(leaves)
    if padded_shape is None:
        try:
            return np.stack(leaves)
        except ValueError:
            shapes = sorted({tuple(leaf.shape) for leaf in leaves})
            raise errors.InvalidArgumentError(
                f"batch: cannot batch elements of different shapes {shapes}; use padded_batch, or map them to one "
                "shape first") from None
    rank = leaves[0].ndim
    if any(leaf.ndim != rank for leaf in leaves):
        raise errors.InvalidArgumentError("padded_batch: components of one position must have the same rank")
    target = [max(leaf.shape[d] for leaf in leaves) if padded_shape[d] is None else padded_shape[d]
              for d in range(rank)]
    for leaf in leaves:
        if any(s > t for s, t in zip(leaf.shape, target)):
            raise errors.InvalidArgumentError(
                f"padded_batch: an element of shape {leaf.shape} is larger than padded_shapes {padded_shape}")
    out = np.full([len(leaves)] + target, padding_value, dtype=leaves[0].dtype)
    for i, leaf in enumerate(leaves):
        out[(i,) + tuple(slice(0, s) for s in leaf.shape)] = leaf
    return out


class _BatchDataset(_UnaryDataset):
    def __init__(self, input_dataset, batch_size, drop_remainder, padded=None):
        batch_size = int(batch_size)
        if batch_size < 1:
            raise errors.InvalidArgumentError(f"batch: batch_size must be >= 1; got {batch_size}")
        self._batch_size = batch_size
        self._drop = drop_remainder
        self._padded = padded
        card = input_dataset._cardinality
        if card >= 0:
            card = card // batch_size if drop_remainder else -(-card // batch_size)
        super().__init__(input_dataset, cardinality=card)

    def _infer_spec(self):
        in_spec = self._input.element_spec
        if in_spec is None:
            return None
        first = self._batch_size if self._drop else None
        if self._padded is not None:
            return map_leaves(lambda s: TensorSpec([first] + [None] * (s.shape.rank or 0), s.dtype), in_spec)
        return map_leaves(lambda s: TensorSpec([first] + s.shape.as_list(), s.dtype), in_spec)

    def _pad_config(self, element):
        shapes, values = self._padded
        flat_leaves = flatten(element)
        if shapes is None:
            flat_shapes = [[None] * leaf.ndim for leaf in flat_leaves]
        else:
            flat_shapes = flatten(map_leaves(lambda s: s, shapes)) if isinstance(shapes, (tuple, dict)) else [shapes]
            flat_shapes = [[None if d is None or d == -1 else int(d) for d in (
                s.as_list() if hasattr(s, "as_list") else list(s))] for s in flat_shapes]
        if values is None:
            flat_values = [b"" if leaf.dtype == object else 0 for leaf in flat_leaves]
        else:
            flat_values = flatten(values) if isinstance(values, (tuple, dict)) else [values] * len(flat_leaves)
            flat_values = [np.asarray(v).item() if not isinstance(v, bytes) else v for v in flat_values]
        return flat_shapes, flat_values

    def _elements(self):
        source = self._input
        if self._padded is None and isinstance(source, _ShuffleDataset) and isinstance(
                source._input, _TensorSliceDataset):
            order = source._index_order()
            yield from self._gathered(source._input, lambda start, stop: order[start:stop])
            return
        if self._padded is None and isinstance(source, _TensorSliceDataset):
            yield from self._gathered(source, slice)
            return
        template, flat_shapes, flat_values = None, None, None
        pending = []
        for element in source._elements():
            pending.append(flatten(element))
            if template is None:
                template = element
                if self._padded is not None:
                    flat_shapes, flat_values = self._pad_config(element)
            if len(pending) == self._batch_size:
                yield self._stack(template, pending, flat_shapes, flat_values)
                pending = []
        if pending and not self._drop:
            yield self._stack(template, pending, flat_shapes, flat_values)

    def _gathered(self, source, index_of):
        n = source._cardinality
        stop_at = n - n % self._batch_size if self._drop else n
        for start in range(0, stop_at, self._batch_size):
            yield source._gather(index_of(start, min(start + self._batch_size, n)))

    def _stack(self, template, rows, flat_shapes, flat_values):
        columns = list(zip(*rows))
        if flat_shapes is None:
            return pack_as(template, [_stack(list(c)) for c in columns])
        return pack_as(template, [_stack(list(c), s, v) for c, s, v in zip(columns, flat_shapes, flat_values)])


class _UnbatchDataset(_UnaryDataset):
    def __init__(self, input_dataset):
        super().__init__(input_dataset, cardinality=UNKNOWN_CARDINALITY)

    def _infer_spec(self):
        spec = self._input.element_spec
        return None if spec is None else map_leaves(lambda s: TensorSpec(s.shape.as_list()[1:], s.dtype), spec)

    def _elements(self):
        for element in self._input._elements():
            flat = flatten(element)
            for i in range(len(flat[0])):
                yield pack_as(element, [leaf[i, ...] for leaf in flat])


class _RepeatDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = count
        card = input_dataset._cardinality
        if count < 0:
            card = 0 if card == 0 else (UNKNOWN_CARDINALITY if card == UNKNOWN_CARDINALITY else INFINITE_CARDINALITY)
        elif card >= 0:
            card *= count
        super().__init__(input_dataset, cardinality=card)

    def _elements(self):
        epochs = itertools.count() if self._count < 0 else range(self._count)
        for _ in epochs:
            empty = True
            for element in self._input._elements():
                empty = False
                yield element
            if empty:
                return


class _SliceDataset(_UnaryDataset):
    def __init__(self, input_dataset, start, count):
        self._start, self._count = start, count
        card = input_dataset._cardinality
        if card >= 0:
            card = max(card - start, 0)
            card = card if count < 0 else min(card, count)
        elif card == INFINITE_CARDINALITY and count >= 0:
            card = count
        super().__init__(input_dataset, cardinality=card)

    def _elements(self):
        if self._count == 0:
            return iter(())
        stop = None if self._count < 0 else self._start + self._count
        return itertools.islice(self._input._elements(), self._start, stop)


class _CacheDataset(_UnaryDataset):
    def __init__(self, input_dataset, filename):
        self._filename = os.fspath(filename)
        self._memory = None
        super().__init__(input_dataset)

    def _elements(self):
        if self._filename:
            yield from self._file_elements(self._filename + ".ptcache")
            return
        if self._memory is not None:
            yield from self._memory
            return
        seen = []
        for element in self._input._elements():
            seen.append(element)
            yield element
        # Only a complete pass is kept, as TF does (a partial one would silently truncate later epochs).
        self._memory = seen

    def _file_elements(self, path):
        from . import _cache_file  # imported here: it reads through readers, which imports this module
        if os.path.exists(path):
            yield from _cache_file.read(path)
            return
        writer = _cache_file.Writer(path)
        try:
            for element in self._input._elements():
                writer.write(element, flatten(element))
                yield element
        except BaseException:  # an abandoned or failed pass (GeneratorExit included) leaves no cache behind
            writer.abandon()
            raise
        writer.commit()


_END = object()


class _PrefetchDataset(_UnaryDataset):
    def __init__(self, input_dataset, buffer_size):
        if buffer_size is not None and int(buffer_size) < AUTOTUNE:
            raise errors.InvalidArgumentError(f"prefetch: buffer_size must be >= 0, or AUTOTUNE (-1) for "
                                              f"auto-tuning; got {buffer_size}")
        self._buffer_size = 4 if buffer_size in (None, AUTOTUNE) else max(int(buffer_size), 1)
        super().__init__(input_dataset)

    def _elements(self):
        q = queue.Queue(self._buffer_size)
        stop = threading.Event()

        def produce():
            try:
                for element in self._input._elements():
                    while not stop.is_set():
                        try:
                            q.put((element, None), timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                q.put((_END, None))
            except BaseException as e:  # noqa: BLE001 - handed to the consumer, which re-raises it
                q.put((_END, e))

        worker = threading.Thread(target=produce, name="pt-data-prefetch", daemon=True)
        worker.start()
        try:
            while True:
                element, error = q.get()
                if error is not None:
                    raise error
                if element is _END:
                    return
                yield element
        finally:
            stop.set()


class _InterleaveDataset(_UnaryDataset):
    def __init__(self, input_dataset, func, cycle_length, block_length):
        self._func = func
        self._cycle = int(cycle_length) if cycle_length not in (None, AUTOTUNE) else (os.cpu_count() or 1)
        self._block = int(block_length)
        if self._cycle < 1:
            raise errors.InvalidArgumentError(f"interleave: cycle_length must be greater than zero (or AUTOTUNE); "
                                              f"got {cycle_length}")
        if self._block < 1:
            raise errors.InvalidArgumentError(f"interleave: block_length must be greater than zero; got "
                                              f"{block_length}")
        super().__init__(input_dataset, cardinality=UNKNOWN_CARDINALITY)

    _infer_spec = Dataset._infer_spec

    def _open(self, element):
        ds = _call(self._func, element)
        if not isinstance(ds, Dataset):
            raise TypeError(f"interleave / flat_map: map_func must return a Dataset; got {type(ds).__name__}")
        return iter(ds._elements())

    def _elements(self):
        inputs = iter(self._input._elements())
        active = []
        for element in inputs:
            active.append(self._open(element))
            if len(active) == self._cycle:
                break
        slot = 0
        while active:
            it = active[slot]
            exhausted = False
            for _ in range(self._block):
                value = next(it, _END)
                if value is _END:
                    exhausted = True
                    break
                yield value
            if exhausted:
                element = next(inputs, _END)
                if element is _END:
                    del active[slot]
                    if active:
                        slot %= len(active)
                    continue
                active[slot] = self._open(element)
                continue
            slot = (slot + 1) % len(active)


class _ConcatenateDataset(Dataset):
    def __init__(self, first, second):
        a, b = first.element_spec, second.element_spec
        if a is not None and b is not None and [s.dtype for s in flatten(a)] != [s.dtype for s in flatten(b)]:
            raise TypeError(f"concatenate: the datasets' element types differ: {a} vs {b}")
        c1, c2 = first._cardinality, second._cardinality
        card = (INFINITE_CARDINALITY if INFINITE_CARDINALITY in (c1, c2) else
                UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in (c1, c2) else c1 + c2)
        self._parts = (first, second)
        super().__init__(a, card)

    def _elements(self):
        for part in self._parts:
            yield from part._elements()


class _WindowDataset(_UnaryDataset):
    def __init__(self, input_dataset, size, shift, stride, drop_remainder):
        if size < 1 or shift < 1 or stride < 1:
            raise errors.InvalidArgumentError(f"window: size, shift and stride must be >= 1; got {size}, {shift}, "
                                              f"{stride}")
        self._size, self._shift, self._stride, self._drop = size, shift, stride, drop_remainder
        super().__init__(input_dataset, cardinality=UNKNOWN_CARDINALITY)

    def _elements(self):
        span = (self._size - 1) * self._stride + 1
        buffer = []
        offset = 0  # index of buffer[0] in the input
        next_start = 0
        source = iter(self._input._elements())
        exhausted = False
        while True:
            while not exhausted and offset + len(buffer) < next_start + span:
                element = next(source, _END)
                if element is _END:
                    exhausted = True
                else:
                    buffer.append(element)
            rows = buffer[next_start - offset::self._stride][:self._size]
            if not rows or (self._drop and len(rows) < self._size):
                return
            template = rows[0]
            columns = list(zip(*(flatten(r) for r in rows)))
            yield pack_as(template, [_WindowPart(list(c)) for c in columns])
            next_start += self._shift
            drop = min(next_start - offset, len(buffer))
            del buffer[:drop]
            offset += drop

    def __iter__(self):
        return iter(self._elements())


class _WindowPart(Dataset):
    """One component of a window: a finite dataset of its elements (what ``window`` yields)."""

    def __init__(self, leaves):
        self._items = leaves
        super().__init__(spec_of(leaves[0]), len(leaves))

    def _elements(self):
        return iter(self._items)


__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]
