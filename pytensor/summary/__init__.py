"""``tf.summary``: event files for TensorBoard (scalars, histograms, images, text, audio).

Writing needs the `tensorboard` package (``pip install pytensor-tf[tensorboard]``), whose protocol buffers and
plugin metadata make the files. ``trace_on`` / ``trace_export`` need graph mode (``tf.function``), which
pytensor does not have yet; they raise ``UnimplementedError``.

Example:
    >>> writer = tf.summary.create_file_writer("logs/run1")
    >>> with writer.as_default():
    ...     for step in range(100):
    ...         tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
"""
from . import experimental
from ._reader import summary_iterator
from ._summaries import audio, histogram, image, scalar, text, write
from ._writer import (SummaryWriter, create_file_writer, create_noop_writer, flush, record_if, set_step,
                      should_record_summaries)
from .. import errors as _errors

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "flush", "record_if", "set_step",
           "should_record_summaries", "scalar", "histogram", "image", "text", "audio", "write", "experimental",
           "summary_iterator", "trace_on", "trace_off", "trace_export", "graph"]


def _no_graph_mode(what):
    raise _errors.UnimplementedError(
        f"tf.summary.{what}: traced op graphs need graph mode (tf.function), which pytensor does not have yet. "
        f"For a Keras model, keras.callbacks.TensorBoard(write_graph=True) writes its conceptual graph.")


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Not built: tracing a ``tf.function``'s graph needs graph mode (raises UnimplementedError)."""
    _no_graph_mode("trace_on")


def trace_export(name, step=None, profiler_outdir=None):
    """Not built: see ``trace_on`` (raises UnimplementedError)."""
    _no_graph_mode("trace_export")


def trace_off():
    """Stops tracing; nothing is ever traced, so this does nothing."""


def graph(graph_data):
    """Not built: writing an op graph needs graph mode (raises UnimplementedError)."""
    _no_graph_mode("graph")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
