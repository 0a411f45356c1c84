"""The schedule-free AdamW optimizer."""
import pytensor as pt
from pytensor import _function

from .base_optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """AdamW without a learning-rate schedule (Defazio et al., 2024): steps are taken on a sequence ``z``
    (the ``momentum`` slot, starting at the weights), whose running average ``x`` is interpolated with ``z`` to
    give the weights ``y = (1 - beta_1) z + beta_1 x``.

    With t = iterations + 1 and an optional linear warmup over ``warmup_steps``:
    ``v += (g**2 - v) * (1 - beta_2)``; ``z -= lr * g / (sqrt(v / (1 - beta_2**t)) + epsilon)``;
    ``x = (1 - 1/t) x + z / t`` (``x`` recovered from the weights).

    Example:
        >>> opt = ScheduleFreeAdamW(learning_rate=0.0025)
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="ScheduleFreeAdamW",
                 **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.warmup_steps = int(warmup_steps)

    def _slot_specs(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _slots_of(self, variable):
        new = id(variable) not in self._slots
        slots = super()._slots_of(variable)
        if new:
            # z starts at the weights: once, when the slot is made (inside tf.function not a graph op, which would
            # reset z on every call).
            with _function.outside_capture():
                slots[0].assign(variable.read_value())
        return slots

    _ops_update = True

    def _numbers(self, lr, step):
        # Keras decays with the plain learning rate; the warmup scales the steps only.
        rate = lr * min(step / self.warmup_steps, 1.0) if self.warmup_steps > 0 else lr
        weight = 1.0 / step
        return {**super()._numbers(lr, step), "step_rate": rate, "weight": weight, "one_minus_weight": 1.0 - weight,
                "inverse_bias_2": 1.0 / (1.0 - self.beta_2 ** step)}

    def _update(self, grads, variables, numbers):
        beta_1, beta_2 = self.beta_1, self.beta_2
        for grad, variable in zip(grads, variables):
            z, v = self._slots_of(variable)
            grad = pt.cast(grad, variable.dtype)
            dtype = variable.dtype
            self._apply_weight_decay(variable, numbers)
            z_old = z.read_value()
            v.assign_add((grad * grad - v) * (1.0 - beta_2))
            denominator = pt.sqrt(v.read_value() * numbers("inverse_bias_2", dtype)) + self.epsilon
            z.assign_sub(grad * numbers("step_rate", dtype) / denominator)
            z_new = z.read_value()
            x_old = (variable.read_value() - z_old * (1.0 - beta_1)) * (1.0 / beta_1)
            x_new = x_old * numbers("one_minus_weight", dtype) + z_new * numbers("weight", dtype)
            variable.assign(z_new * (1.0 - beta_1) + x_new * beta_1)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
