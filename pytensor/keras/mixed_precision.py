"""Keras 3's mixed precision: dtype policies and the loss-scaling optimizer (``keras.mixed_precision``).

A policy names two dtypes: layers create their variables in ``variable_dtype`` and compute in ``compute_dtype``.
``"mixed_float16"`` / ``"mixed_bfloat16"`` keep float32 variables and compute in float16 / bfloat16: a layer casts
its floating inputs to the compute dtype and, during its call, reads its float32 weights as compute-dtype copies
(Keras's autocast), so gradients reach the float32 variables through the casts. ``LossScaleOptimizer`` multiplies
the loss by a dynamic scale so that small float16 gradients do not underflow, and unscales them before the update.
"""

import pytensor as pt

from . import backend

__all__ = ["DTypePolicy", "Policy", "dtype_policy", "global_policy", "set_dtype_policy", "set_global_policy",
           "LossScaleOptimizer"]

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global = [None]  # the policy set by set_global_policy; None: floatx()'s


class DTypePolicy:
    """A layer's dtypes, as ``keras.DTypePolicy``: ``DTypePolicy("mixed_float16")`` computes in float16 and keeps
    float32 variables; a dtype name (``"float32"``, ``"bfloat16"``) uses that dtype for both.

    Example:
        >>> policy = keras.mixed_precision.DTypePolicy("mixed_float16")
        >>> policy.compute_dtype, policy.variable_dtype
        ('float16', 'float32')

    Args:
        name: ``"mixed_float16"``, ``"mixed_bfloat16"`` or a floating dtype name; default ``floatx()``.
    """

    def __init__(self, name=None):
        if name is None:
            name = backend.floatx()
        if not isinstance(name, str):
            raise TypeError(f"DTypePolicy: 'name' must be a string such as 'mixed_float16' or 'float32', "
                            f"received {name!r} of type {type(name).__name__}")
        if name in _MIXED:
            self._compute, self._variable = _MIXED[name], "float32"
        else:
            try:
                dtype = pt.as_dtype(name)
            except TypeError:
                raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies "
                                 f"include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype "
                                 f"such as 'float32'.") from None
            self._compute = self._variable = dtype.name
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype of the layer's computations and outputs."""
        return self._compute

    @property
    def variable_dtype(self):
        """The dtype of the layer's variables."""
        return self._variable

    @property
    def quantization_mode(self):
        return None

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other._name == self._name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


Policy = DTypePolicy  # Keras's alias


def as_policy(dtype):
    """The policy a layer's ``dtype`` argument names: None (the global policy), a policy, a policy or dtype name,
    a DType, or a policy's config dict."""
    if dtype is None:
        return global_policy()
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict):
        return DTypePolicy(**dtype.get("config", dtype))
    if isinstance(dtype, str):
        return DTypePolicy(dtype)
    return DTypePolicy(pt.as_dtype(dtype).name)


def set_global_policy(policy):
    """Sets the policy of layers created without a ``dtype`` (None: back to ``floatx()``)."""
    if policy is not None:
        policy = as_policy(policy)
        if not pt.as_dtype(policy.compute_dtype).is_floating:
            raise ValueError(f"set_global_policy: the global policy must be floating, got {policy.name!r}")
    _global[0] = policy


def global_policy():
    """The policy of layers created without a ``dtype``."""
    return _global[0] if _global[0] is not None else DTypePolicy(backend.floatx())


set_dtype_policy = set_global_policy  # Keras 3's names
dtype_policy = global_policy


class LossScaleOptimizer:
    """Dynamic loss scaling around an optimizer, as Keras 3's ``LossScaleOptimizer``.

    ``scale_loss(loss)`` multiplies the loss by ``dynamic_scale``; ``apply_gradients`` divides the gradients by it
    and, when every gradient is finite, applies them with the inner optimizer (counting the step); otherwise it
    skips the step (variables, slots and ``iterations`` unchanged) and halves the scale. After
    ``dynamic_growth_steps`` finite steps in a row the scale doubles. ``Model.compile`` wraps its optimizer in one
    when the model's policy is ``mixed_float16``, and the train step scales the loss.

    Example:
        >>> opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1))
        >>> with tf.GradientTape() as tape:
        ...     loss = opt.scale_loss(var * var)
        >>> opt.apply_gradients([(tape.gradient(loss, var), var)])

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients.
        initial_scale: the first loss scale (Keras's 2 ** 15).
        dynamic_growth_steps: finite steps after which the scale doubles.
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not hasattr(inner_optimizer, "apply_gradients"):
            raise ValueError(f"LossScaleOptimizer: 'inner_optimizer' must be an optimizer, received "
                             f"{inner_optimizer!r}")
        if kwargs:
            raise TypeError(f"LossScaleOptimizer: unexpected arguments {sorted(kwargs)}")
        if int(dynamic_growth_steps) < 1:
            raise ValueError(f"LossScaleOptimizer: dynamic_growth_steps must be >= 1, got {dynamic_growth_steps}")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.name = name or "loss_scale_optimizer"
        self.dynamic_scale = pt.Variable(self.initial_scale, dtype="float32", trainable=False,
                                         name=f"{self.name}/dynamic_scale")
        self.step_counter = pt.Variable(0, dtype="int64", trainable=False, name=f"{self.name}/step_counter")

    # The inner optimizer's state and settings, as Keras exposes them on the wrapper.
    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def built(self):
        return self.inner_optimizer.built

    def build(self, var_list):
        self.inner_optimizer.build(var_list)

    @property
    def variables(self):
        return self.inner_optimizer.variables + [self.dynamic_scale, self.step_counter]

    def scale_loss(self, loss):
        """``loss`` times the current scale (in the loss's dtype)."""
        loss = pt.convert_to_tensor(loss)
        return loss * pt.cast(self.dynamic_scale, loss.dtype)

    def apply_gradients(self, grads_and_vars, name=None, **kwargs):
        """Unscales the gradients and applies them if all are finite (else skips the step); updates the scale.
        Written in ops, so a traced step decides on every call."""
        # An IndexedSlices (an Embedding's gradient) is unscaled and checked as its dense tensor
        pairs = [(pt.convert_to_tensor(g) if isinstance(g, pt.IndexedSlices) else g, v) for g, v in grads_and_vars]
        present = [(g, v) for g, v in pairs if g is not None]
        if not present:
            return self.inner_optimizer.apply_gradients(pairs, **kwargs)
        finite = pt.reduce_all(pt.stack([pt.reduce_all(pt.math.is_finite(g)) for g, _ in present]))
        unscaled = [(None if g is None else g / pt.cast(self.dynamic_scale, g.dtype), v) for g, v in pairs]
        self.inner_optimizer.build([v for _, v in present])
        state = [v for _, v in present] + self.inner_optimizer.variables
        # A skipped step leaves the state as it was: copies before the update, put back where not finite.
        before = [v.read_value() for v in state]
        self.inner_optimizer.apply_gradients(unscaled, **kwargs)
        for variable, old in zip(state, before):
            variable.assign(pt.where(finite, variable.read_value(), old))
        counted = self.step_counter + 1
        grow = pt.logical_and(finite, counted >= self.dynamic_growth_steps)
        scale = self.dynamic_scale.read_value()
        self.dynamic_scale.assign(pt.where(grow, scale * 2.0, pt.where(finite, scale, scale * 0.5)))
        self.step_counter.assign(pt.where(pt.logical_and(finite, pt.logical_not(grow)), counted,
                                          pt.zeros([], "int64")))
        return self.iterations

    def minimize(self, loss, var_list, tape=None):
        """Scales ``loss`` (a tensor under ``tape``, or a callable), differentiates and applies as above."""
        if tape is None:
            if not callable(loss):
                raise ValueError("LossScaleOptimizer.minimize: a loss tensor needs the tape that computed it; "
                                 "pass tape=..., or pass the loss as a callable")
            with pt.GradientTape() as tape:
                scaled = self.scale_loss(loss())
        else:
            with tape:
                scaled = self.scale_loss(loss)
        var_list = list(var_list() if callable(var_list) else var_list)
        return self.apply_gradients(zip(tape.gradient(scaled, var_list), var_list))

    def get_config(self):
        from . import optimizers
        return {"name": self.name, "inner_optimizer": optimizers.serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    def __repr__(self):
        return f"<LossScaleOptimizer name={self.name!r} inner_optimizer={self.inner_optimizer!r}>"
