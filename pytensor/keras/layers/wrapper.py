"""Keras Wrapper: the base class of layers that wrap another layer."""
from .layer import Layer

__all__ = ["Wrapper"]


class Wrapper(Layer):
    """Base class of layers that take another layer and augment it (as ``SpectralNormalization``); subclasses
    implement ``call``. Its config holds the wrapped layer's serialized config under ``"layer"``.

    Args:
        layer: the layer to wrap.

    Raises:
        ValueError: when ``layer`` is not a Keras layer.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: the wrapped `layer` must be a keras.layers.Layer instance, e.g. "
                             f"{type(self).__name__}(Dense(8)); received {layer!r} of type {type(layer).__name__}.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)

    def get_config(self):
        from ..saving import serialize_keras_object
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .serialization import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
