"""Shared body of the adaptive pooling layers (AdaptiveAveragePooling1D/2D/3D, AdaptiveMaxPooling1D/2D/3D)."""
import pytensor as pt

from ._layer_utils import (check_data_format, check_input_shape, shape_to_channels_last, shape_to_data_format,
                           to_channels_last, to_data_format)
from .layer import Layer

__all__ = ["AdaptivePooling", "adaptive_bins"]


def adaptive_bins(length, size):
    """Keras 3's (and PyTorch's) bins of ``length`` inputs for ``size`` outputs: output ``i`` pools inputs
    ``[floor(i * length / size), ceil((i + 1) * length / size))`` (bins overlap when ``size`` does not divide
    ``length``, and repeat inputs when ``size > length``)."""
    return [((i * length) // size, -(-((i + 1) * length) // size)) for i in range(size)]


class AdaptivePooling(Layer):
    """Pools each example to a fixed ``output_size`` whatever its spatial size; subclasses set ``rank``,
    ``_reduce`` (mean or max) and ``_example``.

    Raises:
        TypeError: for an ``output_size`` that is not an int or a tuple of ``rank`` ints.
        ValueError: for an input of another rank or with unknown spatial sizes.
    """

    rank = None
    _reduce = None
    _example = None
    _casts_integer_inputs = True

    def __init__(self, output_size, data_format=None, **kwargs):
        cls = type(self).__name__
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * self.rank
        elif isinstance(output_size, (tuple, list)) and len(output_size) == self.rank and \
                all(isinstance(n, int) for n in output_size):
            output_size = tuple(output_size)
        else:
            raise TypeError(f"{cls}: `output_size` must be an int or a tuple of {self.rank} ints; received "
                            f"output_size={output_size!r} of type {type(output_size).__name__}.")
        if any(n < 1 for n in output_size):
            raise ValueError(f"{cls}: `output_size` entries must be >= 1; received output_size={output_size}.")
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = check_data_format(data_format, cls, channels_first=True)
        self.built = True

    def call(self, inputs):
        shape = check_input_shape(self, inputs.shape, self.rank + 2, self._example)
        x = to_channels_last(inputs, self.data_format)
        spatial = shape_to_channels_last(shape, self.data_format)[1:-1]
        if any(n is None for n in spatial):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': the spatial sizes of the input must be "
                             f"known; received shape {shape}.")
        for axis, (length, size) in enumerate(zip(spatial, self.output_size), start=1):
            # pooling is separable: each axis in turn, one reduction per output bin
            pieces = [self._reduce(x[(slice(None),) * axis + (slice(start, end),)], axis=axis, keepdims=True)
                      for start, end in adaptive_bins(length, size)]
            x = pt.concat(pieces, axis=axis)
        return to_data_format(x, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = shape_to_channels_last(input_shape, self.data_format)
        return shape_to_data_format(shape[:1] + self.output_size + shape[-1:], self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config
