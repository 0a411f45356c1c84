"""The numpy methods ``experimental_enable_numpy_behavior`` puts on tensors (TF 2.21's list: T, astype, clip, data,
flatten, max, mean, min, ravel, reshape, size, tolist, transpose; ndim is always there) and numpy's indexing."""


def _method(function_name):
    def method(self, *args, out=None, **kwargs):
        from .. import numpy as tnp

        if out is not None:  # numpy's np.sum(t) passes out=None; tensors are immutable, so no other value works
            raise TypeError(f"{function_name}: tensors are immutable, so out= must be None, got {type(out).__name__}")
        return getattr(tnp, function_name)(self, *args, **kwargs)

    method.__name__ = function_name
    return method


def _reshape(self, *shape, order="C"):
    from .. import numpy as tnp

    return tnp.reshape(self, shape[0] if len(shape) == 1 else shape, order=order)


def _transpose(self, *axes):
    from .. import numpy as tnp

    return tnp.transpose(self, axes[0] if len(axes) == 1 else (axes or None))


def _astype(self, dtype):
    from .. import numpy as tnp

    return tnp.asarray(self, dtype=dtype)


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in items)


def _getitem(original):
    """numpy's indexing: integer and boolean arrays, tuples of them, mixed with slices (TF's numpy behaviour).

    Basic keys go to the tensor's own indexing; an advanced key is resolved by numpy on the element positions
    (np.arange), and the elements are gathered by pytensor, so the result stays differentiable."""
    import numpy as np

    def getitem(self, key):
        if _is_basic(key):
            return original(self, key)
        import pytensor as pt

        def concrete(k):
            if isinstance(k, (pt.Tensor, pt.Variable)):
                return k.numpy()
            if isinstance(k, (list, tuple)):
                return np.asarray([concrete(v) for v in k])
            return k

        items = key if isinstance(key, tuple) else (key,)
        positions = np.arange(self.shape.num_elements()).reshape(self.shape.as_list())[
            tuple(concrete(k) for k in items)]
        flat = pt.gather(pt.reshape(self, [-1]), positions.reshape(-1))
        return pt.reshape(flat, list(positions.shape))

    return getitem


def _tolist(self):
    return self.numpy().tolist()


_PROPERTIES = {"T": property(lambda self: _transpose(self)), "size": property(lambda self: int(self.shape.num_elements())),
               "data": property(lambda self: self)}
_METHODS = {"reshape": _reshape, "transpose": _transpose, "astype": _astype, "tolist": _tolist}
_DELEGATED = ["clip", "flatten", "max", "mean", "min", "ravel"]


def install(cls):
    """Adds the methods to `cls` where it lacks them, and numpy's indexing."""
    from ._behavior import _replace

    members = dict(_PROPERTIES, **_METHODS, **{name: _method(name) for name in _DELEGATED})
    for name, member in members.items():
        if name not in cls.__dict__:
            _replace(cls, name, member)
    _replace(cls, "__getitem__", _getitem(cls.__dict__["__getitem__"]))
