"""``tf.types``: the public base types; ``tf.types.experimental.TraceType`` lets a class choose how ``tf.function``
tells its instances apart (``__tf_tracing_type__``)."""
from . import experimental  # noqa: F401
