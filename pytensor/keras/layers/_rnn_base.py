"""Shared weights, step contract and time loop of the recurrent layers (SimpleRNN, GRU, LSTM), their cells
(SimpleRNNCell, GRUCell, LSTMCell) and the generic ``RNN`` layer.

A family's step math (``_step`` and its bias layout) lives once, in a mixin of its module (``simple_rnn``,
``gru``, ``lstm``), shared by the fused layer and the cell. Over a whole sequence the layers (and ``RNN`` with a
built-in cell) call the family's fused op (``_core.lstm`` / ``gru`` / ``simple_rnn``: the time loop and its
backward run in C++) through ``_fused_sequence``. The Python loop remains for what the fused kernels do not
implement: ``recurrent_dropout`` while training and activations other than tanh, sigmoid, relu, linear and
hard_sigmoid; it computes the input projection ``x @ kernel (+ bias)`` for every timestep in one matmul up front,
then makes a few whole-batch op calls per step.
"""
import numpy as np

import pytensor as pt

from .. import activations, initializers, regularizers
from ._layer_utils import check_input_shape
from .layer import Layer

_EXAMPLE = "(batch, timesteps, features)"


def _dropout_mask(shape, rate, dtype):
    """Inverted-dropout mask: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    keep = pt.cast(pt.random.uniform(shape, dtype=dtype) >= rate, dtype)
    return keep * (1.0 / (1.0 - rate))


def time_loop(step, steps, states, mask, go_backwards, return_sequences, zero_output_for_mask=False):
    """Runs ``output_t, states = step(t, states)`` over the timesteps, Keras's ``backend.rnn``.

    A masked step (``mask``: (batch, steps) bool, or None) keeps the previous states and repeats the previous
    output (zeros at first), or outputs zeros with ``zero_output_for_mask``. ``states`` is any nest of tensors.

    Returns:
        ``(last_output, outputs, states)``; ``outputs`` stacks the outputs on axis 1 in loop order (reversed
        for ``go_backwards``) when ``return_sequences``, else None.
    """
    step_masks = (pt.unstack(pt.expand_dims(pt.transpose(pt.cast(mask, pt.bool), [1, 0]), -1), axis=0)
                  if mask is not None else [None] * steps)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs = []
    output = None
    for t in order:
        output_t, new_states = step(t, states)
        step_mask = step_masks[t]
        if step_mask is not None and len(output_t.shape) > 2:  # ConvLSTM: broadcast over the spatial axes too
            step_mask = pt.reshape(step_mask, [-1] + [1] * (len(output_t.shape) - 1))
        if step_mask is not None:
            fill = pt.zeros_like(output_t) if zero_output_for_mask or output is None else output
            output_t = pt.where(step_mask, output_t, fill)
            new_states = pt.nest.map_structure(lambda new, old: pt.where(step_mask, new, old), new_states, states)
        output = output_t
        states = new_states
        if return_sequences:
            outputs.append(output_t)
    return output, (pt.stack(outputs, axis=1) if return_sequences else None), states


# The activations the fused ops implement, by the name they take.
_FUSED_ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear", "hard_sigmoid")


def fused_activation_name(activation):
    """The fused ops' name for a Keras activation function, or None when they do not implement it."""
    return next((name for name in _FUSED_ACTIVATIONS if activations.get(name) is activation), None)


def _fused_sequence_call(cell, inputs, mask, states, go_backwards, return_sequences, zero_output_for_mask):
    """The whole time loop as the family's fused op; returns ``time_loop``'s triple (Keras's outputs at masked
    steps: the previous output, zeros before the first step that ran or with ``zero_output_for_mask``)."""
    sequence, states = cell._fused_sequence(inputs, states, mask, go_backwards)
    if mask is None:
        return states[0], (sequence if return_sequences else None), states
    # The op's sequence holds the carried state; Keras's output is zero until a step has run.
    live = pt.cast(mask, pt.bool)
    if go_backwards:
        live = live[:, ::-1]
    if not return_sequences:
        # Only the last output: the final state (the sequence's last row), zero where it is not shown; the sequence
        # itself then gets no gradient, which the fused backward skips.
        shown = live[:, -1] if zero_output_for_mask else pt.reduce_any(live, axis=1)
        last = pt.where(pt.expand_dims(shown, -1), states[0], pt.zeros_like(states[0]))
        return last, None, states
    if zero_output_for_mask:
        shown = live
    else:  # whether some step up to t ran: the running count of live steps, as a product with a triangle of ones
        steps = int(live.shape[1])
        shown = pt.matmul(pt.cast(live, pt.float32), np.triu(np.ones((steps, steps), np.float32))) > 0.0
    sequence = pt.where(pt.expand_dims(shown, -1), sequence, pt.zeros_like(sequence))
    return sequence[:, -1], (sequence if return_sequences else None), states


def fused_loop(cell, inputs, mask, training, states, go_backwards, return_sequences, zero_output_for_mask=False):
    """The time loop of a built-in cell (``cell`` has ``kernel``, ``_input_bias``, ``_prepare``, ``_step`` and
    ``_fused_sequence``): the fused op when it implements the cell's options, else one input-projection matmul
    for all timesteps, then ``_step`` per step. Returns ``time_loop``'s triple."""
    batch, steps, features = tuple(inputs.shape)
    if training and cell.dropout > 0.0:
        # One mask per sequence, shared by every timestep (Keras's DropoutRNNCell).
        inputs = inputs * _dropout_mask([batch, 1, features], cell.dropout, inputs.dtype)
    if not (training and cell.recurrent_dropout > 0.0) and cell._fused_activations() is not None:
        return _fused_sequence_call(cell, inputs, mask, list(states), go_backwards, return_sequences,
                                    zero_output_for_mask)
    # Time-major, then one (steps * batch, features) @ kernel matmul for every timestep.
    time_major = pt.reshape(pt.transpose(inputs, [1, 0, 2]), [-1, features])
    projected = pt.matmul(time_major, cell.kernel)
    input_bias = cell._input_bias()
    if input_bias is not None:
        projected = projected + input_bias
    projected = pt.unstack(pt.reshape(projected, [steps, -1, cell.gates * cell.units]), axis=0)
    recurrent_mask = (_dropout_mask([batch, cell.units], cell.recurrent_dropout, inputs.dtype)
                      if training and cell.recurrent_dropout > 0.0 else None)
    prepared = cell._prepare()

    def step(t, step_states):
        return cell._step(projected[t], step_states, prepared, recurrent_mask)
    return time_loop(step, steps, list(states), mask, go_backwards, return_sequences, zero_output_for_mask)


class RecurrentWeights(Layer):
    """The weights and arguments shared by the fused recurrent layers and their cells.

    ``kernel`` (features, gates * units), ``recurrent_kernel`` (units, gates * units) and ``bias``
    (``_bias_shape()``), in Keras's layout. A family mixin sets ``gates`` (blocks of ``units`` columns in the
    kernels) and ``state_count`` and implements ``_step(projected_t, states, prepared, recurrent_mask) ->
    (output, new_states)``, where ``recurrent_mask`` (None or a ``(batch, units)`` dropout mask) multiplies the
    state fed to ``recurrent_kernel``; it may override ``_bias_shape()``, ``_bias_initializer()``,
    ``_input_bias()`` and ``_prepare()`` (per-call tensors).
    """

    gates = 1
    state_count = 1
    _casts_integer_inputs = True

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, implementation=2, **kwargs):
        # `implementation` (Keras's choice between two equivalent ways to compute the gates) is accepted and
        # ignored: there is one implementation here.
        super().__init__(**kwargs)
        cls = type(self).__name__
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"{cls}: `units` must be a positive int; received units={units!r}.")
        for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"{cls}: `{arg}` must be in [0, 1); received {arg}={rate!r}.")
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
        self.seed = seed

    def _build_weights(self, features):
        self.input_features = features
        width = self.gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(features, width), initializer=self.kernel_initializer,
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
        """The bias added to the input projection (None for no bias)."""
        return self.bias

    def _prepare(self):
        """Tensors the step needs that do not change over time (sliced weights); computed once per call."""
        return None

    def _step(self, projected, states, prepared, recurrent_mask):
        raise NotImplementedError

    def _fused_activations(self):
        """``{"activation": name, "recurrent_activation": name}`` for the fused op, or None when it lacks one."""
        names = {"activation": fused_activation_name(self.activation)}
        if hasattr(self, "recurrent_activation"):
            names["recurrent_activation"] = fused_activation_name(self.recurrent_activation)
        return None if None in names.values() else names

    def _fused_bias(self, inputs):
        """The bias operand of the fused op: the bias, or zeros of its shape without one."""
        return self.bias if self.bias is not None else pt.zeros(self._bias_shape(), dtype=inputs.dtype)

    def _fused_sequence(self, inputs, states, mask, go_backwards):
        """``(sequence, final_states)`` of the family's fused op over (batch, timesteps, features) ``inputs``."""
        raise NotImplementedError

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
            "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None,
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
        })
        return config


class RNNCellBase(RecurrentWeights):
    """One timestep of a built-in recurrent family: ``output, new_states = cell(inputs_t, states)``, for
    ``keras.layers.RNN`` or a hand-written loop.

    ``inputs_t`` is (batch, features); ``states`` a list of ``state_count`` (batch, units) tensors (a single
    tensor for one-state cells is accepted and returned as one). Dropout masks are drawn on the first training
    call and reused until ``reset_dropout_mask()`` / ``reset_recurrent_dropout_mask()`` (RNN resets them after
    each sequence), as Keras's DropoutRNNCell does.
    """

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self._input_dropout_mask = None
        self._recurrent_dropout_mask = None

    @property
    def state_size(self):
        """``units`` for one-state cells, ``[units] * state_count`` otherwise."""
        return self.units if self.state_count == 1 else [self.units] * self.state_count

    @property
    def output_size(self):
        """``units``."""
        return self.units

    def build(self, input_shape):
        shape = check_input_shape(self, input_shape, 2, "(batch, features)", fix=(
            "a cell takes one timestep; wrap it in keras.layers.RNN(cell) to run it over (batch, timesteps, "
            "features) sequences"))
        if shape[-1] is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': the features axis (last) of the input "
                             f"must be known; received shape {shape}.")
        self._build_weights(shape[-1])

    def get_initial_state(self, batch_size=None):
        """Zero states: a list of ``state_count`` (batch_size, units) tensors."""
        return [pt.zeros([batch_size, self.units], dtype=self.dtype) for _ in range(self.state_count)]

    def reset_dropout_mask(self):
        """Forgets the input dropout mask (a new one is drawn on the next training call)."""
        self._input_dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forgets the recurrent dropout mask."""
        self._recurrent_dropout_mask = None

    def call(self, inputs, states, training=None):
        check_input_shape(self, inputs.shape, 2, "(batch, features)", axes={-1: self.input_features})
        single = not isinstance(states, (list, tuple))
        states = [states] if single else list(states)
        if len(states) != self.state_count:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': expected {self.state_count} state "
                             f"tensor(s) of shape (batch, {self.units}), received {len(states)}.")
        states = [pt.convert_to_tensor(s) for s in states]
        recurrent_mask = None
        if training and self.dropout > 0.0:
            if self._input_dropout_mask is None:
                self._input_dropout_mask = _dropout_mask(list(inputs.shape), self.dropout, inputs.dtype)
            inputs = inputs * self._input_dropout_mask
        if training and self.recurrent_dropout > 0.0:
            if self._recurrent_dropout_mask is None:
                self._recurrent_dropout_mask = _dropout_mask([int(inputs.shape[0]), self.units],
                                                             self.recurrent_dropout, inputs.dtype)
            recurrent_mask = self._recurrent_dropout_mask
        projected = pt.matmul(inputs, self.kernel)
        input_bias = self._input_bias()
        if input_bias is not None:
            projected = projected + input_bias
        output, new_states = self._step(projected, states, self._prepare(), recurrent_mask)
        return output, (new_states[0] if single else new_states)


class RNNBase(RecurrentWeights):
    """Base of the fused recurrent layers (SimpleRNN, GRU, LSTM): checks, initial states, masking and the
    time loop, on the weights of :class:`RecurrentWeights`."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, zero_output_for_mask=False, use_cudnn="auto", **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                         activity_regularizer=activity_regularizer, **kwargs)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"{type(self).__name__}: `use_cudnn` must be 'auto', True or False; received "
                             f"use_cudnn={use_cudnn!r}.")
        if use_cudnn is True:
            raise ValueError(f"{type(self).__name__}: use_cudnn=True was specified, but cuDNN is not available here. "
                             f"Pass use_cudnn='auto' (or False) to use the built-in implementation.")
        self.use_cudnn = use_cudnn
        self.zero_output_for_mask = zero_output_for_mask
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        # stateful: the states carried from one call to the next (Variables, not weights: Keras does not save them).
        object.__setattr__(self, "states", None)

    def build(self, input_shape):
        shape = check_input_shape(self, input_shape, 3, _EXAMPLE, fix=(
            "give the layer a sequence: (batch, timesteps, features); a (batch, features) input needs "
            "tf.expand_dims(x, 1) or a Reshape((timesteps, features)) layer before it"))
        if shape[-1] is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': the features axis (last) of the input "
                             f"must be known; received shape {shape}.")
        self._build_weights(shape[-1])
        if self.stateful:
            if shape[0] is None:
                raise ValueError(f"{type(self).__name__} layer '{self.name}': with stateful=True the batch size must "
                                 f"be static; received input shape {shape}. Pass batch_size= to keras.Input (and "
                                 f"feed batches of that size).")
            object.__setattr__(self, "states", [pt.Variable(pt.zeros([shape[0], self.units], dtype=self.dtype),
                                                            trainable=False, name=f"{self.name}/rnn_state")
                                                for _ in range(self.state_count)])

    def call(self, inputs, mask=None, training=None, initial_state=None):
        shape = check_input_shape(self, inputs.shape, 3, _EXAMPLE, axes={-1: self.input_features})
        check_sequence_mask(self, mask, shape)
        if self.stateful:
            expected = int(self.states[0].shape[0])
            if shape[0] != expected:
                raise ValueError(f"{type(self).__name__} layer '{self.name}': the layer is stateful, so every batch "
                                 f"must have the batch size it was built with, {expected}; received input shape "
                                 f"{shape}. Feed batches of {expected} samples (fit/predict with batch_size="
                                 f"{expected} and a sample count it divides), or rebuild the layer.")
            if initial_state is None:
                initial_state = [state.read_value() for state in self.states]
        states = self._initial_states(initial_state, shape[0], inputs.dtype)
        last, sequence, states = fused_loop(self, inputs, mask, training, states, self.go_backwards,
                                            self.return_sequences, self.zero_output_for_mask)
        if self.stateful:
            for variable, state in zip(self.states, states):
                variable.assign(pt.stop_gradient(state))
        result = sequence if self.return_sequences else last
        return [result] + list(states) if self.return_state else result

    def reset_state(self):
        """stateful: sets the carried states back to zeros."""
        for state in self.states or ():
            state.assign(pt.zeros_like(state))

    def reset_states(self):
        """Alias of ``reset_state`` (Keras 2's name)."""
        self.reset_state()

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
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "return_sequences": self.return_sequences, "return_state": self.return_state,
            "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        return config


def check_sequence_mask(layer, mask, shape):
    """Raises Keras's ValueError when a sequence mask is not (batch, timesteps) for a ``shape`` input."""
    if mask is None:
        return
    mask_shape = tuple(mask.shape)
    if len(mask_shape) != 2 or any(m is not None and s is not None and m != s
                                   for m, s in zip(mask_shape, shape[:2])):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': the mask must have shape (batch, timesteps) "
                         f"= {shape[:2]} for inputs of shape {shape}; received a mask of shape {mask_shape}. Pass "
                         f"one bool per sample and timestep (True = use the step), e.g. from Masking or "
                         f"Embedding(mask_zero=True).")
