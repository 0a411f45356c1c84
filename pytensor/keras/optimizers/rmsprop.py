"""The RMSprop optimizer."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class RMSprop(Optimizer):
    """Divides the gradient by a running root mean square of recent gradients.

    ``velocity = rho * velocity + (1 - rho) * g**2``; centered: ``average_grad = rho * average_grad + (1 - rho) * g``
    and ``denominator = velocity - average_grad**2 + epsilon``, else ``velocity + epsilon``;
    ``increment = learning_rate * g / sqrt(denominator)``; with momentum
    ``mom = momentum * mom + increment``; ``var -= mom`` (or ``increment``).

    Example:
        >>> opt = RMSprop(learning_rate=1e-4)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="RMSprop", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)
        self._velocity_init = 0.0

    def _slot_specs(self):
        specs = [("velocity", self._velocity_init)]
        if self.centered:
            specs.append(("average_gradient", 0.0))
        if self.momentum > 0:
            specs.append(("momentum", 0.0))
        return specs

    def _update(self, grads, variables, numbers):
        lr = numbers["learning_rate"]
        rho, momentum, epsilon = self.rho, self.momentum, self.epsilon
        decay_of, slots_of = self._decay_of, self._slots_of
        centered, has_momentum = self.centered, self.momentum > 0
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            slots = slots_of(variable)
            _core.apply_rmsprop(variable, values, slots[0], slots[1] if centered else None,
                                slots[-1] if has_momentum else None, lr, rho, momentum, epsilon,
                                decay_of(variable), indices=indices)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
