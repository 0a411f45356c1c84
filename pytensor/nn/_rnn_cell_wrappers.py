"""``tf.nn.RNNCellDropoutWrapper`` / ``RNNCellResidualWrapper`` / ``RNNCellDeviceWrapper``: Keras RNN cells wrapped
to drop out their inputs, outputs and states, to add a residual connection, or to name a device.

Each wrapper is itself a cell (``state_size``, ``output_size``, ``call(inputs, states)``), usable in
``keras.layers.RNN``; dropout follows TF's wrappers: applied on every call (they have no training flag), with the
same mask at every step when ``variational_recurrent``.
"""

from .. import _core
from ..keras.layers.layer import Layer
from ..keras.layers.stacked_rnn_cells import call_cell, initial_state_of, output_size_of

__all__ = ["RNNCellDropoutWrapper", "RNNCellResidualWrapper", "RNNCellDeviceWrapper"]


class _CellWrapper(Layer):
    """A cell that runs `cell` and transforms what goes in and out."""

    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(f"{type(self).__name__}: `cell` must be an RNN cell (a `call(inputs, states)` method and "
                             f"a `state_size`), got {cell!r}")
        self.cell = cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return output_size_of(self.cell)

    def get_initial_state(self, batch_size=None):
        return initial_state_of(self.cell, batch_size, self.dtype)

    def build(self, input_shape):
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build(tuple(input_shape))

    def call(self, inputs, states, training=None):
        return call_cell(self.cell, inputs, states, training)

    def get_config(self):
        from ..keras.serialization import serialize_object

        return {**super().get_config(), "cell": serialize_object(self.cell)}


def _check_keep(value, what):
    if not 0.0 < float(value) <= 1.0:
        raise ValueError(f"RNNCellDropoutWrapper: {what} must be in (0, 1], got {value}")
    return float(value)


class RNNCellDropoutWrapper(_CellWrapper):
    """Dropout on a cell's inputs, outputs and new states, with keep probabilities (TF1's ``DropoutWrapper``)."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        super().__init__(cell, **kwargs)
        self.input_keep_prob = _check_keep(input_keep_prob, "input_keep_prob")
        self.output_keep_prob = _check_keep(output_keep_prob, "output_keep_prob")
        self.state_keep_prob = _check_keep(state_keep_prob, "state_keep_prob")
        self.variational_recurrent = variational_recurrent
        self.seed = seed
        self._state_filter = dropout_state_filter_visitor or (lambda state: True)
        self._masks = {}  # variational_recurrent: one mask per (place, shape), reused at every step

    def _drop(self, x, keep, place):
        if keep >= 1.0:
            return x
        if not self.variational_recurrent:
            return _core.dropout(x, 1.0 - keep, None, self.seed)
        key = (place, tuple(x.shape))
        if key not in self._masks:
            uniform = _core.random_uniform(tuple(x.shape), 0.0, 1.0, x.dtype.name, self.seed)
            self._masks[key] = _core.cast(uniform < keep, x.dtype.name) / keep
        return x * self._masks[key]

    def call(self, inputs, states, training=None):
        inputs = self._drop(inputs, self.input_keep_prob, "input")
        output, new_states = call_cell(self.cell, inputs, states, training)
        listed = isinstance(new_states, (list, tuple))
        new_states = [self._drop(s, self.state_keep_prob, f"state{i}") if self._state_filter(s) else s
                      for i, s in enumerate(new_states if listed else [new_states])]
        return self._drop(output, self.output_keep_prob, "output"), new_states if listed else new_states[0]

    def get_config(self):
        return {**super().get_config(), "input_keep_prob": self.input_keep_prob,
                "output_keep_prob": self.output_keep_prob, "state_keep_prob": self.state_keep_prob,
                "variational_recurrent": self.variational_recurrent, "seed": self.seed}


class RNNCellResidualWrapper(_CellWrapper):
    """A residual connection around a cell: the output is ``residual_fn(inputs, cell_output)`` (their sum)."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self.residual_fn = residual_fn

    def call(self, inputs, states, training=None):
        output, new_states = call_cell(self.cell, inputs, states, training)
        if self.residual_fn is not None:
            return self.residual_fn(inputs, output), new_states
        if tuple(inputs.shape) != tuple(output.shape):
            raise ValueError(f"RNNCellResidualWrapper: the cell's input shape {tuple(inputs.shape)} and output shape "
                             f"{tuple(output.shape)} differ, so they cannot be added; give a residual_fn")
        return inputs + output, new_states


class RNNCellDeviceWrapper(_CellWrapper):
    """A cell run on `device`: pytensor has one device per process, so the cell runs unchanged."""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self.device = device

    def get_config(self):
        return {**super().get_config(), "device": self.device}
