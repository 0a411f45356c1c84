"""``tf.train.ExponentialMovingAverage``, ``Coordinator`` and ``ClusterSpec``."""
import contextlib
import sys
import threading
import time

import numpy as np

import pytensor as pt

from .. import errors

__all__ = ["ExponentialMovingAverage", "Coordinator", "ClusterSpec"]


def _op_name(variable):
    return variable._variable_name


class ExponentialMovingAverage:
    """Shadow copies of variables that follow them as ``shadow -= (1 - decay) * (shadow - variable)`` on each
    ``apply``. With ``num_updates`` the decay is ``min(decay, (1 + num_updates) / (10 + num_updates))``, so early
    averages move fast. A shadow starts at its variable's value when ``apply`` first sees it."""

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        self._decay, self._num_updates, self._zero_debias, self._name = decay, num_updates, zero_debias, name
        self._averages = {}  # variable.ref() -> shadow Variable

    @property
    def name(self):
        return self._name

    def _current_decay(self):
        decay = pt.cast(pt.convert_to_tensor(self._decay), "float32")
        if self._num_updates is not None:
            updates = pt.cast(pt.convert_to_tensor(self._num_updates), "float32")
            decay = pt.minimum(decay, (1.0 + updates) / (10.0 + updates))
        return decay

    def apply(self, var_list=None):
        """Creates the shadows of ``var_list`` it has not seen (equal to the variables), then moves every
        shadow of ``var_list`` toward its variable."""
        var_list = list(var_list) if var_list is not None else []
        for var in var_list:
            if not isinstance(var, pt.Variable):
                raise TypeError(f"ExponentialMovingAverage.apply: expected Variables; received "
                                f"{type(var).__name__} (TF 2 cannot average plain tensors eagerly either).")
            if not var.dtype.is_floating:
                raise TypeError(f"ExponentialMovingAverage.apply: the variables must be float; {var.name} is "
                                f"{var.dtype.name}.")
            if var.ref() not in self._averages:
                self._averages[var.ref()] = pt.Variable(var.read_value(), trainable=False,
                                                        name=self.average_name(var))
        decay = self._current_decay()
        for var in var_list:
            shadow = self._averages[var.ref()]
            shadow.assign_sub((shadow.read_value() - var.read_value()) * pt.cast(1.0 - decay, var.dtype))

    def average(self, var):
        """The shadow Variable of ``var`` (None if ``apply`` has not seen it)."""
        return self._averages.get(var.ref())

    def average_name(self, var):
        """The name of ``var``'s shadow: ``<var name>/<this average's name>``."""
        return f"{_op_name(var)}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """{shadow name: variable} for the averaged variables, to restore averages into the variables."""
        variables = moving_avg_variables if moving_avg_variables is not None else [
            ref.deref() for ref in self._averages]
        return {self.average_name(v): v for v in variables}


# TF's default: an exhausted input (tf.errors.OutOfRangeError, where this tf.errors has it) stops cleanly
_CLEAN_STOP = (errors.OutOfRangeError,) if hasattr(errors, "OutOfRangeError") else ()


class Coordinator:
    """Stops a set of threads together: each checks ``should_stop()``; one calls ``request_stop()`` (maybe with
    the exception that stopped it); ``join`` waits for them and re-raises that exception."""

    def __init__(self, clean_stop_exception_types=None):
        self._clean_stop = tuple(clean_stop_exception_types if clean_stop_exception_types is not None
                                 else _CLEAN_STOP)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info = None
        self._registered = set()
        self._joined = False

    def request_stop(self, ex=None):
        """Asks the threads to stop; an exception ``ex`` (or sys.exc_info tuple) is kept for ``join`` unless it is
        a clean-stop type."""
        with self._lock:
            if ex is not None and self._exc_info is None:
                info = ex if isinstance(ex, tuple) else (type(ex), ex, ex.__traceback__)
                if not issubclass(info[0], self._clean_stop):
                    self._exc_info = info
            self._stop_event.set()

    def clear_stop(self):
        """Forgets the stop request and the kept exception, so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context whose exception requests a stop (and is kept for ``join``) instead of propagating."""
        try:
            yield
        except BaseException:  # noqa: B036 - every exception stops the threads, as TF's
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Waits until a stop is requested (True) or ``timeout`` seconds pass (False)."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the threads (and the registered ones) after a stop is requested, then re-raises the
        exception given to ``request_stop``; RuntimeError when threads outlive the grace period."""
        threads = set(threads or ()) | self._registered
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered = set()
            if self._exc_info:
                raise self._exc_info[1].with_traceback(self._exc_info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError(f"Coordinator stopped with threads still running: {' '.join(alive)}")

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Re-raises the exception given to ``request_stop``, if any."""
        with self._lock:
            if self._exc_info:
                raise self._exc_info[1].with_traceback(self._exc_info[2])


class ClusterSpec:
    """The tasks of a cluster by job: ``{"worker": ["host:port", ...], "ps": {index: "host:port"}}``."""

    def __init__(self, cluster):
        if isinstance(cluster, ClusterSpec):
            cluster = cluster.as_dict()
        if not isinstance(cluster, dict):
            raise TypeError(f"ClusterSpec: expected a dict of job name -> task addresses; received "
                            f"{type(cluster).__name__}.")
        self._jobs = {}
        for job, tasks in cluster.items():
            if isinstance(tasks, dict):
                if any(not isinstance(i, (int, np.integer)) for i in tasks):
                    raise TypeError(f"ClusterSpec: job {job!r}'s task indices must be integers; received "
                                    f"{list(tasks)}.")
                self._jobs[job] = {int(i): str(a) for i, a in tasks.items()}
            elif isinstance(tasks, (list, tuple)):
                self._jobs[job] = {i: str(a) for i, a in enumerate(tasks)}
            else:
                raise TypeError(f"ClusterSpec: job {job!r}'s tasks must be a list or a dict of addresses; "
                                f"received {type(tasks).__name__}.")

    def __bool__(self):
        return bool(self._jobs)

    def __eq__(self, other):
        return isinstance(other, ClusterSpec) and self._jobs == other._jobs

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return f"ClusterSpec({self.as_dict()!r})"

    @property
    def jobs(self):
        return list(self._jobs)

    def _job(self, job_name):
        if job_name not in self._jobs:
            raise ValueError(f"ClusterSpec: no such job in cluster: {job_name!r} (jobs: {self.jobs}).")
        return self._jobs[job_name]

    def as_dict(self):
        """Each job's tasks: a list when its indices run 0..n-1, a dict otherwise."""
        out = {}
        for job, tasks in self._jobs.items():
            dense = sorted(tasks) == list(range(len(tasks)))
            out[job] = [tasks[i] for i in range(len(tasks))] if dense else dict(sorted(tasks.items()))
        return out

    def num_tasks(self, job_name):
        return len(self._job(job_name))

    def task_indices(self, job_name):
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        tasks = self._job(job_name)
        if task_index not in tasks:
            raise ValueError(f"ClusterSpec: no task {task_index} in job {job_name!r} (tasks {sorted(tasks)}).")
        return tasks[task_index]

    def job_tasks(self, job_name):
        """The addresses by index, None where an index has no task."""
        tasks = self._job(job_name)
        return [tasks.get(i) for i in range(max(tasks) + 1)] if tasks else []
