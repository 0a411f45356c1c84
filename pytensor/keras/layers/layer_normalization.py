"""Keras LayerNormalization layer."""
import pytensor as pt

from .. import initializers, regularizers
from .layer import Layer

__all__ = ["LayerNormalization"]


class LayerNormalization(Layer):
    """Normalizes each example over the ``axis`` axes (by default the last), independently of the batch.

    ``outputs = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with ``mean`` / ``var`` taken over
    ``axis`` per example; ``gamma`` and ``beta`` have the shape of those axes. With
    ``rms_scaling=True``: ``outputs = gamma * x / sqrt(var + epsilon)`` (no centring, no beta), Keras 3's formula
    (Keras deprecates it for ``RMSNormalization``).

    Example:
        >>> ln = keras.layers.LayerNormalization()
        >>> ln(tf.constant([[0., 10.], [20., 30.]])).numpy().round(3)
        array([[-1.,  1.],
               [-1.,  1.]], dtype=float32)
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = float(epsilon)
        self.center = center and not rms_scaling
        self.scale = scale
        self.rms_scaling = rms_scaling
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
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if not axes or any(not -rank <= a < rank for a in axes):
            raise ValueError(f"LayerNormalization layer '{self.name}': axis={self.axis} is out of range for an "
                             f"input of shape {shape}; each axis must satisfy -{rank} <= axis < {rank}.")
        self._axes = sorted(a % rank for a in axes)
        param_shape = tuple(shape[a] for a in self._axes)
        if None in param_shape:
            raise ValueError(f"LayerNormalization layer '{self.name}': the normalized axes {self._axes} of the "
                             f"input must have known sizes; received shape {shape}.")
        # Parameters broadcast directly when they cover the trailing axes; otherwise reshape to rank.
        trailing = self._axes == list(range(rank - len(self._axes), rank))
        self._broadcast_shape = None if trailing else [shape[a] if a in self._axes else 1 for a in range(rank)]
        self.gamma = (self.add_weight(name="gamma", shape=param_shape, initializer=self.gamma_initializer,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                      trainable=True)
                      if self.scale else None)
        self.beta = (self.add_weight(name="beta", shape=param_shape, initializer=self.beta_initializer,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                     trainable=True)
                     if self.center else None)

    def _broadcast(self, param):
        return param if self._broadcast_shape is None else pt.reshape(param, self._broadcast_shape)

    def call(self, inputs):
        if self.rms_scaling:
            mean = pt.stop_gradient(pt.reduce_mean(inputs, axis=self._axes, keepdims=True))
            variance = pt.reduce_mean(pt.math.squared_difference(inputs, mean), axis=self._axes, keepdims=True)
            normalized = inputs * pt.math.rsqrt(variance + self.epsilon)
        else:
            mean = pt.reduce_mean(inputs, axis=self._axes, keepdims=True)
            # Like tf.nn.moments: the mean inside the variance is a constant; its gradient term sums to zero.
            variance = pt.reduce_mean(pt.math.squared_difference(inputs, pt.stop_gradient(mean)),
                                      axis=self._axes, keepdims=True)
            normalized = (inputs - mean) * pt.math.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            normalized = normalized * self._broadcast(self.gamma)
        if self.beta is not None:
            normalized = normalized + self._broadcast(self.beta)
        return normalized

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "rms_scaling": self.rms_scaling, "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": None, "gamma_constraint": None,
        })
        return config
