"""What converted code calls (``ag__`` in ``tf.autograph.to_code``'s output): each control-flow statement runs as
Python when its condition or iterable is a Python value (or an eager tensor), and as ``tf.cond`` /
``tf.while_loop`` when it is a tensor traced by ``tf.function``. The statement's body is a function that changes
the enclosing function's variables (``nonlocal``); ``get_state`` / ``set_state`` read and write those variables,
``names`` names them, and ``where`` is the statement's ``file:line`` for messages."""

from .. import _control_flow, _core, _function, errors, nest
from .._tensor_api import Tensor, Variable
from .._tensor_array import TensorArray


class Undefined:
    """The value of a variable that has no value here (assigned in one branch of a tensor ``if`` only, or only
    inside a loop on a tensor); using it raises an error that says where it lost its value."""

    __slots__ = ("name", "where", "missing_in")

    def __init__(self, name, where=None, missing_in=None):
        self.name = name
        self.where = where
        self.missing_in = missing_in  # "else" / "main": the branch of a tensor if that does not assign it; "loop"

    def _fail(self, *_, **__):
        if self.missing_in == "loop":
            raise ValueError(f"{self.where}: '{self.name}' is assigned only inside this loop, whose condition is a "
                             f"tensor, so it has no value after it; assign '{self.name}' before the loop")
        if self.missing_in:
            raise ValueError(f"{self.where}: '{self.name}' must also be initialized in the {self.missing_in} branch: "
                             f"the if statement's condition is a tensor, so both branches run in the graph; assign "
                             f"'{self.name}' before the if, or in both branches")
        raise UnboundLocalError(f"local variable '{self.name}' is used before it is assigned")

    def __repr__(self):
        return f"<undefined '{self.name}'>"

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail()


for _dunder in ("__bool__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                "__rtruediv__", "__floordiv__", "__mod__", "__pow__", "__neg__", "__lt__", "__le__", "__gt__",
                "__ge__", "__getitem__", "__call__", "__iter__", "__len__", "__int__", "__float__", "__index__",
                "__matmul__", "__rmatmul__", "__array__"):
    setattr(Undefined, _dunder, Undefined._fail)


_RETVAL = "retval__"  # the converted function's return value (_transform)


def ld(getter, name):
    """The variable `getter` reads, or Undefined when it has no value yet."""
    try:
        return getter()
    except NameError:  # includes a free variable referenced before assignment
        return Undefined(name)


def converted_call(target, /, *args, **kwargs):
    """``target(*args, **kwargs)`` from converted code: a function of the user's own code is converted first (as TF
    converts the functions a tf.function calls), so its Python control flow on tensors works too."""
    if target is float or target is int:  # reached through another name: converted as a direct call is
        target = float_ if target is float else int_
    if _function.current_capture() is not None:
        from . import convert_for_trace
        target = convert_for_trace(target, warn=False)
    return target(*args, **kwargs)


def retval(value):
    """A converted function's return value (None where no return ran)."""
    return None if isinstance(value, Undefined) else value


def _traced(value):
    return isinstance(value, Tensor) and _function.symbolic_in_scope(value)


def _truth(value, where):
    if _traced(value):
        raise errors.OperatorNotAllowedInGraphError(
            f"{where}: a tensor whose value the graph computes is used as a Python bool here (a loop's break flag "
            f"set under a tensor condition inside a Python loop?); iterate a tensor (tf.range) so the loop is a "
            f"graph loop")
    return bool(value)


# ---- boolean operators (Python's `and`, `or`, `not` on tensors) ----
def not_(value):
    """``not value``: ``tf.logical_not`` on a traced tensor."""
    if _traced(value):
        return _core.logical_not(value)
    return not value


def and_(*operands):
    """``a and b and ...`` with each operand a function: Python's short-circuit, ``tf.logical_and`` on tensors."""
    value = operands[0]()
    for operand in operands[1:]:
        if _traced(value):
            value = _core.logical_and(value, _as_bool(operand()))
        elif not value:
            return value
        else:
            value = operand()
    return value


def or_(*operands):
    """``a or b or ...`` with each operand a function."""
    value = operands[0]()
    for operand in operands[1:]:
        if _traced(value):
            value = _core.logical_or(value, _as_bool(operand()))
        elif value:
            return value
        else:
            value = operand()
    return value


def _as_bool(value):
    return value if isinstance(value, Tensor) else _core.constant(bool(value))


# ---- builtins (Python's float() and int() on tensors) ----
def float_(*args):
    """``float(x)``: ``tf.cast(x, tf.float32)`` on a traced tensor (its value is not known while tracing), as TF's
    AutoGraph converts it; Python's float otherwise."""
    if len(args) == 1 and _traced(args[0]):
        return _core.cast(args[0], "float32")
    return float(*args)


def int_(*args):
    """``int(x)``: ``tf.cast(x, tf.int32)`` on a traced tensor, as TF's AutoGraph converts it; Python's int
    otherwise (``int(s, base)`` included)."""
    if len(args) == 1 and _traced(args[0]):
        return _core.cast(args[0], "int32")
    return int(*args)


# ---- state ----
def _loop_value(value, name, where, what):
    """`value` as a value a graph node can carry (a tensor, or a TensorArray); errors name the variable."""
    if isinstance(value, (Tensor, TensorArray)):
        return value
    if isinstance(value, Variable):
        return value.read_value()
    if isinstance(value, Undefined):
        raise UnboundLocalError(f"{where}: '{name}' has no value {what}; assign it before the statement")
    try:
        return _core.convert_to_tensor(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: '{name}' is a {type(value).__name__} changed {what}, whose condition is a tensor: "
                        f"only tensors (and TensorArrays) can change there, as the graph decides at run time. Keep "
                        f"'{name}' unchanged inside it, or make the condition a Python value.") from None


def _spec(value):
    if isinstance(value, TensorArray):
        return value
    return (value.dtype, value._shape_tuple())


def _check_same(name, first, second, where, what):
    if isinstance(first, TensorArray) or isinstance(second, TensorArray):
        return
    if first[0] != second[0]:
        raise TypeError(f"{where}: '{name}' must have the same dtype {what}: {first[0].name} and {second[0].name}; "
                        f"cast one with tf.cast")
    if first[1] != second[1]:
        raise ValueError(f"{where}: '{name}' must have the same shape {what}: {first[1]} and {second[1]}")


def _filler(spec):
    if isinstance(spec, TensorArray):
        return spec
    return _core.zeros(spec[1], spec[0])


# ---- if ----
def if_stmt(cond, body, orelse, get_state, set_state, names, only_body, only_else, where):
    """``if cond: body() else: orelse()``; a ``tf.cond`` of the variables either branch assigns when `cond` is a
    traced tensor. `only_body` / `only_else` name the variables one branch assigns and the other does not."""
    if not _traced(cond):
        body() if _truth(cond, where) else orelse()
        return
    init = get_state()
    undefined = {n for n, v in zip(names, init) if isinstance(v, Undefined)}
    # A return value set in one branch only (an early return) is zeros in the other, as TF; any other variable
    # assigned in one branch only has no value after the if (an error where it is used).
    fill_else = [n for n in only_body if n in undefined and n == _RETVAL]
    fill_body = [n for n in only_else if n in undefined and n == _RETVAL]
    if fill_else and fill_body:
        raise ValueError(f"{where}: {fill_else} are assigned only in the if branch and {fill_body} only in the else "
                         f"branch of an if on a tensor; both branches run in the graph and must give every variable "
                         f"a value. Assign them before the if statement.")
    first, second, pred = body, orelse, cond
    if fill_body:  # trace the branch that assigns them first
        first, second, pred = orelse, body, _core.logical_not(cond)
    filled = set(fill_else or fill_body)
    outputs = [n for n in names if n not in undefined or n in filled or (n not in only_body and n not in only_else)]
    specs = {}

    def branch(fn, is_first):
        def run():
            set_state(init)
            fn()
            state = dict(zip(names, get_state()))
            values = []
            for n in outputs:
                v = state[n]
                if isinstance(v, Undefined) and not is_first and n in specs:
                    v = _filler(specs[n])
                v = _loop_value(v, n, where, "in a branch of this if")
                if is_first:
                    specs[n] = _spec(v)
                else:
                    _check_same(n, specs[n], _spec(v), where, "in the main and else branches of the if")
                values.append(v)
            return tuple(values)
        return run

    out = _control_flow.cond(pred, branch(first, True), branch(second, False))
    final = {n: (Undefined(n, where, "else" if n in only_body else "main") if n in undefined else v)
             for n, v in zip(names, init)}
    final.update(zip(outputs, out if isinstance(out, (list, tuple)) else [out]))
    set_state(tuple(final[n] for n in names))


# ---- loops ----
_RETURN_IN_LOOP = ("a return statement cannot be placed inside this loop, whose condition or iterable is a "
                   "tensor (TF's rule: the graph loop has no early exit from the function); set a variable and "
                   "`break`, then return after the loop")


def while_stmt(test, body, get_state, set_state, names, where, has_return=False):
    """``while test(): body()``; a ``tf.while_loop`` over the variables the body assigns once `test()` is a traced
    tensor (a loop may start in Python and continue in the graph)."""
    value = test()
    while not _traced(value):
        if not _truth(value, where):
            return
        body()
        value = test()
    if has_return:
        raise NotImplementedError(f"{where}: {_RETURN_IN_LOOP}")
    _graph_loop(lambda: test(), lambda: body(), get_state, set_state, names, where, [], None)


def _graph_loop(test, body, get_state, set_state, names, where, extra_vars, extra_step):
    """tf.while_loop over the defined variables among `names` (plus `extra_vars`, advanced by `extra_step`)."""
    init = get_state()
    carried = [n for n, v in zip(names, init) if not isinstance(v, Undefined)]
    base = dict(zip(names, init))
    structure = [_loop_value(base[n], n, where, "inside this loop") for n in carried]

    def restore(values):
        extra, own = values[:len(extra_vars)], values[len(extra_vars):]
        state = dict(base)
        state.update(zip(carried, own))
        set_state(tuple(state[n] for n in names))
        return extra

    def cond(*values):
        extra = restore(values)
        return _as_bool(test(*extra))

    def step(*values):
        extra = restore(values)
        body(*extra)
        state = dict(zip(names, get_state()))
        advanced = extra_step(*extra) if extra_step else []
        values = [_loop_value(state[n], n, where, "inside this loop") for n in carried]
        for n, before, after in zip(carried, structure, values):
            if isinstance(before, Tensor) and isinstance(after, Tensor):
                if before.dtype != after.dtype:
                    raise TypeError(f"{where}: '{n}' has dtype {before.dtype.name} before the loop, but dtype "
                                    f"{after.dtype.name} after one iteration; its dtype should remain constant (cast "
                                    f"it before the loop)")
                if before._shape_tuple() != after._shape_tuple():
                    raise ValueError(f"{where}: '{n}' has shape {before._shape_tuple()} before the loop, but shape "
                                     f"{after._shape_tuple()} after one iteration; its shape should remain constant "
                                     f"(shape invariants are not supported here: preallocate, or use a "
                                     f"tf.TensorArray)")
        return list(advanced) + values

    out = _control_flow.while_loop(cond, step, list(extra_vars) + structure)
    final = {n: (v if n in carried else Undefined(n, where, "loop")) for n, v in zip(names, init)}
    final.update(zip(carried, out[len(extra_vars):]))
    set_state(tuple(final[n] for n in names))


def for_stmt(iterable, extra_test, body, get_state, set_state, names, where, has_return=False):
    """``for x in iterable: body(x)`` (stopping when ``extra_test()`` is false: a lowered ``break``): Python
    iteration, a ``tf.while_loop`` over a traced tensor's first axis (``tf.range`` included), or over a
    ``tf.data.Dataset`` inside ``tf.function`` a graph loop fed element by element at run time."""
    from ..data.dataset import Dataset, OwnedIterator
    if (isinstance(iterable, Dataset) or (isinstance(iterable, OwnedIterator) and not _function.trace_running(
            iterable._made_in))) and _function.current_capture() is not None:
        if has_return:
            raise NotImplementedError(f"{where}: {_RETURN_IN_LOOP}")
        _dataset_loop(iterable, extra_test, body, get_state, set_state, names, where)
        return
    if isinstance(iterable, _Range):
        if has_return:
            raise NotImplementedError(f"{where}: {_RETURN_IN_LOOP}")
        _range_loop(iterable, extra_test, body, get_state, set_state, names, where)
        return
    if not _traced(iterable):
        for item in iterable:
            if extra_test is not None and not _truth(extra_test(), where):
                break
            body(item)
        return
    if has_return:
        raise NotImplementedError(f"{where}: {_RETURN_IN_LOOP}")
    length = _core.gather(_core.shape(iterable), _core.constant(0, "int32"), axis=0)
    if length.dtype != _core.constant(0, "int32").dtype:
        length = _core.cast(length, "int32")

    def test(i):
        more = _core.less(i, length)
        return more if extra_test is None else and_(lambda: more, extra_test)

    _graph_loop(test, lambda i: body(_core.gather(iterable, i, axis=0)), get_state, set_state, names, where,
                [_core.constant(0, "int32")], lambda i: [i + 1])


class _Range:
    """``range(start, limit, delta)`` with a traced bound: a graph loop counts through it (its length is known only
    when the graph runs)."""

    def __init__(self, dtype, *args):
        start, limit, delta = (0, args[0], 1) if len(args) == 1 else (args[0], args[1], args[2] if len(args) > 2
                                                                        else 1)
        self.start, self.limit, self.delta = (_core.cast(_core.convert_to_tensor(v), dtype)
                                              for v in (start, limit, delta))


def range_(func, *args):
    """What ``for x in range(...)`` / ``for x in tf.range(...)`` iterates: a `_Range` when a bound is traced (or
    for tf.range inside tf.function), else ``func(*args)``."""
    if any(_traced(a) for a in args):
        dtypes = [a.dtype for a in args if isinstance(a, Tensor)]
        return _Range(dtypes[0] if dtypes else "int32", *args)
    return func(*args)


def _range_loop(r, extra_test, body, get_state, set_state, names, where):
    def test(i):
        positive = _core.greater(r.delta, _core.zeros((), r.delta.dtype))
        more = _core.where(positive, _core.less(i, r.limit), _core.greater(i, r.limit))
        return more if extra_test is None else and_(lambda: more, extra_test)

    _graph_loop(test, body, get_state, set_state, names, where, [r.start], lambda i: [i + r.delta])


class _ElementFeed:
    """The host side of reading tf.data elements in a graph: variables holding the element taken last and whether
    there was one (the graph reads them), refilled by ``fetch``, a graph callback, from ``iterator``. A loop over a
    dataset makes its iterator at the loop's start on each call (``start``); an iterator from outside the function
    is read where it stands, so it carries on across calls as TF's iterator resource does."""

    def __init__(self, first, where, iterator=None, has_next=True):
        self.where = where
        self.iterator = iterator
        self.structure = first
        self.pending = None  # the element fetched last (a loop that breaks hands it back to its iterator)
        with _function.outside_capture():
            self.has_next = Variable(has_next, trainable=False, name="iterator_has_next")
            self.slots = [Variable(_core.convert_to_tensor(t), trainable=False, name="iterator_element")
                          for t in nest.flatten(first)]

    def fetch(self, _=None):
        take = getattr(self.iterator, "_take", None)  # an OwnedIterator; a window's part is a plain iterator
        element = take() if take is not None else next(self.iterator, None)
        self.pending = element
        self.has_next.assign(element is not None)
        if element is None:
            return
        for slot, value in zip(self.slots, nest.flatten(element)):
            value = _core.convert_to_tensor(value)
            if value._shape_tuple() != tuple(slot.shape):
                raise errors.InvalidArgumentError(
                    f"{self.where}: a dataset element of shape {value._shape_tuple()} differs from the first "
                    f"element's {tuple(slot.shape)}; a loop over a dataset inside tf.function needs elements of one "
                    f"shape (batch with drop_remainder=True)")
            slot.assign(value)

    def get_next(self, _=None):
        """``next(iterator)``'s graph callback: the next element, or TF's OutOfRangeError at the end."""
        self.fetch()
        if self.pending is None:
            raise errors.OutOfRangeError(f"End of sequence: the tf.data iterator read by next() at {self.where} is "
                                         f"exhausted")

    def hand_back(self, _=None):
        """After a loop over an iterator: the element fetched for an iteration that a break skipped is the
        iterator's next one again."""
        if self.pending is not None:
            self.iterator._push_back(self.pending)
            self.pending = None

    def element(self):
        return nest.pack_sequence_as(self.structure, [slot.read_value() for slot in self.slots])


def _element_of_spec(spec, where):
    """Zeros shaped as an iterator's element_spec: the loop structure of an iterator already exhausted when traced."""
    leaves = nest.flatten(spec)
    if not all(s.shape.is_fully_defined() for s in leaves):
        raise ValueError(f"{where}: the tf.data iterator looped over inside tf.function is exhausted at trace time "
                         f"and its element_spec {spec} has unknown dimensions, which the loop's graph needs")
    return nest.pack_sequence_as(spec, [_core.zeros(s.shape.as_list(), s.dtype) for s in leaves])


def iterator_get_next(iterator):
    """``next(iterator)`` in a function being traced, on an iterator from outside it: a graph node that takes the
    iterator's next element on every call (the trace, which is the first call, included) and raises
    ``tf.errors.OutOfRangeError`` when the iterator is exhausted, as TF's ``IteratorGetNext``."""
    where = _caller_where()
    first = iterator._take()
    if first is None:
        raise errors.OutOfRangeError(f"End of sequence: the tf.data iterator read by next() at {where} is exhausted")
    feed = _ElementFeed(first, where, iterator)
    _function.current_capture().add_callback(feed.get_next, [], "IteratorGetNext")
    return feed.element()


def _caller_where():
    """`file:line` of the user code that called into tf.data (for messages)."""
    import sys
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("pytensor."):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "tf.function"


def _dataset_loop(source, extra_test, body, get_state, set_state, names, where):
    capture = _function.current_capture()
    from ..data.dataset import Dataset
    if isinstance(source, Dataset):
        first = next(iter(source), None)
        if first is None:
            raise ValueError(f"{where}: the dataset iterated inside tf.function is empty at trace time; its element "
                             f"shapes are needed to build the loop")
        feed = _ElementFeed(first, where)

        def start(_=None):
            feed.iterator = iter(source)
            feed.fetch()
    else:  # an iterator from outside the function: the loop takes what is left of it
        first = source._take()
        if first is None:
            feed = _ElementFeed(_element_of_spec(source.element_spec, where), where, source, has_next=False)
        else:
            feed = _ElementFeed(first, where, source)
            feed.pending = first

        def start(_=None):
            feed.fetch()
    if isinstance(source, Dataset):
        with _function.outside_capture():
            start()  # this call's iteration (the trace is the first call)
    capture.add_callback(start, [], "DatasetIterator" if isinstance(source, Dataset) else "IteratorGetNext")

    def test():
        more = feed.has_next.read_value()
        return more if extra_test is None else and_(lambda: more, extra_test)

    def step():
        body(feed.element())
        # The next element, fetched by the graph at the end of each iteration (not while tracing the body: the
        # iterator is this call's, which the loop itself then runs).
        _function.current_capture().add_callback(feed.fetch, [], "DatasetNext")

    _graph_loop(test, step, get_state, set_state, names, where, [], None)
    if not isinstance(source, Dataset):
        with _function.outside_capture():
            feed.hand_back()  # this call's (the trace's) loop
        capture.add_callback(feed.hand_back, [], "IteratorHandBack")
