"""``tf.autodiff``: reverse-mode ``GradientTape`` and forward-mode ``ForwardAccumulator``.

Forward mode is built from reverse mode: the Jacobian-vector product J t is the gradient, with respect to a dummy
cotangent u, of the vector-Jacobian product u^T J dotted with t (it is linear in u, so any u gives it). The tape
records second-order gradients, so this is exact; it costs two backward sweeps per ``jvp``.
"""

from . import _core
from .gradient_tape import GradientTape
from .nest import flatten, pack_sequence_as

__all__ = ["ForwardAccumulator", "GradientTape"]


class ForwardAccumulator:
    """Computes Jacobian-vector products of what is computed inside it with respect to `primals`, in the
    direction `tangents` (``tf.autodiff.ForwardAccumulator``).

    Example:
        >>> x = tf.Variable(3.0)
        >>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        ...     y = x * x
        >>> acc.jvp(y).numpy()
        6.0
    """

    def __init__(self, primals, tangents):
        self._primals = flatten(primals)
        self._tangents = [_core.convert_to_tensor(t) for t in flatten(tangents)]
        if len(self._primals) != len(self._tangents):
            raise ValueError(f"ForwardAccumulator: {len(self._primals)} primals but {len(self._tangents)} tangents")
        for p, t in zip(self._primals, self._tangents):
            if tuple(p.shape) != tuple(t.shape):
                raise ValueError(f"ForwardAccumulator: a tangent of shape {tuple(t.shape)} for a primal of shape "
                                 f"{tuple(p.shape)}; they must match")
        self._tape = None

    def __enter__(self):
        self._tape = GradientTape(persistent=True, watch_accessed_variables=False)
        self._tape.__enter__()
        for p in self._primals:
            self._tape.watch(p)
        return self

    def __exit__(self, *exc):
        return self._tape.__exit__(*exc)

    def jvp(self, primals, unconnected_gradients="none"):
        """The directional derivative of `primals` (tensors computed inside the accumulator), a nested structure
        like it; None (or zeros with unconnected_gradients='zero') for a result not connected to the inputs."""
        targets = flatten(primals)
        results = [self._jvp_one(t, unconnected_gradients) for t in targets]
        return pack_sequence_as(primals, results)

    def _jvp_one(self, target, unconnected_gradients):
        if self._tape is None:
            raise ValueError("ForwardAccumulator.jvp: call it on results computed inside `with acc:`")
        cotangent = _core.ones_like(target)
        with GradientTape() as outer:
            outer.watch(cotangent)
            vjps = self._tape.gradient(target, self._primals, output_gradients=cotangent)
            dot = None
            for vjp, tangent in zip(vjps, self._tangents):
                if vjp is None:
                    continue
                term = _core.reduce_sum(_core.convert_to_tensor(vjp) * _core.cast(tangent, target.dtype))
                dot = term if dot is None else dot + term
        if dot is None:
            return _core.zeros_like(target) if unconnected_gradients == "zero" else None
        result = outer.gradient(dot, cotangent)
        if result is None:
            return _core.zeros_like(target) if unconnected_gradients == "zero" else None
        return result
