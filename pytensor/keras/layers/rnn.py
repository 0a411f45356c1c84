"""Keras RNN: runs any RNN cell (or a list of cells) over the timesteps of a sequence."""
import pytensor as pt

from ..serialization import deserialize_object, serialize_object
from ._layer_utils import check_input_shape
from ._rnn_base import RNNCellBase, check_sequence_mask, fused_loop, time_loop
from .layer import Layer
from .stacked_rnn_cells import StackedRNNCells, call_cell, cell_classes, initial_state_of, output_size_of

__all__ = ["RNN"]


class RNN(Layer):
    """Base recurrent layer: ``output_t, states = cell(x_t, states)`` for each timestep of ``(batch, timesteps,
    features)`` inputs.

    The cell is a built-in cell (``SimpleRNNCell``, ``GRUCell``, ``LSTMCell``: their weights and numbers are
    those of the SimpleRNN / GRU / LSTM layers), a ``StackedRNNCells`` (a list of cells is wrapped in one), or
    any object with ``call(inputs, states)`` returning ``(output, new_states)`` and a ``state_size`` (an int or
    a list of ints). Masked timesteps (a (batch, timesteps) mask from Masking / Embedding(mask_zero=True) or
    ``mask=``) keep the states and repeat the previous output (zeros with ``zero_output_for_mask=True``).

    Example:
        >>> cells = [keras.layers.LSTMCell(16), keras.layers.LSTMCell(8)]
        >>> keras.layers.RNN(cells, return_sequences=True)(tf.ones((2, 5, 3))).shape
        TensorShape([2, 5, 8])

    Args:
        cell: a cell or a list of cells.
        return_sequences: return every timestep's output (batch, timesteps, output_size), not only the last.
        return_state: also return the final states, ``[output, *states]``.
        go_backwards: run over the timesteps in reverse (the sequence output is in that order too).
        stateful: not supported (raises); carry the states with ``return_state`` and ``initial_state``.
        unroll: accepted (the loop is unrolled anyway).
        zero_output_for_mask: output zeros, not the previous output, at masked timesteps.

    Call arguments:
        inputs, initial_state (a list of the cell's states), mask, training.
    """

    _casts_integer_inputs = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(f"RNN: the cell must have a `call(inputs, states)` method and a `state_size` attribute "
                             f"(an int, or a list of ints, one per state); received cell={cell!r}.")
        super().__init__(**kwargs)
        if stateful:
            raise ValueError("RNN: stateful=True is not supported. Carry the states yourself: call the layer with "
                             "return_state=True and pass the states back with initial_state=.")
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        size = cell.state_size
        self.state_size = list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def state_count(self):
        """How many state entries ``return_state`` adds after the output (one per entry of ``state_size``)."""
        return len(self.state_size)

    def build(self, input_shape):
        shape = check_input_shape(self, input_shape, (3, 5), "(batch, timesteps, features)", fix=(
            "give the layer a sequence: (batch, timesteps, features); a (batch, features) input needs "
            "tf.expand_dims(x, 1) or a Reshape((timesteps, features)) layer before it"))
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build((shape[0],) + shape[2:])

    def get_initial_state(self, batch_size):
        """The cell's initial states (zeros by default), a list."""
        return initial_state_of(self.cell, batch_size, self.dtype)

    def call(self, inputs, initial_state=None, mask=None, training=None):
        shape = check_input_shape(self, inputs.shape, (3, 5), "(batch, timesteps, features)")
        check_sequence_mask(self, mask, shape)
        if initial_state is None:
            states = self.get_initial_state(shape[0])
        else:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self.state_size):
                raise ValueError(f"RNN layer '{self.name}': expected {len(self.state_size)} initial state(s) "
                                 f"(state_size {self.state_size}), received {len(states)}.")
            states = pt.nest.map_structure(pt.convert_to_tensor, states)
        if isinstance(self.cell, RNNCellBase) and len(shape) == 3:
            last, sequence, states = fused_loop(self.cell, inputs, mask, training, states, self.go_backwards,
                                                self.return_sequences, self.zero_output_for_mask)
        else:
            steps = pt.unstack(inputs, axis=1)

            def step(t, step_states):
                output, new_states = call_cell(self.cell, steps[t], step_states, training)
                return output, (list(new_states) if isinstance(new_states, (list, tuple)) else [new_states])
            try:
                last, sequence, states = time_loop(step, shape[1], states, mask, self.go_backwards,
                                                   self.return_sequences, self.zero_output_for_mask)
            finally:
                _reset_dropout_masks(self.cell)
        output = sequence if self.return_sequences else last
        return [output] + list(states) if self.return_state else output

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        size = output_size_of(self.cell)
        output = (shape[0], shape[1], size) if self.return_sequences else (shape[0], size)
        if not self.return_state:
            return output
        states = [[(shape[0], s) for s in size_] if isinstance(size_, (list, tuple)) else (shape[0], size_)
                  for size_ in self.state_size]
        return [output] + states

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * len(self.state_size) if self.return_state else output_mask

    def get_config(self):
        config = super().get_config()
        config.update({"cell": serialize_object(self.cell), "return_sequences": self.return_sequences,
                       "return_state": self.return_state, "go_backwards": self.go_backwards,
                       "stateful": self.stateful, "unroll": self.unroll,
                       "zero_output_for_mask": self.zero_output_for_mask})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        cell = deserialize_object(config.pop("cell"), cell_classes(), "RNN cell")
        return cls(cell, **config)


def _reset_dropout_masks(cell):
    """Forgets the per-sequence dropout masks of built-in cells (nested in StackedRNNCells too)."""
    if isinstance(cell, RNNCellBase):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for inner in getattr(cell, "cells", ()):
        _reset_dropout_masks(inner)
