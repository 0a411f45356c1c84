"""The op database: one `OpInfo` row per registry op (csrc/ops/op_list.h), in the spirit of PyTorch's OpInfo.

Each row names the op as the registry does, says how Python reaches it (`api`, a dotted path under
`pytensor`), gives a numpy reference (or, for random ops, a statistical `check`), the dtypes it supports
and the ones that must raise TypeError, sample inputs (broadcasting pairs, 0-d, empty, non-contiguous
views, large enough to cross the parallel grain), the input domain, tolerances per dtype and the gradient
flags. tests/test_ops.py runs every row; tests/test_registry.py checks the rows against the registry.

One module a registry family holds that family's samples, references and `ROWS`; `common` holds the records
(`OpInfo`, `SampleInput`, `Domain`), the dtype groups and value generation they share. A new op adds its row to
its family's module.

Samples hold numpy values; `to_pt` turns every ndarray into a pytensor Tensor *keeping its strides*
(through DLPack), so a transposed or sliced numpy view becomes a non-contiguous tensor view.

Gradient readiness: differentiable rows have float64 samples (`grad_sample_inputs`), `grad_argnums`
(which tensor arguments gradients are taken for) and `grad_exclude` (kinks the samples keep away from).
"""
from . import activation, attention, binary, conv, creation, fft, linalg, nn, optim, pool, random, reduce, rnn, shape, \
    special, unary
from .activation import sample_activation
from .binary import sample_binary
from .common import (
    ALL_DTYPES, BOOL, FLOATS, INTS, NUMERIC, SIGNED, Domain, NotBuiltError, OpInfo, SampleInput, _flatten, make, to_pt,
    to_pt_sample)
from .conv import ref_conv2d
from .unary import sample_unary

__all__ = ["ALL_DTYPES", "BOOL", "FLOATS", "INTS", "NUMERIC", "SIGNED", "Domain", "NotBuiltError", "OpInfo", "SampleInput",
           "_flatten", "make", "op_db", "op_db_by_name", "ref_conv2d", "sample_activation", "sample_binary",
           "sample_unary", "to_pt", "to_pt_sample"]

op_db = [*unary.ROWS, *binary.ROWS, *reduce.ROWS, *nn.ROWS, *activation.ROWS, *conv.ROWS, *pool.ROWS, *rnn.ROWS,
         *attention.ROWS, *optim.ROWS, *linalg.ROWS, *shape.ROWS, *creation.ROWS, *random.ROWS, *fft.ROWS,
         *special.ROWS]

op_db_by_name = {op.name: op for op in op_db}
