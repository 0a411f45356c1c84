"""Keras Masking layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["Masking"]


class Masking(Layer):
    """Masks the timesteps whose features all equal ``mask_value``: they become zeros, and the output's mask
    (``(batch, timesteps)``, True = use the step) tells downstream layers (LSTM, GRU, RNN, pooling, losses) to
    skip them.

    Example:
        >>> x = np.random.random((32, 10, 8)).astype("float32")
        >>> x[:, 3, :] = 0.0
        >>> model = keras.Sequential([keras.layers.Masking(mask_value=0.0), keras.layers.LSTM(32)])
        >>> model(x).shape
        TensorShape([32, 32])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def _keep(self, inputs, keepdims):
        return pt.reduce_any(pt.not_equal(inputs, pt.constant(self.mask_value, dtype=inputs.dtype)), axis=-1,
                             keepdims=keepdims)

    def call(self, inputs):
        return pt.where(self._keep(inputs, True), inputs, pt.zeros_like(inputs))

    def compute_mask(self, inputs, mask=None):
        return self._keep(pt.convert_to_tensor(inputs), False)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
