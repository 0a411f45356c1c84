"""Keras's text progress bar: ``469/469 [==============================] - 1s 3ms/step - loss: 0.3037``."""
import sys
import time

__all__ = ["Progbar"]


def _format_value(value):
    return f" {value:.4f}" if abs(value) > 1e-3 else f" {value:.4e}"


def _format_rate(seconds_per_step):
    if seconds_per_step >= 1 or seconds_per_step == 0:
        return f"{seconds_per_step:.0f}s/step"
    if seconds_per_step >= 1e-3:
        return f"{seconds_per_step * 1e3:.0f}ms/step"
    return f"{seconds_per_step * 1e6:.0f}us/step"


def _format_eta(eta):
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600) // 60:02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """A progress bar over ``target`` steps (None = unknown), redrawn in place on a terminal.

    ``verbose=1``: the bar, throttled to one redraw per ``interval`` seconds; when stdout is not a terminal
    only the finished bar is written (no flood in log files). ``verbose=2``: one summary line at the end, as
    Keras 3 prints it (``10/10 - 0s - 3ms/step - loss: 0.5000``).

    Example:
        >>> bar = Progbar(3)
        >>> for step in range(1, 4):
        ...     bar.update(step, [("loss", 0.5)])
        3/3 [==============================] - 0s 1ms/step - loss: 0.5000
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="step", stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self._dynamic = hasattr(self.stream, "isatty") and self.stream.isatty() or "ipykernel" in sys.modules
        self._start = time.time()
        self._last_update = 0.0
        self._prev_width = 0
        self._finished = False

    def _bar(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = len(str(self.target))
        done = int(self.width * current / self.target) if self.target else self.width
        bar = "=" * max(done - 1, 0)
        if current < self.target:
            bar += ">" if done > 0 else ""
            bar += "." * (self.width - len(bar))
        else:
            bar = "=" * self.width
        return f"{current:{digits}d}/{self.target} [{bar}]"

    def update(self, current, values=None, finalize=None):
        """Shows progress at step ``current`` with ``values``, a list of ``(name, number)`` pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.time()
        if self._finished or self.verbose == 0 or (not finalize and (self.verbose == 2 or not self._dynamic or
                                                                     now - self._last_update < self.interval)):
            return
        self._last_update = now
        elapsed = now - self._start
        per_step = elapsed / current if current else 0.0
        metrics = "".join(f" - {name}:{_format_value(float(value))}" for name, value in values or [])
        if self.verbose == 2:
            count = f"{current}/{self.target}" if self.target is not None else f"{current}"
            # Keras 3's summary line: count, seconds, time per step, then the metrics.
            line = f"{count} - {elapsed:.0f}s - {_format_rate(per_step)}{metrics}\n"
        elif finalize:
            line = f"{self._bar(current)} - {elapsed:.0f}s {_format_rate(per_step)}{metrics}\n"
        else:
            eta = per_step * (self.target - current) if self.target is not None else None
            info = f" - ETA: {_format_eta(eta)}" if eta is not None else f" - {elapsed:.0f}s {_format_rate(per_step)}"
            line = f"{self._bar(current)}{info}{metrics}"
        if self._dynamic and self.verbose == 1:
            pad = max(self._prev_width - len(line.rstrip("\n")), 0)
            text = "\r" + line.rstrip("\n") + " " * pad + ("\n" if finalize else "")
            self._prev_width = len(line)
        else:
            text = line
        self.stream.write(text)
        self.stream.flush()
        self._finished = finalize
