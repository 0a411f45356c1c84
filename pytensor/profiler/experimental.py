"""``tf.profiler.experimental``: start / stop a profiling session, ``Profile`` (both as a context) and ``Trace``
(one named span, with the keyword arguments shown as the span's arguments).

Spans are timed on the host with ``time.perf_counter_ns`` and recorded per thread; the trace is written on
``stop`` atomically (a temporary file renamed into place).
"""

import datetime
import gzip
import json
import os
import socket
import threading
import time

__all__ = ["start", "stop", "Profile", "Trace", "ProfilerOptions"]

_lock = threading.Lock()
_session = None  # {"logdir", "events", "origin"} while profiling


class ProfilerOptions:
    """Accepted for TF's signature: pytensor's profiler records host spans at every level."""

    def __init__(self, host_tracer_level=2, python_tracer_level=0, device_tracer_level=1, delay_ms=None):
        self.host_tracer_level, self.python_tracer_level = host_tracer_level, python_tracer_level
        self.device_tracer_level, self.delay_ms = device_tracer_level, delay_ms


def start(logdir, options=None):
    """Starts recording spans for a profile written under `logdir` on ``stop``."""
    global _session
    from ..errors import AlreadyExistsError

    with _lock:
        if _session is not None:
            raise AlreadyExistsError("tf.profiler.experimental.start: a profiling session is already running; call "
                                     "stop() first")
        _session = {"logdir": os.fspath(logdir), "events": [], "origin": time.perf_counter_ns()}


def stop(save=True):
    """Stops the session; with `save`, writes its trace and returns the file's path."""
    global _session
    from ..errors import UnavailableError

    with _lock:
        if _session is None:
            raise UnavailableError("tf.profiler.experimental.stop: no profiling session is running; call start() "
                                   "first")
        session, _session = _session, None
    if not save:
        return None
    run = datetime.datetime.now().strftime("%Y_%m_%d_%H_%M_%S")
    folder = os.path.join(session["logdir"], "plugins", "profile", run)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{socket.gethostname()}.trace.json.gz")
    trace = {"displayTimeUnit": "ns", "traceEvents": [
        {"ph": "M", "pid": os.getpid(), "name": "process_name", "args": {"name": "pytensor host"}}] + session["events"]}
    temporary = path + ".tmp"
    with gzip.open(temporary, "wt", encoding="utf-8") as f:
        json.dump(trace, f)
    os.replace(temporary, path)
    return path


class Profile:
    """``with Profile(logdir):`` profiles the block (start on entry, stop and write on exit)."""

    def __init__(self, logdir, options=None):
        self.logdir, self.options = logdir, options

    def __enter__(self):
        start(self.logdir, self.options)
        return self

    def __exit__(self, *exc):
        stop()


class Trace:
    """A named span in the profile (``with Trace("train", step_num=3):``); costs nothing while not profiling."""

    def __init__(self, name, **kwargs):
        self.name, self.args = name, {k: str(v) for k, v in kwargs.items()}
        self._begin = None

    def __enter__(self):
        if _session is not None:
            self._begin = time.perf_counter_ns()
        return self

    def __exit__(self, *exc):
        session = _session
        if session is None or self._begin is None:
            return
        end = time.perf_counter_ns()
        event = {"ph": "X", "name": self.name, "pid": os.getpid(), "tid": threading.get_ident(),
                 "ts": (self._begin - session["origin"]) / 1000.0, "dur": (end - self._begin) / 1000.0,
                 "args": self.args}
        with _lock:
            session["events"].append(event)
