"""Summary writers: the default-writer / step / record_if state and the background event-file writer.

A summary call only builds a small closure and puts it on a queue; a daemon thread turns it into an ``Event``
protocol buffer and appends it to the event file as a TFRecord (``pytensor.io.TFRecordWriter``: length, masked
CRC-32C, data, masked CRC-32C). The file is flushed every ``max_queue`` events, every ``flush_millis``, on
``flush()`` / ``close()`` and at interpreter exit, so a training step never waits on the disk and a crash leaves
every flushed record whole (readers skip a cut-off last record).
"""
import atexit
import contextlib
import itertools
import os
import queue
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
    try:
        return int(np.asarray(step))
    except (TypeError, ValueError):
        raise TypeError(f"tf.summary: step must be an integer (or an integer tensor / Variable); got {step!r}") \
            from None


@contextlib.contextmanager
def record_if(condition):
    """Records summaries only while `condition` holds: a bool, or a callable returning one, called at each
    summary (Keras's TensorBoard callback uses ``lambda: step % update_freq == 0``)."""
    old = _state.is_recording
    _state.is_recording = condition
    try:
        yield
    finally:
        _state.is_recording = old


def is_recording():
    """Python-side ``should_record_summaries``: a default writer is set and the record_if condition holds."""
    if _state.writer is None:
        return False
    condition = _state.is_recording
    return bool(np.asarray(condition() if callable(condition) else condition))


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

    @contextlib.contextmanager
    def _default(self, step=None):
        # as_default without the flush, for the Keras callback's per-batch default writer.
        old_writer, old_step = _state.writer, _state.step
        self.set_as_default(step)
        try:
            yield self
        finally:
            _state.writer, _state.step = old_writer, old_step

    def init(self):
        """(Re)opens the writer; file writers open on creation, so this only matters after ``close``."""

    def flush(self):
        """Writes everything so far to disk."""

    def close(self):
        """Flushes and closes the writer."""

    def _enqueue(self, step, make_value):
        """Queues one summary value (made by ``make_value()`` on the writer thread) at `step`."""


class _NoopSummaryWriter(SummaryWriter):
    """Accepts summaries and writes nothing (``create_noop_writer``)."""


class _EventFile:
    """One event file and the daemon thread that writes it."""

    def __init__(self, logdir, max_queue, flush_millis, filename_suffix):
        self.path = os.path.join(logdir, f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                                         f"{os.getpid()}.{next(_file_ids)}{filename_suffix}")
        from ..io import TFRecordWriter
        self._records = TFRecordWriter(self.path)
        self._max_queue = max(1, int(max_queue))
        self._flush_seconds = max(0.0, flush_millis / 1000.0)
        self._queue = queue.SimpleQueue()
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

    def put(self, wall_time, step, make_value):
        self._check()
        self._queue.put((wall_time, step, make_value))

    def flush(self):
        self._wait_for("flush")

    def flush_soon(self):
        """Asks the thread to flush after what is queued, without waiting for it."""
        self._check()
        self._queue.put(("flush", threading.Event()))

    def close(self):
        if not self._closed:
            self._wait_for("close")
            self._closed = True
            self._thread.join()

    def _wait_for(self, command):
        self._check()
        done = threading.Event()
        self._queue.put((command, done))
        done.wait()
        self._check()

    def _check(self):
        if self._error is not None:
            raise OSError(f"tf.summary: writing the event file {self.path} failed: {self._error}") from self._error

    def _run(self):
        pb = protos()
        pending = 0
        deadline = None
        while True:
            try:
                item = self._queue.get(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                item = None
            try:
                if item is None or len(item) == 2:
                    if pending:
                        self._records.flush()
                    pending, deadline = 0, None
                    if item is not None:
                        if item[0] == "close":
                            self._records.close()
                        item[1].set()
                        if item[0] == "close":
                            return
                    continue
                wall_time, step, make_value = item
                event = pb.event_pb2.Event(wall_time=wall_time, step=step,
                                           summary=pb.summary_pb2.Summary(value=[make_value()]))
                self._records.write(event.SerializeToString())
                pending += 1
                if pending >= self._max_queue:
                    self._records.flush()
                    pending, deadline = 0, None
                elif deadline is None:
                    deadline = time.monotonic() + self._flush_seconds
            except Exception as e:  # noqa: BLE001 - reported to the caller on its next call
                self._error = e
                if item is not None and len(item) == 2:
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

    def _enqueue(self, step, make_value):
        if self._file._closed:
            raise RuntimeError(f"tf.summary: the writer of {self._logdir!r} is closed; call writer.init() to "
                               f"reopen it or create a new one with tf.summary.create_file_writer.")
        self._file.put(time.time(), step, make_value)

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
