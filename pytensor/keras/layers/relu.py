"""Keras ReLU layer."""
from .. import activations
from .layer import Layer

__all__ = ["ReLU"]


class ReLU(Layer):
    """Rectified linear unit with Keras's options: ``x`` for ``threshold <= x < max_value``, ``max_value`` above
    it, ``negative_slope * (x - threshold)`` below ``threshold``.

    Example:
        >>> keras.layers.ReLU(max_value=6.0)(tf.constant([-1.0, 3.0, 9.0])).numpy()
        array([0., 3., 6.], dtype=float32)

    Raises:
        ValueError: for a negative ``max_value``, ``negative_slope`` or ``threshold``.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("max_value", max_value), ("negative_slope", negative_slope), ("threshold", threshold)):
            if (value is None and arg != "max_value") or (value is not None and value < 0.0):
                raise ValueError(f"ReLU: `{arg}` must be a float >= 0{' or None' if arg == 'max_value' else ''}; "
                                 f"received {arg}={value!r}.")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config
