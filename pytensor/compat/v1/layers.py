"""``tf.compat.v1.layers``: TF1's functional layers on graph tensors, their variables from ``get_variable`` in a
variable scope named after the layer (``dense/kernel``, ``dense/bias``), so ``variable_scope(reuse=...)`` shares
them."""

import pytensor as _pt
from pytensor._missing import missing_attribute_hook

from ._graph import record
from ._variables import get_variable, variable_scope, zeros_initializer


def _activation(activation):
    if activation is None or callable(activation):
        return activation
    from pytensor.keras import activations
    return activations.get(activation)


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None, bias_initializer=None,
          kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """``activation(inputs @ kernel + bias)`` with ``kernel`` [last dimension of inputs, units] (Glorot uniform by
    default) and ``bias`` [units] (zeros), as TF1's ``tf.layers.dense``.

    Example:
        >>> x = tf.compat.v1.placeholder(tf.float32, [None, 784])
        >>> hidden = tf.compat.v1.layers.dense(x, 128, activation=tf.nn.relu, name="hidden")
    """
    in_dim = inputs.shape[-1] if inputs.shape.rank else None
    if in_dim is None:
        raise ValueError(f"The last dimension of the inputs to `Dense` should be defined. Found `None` (inputs "
                         f"{inputs!r}); give the placeholder a shape such as [None, features].")
    activation = _activation(activation)
    with variable_scope(name, default_name="dense", reuse=reuse):
        kernel = get_variable("kernel", [int(in_dim), units], dtype=inputs.dtype, initializer=kernel_initializer,
                              regularizer=kernel_regularizer, trainable=trainable)
        bias = get_variable("bias", [units], dtype=inputs.dtype, initializer=bias_initializer or zeros_initializer(),
                            regularizer=bias_regularizer, trainable=trainable) if use_bias else None

        def call(x, kernel, bias):
            rank = len(x._shape_tuple())
            y = _pt.matmul(x, kernel) if rank == 2 else _pt.tensordot(x, kernel, [[rank - 1], [0]])
            if bias is not None:
                y = _pt.nn.bias_add(y, bias)
            return activation(y) if activation is not None else y
        return record(call, (inputs, kernel, bias), {}, "Dense")


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Drops elements with probability `rate` when `training` (a bool or a boolean placeholder)."""
    def call(x, training):
        if isinstance(training, (_pt.Tensor, _pt.Variable)):
            keep = _pt.cast(_pt.random.uniform(_pt.shape(x), dtype=x.dtype, seed=seed) >= rate, x.dtype)
            return _pt.where(training, x * keep / (1.0 - rate), x)
        return _pt.nn.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed) if training else x
    return record(call, (inputs, training), {}, "dropout", name)


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens all dimensions but the first."""
    return record(lambda x: _pt.reshape(x, [-1, int(_flat_size(x))]), (inputs,), {}, "Flatten", name)


def _flat_size(x):
    size = 1
    for d in x._shape_tuple()[1:]:
        size *= d
    return size


__getattr__ = missing_attribute_hook(__name__)
