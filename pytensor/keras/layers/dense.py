"""Keras Dense layer."""
import pytensor as pt

from .. import activations, initializers, regularizers
from .layer import Layer

__all__ = ["Dense"]


class Dense(Layer):
    """Densely connected layer: ``outputs = activation(inputs @ kernel + bias)``.

    ``kernel`` has shape ``(input_dim, units)``, made when the layer first sees an input (or from
    ``input_shape`` / ``input_dim``); inputs of rank > 2 are multiplied along their last axis.

    Example:
        >>> layer = keras.layers.Dense(32, activation="relu")
        >>> layer(tf.ones((2, 784))).shape
        TensorShape([2, 32])

    Args:
        units: output size.
        activation: name or function; None is linear.
        use_bias: whether to add ``bias``.
        kernel_initializer, bias_initializer: default ``glorot_uniform`` and ``zeros``.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to ``losses``.
        kernel_constraint, bias_constraint: applied after each optimizer update.
    """

    _casts_integer_inputs = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"Dense: `units` must be a positive int; received units={units!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f"Dense layer '{self.name}': expected an input of shape (batch, ..., features) with a "
                             f"known last axis, received shape {input_shape}. Add a batch axis (e.g. "
                             f"tf.expand_dims(x, 0)) or give the first layer input_shape=(features,).")
        self._in_features = int(input_shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = (self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        in_features = self._in_features
        if len(shape) < 2 or shape[-1] != in_features:
            raise ValueError(f"Dense layer '{self.name}': expected an input of shape (batch, ..., {in_features}) "
                             f"(the shape it was built for), received shape {shape}. Reshape or "
                             f"Flatten the input to end in {in_features} features, or use a new layer.")
        if isinstance(inputs, pt.SparseTensor):  # Keras 3 takes sparse inputs (keras.Input(sparse=True))
            outputs = pt.sparse.sparse_dense_matmul(inputs, self.kernel)
        elif len(shape) == 2:
            outputs = pt.matmul(inputs, self.kernel)
        else:
            outputs = pt.linalg.tensordot(inputs, self.kernel, [[len(shape) - 1], [0]])
        if self.bias is not None:
            outputs = pt.nn.bias_add(outputs, self.bias)
        # As Keras: a traced step fuses the bias and a relu into one pass (graph pattern fusion).
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "bias_constraint": None,
        })
        return config
