"""``keras.Variable``: Keras 3's backend-independent variable, which under TensorFlow is a ``tf.Variable``."""
import pytensor as pt

from . import initializers
from .backend import floatx

__all__ = ["Variable"]


def is_keras_variable(variable):
    """Whether a tf.Variable was made by Keras (``add_weight``, ``keras.Variable``), which alone Keras 3 counts
    among a layer's weights."""
    return "_keras_name" in variable.__dict__


class _VariableType(type):
    def __instancecheck__(cls, instance):
        return isinstance(instance, pt.Variable)


class Variable(metaclass=_VariableType):
    """``keras.Variable(initializer, shape=None, dtype=None, trainable=True, name=None)``: a ``tf.Variable`` holding
    `initializer` (a value, or an initializer — name, object or callable — called with `shape` and `dtype`).

    Raises:
        ValueError: an initializer without a `shape`, or a value whose shape differs from `shape`.
    """

    def __new__(cls, initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                synchronization="auto", name=None):
        if isinstance(initializer, str) or callable(initializer):
            if shape is None:
                raise ValueError(f"keras.Variable{'' if name is None else ' ' + repr(name)}: an initializer "
                                 f"({initializer!r}) needs a shape; pass shape=(...), or pass a value instead.")
            value = initializers.get(initializer)(tuple(shape), dtype=dtype or floatx())
        else:
            value = pt.convert_to_tensor(initializer)
            if dtype is not None:
                value = pt.cast(value, dtype)
            if shape is not None and tuple(value.shape) != tuple(shape):
                raise ValueError(f"keras.Variable{'' if name is None else ' ' + repr(name)}: the value has shape "
                                 f"{tuple(value.shape)}, but shape={tuple(shape)} was given.")
        variable = pt.Variable(value, trainable=trainable, name=name or "variable")
        variable._keras_name = name or "variable"  # Keras 3's name: no TF ':0'
        return variable
