"""Keras Permute layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["Permute"]


class Permute(Layer):
    """Permutes the non-batch axes: ``dims`` is a permutation of ``1..rank-1`` (1-based, batch excluded).

    Example:
        >>> keras.layers.Permute((2, 1))(tf.ones((4, 10, 64))).shape
        TensorShape([4, 64, 10])
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(int(d) for d in dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute layer '{self.name}': `dims` must be a permutation of 1..{len(dims)} (the "
                             f"batch axis 0 is excluded); received dims={dims}.")
        self.dims = dims

    def _check(self, input_shape):
        if len(tuple(input_shape)) != len(self.dims) + 1:
            raise ValueError(f"Permute layer '{self.name}': dims={self.dims} needs inputs of rank "
                             f"{len(self.dims) + 1}, received shape {tuple(input_shape)}.")

    def call(self, inputs):
        self._check(inputs.shape)
        return pt.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        shape = tuple(input_shape)
        return (shape[0],) + tuple(shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
