"""The `tensorboard` package's protocol buffers and plugin metadata, loaded on first use.

Event files are written with TensorBoard's own classes, so what TensorBoard reads is what its plugins expect.
"""
import functools
import types

INSTALL_HINT = "pip install pytensor-tf[tensorboard]"


@functools.lru_cache(maxsize=None)
def protos():
    """A namespace of TensorBoard's proto modules and plugin metadata modules.

    Raises:
        ImportError: if the `tensorboard` package is not installed, saying what to install.
    """
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
        from tensorboard.plugins.audio import metadata as audio
        from tensorboard.plugins.histogram import metadata as histogram
        from tensorboard.plugins.image import metadata as image
        from tensorboard.plugins.scalar import metadata as scalar
        from tensorboard.plugins.text import metadata as text
    except ImportError as e:
        raise ImportError(f"tf.summary writes TensorBoard event files with the `tensorboard` package's protocol "
                          f"buffers, and it is not installed ({e}). Install it with `{INSTALL_HINT}` "
                          f"(or `pip install tensorboard`).") from e
    return types.SimpleNamespace(event_pb2=event_pb2, summary_pb2=summary_pb2, tensor_pb2=tensor_pb2,
                                 tensor_shape_pb2=tensor_shape_pb2, types_pb2=types_pb2, audio=audio,
                                 histogram=histogram, image=image, scalar=scalar, text=text)
