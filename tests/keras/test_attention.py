"""MultiHeadAttention, GroupQueryAttention, Attention and AdditiveAttention against real Keras 3 outputs for the same
weights (fixtures/layers_keras3_part2.npz), finite-difference gradients in float64, training runs, masks,
configs and bad input."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import PART2, assert_matches_keras, check_weight_gradients, reference

MHA_CASES = [
    ("mha_self", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), {}),
    ("mha_cross", lambda: layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=6), {}),
    ("mha_nobias", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=2, use_bias=False), {}),
    ("mha_mask_scores", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), {"return_attention_scores": True}),
    ("mha_causal", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3),
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("mha_value_mask", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), {"use_causal_mask": True}),
    ("mha_gate", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True), {}),
    ("mha_sliding", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3, sliding_window=2),
     {"use_causal_mask": True}),
    ("mha_2d_default", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), {"return_attention_scores": True}),
    ("mha_2d_axis2", lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(2,)),
     {"return_attention_scores": True}),
    ("gqa", lambda: layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2),
     {"return_attention_scores": True}),
    ("gqa_causal", lambda: layers.GroupQueryAttention(head_dim=2, num_query_heads=6, num_key_value_heads=3),
     {"use_causal_mask": True}),
    ("gqa_mask_nobias", lambda: layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1,
                                                           use_bias=False), {}),
]


@pytest.mark.parametrize("name,make,kwargs", MHA_CASES, ids=[c[0] for c in MHA_CASES])
def test_heads_attention_matches_keras(name, make, kwargs):
    assert_matches_keras(name, make(), fixture=PART2, positional=True, **kwargs)


def test_self_attention_shares_one_projection_with_the_general_path():
    """Self-attention projects query, key and value with one matmul; a copy of the query (not the same tensor)
    takes the three-matmul path and must give the same numbers."""
    data = reference(PART2)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    (fused,), _ = _run(layer, "mha_self", data)
    x = data["mha_self/x0"]
    apart = layer(pt.constant(x), pt.constant(x.copy())).numpy()
    np.testing.assert_allclose(fused, apart, rtol=0, atol=1e-6)


def _run(layer, name, data):
    from keras3_reference import run_case
    return run_case(name, layer, PART2, True)


def test_query_mask_carried_by_the_query_joins_the_attention_mask():
    data = reference(PART2)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer.build(data["mha_query_mask/x0"].shape, data["mha_query_mask/x1"].shape)
    layer.set_weights([data[f"mha_query_mask/w{i}"] for i in range(8)])
    query = pt.constant(data["mha_query_mask/x0"])
    query._keras_mask = pt.constant(data["mha_query_mask/query_mask"])
    out = layer(query, pt.constant(data["mha_query_mask/x1"]))
    np.testing.assert_allclose(out.numpy(), data["mha_query_mask/y0"], rtol=0, atol=1e-5)
    np.testing.assert_array_equal(out._keras_mask.numpy(), data["mha_query_mask/query_mask"])


def test_masks_flow_from_embedding_through_attention_in_a_model():
    """Embedding(mask_zero=True) -> self-attention in a functional model: padded key steps get no weight, so the
    outputs at the real steps equal attention over the real steps alone; the output carries the mask."""
    keras.utils.set_random_seed(3)
    tokens = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(10, 8, mask_zero=True)(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(embedded, embedded)
    model = keras.Model(tokens, attended)
    padded = model(np.array([[3, 4, 5, 0, 0]]))
    alone = model(np.array([[3, 4, 5]])).numpy()
    np.testing.assert_allclose(padded.numpy()[:, :3], alone, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(padded._keras_mask.numpy(), [[True, True, True, False, False]])
    embedding, mha = model.layers[1], model.layers[2]
    x = embedding(pt.constant(np.array([[3, 4, 5, 0, 0]])))
    unmasked = pt.constant(x.numpy())
    assert not np.allclose(mha(unmasked, unmasked).numpy()[:, :3], alone, atol=1e-3), "the mask changed nothing"


ATTENTION_CASES = [
    ("attention_dot", lambda: layers.Attention(), {}),
    ("attention_scale_concat", lambda: layers.Attention(use_scale=True, score_mode="concat"),
     {"return_attention_scores": True}),
    ("attention_scale_dot", lambda: layers.Attention(use_scale=True), {}),
    ("additive_attention", lambda: layers.AdditiveAttention(), {"return_attention_scores": True}),
    ("additive_attention_noscale", lambda: layers.AdditiveAttention(use_scale=False), {}),
]


@pytest.mark.parametrize("name,make,kwargs", ATTENTION_CASES, ids=[c[0] for c in ATTENTION_CASES])
def test_attention_matches_keras(name, make, kwargs):
    assert_matches_keras(name, make(), fixture=PART2, **kwargs)


def test_attention_masks_and_causal_mask_match_keras():
    data = reference(PART2)
    q, v, k = (pt.constant(data[f"attention_dot/x{i}"]) if i < 2 else pt.constant(data["additive_attention/x2"])
               for i in range(3))
    q_mask = pt.constant(data["attention_masks/q_mask"])
    v_mask = pt.constant(data["attention_masks/v_mask"])
    out = layers.Attention()([q, v, k], mask=[q_mask, v_mask])
    np.testing.assert_allclose(out.numpy(), data["attention_masks/y0"], rtol=0, atol=1e-5)
    np.testing.assert_array_equal(out._keras_mask.numpy(), data["attention_masks/q_mask"])
    causal = layers.Attention()([q, v], mask=[None, v_mask], use_causal_mask=True)
    np.testing.assert_allclose(causal.numpy(), data["attention_masks/causal"], rtol=0, atol=1e-5)
    additive = layers.AdditiveAttention()
    additive.build([tuple(q.shape), tuple(v.shape)])
    additive.set_weights([data["attention_masks/additive_w0"]])
    out = additive([q, v], mask=[q_mask, v_mask], use_causal_mask=True)
    np.testing.assert_allclose(out.numpy(), data["attention_masks/additive"], rtol=0, atol=1e-5)


def test_attention_masks_carried_by_the_inputs():
    data = reference(PART2)
    q, v = pt.constant(data["attention_dot/x0"]), pt.constant(data["attention_dot/x1"])
    q._keras_mask = pt.constant(data["attention_masks/q_mask"])
    v._keras_mask = pt.constant(data["attention_masks/v_mask"])
    expected = layers.Attention()([pt.constant(data["attention_dot/x0"]), pt.constant(data["attention_dot/x1"])],
                                  mask=[pt.constant(data["attention_masks/q_mask"]),
                                        pt.constant(data["attention_masks/v_mask"])])
    np.testing.assert_allclose(layers.Attention()([q, v]).numpy(), expected.numpy())


# ---- gradients (float64, central finite differences) ----
def _f64(shape, seed):
    return np.random.default_rng(seed).normal(size=shape)


@pytest.mark.parametrize("make,call", [
    (lambda: layers.MultiHeadAttention(2, 3, dtype="float64"), lambda layer, x: layer(x, x)),
    (lambda: layers.MultiHeadAttention(2, 2, value_dim=3, output_shape=5, use_gate=True, dtype="float64"),
     lambda layer, x: layer(x, pt.constant(_f64((2, 3, 4), 5)), use_causal_mask=True)),
    (lambda: layers.MultiHeadAttention(2, 2, attention_axes=(2,), dtype="float64"),
     lambda layer, x: layer(pt.reshape(x, [2, 2, 2, 4]), pt.reshape(x, [2, 2, 2, 4]))),
    (lambda: layers.GroupQueryAttention(2, 4, 2, dtype="float64"), lambda layer, x: layer(x, x, use_causal_mask=True)),
    (lambda: layers.Attention(use_scale=True, score_mode="concat", dtype="float64"),
     lambda layer, x: layer([x, pt.constant(_f64((2, 3, 4), 6))])),
    (lambda: layers.AdditiveAttention(dtype="float64"), lambda layer, x: layer([x, pt.constant(_f64((2, 3, 4), 6))])),
], ids=["mha_self", "mha_cross_gate_causal", "mha_axes", "gqa", "attention_concat", "additive"])
def test_weight_gradients_match_finite_differences(make, call):
    layer = make()
    x = _f64((2, 4, 4), 4)
    check_weight_gradients(layer, x, max_entries=10, call=lambda t: call(layer, t))


def test_input_gradient_matches_finite_differences():
    layer = layers.MultiHeadAttention(2, 3, dtype="float64")
    x_np = _f64((1, 3, 4), 8)
    r = pt.constant(_f64((1, 3, 4), 9))
    x = pt.constant(x_np)
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = pt.reduce_sum(layer(x, x) * r)
    grad = tape.gradient(loss, x).numpy()
    eps = 1e-6
    for index in [(0, 0, 0), (0, 1, 2), (0, 2, 3)]:
        up, down = x_np.copy(), x_np.copy()
        up[index] += eps
        down[index] -= eps
        numeric = (float(pt.reduce_sum(layer(pt.constant(up), pt.constant(up)) * r).numpy())
                   - float(pt.reduce_sum(layer(pt.constant(down), pt.constant(down)) * r).numpy())) / (2 * eps)
        assert abs(numeric - grad[index]) < 1e-6 * max(1.0, abs(numeric))


# ---- training ----
@pytest.mark.parametrize("attention", ["mha", "gqa", "attention"])
def test_training_lowers_the_loss(attention):
    """A small model learns to output, per step, the mean over the sequence (attention can compute it)."""
    keras.utils.set_random_seed(11)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(128, 6, 4)).astype(np.float32)
    y = np.repeat(x.mean(axis=1, keepdims=True), 6, axis=1)
    inputs = keras.Input(shape=(6, 4))
    if attention == "mha":
        hidden = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)(inputs, inputs)
    elif attention == "gqa":
        hidden = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)(inputs, inputs)
    else:
        hidden = layers.Attention(use_scale=True)([layers.Dense(4)(inputs), inputs])
    model = keras.Model(inputs, layers.Dense(4)(hidden))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=8, batch_size=32, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0], history


def test_dropout_only_in_training():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    x = pt.constant(np.random.default_rng(0).normal(size=(2, 5, 4)).astype(np.float32))
    _, probs = layer(x, x, return_attention_scores=True)
    inference = layer(x, x)
    np.testing.assert_allclose(layer(x, x, training=False).numpy(), inference.numpy())
    trained = layer(x, x, training=True).numpy()
    assert not np.allclose(trained, inference.numpy())
    # The returned scores are the probabilities before dropout: rows sum to 1.
    np.testing.assert_allclose(probs.numpy().sum(-1), 1.0, rtol=1e-5)


# ---- config ----
def test_config_keys_match_keras_and_round_trip():
    made = {"MultiHeadAttention": layers.MultiHeadAttention(2, 3), "Attention": layers.Attention(),
            "AdditiveAttention": layers.AdditiveAttention(),
            "GroupQueryAttention": layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)}
    for class_name, layer in made.items():
        assert sorted(layer.get_config()) == list(reference(PART2)[f"config/{class_name}"]), class_name
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
    mha = layers.MultiHeadAttention(4, 8, value_dim=2, dropout=0.25, output_shape=3, attention_axes=1)
    config = mha.get_config()
    assert (config["num_heads"], config["key_dim"], config["value_dim"], config["dropout"],
            config["output_shape"], config["attention_axes"]) == (4, 8, 2, 0.25, (3,), (1,))


def test_weight_names_and_shapes_follow_keras():
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=6)
    layer.build((2, 5, 4), (2, 3, 5), (2, 3, 7))
    assert [(w.path.split("/", 1)[1], tuple(w.shape)) for w in layer.weights] == [
        ("query/kernel", (4, 3, 2)), ("query/bias", (3, 2)), ("key/kernel", (7, 3, 2)), ("key/bias", (3, 2)),
        ("value/kernel", (5, 3, 4)), ("value/bias", (3, 4)), ("attention_output/kernel", (3, 4, 6)),
        ("attention_output/bias", (6,))]
    assert layers.GroupedQueryAttention is layers.GroupQueryAttention


# ---- bad input ----
def test_bad_input_raises_clear_errors():
    x = pt.ones((2, 5, 4))
    with pytest.raises(ValueError, match="rank >= 3"):
        layers.MultiHeadAttention(2, 3)(pt.ones((2, 4)), pt.ones((2, 4)))
    with pytest.raises(ValueError, match="value mask has shape"):
        layers.MultiHeadAttention(2, 3)(x, x, value_mask=pt.ones((2, 3), dtype=pt.bool))
    with pytest.raises(ValueError, match=r"attention mask .* does not fit"):
        layers.MultiHeadAttention(2, 3)(x, x, attention_mask=pt.ones((2, 4, 5), dtype=pt.bool))
    with pytest.raises(ValueError, match="`value` and `key`"):
        layers.MultiHeadAttention(2, 3)(x, pt.ones((2, 3, 4)), pt.ones((2, 2, 4)))
    with pytest.raises(ValueError, match="value is missing"):
        layers.MultiHeadAttention(2, 3)(x)
    built = layers.MultiHeadAttention(2, 3)
    built(x, x)
    with pytest.raises(ValueError, match=r"built for a value of rank 3 with 4 channels, received value shape"):
        built(x, pt.ones((2, 5, 6)))
    with pytest.raises(ValueError, match=r"built for a query of rank 3"):
        built(pt.ones((2, 5, 2, 4)), pt.ones((2, 5, 2, 4)))
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="divisible by `num_key_value_heads`"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=3)
    with pytest.raises(ValueError, match="last dimension of query and value"):
        layers.GroupQueryAttention(2, 2, 1)(x, pt.ones((2, 3, 5)))
    with pytest.raises(ValueError, match=r"list \[query, value\]"):
        layers.Attention()(x)
    with pytest.raises(ValueError, match="value mask has shape"):
        layers.Attention()([x, x], mask=[None, pt.ones((2, 3), dtype=pt.bool)])
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
