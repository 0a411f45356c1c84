"""The strategy in force (``strategy.scope()``), the replica context of ``strategy.run``, and the hooks that
variables, optimizers and Keras call. Imports nothing of MPI, so Keras and ``tf.Variable`` load it freely."""
import threading

_state = threading.local()
_default = None
# Strategy scopes open on any thread: GradientTape.gradient asks for gradient_ready_hook only while one is, so a
# tape step outside every strategy pays one integer test.
open_scopes = 0


def _stack():
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


def get_strategy():
    """The strategy whose ``scope()`` is active on this thread, else the default (one-replica) strategy."""
    stack = _stack()
    return stack[-1] if stack else default_strategy()


def has_strategy():
    """Whether a (non-default) strategy's ``scope()`` is active on this thread."""
    return bool(_stack())


def default_strategy():
    global _default
    if _default is None:
        from ._strategy import _DefaultStrategy
        _default = _DefaultStrategy()
    return _default


def enter_scope(strategy):
    global open_scopes
    stack = _stack()
    if stack and stack[-1] is not strategy:
        raise ValueError(f"Mixing different tf.distribute.Strategy objects: {strategy!r} is entered inside the "
                         f"scope of {stack[-1]!r}. Leave the outer scope first (one strategy at a time, as TF).")
    stack.append(strategy)
    open_scopes += 1


def exit_scope():
    global open_scopes
    _stack().pop()
    open_scopes -= 1


def replica_context():
    return getattr(_state, "replica", None)


def set_replica_context(context):
    _state.replica = context


def variable_created(variable):
    """Called by every ``tf.Variable`` at creation: a variable made under a scope is mirrored (chief's value)."""
    stack = _stack()
    if stack:
        stack[-1]._mirror_variable(variable)


def strategy_of_variables(variables):
    """The strategy that created ``variables`` (the first mirrored one decides), or None."""
    stack = _stack()
    if stack:
        return stack[-1]
    from ._strategy import Strategy
    for strategy in Strategy._live:
        if any(strategy._owns(v) for v in variables):
            return strategy
    return None


def gradient_ready_hook(sources):
    """The callback with which ``GradientTape.gradient``, in a strategy's scope (``strategy.run``, Keras ``fit``,
    ``with strategy.scope()``), lets that strategy all-reduce the gradients of the variables it mirrors during
    the backward sweep, or None. Outside a scope ``tape.gradient`` stays local: a worker may then take gradients
    the others do not (the all-reduce waits for ``apply_gradients``, which every worker calls)."""
    stack = _stack()
    if not stack:
        return None
    from .. import nest
    return stack[-1]._gradient_ready_hook(nest.flatten(sources))
