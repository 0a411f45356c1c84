"""Keras Dot layer and the ``keras.layers.dot`` helper."""
import pytensor as pt

from .layer import Layer
from .merging import _shape

__all__ = ["Dot", "dot"]


def _l2_normalize(x, axis):
    """``x / sqrt(max(sum(x**2, axis), 1e-12))``, Keras's l2 normalisation."""
    squares = pt.reduce_sum(pt.square(x), axis=axis, keepdims=True)
    return x * pt.math.rsqrt(pt.maximum(squares, pt.constant(1e-12, dtype=x.dtype)))


class Dot(Layer):
    """Dot product of two tensors over the ``axes`` of each, per sample (Keras's ``batch_dot``).

    For ``x1`` (batch, *a, n) and ``x2`` (batch, n, *b) contracted over the n axes the output is
    (batch, *a, *b) — (batch, 1) when nothing is left. ``normalize=True`` l2-normalises both inputs along the
    contracted axes first, giving cosine similarities.

    Example:
        >>> x1, x2 = tf.ones((5, 2, 4)), tf.ones((5, 3, 4))
        >>> keras.layers.Dot(axes=(2, 2))([x1, x2]).shape
        TensorShape([5, 2, 3])

    Args:
        axes: an int (the same axis of both) or a pair of ints; not the batch axis 0.
        normalize: l2-normalise along the axes first.
    """

    _casts_integer_inputs = True

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int) and not (isinstance(axes, (list, tuple)) and len(axes) == 2
                                              and all(isinstance(a, int) for a in axes)):
            raise TypeError(f"Dot: `axes` must be an int or a list/tuple of 2 ints; received axes={axes!r}.")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _resolved_axes(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2 or not all(
                isinstance(s, (list, tuple)) or hasattr(s, "as_list") for s in shapes):
            raise ValueError(f"Dot layer '{self.name}': expected a list of exactly 2 inputs; received "
                             f"{len(shapes) if isinstance(shapes, (list, tuple)) else 'one'} input(s). Call it as "
                             f"Dot(axes)([x1, x2]).")
        shape1, shape2 = (_shape(s) for s in shapes)
        pairs = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        axes = []
        for axis, shape in zip(pairs, (shape1, shape2)):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(f"Dot layer '{self.name}': axes={self.axes} must name a non-batch axis of each "
                                 f"input; received input shapes {shape1} and {shape2}.")
            axes.append(axis % len(shape))
        size1, size2 = shape1[axes[0]], shape2[axes[1]]
        if size1 is not None and size2 is not None and size1 != size2:
            raise ValueError(f"Dot layer '{self.name}': the contracted axes must have one size; received shapes "
                             f"{shape1} (axis {axes[0]}: {size1}) and {shape2} (axis {axes[1]}: {size2}). Pick "
                             f"axes of equal size, or project one input first (e.g. with Dense).")
        if shape1[0] is not None and shape2[0] is not None and shape1[0] != shape2[0]:
            raise ValueError(f"Dot layer '{self.name}': the inputs must have one batch size; received shapes "
                             f"{shape1} and {shape2}.")
        return shape1, shape2, axes

    def build(self, input_shape):
        self._resolved_axes(input_shape)

    def call(self, inputs):
        shape1, shape2, (axis1, axis2) = self._resolved_axes([x.shape for x in inputs]
                                                             if isinstance(inputs, (list, tuple)) else inputs.shape)
        x1, x2 = (pt.convert_to_tensor(x) for x in inputs)
        if self.normalize:
            x1, x2 = _l2_normalize(x1, axis1), _l2_normalize(x2, axis2)
        # (batch, rest1, n) @ (batch, n, rest2) as one batched matmul.
        rest1 = [a for a in range(1, len(shape1)) if a != axis1]
        rest2 = [a for a in range(1, len(shape2)) if a != axis2]
        left = pt.transpose(x1, [0] + rest1 + [axis1])
        right = pt.transpose(x2, [0, axis2] + rest2)
        batch, n = shape1[0], shape1[axis1]
        sizes1, sizes2 = [shape1[a] for a in rest1], [shape2[a] for a in rest2]
        product = pt.matmul(pt.reshape(left, [batch, -1, n]), pt.reshape(right, [batch, n, -1]))
        return pt.reshape(product, [batch] + (sizes1 + sizes2 or [1]))

    def compute_output_shape(self, input_shape):
        shape1, shape2, (axis1, axis2) = self._resolved_axes(input_shape)
        rest = [d for a, d in enumerate(shape1) if a not in (0, axis1)] + \
            [d for a, d in enumerate(shape2) if a not in (0, axis2)]
        return (shape1[0],) + tuple(rest or [1])

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    """``Dot(axes, **kwargs)(inputs)``: the per-sample dot product of two inputs (see :class:`Dot`)."""
    return Dot(axes=axes, **kwargs)(inputs)
