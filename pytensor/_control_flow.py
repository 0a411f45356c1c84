"""``tf.cond``, ``tf.switch_case`` and ``tf.while_loop``: eager Python control flow outside ``tf.function``; inside
one, graph nodes (csrc/graph: Cond, While) whose branches are traced once, as graphs of their own, and chosen or
repeated by the executor on every call.

Each branch is traced by running it once on the current values under a lexical capture (tensors of the enclosing
function it uses become the branch's inputs) with every variable it changes put back afterwards; the node then runs
on the trace's values to give the call its result.

Gradients: eagerly the tapes see the Python control flow's ops. A traced node is one custom-gradient op of the
floating tensors and trainable variables its branches use, whose gradient is again a node: for ``cond`` /
``switch_case``, a cond on the same predicate whose branches recompute the taken branch under a tape (any order);
for ``while_loop``, a loop from the last iteration down to the first over the loop variables each iteration started
with (kept on the host by the forward run, as TF's stacks; a second-order gradient recomputes them from the initial
ones instead, quadratic in the iteration count). Not built: shape invariants that let a loop variable change shape.
"""

import os
import sys

from . import _core, _function, gradient_tape, nest
from ._tensor_api import Tensor, Variable
from ._tensor_array import TensorArray

__all__ = ["cond", "switch_case", "while_loop"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _traced_value(value):
    return isinstance(value, Tensor) and _function.symbolic_in_scope(value)


def _trace_branch(fn, args, what):
    """Runs fn(*args) under a lexical capture: (graph, captured outer tensors, output structure, output tensors)."""
    sub = _core._Capture(list(args), True)
    traces = _function._traces()
    traces.append(_function._Trace(sub, True, lexical=True))
    sub.begin()
    try:
        out = fn(*args)
        flat = [_as_tensor(leaf, what) for leaf in nest.flatten(out)]
        graph = sub.finish(flat)
    finally:
        sub.end()
        traces.pop()
        with _function.outside_capture():  # putting the values back is no op of the enclosing graph
            sub.restore_variables()
    return graph, list(sub.captured), out, flat


def _as_tensor(leaf, what):
    if isinstance(leaf, TensorArray):
        return leaf._as_buffer(what)
    if isinstance(leaf, Variable):
        return leaf.read_value()
    if isinstance(leaf, Tensor):
        return leaf
    try:
        return _core.convert_to_tensor(leaf)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: a branch returned {leaf!r:.60} ({type(leaf).__name__}), which is not a tensor") from None


def _repack(structure, values):
    """`values` (flat tensors) in `structure`'s shape; where `structure` holds a TensorArray, an array holding the
    value (its stacked elements)."""
    leaves = nest.flatten(structure)
    values = [leaf._with_buffer(v) if isinstance(leaf, TensorArray) else v for leaf, v in zip(leaves, values)]
    return nest.pack_sequence_as(structure, values) if nest.is_nested(structure) else values[0]


def _user_site():
    """`file:line` of the innermost caller outside pytensor (the user's statement, in converted code too)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


def _structure_string(structure):
    return repr(nest.pack_sequence_as(structure, ["T"] * len(nest.flatten(structure))))


def _check_same_outputs(what, names, outs, flats):
    first_structure, first_flat = outs[0], flats[0]
    site = _user_site()
    for name, structure, flat in zip(names[1:], outs[1:], flats[1:]):
        if len(flat) != len(first_flat) or _structure_string(structure) != _structure_string(first_structure):
            raise ValueError(f"{site}: {what}: {names[0]} and {name} must have the same number, type, and overall "
                             f"structure of return values; got {_structure_string(first_structure)} and "
                             f"{_structure_string(structure)}")
        for i, (a, b) in enumerate(zip(first_flat, flat)):
            if a.dtype != b.dtype:
                raise TypeError(f"{site}: {what}: {names[0]} and {name} must have the same number, type, and overall "
                                f"structure of return values: output {i} is {a.dtype.name} in {names[0]} but "
                                f"{b.dtype.name} in {name}; cast one with tf.cast")
            if a._shape_tuple() != b._shape_tuple():
                raise ValueError(f"{site}: {what}: output {i} has shape {a._shape_tuple()} in {names[0]} but "
                                 f"{b._shape_tuple()} in {name}; both branches must return the same shapes inside "
                                 f"tf.function here (pad or reshape one)")


def _floating(t):
    return t.dtype.is_floating


def _differentiable_inputs(captured, graphs):
    """The tensors and trainable variables a node's gradient is taken by: its floating captures and the trainable
    variables its branches read (each once)."""
    seen, out = set(), []  # by `_id`: the same tensor may come back as different Python objects
    for t in captured:
        if _floating(t) and t._id not in seen:
            seen.add(t._id)
            out.append(t)
    for graph in graphs:
        for v in graph.variables():
            if v.trainable and _floating(v) and ("v", v._id) not in seen:
                seen.add(("v", v._id))
                out.append(v)
    return out


def _with_gradient(run_node, inputs, backward):
    """The outputs of ``run_node()`` (the graph node), recorded on the tapes as one op of `inputs` whose gradient is
    ``backward(upstream)`` (a gradient per input, None where unconnected; upstream None where unconnected)."""
    if not inputs:
        return run_node()

    @gradient_tape.custom_gradient
    def node(*_):
        outs = run_node()

        def grad(*upstream):
            upstream = [_core.zeros_like(o) if u is None else u for o, u in zip(outs, upstream)]
            return backward(upstream)
        return outs, grad

    return list(node(*inputs))


def _vjp(fn, args, inputs, upstream):
    """Gradients of the floating outputs of ``fn(*args)`` (recomputed here under a tape) with respect to `args`
    then `inputs`, weighted by `upstream`; zeros where unconnected."""
    sources = list(args) + list(inputs)
    differentiable = [x for x in sources if _floating(x)]
    with gradient_tape.GradientTape(watch_accessed_variables=False) as tape:
        for x in differentiable:
            tape.watch(x)
        outs = [_as_tensor(leaf, "gradient") for leaf in nest.flatten(fn(*args))]
    pairs = [(o, u) for o, u in zip(outs, upstream) if _floating(o)]
    grads = iter(tape.gradient([o for o, _ in pairs], differentiable, output_gradients=[u for _, u in pairs],
                               unconnected_gradients="zero") if pairs and differentiable else [])
    return [next(grads) if _floating(x) and pairs else _core.zeros_like(x) for x in sources]


def _branch_node(selector, fns, traced, make_node):
    """A Cond node over the traced branches, differentiable: its gradient is ``make_node(fns)`` of the branches'
    gradients (the same predicate or index picks the branch)."""
    capture = _function.current_capture()
    graphs, captures = [t[0] for t in traced], [t[1] for t in traced]
    inputs = _differentiable_inputs([c for caps in captures for c in caps], graphs)

    def backward(upstream):
        def branch_gradient(fn):
            return lambda: _vjp(lambda: fn(), [], inputs, upstream)
        grads = make_node([branch_gradient(fn) for fn in fns])
        return list(grads) if isinstance(grads, (list, tuple)) else [grads]

    return _with_gradient(lambda: capture.add_cond(selector, graphs, captures), inputs, backward)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``; inside ``tf.function`` with a traced ``pred``, a graph node
    that picks the branch on every call (both branches are traced)."""
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("tf.cond: true_fn and false_fn must be callables that take no arguments")
    if not _traced_value(pred):
        return true_fn() if bool(pred) else false_fn()
    traced = [_trace_branch(fn, [], "tf.cond") for fn in (true_fn, false_fn)]
    _check_same_outputs("tf.cond", ["true_fn", "false_fn"], [t[2] for t in traced], [t[3] for t in traced])
    outs = _branch_node(pred, [true_fn, false_fn], traced,
                        lambda fns: cond(pred, fns[0], fns[1]))
    return _repack(traced[0][2], outs)


def switch_case(branch_index, branch_fns, default=None, name=None):
    """``branch_fns[branch_index]()`` (``default``, else the last branch, when out of range), as ``tf.switch_case``;
    a graph node inside ``tf.function`` when the index is traced."""
    if isinstance(branch_fns, dict):
        keys = sorted(branch_fns)
        if keys != list(range(len(keys))):
            raise ValueError(f"tf.switch_case: branch_fns keys must be 0..{len(keys) - 1}, got {keys}")
        branch_fns = [branch_fns[k] for k in keys]
    branch_fns = list(branch_fns)
    if default is not None:
        branch_fns.append(default)
    if not branch_fns or not all(callable(f) for f in branch_fns):
        raise TypeError("tf.switch_case: branch_fns must be a non-empty list of callables taking no arguments")
    if not _traced_value(branch_index):
        i = int(branch_index)
        return branch_fns[i if 0 <= i < len(branch_fns) else len(branch_fns) - 1]()
    traced = [_trace_branch(fn, [], "tf.switch_case") for fn in branch_fns]
    names = [f"branch {i}" for i in range(len(traced))]
    _check_same_outputs("tf.switch_case", names, [t[2] for t in traced], [t[3] for t in traced])
    # The executor reads a two-branch node's selector as a predicate (branch 0 when true): with two branches,
    # index 0 takes the first and every other index (out of range included) the last, so select on index == 0.
    selector = _core.equal(branch_index, 0) if len(branch_fns) == 2 else branch_index
    outs = _branch_node(selector, branch_fns, traced, lambda fns: switch_case(branch_index, fns))
    return _repack(traced[0][2], outs)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (at most ``maximum_iterations`` times),
    as ``tf.while_loop``; inside ``tf.function``, one graph node whose cond and body are traced once."""
    return _while_loop(cond, body, loop_vars, maximum_iterations)


def _while_loop(cond, body, loop_vars, maximum_iterations=None, exact_body=None):
    """while_loop; `exact_body` is `body` as a differentiable function of the loop variables and captures, for the
    gradient (the backward loop's body reads recorded states, which a gradient of it must recompute)."""
    if not callable(cond) or not callable(body):
        raise TypeError("tf.while_loop: cond and body must be callables")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError(f"tf.while_loop: loop_vars must be a list or tuple, got {type(loop_vars).__name__}")
    structure = loop_vars
    capture = _function.current_capture()
    if capture is not None:
        _learn_element_shapes(body, structure)
    # Eagerly a TensorArray stays a Python list; traced, it is one tensor (its stacked elements).
    flat = [v if capture is None and isinstance(v, TensorArray) else _as_tensor(v, "tf.while_loop")
            for v in nest.flatten(loop_vars)]

    def unpack(values):
        return _repack(structure, list(values)) if capture is not None else nest.pack_sequence_as(structure,
                                                                                                   list(values))

    def step_output(out):
        # A body of one loop variable may return it bare, as TF allows.
        return [out] if len(flat) == 1 and not nest.is_nested(out) else out

    if capture is None:
        state, i = flat, 0
        while (maximum_iterations is None or i < int(maximum_iterations)) and bool(cond(*unpack(state))):
            state = [v if isinstance(v, TensorArray) else _as_tensor(v, "tf.while_loop")
                     for v in nest.flatten(step_output(body(*unpack(state))))]
            i += 1
        return unpack(state)
    if maximum_iterations is not None and _traced_value(maximum_iterations):
        raise NotImplementedError("tf.while_loop: a maximum_iterations computed inside the function is not supported; "
                                  "pass a Python int or a tensor made outside the function")
    # Fresh handles, made outside the capture: a closure over an initial value stays a capture, not a loop variable.
    with _function.outside_capture():
        fresh = [_core.reshape(t, t._shape_tuple()) for t in flat]
    cond_graph, cond_caps, _, cond_out = _trace_branch(lambda *a: cond(*unpack(a)), fresh, "tf.while_loop")
    if len(cond_out) != 1 or cond_out[0]._shape_tuple() != ():
        raise ValueError("tf.while_loop: cond must return one scalar boolean tensor")
    body_graph, body_caps, body_structure, body_out = _trace_branch(
        lambda *a: step_output(body(*unpack(a))), fresh, "tf.while_loop")
    if len(body_out) != len(flat):
        raise ValueError(f"tf.while_loop: body returned {len(body_out)} values for {len(flat)} loop variables; it "
                         f"must return the loop variables' structure")
    for i, (a, b) in enumerate(zip(flat, body_out)):
        if a.dtype != b.dtype:
            raise TypeError(f"{_user_site()}: tf.while_loop: loop variable {i} enters the loop with type {a.dtype!r} "
                            f"but has type {b.dtype!r} after 1 iteration; its type should remain constant (cast it in "
                            f"the body)")
        if a._shape_tuple() != b._shape_tuple():
            raise ValueError(f"{_user_site()}: tf.while_loop: loop variable {i} enters the loop with shape "
                             f"{a._shape_tuple()}, but has shape {b._shape_tuple()} after one iteration; keep its "
                             f"shape (shape_invariants that let a shape vary are not supported here: preallocate, "
                             f"or use a tf.TensorArray)")
    limit = -1 if maximum_iterations is None else int(maximum_iterations)
    inputs = _differentiable_inputs(cond_caps + body_caps, [cond_graph, body_graph])
    # A plain node unless a tape records through it now (its gradient keeps a host record of every iteration).
    if not any(_core.is_tracked(t) for t in [t for t in flat if _floating(t)] + inputs):
        return unpack(capture.add_while(cond_graph, body_graph, flat, cond_caps, body_caps, limit))
    return unpack(_differentiable_while(capture, cond, body, exact_body or body, unpack, step_output, flat, fresh,
                                        limit, inputs))


def _learn_element_shapes(body, structure):
    """Traces `body` once, for nothing but the element shapes of the TensorArrays among the loop variables that
    have none yet (their first write tells); the trace's graph is dropped and its variable changes put back."""
    arrays = [leaf for leaf in nest.flatten(structure) if isinstance(leaf, TensorArray) and leaf._buffer is None and (
        leaf._element_shape is None or not leaf._element_shape.is_fully_defined())]
    if not arrays:
        return
    for array in arrays:
        array._probing = True
    try:
        leaves = [leaf if isinstance(leaf, TensorArray) else _as_tensor(leaf, "tf.while_loop")
                  for leaf in nest.flatten(structure)]
        _trace_branch(lambda: body(*nest.pack_sequence_as(structure, leaves)), [], "tf.while_loop")
    finally:
        for array in arrays:
            array._probing = False


class _History:
    """The loop variables at the start of each iteration of one traced While, kept on the host while the graph runs
    (as TF's stacks) for its backward loop, which reads iteration k's back through `slots` (variables)."""

    def __init__(self, templates):
        self.states = []
        with _function.outside_capture():
            self.slots = [Variable(_core.zeros_like(t), trainable=False, name="while_history") for t in templates]

    def reset(self, _=None):
        self.states = []

    def push(self, values):
        self.states.append(list(values))

    def fetch(self, values):
        with _function.outside_capture():  # run by a trace's own execution too, where k is a traced value
            k = int(values[0].numpy())
            if 0 <= k < len(self.states):
                for slot, value in zip(self.slots, self.states[k]):
                    slot.assign(value)


def _differentiable_while(capture, cond, body, exact_body, unpack, step_output, flat, fresh, limit, inputs):
    """The While node with an iteration counter, recorded as one op of the floating initial loop variables and
    `inputs` whose gradient runs the iterations backwards: iteration k's loop variables come from a `_History` the
    forward run filled, and each iteration's gradient is the VJP of `exact_body` at them."""
    def as_step(fn):
        return lambda *a: [_as_tensor(v, "tf.while_loop") for v in nest.flatten(step_output(fn(*unpack(a))))]

    step, exact_step = as_step(body), as_step(exact_body)
    floating = [i for i, t in enumerate(flat) if _floating(t)]
    history = _History(flat)
    counter = _core.constant(0, "int32")
    with _function.outside_capture():
        fresh_counter = _core.reshape(counter, ())

    def recorded_step(k, *a):
        _function.current_capture().add_callback(history.push, list(a), "WhileHistoryPush")
        return [k + 1] + step(*a)

    cond_graph, cond_caps, _, _ = _trace_branch(lambda k, *a: cond(*unpack(a)), [fresh_counter] + fresh,
                                                "tf.while_loop")
    body_graph, body_caps, _, _ = _trace_branch(recorded_step, [fresh_counter] + fresh, "tf.while_loop")
    results = {}

    def run_node():
        capture.add_callback(history.reset, [], "WhileHistoryReset")
        history.reset()  # the loop runs now too (the trace is a call)
        outs = capture.add_while(cond_graph, body_graph, [counter] + flat, cond_caps, body_caps, limit)
        results["count"] = outs[0]
        return [outs[1 + i] for i in floating] + [o for i, o in enumerate(outs[1:]) if i not in floating]

    def backward(upstream):
        d_state = upstream[:len(floating)]
        d_inputs = [_core.zeros_like(x) for x in inputs]

        def back_step(k, state, carried):
            d_s, d_in = list(carried[:len(floating)]), list(carried[len(floating):])
            full = [_core.zeros_like(t) for t in state]
            for i, d in zip(floating, d_s):
                full[i] = d
            grads = _vjp(exact_step, state, inputs, full)
            return [k - 1] + [grads[i] for i in floating] + [a + g for a, g in zip(d_in, grads[len(state):])]

        def recorded_state(k):
            _function.current_capture().add_callback(history.fetch, [k], "WhileHistoryRead")
            with _function.outside_capture():
                history.fetch([k])  # this trace's own values
            return [slot.read_value() for slot in history.slots]

        def recomputed_state(k):
            # The loop variables after k iterations, from the initial ones (differentiable, unlike the record).
            out = while_loop(lambda j, *a: j < k, lambda j, *a: [j + 1] + exact_step(*a),
                             [_core.constant(0, "int32")] + flat)
            return list(out[1:])

        out = _while_loop(lambda k, *a: k >= 0, lambda k, *c: back_step(k, recorded_state(k), c),
                          [results["count"] - 1] + d_state + d_inputs,
                          exact_body=lambda k, *c: back_step(k, recomputed_state(k), c))
        return list(out[1:])

    outs = _with_gradient(run_node, [flat[i] for i in floating] + inputs, backward)
    by_position = dict(zip(floating, outs[:len(floating)]))
    rest = iter(outs[len(floating):])
    return [by_position[i] if i in by_position else next(rest) for i in range(len(flat))]
