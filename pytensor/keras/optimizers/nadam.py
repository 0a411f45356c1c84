"""The Nadam optimizer: Adam with Nesterov momentum."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras's momentum schedule.

    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``, ``U_t = u_1 ... u_t``;
    ``m_hat = u_{t+1} m / (1 - U_t u_{t+1}) + (1 - u_t) g / (1 - U_t)``, ``v_hat = v / (1 - beta_2**t)``;
    ``var -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)`` (m and v as in Adam).

    Example:
        >>> opt = Nadam(learning_rate=0.002)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="Nadam", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self._u_product, self._u_step = 1.0, 0  # U_t and its t

    def _slot_specs(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _numbers(self, lr, step):
        # U_step, continued from the last step's product; recomputed from u_1 when iterations moved otherwise (a
        # restored checkpoint), so that it is a function of iterations.
        product, first = (self._u_product, step) if self._u_step == step - 1 else (1.0, 1)
        for t in range(first, step + 1):
            product *= self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        self._u_product, self._u_step = product, step
        return {**super()._numbers(lr, step), "u_product": product}

    def _update(self, grads, variables, numbers):
        lr, step, u_product = numbers["learning_rate"], numbers["step"], numbers["u_product"]
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        decay_of, slots_of = self._decay_of, self._slots_of
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            slots = slots_of(variable)
            _core.apply_nadam(variable, values, slots[0], slots[1], lr, beta_1, beta_2, epsilon, step, u_product,
                              decay_of(variable), indices=indices)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
