"""Keras RepeatVector layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["RepeatVector"]


class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``.

    Example:
        >>> keras.layers.RepeatVector(3)(tf.ones((2, 5))).shape
        TensorShape([2, 3, 5])
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def _check(self, input_shape):
        if len(tuple(input_shape)) != 2:
            raise ValueError(f"RepeatVector layer '{self.name}': expected an input of shape (batch, features), "
                             f"received shape {tuple(input_shape)}. Flatten it first.")

    def call(self, inputs):
        self._check(inputs.shape)
        return pt.tile(pt.expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return (tuple(input_shape)[0], self.n, tuple(input_shape)[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
