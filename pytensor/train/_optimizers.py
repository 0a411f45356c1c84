"""``tf.train`` (TF1) optimizers, eager: ``minimize(loss)`` with a callable loss and ``apply_gradients``.

They run the Keras kernels with TF1's defaults; where TF1's formulas differ from Keras's the difference is
in the setup: RMSProp's mean-square slot starts at ones, Adagrad has no epsilon, Adam's epsilon is 1e-8.
TF1 momentum (``accum = momentum * accum + g; var -= lr * accum``) equals Keras's SGD momentum for a
constant learning rate.
"""
import pytensor as pt

from ..keras import optimizers as _keras

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer", "RMSPropOptimizer",
           "AdagradOptimizer"]


class Optimizer:
    """TF1's optimizer interface, mixed into a Keras optimizer (eager: the loss is a callable)."""

    def minimize(self, loss, global_step=None, var_list=None, name=None, **kwargs):
        """Computes gradients of the callable `loss` for `var_list` (default: the trainable variables it reads)
        and applies them; increments `global_step` when given. Returns ``iterations``."""
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step=global_step)

    def compute_gradients(self, loss, var_list=None, **kwargs):
        """(gradient, variable) pairs of the callable `loss`."""
        if not callable(loss):
            raise ValueError("minimize / compute_gradients: in eager mode `loss` must be a callable returning the "
                             "loss (e.g. `lambda: loss_fn(model(x), y)`)")
        with pt.GradientTape() as tape:
            if var_list is not None:
                var_list = list(var_list)
                for variable in var_list:
                    tape.watch(variable)
            value = loss()
        if var_list is None:
            var_list = [v for v in tape.watched_variables() if v.trainable]
        return list(zip(tape.gradient(value, var_list), var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None, **kwargs):
        """Applies (gradient, variable) pairs; increments `global_step` when given. Returns ``iterations``."""
        result = _keras.Optimizer.apply_gradients(self, grads_and_vars)
        if global_step is not None:
            global_step.assign_add(1)
        return result


def _tf1(keras_cls, doc):
    """`keras_cls` with TF1's minimize / apply_gradients signatures."""
    return type(keras_cls.__name__ + "TF1", (Optimizer, keras_cls), {"__doc__": doc})


class GradientDescentOptimizer(_tf1(_keras.SGD, "TF1 gradient descent: ``var -= learning_rate * g``.")):
    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate=learning_rate, name=name)


class MomentumOptimizer(_tf1(_keras.SGD, "TF1 momentum: ``accum = momentum * accum + g``; ``var -= lr * accum``.")):
    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(learning_rate=learning_rate, momentum=momentum, nesterov=use_nesterov, name=name)


class AdamOptimizer(_tf1(_keras.Adam, "TF1 Adam (Keras's update with epsilon 1e-8).")):
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, name="Adam"):
        super().__init__(learning_rate=learning_rate, beta_1=beta1, beta_2=beta2, epsilon=epsilon, name=name)


class RMSPropOptimizer(_tf1(_keras.RMSprop, "TF1 RMSProp: the mean square starts at ones, epsilon 1e-10.")):
    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False,
                 name="RMSProp"):
        super().__init__(learning_rate=learning_rate, rho=decay, momentum=momentum, epsilon=epsilon,
                         centered=centered, name=name)
        self._velocity_init = 1.0


class AdagradOptimizer(_tf1(_keras.Adagrad, "TF1 Adagrad: ``var -= lr * g / sqrt(accum)`` (no epsilon).")):
    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        super().__init__(learning_rate=learning_rate, initial_accumulator_value=initial_accumulator_value,
                         epsilon=0.0, name=name)
