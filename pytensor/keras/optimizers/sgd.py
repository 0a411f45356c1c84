"""The SGD optimizer (momentum, Nesterov momentum)."""
from pytensor import _core

from .base_optimizer import Optimizer, _rows


class SGD(Optimizer):
    """Gradient descent with optional momentum.

    ``m = momentum * m - learning_rate * g``; ``var += m`` (Nesterov: ``var += momentum * m - learning_rate * g``);
    without momentum ``var -= learning_rate * g``.

    Example:
        >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    """

    _row_updates = True  # an IndexedSlices gradient is applied by rows (ops/optim.cpp)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="SGD", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: `momentum` must be in [0, 1], got {momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _slot_specs(self):
        return (("momentum", 0.0),) if self.momentum > 0 else ()

    def _update(self, grads, variables, numbers):
        lr = numbers["learning_rate"]
        momentum, nesterov, decay_of, slots_of = self.momentum, self.nesterov, self._decay_of, self._slots_of
        for grad, variable in zip(grads, variables):
            values, indices = _rows(grad)
            slots = slots_of(variable)
            _core.apply_sgd(variable, values, slots[0] if slots else None, lr, momentum, nesterov, decay_of(variable),
                            indices=indices)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
