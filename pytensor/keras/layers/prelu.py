"""Keras PReLU layer."""
import pytensor as pt

from .. import initializers, regularizers
from ._layer_utils import check_input_shape
from .layer import Layer

__all__ = ["PReLU"]


class PReLU(Layer):
    """Parametric ReLU: ``x`` for ``x >= 0``, ``alpha * x`` otherwise, with a learned ``alpha`` of the input's
    shape without the batch axis (size 1 along ``shared_axes``, e.g. ``shared_axes=[1, 2]`` for one slope per
    channel of (batch, height, width, channels) images).

    Example:
        >>> layer = keras.layers.PReLU(shared_axes=[1, 2])
        >>> layer(tf.ones((2, 8, 8, 3))).shape, layer.alpha.shape
        (TensorShape([2, 8, 8, 3]), TensorShape([1, 1, 3]))

    Args:
        alpha_initializer: default zeros (a plain ReLU at first).
        alpha_regularizer, alpha_constraint: for the ``alpha`` weight.
        shared_axes: axis or axes (1-based, the batch being 0) sharing one slope.
    """

    _casts_integer_inputs = True

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = alpha_constraint
        self.shared_axes = None if shared_axes is None else \
            list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
        self.supports_masking = True

    def build(self, input_shape):
        shape = tuple(input_shape)
        rank = len(shape)
        bad = [a for a in self.shared_axes or [] if not 1 <= a < rank]
        if bad or any(d is None for i, d in enumerate(shape[1:], 1) if i not in (self.shared_axes or [])):
            raise ValueError(f"PReLU layer '{self.name}': shared_axes={self.shared_axes} must be axes 1 to "
                             f"{rank - 1} of the input, and every other non-batch axis must have a known size; "
                             f"received input shape {shape}. Share the unknown axes, e.g. shared_axes=[1, 2].")
        self._param_shape = tuple(1 if i in (self.shared_axes or []) else d for i, d in enumerate(shape[1:], 1))
        self.alpha = self.add_weight(name="alpha", shape=self._param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)

    def call(self, inputs):
        axes = {i: d for i, d in enumerate(self._param_shape, 1) if d != 1}
        check_input_shape(self, inputs.shape, len(self._param_shape) + 1,
                          f"(batch, {', '.join(str(d) for d in self._param_shape)})", axes=axes)
        return pt.nn.relu(inputs) - self.alpha * pt.nn.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha_initializer": initializers.serialize(self.alpha_initializer),
                       "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                       "alpha_constraint": None, "shared_axes": self.shared_axes})
        return config
