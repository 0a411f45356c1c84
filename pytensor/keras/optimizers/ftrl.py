"""The FTRL-proximal optimizer."""
import pytensor as pt

from .base_optimizer import Optimizer, _dense_and_of_slices


class Ftrl(Optimizer):
    """Follow The Regularized Leader (McMahan et al., 2013), suited to large sparse linear models.

    With ``n`` the accumulated squared gradients (starting at ``initial_accumulator_value``), p =
    ``-learning_rate_power`` and ``g' = g + 2 * l2_shrinkage * var``:
    ``z += g' - (n_new**p - n**p) / learning_rate * var``;
    ``var = (clip(z, -l1, l1) - z) / (n_new**p / learning_rate + 2 * (l2 + beta / (2 * learning_rate)))``.

    Example:
        >>> opt = Ftrl(learning_rate=0.01, l1_regularization_strength=0.001)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="Ftrl", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"Ftrl: `{arg}` must be positive or zero, got {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError(f"Ftrl: `learning_rate_power` must be negative or zero, got {learning_rate_power}.")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def _slot_specs(self):
        return (("accumulator", self.initial_accumulator_value), ("linear", 0.0))

    _ops_update = True
    _row_updates = True  # g ** 2 of an IndexedSlices is taken per slice, as Keras's (`_dense_and_of_slices`)

    def _numbers(self, lr, step):
        return {**super()._numbers(lr, step),
                "twice_l2": 2.0 * (self.l2_regularization_strength + self.beta / (2.0 * lr))}

    def _update(self, grads, variables, numbers):
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        for grad, variable in zip(grads, variables):
            accum, linear = self._slots_of(variable)
            grad, square = _dense_and_of_slices(grad, pt.square, variable.dtype)
            lr = numbers("learning_rate", variable.dtype)
            self._apply_weight_decay(variable, numbers)
            value = variable.read_value()
            old_accum = accum.read_value()
            new_accum = old_accum + square
            shrunk = grad + value * (2.0 * self.l2_shrinkage_regularization_strength)
            linear.assign_add(shrunk - (pt.pow(new_accum, power) - pt.pow(old_accum, power)) / lr * value)
            quadratic = pt.pow(new_accum, power) / lr + numbers("twice_l2", variable.dtype)
            z = linear.read_value()
            variable.assign((pt.clip_by_value(z, -l1, l1) - z) / quadratic)
            accum.assign(new_accum)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
