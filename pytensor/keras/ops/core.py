"""``keras.ops.core``: Keras 3's backend-neutral core ops. Control flow (``cond``, ``fori_loop``,
``while_loop``, ``scan``, ``map``, ``switch``) runs eagerly as Python loops, as pytensor executes eagerly."""
import numpy as _np

import pytensor as pt

from .numpy import _tensor


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a tensor (of ``dtype`` when given)."""
    return _tensor(x, None if dtype is None else pt.as_dtype(dtype).name)


def convert_to_numpy(x):
    """``x`` as a numpy array."""
    return _np.asarray(x.numpy() if isinstance(x, (pt.Tensor, pt.Variable)) else x)


def is_tensor(x):
    """Whether ``x`` is a pytensor tensor."""
    return isinstance(x, pt.Tensor)


def _symbolic(x):
    return getattr(x, "_pytensor_symbolic", False)


def shape(x):
    """``x``'s static shape as a tuple of ints (None for the unknown axes of the functional API's inputs)."""
    return tuple(x.shape) if _symbolic(x) else tuple(_tensor(x).shape)


def dtype(x):
    """``x``'s dtype name, e.g. ``'float32'``."""
    return (x if _symbolic(x) else _tensor(x)).dtype.name


def cast(x, dtype):
    """``x`` converted to ``dtype``."""
    return pt.cast(_tensor(x), dtype)


def saturate_cast(x, dtype):
    """``x`` clipped to ``dtype``'s range, then cast."""
    x = _tensor(x)
    target = pt.as_dtype(dtype)
    if x.dtype.is_floating and not target.is_floating:
        x = pt.clip_by_value(x, float(target.min), float(target.max))
    return pt.cast(x, target)


def stop_gradient(variable):
    """``variable`` with no gradient flowing back through it."""
    return pt.stop_gradient(variable)


custom_gradient = pt.custom_gradient


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` holds, else ``false_fn()`` (evaluated eagerly)."""
    return true_fn() if bool(_np.asarray(convert_to_numpy(pred))) else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clamped to the valid range as Keras does."""
    i = int(convert_to_numpy(index))
    return branches[min(max(i, 0), len(branches) - 1)](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Applies ``body`` to ``loop_vars`` while ``cond(*loop_vars)`` holds (at most ``maximum_iterations``
    times); a tuple or list of loop variables is passed unpacked and returned as a tuple."""
    packed = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if packed else (loop_vars,)
    steps = 0
    while (maximum_iterations is None or steps < maximum_iterations) and bool(convert_to_numpy(cond(*state))):
        out = body(*state)
        state = tuple(out) if packed else (out,)
        steps += 1
    return state if packed else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """``init_val`` passed through ``body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns the last carry and the stacked
    ``y``s."""
    n = int(_tensor(xs).shape[0]) if xs is not None else length
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, []
    for i in order:
        carry, y = f(carry, None if xs is None else _tensor(xs)[i])
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (pt.stack(ys) if ys and ys[0] is not None else None)


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its leading axis, the results stacked."""
    return pt.stack([f(x) for x in pt.unstack(_tensor(xs))])


def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along its leading axis, the results stacked."""
    return map(function, elements)


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` starting at ``start_indices`` with ``shape`` (-1: to the end)."""
    return pt.slice(_tensor(inputs), [int(i) for i in _np.asarray(convert_to_numpy(start_indices))],
                    [int(s) for s in shape])


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs = _tensor(inputs)
    updates = _tensor(updates, inputs.dtype.name)
    start = [int(i) for i in _np.asarray(convert_to_numpy(start_indices))]
    grids = _np.meshgrid(*[_np.arange(s, s + n) for s, n in zip(start, updates.shape)], indexing="ij")
    indices = _np.stack([g.reshape(-1) for g in grids], axis=-1).astype(_np.int32)
    return scatter_update(inputs, indices, pt.reshape(updates, [-1]))


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates sum)."""
    values = _tensor(values)
    return pt.scatter_nd(pt.cast(_tensor(indices), "int32"), values, list(shape))


def scatter_update(inputs, indices, updates):
    """``inputs`` with the elements (or slices) at ``indices`` replaced by ``updates``."""
    inputs = _tensor(inputs)
    indices = pt.cast(_tensor(indices), "int32")
    updates = _tensor(updates, inputs.dtype.name)
    shape = list(inputs.shape)
    hit = pt.scatter_nd(indices, pt.ones_like(updates), shape)
    return pt.where(pt.greater(hit, pt.zeros_like(hit)), pt.scatter_nd(indices, updates, shape), inputs)


def get_item(x, key):
    """``x[key]``."""
    return _tensor(x)[key]


def associative_scan(f, elems, reverse=False, axis=0):
    """Running ``f``-combination of the slices of ``elems`` along ``axis`` (a tensor or a nest of tensors), as
    an eager left-to-right (or right-to-left with ``reverse``) scan; ``f`` is assumed associative."""
    leaves = pt.nest.flatten(elems)
    slices = [pt.unstack(_tensor(leaf), axis=axis) for leaf in leaves]
    count = len(slices[0])
    order = range(count - 1, -1, -1) if reverse else range(count)
    results, carry = [None] * count, None
    for i in order:
        item = pt.nest.pack_sequence_as(elems, [s[i] for s in slices])
        carry = item if carry is None else f(carry, item)
        results[i] = carry
    stacked = [pt.stack([pt.nest.flatten(r)[j] for r in results], axis=axis) for j in range(len(leaves))]
    return pt.nest.pack_sequence_as(elems, stacked)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
