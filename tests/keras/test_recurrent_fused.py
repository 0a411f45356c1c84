"""The recurrent layers on the fused ops (issue 26): Keras 3's outputs for fixed weights
(fixtures/recurrent_fused_keras3.npz, made by fixtures/record_recurrent_fused.py), agreement of the fused path with
the step-by-step Python loop (values, first and second derivatives), and errors."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from pytensor.keras.layers._rnn_base import RecurrentWeights

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "recurrent_fused_keras3.npz")
U = 5

# The same layers as the recording script, by case name.
CASES = {
    "lstm_seq_state": lambda: layers.LSTM(U, return_sequences=True, return_state=True),
    "lstm_mask_backwards_initial": lambda: layers.LSTM(U, return_sequences=True, return_state=True,
                                                       go_backwards=True),
    "lstm_nobias_hard_sigmoid": lambda: layers.LSTM(U, use_bias=False, recurrent_activation="hard_sigmoid"),
    "gru_mask_initial": lambda: layers.GRU(U, return_sequences=True, return_state=True),
    "gru_reset_before_backwards": lambda: layers.GRU(U, reset_after=False, go_backwards=True, return_sequences=True),
    "gru_reset_before_mask": lambda: layers.GRU(U, reset_after=False, return_state=True),
    "simple_relu_mask": lambda: layers.SimpleRNN(U, activation="relu", return_sequences=True),
    "simple_backwards_initial": lambda: layers.SimpleRNN(U, go_backwards=True, return_state=True),
    "bidirectional_gru_sum_mask": lambda: layers.Bidirectional(layers.GRU(3, return_sequences=True),
                                                               merge_mode="sum"),
    "bidirectional_lstm_concat": lambda: layers.Bidirectional(layers.LSTM(3)),
    "rnn_lstm_cell_backwards_initial": lambda: layers.RNN(layers.LSTMCell(U), return_sequences=True,
                                                          go_backwards=True),
    "rnn_simple_cell_zero_output": lambda: layers.RNN(layers.SimpleRNNCell(U), return_sequences=True,
                                                      zero_output_for_mask=True),
}


def _recorded(name):
    with np.load(FIXTURE) as data:
        return {key[len(name) + 1:]: data[key] for key in data.files if key.startswith(name + "/")}


def _numbered(rec, prefix):
    return [rec[f"{prefix}{i}"] for i in range(len(rec)) if f"{prefix}{i}" in rec]


def _outputs(out):
    return [o.numpy() for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.fixture
def python_loop(monkeypatch):
    """Makes every built-in recurrent layer and cell take the step-by-step Python loop instead of the fused op."""
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras_for_fixed_weights(name):
    rec = _recorded(name)
    layer = CASES[name]()
    layer.build(rec["x"].shape)
    layer.set_weights(_numbered(rec, "w"))  # Keras's weight layout, unchanged
    kwargs = {}
    if "mask" in rec:
        kwargs["mask"] = pt.constant(rec["mask"])
    states = _numbered(rec, "s")
    if states:
        kwargs["initial_state"] = [pt.constant(s) for s in states]
    got = _outputs(layer(pt.constant(rec["x"]), **kwargs))
    want = _numbered(rec, "y")
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=0, atol=2e-5, err_msg=f"{name} output {i}")


def _layer(kind, units=4, **kwargs):
    cls = {"lstm": layers.LSTM, "gru": layers.GRU, "gru_before": layers.GRU, "simple": layers.SimpleRNN}[kind]
    if kind == "gru_before":
        kwargs["reset_after"] = False
    return cls(units, return_sequences=True, return_state=True, **kwargs)


def _run(kind, x, mask, go_backwards, dtype, order=1, units=4):
    """Outputs and the weight gradients (order 1) or the gradient of the squared gradient norm (order 2) of one
    layer with fixed weights; the same numbers on either path."""
    layer = _layer(kind, units, go_backwards=go_backwards, dtype=dtype)
    layer.build(x.shape)
    rng = np.random.default_rng(5)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    n_states = 2 if kind == "lstm" else 1
    initial = [pt.constant(rng.normal(0, 0.5, (x.shape[0], units)).astype(dtype)) for _ in range(n_states)]
    xt = pt.constant(x)
    weights = layer.trainable_weights
    with pt.GradientTape(persistent=True) as outer:
        outer.watch(xt)
        with pt.GradientTape() as tape:
            tape.watch(xt)
            outs = layer(xt, mask=None if mask is None else pt.constant(mask), initial_state=initial)
            loss = sum(pt.reduce_sum(o * o * (k + 1.0)) for k, o in enumerate(outs))
        grads = tape.gradient(loss, [xt] + list(weights))
        norm = sum(pt.reduce_sum(g * g) for g in grads)
    if order == 1:
        return _outputs(outs) + [g.numpy() for g in grads]
    return [g.numpy() for g in outer.gradient(norm, [xt] + list(weights))]


KINDS = ["lstm", "gru", "gru_before", "simple"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_and_python_loop_agree_in_float32(kind, go_backwards, masked, monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 6, 5)).astype(np.float32)
    mask = rng.random((3, 6)) > 0.4 if masked else None
    if masked:
        mask[0, :2] = False
    fused = _run(kind, x, mask, go_backwards, "float32")
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)
    loop = _run(kind, x, mask, go_backwards, "float32")
    for i, (a, b) in enumerate(zip(fused, loop)):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=f"{kind} item {i}")


@pytest.mark.parametrize("units", [16, 32])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_lstm_whole_vector_units_agree_with_python_loop(units, go_backwards, masked, monkeypatch):
    """Units a multiple of the SIMD width (8 lanes in the AVX2 build, 16 in the AVX-512 one) take the LSTM's one-pass
    step for the default activations; 4 units above take the gate-by-gate one."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(20, 7, 6)).astype(np.float32)  # 20 rows: a full row block and a partial one
    mask = rng.random((20, 7)) > 0.3 if masked else None
    fused = _run("lstm", x, mask, go_backwards, "float32", units=units)
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)
    loop = _run("lstm", x, mask, go_backwards, "float32", units=units)
    for i, (a, b) in enumerate(zip(fused, loop)):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=f"item {i}")


def _numpy_lstm(x, kernel, recurrent, bias):
    """Keras's LSTM (sigmoid gates, tanh; zero initial states) in float64 numpy: h after every step."""
    u = recurrent.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros_like(h)
    out = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (1 / (1 + np.exp(-z[:, k * u:(k + 1) * u])) if k != 2 else np.tanh(z[:, k * u:(k + 1) * u])
                      for k in range(4))
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, 1)


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_one_pass_step_is_within_float32_rounding_of_float64(seed):
    """The float32 one-pass step (16 units: whole vectors; its tanh a 4-ulp rational approximation) over 30 steps
    stays within 1e-6 of a float64 LSTM (measured: 3.5e-7; 2.8e-7 with a 1-ulp tanh)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(20, 30, 8)).astype(np.float32)
    layer = layers.LSTM(16, return_sequences=True)
    layer.build(x.shape)
    weights = [rng.normal(0, 0.5, w.shape).astype(np.float32) for w in layer.weights]
    layer.set_weights(weights)
    got = layer(pt.constant(x)).numpy()
    want = _numpy_lstm(x.astype(np.float64), *(w.astype(np.float64) for w in weights))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_of_one_output_match_python_loop(kind, monkeypatch):
    """A loss on one output only (LSTM(64) in a classifier uses the last state): the fused backward is handed the
    other outputs' gradients as broadcast zeros and skips them."""
    rng = np.random.default_rng(3)
    x = pt.constant(rng.normal(size=(3, 6, 5)))
    mask = pt.constant(rng.random((3, 6)) > 0.3)

    def gradients():
        layer = _layer(kind, dtype="float64")
        layer.build(x.shape)
        layer.set_weights([np.random.default_rng(4).normal(0, 0.5, w.shape) for w in layer.weights])
        result = []
        for used in range(3 if kind == "lstm" else 2):
            with pt.GradientTape() as tape:
                tape.watch(x)
                loss = pt.reduce_sum(pt.sin(layer(x, mask=mask)[used]))
            result += [g.numpy() for g in tape.gradient(loss, [x] + list(layer.trainable_weights))]
        return result
    fused = gradients()
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)
    for i, (a, b) in enumerate(zip(fused, gradients())):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"{kind} item {i}")


@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_last_output_with_mask_matches_python_loop(zero_output_for_mask, go_backwards, monkeypatch):
    """return_sequences=False under a mask: the final state where a step ran (with zero_output_for_mask: where the
    last step ran), else zeros; a fully masked row and a masked last step included."""
    rng = np.random.default_rng(6)
    x = pt.constant(rng.normal(size=(4, 5, 3)))
    mask = pt.constant(np.array([[1, 1, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 1, 1], [0, 1, 1, 1, 0]], bool))

    def run():
        layer = layers.RNN(layers.LSTMCell(4, dtype="float64"), go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask,
                           dtype="float64")
        layer.build(x.shape)
        layer.set_weights([np.random.default_rng(7).normal(0, 0.5, w.shape) for w in layer.weights])
        with pt.GradientTape() as tape:
            tape.watch(x)
            out = layer(x, mask=mask)
            loss = pt.reduce_sum(pt.sin(out))
        return [out.numpy()] + [g.numpy() for g in tape.gradient(loss, [x] + list(layer.trainable_weights))]
    fused = run()
    assert not fused[0][1].any()  # the fully masked row
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)
    for i, (a, b) in enumerate(zip(fused, run())):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=f"item {i}")


@pytest.mark.parametrize("kind", KINDS)
def test_second_order_matches_python_loop_in_float64(kind, monkeypatch):
    """Nested tapes through a layer: the fused op's backward is rebuilt from public ops when an outer tape records,
    and gives the Python loop's second derivatives."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 3))
    mask = np.array([[True, False, True, True], [False, True, True, False]])
    fused = _run(kind, x, mask, True, "float64", order=2)
    monkeypatch.setattr(RecurrentWeights, "_fused_activations", lambda self: None)
    loop = _run(kind, x, mask, True, "float64", order=2)
    for i, (a, b) in enumerate(zip(fused, loop)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11, err_msg=f"{kind} second-order item {i}")


@pytest.mark.parametrize("op", ["lstm", "gru", "simple_rnn"])
def test_op_is_bitwise_independent_of_the_thread_count(op):
    """The kernels run fixed blocks of 16 rows through the sequence, one thread each: 37 rows (three blocks, the
    last short), masked and reversed, give the same bits on 1 and 2 threads, forward and backward."""
    rng = np.random.default_rng(4)
    b, t, f, u = 37, 7, 5, 6
    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}[op]
    x = pt.constant(rng.normal(size=(b, t, f)).astype(np.float32))
    h0 = pt.constant(rng.normal(size=(b, u)).astype(np.float32))
    weights = [pt.constant(rng.normal(scale=0.5, size=shape).astype(np.float32))
               for shape in [(f, gates * u), (u, gates * u), (2, gates * u) if op == "gru" else (gates * u,)]]
    states = [h0, h0 * 0.5] if op == "lstm" else [h0]
    mask = rng.random((b, t)) > 0.3
    old = pt._core.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            pt._core.set_num_threads(threads)
            with pt.GradientTape() as tape:
                for v in [x, *states, *weights]:
                    tape.watch(v)
                outs = getattr(pt._core, op)(x, *states, *weights, mask=mask, go_backwards=True)
                loss = sum(pt.reduce_sum(o * o) for o in outs)
            grads = tape.gradient(loss, [x, *states, *weights])
            results.append([o.numpy() for o in outs] + [g.numpy() for g in grads])
    finally:
        pt._core.set_num_threads(old)
    for i, (one, two) in enumerate(zip(*results)):
        np.testing.assert_array_equal(one, two, err_msg=f"{op} item {i}: 1 and 2 threads differ")


def test_fused_op_is_used_and_python_loop_remains_for_recurrent_dropout(monkeypatch):
    calls = []
    original = layers.LSTM._fused_sequence
    monkeypatch.setattr(layers.LSTM, "_fused_sequence", lambda *a: calls.append(1) or original(*a))
    x = pt.constant(np.ones((2, 3, 4), np.float32))
    layers.LSTM(3, dropout=0.5)(x, training=True)
    assert calls == [1]
    out = layers.LSTM(3, recurrent_dropout=0.5)(x, training=True)  # the step loop: no fused call
    assert calls == [1] and tuple(out.shape) == (2, 3)
    layers.LSTM(3, activation="softsign")(x)  # an activation the kernels lack: the step loop
    assert calls == [1]


def test_model_with_mask_zero_trains_on_the_fused_path():
    rng = np.random.default_rng(3)
    tokens = rng.integers(1, 20, (32, 9))
    tokens[:, 6:] = 0  # padding
    labels = (tokens[:, 0] > 10).astype(np.float32)
    model = keras.Sequential([layers.Embedding(20, 8, mask_zero=True), layers.Bidirectional(layers.LSTM(6)),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    history = model.fit(tokens, labels, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


# ---- errors ----
def test_op_rejects_a_mask_of_the_wrong_shape():
    x, h = np.zeros((2, 3, 4), np.float32), np.zeros((2, 5), np.float32)
    w, r, b = np.zeros((4, 20), np.float32), np.zeros((5, 20), np.float32), np.zeros(20, np.float32)
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"lstm: mask must have shape \(2, 3\)"):
        pt._core.lstm(x, h, h, w, r, b, mask=np.ones((2, 4), bool))
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"lstm: initial_c must have shape \(2, 5\)"):
        pt._core.lstm(x, h, np.zeros((3, 5), np.float32), w, r, b)
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"gru: bias must have shape \(2, 15\)"):
        pt._core.gru(x, h, w[:, :15], r[:, :15], b[:15])
    with pytest.raises(TypeError, match="simple_rnn: every operand must have the inputs' dtype float32"):
        pt._core.simple_rnn(x, h, w[:, :5], r[:, :5].astype(np.float64), b[:5])
    with pytest.raises(ValueError, match="activation must be one of"):
        pt._core.simple_rnn(x, h, w[:, :5], r[:, :5], b[:5], activation="softsign")


def test_layer_errors_name_the_layer_and_the_fix():
    x = pt.constant(np.zeros((2, 3, 4), np.float32))
    lstm = layers.LSTM(5, name="enc")
    with pytest.raises(ValueError, match=r"LSTM layer 'enc': the mask must have shape \(batch, timesteps\)"):
        lstm(x, mask=pt.constant(np.ones((2, 4), bool)))
    with pytest.raises(ValueError, match=r"LSTM layer 'enc': expected 2 initial state"):
        lstm(x, initial_state=[pt.zeros((2, 5))])
    with pytest.raises(ValueError, match=r"initial state must have shape \(2, 5\)"):
        lstm(x, initial_state=[pt.zeros((2, 5)), pt.zeros((3, 5))])


# ---- stateful layers and step-by-step inference ----
@pytest.mark.parametrize("cls", [layers.LSTM, layers.GRU, layers.SimpleRNN])
def test_stateful_layer_carries_the_states_between_calls(cls):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    whole = cls(4, return_sequences=True)
    whole.build(x.shape)
    weights = [rng.normal(0, 0.5, w.shape).astype(np.float32) for w in whole.weights]
    whole.set_weights(weights)
    expected = whole(pt.constant(x)).numpy()
    stateful = cls(4, return_sequences=True, stateful=True)
    stateful.build(x[:, :2].shape)
    stateful.set_weights(weights)
    assert len(stateful.weights) == len(weights)  # the carried states are not weights (as Keras)
    # One call per two timesteps, then one timestep at a time (text generation's loop).
    parts = [stateful(pt.constant(x[:, :2])).numpy()]
    parts += [stateful(pt.constant(x[:, t:t + 1])).numpy() for t in range(2, 6)]
    np.testing.assert_allclose(np.concatenate(parts, axis=1), expected, rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(pt.constant(x[:, :2])).numpy(), expected[:, :2], rtol=1e-5, atol=1e-6)


def test_stateful_layer_errors_name_the_layer_and_the_fix():
    layer = layers.LSTM(3, stateful=True, name="gen")
    layer(pt.zeros((2, 4, 5)))
    with pytest.raises(ValueError, match=r"LSTM layer 'gen': the layer is stateful.*batch size it was built with, 2"
                                         r".*\(3, 4, 5\).*batch_size=2"):
        layer(pt.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match=r"LSTM layer 'free': with stateful=True the batch size must be static.*"
                                         r"batch_size= to keras.Input"):
        keras.Sequential([keras.Input(shape=(4, 5)), layers.LSTM(3, stateful=True, name="free")])


@pytest.mark.parametrize("op,reset_after", [("lstm", True), ("gru", True), ("gru", False), ("simple_rnn", True)])
def test_traced_gradient_replays_the_fused_backward_and_equals_eager_bitwise(op, reset_after):
    """A tf.function that takes the gradient records the fused backward op (lstm_grad, ...), not the composed
    recurrence, and each call (new inputs, mask and upstream weights) gives the eager gradients' bits."""
    rng = np.random.default_rng(5)
    b, t, f, u = 19, 6, 4, 5
    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}[op]
    bias_shape = (2, gates * u) if op == "gru" and reset_after else (gates * u,)
    kwargs = {"reset_after": reset_after} if op == "gru" else {}
    fused = getattr(pt._core, op)

    def operands():
        x = rng.normal(size=(b, t, f)).astype(np.float32)
        states = [rng.normal(size=(b, u)).astype(np.float32) for _ in range(2 if op == "lstm" else 1)]
        weights = [rng.normal(scale=0.5, size=shape).astype(np.float32)
                   for shape in [(f, gates * u), (u, gates * u), bias_shape]]
        return [pt.constant(v) for v in [x, *states, *weights]], pt.constant(rng.random((b, t)) > 0.3)

    def gradients(args, mask):
        with pt.GradientTape() as tape:
            for v in args:
                tape.watch(v)
            outs = fused(*args, mask=mask, go_backwards=True, **kwargs)
            loss = pt.reduce_sum(outs[0] * outs[0]) + pt.reduce_sum(outs[-1])
        return tape.gradient(loss, args)

    traced = pt.function(lambda args, mask: gradients(args, mask))
    for call in range(2):
        args, mask = operands()
        eager = [g.numpy() for g in gradients(args, mask)]
        graph = [g.numpy() for g in traced(args, mask)]
        for i, (a, e) in enumerate(zip(graph, eager)):
            np.testing.assert_array_equal(a, e, err_msg=f"{op} call {call} gradient {i}: graph and eager differ")
    types = {o.type for o in traced.get_concrete_function(args, mask).graph.get_operations()}
    assert f"{op}_grad" in types and not types & {"tanh", "sigmoid", "matmul"}, types


def test_saved_model_round_trips_a_traced_fused_backward(tmp_path):
    """A SavedModel whose function takes an LSTM's gradient (lstm_grad, its mask an input) loads and gives the
    original function's bits."""
    rng = np.random.default_rng(6)

    class Grad(pt.Module):
        def __init__(self):
            super().__init__()
            self.weights = [pt.Variable(rng.normal(scale=0.5, size=shape).astype(np.float32))
                            for shape in [(2, 8), (2, 8), (8,)]]

        @pt.function(input_signature=[pt.TensorSpec((3, 4, 2), pt.float32), pt.TensorSpec((3, 4), pt.bool)])
        def grad(self, x, mask):
            with pt.GradientTape() as tape:
                _, h, _ = pt._core.lstm(x, pt.zeros((3, 2)), pt.zeros((3, 2)), *self.weights, mask=mask)
                loss = pt.reduce_sum(h * h)
            return tape.gradient(loss, self.weights)

    module = Grad()
    pt.saved_model.save(module, str(tmp_path / "grad"))
    loaded = pt.saved_model.load(str(tmp_path / "grad"))
    assert "lstm_grad" in {o.type for o in module.grad.get_concrete_function().graph.get_operations()}
    for _ in range(2):
        x, mask = rng.normal(size=(3, 4, 2)).astype(np.float32), rng.random((3, 4)) > 0.3
        for want, got in zip(module.grad(x, mask), loaded.grad(x, mask)):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
