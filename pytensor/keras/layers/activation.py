"""Keras Activation layer."""
from .. import activations
from .layer import Layer

__all__ = ["Activation"]


class Activation(Layer):
    """Applies an activation function: ``outputs = activation(inputs)``.

    Example:
        >>> keras.layers.Activation("relu")(tf.constant([[-1.0, 2.0]])).numpy()
        array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
