"""Keras Bidirectional wrapper for recurrent layers."""
import pytensor as pt

from ._rnn_base import RNNBase
from .rnn import RNN
from .layer import Layer

__all__ = ["Bidirectional"]

_MERGE_MODES = ("sum", "mul", "concat", "ave", None)


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the outputs.

    The backward layer sees the sequence reversed (``go_backwards`` flipped); with
    ``return_sequences=True`` its output is reversed back so step t of both outputs refers to
    input step t. ``merge_mode``: ``"concat"`` (default; features ``2 * units``), ``"sum"``,
    ``"mul"``, ``"ave"`` or ``None`` (a list ``[forward, backward]``). With ``return_state=True``
    the result is ``[merged] + forward_states + backward_states``. Weights: the forward layer's,
    then the backward layer's.

    Example:
        >>> bi = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))
        >>> bi(tf.random.normal((2, 10, 8))).shape
        TensorShape([2, 10, 8])
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, (RNNBase, RNN)):
            raise ValueError("Bidirectional: `layer` must be a recurrent layer instance (SimpleRNN, GRU, LSTM or "
                             f"RNN); received {layer!r}.")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: `merge_mode` must be one of {_MERGE_MODES}; received {merge_mode!r}.")
        super().__init__(weights=weights, **kwargs)
        config = layer.get_config()
        self.forward_layer = type(layer).from_config({**config, "name": "forward_" + layer.name})
        if backward_layer is None:
            backward_config = {**config, "name": "backward_" + layer.name, "go_backwards": not layer.go_backwards}
            backward_layer = type(layer).from_config(backward_config)
        elif (not isinstance(backward_layer, (RNNBase, RNN)) or backward_layer.go_backwards == layer.go_backwards
              or backward_layer.return_sequences != layer.return_sequences
              or backward_layer.return_state != layer.return_state):
            raise ValueError("Bidirectional: `backward_layer` must be a recurrent layer with go_backwards "
                             f"opposite to the forward layer's ({layer.go_backwards}) and the same "
                             "return_sequences and return_state.")
        self.backward_layer = backward_layer
        for inner in (self.forward_layer, self.backward_layer):
            # As Keras 3: with return_sequences, masked steps output zeros in both directions.
            inner.zero_output_for_mask = inner.return_sequences
        self.layer = layer
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(inputs, mask=mask, training=training, initial_state=forward_state)
        backward = self.backward_layer(inputs, mask=mask, training=training, initial_state=backward_state)
        if self.return_state:
            forward, forward_states = forward[0], forward[1:]
            backward, backward_states = backward[0], backward[1:]
        if self.return_sequences:
            steps = backward.shape[1]
            backward = pt.gather(backward, list(range(steps - 1, -1, -1)), axis=1)
        if self.merge_mode == "concat":
            output = pt.concat([forward, backward], axis=-1)
        elif self.merge_mode == "sum":
            output = forward + backward
        elif self.merge_mode == "ave":
            output = (forward + backward) * 0.5
        elif self.merge_mode == "mul":
            output = forward * backward
        else:
            output = [forward, backward]
        if self.return_state:
            states = list(forward_states) + list(backward_states)
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        output, states = (shape[0], shape[1:]) if self.return_state else (shape, [])
        if self.merge_mode == "concat":
            output = tuple(output[:-1]) + (output[-1] * 2,)
        outputs = [output, output] if self.merge_mode is None else [output]
        return outputs + list(states) * 2 if self.return_state else (outputs if self.merge_mode is None else output)

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] * (2 if self.merge_mode is None else 1) + [None] * (2 * self.layer.state_count)
        return [output_mask, output_mask] if self.merge_mode is None else output_mask

    def get_config(self):
        config = super().get_config()
        config.update({"layer": {"class_name": type(self.layer).__name__, "config": self.layer.get_config()},
                       "merge_mode": self.merge_mode})
        if self.backward_layer is not None:
            config["backward_layer"] = {"class_name": type(self.backward_layer).__name__,
                                        "config": self.backward_layer.get_config()}
        return config

    @classmethod
    def from_config(cls, config):
        from . import GRU, LSTM, SimpleRNN
        classes = {c.__name__: c for c in (SimpleRNN, GRU, LSTM, RNN)}
        config = dict(config)
        for key in ("layer", "backward_layer"):
            if config.get(key) is not None:
                spec = config[key]
                config[key] = classes[spec["class_name"]].from_config(spec["config"])
        return cls(**config)
