"""A TF1 namespace over a pytensor module: the same names, with functions that build graph operations when given
graph tensors or graph variables (``tf.compat.v1.nn.relu(placeholder)``) and run eagerly otherwise."""

import inspect
import types

from ._graph import dispatching


class DispatchingModule(types.ModuleType):
    """``tf.compat.v1.<name>`` over pytensor module `target`; `extra` names (TF1's own signatures) come first."""

    def __init__(self, name, target, extra=None):
        super().__init__(name)
        self._target = target
        self.__dict__.update(extra or {})

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if callable(value) and not inspect.isclass(value) and not isinstance(value, types.ModuleType):
            value = dispatching(value)
        setattr(self, name, value)
        return value

    def __dir__(self):
        return sorted(set(dir(self._target)) | set(self.__dict__))
