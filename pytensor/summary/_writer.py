"""Summary writers: the default-writer / step / record_if state and the background event-file writer.

A summary call only builds a small closure and puts it on a queue; a daemon thread turns it into an ``Event``
protocol buffer and appends it to the event file as a TFRecord (``pytensor.io.TFRecordWriter``: length, masked
CRC-32C, data, masked CRC-32C). The file is flushed every ``max_queue`` events, every ``flush_millis``, on
``flush()`` / ``close()`` and at interpreter exit, so a training step never waits on the disk and a crash leaves
every flushed record whole (readers skip a cut-off last record).
"""
import atexit
import collections
import contextlib
import itertools
import os
import socket
import threading
import time
import weakref

import numpy as np

from ._protos import protos

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "flush", "record_if",
           "should_record_summaries", "get_step", "set_step"]


class _SummaryState(threading.local):
    """Per thread, as in TF: the default writer, the default step and the record_if condition."""

    def __init__(self):
        self.writer = None
        self.step = None
        self.is_recording = True


_state = _SummaryState()
# TF numbers the event files of one process 0, 1, 2, ... (the `<n>` in events.out.tfevents.<time>.<host>.<pid>.<n>).
_file_ids = itertools.count()
_open_files = weakref.WeakSet()


def get_step():
    """The default step of summaries on this thread (``tf.summary.experimental.get_step``), or None."""
    return _state.step


def set_step(step):
    """Sets the default step of summaries on this thread (an int, or a Variable read when each summary is
    written, e.g. ``optimizer.iterations``); None clears it."""
    _state.step = step


def step_value(step):
    """A summary step as a Python int."""
    if type(step) is int:
        return step
    try:
        return int(np.asarray(step))
    except (TypeError, ValueError):
        raise TypeError(f"tf.summary: step must be an integer (or an integer tensor / Variable); got {step!r}") \
            from None


_KEEP = object()


class DefaultsScope:
    """Sets this thread's default writer, step and record_if condition (each unless _KEEP) and restores them on
    exit; a plain object rather than a generator, as the Keras callback enters one per batch."""

    __slots__ = ("_new", "_old")

    def __init__(self, writer=_KEEP, step=_KEEP, condition=_KEEP):
        self._new = (writer, step, condition)

    def __enter__(self):
        self._old = (_state.writer, _state.step, _state.is_recording)
        writer, step, condition = self._new
        if writer is not _KEEP:
            _state.writer = writer
        if step is not _KEEP:
            _state.step = step
        if condition is not _KEEP:
            _state.is_recording = condition
        return writer

    def __exit__(self, *exc_info):
        _state.writer, _state.step, _state.is_recording = self._old


def record_if(condition):
    """A context in which summaries are recorded only while `condition` holds: a bool (or boolean tensor), or
    a callable returning one, called at each summary.

    Example:
        >>> with tf.summary.record_if(lambda: step % 100 == 0):
        ...     tf.summary.scalar("loss", loss, step=step)
    """
    return DefaultsScope(condition=condition)


def is_recording():
    """Python-side ``should_record_summaries``: a default writer is set and the record_if condition holds."""
    if _state.writer is None:
        return False
    condition = _state.is_recording
    if condition is True:
        return True
    return bool(condition() if callable(condition) else condition)


def should_record_summaries():
    """A boolean tensor: True when summaries would be written now (a default writer and record_if's condition)."""
    from .. import constant
    return constant(is_recording())


def flush(writer=None, name=None):
    """Flushes `writer` (default: the default writer) to disk; does nothing with no writer."""
    writer = writer if writer is not None else _state.writer
    if writer is not None:
        writer.flush()


class SummaryWriter:
    """Base class of summary writers (``tf.summary.SummaryWriter``): ``as_default``, ``flush``, ``close``."""

    def set_as_default(self, step=None):
        """Makes this the default writer of the thread (and `step` its default step, if given) until changed."""
        _state.writer = self
        if step is not None:
            _state.step = step

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Within the block, summaries go to this writer (with `step` as the default step, if given); the
        writer is flushed on exit, as TF does.

        Example:
            >>> with writer.as_default(step=epoch):
            ...     tf.summary.scalar("loss", loss)
        """
        with self._default(step):
            yield self
            self.flush()

    def _default(self, step=None, condition=_KEEP):
        """as_default without the flush (and optionally a record_if condition), for the Keras callback."""
        return DefaultsScope(self, _KEEP if step is None else step, condition)

    def init(self):
        """(Re)opens the writer; file writers open on creation, so this only matters after ``close``."""

    def flush(self):
        """Writes everything so far to disk."""

    def close(self):
        """Flushes and closes the writer."""

    def _enqueue(self, step, tag, metadata, make_tensor):
        """Queues one summary value at `step` (its TensorProto made by ``make_tensor()`` on the writer thread)."""


class _NoopSummaryWriter(SummaryWriter):
    """Accepts summaries and writes nothing (``create_noop_writer``)."""


# The writer thread looks for queued summaries this often (sooner for a flush, a close or flush_millis). A summary
# call only appends to a deque: waking the thread per summary would make it take the GIL from the training loop
# (which holds it through each op) hundreds of times an epoch, each a handoff that waits for the scheduler.
_POLL_SECONDS = 0.5


class _EventFile:
    """One event file and the daemon thread that writes it."""

    def __init__(self, logdir, max_queue, flush_millis, filename_suffix):
        self.path = os.path.join(logdir, f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                                         f"{os.getpid()}.{next(_file_ids)}{filename_suffix}")
        from ..io import TFRecordWriter
        self._records = TFRecordWriter(self.path)
        self._max_queue = max(1, int(max_queue))
        self._flush_seconds = max(0.0, flush_millis / 1000.0)
        self._items = collections.deque()   # summaries (5-tuples) and commands ((name, done event)), in order
        self._urgent = threading.Event()    # a flush or close is waiting
        self._error = None
        self._closed = False
        # TF's first record: the file version, which readers check.
        event_pb2 = protos().event_pb2
        self._records.write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2",
                                            source_metadata=event_pb2.SourceMetadata(writer="pytensor"))
                            .SerializeToString())
        self._records.flush()
        self._thread = threading.Thread(target=self._run, name=f"summary writer {self.path}", daemon=True)
        self._thread.start()
        _open_files.add(self)

    def put(self, wall_time, step, tag, metadata, make_tensor):
        self._check()
        self._items.append((wall_time, step, tag, metadata, make_tensor))

    def flush(self):
        self._wait_for("flush")

    def flush_soon(self):
        """Asks the thread to flush after what is queued, without waiting for it."""
        self._check()
        self._command("flush", threading.Event())

    def close(self):
        if not self._closed:
            self._wait_for("close")
            self._closed = True
            self._thread.join()

    def _command(self, command, done):
        self._items.append((command, done))
        self._urgent.set()

    def _wait_for(self, command):
        self._check()
        done = threading.Event()
        self._command(command, done)
        done.wait()
        self._check()

    def _check(self):
        if self._error is not None:
            raise OSError(f"tf.summary: writing the event file {self.path} failed: {self._error}") from self._error

    def _run(self):
        pb = protos()
        seen_tags = set()
        pending, deadline = 0, None
        while True:
            self._urgent.wait(_POLL_SECONDS if deadline is None else
                              min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            self._urgent.clear()   # before draining: a command queued from here on is drained now or sets it again
            items = []
            while self._items:
                items.append(self._items.popleft())
            try:
                i = 0
                while i < len(items):
                    if len(items[i]) == 2:
                        command, done = items[i]
                        if pending:
                            self._records.flush()
                        pending, deadline = 0, None
                        if command == "close":
                            self._records.close()
                            done.set()
                            return
                        done.set()
                        i += 1
                        continue
                    wall_time, step = items[i][0], items[i][1]
                    values = []
                    # Summaries of one step queued together share an Event, as TF 1's merged summaries did.
                    while i < len(items) and len(items[i]) == 5 and items[i][1] == step and len(values) < 64:
                        _, _, tag, metadata, make_tensor = items[i]
                        value = pb.summary_pb2.Summary.Value(tag=tag, tensor=make_tensor())
                        if tag not in seen_tags:
                            # Readers take a tag's plugin from its first value, as TF 1's writers relied on.
                            value.metadata.CopyFrom(metadata)
                            seen_tags.add(tag)
                        values.append(value)
                        i += 1
                    self._records.write(pb.event_pb2.Event(wall_time=wall_time, step=step,
                                                           summary=pb.summary_pb2.Summary(value=values))
                                        .SerializeToString())
                    pending += len(values)
                if pending and (pending >= self._max_queue or (deadline is not None and
                                                               time.monotonic() >= deadline)):
                    self._records.flush()       # max_queue reached, or flush_millis passed
                    pending, deadline = 0, None
                elif pending and deadline is None:
                    deadline = time.monotonic() + self._flush_seconds
            except Exception as e:  # noqa: BLE001 - reported to the caller on its next call
                self._error = e
                for item in items:
                    if len(item) == 2:
                        item[1].set()


class _FileWriter(SummaryWriter):
    """Writes summaries to an event file in `logdir` (``create_file_writer``)."""

    def __init__(self, logdir, max_queue, flush_millis, filename_suffix):
        self._logdir = logdir
        self._options = (max_queue, flush_millis, filename_suffix)
        self._file = None
        self.init()

    def init(self):
        if self._file is not None and not self._file._closed:
            return
        try:
            os.makedirs(self._logdir, exist_ok=True)
            self._file = _EventFile(self._logdir, *self._options)
        except OSError as e:
            message = (f"tf.summary.create_file_writer: cannot write event files to log directory {self._logdir!r} "
                       f"({e.strerror or e}). Give a log directory you can create and write to.")
            raise type(e)(*((e.errno, message) if e.errno else (message,))) from None

    def _enqueue(self, step, tag, metadata, make_tensor):
        if self._file._closed:
            raise RuntimeError(f"tf.summary: the writer of {self._logdir!r} is closed; call writer.init() to "
                               f"reopen it or create a new one with tf.summary.create_file_writer.")
        self._file.put(time.time(), step, tag, metadata, make_tensor)

    def flush(self):
        if not self._file._closed:
            self._file.flush()

    def close(self):
        self._file.close()

    def _flush_soon(self):
        if not self._file._closed:
            self._file.flush_soon()

    @property
    def logdir(self):
        return self._logdir

    def __repr__(self):
        return f"<pytensor.summary.SummaryWriter logdir={self._logdir!r}>"


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A summary writer appending to a new event file ``events.out.tfevents.<time>.<host>.<pid>.<n>.v2`` in
    `logdir` (created if missing), readable by TensorBoard.

    Args:
        logdir: the log directory.
        max_queue: flush after this many summaries (default 10).
        flush_millis: flush at least this often while summaries are pending (default 120 000 ms).
        filename_suffix: appended to the file name (default ".v2", as TF 2).

    Raises:
        ImportError: if the `tensorboard` package is missing (``pip install pytensor-tf[tensorboard]``).
        OSError: if `logdir` cannot be created or written.

    Example:
        >>> writer = tf.summary.create_file_writer("logs/run1")
        >>> with writer.as_default(step=0):
        ...     tf.summary.scalar("loss", 0.5)
    """
    protos()
    if logdir is None:
        raise ValueError("tf.summary.create_file_writer: logdir is None; give a log directory, or use "
                         "tf.summary.create_noop_writer() to write nothing.")
    return _FileWriter(os.fspath(logdir), 10 if max_queue is None else max_queue,
                       120_000 if flush_millis is None else flush_millis,
                       ".v2" if filename_suffix is None else filename_suffix)


def create_noop_writer():
    """A writer that writes nothing (summaries under it return False)."""
    return _NoopSummaryWriter()


@atexit.register
def _close_open_files():
    # Daemon threads die with the interpreter: write what is queued first.
    for event_file in list(_open_files):
        if not event_file._closed and event_file._error is None:
            event_file.close()
