"""Keras Cropping1D layer."""
from ._layer_utils import check_input_shape, normalize_pairs
from .layer import Layer

__all__ = ["Cropping1D"]


def check_cropping(layer, shape, cropping):
    """Raises Keras's ValueError when cropping removes a whole spatial axis of ``shape``."""
    for size, (before, after) in zip(shape[1:-1], cropping):
        if size is not None and before + after >= size:
            raise ValueError(f"{type(layer).__name__} layer '{layer.name}': `cropping` must leave at least one "
                             f"element on every axis; received cropping={cropping} for an input of shape {shape}. "
                             f"Crop less, or check the input's shape.")


class Cropping1D(Layer):
    """Removes steps from the start and end of ``(batch, steps, features)`` inputs.

    Example:
        >>> keras.layers.Cropping1D(cropping=(1, 2))(tf.ones((2, 7, 3))).shape
        TensorShape([2, 4, 3])

    Args:
        cropping: an int (both ends) or ``(start, end)``.
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_pairs(cropping, 1, "cropping", "Cropping1D")[0]
        self.built = True

    def call(self, inputs):
        shape = check_input_shape(self, inputs.shape, 3, "(batch, steps, features)")
        check_cropping(self, shape, (self.cropping,))
        start, end = self.cropping
        return inputs[:, start:shape[1] - end, :]

    def compute_output_shape(self, input_shape):
        batch, steps, features = tuple(input_shape)
        return batch, None if steps is None else steps - sum(self.cropping), features

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
