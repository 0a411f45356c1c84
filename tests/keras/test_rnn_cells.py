"""RNN with SimpleRNNCell / LSTMCell / GRUCell / StackedRNNCells against real Keras 3 outputs, the cells against
the fused layers, custom cells, gradients, training and bad input."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

CASES = [
    ("rnn_simple", lambda: layers.RNN(layers.SimpleRNNCell(6))),
    ("rnn_simple_seq_state", lambda: layers.RNN(layers.SimpleRNNCell(6, activation="relu"), return_sequences=True,
                                                return_state=True)),
    ("rnn_lstm", lambda: layers.RNN(layers.LSTMCell(5), return_sequences=True)),
    ("rnn_lstm_state_mask", lambda: layers.RNN(layers.LSTMCell(5), return_state=True)),
    ("rnn_gru", lambda: layers.RNN(layers.GRUCell(4), return_sequences=True, go_backwards=True)),
    ("rnn_gru_before", lambda: layers.RNN(layers.GRUCell(4, reset_after=False), return_state=True)),
    ("rnn_stacked", lambda: layers.RNN(layers.StackedRNNCells([layers.LSTMCell(5), layers.GRUCell(3)]),
                                       return_sequences=True, return_state=True)),
    ("rnn_cell_list", lambda: layers.RNN([layers.SimpleRNNCell(4), layers.SimpleRNNCell(2)])),
    ("rnn_zero_output_mask", lambda: layers.RNN(layers.SimpleRNNCell(3), return_sequences=True,
                                                zero_output_for_mask=True)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    assert_matches_keras(name, make())


def test_lstm_cell_step_matches_keras():
    assert_matches_keras("lstm_cell_step", layers.LSTMCell(5))


@pytest.mark.parametrize("cell,fused", [
    (lambda: layers.SimpleRNNCell(4), lambda: layers.SimpleRNN(4, return_sequences=True, return_state=True)),
    (lambda: layers.LSTMCell(4), lambda: layers.LSTM(4, return_sequences=True, return_state=True)),
    (lambda: layers.GRUCell(4, reset_after=False),
     lambda: layers.GRU(4, reset_after=False, return_sequences=True, return_state=True)),
])
def test_cells_share_the_fused_layers_weights_and_numbers(cell, fused):
    """A Keras LSTM's weights load into RNN(LSTMCell) (and back): one layout, one step formula."""
    x = pt.constant(np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32))
    mask = pt.constant(np.array([[1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 1]], bool))
    fused_layer = fused()
    expected = fused_layer(x, mask=mask)
    rnn = layers.RNN(cell(), return_sequences=True, return_state=True)
    rnn.build(x.shape)
    rnn.set_weights(fused_layer.get_weights())
    for got, want in zip(rnn(x, mask=mask), expected):
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)


def test_custom_cell_runs_through_the_generic_loop():
    """Keras's MinimalRNNCell example: a Layer with state_size and call(inputs, states)."""
    class MinimalRNNCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states):
            output = pt.matmul(inputs, self.kernel) + pt.matmul(states[0], self.recurrent_kernel)
            return output, [output]

    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype(np.float32)
    rnn = layers.RNN(MinimalRNNCell(5), return_sequences=True)
    out = rnn(pt.constant(x)).numpy()
    kernel, recurrent = rnn.get_weights()
    h = np.zeros((2, 5), np.float32)
    for t in range(4):
        h = x[:, t] @ kernel + h @ recurrent
        np.testing.assert_allclose(out[:, t], h, atol=1e-5)
    inputs = keras.Input(shape=(None, 3))
    assert layers.RNN([MinimalRNNCell(5), MinimalRNNCell(2)])(inputs).shape == (None, 2)


def test_initial_state_and_get_initial_state():
    rnn = layers.RNN(layers.LSTMCell(3), return_state=True)
    x = pt.ones((2, 4, 2))
    zeros = rnn.get_initial_state(2)
    assert [tuple(s.shape) for s in zeros] == [(2, 3), (2, 3)]
    _, h, c = rnn(x)
    # Continuing from the returned states equals running over the doubled sequence.
    _, h2, c2 = rnn(x, initial_state=[h, c])
    _, h_long, c_long = rnn(pt.concat([x, x], axis=1))
    np.testing.assert_allclose(h2.numpy(), h_long.numpy(), atol=1e-6)
    with pytest.raises(ValueError, match=r"RNN layer '.*': expected 2 initial state"):
        rnn(x, initial_state=[h])


@pytest.mark.parametrize("make", [
    lambda: layers.RNN(layers.SimpleRNNCell(3, dtype="float64"), dtype="float64"),
    lambda: layers.RNN(layers.LSTMCell(3, dtype="float64"), dtype="float64", return_sequences=True),
    lambda: layers.RNN(layers.GRUCell(2, dtype="float64"), dtype="float64"),
    lambda: layers.RNN([layers.GRUCell(2, reset_after=False, dtype="float64"),
                        layers.LSTMCell(2, dtype="float64")], dtype="float64"),
])
def test_weight_gradients_match_finite_differences(make):
    rnn = make()
    x = np.random.default_rng(3).normal(size=(2, 4, 3))
    check_weight_gradients(rnn, x, max_entries=12)


def test_stacked_cells_training_lowers_the_loss():
    """RNN(StackedRNNCells) learns to output the running mean of a sequence."""
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(128, 6, 1)).astype(np.float32)
    y = x.mean(axis=1)
    model = keras.Sequential([keras.Input(shape=(6, 1)), layers.RNN([layers.GRUCell(8), layers.LSTMCell(8)]),
                              layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0).history["loss"]
    assert history[-1] < 0.3 * history[0]


def test_cell_dropout_masks_are_fixed_per_sequence():
    """Training with recurrent dropout: the mask drawn for a sequence is reused at every step (Keras's
    DropoutRNNCell) and forgotten afterwards."""
    cell = layers.SimpleRNNCell(4, dropout=0.5)
    rnn = layers.RNN(cell)
    x = pt.ones((3, 5, 2))
    rnn.build(x.shape)
    masks = []
    original = cell.call

    def recording_call(inputs, states, training=None):
        result = original(inputs, states, training=training)
        masks.append(cell._input_dropout_mask.numpy())
        return result
    cell.call = recording_call
    layers.RNN(layers.StackedRNNCells([cell]))(x, training=True)
    assert len(masks) == 5 and all(np.array_equal(m, masks[0]) for m in masks)
    assert cell._input_dropout_mask is None


def test_config_keys_match_keras_and_round_trip():
    for layer in (layers.SimpleRNNCell(3), layers.LSTMCell(3), layers.GRUCell(3),
                  layers.RNN(layers.SimpleRNNCell(3))):
        config = layer.get_config()
        assert sorted(config) == list(reference()[f"config/{type(layer).__name__}"]), type(layer).__name__
    rnn = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)]), return_sequences=True)
    clone = layers.RNN.from_config(rnn.get_config())
    assert isinstance(clone.cell, layers.StackedRNNCells)
    assert [type(c).__name__ for c in clone.cell.cells] == ["LSTMCell", "GRUCell"]
    assert clone.return_sequences and clone.cell.state_size == [[3, 3], 2]


@pytest.mark.parametrize("call,match", [
    (lambda: layers.RNN(layers.LSTMCell(3), name="seq")(pt.ones((2, 3))),
     r"RNN layer 'seq'.*\(2, 3\).*tf.expand_dims"),
    (lambda: layers.RNN(layers.LSTMCell(3), name="seq")(pt.ones((2, 4, 3)), mask=pt.constant(np.ones((2, 5), bool))),
     r"RNN layer 'seq'.*mask.*\(2, 4\).*\(2, 5\)"),
    (lambda: layers.LSTM(3, name="lstm")(pt.ones((2, 4, 3)), mask=pt.constant(np.ones((2, 3), bool))),
     r"LSTM layer 'lstm'.*mask.*\(2, 3\)"),
    (lambda: layers.LSTMCell(3, name="cell")(pt.ones((2, 4, 3)), [pt.zeros((2, 3))] * 2),
     r"LSTMCell layer 'cell'.*rank 2.*RNN\(cell\)"),
])
def test_bad_input_names_layer_shapes_and_fix(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_rnn_rejects_objects_that_are_not_cells():
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))


def test_bidirectional_rnn_of_cells_equals_bidirectional_lstm():
    x = pt.constant(np.random.default_rng(8).normal(size=(2, 5, 3)).astype(np.float32))
    fused = layers.Bidirectional(layers.LSTM(4, return_sequences=True, return_state=True))
    expected = fused(x)
    cells = layers.Bidirectional(layers.RNN(layers.LSTMCell(4), return_sequences=True, return_state=True))
    cells.build(x.shape)
    cells.set_weights(fused.get_weights())
    got = cells(x)
    assert len(got) == len(expected) == 5
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    clone = layers.Bidirectional.from_config(cells.get_config())
    assert isinstance(clone.forward_layer, layers.RNN) and isinstance(clone.forward_layer.cell, layers.LSTMCell)


def test_masks_pass_through_activation_layers_into_rnn():
    """Embedding(mask_zero) -> LeakyReLU -> RNN(LSTMCell): padded steps are skipped, as without the padding."""
    keras.utils.set_random_seed(9)
    ids = np.array([[3, 5, 0, 0], [2, 0, 0, 0]])
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                              layers.LeakyReLU(), layers.RNN(layers.LSTMCell(3))])
    padded = model(pt.constant(ids)).numpy()
    np.testing.assert_allclose(padded[:1], model(pt.constant(ids[:1, :2])).numpy(), atol=1e-6)
    np.testing.assert_allclose(padded[1:], model(pt.constant(ids[1:, :1])).numpy(), atol=1e-6)


def test_rnn_in_a_functional_model_with_unknown_timesteps():
    inputs = keras.Input(shape=(None, 3))
    sequence, h, c = layers.RNN(layers.LSTMCell(4), return_sequences=True, return_state=True)(inputs)
    model = keras.Model(inputs, [sequence, h, c])
    assert model.output_shape == [(None, None, 4), (None, 4), (None, 4)]
    lines = []
    model.summary(print_fn=lines.append)
    assert any("Total params: 128" in line for line in lines)  # 4 * 4 * (3 + 4 + 1)
    outputs = model(pt.ones((2, 7, 3)))
    assert [tuple(o.shape) for o in outputs] == [(2, 7, 4), (2, 4), (2, 4)]


def test_fused_layer_configs_match_keras_and_accept_keras_arguments():
    for layer in (layers.SimpleRNN(3), layers.LSTM(3), layers.GRU(3)):
        config = layer.get_config()
        keras_keys = set(reference()[f"config/{type(layer).__name__}"])
        # Keras 3's SimpleRNN takes `seed` but leaves it out of its config; keeping it round-trips the layer.
        assert keras_keys <= set(config) and set(config) - keras_keys <= {"seed"}, type(layer).__name__
        assert type(layer).from_config(config).get_config() == config
        assert type(layer).from_config({k: v for k, v in config.items() if k in keras_keys}).units == 3
    layers.LSTM(3, use_cudnn=False, implementation=1)
    layers.GRUCell(3, implementation=2)
    with pytest.raises(ValueError, match="use_cudnn='auto'"):
        layers.GRU(3, use_cudnn=True)


def test_fused_zero_output_for_mask_equals_the_cell_version():
    x = pt.constant(np.random.default_rng(10).normal(size=(2, 5, 3)).astype(np.float32))
    mask = pt.constant(np.array([[1, 1, 0, 1, 0], [1, 0, 0, 0, 0]], bool))
    fused = layers.GRU(4, return_sequences=True, zero_output_for_mask=True)
    expected = fused(x, mask=mask).numpy()
    assert np.all(expected[~mask.numpy()] == 0.0)
    rnn = layers.RNN(layers.GRUCell(4), return_sequences=True, zero_output_for_mask=True)
    rnn.build(x.shape)
    rnn.set_weights(fused.get_weights())
    np.testing.assert_allclose(rnn(x, mask=mask).numpy(), expected, atol=1e-6)


@pytest.mark.parametrize("name,make", [
    ("lstm_fused_mask_backwards", lambda: layers.LSTM(5, return_sequences=True, go_backwards=True)),
    ("gru_fused_state_mask", lambda: layers.GRU(4, return_state=True, reset_after=False)),
    ("simple_rnn_fused_mask", lambda: layers.SimpleRNN(3, return_sequences=True)),
])
def test_fused_layers_with_masks_match_keras(name, make):
    assert_matches_keras(name, make())


def test_bidirectional_with_a_mask_matches_keras():
    """Keras 3's Bidirectional makes both directions output zeros at masked steps of the sequence."""
    assert_matches_keras("bidirectional_mask", layers.Bidirectional(layers.LSTM(3, return_sequences=True)))
