"""``tf.Module``: a named container whose variables and submodules are found through its attributes."""

import functools
import re

from ._scopes import name_scope
from ._tensor_api import Variable

__all__ = ["Module"]

# Attributes the search for variables and submodules skips (TF's bookkeeping of checkpoint dependencies).
_IGNORED_ATTRIBUTES = frozenset(("_self_unconditional_checkpoint_dependencies",
                                 "_self_unconditional_dependency_names"))


def _camel_to_snake(name):
    """'CamelCaseHTTPModule' -> 'camel_case_http_module', as TF names a module after its class."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _leaves(value):
    """The leaves of `value` through lists, tuples (namedtuples too) and dicts (by sorted key), as tf.nest."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key])
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


class Module:
    """Base class of objects that own variables and other modules, as ``tf.Module``.

    ``variables``, ``trainable_variables``, ``non_trainable_variables`` and ``submodules`` are found through
    the object's attributes (and lists, tuples and dicts held in them), each object once, in TF's order:
    the module's own attributes by sorted name, then each submodule's, recursively.

    Example:
        >>> class Linear(pt.Module):
        ...     def __init__(self, n_in, n_out, name=None):
        ...         super().__init__(name=name)
        ...         self.w = pt.Variable(pt.ones((n_in, n_out)), name="w")
        ...     @pt.Module.with_name_scope
        ...     def __call__(self, x):
        ...         return x @ self.w
        >>> [v.name for v in Linear(2, 3).trainable_variables]
        ['w:0']
    """

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid Python "
                             f"identifiers (e.g. a valid class name).")
        self._name = name
        with name_scope(name) as scope:  # the scope is fixed here: entering it later gives the same names
            self._name_scope = name_scope(scope)

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if "_deferred_restorations" in self.__dict__:  # a checkpoint restore found values for attributes to come
            from .train._checkpoint import restore_assigned
            restore_assigned(self, name, value)

    @property
    def name(self):
        """The module's name (its class name in snake_case unless given)."""
        return self._name

    @property
    def name_scope(self):
        """A ``name_scope`` for this module; variables created inside it are named ``'<module>/<name>'``."""
        return self._name_scope

    @property
    def variables(self):
        """All variables of this module and its submodules, each once."""
        return tuple(self._flatten(predicate=lambda obj: isinstance(obj, Variable)))

    @property
    def trainable_variables(self):
        """The variables with ``trainable=True``."""
        return tuple(self._flatten(predicate=lambda obj: isinstance(obj, Variable) and obj.trainable))

    @property
    def non_trainable_variables(self):
        """The variables with ``trainable=False``."""
        return tuple(self._flatten(predicate=lambda obj: isinstance(obj, Variable) and not obj.trainable))

    @property
    def submodules(self):
        """All modules found through this module's attributes, recursively (not this module itself)."""
        return tuple(self._flatten(predicate=lambda obj: isinstance(obj, Module)))

    def _flatten(self, recursive=True, predicate=None):
        """Yields the objects under this module for which `predicate` holds, each object once."""
        return _flatten_module(self, recursive, predicate or (lambda obj: True), seen={id(self)})

    @classmethod
    def with_name_scope(cls, method):
        """Decorator: runs `method` inside the module's name scope (names the variables it creates)."""

        @functools.wraps(method)
        def method_with_name_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return method_with_name_scope


def _flatten_module(module, recursive, predicate, seen):
    """TF's traversal: this module's matching leaves, then each submodule's in the order they were found.

    `seen` holds the ids of every object met so far, so each is yielded once and reference cycles end.
    """
    submodules = []
    for key in sorted(vars(module)):
        if key in _IGNORED_ATTRIBUTES:
            continue
        for leaf in _leaves(vars(module)[key]):
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            if predicate(leaf):
                yield leaf
            if recursive and isinstance(leaf, Module):
                submodules.append(leaf)
    for submodule in submodules:
        yield from _flatten_module(submodule, recursive, predicate, seen)
