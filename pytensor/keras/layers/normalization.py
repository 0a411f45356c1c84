"""Keras Normalization layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import adapt_batches
from .layer import Layer

__all__ = ["Normalization"]


class Normalization(Layer):
    """``(x - mean) / max(sqrt(variance), epsilon)`` per position of the kept ``axis`` (default the last);
    ``invert=True`` computes ``mean + x * max(sqrt(variance), epsilon)``. ``mean`` / ``variance`` are given or
    learnt by ``adapt`` (weights ``mean``, ``variance``, ``count``, as Keras stores them); unadapted, the layer uses
    mean 0 and variance 1, as Keras 3 does.

    Example:
        >>> norm = keras.layers.Normalization()
        >>> norm.adapt(np.array([[1.0], [3.0]]))
        >>> norm(np.array([[3.0]])).numpy()
        array([[1.]], dtype=float32)
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization layer '{self.name}': when setting values directly, both `mean` and "
                             f"`variance` must be set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization layer '{self.name}': `mean` and `variance` must have the same "
                                 f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                                 f"{np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization layer '{self.name}': the rank of `mean` must be less than or equal "
                                 f"to the number of axes ({len(self.axis)}). Received: mean shape {np.shape(mean)} "
                                 f"for axis {self.axis}")

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization layer '{self.name}': all `axis` values must be in the range [-ndim, "
                             f"ndim). Received inputs with ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(f"Normalization layer '{self.name}': all `axis` values to be kept must have a known "
                                 f"size. Received axis={self.axis}, inputs.shape={tuple(input_shape)}, with unknown "
                                 f"axis at index {a}")
        self._reduce_axis = tuple(a for a in range(ndim) if a not in self._keep_axis)
        self._build_input_shape = tuple(input_shape)
        self._broadcast_shape = [input_shape[a] if a in self._keep_axis else 1 for a in range(ndim)]
        kept_shape = tuple(input_shape[a] for a in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=kept_shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=kept_shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
        else:
            self._given = [self._broadcast(value) for value in (self.input_mean, self.input_variance)]
        self.built = True

    def _broadcast(self, value):
        """A given mean / variance broadcast to the input's rank (its dimensions fill the last kept axes)."""
        value = np.asarray(value, np.dtype(self._dtype))
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        return pt.constant(np.broadcast_to(value.reshape(expanded), self._broadcast_shape).copy())

    def adapt(self, data):
        """Learns the mean and variance of ``data`` (an array, a tensor, or a batched Dataset / iterable of
        batches), merging the batches' moments exactly."""
        from pytensor.data import Dataset

        if isinstance(data, Dataset) and len(pt.nest.flatten(data.element_spec)[0].shape) == 1:
            data = data.batch(128)  # as Keras: a dataset of rank-1 elements holds single samples
        batches = adapt_batches(data, self)
        if not self.built:
            self.build(batches[0].shape)
        for batch in batches:
            for a in self._keep_axis:
                if batch.ndim != len(self._build_input_shape) or batch.shape[a] != self._build_input_shape[a]:
                    raise ValueError(f"Normalization layer '{self.name}': the layer was built with input_shape="
                                     f"{self._build_input_shape}, but adapt() received data of the incompatible "
                                     f"shape {batch.shape}.")
        total_mean = total_var = 0.0
        total_count = 0
        for batch in batches:
            batch = batch.astype(np.float64)
            count = int(np.prod([batch.shape[a] for a in self._reduce_axis]))
            mean, var = batch.mean(axis=self._reduce_axis), batch.var(axis=self._reduce_axis)
            total_count += count
            weight = count / total_count
            new_mean = total_mean * (1 - weight) + mean * weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1 - weight)
                         + (var + (mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, np.dtype(self._dtype)))
        self.adapt_variance.assign(np.asarray(total_var, np.dtype(self._dtype)))
        self.count.assign(np.int64(total_count))

    def _moments(self):
        if self.input_mean is not None:
            return self._given
        return (pt.reshape(self.adapt_mean, self._broadcast_shape),
                pt.reshape(self.adapt_variance, self._broadcast_shape))

    def call(self, inputs):
        mean, variance = self._moments()
        try:  # the moments broadcast against the inputs as in Keras (e.g. adapted on (n,), called on (batch, 1))
            np.broadcast_shapes(tuple(inputs.shape), tuple(mean.shape))
        except ValueError:
            raise ValueError(f"Normalization layer '{self.name}': its mean and variance of shape {tuple(mean.shape)} "
                             f"(from inputs of shape {self._build_input_shape}, axis={self.axis}) do not broadcast "
                             f"against inputs of shape {tuple(inputs.shape)}; adapt or build it on data shaped like "
                             f"the inputs.") from None
        scale = pt.maximum(pt.sqrt(variance), 1e-7)
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": np.array(self.input_mean).tolist(), "variance": np.array(self.input_variance).tolist()})
        return config
