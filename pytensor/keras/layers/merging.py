"""Keras merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate) and their functional
helpers (add, subtract, ...)."""
import functools

import pytensor as pt

from .layer import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "add", "subtract",
           "multiply", "average", "maximum", "minimum", "concatenate"]


def _shape(value):
    if hasattr(value, "as_list"):
        value = value.as_list()
    return tuple(None if d is None else int(d) for d in value)


class _Merge(Layer):
    """Shared body of the elementwise merge layers: a list of inputs whose shapes broadcast together."""

    min_inputs = 1
    max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_shapes(self, shapes):
        cls = type(self).__name__
        count = self.max_inputs or self.min_inputs
        if not isinstance(shapes, (list, tuple)) or not shapes or not all(
                isinstance(s, (list, tuple)) or hasattr(s, "as_list") for s in shapes):
            raise ValueError(f"{cls} layer '{self.name}': expected a list of input tensors; received one input of "
                             f"shape {_shape(shapes)}. Call it on a list, e.g. {cls}()([x1, x2]).")
        shapes = [_shape(s) for s in shapes]
        if len(shapes) < self.min_inputs or (self.max_inputs is not None and len(shapes) > self.max_inputs):
            expected = f"exactly {count}" if self.max_inputs else f"at least {self.min_inputs}"
            raise ValueError(f"{cls} layer '{self.name}': expected {expected} inputs, received {len(shapes)} "
                             f"with shapes {shapes}.")
        return shapes

    def _output_shape(self, shapes):
        """Numpy broadcasting over the non-batch axes, with None as an unknown size."""
        rank = max(len(s) for s in shapes)
        result = []
        for axis in range(rank):
            sizes = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0} - {1}
            known = sizes - {None}
            if len(known) > 1:
                raise ValueError(f"{type(self).__name__} layer '{self.name}': inputs must have the same shape "
                                 f"(or shapes that broadcast); received shapes {shapes}. Reshape or project the "
                                 f"inputs to one shape (e.g. with a Dense layer) before merging.")
            result.append(known.pop() if known else (None if None in sizes else 1))
        return tuple(result)

    def build(self, input_shape):
        self._output_shape(self._check_shapes(input_shape))

    def call(self, inputs):
        shapes = self._check_shapes([x.shape for x in inputs] if isinstance(inputs, (list, tuple)) else inputs.shape)
        self._output_shape(shapes)
        return self._merge([pt.convert_to_tensor(x) for x in inputs])

    def compute_output_shape(self, input_shape):
        return self._output_shape(self._check_shapes(input_shape))

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = [pt.cast(m, pt.bool) for m in mask if m is not None]
        return functools.reduce(pt.logical_and, masks)


class Add(_Merge):
    """Elementwise sum of a list of inputs of one shape: ``x1 + x2 + ...``.

    Example:
        >>> keras.layers.Add()([tf.ones((2, 3)), tf.ones((2, 3))]).numpy()[0]
        array([2., 2., 2.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(pt.add, inputs)


class Subtract(_Merge):
    """Elementwise difference of exactly two inputs: ``x1 - x2``.

    Example:
        >>> keras.layers.Subtract()([tf.ones((2, 3)), tf.ones((2, 3))]).numpy()[0]
        array([0., 0., 0.], dtype=float32)
    """

    min_inputs = max_inputs = 2

    def _merge(self, inputs):
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Elementwise product of a list of inputs: ``x1 * x2 * ...``.

    Example:
        >>> keras.layers.Multiply()([tf.fill((2, 3), 2.), tf.fill((2, 3), 3.)]).numpy()[0]
        array([6., 6., 6.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(pt.multiply, inputs)


class Average(_Merge):
    """Elementwise mean of a list of inputs: ``(x1 + ... + xn) / n``.

    Example:
        >>> keras.layers.Average()([tf.fill((2, 3), 1.), tf.fill((2, 3), 3.)]).numpy()[0]
        array([2., 2., 2.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(pt.add, inputs) * (1.0 / len(inputs))


class Maximum(_Merge):
    """Elementwise maximum of a list of inputs.

    Example:
        >>> keras.layers.Maximum()([tf.constant([1., 5.]), tf.constant([3., 2.])]).numpy()
        array([3., 5.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(pt.maximum, inputs)


class Minimum(_Merge):
    """Elementwise minimum of a list of inputs.

    Example:
        >>> keras.layers.Minimum()([tf.constant([1., 5.]), tf.constant([3., 2.])]).numpy()
        array([1., 2.], dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(pt.minimum, inputs)


class Concatenate(_Merge):
    """Joins a list of inputs along ``axis`` (default -1); all other axes must match.

    Example:
        >>> keras.layers.Concatenate()([tf.ones((2, 3)), tf.zeros((2, 4))]).shape
        TensorShape([2, 7])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _output_shape(self, shapes):
        rank = len(shapes[0])
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or any(len(s) != rank for s in shapes) or any(
                len({s[a] for s in shapes} - {None}) > 1 for a in range(rank) if a != axis):
            raise ValueError(f"Concatenate layer '{self.name}': inputs must have one rank and matching sizes on "
                             f"every axis except the concatenation axis {self.axis}; received shapes {shapes}. "
                             "Reshape the inputs or pick the axis they differ on.")
        joined = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        merged = [next((s[a] for s in shapes if s[a] is not None), None) for a in range(rank)]
        merged[axis] = joined
        return tuple(merged)

    def _merge(self, inputs):
        return pt.concat(inputs, axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


# ---- the functional helpers: keras.layers.add([x1, x2]) is Add()([x1, x2]) ----
def add(inputs, **kwargs):
    """``Add(**kwargs)(inputs)``: the elementwise sum of a list of inputs."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``Subtract(**kwargs)(inputs)``: ``inputs[0] - inputs[1]``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``Multiply(**kwargs)(inputs)``: the elementwise product of a list of inputs."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``Average(**kwargs)(inputs)``: the elementwise mean of a list of inputs."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``Maximum(**kwargs)(inputs)``: the elementwise maximum of a list of inputs."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``Minimum(**kwargs)(inputs)``: the elementwise minimum of a list of inputs."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """``Concatenate(axis=axis, **kwargs)(inputs)``: the inputs joined along ``axis``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
