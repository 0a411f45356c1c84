"""``tf.autograph``: Python control flow on tensors inside ``tf.function``, by source transformation as TF does.

When ``tf.function`` (``autograph=True``, the default) traces a function, it runs a converted copy instead: the
function's source is parsed, its ``if`` / ``while`` / ``for`` statements (and ``break``, ``continue``, ``return``
inside them, ``and`` / ``or`` / ``not``) are rewritten into calls of ``_operators`` (``ag__`` in
``to_code``'s output), and the result is compiled with the original's globals and closure. At run time each
statement stays Python when its condition or iterable is a Python value, and becomes ``tf.cond`` /
``tf.while_loop`` when it is a tensor the graph computes; ``for x in dataset`` becomes a graph loop fed by the
dataset on each call.

Only the function ``tf.function`` wraps is converted (TF also converts the functions it calls); a function whose
source cannot be read runs unconverted with a warning; constructs that cannot be converted raise
``ConversionError`` (a SyntaxError) naming the file and line and what to write instead.
"""

import ast
import copy
import functools
import inspect
import os
import sysconfig
import textwrap
import types
import warnings
import weakref

from . import _operators, _transform
from ._transform import ConversionError

__all__ = ["to_code", "to_graph", "do_not_convert", "experimental", "set_verbosity", "trace", "ConversionError"]

_DO_NOT_CONVERT = "__pt_autograph_do_not_convert__"
_cache = weakref.WeakKeyDictionary()  # function -> (converted function, converted source)


def _parse(fn):
    """(FunctionDef with the file's line numbers, filename) of `fn`'s source."""
    filename = inspect.getsourcefile(fn) or "<unknown>"
    lines, first = inspect.getsourcelines(fn)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    ast.increment_lineno(tree, first - 1)
    fdef = tree.body[0]
    if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise ConversionError(f"{filename}:{first}: AutoGraph converts functions defined with def; got "
                              f"{type(fdef).__name__} (a lambda?)")
    return fdef, filename


def _build(fn, fdef, filename):
    """The converted function: `fdef` compiled in a factory whose parameters are `ag__` and `fn`'s free variables,
    then given `fn`'s own closure cells (so later rebinding of closed-over names is seen, as in the original)."""
    freevars = list(fn.__code__.co_freevars)
    # Defined under a name of its own: under the function's name, a recursive call would read the factory's local.
    fdef = copy.copy(fdef)
    fdef.name = "ag__converted"
    # Defaults and annotations are expressions the def would evaluate here, where a name local to the original's
    # definition (a loop variable bound as a default) is undefined: the converted function takes fn's own defaults.
    fdef.args = copy.deepcopy(fdef.args)
    fdef.args.defaults = []
    fdef.args.kw_defaults = [None] * len(fdef.args.kwonlyargs)
    for arg in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs + [fdef.args.vararg, fdef.args.kwarg]:
        if arg is not None:
            arg.annotation = None
    fdef.returns = None
    factory = _transform._function_def("ag__factory", ["ag__"] + freevars,
                                       [fdef, ast.Return(value=_transform._name(fdef.name))])
    module = ast.fix_missing_locations(ast.Module(body=[factory], type_ignores=[]))
    namespace = {}
    exec(compile(module, filename, "exec"), fn.__globals__, namespace)  # noqa: S102 - the user's own code
    inner = namespace["ag__factory"](_operators, *([None] * len(freevars)))
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    closure = tuple(cells[name] if name in cells else types.CellType(_operators)
                    for name in inner.__code__.co_freevars)
    converted = types.FunctionType(inner.__code__, fn.__globals__, fn.__name__, fn.__defaults__, closure)
    converted.__kwdefaults__ = fn.__kwdefaults__
    converted.__qualname__ = fn.__qualname__
    converted.__dict__.update(fn.__dict__)
    return converted


def _convert(fn):
    """(converted function, its source) for a plain Python function, cached."""
    entry = _cache.get(fn)
    if entry is None:
        fdef, filename = _parse(fn)
        converter = _transform.Converter(filename)
        converted_def = converter.convert(fdef)
        entry = (_build(fn, converted_def, filename), ast.unparse(converted_def))
        _cache[fn] = entry
    return entry


_LIBRARY_DIRS = tuple({os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                       sysconfig.get_paths()["stdlib"] + os.sep, sysconfig.get_paths()["purelib"] + os.sep,
                       sysconfig.get_paths()["platlib"] + os.sep})


def _user_function(target):
    """True for a Python function of the user's own code (not this library's, the standard library's or an
    installed package's: they are called as they are, as TF leaves its own and other libraries' code)."""
    if getattr(target, _DO_NOT_CONVERT, False) or not inspect.isfunction(target) or target.__name__ == "<lambda>" \
            or inspect.isgeneratorfunction(target):
        return False
    filename = target.__code__.co_filename
    return not os.path.abspath(filename).startswith(_LIBRARY_DIRS) and "site-packages" not in filename


def convert_for_trace(fn, warn=True):
    """What ``tf.function`` runs when tracing `fn`: its converted copy, or `fn` itself where it is not converted
    (marked do_not_convert, library code, a lambda, source not available: the latter with a warning, as TF).
    Calls inside converted code go through ``converted_call``, which converts user functions the same way."""
    target = fn.__func__ if inspect.ismethod(fn) else fn
    if not _user_function(target):
        return fn
    try:
        converted = _convert(target)[0]
    except ConversionError:
        raise
    except (OSError, TypeError, SyntaxError) as e:  # no source, or source that does not parse on its own
        if not warn:
            return fn
        warnings.warn(f"AutoGraph could not transform {target.__qualname__} and will run it as-is: its source is "
                      f"not available ({e}). Python control flow on tensors in it will fail; use tf.cond / "
                      f"tf.while_loop, or decorate it with tf.autograph.experimental.do_not_convert to silence "
                      f"this warning.", stacklevel=4)
        setattr(target, _DO_NOT_CONVERT, True) if hasattr(target, "__dict__") else None
        return fn
    return types.MethodType(converted, fn.__self__) if inspect.ismethod(fn) else converted


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """The converted Python function of `entity` (what ``tf.function`` traces), as ``tf.autograph.to_graph``."""
    if inspect.ismethod(entity):
        return types.MethodType(_convert(entity.__func__)[0], entity.__self__)
    return _convert(_plain(entity))[0]


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The source of the converted function, as ``tf.autograph.to_code``."""
    return _convert(_plain(entity))[1]


def _plain(entity):
    entity = getattr(entity, "python_function", entity)  # a tf.function
    entity = entity.__func__ if inspect.ismethod(entity) else entity
    if not inspect.isfunction(entity):
        raise TypeError(f"tf.autograph: expected a Python function, got {type(entity).__name__}")
    return entity


def do_not_convert(func=None):
    """Marks `func` to run as written inside ``tf.function`` (no AutoGraph conversion)."""
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    setattr(wrapper, _DO_NOT_CONVERT, True)
    return wrapper


def set_verbosity(level, alsologtostdout=False):
    """Accepted for TF compatibility; conversion here logs nothing."""


def trace(*args):
    """Prints `args` when the code runs (at trace time inside tf.function), as ``tf.autograph.trace``."""
    print(*args)


class _Experimental(types.ModuleType):
    """``tf.autograph.experimental``."""

    do_not_convert = staticmethod(do_not_convert)

    class Feature:
        """Optional conversion features (accepted; the conversion here has one fixed set)."""
        ALL = "ALL"
        AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
        ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
        BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
        EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
        LISTS = "LISTS"
        NAME_SCOPES = "NAME_SCOPES"

    @staticmethod
    def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                         shape_invariants=None):
        """Accepted (TF's loop hints); loops here run without them."""


experimental = _Experimental("pytensor.autograph.experimental")
