"""The Adafactor optimizer."""
import pytensor as pt

from .base_optimizer import Optimizer


def _rms(x):
    return pt.sqrt(pt.reduce_mean(pt.square(x)))


class Adafactor(Optimizer):
    """Adam-like steps with the second moment of each matrix factored into row and column means (Shazeer & Stern,
    2018), so its state is O(rows + columns).

    With t = iterations + 1: ``rho = min(learning_rate, 1 / sqrt(t))``, the step size
    ``max(epsilon_2, rms(var)) * rho``; ``beta = 1 - t**beta_2_decay``; the squared gradient plus ``epsilon_1``
    is averaged into row and column statistics (variables of rank >= 2, last two axes) or a full second moment;
    the update ``g / sqrt(v)`` is clipped to rms ``clip_threshold``. With ``relative_step`` a constant learning rate
    is capped at ``1 / sqrt(t)``.

    Example:
        >>> opt = Adafactor(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name="Adafactor", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1 = float(epsilon_1)
        self.epsilon_2 = float(epsilon_2)
        self.clip_threshold = float(clip_threshold)
        self.relative_step = bool(relative_step)

    def _slot_specs(self):
        return (("row", 0.0), ("column", 0.0), ("velocity", 0.0))

    def _slot_shape(self, slot_name, variable_shape):
        if slot_name == "velocity":
            return variable_shape
        if len(variable_shape) < 2:
            return ()  # not factored: only the velocity is used
        return variable_shape[:-1] if slot_name == "row" else variable_shape[:-2] + variable_shape[-1:]

    _ops_update = True

    def _numbers(self, lr, step):
        if self.relative_step and self._lr_schedule is None:
            lr = min(lr, step ** -0.5)
        beta = 1.0 - step ** self.beta_2_decay
        return {**super()._numbers(lr, step), "rho": min(lr, step ** -0.5), "beta": beta, "one_minus_beta": 1.0 - beta}

    def _update(self, grads, variables, numbers):
        for grad, variable in zip(grads, variables):
            row, column, velocity = self._slots_of(variable)
            grad = pt.cast(grad, variable.dtype)
            beta, one_minus_beta = numbers("beta", variable.dtype), numbers("one_minus_beta", variable.dtype)
            self._apply_weight_decay(variable, numbers)
            step_size = pt.maximum(_rms(variable.read_value()), self.epsilon_2) * numbers("rho", variable.dtype)
            squared = pt.square(grad) + self.epsilon_1
            if len(variable.shape) >= 2:
                row.assign(row * beta + pt.reduce_mean(squared, axis=-1) * one_minus_beta)
                column.assign(column * beta + pt.reduce_mean(squared, axis=-2) * one_minus_beta)
                r = row.read_value()
                velocity.assign(pt.expand_dims(r / pt.reduce_mean(r, axis=-1, keepdims=True), -1) *
                                pt.expand_dims(column.read_value(), -2))
            else:
                velocity.assign(velocity * beta + squared * one_minus_beta)
            update = grad / pt.sqrt(velocity.read_value())
            update = update / pt.maximum(_rms(update) / self.clip_threshold, 1.0)
            variable.assign_sub(step_size * update)

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}
