"""Keras RMSNormalization layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["RMSNormalization"]


class RMSNormalization(Layer):
    """Root-mean-square normalization over ``axis`` (an int or a list of ints, default the last):
    ``x * rsqrt(mean(x ** 2, axis) + epsilon) * scale``, with a trainable ``scale`` (ones at first) shaped like
    the normalized axes.

    Example:
        >>> keras.layers.RMSNormalization()(tf.constant([[3.0, 4.0]])).numpy()
        array([[0.8485279, 1.1313705]], dtype=float32)

    Raises:
        ValueError: for an axis out of range of the input, or of unknown size.
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def _axes(self, rank, shape):
        axes = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        if any(not -rank <= a < rank for a in axes):
            raise ValueError(f"RMSNormalization layer '{self.name}': axis={self.axis} is out of range for an input "
                             f"of shape {tuple(shape)}. Pick axes in [-{rank}, {rank}).")
        return axes

    def build(self, input_shape):
        shape = tuple(input_shape)
        axes = self._axes(len(shape), shape)
        sizes = tuple(shape[a] for a in axes)
        if any(d is None for d in sizes):
            raise ValueError(f"RMSNormalization layer '{self.name}': the normalized axes {axes} of the input must "
                             f"have known sizes; received shape {shape}.")
        self.scale = self.add_weight(name="scale", shape=sizes, initializer="ones")

    def call(self, inputs):
        rank = len(inputs.shape)
        axes = [a % rank for a in self._axes(rank, inputs.shape)]
        mean_square = pt.reduce_mean(pt.square(inputs), axis=axes, keepdims=True)
        # the scale placed on the normalized axes, size 1 elsewhere
        scale_shape = [int(inputs.shape[a]) if a in axes else 1 for a in range(min(axes), rank)]
        return inputs * pt.math.rsqrt(mean_square + self.epsilon) * pt.reshape(self.scale, scale_shape)

    def compute_output_shape(self, input_shape):
        self._axes(len(tuple(input_shape)), input_shape)
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
