"""Keras GroupNormalization layer."""
import pytensor as pt

from .. import initializers, regularizers
from .layer import Layer

__all__ = ["GroupNormalization"]


class GroupNormalization(Layer):
    """Splits the channels (axis ``axis``) into ``groups`` groups and normalizes each example over each group's
    channels and all the other non-batch axes: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``, ``gamma`` and
    ``beta`` per channel. ``groups=-1`` is instance normalization (one group per channel), ``groups=1`` layer
    normalization over all axes.

    Example:
        >>> gn = keras.layers.GroupNormalization(groups=2)
        >>> gn(tf.constant([[0., 2., 10., 30.]])).numpy().round(3)
        array([[-1.,  1., -1.,  1.]], dtype=float32)

    Raises:
        ValueError: for ``groups`` that is neither positive nor -1, an axis out of range or of unknown size, and
            channels that are not a multiple of ``groups``.
    """

    _casts_integer_inputs = True

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization layer '{self.name}': `groups` must be a positive int, or -1 for "
                             f"instance normalization; received groups={groups!r}.")
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        shape = tuple(input_shape)
        rank = len(shape)
        if not isinstance(self.axis, int) or not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ValueError(f"GroupNormalization layer '{self.name}': axis={self.axis!r} must name a non-batch "
                             f"axis of the input (shape {shape}).")
        self._axis = self.axis % rank
        channels = shape[self._axis]
        if channels is None:
            raise ValueError(f"GroupNormalization layer '{self.name}': axis {self.axis} of the input must have a "
                             f"known size; received shape {shape}.")
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups or channels % self.groups:
            raise ValueError(f"GroupNormalization layer '{self.name}': the {channels} channels (axis {self.axis} of "
                             f"input shape {shape}) must be a multiple of groups={self.groups}; choose groups "
                             f"dividing {channels}, or -1 for one group per channel.")
        self._channels = channels
        self.gamma = self.add_weight(name="gamma", shape=(channels,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale else None
        self.beta = self.add_weight(name="beta", shape=(channels,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center else None

    def call(self, inputs):
        shape = [int(d) for d in inputs.shape]
        axis = self._axis
        # (batch, ..., groups, channels per group, ...): statistics over every axis but the batch and the group.
        grouped_shape = shape[:axis] + [self.groups, self._channels // self.groups] + shape[axis + 1:]
        grouped = pt.reshape(inputs, grouped_shape)
        axes = [a for a in range(1, len(grouped_shape)) if a != axis]
        mean = pt.reduce_mean(grouped, axis=axes, keepdims=True)
        variance = pt.reduce_mean(pt.math.squared_difference(grouped, pt.stop_gradient(mean)), axis=axes,
                                  keepdims=True)
        normalized = (grouped - mean) * pt.math.rsqrt(variance + self.epsilon)
        param_shape = [1] * len(grouped_shape)
        param_shape[axis], param_shape[axis + 1] = self.groups, self._channels // self.groups
        if self.gamma is not None:
            normalized = normalized * pt.reshape(self.gamma, param_shape)
        if self.beta is not None:
            normalized = normalized + pt.reshape(self.beta, param_shape)
        return pt.reshape(normalized, shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": None, "gamma_constraint": None,
        })
        return config
