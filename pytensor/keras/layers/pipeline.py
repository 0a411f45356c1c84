"""Keras Pipeline layer."""
from .layer import Layer

__all__ = ["Pipeline"]


class Pipeline(Layer):
    """Applies a list of layers in order, passing each one's output (and mask) to the next; meant for
    preprocessing chains usable in a model or in ``tf.data`` ``map``. Unlike ``Sequential`` it is a layer, not a
    model: it has no ``fit``.

    Example:
        >>> pipeline = keras.layers.Pipeline([keras.layers.Rescaling(1 / 255), keras.layers.CenterCrop(2, 2)])
        >>> pipeline(tf.ones((1, 4, 4, 3)) * 255).shape
        TensorShape([1, 2, 2, 3])

    Raises:
        ValueError: when ``layers`` is not a list of layers.
    """

    def __init__(self, layers, name=None):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of keras.layers.Layer; received {layers!r}.")
        super().__init__(name=name)
        self._pipeline_layers = list(layers)
        self.built = True

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_takes_mask and mask is not None:
                kwargs["mask"] = mask
            if layer._call_takes_training and training is not None:
                kwargs["training"] = training
            outputs = layer(outputs, **kwargs)
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        from .serialization import serialize
        return {"layers": [serialize(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config):
        from .serialization import deserialize
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"Pipeline config must hold a `layers` list of serialized layers; received "
                             f"layers={layers!r}.")
        return cls([deserialize(layer) for layer in layers], name=config.get("name"))
