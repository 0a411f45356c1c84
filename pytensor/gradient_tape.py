"""``tf.GradientTape``, ``stop_gradient`` and ``custom_gradient`` on the C++ tape (csrc/autograd)."""

import contextlib
import functools
import threading
import warnings

from . import _core, errors, nest
from ._indexed_slices import IndexedSlices
from ._tensor_api import Tensor, Variable

__all__ = ["GradientTape", "custom_gradient", "stop_gradient"]


_TENSOR_TYPES = (Tensor, Variable)


_active = threading.local()  # the tapes recording on this thread (their C++ stack is thread-local too)


def _active_tapes():
    if not hasattr(_active, "tapes"):
        _active.tapes = []
    return _active.tapes


@contextlib.contextmanager
def paused_tapes():
    """Stops every tape of this thread from recording for the block (``tf.init_scope``)."""
    tapes = [(tape, tape.paused) for tape in _active_tapes()]
    for tape, _ in tapes:
        tape.paused = True
    try:
        yield
    finally:
        for tape, paused in tapes:
            tape.paused = paused


_distribute_context = None  # pytensor.distribute._context once imported (distribute imports the tape)


def _strategy_ready_hook(sources):
    """distribute's gradient_ready_hook(sources) while a strategy scope is open anywhere, else None; the hot path of
    gradient() tests one integer (its open_scopes) instead of calling it."""
    global _distribute_context
    if _distribute_context is None:
        from .distribute import _context
        _distribute_context = _context
    return _distribute_context.gradient_ready_hook(sources) if _distribute_context.open_scopes else None


def _check_tensor(x, what):
    if not isinstance(x, (Tensor, Variable)):
        raise TypeError(f"GradientTape.{what}: expected Tensors or Variables, got {type(x).__name__} ({x!r:.60})")


class GradientTape:
    """Records operations for automatic differentiation.

    Trainable variables read inside the ``with`` block are watched automatically; constants need
    ``tape.watch``. Nested tapes give higher-order derivatives.

    Example:
        >>> x = pt.Variable(3.0)
        >>> with pt.GradientTape() as tape:
        ...     y = x * x
        >>> tape.gradient(y, x)   # 6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._tape = _core.Tape(bool(persistent), bool(watch_accessed_variables))
        self._persistent = bool(persistent)
        self._recording = False
        self._ready_fn = None

    def __enter__(self):
        self._tape.push()
        _active_tapes().append(self._tape)
        self._recording = True
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._recording:
            self._tape.pop()
            _active_tapes().remove(self._tape)
            self._recording = False

    def watch(self, tensor):
        """Ensures `tensor` (or every tensor / variable in a nested structure) is traced."""
        for t in nest.flatten(tensor):
            _check_tensor(t, "watch")
            self._tape.watch(t)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording on this tape."""
        if not self._recording:
            raise ValueError("GradientTape.stop_recording() is only valid inside the tape's `with` block")
        paused = self._tape.paused
        self._tape.paused = True
        try:
            yield
        finally:
            self._tape.paused = paused

    def reset(self):
        """Clears everything recorded so far."""
        self._tape.reset()

    def watched_variables(self):
        """The variables this tape watched, in the order they were first watched."""
        return tuple(self._tape.watched_variables())

    def _on_gradient_ready(self, fn):
        """Has every later ``gradient()`` call ``fn(index, grad)`` for each source (``index`` into the flattened
        sources; ``grad`` as ``gradient()`` returns it) as soon as that gradient is final, while the backward sweep
        goes on: what the distribution strategies use to start all-reducing gradients during the backward. ``fn``
        sees each source once, the first-ready first; an exception it raises ends ``gradient()``. None removes it."""
        self._ready_fn = fn

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradient of `target` (summed if not scalar) with respect to `sources`.

        Args:
            target: a Tensor or Variable, or a nested structure of them (their sum is differentiated).
            sources: a Tensor or Variable, or a nested structure of them; the result has this structure.
            output_gradients: optional upstream gradients, one per target.
            unconnected_gradients: "none" (None for unconnected sources) or "zero".
        """
        if self._tape.used:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians)")
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}")
        on_ready = self._ready_fn
        if on_ready is None and (_distribute_context is None or _distribute_context.open_scopes):
            on_ready = _strategy_ready_hook(sources)
        if (on_ready is None and output_gradients is None and type(target) in _TENSOR_TYPES and type(sources) in _TENSOR_TYPES
                and (sources.dtype.is_floating or sources.dtype.is_complex) and target is not sources):
            # Fast path for the common one-target, one-source call (no structure to flatten).
            g = self._tape.gradient((target,), (sources,), (None,), True)[0]
            if type(g) is tuple:
                g = IndexedSlices._from_rows(g)
            elif g is None and unconnected_gradients == "zero":
                g = _core.zeros_like(sources)
            return g
        return self._gradient(target, sources, output_gradients, unconnected_gradients, consume=True,
                              on_ready=on_ready)

    def _gradient_with_stops(self, target, sources, output_gradients, unconnected_gradients, stops):
        """gradient() with `stops` held constant (tf.gradients' stop_gradients): no gradient passes through them to
        what computed them; a stop that is also a source gets the gradient that reaches it."""
        if self._tape.used:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians)")
        for s in stops:
            _check_tensor(s, "stop_gradients entry")
        return self._gradient(target, sources, output_gradients, unconnected_gradients, consume=True, stops=stops)

    def _gradient(self, target, sources, output_gradients, unconnected_gradients, consume, on_ready=None,
                  stops=None):
        # An IndexedSlices target (a gradient, differentiated again) stands for its values, as in TF
        flat_targets = [t.values if type(t) is IndexedSlices else t for t in nest.flatten(target)]
        for t in flat_targets:
            _check_tensor(t, "gradient target")
        flat_sources = nest.flatten(sources)
        for s in flat_sources:
            _check_tensor(s, "gradient source")
        if output_gradients is None:
            flat_out = [None] * len(flat_targets)
        else:
            flat_out = [None if g is None else _core.convert_to_tensor(g.values if type(g) is IndexedSlices else g)
                        for g in nest.flatten(output_gradients)]
            if len(flat_out) != len(flat_targets):
                raise ValueError(f"output_gradients has {len(flat_out)} entries for {len(flat_targets)} targets")

        def finish(i, g, stacklevel=4):
            s = flat_sources[i]
            if type(g) is tuple:  # rows from axis-0 gathers of the source: TF's IndexedSlices
                g = IndexedSlices._from_rows(g)
            # A watched Variable that is itself a target: TF reads it on the tape, so d v / d v is the upstream
            for t, upstream in zip(flat_targets, flat_out):
                if t is s and isinstance(s, Variable) and (s.dtype.is_floating or s.dtype.is_complex):
                    own = _core.ones_like(s) if upstream is None else upstream
                    g = own if g is None else (g.to_dense() if type(g) is IndexedSlices else g) + own
            if not (s.dtype.is_floating or s.dtype.is_complex):
                warnings.warn(f"The dtype of the source tensor must be floating (e.g. pt.float32) when calling "
                              f"GradientTape.gradient, got {s.dtype.name}: its gradient is None", stacklevel=stacklevel)
                return None
            if g is None and unconnected_gradients == "zero":
                return _core.zeros_like(s)
            return g

        if on_ready is None:
            grads = self._tape.gradient(flat_targets, flat_sources, flat_out, consume, stops=stops)
            for i, g in enumerate(grads):
                grads[i] = finish(i, g)
        else:
            grads = [None] * len(flat_sources)

            def ready(i, g):
                # The objects handed to on_ready are the ones returned, so a hook can recognise them later.
                grads[i] = finish(i, g, stacklevel=5)
                on_ready(i, grads[i])

            self._tape.gradient(flat_targets, flat_sources, flat_out, consume, ready, stops)
        return nest.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """d target[i...] / d source[j...], of shape target.shape + source.shape, for each source."""
        if self._tape.used:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians)")
        target = _core.convert_to_tensor(target)
        flat_sources = nest.flatten(sources)
        n = int(_core.size(target)) if hasattr(_core, "size") else len(target.numpy().ravel())
        rows = [[] for _ in flat_sources]
        for i in range(n):
            seed = _core.reshape(_core.one_hot(i, n, dtype=target.dtype), target._shape_tuple())
            g = self._gradient(target, flat_sources, [seed], unconnected_gradients, consume=(i == n - 1))
            for k, gk in enumerate(g):
                rows[k].append(gk.to_dense() if type(gk) is IndexedSlices else gk)
        if n == 0:
            self._gradient(target, flat_sources, None, unconnected_gradients, consume=True)
        result = []
        for s, r in zip(flat_sources, rows):
            if any(g is None for g in r):
                if unconnected_gradients == "zero":
                    r = [_core.zeros_like(s) if g is None else g for g in r]
                else:
                    result.append(None)
                    continue
            shape = tuple(target._shape_tuple()) + tuple(s.shape)
            stacked = _core.stack(r, 0) if r else _core.zeros(shape, s.dtype)
            result.append(_core.reshape(stacked, shape))
        return nest.pack_sequence_as(sources, result)

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        """Per-example Jacobians: result[b, i..., j...] = d target[b, i...] / d source[b, j...]."""
        target = _core.convert_to_tensor(target)
        tshape = tuple(target._shape_tuple())
        sshape = tuple(source.shape)
        if not tshape or not sshape or tshape[0] != sshape[0]:
            raise ValueError(f"batch_jacobian: target {tshape} and source {sshape} need the same first (batch) dim")
        full = self.jacobian(target, source, unconnected_gradients)
        if full is None:
            return None
        b = tshape[0]
        ti = 1
        for d in tshape[1:]:
            ti *= d
        sj = 1
        for d in sshape[1:]:
            sj *= d
        # full: (b, *t_rest, b, *s_rest) -> take the diagonal over the two batch axes.
        flat = _core.reshape(full, (b, ti, b, sj))
        rows = [flat[i, :, i, :] for i in range(b)]
        out = _core.stack(rows, 0) if rows else _core.zeros((0, ti, sj), target.dtype)
        return _core.reshape(out, tshape + sshape[1:])


def stop_gradient(input, name=None):  # noqa: A002 - TF's argument name
    """The input, with no gradient flowing through it."""
    return _core.stop_gradient(input)


def custom_gradient(f=None):
    """Decorator: `f(*x)` returns `(y, grad_fn)`; tapes then use `grad_fn(*dy)` as the gradient of f.

    Example:
        >>> @pt.custom_gradient
        ... def clip_grad(x):
        ...     return pt.identity(x), lambda dy: pt.clip_by_value(dy, -1.0, 1.0)
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        from . import _function
        _function.note_custom_gradient()
        _core.suspend_recording()
        try:
            result, grad_fn = f(*args, **kwargs)
            flat_out = [_core.identity(y) for y in nest.flatten(result)]
        finally:
            _core.resume_recording()
        inputs = [a for a in nest.flatten(list(args)) if isinstance(a, (Tensor, Variable))]

        def backward(upstream):
            grads = grad_fn(*upstream)
            flat = list(grads) if isinstance(grads, (list, tuple)) else [grads]
            flat = [None if g is None else _core.convert_to_tensor(g) for g in flat]
            for i, (x, g) in enumerate(zip(inputs, flat)):
                if g is not None and tuple(g.shape) != tuple(x.shape):
                    raise errors.InvalidArgumentError(
                        f"custom_gradient: the gradient function of {f.__qualname__} returned a gradient of shape "
                        f"{tuple(g.shape)} for input {i}, whose shape is {tuple(x.shape)}; return one gradient of "
                        "each input's shape")
            return flat

        _core.record_custom_gradient(inputs, flat_out, backward)
        return nest.pack_sequence_as(result, flat_out)

    return wrapped
