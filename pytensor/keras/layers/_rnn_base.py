"""Shared time loop of the SimpleRNN, GRU and LSTM layers.

The input projection ``x @ kernel (+ bias)`` for every timestep is one matmul up front; the loop then
makes a few whole-batch op calls per step (one ``h @ recurrent_kernel`` matmul plus elementwise ops).
"""
import pytensor as pt

from .. import activations, initializers, regularizers
from ._layer_utils import check_input_shape
from .layer import Layer

_EXAMPLE = "(batch, timesteps, features)"


def _dropout_mask(shape, rate, dtype):
    """Inverted-dropout mask: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    keep = pt.cast(pt.random.uniform(shape, dtype=dtype) >= rate, dtype)
    return keep * (1.0 / (1.0 - rate))


class RNNBase(Layer):
    """Base of the recurrent layers: weights, checks, dropout masks, masking and the time loop.

    Subclasses set ``gates`` (blocks of ``units`` columns in the kernels), ``state_count`` and
    implement ``_bias_shape()``, ``_bias_initializer()``, ``_prepare()`` (per-call tensors) and
    ``_step(projected_t, states, prepared, recurrent_mask) -> (output, new_states)``, where
    ``recurrent_mask`` (None or a ``(batch, units)`` dropout mask) multiplies the state fed to
    ``recurrent_kernel``.
    """

    gates = 1
    state_count = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"{cls}: `units` must be a positive int; received units={units!r}.")
        for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"{cls}: `{arg}` must be in [0, 1); received {arg}={rate!r}.")
        if stateful:
            raise ValueError(f"{cls}: stateful=True is not supported. Carry the state yourself: call the layer "
                             "with return_state=True and pass the states back with initial_state=.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.recurrent_constraint = recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        shape = check_input_shape(self, input_shape, 3, _EXAMPLE, fix=(
            "give the layer a sequence: (batch, timesteps, features); a (batch, features) input needs "
            "tf.expand_dims(x, 1) or a Reshape((timesteps, features)) layer before it"))
        if shape[-1] is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': the features axis (last) of the input "
                             f"must be known; received shape {shape}.")
        self.input_features = shape[-1]
        width = self.gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(shape[-1], width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = (self.add_weight(name="bias", shape=self._bias_shape(), initializer=self._bias_initializer(),
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def _input_bias(self):
        """The bias added to the up-front input projection (None for no bias)."""
        return self.bias

    def _prepare(self):
        """Tensors the step needs that do not change over time (sliced weights); computed once per call."""
        return None

    def _step(self, projected, states, prepared, recurrent_mask):
        raise NotImplementedError

    def call(self, inputs, mask=None, training=None, initial_state=None):
        shape = check_input_shape(self, inputs.shape, 3, _EXAMPLE, axes={-1: self.input_features})
        batch, steps = shape[0], shape[1]
        if training and self.dropout > 0.0:
            inputs = inputs * _dropout_mask([batch, 1, shape[2]], self.dropout, inputs.dtype)
        # Time-major, then one (steps * batch, features) @ kernel matmul for every timestep.
        time_major = pt.reshape(pt.transpose(inputs, [1, 0, 2]), [-1, shape[2]])
        projected = pt.matmul(time_major, self.kernel)
        input_bias = self._input_bias()
        if input_bias is not None:
            projected = projected + input_bias
        projected = pt.unstack(pt.reshape(projected, [steps, -1, self.gates * self.units]), axis=0)
        step_masks = (pt.unstack(pt.expand_dims(pt.transpose(pt.cast(mask, pt.bool), [1, 0]), -1), axis=0)
                      if mask is not None else [None] * steps)
        states = self._initial_states(initial_state, batch, inputs.dtype)
        recurrent_mask = (_dropout_mask([batch, self.units], self.recurrent_dropout, inputs.dtype)
                          if training and self.recurrent_dropout > 0.0 else None)
        prepared = self._prepare()
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        output = None
        for t in order:
            output_t, new_states = self._step(projected[t], states, prepared, recurrent_mask)
            step_mask = step_masks[t]
            if step_mask is not None:
                # Masked steps keep the previous state and repeat the previous output (zeros at first).
                previous = output if output is not None else pt.zeros_like(output_t)
                output_t = pt.where(step_mask, output_t, previous)
                new_states = [pt.where(step_mask, new, old) for new, old in zip(new_states, states)]
            output, states = output_t, new_states
            if self.return_sequences:
                outputs.append(output)
        result = pt.stack(outputs, axis=1) if self.return_sequences else output
        return [result] + list(states) if self.return_state else result

    def _initial_states(self, initial_state, batch, dtype):
        if initial_state is None:
            return [pt.zeros([batch, self.units], dtype=dtype) for _ in range(self.state_count)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != self.state_count:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': expected {self.state_count} initial "
                             f"state tensor(s) of shape ({batch}, {self.units}), received {len(states)}.")
        for state in states:
            if tuple(state.shape) != (batch, self.units):
                raise ValueError(f"{type(self).__name__} layer '{self.name}': each initial state must have shape "
                                 f"({batch}, {self.units}) (batch, units); received {tuple(state.shape)}.")
        return [pt.convert_to_tensor(s) for s in states]

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self.state_count if self.return_state else output_mask

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        output = (shape[0], shape[1], self.units) if self.return_sequences else (shape[0], self.units)
        return [output] + [(shape[0], self.units)] * self.state_count if self.return_state else output

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None,
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences, "return_state": self.return_state,
            "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
            "seed": self.seed,
        })
        return config
