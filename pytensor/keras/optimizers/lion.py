"""The Lion optimizer."""
import pytensor as pt

from .base_optimizer import Optimizer


class Lion(Optimizer):
    """Evolved sign momentum: every step moves each weight by exactly ``learning_rate``.

    ``var -= learning_rate * sign(beta_1 * m + (1 - beta_1) * g)``; then ``m = beta_2 * m + (1 - beta_2) * g``.

    Example:
        >>> opt = Lion(learning_rate=0.0001)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="Lion", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        if not 0.0 < beta_1 <= 1.0:
            raise ValueError(f"Lion: beta_1 must be in (0, 1], got {beta_1}.")
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)

    def _slot_specs(self):
        return (("momentum", 0.0),)

    _ops_update = True

    def _update(self, grads, variables, numbers):
        for grad, variable in zip(grads, variables):
            (m,) = self._slots_of(variable)
            grad = pt.cast(grad, variable.dtype)
            self._apply_weight_decay(variable, numbers)
            variable.assign_sub(pt.sign(m * self.beta_1 + grad * (1.0 - self.beta_1)) *
                                numbers("learning_rate", variable.dtype))
            m.assign(m * self.beta_2 + grad * (1.0 - self.beta_2))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
