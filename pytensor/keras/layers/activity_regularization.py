"""Keras ActivityRegularization layer."""
from .. import regularizers
from .layer import Layer

__all__ = ["ActivityRegularization"]


class ActivityRegularization(Layer):
    """The identity, adding ``(l1 * sum(|x|) + l2 * sum(x ** 2)) / batch_size`` of its input to the model's losses
    (``layer.losses``; ``fit`` adds them to the loss it minimizes).

    Example:
        >>> layer = keras.layers.ActivityRegularization(l1=0.01)
        >>> y = layer(tf.constant([[1.0, -2.0]]))
        >>> round(float(layer.losses[0]), 6)  # 0.01 * 3 / 1
        0.03
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config
