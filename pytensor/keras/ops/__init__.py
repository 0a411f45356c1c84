"""``keras.ops``: Keras 3's backend-free op namespace (``from keras import ops``), numpy's argument names and
Keras 3's dtype rules, mapped onto pytensor's differentiable ops. Grouped as Keras groups them: ``numpy``,
``nn``, ``math``, ``core``, ``linalg``, ``image``; every op is also at the top level, as in Keras, where it also
takes the functional API's symbolic inputs (``ops.expand_dims(keras.Input((4,)), -1)`` becomes a layer of the
model). A Keras op pytensor cannot build yet (fft, svd, …) raises ``NotImplementedYetError`` naming it."""
import builtins
import functools

import pytensor as pt

from . import core, image, linalg, math, nn, numpy  # noqa: F401  (image: Keras's submodule, ops only)
from ..keras_tensor import KerasTensor

# Ops that read a symbolic tensor's static facts (or take no tensors) rather than compute on it.
_STATIC = {"shape", "dtype", "ndim", "is_tensor", "convert_to_numpy", "custom_gradient"}


class _SymbolicCall:
    """``op(*args, **kwargs)`` with the symbolic tensors among the arguments replaced by the inputs of the
    Lambda layer that runs it. A module-level class, not a closure, so such models pickle; the symbolic tensors
    themselves are not kept."""

    def __init__(self, op, args, kwargs):
        self.op = op
        self.__name__ = op.__name__  # what the Lambda layer's config and summary show
        leaves = pt.nest.flatten((args, kwargs))
        self.positions = [i for i, x in enumerate(leaves) if isinstance(x, KerasTensor)]
        self.leaves = [None if isinstance(x, KerasTensor) else x for x in leaves]
        self.structure = pt.nest.pack_sequence_as((args, kwargs), self.leaves)

    def __call__(self, values):
        leaves = list(self.leaves)
        for position, value in zip(self.positions, values if isinstance(values, list) else [values]):
            leaves[position] = value
        args, kwargs = pt.nest.pack_sequence_as(self.structure, leaves)
        return self.op(*args, **kwargs)


def _has_symbolic(values):
    # Nested structures are flattened only when present, so eager calls on tensors stay cheap. (builtins.any:
    # this module's own ``any`` is the Keras op.)
    return builtins.any(isinstance(x, KerasTensor) or isinstance(x, (list, tuple, dict)) and builtins.any(
        isinstance(leaf, KerasTensor) for leaf in pt.nest.flatten(x)) for x in values)


def _accepting_symbolic(op):
    """``op``, which on symbolic inputs of the functional API becomes a Lambda layer computing it."""

    @functools.wraps(op)
    def run(*args, **kwargs):
        if not (_has_symbolic(args) or kwargs and _has_symbolic(kwargs.values())):
            return op(*args, **kwargs)
        symbolic = [x for x in pt.nest.flatten((args, kwargs)) if isinstance(x, KerasTensor)]
        from ..layers.lambda_layer import Lambda

        return Lambda(_SymbolicCall(op, args, kwargs))(symbolic if len(symbolic) > 1 else symbolic[0])

    return run


def _export(module):
    """The ops of ``module`` (its public functions, not the modules and helpers it imports) at the top level."""
    for name, value in vars(module).items():
        if not name.startswith("_") and callable(value) and name != "missing_attribute_hook" \
                and not isinstance(value, type(core)):
            globals()[name] = value if name in _STATIC else _accepting_symbolic(value)


for _module in (core, linalg, math, nn, numpy):
    _export(_module)

from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a Keras op pytensor lacks says so (see _missing.py)
