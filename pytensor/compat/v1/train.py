"""``tf.compat.v1.train``: TF1 optimizers whose ``minimize(loss)`` returns a train operation, gradients, global step.

Gradients are graph operations too: a session runs the operations a gradient needs under a GradientTape and takes
the gradient from it, all inside the step ``tf.function`` compiles. The update rules are TF1's kernels' (they
differ from Keras's: Adam's epsilon 1e-8 outside the bias correction, Adagrad without epsilon, RMSProp's mean
square starting at one), written with pytensor ops on the variables.
"""

import pytensor as _pt
from pytensor._missing import missing_attribute_hook

from . import _graph
from ._graph import Operation, Tensor, get_default_graph, record_operation
from ._variables import GraphKeys, RefVariable, _make_variable, get_collection


def _ancestors(tensors, stops=frozenset()):
    """The operations `tensors` depend on (data and control inputs), not looking past the tensors whose ids are in
    `stops`."""
    seen = {}
    stack = [t.op for t in tensors if isinstance(t, Tensor) and id(t) not in stops]
    while stack:
        op = stack.pop()
        if op._id in seen:
            continue
        seen[op._id] = op
        stack.extend(t.op for t in op.inputs if id(t) not in stops)
        stack.extend(op.control_inputs)
    return list(seen.values())


def _graph_of(values, what):
    graphs = [v.graph for v in values if isinstance(v, (Tensor, Operation, RefVariable))]
    if not graphs:
        raise ValueError(f"{what}: expected tensors of a tf.compat.v1 graph (a placeholder and what is computed from "
                         f"it); eager values have no graph to differentiate.")
    return graphs[0]


def _gradient_operation(ys, xs, grad_ys, name, stops=()):
    """Graph tensors of d(sum ys)/d(xs) (None for an x that ys do not depend on); xs are graph tensors or
    variables; `stops` are graph tensors held constant (no gradient passes through them)."""
    graph = _graph_of(list(ys) + list(xs), name)
    stop_ids = {id(t) for t in stops}
    ops = _ancestors(ys, stop_ids)
    reads = {id(v) for op in ops for v in op._reads}
    ancestor_tensors = {id(t) for op in ops for t in op.outputs}
    # a stop that ys read is connected itself, though nothing behind it is
    ancestor_tensors |= {id(t) for t in (*ys, *(t for op in ops for t in op.inputs)) if id(t) in stop_ids}
    connected = [id(x) in ancestor_tensors if isinstance(x, Tensor) else id(x) in reads for x in xs]
    sources = [x for x, c in zip(xs, connected) if c]
    if not sources:
        return [None] * len(xs)
    tensor_sources = [x for x in sources if isinstance(x, Tensor)]

    def compute(tape, y_values, tensor_values, grad_values, stop_values):
        it = iter(tensor_values)
        source_values = [next(it) if isinstance(x, Tensor) else x for x in sources]
        with tape.stop_recording():
            target = y_values if len(y_values) > 1 else y_values[0]
            seeds = None if grad_values is None else (grad_values if len(grad_values) > 1 else grad_values[0])
            if stop_values:
                grads = tape._gradient_with_stops(target, source_values, seeds, "none", stop_values)
            else:
                grads = tape.gradient(target, source_values, output_gradients=seeds)
        return [_pt.zeros_like(s) if g is None else _dense(g) for g, s in zip(grads, source_values)]

    like = [x._examples[0] if isinstance(x, Tensor) else _pt.Variable.read_value(x) for x in sources]
    shapes = [x.shape for x in sources]
    op = record_operation(graph, "Gradients", name, compute, (list(ys), tensor_sources, grad_ys, list(stops)), {},
                          like, shapes, needs_tape=True)
    out = iter(op.outputs)
    return [next(out) if c else None for c in connected]


def _dense(g):
    return _pt.convert_to_tensor(g) if isinstance(g, _pt.IndexedSlices) else g


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False, gate_gradients=False,
              aggregation_method=None, stop_gradients=None, unconnected_gradients="none"):
    """The symbolic gradients of ``sum(ys)`` with respect to each of `xs` (None where unconnected), as TF1's
    ``tf.gradients``; `stop_gradients` are tensors held constant (no gradient passes through them)."""
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    single = not isinstance(xs, (list, tuple))
    xs = [xs] if single else list(xs)
    if grad_ys is not None:
        grad_ys = list(grad_ys) if isinstance(grad_ys, (list, tuple)) else [grad_ys]
    if stop_gradients is None:
        stops = []
    else:
        stops = list(stop_gradients) if isinstance(stop_gradients, (list, tuple)) else [stop_gradients]
    grads = _gradient_operation(ys, xs, grad_ys, name, stops)
    if unconnected_gradients == "zero":
        grads = [_graph.record(_pt.zeros_like, (x,), {}, "ZerosLike") if g is None else g for g, x in zip(grads, xs)]
    return grads


# ---- optimizers ---------------------------------------------------------------------------------------------

class Optimizer:
    """Base class of the TF1 optimizers: ``compute_gradients``, ``apply_gradients``, ``minimize``."""

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2

    def __init__(self, use_locking, name):
        self._name = name
        self._slots = {}  # (slot name, id(var)) -> slot variable

    def get_name(self):
        return self._name

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None):
        """[(gradient, variable)] for `var_list` (default: the graph's trainable variables, else the trainable
        variables `loss` reads); gradients are graph tensors, None where `loss` does not depend on the variable."""
        if callable(loss) and not isinstance(loss, Tensor):
            raise NotImplementedError(f"{type(self).__name__}.minimize: a callable loss is TF2 eager style; give the "
                                      f"loss tensor of the graph.")
        if var_list is None:
            var_list = get_collection(GraphKeys.TRAINABLE_VARIABLES)
            if not var_list:
                var_list = _read_variables(loss)
        var_list = list(var_list)
        grads = _gradient_operation([loss], var_list, None if grad_loss is None else [grad_loss],
                                    f"{self._name}/gradients")
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An operation that applies the gradients (skipping None ones) and increments `global_step`."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError(f"No gradients provided for any variable, check your graph for ops that do not support "
                             f"gradients, between variables {[v.name for _, v in grads_and_vars]} and loss.")
        variables = [v for _, v in pairs]
        self._create_slots(variables)
        hyper = self._hyper_parameters()
        slots = [self._slots[key] for key in sorted(self._slots, key=lambda k: (k[0], k[1]))]

        def compute(grads, hyper_values):
            self._prepare(hyper_values)
            for g, v in zip(grads, variables):
                self._apply_dense(_dense(g), v, hyper_values)
            self._finish(hyper_values)
            if global_step is not None:
                _pt.Variable.assign_add(global_step, _pt.ones([], global_step.dtype), read_value=False)
            return None

        graph = _graph_of([g for g, _ in pairs] + variables, type(self).__name__)
        reads = variables + slots + self._state_variables() + ([global_step] if global_step is not None else [])
        return Operation(graph, "ApplyGradients", name or self._name, compute, ([g for g, _ in pairs], hyper), {},
                         reads=reads)

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                 colocate_gradients_with_ops=False, name=None, grad_loss=None):
        """The train operation: one update of `var_list` down the gradient of `loss` (``sess.run(train_op)``)."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def variables(self):
        return list(self._slots.values()) + self._non_slot_variables()

    def get_slot(self, var, name):
        return self._slots.get((name, id(var)))

    def get_slot_names(self):
        return sorted({name for name, _ in self._slots})

    # ---- what subclasses define ----
    def _hyper_parameters(self):
        """{name: value}: numbers, or graph tensors (a placeholder learning rate) read when the update runs."""
        return {"learning_rate": self._learning_rate}

    def _slot_initial_values(self):
        """{slot name: initial value (a number)} of the per-variable slots."""
        return {}

    def _create_slots(self, variables):
        """Slot variables named as TF1's: ``<var>/<optimizer>``, ``<var>/<optimizer>_1``, ..."""
        graph = get_default_graph()
        for v in variables:
            for i, (slot, value) in enumerate(self._slot_initial_values().items()):
                if (slot, id(v)) not in self._slots:
                    name = graph.unique_name(f"{v.name[:-2]}/{self._name}{f'_{i}' if i else ''}")
                    self._slots[(slot, id(v))] = _make_variable(
                        _pt.fill(list(v.shape), _pt.constant(value, v.dtype)), False, name, None, None)

    def _non_slot_variables(self):
        return []

    def _state_variables(self):
        """The variables an update reads besides the slots: the non-slot ones and any of the optimizer's own."""
        return self._non_slot_variables()

    def _prepare(self, hyper):
        pass

    def _finish(self, hyper):
        pass

    def _slot(self, name, var):
        return self._slots[(name, id(var))]


def _read_variables(loss):
    seen, out = set(), []
    for op in _ancestors([loss]):
        for v in op._reads:
            if v.trainable and id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def _value(variable):
    """A variable's value now (inside a session's step: a variable read of the compiled graph)."""
    return _pt.Variable.read_value(variable)


def _assign(variable, value):
    _pt.Variable.assign(variable, value, read_value=False)


def _assign_sub(variable, value):
    _pt.Variable.assign_sub(variable, value, read_value=False)


def _cast_like(value, v):
    return _pt.cast(value, v.dtype) if isinstance(value, (_pt.Tensor, _pt.Variable)) else value


class GradientDescentOptimizer(Optimizer):
    """``var -= learning_rate * grad``."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var, hyper):
        _assign_sub(var, _cast_like(hyper["learning_rate"], var) * grad)


class MomentumOptimizer(Optimizer):
    """``accum = momentum * accum + grad; var -= learning_rate * accum`` (Nesterov:
    ``var -= learning_rate * (grad + momentum * accum)``)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _hyper_parameters(self):
        return {"learning_rate": self._learning_rate, "momentum": self._momentum}

    def _slot_initial_values(self):
        return {"momentum": 0.0}

    def _apply_dense(self, grad, var, hyper):
        lr, momentum = _cast_like(hyper["learning_rate"], var), _cast_like(hyper["momentum"], var)
        accum = self._slot("momentum", var)
        new_accum = _value(accum) * momentum + grad
        _assign(accum, new_accum)
        _assign_sub(var, lr * (grad + momentum * new_accum) if self._use_nesterov else lr * new_accum)


class AdamOptimizer(Optimizer):
    """TF1's Adam: ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``, ``var -= lr_t * m / (sqrt(v) + epsilon)``;
    the powers of the betas are variables (``beta1_power``, ``beta2_power``).

    With a numeric learning rate the update is the fused ``apply_adam`` kernel (the same arithmetic as TF1's
    kernel), its step read at run time from a step counter the beta powers' initializer resets; a learning rate
    that is a graph tensor takes the same rule written with ops."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._beta1, self._beta2, self._epsilon = beta1, beta2, epsilon
        self._powers = None
        self._step_counter = None
        self._capture = None

    def _hyper_parameters(self):
        return {"learning_rate": self._learning_rate, "beta1": self._beta1, "beta2": self._beta2,
                "epsilon": self._epsilon}

    def _fused(self):
        return not isinstance(self._learning_rate, (Tensor, _pt.Tensor, _pt.Variable))

    def _slot_initial_values(self):
        return {"m": 0.0, "v": 0.0}

    def _create_slots(self, variables):
        if self._powers is None:
            graph = get_default_graph()
            self._powers = tuple(_make_variable(_pt.constant(beta, _pt.float32), False, graph.unique_name(name), None,
                                                None)
                                 for beta, name in ((self._beta1, "beta1_power"), (self._beta2, "beta2_power")))
            # The fused kernel's step: not one of TF's variables (no collection), initialised with beta1_power.
            self._step_counter = _make_variable(_pt.constant(0, _pt.int64), False,
                                                graph.unique_name(f"{self._name}/step"), None, [])
            if isinstance(self._powers[0], RefVariable):
                self._powers[0].initializer.control_inputs.append(self._step_counter.initializer)
        super()._create_slots(variables)

    def _non_slot_variables(self):
        return list(self._powers or ())

    def _state_variables(self):
        return self._non_slot_variables() + [self._step_counter]

    def _prepare(self, hyper):
        if self._fused():
            from pytensor import _function
            with _function.outside_capture():
                self._step = int(_value(self._step_counter).numpy()) + 1  # this trace's; the graph reads its own
            self._capture = _function.current_capture()
            if self._capture is not None:
                self._capture.set_optimizer_sources(self._step_counter, None)
            return
        beta1_power, beta2_power = (_value(p) for p in self._powers)
        self._lr_t = _cast_like(hyper["learning_rate"], beta1_power) * _pt.sqrt(1.0 - beta2_power) / (
            1.0 - beta1_power)

    def _apply_dense(self, grad, var, hyper):
        beta1, beta2, epsilon = hyper["beta1"], hyper["beta2"], hyper["epsilon"]
        if self._fused():
            _pt._core.apply_adam(var, grad, self._slot("m", var), self._slot("v", var), None,
                                 float(self._learning_rate), beta1, beta2, epsilon, self._step, 0.0)
            return
        m, v = self._slot("m", var), self._slot("v", var)
        new_m = beta1 * _value(m) + (1.0 - beta1) * grad
        new_v = beta2 * _value(v) + (1.0 - beta2) * grad * grad
        _assign(m, new_m)
        _assign(v, new_v)
        _assign_sub(var, _pt.cast(self._lr_t, var.dtype) * new_m / (_pt.sqrt(new_v) + epsilon))

    def _finish(self, hyper):
        if self._fused():
            if self._capture is not None:
                self._capture.set_optimizer_sources(None, None)
                self._capture = None
            _pt.Variable.assign_add(self._step_counter, _pt.ones([], _pt.int64), read_value=False)
        beta1_power, beta2_power = self._powers
        _assign(beta1_power, _value(beta1_power) * hyper["beta1"])
        _assign(beta2_power, _value(beta2_power) * hyper["beta2"])


class AdagradOptimizer(Optimizer):
    """``accum += grad^2; var -= learning_rate * grad / sqrt(accum)`` (accumulators start at 0.1)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial = initial_accumulator_value

    def _slot_initial_values(self):
        return {"accumulator": self._initial}

    def _apply_dense(self, grad, var, hyper):
        accum = self._slot("accumulator", var)
        new_accum = _value(accum) + grad * grad
        _assign(accum, new_accum)
        _assign_sub(var, _cast_like(hyper["learning_rate"], var) * grad / _pt.sqrt(new_accum))


class RMSPropOptimizer(Optimizer):
    """``ms = decay * ms + (1 - decay) * grad^2; mom = momentum * mom + lr * grad / sqrt(ms + epsilon);
    var -= mom`` (``ms`` starts at one; centered subtracts the mean gradient's square)."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False,
                 name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay, self._momentum, self._epsilon, self._centered = decay, momentum, epsilon, centered

    def _slot_initial_values(self):
        slots = {"rms": 1.0, "momentum": 0.0}
        if self._centered:
            slots["mg"] = 0.0
        return slots

    def _apply_dense(self, grad, var, hyper):
        decay, momentum, epsilon = self._decay, self._momentum, self._epsilon
        ms, mom = self._slot("rms", var), self._slot("momentum", var)
        new_ms = decay * _value(ms) + (1.0 - decay) * grad * grad
        _assign(ms, new_ms)
        denominator = new_ms + epsilon
        if self._centered:
            mg = self._slot("mg", var)
            new_mg = decay * _value(mg) + (1.0 - decay) * grad
            _assign(mg, new_mg)
            denominator = denominator - new_mg * new_mg
        new_mom = momentum * _value(mom) + _cast_like(hyper["learning_rate"], var) * grad / _pt.sqrt(denominator)
        _assign(mom, new_mom)
        _assign_sub(var, new_mom)


# ---- global step and schedules --------------------------------------------------------------------------------

def get_global_step(graph=None):
    """The graph's global step variable, or None."""
    graph = graph or get_default_graph()
    steps = graph.get_collection(GraphKeys.GLOBAL_STEP)
    return steps[0] if steps else None


def create_global_step(graph=None):
    """Creates the graph's global step (an int64 variable at 0, not trainable); ValueError if it exists."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("\"global_step\" already exists.")
    if graph is get_default_graph():
        return _make_variable(_pt.constant(0, _pt.int64), False, "global_step", None,
                              [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])
    with graph.as_default():
        return create_global_step(graph)


def get_or_create_global_step(graph=None):
    """The graph's global step, created on first use."""
    return get_global_step(graph) or create_global_step(graph)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` as a graph tensor (floored exponent when
    `staircase`)."""
    def decayed(step):
        exponent = _pt.cast(step, _pt.float32) / float(decay_steps)
        if staircase:
            exponent = _pt.floor(exponent)
        return learning_rate * _pt.pow(_pt.constant(decay_rate, _pt.float32), exponent)
    return _graph.record(decayed, (global_step,), {}, "ExponentialDecay", name)


__getattr__ = missing_attribute_hook(__name__)
