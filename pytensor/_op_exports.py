"""The registry ops each TF module exports: csrc's family files name the modules beside each op
(``define_op(...).exports("tf tf.math")``), so a new op reaches ``tf.math`` without a Python line."""

from . import _core

# (name, TF modules) of every registry op, read once: each module that exports ops asks for its own.
_EXPORTS = [(row[0], row[7].split()) for row in _core.op_registry()]


def exported_ops(module):
    """``{name: function}`` of the registry ops exported under TF module ``module`` ("tf", "tf.math", "tf.nn"...)."""
    return {name: getattr(_core, name) for name, modules in _EXPORTS if module in modules}
