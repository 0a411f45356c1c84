"""``tf.compat.v1``: TensorFlow 1's graph API (placeholders, sessions, variable scopes, TF1 optimizers) on
pytensor's graph IR, beside eager execution.

    import pytensor.compat.v1 as tf
    tf.disable_eager_execution()
    x = tf.placeholder(tf.float32, [None, 784])
    ...
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, feed_dict={x: batch})

Every pytensor function is here too; given a graph tensor (or a graph variable) it adds an operation to the graph
instead of running (see _graph.py), otherwise it runs eagerly. ``Session.run`` compiles what a fetch needs with
``tf.function`` into a C++ graph run by the executor (see _session.py).
"""

import builtins as _builtins
import sys as _sys

import pytensor as _pt
from pytensor import _missing

from . import _graph, _proxy, _session, _variables, layers, losses, nn as _nn, train  # noqa: F401
from ._graph import (  # noqa: F401
    Graph, Operation, Tensor, cond, control_dependencies, disable_eager_execution, enable_eager_execution,
    get_default_graph, placeholder, placeholder_with_default, reset_default_graph, while_loop,
)
from ._session import ConfigProto, InteractiveSession, Session, get_default_session  # noqa: F401
from ._variables import (  # noqa: F401
    AUTO_REUSE, GraphKeys, RefVariable, Variable, VariableScope, add_to_collection, add_to_collections, assign,
    assign_add, assign_sub, constant_initializer, get_collection, get_collection_ref, get_variable,
    get_variable_scope, glorot_normal_initializer, glorot_uniform_initializer, global_variables,
    global_variables_initializer, group, is_variable_initialized, local_variables, local_variables_initializer,
    model_variables, name_scope, no_op, ones_initializer, random_normal_initializer, random_uniform_initializer,
    trainable_variables, truncated_normal_initializer, variable_scope, variables_initializer,
    variance_scaling_initializer, zeros_initializer,
)
from .train import gradients  # noqa: F401
from ._graph import dispatching as _dispatching

initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
GPUOptions = ConfigProto
executing_eagerly = _pt.executing_eagerly


def disable_v2_behavior():
    """TF1 behaviour: here, eager execution off (the rest of TF 2's behaviour is the same)."""
    disable_eager_execution()


def enable_v2_behavior():
    enable_eager_execution()


def _reduction(function):
    """A reduction taking TF1's `reduction_indices` and `keep_dims` too."""
    def reduce(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
        axis = reduction_indices if axis is None else axis
        # (the builtin: module __getattr__ caches tf.compat.v1.bool, the DType, under this module's `bool`)
        keepdims = _builtins.bool(keep_dims if keepdims is None else keepdims)
        return function(input_tensor, axis=axis, keepdims=keepdims)
    reduce.__name__ = function.__name__
    reduce.__doc__ = function.__doc__
    return _dispatching(reduce)


for _name in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_all", "reduce_any",
              "reduce_logsumexp"):
    globals()[_name] = _reduction(getattr(_pt, _name))


def _argmax_v1(function):
    def arg(input, axis=None, name=None, dimension=None, output_type=_pt.int64):  # noqa: A002 - TF's name
        return function(input, axis=dimension if axis is None else axis, output_type=output_type)
    arg.__name__ = function.__name__
    return _dispatching(arg)


argmax = _argmax_v1(_pt.argmax)
argmin = _argmax_v1(_pt.argmin)
arg_max = argmax
arg_min = argmin


def _cast_to(dtype, name):
    def cast(x, name=None):
        return _pt.cast(x, dtype)
    cast.__name__ = name
    return _dispatching(cast)


to_float = _cast_to(_pt.float32, "to_float")
to_double = _cast_to(_pt.float64, "to_double")
to_int32 = _cast_to(_pt.int32, "to_int32")
to_int64 = _cast_to(_pt.int64, "to_int64")
log = _dispatching(_pt.math.log)
div = _dispatching(_pt.math.divide)
random_normal = _dispatching(_pt.random.normal)
random_uniform = _dispatching(_pt.random.uniform)
truncated_normal = _dispatching(_pt.random.truncated_normal)
set_random_seed = _pt.random.set_seed

nn = _proxy.DispatchingModule(__name__ + ".nn", _pt.nn, _nn.EXTRA)
math = _proxy.DispatchingModule(__name__ + ".math", _pt.math, {"log": log, "divide": div, "argmax": argmax,
                                                                 "argmin": argmin})
linalg = _proxy.DispatchingModule(__name__ + ".linalg", _pt.linalg)
random = _proxy.DispatchingModule(__name__ + ".random", _pt.random, {"set_random_seed": set_random_seed})
image = _proxy.DispatchingModule(__name__ + ".image", _pt.image)
for _module in (nn, math, linalg, random, image):
    _sys.modules[_module.__name__] = _module
errors = _pt.errors
dtypes = _pt.dtypes
nest = _pt.nest

# TF 1's top-level Fourier transforms, and tf.spectral (TF 1's name of tf.signal's transforms)
fft, ifft, fft2d, ifft2d, fft3d, ifft3d = (_dispatching(getattr(_pt.signal, _name)) for _name in (
    "fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"))
spectral = _proxy.DispatchingModule(__name__ + ".spectral", _pt.signal)

_PASS_THROUGH = ("keras", "data", "io", "summary", "config", "sparse", "strings", "signal")


def __getattr__(name):
    # The rest of pytensor's top level: functions dispatch on graph tensors; classes, dtypes and modules as they are.
    import inspect
    import types

    try:
        value = getattr(_pt, name)
    except AttributeError:
        raise _missing.missing_attribute_error(__name__, name) from None
    if callable(value) and not inspect.isclass(value) and not isinstance(value, types.ModuleType) and \
            name not in _PASS_THROUGH:
        value = _dispatching(value)
    globals()[name] = value
    return value
