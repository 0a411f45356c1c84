"""The numpy methods ``experimental_enable_numpy_behavior`` puts on tensors and variables (TF's list)."""


def _method(function_name):
    def method(self, *args, **kwargs):
        from .. import numpy as tnp

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


def _tolist(self):
    return self.numpy().tolist()


_PROPERTIES = {"T": property(lambda self: _transpose(self)), "size": property(lambda self: int(self.shape.num_elements())),
               "data": property(lambda self: self)}
_METHODS = {"reshape": _reshape, "transpose": _transpose, "astype": _astype, "tolist": _tolist}
_DELEGATED = ["all", "any", "argmax", "argmin", "argsort", "clip", "compress", "conj", "conjugate", "cumprod",
              "cumsum", "diagonal", "flatten", "max", "mean", "min", "nonzero", "prod", "ptp", "ravel", "repeat",
              "round", "sort", "squeeze", "std", "sum", "swapaxes", "take", "trace", "var"]


def install(cls):
    """Adds the methods to `cls` (Tensor or Variable) where it lacks them."""
    from ._behavior import _replace

    members = dict(_PROPERTIES, **_METHODS, **{name: _method(name) for name in _DELEGATED})
    for name, member in members.items():
        if name not in cls.__dict__:
            _replace(cls, name, member)
