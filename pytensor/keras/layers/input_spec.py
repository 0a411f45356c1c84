"""Keras InputSpec: the rank, dtype, shape and fixed axes a layer accepts, checked when the layer is called."""
import numpy as np

import pytensor as pt

__all__ = ["InputSpec", "assert_input_compatibility"]


class InputSpec:
    """What a layer expects of each input; a layer sets ``self.input_spec`` (one spec or a list, one per input)
    and every call checks its inputs against it before ``call`` runs.

    Args:
        dtype: the required dtype name, or None.
        shape: the required shape (``None`` for a free axis), batch axis included; sets ``ndim``.
        ndim / max_ndim / min_ndim: the required rank, or its bounds.
        axes: ``{axis: size}`` the input must match.
        allow_last_axis_squeeze: accept a trailing axis of size 1 more or less than ``shape`` / ``ndim``.
        name: the input's key when the layer takes a dict of inputs.
        optional: whether the input may be None.

    Example:
        >>> layer.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: 3})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = pt.as_dtype(dtype).name if dtype is not None else None
        self.shape = tuple(None if d is None else int(d) for d in shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim is not None else self.max_ndim) - 1
            if max(self.axes) > top:
                raise ValueError(f"InputSpec: axis {max(self.axes)} in axes={self.axes} is out of range for "
                                 f"inputs of rank {top + 1}.")

    def __repr__(self):
        fields = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                          ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                          ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(fields)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _shape_of(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)  # a nested list of numbers
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises ValueError naming the layer, the input, what the spec expects and the shape received when
    ``inputs`` (a tensor, a list, or a dict keyed by the specs' names) do not satisfy ``input_spec``."""
    if not input_spec:
        return
    specs = pt.nest.flatten(input_spec)
    if isinstance(inputs, dict) and all(s.name for s in specs):
        missing = [s.name for s in specs if s.name not in inputs]
        if missing:
            raise ValueError(f"Layer '{layer_name}': missing input(s) {missing}; received keys {sorted(inputs)}. "
                             f"Pass a dict with the keys {[s.name for s in specs]}.")
        inputs = [inputs[s.name] for s in specs]
    flat = pt.nest.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(f"Layer '{layer_name}' expects {len(specs)} input(s), but it received {len(flat)} input "
                         f"tensors.")
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        shape = _shape_of(x)
        rank = len(shape)
        where = f"Input {index} of layer '{layer_name}' is incompatible with the layer"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
            raise ValueError(f"{where}: expected ndim={spec.ndim}, found ndim={rank}. Full shape received: {shape}. "
                             f"Reshape the input to rank {spec.ndim}.")
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={spec.max_ndim}, found ndim={rank}. Full shape "
                             f"received: {shape}.")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={spec.min_ndim}, found ndim={rank}. Full shape "
                             f"received: {shape}.")
        dtype = pt.as_dtype(getattr(x, "dtype", None) or np.asarray(x).dtype).name
        if spec.dtype is not None and dtype != spec.dtype:
            raise ValueError(f"{where}: expected dtype={spec.dtype}, found dtype={dtype}. Cast the input "
                             f"with tf.cast(x, '{spec.dtype}').")
        for axis, size in spec.axes.items():
            if size is not None and -rank <= axis < rank and shape[axis] not in (size, None):
                raise ValueError(f"{where}: expected axis {axis} of input shape to have value {size}, but received "
                                 f"input with shape {shape}.")
        if spec.shape is not None:
            expected, got = spec.shape, shape
            if spec.allow_last_axis_squeeze:
                expected = expected[:-1] if expected and expected[-1] == 1 else expected
                got = got[:-1] if got and got[-1] == 1 else got
            if len(expected) != len(got) or any(e is not None and g is not None and e != g
                                                for e, g in zip(expected, got)):
                raise ValueError(f"{where}: expected shape={spec.shape}, found shape={shape}.")
