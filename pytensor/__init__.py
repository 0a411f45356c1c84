"""pytensor: the TensorFlow 2 / Keras API on a C++ core.

    import pytensor as tf
    x = tf.ones((2, 2))
"""

import os as _os

from ._install import check_folder as _check_folder
from ._isa import load_core as _load_core

_check_folder(_os.path.dirname(__file__))  # PyMC's pytensor installed into the same folder (see _install.py)
# The kernels that still open OpenMP regions: poll ~10k times (tens of microseconds) before sleeping rather than
# libgomp's default 300k, so that idle threads leave the cores to other processes. Read when libgomp loads with
# _core below; a user's own OMP_WAIT_POLICY / GOMP_SPINCOUNT wins.
if "OMP_WAIT_POLICY" not in _os.environ:
    _os.environ.setdefault("GOMP_SPINCOUNT", "10000")
_core = _load_core(_os.path.dirname(__file__))  # the AVX-512 build where it runs faster (see _isa.py)
from . import dtypes, errors, nest
from .dtypes import DType, as_dtype, bool, uint8, int32, int64, float32, float64  # noqa: A004 - TF's names
from .dtypes import (float16, bfloat16, half, double, int8, int16, uint16, uint32, uint64,  # noqa: F401
                     complex64, complex128)
from .dtypes import qint8, quint8, qint16, quint16, qint32  # noqa: F401,E402  TF's quantized dtypes (names only)
from .tensor_shape import TensorShape
from ._tensor_api import Tensor, Variable
from ._core import constant, convert_to_tensor
from .gradient_tape import GradientTape, custom_gradient, stop_gradient
from . import math, random, linalg, nn, config

__version__ = "0.1.0"

newaxis = None

from ._op_exports import exported_ops as _exported_ops  # noqa: E402
globals().update(_exported_ops("tf"))  # TF's top-level op names: the registry ops each family file exports to tf
from ._core import shape, shape_n, rank, size  # noqa: E402,F401  shape queries (no registry op)
from .math import truediv, floordiv, realdiv, squared_difference  # noqa: E402,F401
from .linalg import tensordot  # noqa: E402,F401
from . import image  # noqa: E402,F401  tf.image


_LAZY_SUBMODULES = ("keras", "data", "io", "train")
_LAZY_SUBMODULES += ("summary",)  # tf.summary: TensorBoard event files
_LAZY_SUBMODULES += ("sparse", "strings")  # tf.sparse: SparseTensor functions; tf.strings: string tensors
_LAZY_SUBMODULES += ("signal",)  # tf.signal: framing, windows, mel filters, DCT
_LAZY_SUBMODULES += ("distribute",)  # tf.distribute: strategies over MPI
_LAZY_SUBMODULES += ("autograph",)  # tf.autograph: converts Python control flow for tf.function
_LAZY_SUBMODULES += ("types",)  # tf.types.experimental.TraceType: how tf.function keys a class
_LAZY_SUBMODULES += ("compat",)  # tf.compat.v1: TF1 graphs (placeholder, Session) on the graph IR
_LAZY_SUBMODULES += ("saved_model",)  # tf.saved_model: SavedModel directories of traced functions
_LAZY_SUBMODULES += ("ragged",)  # tf.ragged: RaggedTensor, rows of different lengths
_LAZY_SUBMODULES += ("bitwise", "sets", "audio", "sysconfig", "test", "autodiff", "profiler")  # TF's small modules
_LAZY_SUBMODULES += ("lookup", "queue", "feature_column")  # tables, queues, feature columns
_LAZY_SUBMODULES += ("experimental",)  # tf.experimental: Optional, dlpack
_LAZY_SUBMODULES += ("quantization",)  # tf.quantization: quantize / dequantize, fake_quant
# Names defined in modules loaded on first use: name -> module
_LAZY_NAMES = {"RaggedTensor": ".ragged", "RaggedTensorSpec": ".ragged", "as_string": ".strings"}
_LAZY_NAMES.update({name: "._type_spec" for name in (
    "TypeSpec", "SparseTensorSpec", "IndexedSlicesSpec", "NoneTensorSpec", "OptionalSpec", "TensorArraySpec",
    "type_spec_from_value")})
_LAZY_NAMES.update({name: "._tf_misc" for name in (
    "bitcast", "case", "inside_function", "is_symbolic_tensor", "guarantee_const", "make_tensor_proto",
    "make_ndarray", "nondifferentiable_batch_function", "random_index_shuffle", "edit_distance",
    "conv2d_backprop_filter_v2", "conv2d_backprop_input_v2", "extract_volume_patches", "matrix_square_root",
    "ragged_fill_empty_rows", "ragged_fill_empty_rows_grad", "CriticalSection",
    "register_tensor_conversion_function", "no_gradient")})
_LAZY_NAMES.update({"Graph": ".compat.v1", "Operation": ".compat.v1", "approx_top_k": "._tf_misc",
                    "conv": "._tf_misc"})
_LAZY_NAMES["fingerprint"] = "._fingerprint"
_LAZY_NAMES.update({"eig": "._linalg_eig", "eigvals": "._linalg_eig"})
_LAZY_NAMES.update({name: ".signal" for name in ("fftnd", "ifftnd", "rfftnd", "irfftnd")})  # TF 2's top-level ones
# Names that live with the data pipeline (tf.string and friends), loaded with it on first use.
_LAZY_DATA_NAMES = ("string", "TensorSpec", "SparseTensor")


def __getattr__(name):
    # keras, data, io and train load on first use so `import pytensor` stays fast.
    import importlib

    if name in _LAZY_SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY_DATA_NAMES:
        value = getattr(importlib.import_module(".data._types", __name__), name)
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
    else:
        from ._missing import missing_attribute_error

        raise missing_attribute_error(__name__, name)
    globals()[name] = value
    return value


# TF's core objects and the functions TF 2 has at top level (issue 18). The wrappers below replace the core's
# constant / convert_to_tensor / identity with TF's signatures (name=, identity's `input`).
from ._scopes import name_scope, device, init_scope, executing_eagerly  # noqa: E402,F401
from .module import Module  # noqa: E402,F401
from ._tf_ops import (  # noqa: E402,F401,A004
    constant, convert_to_tensor, identity, einsum, norm, clip_by_norm, clip_by_global_norm, print,
    get_static_value, UnconnectedGradients, meshgrid, slice, get_logger, add_n,
)
from .debugging import assert_equal, assert_less, assert_greater, assert_rank  # noqa: E402,F401
from .debugging import Assert  # noqa: E402,F401
from ._device_spec import DeviceSpec, VariableAggregation, VariableSynchronization, AggregationMethod  # noqa: E402,F401
from .math import (  # noqa: E402,F401  TF's top-level aliases of tf.math functions
    tan, sinh, cosh, asin, acos, atan, atan2, asinh, acosh, atanh, scalar_mul, cumsum,
)
from ._math_ops import truncatediv, truncatemod, complex  # noqa: E402,F401,A004
from .dtypes import double, saturate_cast  # noqa: E402,F401
from ._tensor_array import TensorArray  # noqa: E402,F401
from ._scopes import get_current_name_scope, variable_creator_scope  # noqa: E402,F401
from ._indexed_slices import IndexedSlices  # noqa: E402,F401
from ._array_ops import *  # noqa: E402,F401,F403  reverse, roll, sort, gather_nd, tensor_scatter_nd_*, map_fn ...
version = __import__("importlib").import_module(".version", __name__)  # tf.version (`from . import` would ask
# __getattr__ first, which reads the TF name list)
from ._function import function  # noqa: E402,F401  tf.function (graph mode, csrc/graph)
from ._function import gradients, hessians  # noqa: E402,F401  tf.gradients, tf.hessians (inside tf.function)
from ._control_flow import cond, switch_case, while_loop  # noqa: E402,F401

# TF 2's top-level aliases of Keras modules and of the initializers, loaded with Keras on first use.
_KERAS_ALIASES = {"optimizers": "optimizers", "initializers": "initializers", "losses": "losses",
                  "metrics": "metrics"}
_INITIALIZER_ALIASES = {"zeros_initializer": "Zeros", "ones_initializer": "Ones",
                        "constant_initializer": "_TFConstant", "random_normal_initializer": "RandomNormal",
                        "random_uniform_initializer": "RandomUniform"}
# Beyond TF 2: TF1's graph entry points at top level too (TF 2 keeps them under tf.compat.v1), so that TF1 programs
# written `import tensorflow as tf; tf.placeholder(...); tf.Session()` run as written, beside eager code.
_COMPAT_V1_NAMES = ("placeholder", "placeholder_with_default", "Session", "InteractiveSession")
_getattr_before_tf_aliases = __getattr__


def __getattr__(name):  # noqa: F811 - adds the aliases, then defers to the lazy loader above
    if name in _KERAS_ALIASES:
        value = getattr(__getattr__("keras"), _KERAS_ALIASES[name])
    elif name in _INITIALIZER_ALIASES:
        value = getattr(__getattr__("keras").initializers, _INITIALIZER_ALIASES[name])
    elif name in _COMPAT_V1_NAMES:
        value = getattr(__getattr__("compat").v1, name)
    else:
        return _getattr_before_tf_aliases(name)
    globals()[name] = value
    return value
