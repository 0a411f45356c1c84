"""The Adadelta optimizer."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class Adadelta(Optimizer):
    """Adaptive step sizes from running averages of squared gradients and squared updates.

    ``acc_g = rho * acc_g + (1 - rho) * g**2``; ``delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)``;
    ``acc_d = rho * acc_d + (1 - rho) * delta**2``; ``var += learning_rate * delta``.

    Example:
        >>> opt = Adadelta(learning_rate=1.0)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-07, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="Adadelta", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def _slot_specs(self):
        return (("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0))

    def _update(self, grads, variables, numbers):
        lr = numbers["learning_rate"]
        rho, epsilon, decay_of, slots_of = self.rho, self.epsilon, self._decay_of, self._slots_of
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            slots = slots_of(variable)
            _core.apply_adadelta(variable, values, slots[0], slots[1], lr, rho, epsilon, decay_of(variable),
                                 indices=indices)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
