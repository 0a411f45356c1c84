"""``keras.utils.PyDataset`` (alias ``Sequence``): a Python object giving batches by index, for ``fit`` /
``evaluate`` / ``predict``."""
import itertools
import random
from concurrent.futures import ThreadPoolExecutor

__all__ = ["PyDataset", "Sequence"]


class PyDataset:
    """Base class of datasets that return batch ``index`` from ``__getitem__`` and their batch count from
    ``__len__`` (or the ``num_batches`` property; ``None`` for an endless dataset).

    Example:
        >>> class Squares(keras.utils.PyDataset):
        ...     def __len__(self):
        ...         return 2
        ...     def __getitem__(self, index):
        ...         x = np.arange(3, dtype="float32") + 3 * index
        ...         return x, x ** 2
        >>> [y.tolist() for _, y in Squares()]
        [[0.0, 1.0, 4.0], [9.0, 16.0, 25.0]]

    Args:
        workers: threads that fetch batches ahead of the training step (1: fetched in the loop).
        use_multiprocessing: accepted for Keras compatibility; batches are fetched by threads (``__getitem__``
            usually releases the GIL in numpy / file reads), never by processes.
        max_queue_size: batches fetched ahead at most when ``workers > 1``.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: a PyDataset must implement __getitem__(index) "
                                  f"returning batch `index`, e.g. (x, y).")

    @property
    def num_batches(self):
        """The number of batches (``len(self)``), or ``None`` for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__}: a PyDataset must implement __len__ (or the "
                                  f"num_batches property, None for an endless dataset).")

    def __iter__(self):
        count = self.num_batches
        for index in range(count) if count is not None else itertools.count():
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch of ``fit``."""

    def on_epoch_end(self):
        """Called at the end of every epoch of ``fit`` (e.g. to reshuffle the samples)."""

    def _epoch_batches(self, steps, shuffle, workers=None, max_queue_size=None):
        """The batches of one epoch: ``steps`` indices (batch order shuffled by Python's ``random`` with
        ``shuffle``, as Keras), fetched by ``workers`` threads at most ``max_queue_size`` ahead, in order
        (``workers`` / ``max_queue_size`` given to ``fit`` override the dataset's)."""
        count = self.num_batches
        if count is None:
            indices = itertools.count() if steps is None else range(steps)
        else:
            indices = list(range(count if steps is None else min(count, steps)))
            if shuffle:
                random.shuffle(indices)
        # A subclass that skips super().__init__() gets Keras's defaults.
        workers = max(int(workers or getattr(self, "workers", 1) or 1), 1)
        queue_size = max(int(max_queue_size or getattr(self, "max_queue_size", 10) or 1), 1)
        if workers == 1:
            for index in indices:
                yield self[index]
            return
        with ThreadPoolExecutor(workers) as pool:
            pending = []
            for index in indices:
                pending.append(pool.submit(self.__getitem__, index))
                if len(pending) >= queue_size:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()


Sequence = PyDataset
