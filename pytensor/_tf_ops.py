"""TF's top-level functions written with pytensor ops: ``tf.einsum``, ``tf.norm``, ``tf.clip_by_norm``,
``tf.clip_by_global_norm``, ``tf.print``, ``tf.get_static_value``, ``tf.UnconnectedGradients``, and TF's
signatures (``name=``) for ``constant`` / ``convert_to_tensor`` / ``identity``.

Everything here is composed of differentiable core ops, so gradients come from the ops' own formulas.
"""

import builtins
import enum
import functools
import logging
import math as _math
import pprint
import sys

import numpy as np

from . import _core, nest
from ._tensor_api import Tensor, Variable
from .errors import InvalidArgumentError

__all__ = ["constant", "convert_to_tensor", "identity", "einsum", "norm", "global_norm", "clip_by_norm",
           "clip_by_global_norm", "print", "get_static_value", "UnconnectedGradients", "meshgrid", "slice",
           "get_logger", "add_n"]

_TENSOR_TYPES = (Tensor, Variable)


class UnconnectedGradients(str, enum.Enum):
    """What ``GradientTape.gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _string_tensor(value, dtype, shape, op):
    """A string tensor (``tf.string``) for str / bytes values, or None when `value` is not string-like."""
    from .data import _types

    if not (_types._is_string_like(value) or getattr(dtype, "name", dtype) == "string"):
        return None
    if dtype is not None and getattr(dtype, "name", dtype) != "string":
        raise TypeError(f"{op}: cannot convert string values to dtype {getattr(dtype, 'name', dtype)}; use "
                        "tf.strings.to_number")
    tensor = value if isinstance(value, _types.StringTensor) else _types.StringTensor(value)
    if shape is not None:
        tensor = _types.StringTensor(np.broadcast_to(tensor.numpy(), tuple(shape)) if tensor.ndim == 0 else
                                     np.asarray(tensor.numpy()).reshape(tuple(shape)))
    return tensor


def constant(value, dtype=None, shape=None, name="Const"):
    """A tensor from a Python value, numpy array or tensor, as ``tf.constant`` (`name` is accepted, unused);
    str / bytes values give a string tensor."""
    if isinstance(value, (str, bytes, list, tuple, np.ndarray)) or dtype is not None:
        strings = _string_tensor(value, dtype, shape, "constant")
        if strings is not None:
            return strings
    return _core.constant(value, dtype, shape)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """`value` as a tensor, as ``tf.convert_to_tensor`` (`dtype_hint` is used where `value` has no dtype)."""
    if type(value).__name__ == "IndexedSlices":
        value = value.to_dense()
    if isinstance(value, (str, bytes, list, tuple, np.ndarray)) or dtype is not None:
        strings = _string_tensor(value, dtype, None, "convert_to_tensor")
        if strings is not None:
            return strings
    return _core.convert_to_tensor(value, dtype, dtype_hint)


def identity(input, name=None):  # noqa: A002 - TF's argument name
    """A tensor with the value of `input` (a Variable's current value), as ``tf.identity``; under a ``tf.device``
    scope of another device present, a copy on that device."""
    out = _core.identity(input)
    if _core.gpu_count() and not out.device.endswith(_core.default_device() + ":0"):
        out = _core.to_device(out, _core.default_device())
    return out


def add_n(inputs, name=None):
    """The element-wise sum of a list of tensors of one shape and dtype, as ``tf.add_n``."""
    if isinstance(inputs, _TENSOR_TYPES) or not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("inputs must be a non-empty list of tensors of one shape and dtype, got "
                         f"{type(inputs).__name__}")
    tensors = [convert_to_tensor(t) for t in inputs]  # an IndexedSlices adds as its dense tensor, as TF
    shapes = {tuple(t.shape) for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"add_n: inputs must all have one shape, got shapes {sorted(shapes)}")
    return functools.reduce(_core.add, tensors)


def get_logger():
    """The Python logger named 'tensorflow', as ``tf.get_logger`` (programs set its level to quiet TF)."""
    return logging.getLogger("tensorflow")


def get_static_value(tensor, partial=False):
    """The value of `tensor` as numpy if known without running anything, as ``tf.get_static_value``.

    An eager tensor's value is known; a Variable's is not (it can change), so it gives None. Anything that is
    not a tensor is returned as it is.
    """
    if isinstance(tensor, Variable):
        return None
    if isinstance(tensor, Tensor):
        return tensor.numpy()
    return tensor


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors, as ``tf.meshgrid``: ``indexing='xy'`` (default; the first two output
    axes swapped, as for plotting) or ``'ij'`` (matrix order)."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid() got unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    vectors = [_core.reshape(_core.convert_to_tensor(a), [-1]) for a in args]
    shape = [v.shape[0] for v in vectors]
    axes = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) > 1:
        shape[0], shape[1] = shape[1], shape[0]
        axes[0], axes[1] = 1, 0
    grids = []
    for vector, axis in zip(vectors, axes):
        along = [1] * len(vectors)
        along[axis] = -1
        grids.append(_core.broadcast_to(_core.reshape(vector, along), shape))
    return grids


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """The block of `input_` starting at `begin` with extent `size` (-1: to the end), as ``tf.slice``."""
    input_ = _core.convert_to_tensor(input_)
    begin = [int(b) for b in np.asarray(begin).reshape(-1)]
    size = [int(n) for n in np.asarray(size).reshape(-1)]
    if len(begin) != input_.ndim or len(size) != input_.ndim:
        raise InvalidArgumentError(f"slice: begin ({begin}) and size ({size}) need one entry per dimension of the "
                                   f"input of shape {input_.shape}")
    for axis, (b, n, dim) in enumerate(zip(begin, size, input_.shape)):
        if b < 0 or b > dim or (n != -1 and (n < 0 or b + n > dim)):
            raise InvalidArgumentError(f"slice: begin {b} with size {n} is out of bounds for dimension {axis} of "
                                       f"size {dim} (input shape {input_.shape})")
    return input_[tuple(builtins.slice(b, None if n == -1 else b + n) for b, n in zip(begin, size))]


# ---------------------------------------------------------------------------------------------------------------
# einsum


def _parse_einsum(equation, operands):
    """Splits `equation` into one label list per operand and the output labels, with '...' expanded into
    labels of its own (right-aligned across operands, as numpy broadcasting)."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    input_specs = inputs.split(",")
    if len(input_specs) != len(operands):
        raise ValueError(f'Got {len(operands)} inputs for equation "{equation}", expecting {len(input_specs)}')
    for spec in input_specs + ([output] if arrow else []):
        bad = [c for c in spec.replace("...", "") if not c.isalpha()]
        if bad or spec.count("...") > 1:
            raise ValueError(f'einsum: invalid equation "{equation}": labels are letters, with at most one '
                             f"'...' per term (found {spec!r})")
    ellipsis_rank = 0
    for spec, x in zip(input_specs, operands):
        explicit = len(spec.replace("...", ""))
        if "..." in spec:
            ellipsis_rank = max(ellipsis_rank, x.ndim - explicit)
        elif x.ndim != explicit:
            raise ValueError(f'einsum: term "{spec}" of equation "{equation}" has {explicit} labels but its '
                             f"operand has rank {x.ndim} (shape {x.shape})")
    ellipsis_labels = [chr(0x100 + i) for i in range(ellipsis_rank)]  # cannot clash with letters

    def expand(spec, rank):
        head, dots, tail = spec.partition("...")
        if not dots:
            return list(spec)
        count = rank - len(head) - len(tail)
        if count < 0:
            raise ValueError(f'einsum: term "{spec}" of equation "{equation}" needs rank >= '
                             f"{len(head) + len(tail)}, got rank {rank}")
        return list(head) + ellipsis_labels[ellipsis_rank - count:] + list(tail)

    input_labels = [expand(spec, x.ndim) for spec, x in zip(input_specs, operands)]
    if arrow:
        output_labels = expand(output, len(output.replace("...", "")) + ellipsis_rank)
        known = set().union(*input_labels)
        missing = [c for c in output_labels if c not in known]
        if missing:
            raise ValueError(f'einsum: output labels {missing} of equation "{equation}" appear in no input')
        if len(set(output_labels)) != len(output_labels):
            raise ValueError(f'einsum: an output label repeats in equation "{equation}"')
    else:  # implicit output: the '...' axes, then the labels used exactly once, in alphabetical order
        counts = {}
        for labels in input_labels:
            for c in labels:
                counts[c] = counts.get(c, 0) + 1
        output_labels = ellipsis_labels + sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis_labels)
    return input_labels, output_labels


def _take_diagonals(x, labels):
    """Reduces a label repeated within one operand ('ii') to one axis: x * eye over the pair, summed over one."""
    labels = list(labels)
    while len(set(labels)) != len(labels):
        first = next(i for i, c in enumerate(labels) if labels.index(c) != i)
        keep = labels.index(labels[first])
        n = x.shape[keep]
        if x.shape[first] != n:
            raise InvalidArgumentError(f"einsum: label {labels[keep]!r} repeats with sizes {n} and {x.shape[first]} in "
                                f"an operand of shape {x.shape}")
        mask_shape = [1] * x.ndim
        mask_shape[keep] = mask_shape[first] = n
        x = _core.reduce_sum(x * _core.reshape(_core.eye(n, dtype=x.dtype), mask_shape), axis=first)
        del labels[first]
    return x, labels


def _contract_pair(a, la, b, lb, keep):
    """a (labels la) times b (labels lb), summing the shared labels not in `keep`; as one batched matmul."""
    sizes = {}
    for x, labels in ((a, la), (b, lb)):
        for c, n in zip(labels, x.shape):
            if c in sizes and sizes[c] != n and 1 not in (sizes[c], n):
                raise InvalidArgumentError(f"einsum: label {c!r} has size {sizes[c]} in one operand and {n} in another "
                                    f"(shapes {a.shape} and {b.shape})")
            sizes[c] = max(sizes.get(c, n), n)
    batch = [c for c in la if c in lb and c in keep]
    contract = [c for c in la if c in lb and c not in keep]
    free_a = [c for c in la if c not in lb]
    free_b = [c for c in lb if c not in la]

    def arrange(x, labels, order, broadcast):
        x = _core.transpose(x, [labels.index(c) for c in order])
        target = [sizes[c] if c in broadcast else n for c, n in zip(order, x.shape)]
        if list(x.shape) != target:
            x = _core.broadcast_to(x, target)  # a size-1 '...' axis against a larger one
        return x

    a = arrange(a, la, batch + free_a + contract, batch)
    b = arrange(b, lb, batch + contract + free_b, batch)
    batch_shape = [sizes[c] for c in batch]
    m = _math.prod(sizes[c] for c in free_a)
    k = _math.prod(sizes[c] for c in contract)
    n = _math.prod(sizes[c] for c in free_b)
    product = _core.matmul(_core.reshape(a, batch_shape + [m, k]), _core.reshape(b, batch_shape + [k, n]))
    out = _core.reshape(product, batch_shape + [sizes[c] for c in free_a] + [sizes[c] for c in free_b])
    return out, batch + free_a + free_b


def einsum(equation, *inputs, **kwargs):
    """Einstein summation over the `inputs` as described by `equation`, as ``tf.einsum``.

    Supports explicit ('ij,jk->ik') and implicit ('ij,jk') outputs, '...' broadcasting, repeated labels
    within an operand (diagonals, traces: 'ii->i', 'ii') and any number of operands (contracted left to
    right). It is built from transpose, reshape, matmul and reduce_sum, so it is differentiable.

    Example:
        >>> pt.einsum("bij,bjk->bik", pt.ones((2, 3, 4)), pt.ones((2, 4, 5))).shape
        TensorShape([2, 3, 5])
    """
    unknown = set(kwargs) - {"name", "optimize"}
    if unknown:
        raise TypeError(f"einsum() got unexpected keyword arguments {sorted(unknown)}")
    if not inputs:
        raise ValueError(f'einsum: equation "{equation}" needs at least one input')
    operands = [_core.convert_to_tensor(x) for x in inputs]
    dtypes = {x.dtype for x in operands}
    if len(dtypes) > 1:
        raise TypeError(f"einsum: all inputs must have one dtype, got {sorted(d.name for d in dtypes)}; cast them "
                        f"first (e.g. tf.cast(x, tf.float32))")
    input_labels, output_labels = _parse_einsum(equation, operands)
    terms = [_take_diagonals(x, labels) for x, labels in zip(operands, input_labels)]

    def needed_after(index):
        """Labels still needed once terms[:index + 1] are combined: the output's and the later operands'."""
        needed = set(output_labels)
        for _, labels in terms[index + 1:]:
            needed.update(labels)
        return needed

    result, labels = terms[0]
    for index in range(len(terms)):
        if index > 0:
            result, labels = _contract_pair(result, labels, *terms[index], needed_after(index))
        dropped = [i for i, c in enumerate(labels) if c not in needed_after(index)]
        if dropped:  # labels of this operand alone that nothing later uses: sum them now
            result = _core.reduce_sum(result, axis=dropped)
            labels = [c for c in labels if c not in set(labels[i] for i in dropped)]
    if labels != output_labels:
        result = _core.transpose(result, [labels.index(c) for c in output_labels])
    return result


# ---------------------------------------------------------------------------------------------------------------
# norms and clipping

_VECTOR_ORDS = ("euclidean", 1, 2, np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _is_one_of(ord, allowed):  # noqa: A002
    """`ord` equals one of `allowed` as TF compares them (strings only to strings: 2 is not '2')."""
    return any(isinstance(ord, str) == isinstance(o, str) and ord == o for o in allowed)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002 - TF's argument name
    """Vector or matrix norm, as ``tf.norm`` / ``tf.linalg.norm``.

    With `axis` None or an int: the vector norm (``ord`` 'euclidean', 1, 2, inf or any p > 0) over all
    elements or along `axis`. With `axis` a pair of ints: the matrix norm over those axes ('fro' /
    'euclidean', 1 = largest column sum, inf = largest row sum; 2, the spectral norm, needs an SVD, which
    pytensor does not have yet).

    Example:
        >>> float(pt.norm(pt.constant([3.0, 4.0])))
        5.0
    """
    tensor = _core.convert_to_tensor(tensor)
    is_matrix_norm = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix_norm:
        axis = tuple(axis)
        rank = max(tensor.ndim, 1)
        if not all(isinstance(a, int) for a in axis) or axis[0] % rank == axis[1] % rank:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if not _is_one_of(ord, _MATRIX_ORDS):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {ord}")
        if ord == 2:
            raise NotImplementedError("tf.norm: the matrix 2-norm (largest singular value) needs tf.linalg.svd, "
                                      "which pytensor does not have yet; use ord='fro', 1 or np.inf")
    else:
        if not (isinstance(axis, int) or axis is None):
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if not (_is_one_of(ord, _VECTOR_ORDS) or (not isinstance(ord, str) and ord > 0)):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    reduce_axes = axis if axis is not None else tuple(range(tensor.ndim))
    if _is_one_of(ord, ("euclidean", "fro")):
        result = _core.sqrt(_core.reduce_sum(tensor * tensor, axis=reduce_axes, keepdims=True))
    elif is_matrix_norm:  # 1: the largest column sum; inf: the largest row sum
        summed, maxed = axis if ord == 1 else axis[::-1]
        result = _core.reduce_max(_core.reduce_sum(_core.abs(tensor), axis=summed, keepdims=True), axis=maxed,
                                  keepdims=True)
    elif ord == 1:
        result = _core.reduce_sum(_core.abs(tensor), axis=reduce_axes, keepdims=True)
    elif ord == np.inf:
        result = _core.reduce_max(_core.abs(tensor), axis=reduce_axes, keepdims=True)
    else:  # p-norm, 2 included (as TF computes it)
        powered = _core.reduce_sum(_core.pow(_core.abs(tensor), float(ord)), axis=reduce_axes, keepdims=True)
        result = _core.pow(powered, 1.0 / float(ord))
    if not keepdims:
        result = _core.squeeze(result, axis=reduce_axes)
    return result


def global_norm(t_list, name=None):
    """sqrt(sum of the squares of every element of every tensor in `t_list`), as ``tf.linalg.global_norm``.

    None entries are skipped.
    """
    if isinstance(t_list, (str, bytes)) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list).__name__}.")
    squares = [_core.reduce_sum(t * t) for t in map(_values_or_none, t_list) if t is not None]
    if not squares:
        return _core.constant(0.0)
    return _core.sqrt(_core.reduce_sum(_core.stack(squares)))


def _as_tensor_or_none(t):
    return None if t is None else _core.convert_to_tensor(t)


def _values_or_none(t):
    """A tensor's elements for a norm: an IndexedSlices' rows as they are (duplicate indices not summed, as TF)."""
    return t.values if type(t).__name__ == "IndexedSlices" else _as_tensor_or_none(t)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`t` scaled so its L2 norm (over `axes`, default all) is at most `clip_norm`, as ``tf.clip_by_norm``.

    ``t * clip_norm / max(norm(t), clip_norm)``; a zero tensor stays zero (its gradient finite).
    """
    if type(t).__name__ == "IndexedSlices":  # clips its rows, as TF
        return type(t)(clip_by_norm(t.values, clip_norm, axes), t.indices, t.dense_shape)
    t = _core.convert_to_tensor(t)
    clip_norm = _core.cast(_core.convert_to_tensor(clip_norm, dtype_hint=t.dtype), t.dtype)
    squared = _core.reduce_sum(t * t, axis=axes, keepdims=True)
    positive = _core.greater(squared, 0)
    # sqrt only where the sum is positive, so the gradient of a zero tensor is 0, not NaN (as TF)
    l2norm = _core.where(positive, _core.sqrt(_core.where(positive, squared, _core.ones_like(squared))), squared)
    return t * clip_norm / _core.maximum(l2norm, clip_norm)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales the tensors of `t_list` by ``clip_norm / max(global_norm, clip_norm)``, as
    ``tf.clip_by_global_norm``. Returns ``(clipped list, global_norm)``; None entries stay None; an infinite
    or NaN norm makes every clipped value NaN, as in TF."""
    if isinstance(t_list, (str, bytes)) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list).__name__}.")
    tensors = [t if type(t).__name__ == "IndexedSlices" else _as_tensor_or_none(t) for t in t_list]
    if use_norm is None:
        use_norm = global_norm(tensors)
    use_norm = _core.convert_to_tensor(use_norm)
    clip_norm = _core.cast(_core.convert_to_tensor(clip_norm, dtype_hint=use_norm.dtype), use_norm.dtype)
    one = _core.ones_like(use_norm)
    scale = clip_norm * _core.minimum(one / use_norm, one / clip_norm)
    scale = scale + (use_norm - use_norm)  # NaN when the norm is inf or NaN, as TF
    # An IndexedSlices stays one, its rows scaled (as TF)
    clipped = [None if t is None else type(t)(t.values * _core.cast(scale, t.dtype), t.indices, t.dense_shape)
               if type(t).__name__ == "IndexedSlices" else t * _core.cast(scale, t.dtype) for t in tensors]
    return clipped, use_norm


# ---------------------------------------------------------------------------------------------------------------
# tf.print


def _format_float(value, is_float32):
    """TF's shortest-of-two float formatting: %.6g (float32) / %.15g (float64) when it reads back exactly,
    else %.9g / %.17g."""
    short, full, to_type = ("%.6g", "%.9g", np.float32) if is_float32 else ("%.15g", "%.17g", float)
    text = short % value
    if not np.isfinite(value) or to_type(text) == value:
        return text
    return full % value


def _element_formatter(dtype_name):
    if dtype_name == "float32":
        return lambda v: _format_float(float(v), True)
    if dtype_name == "float64":
        return lambda v: _format_float(float(v), False)
    if dtype_name == "bool":
        return lambda v: "1" if v else "0"
    if dtype_name == "string":
        return lambda v: '"' + (v.decode("utf-8", "backslashreplace") if isinstance(v, bytes) else str(v)) + '"'
    return lambda v: str(int(v))


def _summarize(array, fmt, ends):
    """TF's print layout (PrintOneDimV2): `ends` leading and trailing entries per axis, '...' between."""
    ndim = array.ndim

    def spacing(axis):
        if axis == ndim - 1:
            return " "
        return "\n" * (ndim - axis - 1) + " " * (axis + 1)

    def render(sub, axis):
        if axis == ndim:
            return fmt(sub[()])
        count, gap = sub.shape[0], spacing(axis)
        text = "[" + gap.join(render(sub[i], axis + 1) for i in range(min(ends, count)))
        if count > 2 * ends:
            text += gap + "..."  # TF puts the gap before '...' even when no entries precede it
        for i in range(max(ends, count - ends), count):
            text += gap + render(sub[i], axis + 1)
        return text + "]"

    return render(array, 0)


def _format_tensor(value, summarize):
    array = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
    dtype_name = value.dtype.name
    if array.ndim == 0:
        return _element_formatter(dtype_name)(array[()])
    summarize = 3 if summarize is None else summarize  # None: TF's default of 3
    ends = array.size if summarize < 0 else min(summarize, array.size)
    return _summarize(array, _element_formatter(dtype_name), ends)


def _is_tensor(x):
    return isinstance(x, _TENSOR_TYPES) or getattr(getattr(x, "dtype", None), "name", None) == "string" and \
        hasattr(x, "numpy")


def _write(text, output_stream):
    if isinstance(output_stream, str):
        if not output_stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream {output_stream!r} must be sys.stdout, sys.stderr, a logging "
                             f"function or a 'file://<path>' string")
        with open(output_stream[len("file://"):], "a") as f:
            f.write(text)
    elif hasattr(output_stream, "write"):
        output_stream.write(text)
        output_stream.flush()
    elif callable(output_stream):  # logging.info and friends take the line without its end
        output_stream(text[:-1] if text.endswith("\n") else text)
    else:
        raise ValueError(f"tf.print: unsupported output_stream {output_stream!r}")


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001 - TF's name
    """Prints tensors (and Python objects, nested structures) as ``tf.print`` does.

    Tensors are laid out as TF lays them out: ``[[1 2 3]\\n [4 5 6]]``, the first and last `summarize`
    entries of each axis (3 for None, all for -1); floats with the fewest digits that read back exactly.
    Other objects appear as ``pprint.pformat`` shows them, strings as they are. `output_stream` is
    ``sys.stderr`` (default), ``sys.stdout``, a logging function or ``'file://<path>'`` (appended to).
    """
    if output_stream is None:
        output_stream = sys.stderr
    if len(inputs) == 1 and _is_tensor(inputs[0]) and inputs[0].dtype.name == "string" and \
            np.ndim(inputs[0].numpy()) == 0:
        value = inputs[0].numpy()  # a lone string scalar is printed as it is
        _write((value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else str(value)) + end,
               output_stream)
        return None
    placeholder = "\x00pytensor-print-tensor\x00"
    tensors, templates = [], []
    for item in inputs:
        if isinstance(item, str):
            templates.append(item)
            continue
        leaves = []
        for leaf in nest.flatten(item):
            if _is_tensor(leaf):
                tensors.append(leaf)
                leaves.append(placeholder)
            else:
                leaves.append(leaf)
        templates.append(pprint.pformat(nest.pack_sequence_as(item, leaves) if nest.is_nested(item) else leaves[0]))
    template = sep.join(templates).replace(repr(placeholder), placeholder)
    pieces = template.split(placeholder)

    def emit(values):
        text = pieces[0] + "".join(_format_tensor(t, summarize) + rest for t, rest in zip(values, pieces[1:]))
        _write(text + end, output_stream)

    from . import _function
    capture = _function.current_capture()
    if capture is not None:  # inside tf.function: the graph prints on every call, as TF's PrintV2 op
        def emit_outside(values):  # a loop run while tracing calls it with the trace's values: read them as numbers
            with _function.outside_capture():
                emit(values)

        capture.add_callback(emit_outside, tensors, "PrintV2")
        if not _function.is_dry_trace():
            with _function.outside_capture():  # the trace's own values, printed by this first call
                emit(tensors)
        return None
    emit(tensors)
    return None
