"""The layers that wrap another framework's module (FlaxLayer, JaxLayer, TorchModuleWrapper): Keras runs them
only on that framework's backend, and pytensor is not one of them, so constructing one raises an error saying so."""
from .layer import Layer

__all__ = ["ForeignModuleLayer"]


class ForeignModuleLayer(Layer):
    """Raises ValueError on construction: the wrapped module runs only inside its own framework (subclasses set
    ``_framework`` and ``_fix``)."""

    _framework = None
    _fix = None

    def __init__(self, *args, **kwargs):
        cls = type(self).__name__
        raise ValueError(f"{cls} wraps a {self._framework} module, which runs only inside {self._framework} (Keras "
                         f"supports it only on that backend); pytensor cannot run it. {self._fix}")
