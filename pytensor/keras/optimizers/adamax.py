"""The Adamax optimizer."""
import pytensor as pt

from .base_optimizer import Optimizer, _dense_and_of_slices


class Adamax(Optimizer):
    """Adam with the infinity norm in place of the second moment.

    ``m += (g - m) * (1 - beta_1)``; ``u = max(beta_2 * u, |g|)``;
    ``var -= learning_rate * m / ((1 - beta_1**t) * (u + epsilon))`` with t = iterations + 1.

    Example:
        >>> opt = Adamax(learning_rate=0.001)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adamax", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def _slot_specs(self):
        return (("momentum", 0.0), ("norm", 0.0))

    _ops_update = True
    _row_updates = True  # |g| of an IndexedSlices is taken per slice, as Keras's (`_dense_and_of_slices`)

    def _numbers(self, lr, step):
        return {**super()._numbers(lr, step), "step_size": lr / (1.0 - self.beta_1 ** step)}

    def _update(self, grads, variables, numbers):
        for grad, variable in zip(grads, variables):
            m, u = self._slots_of(variable)
            grad, magnitude = _dense_and_of_slices(grad, pt.abs, variable.dtype)
            self._apply_weight_decay(variable, numbers)
            m.assign_add((grad - m) * (1.0 - self.beta_1))
            u.assign(pt.maximum(u * self.beta_2, magnitude))
            variable.assign_sub(m.read_value() * numbers("step_size", variable.dtype) / (u.read_value() + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
