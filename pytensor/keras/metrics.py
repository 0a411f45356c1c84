"""keras.metrics: the ``Metric`` base, Keras's metric classes, the accuracy functions and ``get``.

State lives in non-trainable pytensor Variables; ``update_state`` is a handful of C++ op calls per batch (AUC and
the confusion metrics count all thresholds at once), never per-element Python.

    m = keras.metrics.AUC(num_thresholds=200)
    m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    m.result()  # 0.75
"""

import pytensor as pt

from . import losses as _losses
from .backend import to_snake_case
from .serialization import deserialize_object, get_registered_name, serialize_object, unknown_identifier_error

EPSILON = _losses.EPSILON


def _float(x, dtype=None):
    x = pt.convert_to_tensor(x)
    dtype = dtype or (x.dtype if x.dtype in (pt.float32, pt.float64) else pt.float32)
    return x if x.dtype == dtype else pt.cast(x, dtype)


def _weights_like(sample_weight, values):
    """sample_weight brought to ``values``' shape (trailing 1s dropped, trailing axes broadcast)."""
    weight = _losses._broadcast_weight(sample_weight, values)
    return pt.broadcast_to(weight, tuple(values.shape))


# ---------------------------------------------------------------------------------------------------------------
# base classes
# ---------------------------------------------------------------------------------------------------------------

class Metric:
    """Base class of the Keras metrics: state in Variables, ``update_state`` accumulates a batch, ``result``
    reads the value, ``reset_state`` zeroes the state.

    Args:
        name: the metric's name (the key in ``fit``'s logs).
        dtype: dtype of the state variables (float32 by default).

    Example:
        class Count(keras.metrics.Metric):
            def __init__(self, name="count"):
                super().__init__(name=name)
                self.n = self.add_variable((), name="n")
            def update_state(self, y_true, y_pred, sample_weight=None):
                self.n.assign_add(tf.cast(tf.size(y_true), "float32"))
            def result(self):
                return self.n.value()
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = pt.as_dtype(dtype) if dtype is not None else pt.float32
        self._variables = []

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        """Creates a non-trainable state Variable (zeros, or ones with ``initializer="ones"``) and tracks it."""
        if initializer not in ("zeros", "ones"):
            raise ValueError(f"{type(self).__name__}.add_variable: initializer must be 'zeros' or 'ones', got "
                             f"{initializer!r}.")
        make = pt.zeros if initializer == "zeros" else pt.ones
        variable = pt.Variable(make(tuple(shape), dtype=dtype or self.dtype), trainable=False,
                               name=name or "variable")
        variable._metric_initializer = initializer  # a name, not the function: metrics pickle with their state
        self._variables.append(variable)
        return variable

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None):
        """Keras 2's spelling of ``add_variable``."""
        return self.add_variable(shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables."""
        return list(self._variables)

    def update_state(self, *args, **kwargs):
        """Accumulates a batch; subclasses override."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state.")

    def result(self):
        """The metric's value as a tensor; subclasses override."""
        raise NotImplementedError(f"{type(self).__name__} must implement result.")

    def reset_state(self):
        """Zeroes (re-initialises) every state variable."""
        for variable in self._variables:
            make = pt.zeros if variable._metric_initializer == "zeros" else pt.ones
            variable.assign(make(tuple(variable.shape), dtype=variable.dtype))

    def reset_states(self):
        """The older name of ``reset_state``."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """The constructor arguments as a dict."""
        return {"name": self.name, "dtype": self.dtype.name}

    @classmethod
    def from_config(cls, config):
        """Rebuilds the metric from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Sum(Metric):
    """The (weighted) sum of the values seen: ``sum(values * sample_weight)``.

    Example:
        >>> m = keras.metrics.Sum(); m.update_state([1, 3, 5, 7]); m.result()  # 16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        """Adds ``sum(values * sample_weight)``."""
        values = _float(values, self.dtype)
        if sample_weight is not None:
            values = values * _weights_like(sample_weight, values)
        self.total.assign_add(pt.reduce_sum(values))

    def result(self):
        return self.total.value()


class Mean(Metric):
    """The (weighted) mean of the values seen: ``sum(values * w) / sum(w)``.

    Example:
        >>> m = keras.metrics.Mean(); m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]); m.result()  # 2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        """Adds ``sum(values * w)`` to the total and ``sum(w)`` (w broadcast to values) to the count."""
        values = _float(values, self.dtype)
        if sample_weight is None:
            self.total.assign_add(pt.reduce_sum(values))
            self.count.assign_add(pt.cast(pt.size(values), self.dtype))
            return
        weight = _weights_like(sample_weight, values)
        self.total.assign_add(pt.reduce_sum(values * weight))
        self.count.assign_add(pt.reduce_sum(weight))

    def result(self):
        return pt.math.divide_no_nan(self.total.value(), self.count.value())


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over everything seen (how function metrics are tracked).

    Example:
        >>> m = keras.metrics.MeanMetricWrapper(keras.losses.mean_squared_error, name="mse")
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds ``fn(y_true, y_pred)`` per sample, weighted by ``sample_weight``."""
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        mask = getattr(values, "_keras_mask", None)
        pred_mask = getattr(y_pred, "_keras_mask", None)
        if pred_mask is not None and tuple(pred_mask.shape) == tuple(values.shape):
            # The prediction's mask (padded timesteps) weights them out, as Keras does.
            mask = pred_mask if mask is None else pt.logical_and(pt.cast(mask, pt.bool), pt.cast(pred_mask, pt.bool))
        if mask is not None:
            mask = pt.cast(mask, values.dtype)
            sample_weight = mask if sample_weight is None else _weights_like(sample_weight, values) * mask
        super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _wrapper_class(class_name, fn, default_name, doc, **defaults):
    """A MeanMetricWrapper class over ``fn`` whose constructor takes Keras's arguments ``defaults``."""

    def __init__(self, name=default_name, dtype=None, **kwargs):
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{class_name}() got unexpected arguments {sorted(unknown)}; valid: "
                            f"{['name', 'dtype'] + list(defaults)}.")
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**defaults, **kwargs})

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


# ---------------------------------------------------------------------------------------------------------------
# accuracy functions
# ---------------------------------------------------------------------------------------------------------------

def _same_rank(y_true, y_pred):
    if len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
        y_true = pt.squeeze(y_true, -1)
    elif len(y_pred.shape) == len(y_true.shape) + 1 and y_pred.shape[-1] == 1:
        y_pred = pt.squeeze(y_pred, -1)
    return y_true, y_pred


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = pt.convert_to_tensor(y_pred)
    y_true = pt.cast(pt.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = _same_rank(y_true, y_pred)
    return pt.cast(pt.equal(y_true, y_pred), pt.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Mean over the last axis of ``(y_pred > threshold) == y_true``."""
    y_pred = _float(y_pred)
    y_true = pt.cast(pt.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = _same_rank(y_true, y_pred)
    hits = pt.equal(y_true, pt.cast(pt.greater(y_pred, threshold), y_pred.dtype))
    return pt.reduce_mean(pt.cast(hits, pt.float32), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` over the last axis."""
    y_pred = pt.convert_to_tensor(y_pred)
    y_true = pt.convert_to_tensor(y_true)
    if y_true.dtype == pt.bool:  # one-hot labels as booleans (Keras takes the argmax of any dtype)
        y_true = pt.cast(y_true, y_pred.dtype)
    return pt.cast(pt.equal(pt.argmax(y_true, axis=-1), pt.argmax(y_pred, axis=-1)), pt.float32)


def _sparse_labels(y_true, y_pred, what):
    y_true = pt.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = pt.squeeze(y_true, -1)
    if tuple(y_true.shape) != tuple(y_pred.shape)[:-1]:
        raise ValueError(f"{what}: y_true has shape {tuple(y_true.shape)} but y_pred has shape "
                         f"{tuple(y_pred.shape)}; y_true must hold one integer class index per row of y_pred.")
    return pt.cast(y_true, pt.int64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals ``argmax(y_pred)`` over the last axis."""
    y_pred = pt.convert_to_tensor(y_pred)
    labels = _sparse_labels(y_true, y_pred, "sparse_categorical_accuracy")
    return pt.cast(pt.equal(labels, pt.cast(pt.argmax(y_pred, axis=-1), pt.int64)), pt.float32)


def _in_top_k(labels, y_pred, k):
    # TF's in_top_k: the label's score is in the top k if fewer than k scores beat it strictly (ties count in).
    y_pred = _float(y_pred)
    label_score = pt.reduce_sum(y_pred * pt.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype), axis=-1,
                                keepdims=True)
    better = pt.reduce_sum(pt.cast(pt.greater(y_pred, label_score), pt.int32), axis=-1)
    return pt.cast(pt.less(better, k), pt.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot ``y_true``'s class is among the ``k`` highest scores of ``y_pred``."""
    y_pred = pt.convert_to_tensor(y_pred)
    return _in_top_k(pt.argmax(pt.convert_to_tensor(y_true), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label ``y_true`` is among the ``k`` highest scores of ``y_pred``."""
    y_pred = pt.convert_to_tensor(y_pred)
    return _in_top_k(_sparse_labels(y_true, y_pred, "sparse_top_k_categorical_accuracy"), y_pred, k)


Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy", """How often ``y_pred == y_true``.

    Example:
        >>> keras.metrics.Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])  # 0.75
    """)
BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                """How often ``(y_pred > threshold) == y_true``.

    Example:
        >>> keras.metrics.BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])  # 0.75
    """, threshold=0.5)
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                     """How often ``argmax(y_pred) == argmax(y_true)`` (one-hot labels).

    Example:
        >>> keras.metrics.CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])  # 0.5
    """)
SparseCategoricalAccuracy = _wrapper_class(
    "SparseCategoricalAccuracy", sparse_categorical_accuracy, "sparse_categorical_accuracy",
    """How often ``argmax(y_pred) == y_true`` (integer labels).

    Example:
        >>> keras.metrics.SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])  # 0.5
    """)
TopKCategoricalAccuracy = _wrapper_class(
    "TopKCategoricalAccuracy", top_k_categorical_accuracy, "top_k_categorical_accuracy",
    """How often the one-hot label is among the top ``k`` predictions.

    Example:
        >>> keras.metrics.TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        # 0.5
    """, k=5)
SparseTopKCategoricalAccuracy = _wrapper_class(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy, "sparse_top_k_categorical_accuracy",
    """How often the integer label is among the top ``k`` predictions.

    Example:
        >>> keras.metrics.SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])  # 0.5
    """, k=5)


def accuracy_for(loss, y_true_shape, y_pred_shape):
    """The accuracy class Keras's ``compile`` picks for the string ``"accuracy"``.

    Binary when y_pred has one unit per sample (or the loss is a binary crossentropy), sparse categorical when the
    labels have one rank less than y_pred or a trailing 1 against several classes (or the loss is sparse),
    categorical otherwise.

    Args:
        loss: the compiled loss (name, function or Loss) or None.
        y_true_shape, y_pred_shape: the label and prediction shapes.
    """
    true_shape, pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    loss_name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    loss_name = str(loss_name).lower()
    if (pred_shape and pred_shape[-1] == 1) or "binary" in loss_name:
        return BinaryAccuracy
    if len(true_shape) < len(pred_shape) or (true_shape and true_shape[-1] == 1 and pred_shape[-1] > 1) \
            or "sparse" in loss_name:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


# ---------------------------------------------------------------------------------------------------------------
# loss-named metrics
# ---------------------------------------------------------------------------------------------------------------

def _cosine(y_true, y_pred, axis=-1):
    return -_losses.cosine_similarity(y_true, y_pred, axis=axis)


def _centered(x, axis):
    return x - pt.reduce_mean(x, axis=axis, keepdims=True)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    Example:
        >>> keras.metrics.pearson_correlation([[0.0, 1.0, 2.0]], [[0.1, 0.9, 2.5]])
    """
    y_true, y_pred = _losses._pair(y_true, y_pred, "pearson_correlation")
    true_c, pred_c = _centered(y_true, axis), _centered(y_pred, axis)
    true_n = true_c / pt.sqrt(pt.reduce_mean(pt.square(true_c), axis=axis, keepdims=True))
    pred_n = pred_c / pt.sqrt(pt.reduce_mean(pt.square(pred_c), axis=axis, keepdims=True))
    return pt.reduce_mean(true_n * pred_n, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``, as Keras 3 computes it.

    Example:
        >>> keras.metrics.concordance_correlation([[0.0, 1.0, 2.0]], [[0.1, 0.9, 2.5]])
    """
    y_true, y_pred = _losses._pair(y_true, y_pred, "concordance_correlation")
    true_mean = pt.reduce_mean(y_true, axis=axis, keepdims=True)
    pred_mean = pt.reduce_mean(y_pred, axis=axis, keepdims=True)
    true_var = pt.reduce_mean(pt.square(_centered(y_true - true_mean, axis)), axis=axis, keepdims=True)
    pred_var = pt.reduce_mean(pt.square(_centered(y_pred - pred_mean, axis)), axis=axis, keepdims=True)
    covar = (y_true - pred_mean) * (y_pred - pred_mean)  # Keras 3 centres y_true on y_pred's mean here
    norm = true_var + pred_var + pt.square(true_mean - pred_mean)
    return pt.reduce_mean(2.0 * covar / (norm + EPSILON), axis=axis)


PearsonCorrelation = _wrapper_class("PearsonCorrelation", pearson_correlation, "pearson_correlation",
                                    "Mean over batches of ``pearson_correlation`` along ``axis``.", axis=-1)
ConcordanceCorrelation = _wrapper_class("ConcordanceCorrelation", concordance_correlation, "concordance_correlation",
                                        "Mean over batches of ``concordance_correlation`` along ``axis``.", axis=-1)
MeanSquaredError = _wrapper_class("MeanSquaredError", _losses.mean_squared_error, "mean_squared_error",
                                  "Mean of ``mean(square(y_true - y_pred), axis=-1)``.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", _losses.mean_absolute_error, "mean_absolute_error",
                                   "Mean of ``mean(abs(y_true - y_pred), axis=-1)``.")
MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError", _losses.mean_absolute_percentage_error, "mean_absolute_percentage_error",
    "Mean of ``100 * mean(abs((y_true - y_pred) / y_true))``.")
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError", _losses.mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    "Mean of ``mean(square(log1p(y_pred) - log1p(y_true)))``.")
CosineSimilarity = _wrapper_class("CosineSimilarity", _cosine, "cosine_similarity",
                                  "Mean cosine similarity ``sum(l2norm(y_true) * l2norm(y_pred), axis)``.", axis=-1)
LogCoshError = _wrapper_class("LogCoshError", _losses.log_cosh, "logcosh", "Mean of ``log(cosh(y_pred - y_true))``.")
KLDivergence = _wrapper_class("KLDivergence", _losses.kl_divergence, "kl_divergence",
                              "Mean of ``sum(y_true * log(y_true / y_pred))``.")
Poisson = _wrapper_class("Poisson", _losses.poisson, "poisson", "Mean of ``y_pred - y_true * log(y_pred)``.")
Hinge = _wrapper_class("Hinge", _losses.hinge, "hinge", "Mean of ``maximum(1 - y_true * y_pred, 0)``.")
SquaredHinge = _wrapper_class("SquaredHinge", _losses.squared_hinge, "squared_hinge",
                              "Mean of ``square(maximum(1 - y_true * y_pred, 0))``.")
CategoricalHinge = _wrapper_class("CategoricalHinge", _losses.categorical_hinge, "categorical_hinge",
                                  "Mean of Keras's categorical hinge.")
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", _losses.binary_crossentropy, "binary_crossentropy",
                                    "Mean binary crossentropy.", from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _wrapper_class(
    "CategoricalCrossentropy", _losses.categorical_crossentropy, "categorical_crossentropy",
    "Mean categorical crossentropy.", from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _wrapper_class(
    "SparseCategoricalCrossentropy", _losses.sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    "Mean sparse categorical crossentropy.", from_logits=False, ignore_class=None, axis=-1)


class RootMeanSquaredError(Mean):
    """``sqrt(mean(square(y_true - y_pred)))`` over everything seen.

    Example:
        >>> keras.metrics.RootMeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])  # 0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates squared errors."""
        y_true, y_pred = _losses._pair(y_true, y_pred, self.name)
        super().update_state(pt.square(y_pred - y_true), sample_weight)

    def result(self):
        return pt.sqrt(super().result())


class R2Score(Metric):
    """The coefficient of determination ``1 - SS_res / SS_tot`` per output column over everything seen, averaged
    uniformly (``class_aggregation="uniform_average"``), by variance (``"variance_weighted_average"``) or not at
    all (None); ``num_regressors > 0`` gives the adjusted R2.

    Example:
        >>> m = keras.metrics.R2Score()
        >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
        >>> m.result()  # 0.5714
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(f"R2Score: invalid class_aggregation {class_aggregation!r}; expected None, "
                             f"'uniform_average' or 'variance_weighted_average'.")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), name="num_samples")
        self._sums = None  # (sum, squared_sum, residual, count) per output column, made by the first batch

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates the column sums of a (batch, outputs) batch."""
        y_true, y_pred = (pt.cast(t, self.dtype) for t in _losses._pair(y_true, y_pred, self.name))
        if len(y_true.shape) != 2:
            raise ValueError(f"R2Score expects 2-D inputs (batch_size, output_dim); received y_true.shape="
                             f"{tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}.")
        if self._sums is None:
            self._sums = [self.add_variable((y_pred.shape[-1],), name=n)
                          for n in ("sum", "squared_sum", "residual", "count")]
        weight = pt.ones_like(y_true) if sample_weight is None else pt.cast(sample_weight, y_true.dtype)
        if len(weight.shape) == 1:
            weight = pt.expand_dims(weight, 1)
        weight = pt.broadcast_to(weight, y_true.shape)
        total, squares, residual, count = self._sums
        total.assign_add(pt.reduce_sum(y_true * weight, axis=0))
        squares.assign_add(pt.reduce_sum(y_true * y_true * weight, axis=0))
        residual.assign_add(pt.reduce_sum(pt.square(y_true - y_pred) * weight, axis=0))
        count.assign_add(pt.reduce_sum(weight, axis=0))
        self.num_samples.assign_add(pt.cast(pt.size(y_true), self.num_samples.dtype))

    def result(self):
        if self._sums is None:
            return pt.constant(0.0, dtype=self.dtype)
        total, squares, residual, count = (v.read_value() for v in self._sums)
        spread = squares - total * (total / count)
        raw = 1.0 - residual / spread
        raw = pt.where(pt.math.is_finite(raw) | pt.math.is_nan(raw), raw, pt.zeros_like(raw))  # inf -> 0, as Keras
        if self.class_aggregation == "uniform_average":
            score = pt.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = pt.reduce_sum(spread * raw) / pt.reduce_sum(spread)
        else:
            score = raw
        n, p = float(self.num_samples.numpy()), float(self.num_regressors)
        if 0 < p < n - 1:
            score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return score

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


# ---------------------------------------------------------------------------------------------------------------
# confusion-matrix metrics
# ---------------------------------------------------------------------------------------------------------------

def _thresholds_list(thresholds, default, what):
    if thresholds is None:
        thresholds = default
    scalar = not isinstance(thresholds, (list, tuple))
    values = [float(thresholds)] if scalar else [float(t) for t in thresholds]
    for t in values:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{what}: thresholds must be in [0, 1], got {t}.")
    return values, scalar


def _filter_top_k(y_pred, k):
    # Keeps each row's k largest scores (ties at the boundary kept) and sends the rest to -inf.
    better = pt.reduce_sum(pt.cast(pt.greater(pt.expand_dims(y_pred, -2), pt.expand_dims(y_pred, -1)), pt.int32),
                           axis=-1)
    return pt.where(pt.less(better, k), y_pred, pt.fill(tuple(y_pred.shape), float("-inf")))


class _ConfusionCounts:
    """Vectorised confusion counts at a list of thresholds: ``pred > threshold`` against ``y_true``.

    With evenly spaced thresholds (Keras's AUC grid) each prediction lands in one bucket (one segment sum), and a
    reverse cumulative sum over buckets (one small matmul) gives the counts at every threshold: O(N + T^2).
    Otherwise an (N, T) comparison is summed.
    """

    def __init__(self, thresholds, evenly_spaced):
        self.thresholds = thresholds
        self.num = len(thresholds)
        self.evenly_spaced = evenly_spaced and self.num > 2
        self._cache = {}

    def _upper(self, dtype):
        # upper[b, i] = 1 where bucket b >= threshold index i: bucket counts @ upper = reverse cumsum.
        if dtype not in self._cache:
            index = pt.range(self.num)
            self._cache[dtype] = pt.cast(pt.greater_equal(pt.expand_dims(index, 1), pt.expand_dims(index, 0)), dtype)
        return self._cache[dtype]

    def counts(self, y_true, y_pred, sample_weight, dtype, labels=1):
        """(tp, fp, tn, fn), each of shape (T,) or (T, labels) when ``labels > 1`` (y of shape (N, labels)).

        y_true: booleans; y_pred: floats in [0, 1]; sample_weight: None or broadcastable to y_pred."""
        y_pred = pt.cast(y_pred, dtype)
        pos = pt.cast(y_true, dtype)
        weight = pt.ones_like(y_pred) if sample_weight is None else _weights_like(sample_weight, y_pred)
        if labels == 1:
            y_pred, pos, weight = pt.reshape(y_pred, (-1,)), pt.reshape(pos, (-1,)), pt.reshape(weight, (-1,))
        else:
            y_pred, pos, weight = (pt.reshape(t, (-1, labels)) for t in (y_pred, pos, weight))
        w_pos = pos * weight
        w_neg = weight - w_pos
        if self.evenly_spaced:
            buckets = pt.maximum(pt.ceil(pt.clip_by_value(y_pred, 0.0, 1.0) * float(self.num - 1)) - 1.0, 0.0)
            ids = pt.cast(buckets, pt.int32)
            if labels > 1:
                ids = ids * labels + pt.expand_dims(pt.range(labels), 0)
            segments = self.num * labels
            pos_b = pt.reshape(pt.math.unsorted_segment_sum(pt.reshape(w_pos, (-1,)), pt.reshape(ids, (-1,)), segments),
                               (self.num, labels))
            neg_b = pt.reshape(pt.math.unsorted_segment_sum(pt.reshape(w_neg, (-1,)), pt.reshape(ids, (-1,)), segments),
                               (self.num, labels))
            upper = self._upper(dtype)
            tp = pt.matmul(upper, pos_b, transpose_a=True)
            fp = pt.matmul(upper, neg_b, transpose_a=True)
        else:
            thresholds = pt.constant(self.thresholds, dtype=dtype)
            if labels > 1:
                above = pt.cast(pt.greater(pt.expand_dims(y_pred, 1), pt.reshape(thresholds, (1, -1, 1))), dtype)
                tp = pt.reduce_sum(above * pt.expand_dims(w_pos, 1), axis=0)
                fp = pt.reduce_sum(above * pt.expand_dims(w_neg, 1), axis=0)
            else:
                above = pt.cast(pt.greater(pt.expand_dims(y_pred, 1), pt.expand_dims(thresholds, 0)), dtype)
                tp = pt.matmul(pt.expand_dims(w_pos, 0), above)
                fp = pt.matmul(pt.expand_dims(w_neg, 0), above)
        total_pos = pt.reduce_sum(w_pos, axis=0)
        total_neg = pt.reduce_sum(w_neg, axis=0)
        shape = (self.num,) if labels == 1 else (self.num, labels)
        tp, fp = pt.reshape(tp, shape), pt.reshape(fp, shape)
        return tp, fp, total_neg - fp, total_pos - tp


def _prepare(y_true, y_pred, what, class_id=None, top_k=None):
    """Float predictions and boolean labels of the same shape, sliced to ``class_id`` / filtered to ``top_k``."""
    y_pred = _float(y_pred)
    y_true = pt.convert_to_tensor(y_true)
    y_true, y_pred = _same_rank(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"{what}: y_true has shape {tuple(y_true.shape)} but y_pred has shape "
                         f"{tuple(y_pred.shape)}; they must match.")
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, int(top_k))
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
    y_true = pt.not_equal(pt.cast(y_true, pt.float32), 0.0)
    return y_true, y_pred


class _ConfusionMetric(Metric):
    """Shared state for metrics built on tp / fp / tn / fn counts at ``thresholds``."""

    _kinds = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None, default=0.5):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k, self.class_id = top_k, class_id
        values, self._scalar = _thresholds_list(thresholds, default, type(self).__name__)
        self._counter = _ConfusionCounts(values, evenly_spaced=False)
        for kind in self._kinds:
            setattr(self, kind, self.add_variable((len(values),), name=kind))

    @property
    def thresholds(self):
        """The thresholds as a list."""
        return list(self._counter.thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Counts the batch at every threshold (predictions above a threshold are positive)."""
        y_true, y_pred = _prepare(y_true, y_pred, type(self).__name__, self.class_id, self.top_k)
        tp, fp, tn, fn = self._counter.counts(y_true, y_pred, sample_weight, self.dtype)
        counts = {"true_positives": tp, "false_positives": fp, "true_negatives": tn, "false_negatives": fn}
        for kind in self._kinds:
            getattr(self, kind).assign_add(counts[kind])

    def _out(self, value):
        return value[0] if self._scalar else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


def _count_class(class_name, kind, doc):
    def __init__(self, thresholds=None, name=None, dtype=None):
        _ConfusionMetric.__init__(self, thresholds=thresholds, name=name, dtype=dtype)

    def result(self):
        return self._out(getattr(self, kind).value())

    return type(class_name, (_ConfusionMetric,), {"__init__": __init__, "result": result, "_kinds": (kind,),
                                                  "__doc__": doc, "__module__": __name__})


TruePositives = _count_class("TruePositives", "true_positives", """Weighted count of ``pred > t`` and ``true``.

    Example:
        >>> keras.metrics.TruePositives()([0, 1, 1, 1], [1, 0, 1, 1])  # 2.0
    """)
FalsePositives = _count_class("FalsePositives", "false_positives", """Weighted count of ``pred > t``, not true.

    Example:
        >>> keras.metrics.FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1])  # 2.0
    """)
TrueNegatives = _count_class("TrueNegatives", "true_negatives", """Weighted count of ``pred <= t``, not true.

    Example:
        >>> keras.metrics.TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0])  # 2.0
    """)
FalseNegatives = _count_class("FalseNegatives", "false_negatives", """Weighted count of ``pred <= t``, true.

    Example:
        >>> keras.metrics.FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0])  # 2.0
    """)


class Precision(_ConfusionMetric):
    """``tp / (tp + fp)`` (PPV) at ``thresholds`` (default 0.5), optionally for one ``class_id`` or over each
    row's ``top_k`` predictions.

    Example:
        >>> keras.metrics.Precision()([0, 1, 1, 1], [1, 0, 1, 1])  # 2/3
    """

    _kinds = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype,
                         default=0.0 if top_k is not None else 0.5)

    def result(self):
        tp = self.true_positives.value()
        return self._out(pt.math.divide_no_nan(tp, tp + self.false_positives.value()))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Recall(_ConfusionMetric):
    """``tp / (tp + fn)`` (TPR, sensitivity) at ``thresholds`` (default 0.5), optionally for one ``class_id``
    or over each row's ``top_k`` predictions.

    Example:
        >>> keras.metrics.Recall()([0, 1, 1, 1], [1, 0, 1, 1])  # 2/3
    """

    _kinds = ("true_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype,
                         default=0.0 if top_k is not None else 0.5)

    def result(self):
        tp = self.true_positives.value()
        return self._out(pt.math.divide_no_nan(tp, tp + self.false_negatives.value()))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from confusion counts at ``num_thresholds`` thresholds.

    The default grid is Keras's: ``-eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps``. ROC: points (FPR, TPR) joined by
    the trapezoid rule (``summation_method="interpolation"``) or Riemann sums (``"minoring"`` / ``"majoring"``);
    PR with interpolation uses Davis & Goadrich's interpolation, as Keras does.

    Args:
        num_thresholds: thresholds in the grid (> 1).
        curve: ``"ROC"`` or ``"PR"``.
        summation_method: ``"interpolation"``, ``"minoring"`` or ``"majoring"``.
        name, dtype: as for every Metric.
        thresholds: explicit thresholds in [0, 1] (``-eps`` and ``1+eps`` are added at the ends).
        multi_label: y of shape (N, L): one curve per label, averaged (weighted by ``label_weights``).
        num_labels: L, when ``multi_label`` (otherwise taken from the first batch).
        label_weights: per-label weights for the average.
        from_logits: apply a sigmoid to y_pred first.

    Example:
        >>> m = keras.metrics.AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); m.result()  # 0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        super().__init__(name=name or "auc", dtype=dtype)
        if curve.upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}.")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring', got "
                             f"{summation_method!r}.")
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self._evenly = False
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be > 1, got {num_thresholds}.")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self.num_thresholds = len(inner) + 2
        self.curve, self.summation_method = curve.upper(), summation_method
        self.multi_label, self.num_labels, self.from_logits = multi_label, num_labels, from_logits
        self.label_weights = None if label_weights is None else pt.constant(label_weights, dtype=self.dtype)
        self._counter = _ConfusionCounts([0.0 - EPSILON] + inner + [1.0 + EPSILON], self._evenly)
        self._built = False
        if not multi_label or num_labels is not None:
            self._build(num_labels if multi_label else None)

    @property
    def thresholds(self):
        """The thresholds as a list."""
        return list(self._counter.thresholds)

    def _build(self, num_labels):
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        self.num_labels = num_labels
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's counts at every threshold."""
        y_true, y_pred = _prepare(y_true, y_pred, "AUC")
        if self.from_logits:
            y_pred = pt.sigmoid(y_pred)
        if not self._built:
            self._build(y_pred.shape[-1])
        labels = self.num_labels if self.multi_label else 1
        if self.multi_label and (len(y_pred.shape) < 2 or y_pred.shape[-1] != labels):
            raise ValueError(f"AUC(multi_label=True): y_pred has shape {tuple(y_pred.shape)}; expected (N, "
                             f"{labels}).")
        tp, fp, tn, fn = self._counter.counts(y_true, y_pred, sample_weight, self.dtype, labels)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.true_negatives.assign_add(tn)
        self.false_negatives.assign_add(fn)

    def _interpolate_pr(self, tp, fp, fn):
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = pt.math.divide_no_nan(dtp, pt.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = pt.logical_and(pt.greater(p[: n - 1], 0.0), pt.greater(p[1:], 0.0))
        ratio = pt.where(both, pt.math.divide_no_nan(p[: n - 1], pt.maximum(p[1:], 0.0)), pt.ones_like(p[1:]))
        increments = pt.math.divide_no_nan(slope * (dtp + intercept * pt.log(ratio)),
                                           pt.maximum(tp[1:] + fn[1:], 0.0))
        return pt.reduce_sum(increments, axis=0)

    def result(self):
        """The area (averaged over labels when ``multi_label``)."""
        if not self._built:
            return pt.constant(0.0, dtype=self.dtype)
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        n = self.num_thresholds
        if self.curve == "PR" and self.summation_method == "interpolation":
            per_label = self._interpolate_pr(tp, fp, fn)
        else:
            recall = pt.math.divide_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x, y = pt.math.divide_no_nan(fp, fp + tn), recall
            else:
                x, y = recall, pt.math.divide_no_nan(tp, tp + fp)
            if self.summation_method == "interpolation":
                heights = (y[: n - 1] + y[1:]) / 2.0
            elif self.summation_method == "minoring":
                heights = pt.minimum(y[: n - 1], y[1:])
            else:
                heights = pt.maximum(y[: n - 1], y[1:])
            per_label = pt.reduce_sum((x[: n - 1] - x[1:]) * heights, axis=0)
        if not self.multi_label:
            return per_label
        if self.label_weights is None:
            return pt.reduce_mean(per_label)
        return pt.math.divide_no_nan(pt.reduce_sum(per_label * self.label_weights), pt.reduce_sum(self.label_weights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "multi_label": self.multi_label,
                "num_labels": self.num_labels, "from_logits": self.from_logits}


class FBetaScore(Metric):
    """``(1 + beta^2) * precision * recall / (beta^2 * precision + recall)`` per class, from one-hot labels.

    Predictions are positive above ``threshold``, or (``threshold=None``) where they are the row's maximum.

    Args:
        average: None (one score per class), ``"micro"`` (pooled counts), ``"macro"`` (mean of the class scores)
            or ``"weighted"`` (mean weighted by each class's support).
        beta: weight of recall against precision (> 0).
        threshold: decision threshold in (0, 1], or None for the row's arg-max.

    Example:
        >>> m = keras.metrics.FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]])
        >>> m.result()  # [0.3846, 0.9091, 0.8333]
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{type(self).__name__}: average must be None, 'micro', 'macro' or 'weighted', got "
                             f"{average!r}.")
        if not beta > 0:
            raise ValueError(f"{type(self).__name__}: beta must be > 0, got {beta}.")
        if threshold is not None and not 0 < threshold <= 1:
            raise ValueError(f"{type(self).__name__}: threshold must be in (0, 1], got {threshold}.")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self._built = False

    def _build(self, num_classes):
        self.true_positives = self.add_variable((num_classes,), name="true_positives")
        self.false_positives = self.add_variable((num_classes,), name="false_positives")
        self.false_negatives = self.add_variable((num_classes,), name="false_negatives")
        self.intermediate_weights = self.add_variable((num_classes,), name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's per-class tp / fp / fn and support."""
        y_pred = _float(y_pred, self.dtype)
        y_true = pt.cast(pt.convert_to_tensor(y_true), self.dtype)
        if len(y_pred.shape) != 2 or tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(f"{type(self).__name__}: y_true {tuple(y_true.shape)} and y_pred "
                             f"{tuple(y_pred.shape)} must both be (batch, num_classes).")
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:
            positive = pt.equal(y_pred, pt.reduce_max(y_pred, axis=-1, keepdims=True))
        else:
            positive = pt.greater(y_pred, self.threshold)
        y_pred = pt.cast(positive, self.dtype)
        if sample_weight is not None:
            weight = _weights_like(sample_weight, y_pred)
            y_true_w, y_pred_w = y_true * weight, y_pred * weight
        else:
            y_true_w, y_pred_w = y_true, y_pred
        tp = pt.reduce_sum(y_pred_w * y_true, axis=0)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(pt.reduce_sum(y_pred_w, axis=0) - tp)
        self.false_negatives.assign_add(pt.reduce_sum(y_true_w, axis=0) - tp)
        self.intermediate_weights.assign_add(pt.reduce_sum(y_true_w, axis=0))

    def result(self):
        """The score per class, or averaged as ``average`` says."""
        if not self._built:
            return pt.constant(0.0, dtype=self.dtype)
        tp, fp, fn = self.true_positives.value(), self.false_positives.value(), self.false_negatives.value()
        if self.average == "micro":
            tp, fp, fn = pt.reduce_sum(tp), pt.reduce_sum(fp), pt.reduce_sum(fn)
        precision = pt.math.divide_no_nan(tp, tp + fp)
        recall = pt.math.divide_no_nan(tp, tp + fn)
        beta2 = self.beta * self.beta
        score = pt.math.divide_no_nan(precision * recall, beta2 * precision + recall) * (1.0 + beta2)
        if self.average == "weighted":
            weights = self.intermediate_weights.value()
            return pt.math.divide_no_nan(pt.reduce_sum(score * weights), pt.reduce_sum(weights))
        if self.average == "macro":
            return pt.reduce_mean(score)
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """``2 * precision * recall / (precision + recall)``: ``FBetaScore`` with ``beta=1``.

    Example:
        >>> m = keras.metrics.F1Score(threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]])
        >>> m.result()  # [0.5, 0.8, 0.6667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


# ---------------------------------------------------------------------------------------------------------------
# intersection over union
# ---------------------------------------------------------------------------------------------------------------

class IoU(Metric):
    """Intersection over union ``tp / (tp + fp + fn)`` of the classes ``target_class_ids``, averaged over those
    that occurred, from a confusion matrix accumulated over everything seen.

    Args:
        num_classes: the number of classes (labels and predictions are class ids in ``[0, num_classes)``).
        target_class_ids: the classes whose IoU is averaged.
        ignore_class: a label whose samples are left out.
        sparse_y_true / sparse_y_pred: False when that input holds per-class scores (its argmax along ``axis``
            is taken).

    Example:
        >>> m = keras.metrics.IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> m.result()  # 1 / 3
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        if max(target_class_ids, default=-1) >= num_classes:
            raise ValueError(f"{type(self).__name__}: target_class_ids {list(target_class_ids)} must be smaller "
                             f"than num_classes={num_classes}.")
        self.num_classes = int(num_classes)
        self.target_class_ids = list(target_class_ids)
        self.ignore_class = ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.total_cm = self.add_variable((self.num_classes, self.num_classes), name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds the batch's (weighted) confusion matrix; out-of-range ids and ``ignore_class`` count nothing."""
        if not self.sparse_y_true:
            y_true = pt.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = pt.argmax(y_pred, axis=self.axis)
        y_true = pt.reshape(pt.cast(y_true, pt.int64), [-1])
        y_pred = pt.reshape(pt.cast(y_pred, pt.int64), [-1])
        weight = pt.ones_like(y_true, dtype=self.dtype) if sample_weight is None else \
            pt.broadcast_to(pt.reshape(pt.cast(sample_weight, self.dtype), [-1]), y_true.shape)
        n = self.num_classes
        valid = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            valid = valid & pt.not_equal(y_true, self.ignore_class)
        weight = pt.where(valid, weight, pt.zeros_like(weight))
        true_hot = pt.one_hot(pt.where(valid, y_true, pt.zeros_like(y_true)), n, dtype=self.dtype)
        pred_hot = pt.one_hot(pt.where(valid, y_pred, pt.zeros_like(y_pred)), n, dtype=self.dtype)
        self.total_cm.assign_add(pt.matmul(true_hot * pt.expand_dims(weight, 1), pred_hot, transpose_a=True))

    def result(self):
        cm = self.total_cm.read_value()
        true_pos = pt.reduce_sum(cm * pt.eye(self.num_classes, dtype=self.dtype), axis=1)
        denominator = pt.reduce_sum(cm, axis=0) + pt.reduce_sum(cm, axis=1) - true_pos
        true_pos = pt.gather(true_pos, self.target_class_ids)
        denominator = pt.gather(denominator, self.target_class_ids)
        occurred = pt.reduce_sum(pt.cast(denominator > 1e-9, self.dtype))
        return pt.reduce_sum(true_pos / (denominator + EPSILON)) / (occurred + EPSILON)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of binary labels against scores thresholded at ``threshold`` (``y_pred >= threshold`` is class 1).

    Example:
        >>> m = keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> m.result()  # 0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(y_true, pt.convert_to_tensor(y_pred, dtype_hint=pt.float32) >= self.threshold,
                             sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype.name, "target_class_ids": self.target_class_ids,
                "threshold": self.threshold}


class MeanIoU(IoU):
    """The IoU averaged over all ``num_classes`` classes.

    Example:
        >>> m = keras.metrics.MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> m.result()  # 0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """IoU of one-hot labels and per-class scores (both reduced by argmax)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot labels and per-class scores (both reduced by argmax)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


# ---------------------------------------------------------------------------------------------------------------
# get
# ---------------------------------------------------------------------------------------------------------------

_CLASSES = {cls.__name__: cls for cls in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, TruePositives, TrueNegatives, FalsePositives, FalseNegatives, Precision, Recall,
    AUC, F1Score, FBetaScore, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, KLDivergence, Poisson, Hinge, SquaredHinge,
    CategoricalHinge, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    RootMeanSquaredError, PearsonCorrelation, ConcordanceCorrelation, R2Score, BinaryIoU, Metric)}
# Metrics that need constructor arguments: rebuilt from configs, not made from a bare name.
_NEED_ARGUMENTS = {cls.__name__: cls for cls in (IoU, MeanIoU, OneHotIoU, OneHotMeanIoU)}
_NAMES = {to_snake_case(name): cls for name, cls in _CLASSES.items()}
_NAMES.update({"acc": Accuracy, "auc": AUC, "precision": Precision, "recall": Recall, "f1_score": F1Score,
               "fbeta_score": FBetaScore, "logcosh": LogCoshError, "rmse": RootMeanSquaredError,
               "true_positives": TruePositives, "false_positives": FalsePositives,
               "true_negatives": TrueNegatives, "false_negatives": FalseNegatives})
# Keras 3's short spellings name the metric classes (compile names the metric after the string it was given).
_NAMES.update({"mse": MeanSquaredError, "mae": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
               "msle": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "kld": KLDivergence})
_NAMES.update({alias.upper(): _NAMES[alias] for alias in ("mse", "mae", "mape", "msle", "bce")})

mse = MSE = _losses.mean_squared_error
mae = MAE = _losses.mean_absolute_error
mape = MAPE = _losses.mean_absolute_percentage_error
msle = MSLE = _losses.mean_squared_logarithmic_error
mean_squared_error = _losses.mean_squared_error
mean_absolute_error = _losses.mean_absolute_error
mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
kl_divergence = _losses.kl_divergence
poisson = _losses.poisson
hinge = _losses.hinge
squared_hinge = _losses.squared_hinge
categorical_hinge = _losses.categorical_hinge
kld = KLD = kullback_leibler_divergence = _losses.kl_divergence
huber = _losses.huber
logcosh = _losses.log_cosh
binary_focal_crossentropy = _losses.binary_focal_crossentropy
categorical_focal_crossentropy = _losses.categorical_focal_crossentropy


def serialize(metric):
    """``{"class_name": ..., "config": ...}`` for a Metric, the function's name for a metric function."""
    if isinstance(metric, Metric):
        return serialize_object(metric)
    return get_registered_name(metric)


def deserialize(config):
    """The metric a ``serialize`` dict (or a name) describes."""
    return get(config)


def get(identifier):
    """Resolves a metric: None, a name (``"accuracy"``, ``"auc"``, ``"mse"``, a class name), a config dict, a
    function, or a Metric instance/class. Names of metric classes and Keras 3's short spellings (``"mse"``,
    ``"mae"``, ...) give a new instance, as in Keras 3.

    Raises:
        ValueError: an unknown name (the message lists the valid ones) or an uninterpretable identifier.
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize_object(identifier, {**_CLASSES, **_NEED_ARGUMENTS}, "metric")
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier) or _NAMES.get(identifier)
        if cls is not None:
            return cls()
        if identifier in _NEED_ARGUMENTS:
            raise TypeError(f"keras.metrics.get({identifier!r}): {identifier} needs constructor arguments; create it "
                            f"as keras.metrics.{identifier}(num_classes=..., ...).")
        raise unknown_identifier_error("metric", identifier, set(_NAMES) | set(_CLASSES))
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier {identifier!r}: pass a name, a dict, a function or a "
                     f"keras.metrics.Metric.")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
