"""The Nadam optimizer: Adam with Nesterov momentum."""
from pytensor import _core

from .base_optimizer import Optimizer


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras's momentum schedule.

    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``, ``U_t = u_1 ... u_t``;
    ``m_hat = u_{t+1} m / (1 - U_t u_{t+1}) + (1 - u_t) g / (1 - U_t)``, ``v_hat = v / (1 - beta_2**t)``;
    ``var -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)`` (m and v as in Adam).

    Example:
        >>> opt = Nadam(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="Nadam", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self._u_step, self._u_value = 0, 1.0  # the product of momentum schedules over steps 1.._u_step

    def _slot_specs(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _u_product_at(self, step):
        """Keras's running product of momentum schedules, prod_{t <= step} beta_1 (1 - 0.5 * 0.96^t), advanced in
        training's order from the last step computed (a traced step computes its own in C++: this may jump)."""
        if step < self._u_step:
            self._u_step, self._u_value = 0, 1.0
        for t in range(self._u_step + 1, step + 1):
            self._u_value *= self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        self._u_step = step
        return self._u_value

    @property
    def _u_product(self):
        """The product at the current step (``iterations``), as saving stores it."""
        return self._u_product_at(int(self.iterations))

    @_u_product.setter
    def _u_product(self, value):
        self._u_step, self._u_value = int(self.iterations), float(value)

    def _update(self, grads, variables, lr, step):
        beta_1, beta_2, epsilon, u_product = self.beta_1, self.beta_2, self.epsilon, self._u_product_at(step)
        decay_of, slots_of = self._decay_of, self._slots_of
        for grad, variable in zip(grads, variables):
            slots = slots_of(variable)
            _core.apply_nadam(variable, grad, slots[0], slots[1], lr, beta_1, beta_2, epsilon, step, u_product,
                              decay_of(variable))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
