"""The registry ops each TF module exports: csrc's family files name the modules beside each op
(``define_op(...).exports("tf tf.math")``), so a new op reaches ``tf.math`` without a Python line."""

from . import _core


def exported_ops(module):
    """``{name: function}`` of the registry ops exported under TF module ``module`` ("tf", "tf.math", "tf.nn"...)."""
    return {row[0]: getattr(_core, row[0]) for row in _core.op_registry() if module in row[7].split()}
