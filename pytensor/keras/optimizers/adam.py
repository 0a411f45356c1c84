"""The Adam optimizer."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class Adam(Optimizer):
    """Adaptive moment estimation.

    ``m += (g - m) * (1 - beta_1)``; ``v += (g**2 - v) * (1 - beta_2)``;
    ``var -= learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)`` with t = iterations + 1;
    amsgrad uses ``v_hat = max(v_hat, v)`` in place of v.

    Example:
        >>> opt = Adam(learning_rate=0.001)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adam", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def _slot_specs(self):
        specs = [("momentum", 0.0), ("velocity", 0.0)]
        if self.amsgrad:
            specs.append(("velocity_hat", 0.0))
        return specs

    def _update(self, grads, variables, numbers):
        lr = numbers["learning_rate"]
        step = numbers["step"]
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        decay_of, slots_of = self._decay_of, self._slots_of
        amsgrad = self.amsgrad
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            slots = slots_of(variable)
            _core.apply_adam(variable, values, slots[0], slots[1], slots[2] if amsgrad else None, lr, beta_1, beta_2,
                             epsilon, step, decay_of(variable), indices=indices)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}
