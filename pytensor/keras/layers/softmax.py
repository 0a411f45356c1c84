"""Keras Softmax layer."""
import pytensor as pt

from .. import activations
from .layer import Layer

__all__ = ["Softmax"]


def _large_negative(dtype):
    """What masked logits become: small enough to vanish in the softmax, finite in the dtype (Keras's values)."""
    return -3e4 if dtype.name == "float16" else -1e9


class Softmax(Layer):
    """Softmax over ``axis`` (an int, or a tuple of axes normalised together): ``exp(x) / sum(exp(x), axis)``.

    With ``mask`` (a bool tensor broadcastable to the input, True = keep) masked entries take no part and
    output 0.

    Example:
        >>> keras.layers.Softmax()(tf.constant([1.0, 2.0, 1.0])).numpy()
        array([0.21194157, 0.5761169 , 0.21194157], dtype=float32)

    Raises:
        ValueError: when ``mask`` has more axes than the input or an axis that is neither 1 nor the input's.
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._checked_mask(inputs, mask)
            inputs = pt.where(mask, inputs, pt.constant(_large_negative(inputs.dtype), dtype=inputs.dtype))
        if isinstance(self.axis, tuple) and len(self.axis) > 1:
            outputs = pt.exp(inputs - pt.reduce_logsumexp(inputs, axis=list(self.axis), keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, tuple) else self.axis
            outputs = activations.softmax(inputs, axis=axis) if len(inputs.shape) >= 2 else \
                pt.nn.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = pt.where(mask, outputs, pt.zeros_like(outputs))
        return outputs

    def _checked_mask(self, inputs, mask):
        mask = pt.convert_to_tensor(mask)
        in_shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
        if len(mask_shape) > len(in_shape) or any(m not in (1, i) for m, i in zip(mask_shape[::-1], in_shape[::-1])):
            raise ValueError(f"Softmax layer '{self.name}': the mask must be broadcastable to the inputs (each mask "
                             f"axis 1 or equal to the input's, no extra axes); received inputs.shape={in_shape}, "
                             f"mask.shape={mask_shape}. Reshape the mask, e.g. mask[:, None, :] for attention "
                             f"scores of shape (batch, queries, keys).")
        if mask.dtype != pt.bool:
            mask = mask > pt.constant(0.5, dtype=mask.dtype)
        return mask

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return config
