"""``tf.profiler``: ``tf.profiler.experimental`` records host-side spans (``Trace`` blocks, named by the program)
between ``start`` and ``stop`` and writes them where TensorBoard's profile plugin and Perfetto read them:
``<logdir>/plugins/profile/<run>/<host>.trace.json.gz`` (the Chrome trace-event format).
"""

from . import experimental  # noqa: F401

__all__ = ["experimental"]
