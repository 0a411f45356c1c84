"""Keras SpectralNormalization layer."""
import pytensor as pt

from .. import initializers
from .input_spec import InputSpec
from .wrapper import Wrapper

__all__ = ["SpectralNormalization"]


def _l2_normalize(x, epsilon=1e-7):
    """``x / ||x||`` over all entries (Keras's ``ops.normalize(axis=None)``: the squared norm floored at 1e-7)."""
    return x * pt.math.rsqrt(pt.maximum(pt.reduce_sum(pt.square(x)), epsilon))


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's ``kernel`` (or ``embeddings``) by its largest singular value, estimated by
    ``power_iterations`` steps of power iteration from the non-trainable ``vector_u`` ``(1, kernel.shape[-1])``.
    As in Keras, a training call updates ``vector_u`` and assigns the normalized kernel to the wrapped layer's
    weight before running it (an all-zero kernel is left as it is); an inference call runs the layer unchanged.

    Example:
        >>> layer = keras.layers.SpectralNormalization(keras.layers.Dense(4))
        >>> layer(tf.ones((2, 3)), training=True).shape
        TensorShape([2, 4])

    Raises:
        ValueError: for ``power_iterations < 1`` or a wrapped layer with neither ``kernel`` nor ``embeddings``.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(f"SpectralNormalization: `power_iterations` must be a positive int; received "
                             f"power_iterations={power_iterations!r}.")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: tuple(input_shape)[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"SpectralNormalization: the wrapped {type(self.layer).__name__} layer "
                             f"'{self.layer.name}' has neither a `kernel` nor an `embeddings` weight to normalize.")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(name="vector_u", shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            # a select, not a Python branch, so a traced training step keeps it
            all_zero = pt.reduce_all(pt.equal(self.kernel, 0))
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(pt.where(all_zero, self.vector_u, vector_u))
            self.kernel.assign(pt.where(all_zero, self.kernel, kernel))
        return pt.cast(self.layer(inputs), inputs.dtype)

    def normalized_weights(self):
        """``(vector_u, kernel / sigma)`` after ``power_iterations`` steps of power iteration."""
        weights = pt.reshape(self.kernel, [-1, self.kernel_shape[-1]])
        vector_u = pt.convert_to_tensor(self.vector_u)
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(pt.matmul(vector_u, weights, transpose_b=True))
            vector_u = _l2_normalize(pt.matmul(vector_v, weights))
        vector_u, vector_v = pt.stop_gradient(vector_u), pt.stop_gradient(vector_v)
        sigma = pt.matmul(pt.matmul(vector_v, weights), vector_u, transpose_b=True)
        return vector_u, pt.reshape(self.kernel / sigma, self.kernel_shape)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
