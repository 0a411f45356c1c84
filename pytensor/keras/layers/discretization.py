"""Keras Discretization layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import OUTPUT_MODES, OutputDTypeMixin, adapt_batches, encode_categorical
from .layer import Layer

__all__ = ["Discretization"]


def _summarize(values, epsilon):
    """Keras's quantile summary of one batch: every ``step``-th sorted value (``step = max(n * epsilon, 1)``) with
    weight ``step``, as a (2, k) array of values and weights."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size * epsilon, 1)
    kept = values[int(step - 1)::int(step)]
    return np.stack([kept, np.ones_like(kept) * step])


def _compress(summary, epsilon):
    """Re-samples a summary at the cumulative-weight fractions ``epsilon, 2 epsilon, ..., 1`` (linear
    interpolation), unless it is already that small."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    values = np.interp(fractions, cumulative / cumulative[-1], summary[0])
    cumulative = np.interp(fractions, cumulative / cumulative[-1], cumulative)
    weights = cumulative - np.concatenate(([0], cumulative[:-1]))
    return np.stack((values, weights)).astype("float32")


class Discretization(OutputDTypeMixin, Layer):
    """Buckets values by ``bin_boundaries`` (bucket ``i`` holds ``boundaries[i-1] <= x < boundaries[i]``), or by
    ``num_bins`` quantile boundaries learnt by ``adapt`` (Keras's approximate quantiles, ``epsilon`` their
    tolerance). ``output_mode``: ``"int"`` bucket ids (int32, as Keras), ``"one_hot"``, ``"multi_hot"``, ``"count"``
    (in the layer's dtype).

    Example:
        >>> keras.layers.Discretization(bin_boundaries=[0.0, 1.0])(tf.constant([[-1.0, 0.5, 2.0]])).numpy()
        array([[0, 1, 2]], dtype=int32)
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, dtype=None,
                 name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Discretization layer '{self.name}': invalid value for argument output_mode. Expected "
                             f"one of {OUTPUT_MODES}. Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"Discretization layer '{self.name}': sparse=True is not supported here; use "
                             f"sparse=False (dense outputs).")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization layer '{self.name}': `num_bins` must be greater than or equal to 0. "
                             f"Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Discretization layer '{self.name}': both `num_bins` and `bin_boundaries` should not "
                             f"be set. Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"Discretization layer '{self.name}': you need to set either `num_bins` or "
                             f"`bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def adapt(self, data, steps=None):
        """Learns ``num_bins - 1`` quantile boundaries from ``data`` (an array, a tensor, or a Dataset / iterable
        of batches; ``steps`` caps the number of batches)."""
        if self.num_bins is None:
            raise ValueError(f"Discretization layer '{self.name}': cannot adapt a Discretization layer that has been "
                             f"initialized with `bin_boundaries`, use `num_bins` instead.")
        batches = adapt_batches(data, self)
        summary = np.array([[], []], dtype="float32")
        for batch in batches[:steps]:
            merged = np.concatenate((_summarize(batch.astype("float32"), self.epsilon), summary), axis=1)
            summary = _compress(np.take(merged, np.argsort(merged[0]), axis=1), self.epsilon)
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization layer '{self.name}': you need to either pass the `bin_boundaries` "
                             f"argument at construction time or call `adapt(dataset)` before you can start using "
                             f"the `Discretization` layer.")
        if not inputs.dtype.is_floating:
            inputs = pt.cast(inputs, pt.float64)
        boundaries = pt.constant(np.asarray(self.bin_boundaries, inputs.dtype.as_numpy_dtype).reshape(-1))
        indices = pt.reduce_sum(pt.cast(pt.expand_dims(inputs, -1) >= boundaries, pt.int64), axis=-1)
        return encode_categorical(self, indices, self.output_mode, len(self.bin_boundaries) + 1,
                                  pt.as_dtype(self._output_dtype()))

    def _output_dtype(self):
        return "int32" if self.output_mode == "int" else self._dtype

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot" and not (input_shape and input_shape[-1] == 1 and len(input_shape) > 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self._dtype}
