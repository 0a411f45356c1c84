"""Keras TorchModuleWrapper: not supported (it wraps PyTorch code)."""
from ._foreign_module import ForeignModuleLayer

__all__ = ["TorchModuleWrapper"]


class TorchModuleWrapper(ForeignModuleLayer):
    """Keras's wrapper of a ``torch.nn.Module``. Not supported: the module runs only inside PyTorch, so constructing
    this layer raises ValueError saying so and how to port the model.

    Raises:
        ValueError: always.
    """

    _framework = "PyTorch"
    _fix = ("Rewrite the module as a keras.layers.Layer, or copy its tensors (module.state_dict()) into a layer's "
            "weights with set_weights (transposing Linear weights).")
