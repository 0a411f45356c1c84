"""Keras TFSMLayer: a SavedModel's endpoint as a layer."""
from .layer import Layer

__all__ = ["TFSMLayer"]


class TFSMLayer(Layer):
    """Loads the SavedModel at ``filepath`` (``tf.saved_model.load``; one that ``model.export`` or
    ``tf.saved_model.save`` wrote here) and calls its ``call_endpoint`` (an attribute such as ``"serve"``, or a
    signature name such as ``"serving_default"``) on the inputs; in training calls ``call_training_endpoint``
    when given. The loaded variables are the layer's weights.

    Example:
        >>> model.export("exported")
        >>> layer = keras.layers.TFSMLayer("exported", call_endpoint="serve")
        >>> layer(x).shape == model(x).shape
        True

    Raises:
        ValueError: for an endpoint that is neither an attribute nor a signature of the SavedModel (the message
            lists those there); loading errors as ``tf.saved_model.load``.
    """

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None, trainable=True, name=None,
                 dtype=None):
        from ...saved_model import load
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self._reloaded_obj = load(filepath)
        self.filepath = filepath
        self.call_endpoint = call_endpoint
        self.call_training_endpoint = call_training_endpoint
        self.call_endpoint_fn = self._endpoint(call_endpoint)
        self.call_training_endpoint_fn = self._endpoint(call_training_endpoint) if call_training_endpoint else None
        self._own_weights.extend(self._reloaded_obj.variables)
        self.built = True

    def _endpoint(self, name):
        obj = self._reloaded_obj
        if name in vars(obj) and callable(getattr(obj, name)):
            return getattr(obj, name)
        signatures = getattr(obj, "signatures", {})
        if name in signatures:
            return signatures[name]
        endpoints = sorted([n for n, v in vars(obj).items() if callable(v) and not n.startswith("_")] +
                           list(signatures))
        raise ValueError(f"TFSMLayer '{self.name}': the endpoint {name!r} is neither an attribute nor a signature of "
                         f"the SavedModel at {self.filepath!r}. Pick one with call_endpoint=...; available "
                         f"endpoints: {endpoints}.")

    def call(self, inputs, training=False, **kwargs):
        if training and self.call_training_endpoint_fn is not None:
            return self.call_training_endpoint_fn(inputs, **kwargs)
        return self.call_endpoint_fn(inputs, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.update({"filepath": self.filepath, "call_endpoint": self.call_endpoint,
                       "call_training_endpoint": self.call_training_endpoint})
        return config
