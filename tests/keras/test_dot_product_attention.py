"""The fused dot_product_attention op as the Keras layers and keras.ops reach it: MultiHeadAttention's fused path
against its composed path (the one it takes for returned scores) and against numpy, masks (causal, padding, a query
step masked whole), gradients and second gradients, graph tracing, and bad input. The op itself is also checked by
tests/op_db/attention.py (forward, gradcheck, gradgradcheck); Keras's recorded numbers by test_attention.py
(MultiHeadAttention) and test_keras_ops.py (keras.ops.dot_product_attention)."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers


def numpy_attention(q, k, v, keep=None):
    """softmax(q k^T, masked to -1e9) v per (batch, head) in float64, (B, T, N, H) operands."""
    scores = np.einsum("btnh,bsnh->bnts", q, k)
    if keep is not None:
        scores = np.where(keep, scores, -1e9)
    e = np.exp(scores - scores.max(-1, keepdims=True))
    return np.einsum("bnts,bsnh->btnh", e / e.sum(-1, keepdims=True), v)


def make_mha(dtype="float32", seed=0):
    mha = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5, dtype=dtype)
    mha.build((2, 6, 7), (2, 6, 7))
    rng = np.random.default_rng(seed)
    mha.set_weights([rng.standard_normal(tuple(w.shape)).astype(dtype) * 0.4 for w in mha.weights])
    return mha


def fused_and_composed(mha, x, monkeypatch, **kwargs):
    """The layer's output by the fused op (asserting that it ran once), and by its composed path (taken when the
    scores are returned; asserting that the op did not run)."""
    calls = []
    fused_op = pt._core.dot_product_attention
    monkeypatch.setattr(pt._core, "dot_product_attention", lambda *args: calls.append(1) or fused_op(*args))
    fused = mha(x, x, **kwargs)
    assert len(calls) == 1
    composed, _ = mha(x, x, return_attention_scores=True, **kwargs)
    assert len(calls) == 1
    return fused, composed


@pytest.mark.parametrize("kwargs", [{}, {"use_causal_mask": True}], ids=["unmasked", "causal"])
def test_mha_fused_path_matches_composed_path_and_numpy(kwargs, monkeypatch):
    mha = make_mha("float64")
    x = pt.constant(np.random.default_rng(1).standard_normal((2, 6, 7)))
    fused, composed = fused_and_composed(mha, x, monkeypatch, **kwargs)
    np.testing.assert_allclose(fused.numpy(), composed.numpy(), rtol=1e-12, atol=1e-12)
    # The same layer by hand in numpy: Keras's einsum projections, then attention, then the output projection.
    wq, bq, wk, bk, wv, bv, wo, bo = [w.numpy() for w in mha.weights]
    xn = x.numpy()
    q = (np.einsum("btd,dnh->btnh", xn, wq) + bq) / np.sqrt(4.0)
    k = np.einsum("btd,dnh->btnh", xn, wk) + bk
    v = np.einsum("btd,dnh->btnh", xn, wv) + bv
    keep = np.tri(6, 6, dtype=bool) if kwargs else None
    expected = np.einsum("btnh,nhd->btd", numpy_attention(q, k, v, keep), wo) + bo
    np.testing.assert_allclose(fused.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_mha_padding_mask_and_a_query_masked_whole():
    """A padding mask from Masking-style query / value masks; a query step whose keys are all masked attends
    uniformly in Keras 3's fused kernel, and the fused op gives the same."""
    mha = make_mha("float64")
    x = pt.constant(np.random.default_rng(2).standard_normal((2, 6, 7)))
    value_mask = np.array([[True] * 4 + [False] * 2, [True] * 6])
    attention_mask = np.ones((2, 6, 6), bool)
    attention_mask[1, 2] = False  # query step 2 of item 1 sees no key
    out = mha(x, x, value_mask=pt.constant(value_mask), attention_mask=pt.constant(attention_mask))
    wq, bq, wk, bk, wv, bv, wo, bo = [w.numpy() for w in mha.weights]
    xn = x.numpy()
    q = (np.einsum("btd,dnh->btnh", xn, wq) + bq) / 2.0
    k = np.einsum("btd,dnh->btnh", xn, wk) + bk
    v = np.einsum("btd,dnh->btnh", xn, wv) + bv
    keep = (attention_mask & value_mask[:, None, :])[:, None]
    heads = numpy_attention(q, k, v, keep)
    np.testing.assert_allclose(heads[1, 2], v[1].mean(axis=0), rtol=1e-12)  # uniform over all six keys
    expected = np.einsum("btnh,nhd->btd", heads, wo) + bo
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_mha_gradients_and_second_gradients_match_composed_path():
    mha = make_mha("float64")
    x = pt.constant(np.random.default_rng(3).standard_normal((2, 6, 7)))
    g = pt.constant(np.random.default_rng(4).standard_normal((2, 6, 7)))

    def grads(scores):
        with pt.GradientTape() as outer:
            outer.watch(x)
            with pt.GradientTape() as inner:
                inner.watch(x)
                out = mha(x, x, use_causal_mask=True, return_attention_scores=scores)
                out = out[0] if scores else out
                loss = pt.reduce_sum(out * g)
            first = inner.gradient(loss, [x] + mha.trainable_weights)
            second_loss = pt.reduce_sum(first[0] * first[0])
        return first, outer.gradient(second_loss, x)

    first_fused, second_fused = grads(False)
    first_composed, second_composed = grads(True)
    for a, b in zip(first_fused, first_composed):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(second_fused.numpy(), second_composed.numpy(), rtol=1e-9, atol=1e-11)


def test_fused_op_gradient_inside_a_traced_function_matches_eager():
    rng = np.random.default_rng(5)
    q, k, v = (pt.constant(rng.standard_normal((2, 4, 2, 3)).astype("float32")) for _ in range(3))
    bias, keep = pt.zeros((), "float32"), pt.constant(np.tri(4, 4, dtype=bool))

    def step(q, k, v):
        with pt.GradientTape() as tape:
            tape.watch([q, k, v])
            out = pt._core.dot_product_attention(q, k, v, bias, keep)
            loss = pt.reduce_sum(out * out)
        return [out] + tape.gradient(loss, [q, k, v])

    for eager, traced in zip(step(q, k, v), pt.function(step)(q, k, v)):
        np.testing.assert_allclose(traced.numpy(), eager.numpy(), rtol=1e-5, atol=1e-6)


def test_keras_ops_fused_path_matches_the_soft_capped_path_with_a_huge_cap():
    """attn_logits_soft_cap takes the composed ops; with a cap far above the scores tanh(s / cap) * cap = s."""
    rng = np.random.default_rng(6)
    q, k, v = (rng.standard_normal((2, 5, 4, 3)) for _ in range(3))
    bias, mask = rng.standard_normal((2, 4, 5, 5)), rng.random((2, 1, 5, 5)) > 0.3
    fused = keras.ops.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=0.7, is_causal=True)
    composed = keras.ops.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=0.7, is_causal=True,
                                               attn_logits_soft_cap=1e8)
    np.testing.assert_allclose(fused.numpy(), composed.numpy(), rtol=1e-9, atol=1e-12)


def test_bad_input_names_the_op_and_the_shapes():
    op = pt._core.dot_product_attention
    q, k = np.ones((2, 3, 2, 4), np.float32), np.ones((2, 5, 2, 4), np.float32)
    zero, yes = np.float32(0), np.array(True)
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"dot_product_attention.*\(2, 3, 2, 4\).*\(2, 5, 2, 3\)"):
        op(q, np.ones((2, 5, 2, 3), np.float32), np.ones((2, 5, 2, 4), np.float32), zero, yes)
    with pytest.raises(ValueError, match=r"dot_product_attention.*value \(2, 4, 2, 4\).*one length"):
        op(q, k, np.ones((2, 4, 2, 4), np.float32), zero, yes)
    with pytest.raises(ValueError, match=r"dot_product_attention: query, key and value must have rank 4"):
        op(np.ones((2, 3, 8), np.float32), k, k, zero, yes)
    with pytest.raises(ValueError, match=r"dot_product_attention: bias of shape \(3, 3\) does not broadcast.*"
                                         r"\(2, 2, 3, 5\)"):
        op(q, k, k, np.ones((3, 3), np.float32), yes)
    with pytest.raises(ValueError, match=r"dot_product_attention: mask of shape \(2, 3, 4\) does not broadcast"):
        op(q, k, k, zero, np.ones((2, 3, 4), bool))
    with pytest.raises(TypeError, match=r"dot_product_attention: mask must be bool"):
        op(q, k, k, zero, np.ones((2, 1, 3, 5), np.float32))
    with pytest.raises(TypeError, match=r"dot_product_attention: .*float32 and float64"):
        op(q, k.astype(np.float64), k, zero, yes)
    # The layer checks its attention mask itself, naming the layer.
    mha = make_mha()
    with pytest.raises(ValueError, match=r"MultiHeadAttention layer .*attention mask"):
        mha(np.ones((2, 6, 7), np.float32), np.ones((2, 6, 7), np.float32), attention_mask=np.ones((2, 5, 6), bool))
