"""The Muon optimizer."""
import math
import re

import pytensor as pt

from .base_optimizer import Optimizer


class Muon(Optimizer):
    """Momentum orthogonalized by Newton-Schulz (Jordan et al., 2024) for 2-D weights; AdamW for the others
    (biases, embeddings, variables whose name matches ``exclude_layers``).

    For a matrix: ``m += g + (momentum - 1) * m``; the update direction ``g + momentum * m`` (nesterov) or ``m`` is
    orthogonalized by ``ns_steps`` quintic Newton-Schulz iterations (coefficients ``muon_a``, ``muon_b``,
    ``muon_c``) and scaled by ``sqrt(max(rows, columns)) * rms_rate``; ``var -= learning_rate * update``. Others
    take Adam's step at ``learning_rate * adam_lr_ratio``. Weight decay: ``weight_decay`` for matrices,
    ``adam_weight_decay`` for the rest.

    Example:
        >>> opt = Muon(learning_rate=0.02)
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, clipnorm=None, clipvalue=None, global_clipnorm=None, name="Muon",
                 exclude_layers=None, exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name, **kwargs)
        self.adam_beta_1, self.adam_beta_2, self.epsilon = float(adam_beta_1), float(adam_beta_2), float(epsilon)
        self.adam_weight_decay = adam_weight_decay
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = bool(exclude_embeddings)
        self.muon_a, self.muon_b, self.muon_c = float(muon_a), float(muon_b), float(muon_c)
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = float(momentum)
        self.ns_steps = int(ns_steps)
        self.nesterov = bool(nesterov)
        self.rms_rate = rms_rate

    def _slot_specs(self):
        return (("momentum", 0.0), ("velocity", 0.0))  # the velocity serves the AdamW variables only

    def _uses_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        name = variable._variable_name  # Keras matches the excluded layers against the variable's path
        if self.exclude_embeddings and "embedding" in name.lower():
            return True
        return any(re.search(pattern, name) for pattern in self.exclude_layers)

    def _decay(self, variable, adamw):
        if id(variable) in self._no_decay or any(n in variable.name for n in self._no_decay_names):
            return 0.0
        return (self.adam_weight_decay if adamw else self.weight_decay) or 0.0

    def _orthogonalized(self, x):
        """Newton-Schulz's approximation of the nearest semi-orthogonal matrix to ``x``."""
        tall = x.shape[0] > x.shape[1]
        if tall:
            x = pt.transpose(x)
        x = x / (pt.sqrt(pt.reduce_sum(pt.square(x))) + 1e-7)  # spectral norm at most 1
        for _ in range(self.ns_steps):
            gram = pt.matmul(x, x, transpose_b=True)
            x = self.muon_a * x + pt.matmul(self.muon_b * gram + self.muon_c * pt.matmul(gram, gram), x)
        return pt.transpose(x) if tall else x

    _ops_update = True

    def _numbers(self, lr, step):
        beta_1, beta_2 = self.adam_beta_1, self.adam_beta_2
        alpha = lr * self.adam_lr_ratio * math.sqrt(1.0 - beta_2 ** step) / (1.0 - beta_1 ** step)
        return {**super()._numbers(lr, step), "adam_step_size": alpha}

    def _update(self, grads, variables, numbers):
        beta_1, beta_2 = self.adam_beta_1, self.adam_beta_2
        for grad, variable in zip(grads, variables):
            m, v = self._slots_of(variable)
            grad = pt.cast(grad, variable.dtype)
            adamw = self._uses_adamw(variable)
            decay = self._decay(variable, adamw)
            if decay:
                variable.assign_sub(variable.read_value() * numbers("learning_rate", variable.dtype, times=decay))
            if adamw:
                m.assign_add((grad - m) * (1.0 - beta_1))
                v.assign_add((pt.square(grad) - v) * (1.0 - beta_2))
                variable.assign_sub(m.read_value() * numbers("adam_step_size", variable.dtype) /
                                    (pt.sqrt(v.read_value()) + self.epsilon))
            else:
                m.assign_add(grad + m * (self.momentum - 1.0))
                direction = grad + m * self.momentum if self.nesterov else m.read_value()
                update = self._orthogonalized(direction) * numbers("learning_rate", variable.dtype)
                if self.rms_rate is not None:
                    update = update * (math.sqrt(max(variable.shape[0], variable.shape[1])) * self.rms_rate)
                variable.assign_sub(update)

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": self.exclude_layers, "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}
