"""Keras BatchNormalization layer."""
import pytensor as pt

from .. import initializers, regularizers
from .layer import Layer

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalizes each feature (the ``axis`` axis) with batch statistics in training, moving ones otherwise.

    ``outputs = gamma * (x - mean) / sqrt(var + epsilon) + beta``. With ``training=True`` (and a
    trainable layer) ``mean`` / ``var`` are the batch's over all other axes, and the moving statistics
    move towards them: ``moving = moving * momentum + batch_stat * (1 - momentum)``. Otherwise
    (``training`` None or False, as in ``predict``) ``moving_mean`` / ``moving_variance`` are used.
    Weights: ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance`` (non-trainable).

    Example:
        >>> bn = keras.layers.BatchNormalization()
        >>> y = bn(tf.random.normal((32, 8)), training=True)
        >>> [w.name for w in bn.weights]
        ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """

    _casts_integer_inputs = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise ValueError(f"BatchNormalization: `axis` must be an int; received axis={axis!r}.")
        if renorm:
            raise ValueError(f"BatchNormalization layer '{self.name}': batch renormalization (renorm=True) is not "
                             f"supported; use renorm=False (the default).")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.synchronized = synchronized
        self.renorm, self.renorm_clipping, self.renorm_momentum = False, renorm_clipping, float(renorm_momentum)
        self.supports_masking = True

    def build(self, input_shape):
        shape = tuple(input_shape)
        rank = len(shape)
        if not -rank <= self.axis < rank or rank < 2:
            raise ValueError(f"BatchNormalization layer '{self.name}': axis={self.axis} is out of range for an "
                             f"input of shape {shape}; expected a rank >= 2 input and -{rank} <= axis < {rank}.")
        self._axis = self.axis % rank
        features = shape[self._axis]
        if features is None:
            raise ValueError(f"BatchNormalization layer '{self.name}': axis {self.axis} of the input must have "
                             f"a known size; received shape {shape}.")
        self._reduction_axes = [a for a in range(rank) if a != self._axis]
        # Parameters of shape (features,) broadcast directly against channels-last inputs.
        self._param_shape = None if self._axis == rank - 1 else [features if a == self._axis else 1
                                                                   for a in range(rank)]
        self.gamma = (self.add_weight(name="gamma", shape=(features,), initializer=self.gamma_initializer,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                      trainable=True)
                      if self.scale else None)
        self.beta = (self.add_weight(name="beta", shape=(features,), initializer=self.beta_initializer,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                     trainable=True)
                     if self.center else None)
        self.moving_mean = self.add_weight(name="moving_mean", shape=(features,),
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(features,),
                                               initializer=self.moving_variance_initializer, trainable=False)

    def _broadcast(self, param):
        return param if self._param_shape is None else pt.reshape(param, self._param_shape)

    def call(self, inputs, training=None, mask=None):
        if len(inputs.shape) != len(self._reduction_axes) + 1:
            raise ValueError(f"BatchNormalization layer '{self.name}': expected an input of rank "
                             f"{len(self._reduction_axes) + 1} (the rank it was built for), received shape "
                             f"{tuple(inputs.shape)}. Call the layer on inputs of one rank.")
        if training and self.trainable:
            mean = pt.reduce_mean(inputs, axis=self._reduction_axes)
            # Like tf.nn.moments: the mean inside the variance is a constant; its gradient term sums to zero.
            centred = pt.math.squared_difference(inputs, pt.stop_gradient(self._broadcast(mean)))
            variance = pt.reduce_mean(centred, axis=self._reduction_axes)
            keep = self.momentum
            self.moving_mean.assign(self.moving_mean * keep + pt.stop_gradient(mean) * (1.0 - keep))
            self.moving_variance.assign(self.moving_variance * keep + pt.stop_gradient(variance) * (1.0 - keep))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        # Fold the normalization into one scale and one offset per feature: two full-size ops.
        inv = pt.math.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma
        offset = -mean * inv
        if self.beta is not None:
            offset = offset + self.beta
        return inputs * self._broadcast(inv) + self._broadcast(offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": None, "gamma_constraint": None, "synchronized": self.synchronized,
            "renorm": self.renorm, "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum,
        })
        return config
