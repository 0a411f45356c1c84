"""The ``Optimizer`` base class: learning rate (float or schedule), clipping, slots, ``apply_gradients``."""
import math
import warnings

import pytensor as pt
from pytensor.distribute import _context as _distribute_context
from pytensor import _function

from . import schedules as schedules_module


def _checked_rate(value, what="learning_rate"):
    """Returns `value` as a float, raising ValueError when it is negative or NaN."""
    rate = float(value)
    if math.isnan(rate) or rate < 0:
        raise ValueError(f"{what} must be a non-negative number, got {value!r}")
    return rate


def _checked_positive(value, what):
    if value is not None and (math.isnan(float(value)) or float(value) <= 0):
        raise ValueError(f"{what} must be a positive number or None, got {value!r}")
    return None if value is None else float(value)


def _rows(grad):
    """(values, indices) of an IndexedSlices gradient, (grad, None) of a dense one: what the fused updates take."""
    return (grad.values, grad.indices) if type(grad) is pt.IndexedSlices else (grad, None)


def _dense_and_of_slices(grad, fn, dtype):
    """(the gradient as a dense tensor, fn of it) in `dtype`, as Keras's update arithmetic takes an IndexedSlices:
    fn (abs, square) applies to its slices, so a row that several slices share gets the sum of fn's values."""
    if type(grad) is pt.IndexedSlices:
        values = pt.cast(grad.values, dtype)
        return (pt.IndexedSlices(values, grad.indices, grad.dense_shape).to_dense(),
                pt.IndexedSlices(fn(values), grad.indices, grad.dense_shape).to_dense())
    grad = pt.cast(grad, dtype)
    return grad, fn(grad)


def _base_name(variable):
    """A variable's name without TF's ':0' suffix, for slot names and messages."""
    return variable._variable_name


class Optimizer:
    """Base class of Keras optimizers: updates variables from gradients with one fused C++ call per variable.

    Subclasses name their slot variables (``_slot_specs``) and apply the update (``_update``). Before the
    update, gradients are clipped (one of ``clipvalue`` and ``clipnorm`` per gradient, or ``global_clipnorm``
    over all of them) and, where ``weight_decay`` is set, ``var -= var * weight_decay * learning_rate``.

    Args:
        learning_rate: a non-negative float, a ``LearningRateSchedule`` (called with ``iterations``) or a
            callable taking no arguments.
        weight_decay: decoupled weight decay coefficient, or None.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global L2 norm.
        name: the optimizer's name (prefix of its slot variables).

    Example:
        >>> opt = pytensor.keras.optimizers.SGD(learning_rate=0.1)
        >>> var = pytensor.Variable(1.0)
        >>> opt.minimize(lambda: (var ** 2) / 2.0, [var]).numpy()   # var: 1.0 - 0.1 * 1.0 = 0.9
        1
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name=None, **kwargs):
        if "lr" in kwargs:   # the TF2 Keras alias
            learning_rate = kwargs.pop("lr")
        kwargs.pop("use_ema", None)
        kwargs.pop("jit_compile", None)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; got "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.name = name or type(self).__name__
        self.weight_decay = None if weight_decay is None else _checked_rate(weight_decay, "weight_decay")
        self.clipnorm = _checked_positive(clipnorm, "clipnorm")
        self.clipvalue = _checked_positive(clipvalue, "clipvalue")
        self.global_clipnorm = _checked_positive(global_clipnorm, "global_clipnorm")
        self.learning_rate = learning_rate
        self.iterations = pt.Variable(0, dtype="int64", trainable=False, name=f"{self.name}/iterations")
        self._step = 0
        self._slots = {}     # id(variable) -> (variable, slot variables)
        self._slot_list = []
        self._no_decay = {}  # id(variable) -> variable exempt from weight decay
        self._no_decay_names = []
        self.built = False
        # Made under strategy.scope(): apply_gradients sums the gradients over the strategy's replicas (as TF).
        self._distribute_strategy = _distribute_context.get_strategy() if _distribute_context.has_strategy() \
            else None

    # ---- learning rate ----
    @property
    def learning_rate(self):
        """The learning rate: a float32 ``Variable`` (``optimizer.learning_rate.assign(1e-4)``, as in Keras 3), or
        for a schedule or callable its current value as a float (a schedule is evaluated at ``iterations``)."""
        if self._lr_schedule is None:
            return self._lr_variable
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules_module.LearningRateSchedule) or (
                callable(value) and not isinstance(value, (pt.Variable, pt.Tensor))):
            self._lr_schedule = value
            return
        if isinstance(getattr(self, "_lr_schedule", None), schedules_module.LearningRateSchedule):
            raise TypeError(f"{type(self).__name__}: this optimizer was created with a LearningRateSchedule as its "
                            f"learning_rate, so its learning rate cannot be set; create a new optimizer with a "
                            f"float learning_rate instead.")
        rate = _checked_rate(value.numpy() if isinstance(value, (pt.Variable, pt.Tensor)) else value)
        self._lr_schedule = None
        variable = self.__dict__.get("_lr_variable")
        if variable is None:
            self._lr_variable = pt.Variable(rate, dtype="float32", trainable=False, name=f"{self.name}/learning_rate")
        else:
            variable.assign(rate)

    lr = learning_rate  # TF 2 Keras's alias

    def _current_learning_rate(self):
        if self._lr_schedule is None:
            return _checked_rate(self._lr_variable.numpy())
        if isinstance(self._lr_schedule, schedules_module.LearningRateSchedule):
            return _checked_rate(self._lr_schedule(self._step))
        return _checked_rate(self._lr_schedule())

    # ---- slots ----
    def build(self, var_list):
        """Creates the slot variables of every variable in `var_list` (zeros or the optimizer's initial value)."""
        for variable in var_list:
            self._slots_of(variable)
        self._built_variables = list(var_list)
        self.built = True

    def _slots_of(self, variable):
        entry = self._slots.get(id(variable))
        if entry is None:
            slots = []
            for slot_name, initial in self._slot_specs():
                shape = self._slot_shape(slot_name, tuple(variable.shape))
                slot = pt.Variable(pt.fill(shape, pt.constant(initial, dtype=variable.dtype)),
                                   trainable=False, name=f"{self.name}/{_base_name(variable)}_{slot_name}")
                slots.append(slot)
            entry = (variable, tuple(slots))
            self._slots[id(variable)] = entry
            self._slot_list.extend(slots)
        return entry[1]

    def _slot_specs(self):
        """(slot name, initial value) for each slot variable a variable gets."""
        return ()

    def _slot_shape(self, slot_name, variable_shape):
        """The shape of a variable's slot: the variable's own unless an optimizer factors it (Adafactor)."""
        return variable_shape

    @property
    def variables(self):
        """``iterations`` followed by every slot variable, in creation order."""
        return [self.iterations] + list(self._slot_list)

    # ---- updates ----
    def apply(self, grads, trainable_variables=None):
        """Keras 3's update call: ``grads[i]`` updates ``trainable_variables[i]`` (by default the variables of
        :meth:`build`, in that order), as :meth:`apply_gradients` does with pairs.

        Raises:
            ValueError: no variables given and none built, or a count of gradients that differs from theirs.
        """
        grads = list(grads)
        if trainable_variables is None:
            trainable_variables = getattr(self, "_built_variables", None)
            if trainable_variables is None:
                raise ValueError(f"{type(self).__name__}.apply: no trainable_variables given and the optimizer is "
                                 f"not built; pass them (optimizer.apply(grads, model.trainable_variables)) or call "
                                 f"optimizer.build(model.trainable_variables) first.")
        variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"{type(self).__name__}.apply: {len(grads)} gradients for {len(variables)} variables; "
                             f"give one gradient (or None) per variable, in the variables' order.")
        self.apply_gradients(zip(grads, variables))

    def apply_gradients(self, grads_and_vars, name=None, skip_gradients_aggregation=False, **kwargs):
        """Applies one update step; gradients that are None are skipped with a warning naming the variable.

        Returns:
            ``iterations`` (incremented once per call that updates something).
        """
        grads, variables, missing = [], [], []
        for grad, variable in grads_and_vars:
            if grad is None:
                missing.append(variable)
            else:
                # An IndexedSlices (an Embedding's or a gather's gradient) goes to a fused update as it is: its
                # kernel applies the rows as Keras 3's TF backend does (ops/optim.cpp); other updates take its
                # dense tensor, rows sharing an index summed.
                grads.append(grad.to_dense() if type(grad) is pt.IndexedSlices and not self._row_updates else grad)
                variables.append(variable)
        if missing:
            warnings.warn(f"Gradients do not exist for variables {[v.name for v in missing]} when minimizing "
                          f"the loss. If using `model.compile()`, did you forget to provide a `loss` argument?",
                          stacklevel=2)
        if not variables:
            return self.iterations
        self.built = True
        if self._distribute_strategy is not None and not skip_gradients_aggregation:
            grads = self._distribute_strategy._all_reduce_gradients(grads, variables)
        if self.clipvalue is not None or self.clipnorm is not None or self.global_clipnorm is not None:
            grads = self._clip_gradients(grads)
        capture = _function.current_capture()
        if capture is None:
            step, numbers = self._begin_step()
            self._update(grads, variables, self._step_numbers(numbers) if self._ops_update else numbers)
            self.iterations.assign(step)
            return self.iterations
        with _function.outside_capture():  # this call's numbers, in Python; the graph reads them on later calls
            _, numbers = self._begin_step()
        self._traced_update(capture, grads, variables, numbers)
        self.iterations.assign_add(1)
        return self.iterations

    # Subclasses that take an IndexedSlices gradient as it is set this: their fused update applies it by rows
    # (`_rows`), or their ops follow Keras's on its slices (`_dense_and_of_slices`).
    _row_updates = False

    # ---- the numbers of one step ----
    # Subclasses whose update is written in ops (not one fused kernel per variable) set this: every number of
    # `_numbers` reaches their ops as a 0-d tensor (`_StepNumbers`), which a traced step reads on every call.
    _ops_update = False

    def _begin_step(self):
        """(step, numbers) of the update about to run, from ``iterations`` as it is now (step = iterations + 1;
        a schedule is called with the iterations done so far)."""
        self._step = int(self.iterations)
        lr = self._current_learning_rate()
        self._step += 1
        return self._step, self._numbers(lr, self._step)

    def _numbers(self, lr, step):
        """The Python numbers one update uses, by name, from the learning rate and the step (iterations + 1):
        computed in Python on every step, eager or traced, so both give the same bits."""
        return {"learning_rate": lr, "step": step}

    def _traced_update(self, capture, grads, variables, numbers):
        """The update of a traced step. Fused kernels take the step from ``iterations`` and the learning rate from
        its variable at run time (the capture's optimizer sources); every other number that changes between calls
        (a schedule's learning rate, Nadam's u_product, an ops-written update's numbers) lives in a float64 variable
        that a host callback, at this point of every call, sets from ``iterations`` by ``_begin_step``."""
        if self._ops_update:
            refreshed = [name for name in numbers if name != "step"]
        else:
            refreshed = [name for name in numbers if name == "u_product" or (
                name == "learning_rate" and self._lr_schedule is not None)]
        if refreshed:
            holders = self._number_variables(refreshed)
            with _function.outside_capture():  # this call's values: the trace is this call
                for name in refreshed:
                    holders[name].assign(numbers[name])

            def refresh(_):
                values = self._begin_step()[1]
                for name in refreshed:
                    holders[name].assign(values[name])

            capture.add_callback(refresh, [], f"{self.name}/step_numbers")
        if self._ops_update:
            self._update(grads, variables, _StepNumbers({name: holders[name].read_value() for name in refreshed}))
            return
        lr_source = holders["learning_rate"] if "learning_rate" in refreshed else self._lr_variable
        capture.set_optimizer_sources(self.iterations, lr_source, holders["u_product"] if "u_product" in refreshed
                                      else None)
        try:
            self._update(grads, variables, numbers)
        finally:
            capture.set_optimizer_sources(None, None)

    def _number_variables(self, names):
        """The float64 variables holding the named numbers of a traced step (made once, outside any trace)."""
        holders = self.__dict__.setdefault("_number_holders", {})
        with _function.outside_capture():
            for name in names:
                if name not in holders:
                    holders[name] = pt.Variable(0.0, dtype="float64", trainable=False, name=f"{self.name}/{name}")
        return holders

    def _step_numbers(self, numbers):
        """The eager step's numbers as float64 constants, as an ops-written `_update` takes them."""
        return _StepNumbers({name: pt.constant(value, dtype="float64") for name, value in numbers.items()
                             if name != "step"})

    def _update(self, grads, variables, numbers):
        """Updates each variable from its gradient. `numbers` is ``_numbers``' dict of Python numbers for fused
        kernels, a ``_StepNumbers`` for optimizers with ``_ops_update``."""
        raise NotImplementedError

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in `var_list`, and those whose name contains one of
        `var_names`."""
        self._no_decay.update((id(v), v) for v in var_list or ())
        self._no_decay_names.extend(var_names or ())

    def _decay_of(self, variable):
        """The weight decay coefficient for `variable` (0 when unset or exempt)."""
        if not self.weight_decay:
            return 0.0
        if id(variable) in self._no_decay or any(n in variable.name for n in self._no_decay_names):
            return 0.0
        return self.weight_decay

    def _apply_weight_decay(self, variable, numbers, rate="learning_rate"):
        """``variable -= variable * weight_decay * lr`` (Keras's decoupled decay, lr the number named `rate`), for
        optimizers written in ops; the fused kernels apply it themselves."""
        decay = self._decay_of(variable)
        if decay:
            variable.assign_sub(variable.read_value() * numbers(rate, variable.dtype, times=decay))

    # ---- pickling and copying: the slots travel with their variables ----
    def __getstate__(self):
        state = self.__dict__.copy()
        # Keyed by id(variable), which a copy does not share: pickled as the values, re-keyed on load.
        state["_slots"] = list(self._slots.values())
        state["_no_decay"] = list(self._no_decay.values())
        return state

    def __setstate__(self, state):
        state["_slots"] = {id(entry[0]): entry for entry in state["_slots"]}
        state["_no_decay"] = {id(v): v for v in state["_no_decay"]}
        self.__dict__.update(state)

    def _clip_gradients(self, grads):
        grads = [pt.convert_to_tensor(g) for g in grads]
        if self.clipvalue is not None:
            grads = [pt.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [self._scaled(g, float(pt.sqrt(pt.reduce_sum(pt.square(g)))), self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            norm = math.sqrt(sum(float(pt.reduce_sum(pt.square(g))) for g in grads))
            grads = [self._scaled(g, norm, self.global_clipnorm) for g in grads]
        return grads

    @staticmethod
    def _scaled(grad, norm, limit):
        """`grad * limit / max(norm, limit)`, Keras's clip_by_norm."""
        return grad * pt.constant(limit / norm, dtype=grad.dtype) if norm > limit else grad

    def minimize(self, loss, var_list, tape=None):
        """Computes gradients of `loss` for `var_list` and applies them.

        Args:
            loss: a callable returning the loss, or a tensor computed under `tape`.
            var_list: variables (or a callable returning them).
            tape: the GradientTape that recorded a tensor `loss`.

        Returns:
            ``iterations``.
        """
        if tape is None:
            if not callable(loss):
                raise ValueError("minimize: `tape` is required when `loss` is a tensor; pass a callable loss "
                                 "or the GradientTape that computed it")
            with pt.GradientTape() as tape:
                if callable(var_list):
                    var_list = var_list()
                for variable in var_list:
                    tape.watch(variable)
                loss = loss()
        elif callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # ---- config ----
    def get_config(self):
        """The constructor arguments (a schedule as ``{"class_name", "config"}``)."""
        if self._lr_schedule is None:
            lr = self._current_learning_rate()
        elif isinstance(self._lr_schedule, schedules_module.LearningRateSchedule):
            lr = schedules_module.serialize(self._lr_schedule)
        else:
            lr = self._current_learning_rate()
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Builds the optimizer from ``get_config()``'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_module.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self._current_learning_rate()!r}>"



class _StepNumbers:
    """One step's numbers for an ops-written update: ``numbers(name, dtype)`` is the float64 0-d tensor `name`
    (times a Python float, in float64) cast to `dtype`, as a Python number would be converted; each cast made once."""

    def __init__(self, values):
        self._values = values
        self._made = {}

    def __call__(self, name, dtype, times=None):
        key = (name, dtype, times)
        made = self._made.get(key)
        if made is None:
            value = self._values[name]
            made = self._made[key] = pt.cast(value if times is None else value * times, dtype)
        return made
