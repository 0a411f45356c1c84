"""``tf.experimental.dlpack``: zero-copy tensor exchange with other libraries (numpy, PyTorch, JAX) by DLPack."""

from .. import _core

__all__ = ["to_dlpack", "from_dlpack"]


def to_dlpack(tf_tensor):
    """A DLPack capsule sharing `tf_tensor`'s memory."""
    return _core.to_dlpack(tf_tensor)


def from_dlpack(dlcapsule):
    """The tensor sharing a DLPack capsule's (or an object with ``__dlpack__``'s) memory."""
    return _core.from_dlpack(dlcapsule)
