"""Keras StackedRNNCells: several cells run as one, each feeding the next within a timestep."""
import pytensor as pt

from ..serialization import deserialize_object, serialize_object
from .layer import Layer

__all__ = ["StackedRNNCells"]


def cell_classes():
    """The built-in cells by class name (for ``from_config``)."""
    from .gru_cell import GRUCell
    from .lstm_cell import LSTMCell
    from .simple_rnn_cell import SimpleRNNCell
    return {c.__name__: c for c in (SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells)}


def call_cell(cell, inputs, states, training):
    """``cell(inputs, states)``, passing ``training`` to a Layer (which forwards it only where ``call`` takes
    it); a plain object's ``call`` gets no ``training``."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    return cell.call(inputs, states)


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells into one cell: within each timestep the first cell's output is the second's
    input, and so on. ``state_size`` lists the cells' state sizes and the states are the cells' states in
    order (one list per cell); the output is the last cell's.

    Example:
        >>> cells = [keras.layers.LSTMCell(8), keras.layers.LSTMCell(4)]
        >>> keras.layers.RNN(keras.layers.StackedRNNCells(cells))(tf.ones((2, 5, 3))).shape
        TensorShape([2, 4])

    Raises:
        ValueError: if a cell has no ``call`` method or no ``state_size``.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(f"StackedRNNCells: every cell needs a `call(inputs, states)` method and a "
                                 f"`state_size` attribute; received {cell!r}.")
        self.cells = list(cells)

    @property
    def state_size(self):
        """The cells' ``state_size`` values, in order."""
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        """The last cell's output size."""
        return output_size_of(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        """Each cell's initial states (zeros where the cell has no ``get_initial_state``)."""
        return [initial_state_of(cell, batch_size, self.dtype) for cell in self.cells]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
            shape = (shape[0], output_size_of(cell))

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            as_list = isinstance(cell_states, (list, tuple))
            inputs, cell_states = call_cell(cell, inputs, list(cell_states) if as_list else [cell_states], training)
            if not as_list and isinstance(cell_states, (list, tuple)) and len(cell_states) == 1:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, new_states

    def get_config(self):
        config = super().get_config()
        config["cells"] = [serialize_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        cells = [deserialize_object(c, cell_classes(), "RNN cell") for c in config.pop("cells")]
        return cls(cells, **config)


def output_size_of(cell):
    """A cell's ``output_size``, else its (first) state size."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


def initial_state_of(cell, batch_size, dtype):
    """A cell's ``get_initial_state(batch_size)`` as a list, or zeros of its ``state_size``."""
    if hasattr(cell, "get_initial_state"):
        states = cell.get_initial_state(batch_size=batch_size)
        return list(states) if isinstance(states, (list, tuple)) else [states]
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [pt.zeros([batch_size, size], dtype=dtype) for size in sizes]
