"""The Adagrad optimizer."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class Adagrad(Optimizer):
    """Per-parameter learning rates from accumulated squared gradients.

    ``accumulator += g**2``; ``var -= learning_rate * g / sqrt(accumulator + epsilon)``; the accumulator starts at
    `initial_accumulator_value`.

    Example:
        >>> opt = Adagrad(learning_rate=0.01)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="Adagrad", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def _slot_specs(self):
        return (("accumulator", self.initial_accumulator_value),)

    def _update(self, grads, variables, numbers):
        lr = numbers["learning_rate"]
        epsilon, decay_of, slots_of = self.epsilon, self._decay_of, self._slots_of
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            _core.apply_adagrad(variable, values, slots_of(variable)[0], lr, epsilon, decay_of(variable),
                                indices=indices)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
