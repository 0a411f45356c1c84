"""Keras UnitNormalization layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["UnitNormalization"]

_EPSILON = 1e-12  # Keras's: norms below it divide by it instead


class UnitNormalization(Layer):
    """Scales each example to unit L2 norm over ``axis`` (an int or a list of ints): ``x / max(||x||, 1e-12)``.

    Example:
        >>> keras.layers.UnitNormalization()(tf.constant([[3.0, 4.0]])).numpy()
        array([[0.6, 0.8]], dtype=float32)

    Raises:
        ValueError: for an axis out of range of the input.
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"UnitNormalization layer '{self.name}': `axis` must be an int or a list of ints; "
                            f"received axis={axis!r}.")
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        rank = len(inputs.shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -rank <= a < rank for a in axes):
            raise ValueError(f"UnitNormalization layer '{self.name}': axis={self.axis} is out of range for an "
                             f"input of shape {tuple(inputs.shape)}.")
        square_sum = pt.reduce_sum(pt.square(inputs), axis=axes, keepdims=True)
        inverse_norm = pt.minimum(pt.math.rsqrt(square_sum), pt.constant(1.0 / _EPSILON, dtype=inputs.dtype))
        return inputs * inverse_norm

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
