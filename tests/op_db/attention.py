"""The fused scaled dot-product attention (dot_product_attention) against numpy's softmax(q k^T + bias, masked) v:
unmasked, padding and causal masks, a query row masked whole, broadcast biases and masks, non-contiguous operands;
its gradients (the fused backward, and the composed one under an outer tape) by the generic gradient checks."""
from __future__ import annotations

import numpy as np

from .common import FLOATS, INTS, Domain, OpInfo, SampleInput, make


def ref_attention(q, k, v, bias, mask):
    """softmax over the keys of q . k + bias, a masked score replaced by -1e9 (Keras's masking), times v."""
    scores = np.einsum("btnh,bsnh->bnts", q, k) + bias
    scores = np.where(mask, scores, np.asarray(-1e9, scores.dtype))
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.einsum("bnts,bsnh->btnh", e / e.sum(axis=-1, keepdims=True), v).astype(q.dtype)


# (batch, query length, key length, heads, head_dim, value head_dim, bias shape, mask kind, layout of q and k)
ATTENTION_CASES = [
    (2, 3, 4, 2, 3, 2, (), "none", "contiguous"),
    (2, 3, 3, 2, 2, 3, (2, 2, 3, 3), "causal", "strided"),
    (1, 4, 5, 3, 2, 2, (1, 4, 5), "padding", "contiguous"),
    (2, 2, 3, 1, 4, 1, (3,), "random", "transposed"),
    (3, 17, 9, 2, 8, 5, (3, 1, 1, 9), "padding", "contiguous"),
]


def _mask(kind, b, n, t, s, rng):
    if kind == "none":
        return np.asarray(True)
    if kind == "causal":
        return np.tri(t, s, dtype=bool)
    if kind == "padding":  # (B, 1, 1, S): the last keys of each item padded; item 0 keeps one key only
        lengths = np.maximum(1, s - np.arange(b) - 1)
        lengths[0] = 1
        return (np.arange(s)[None, :] < lengths[:, None])[:, None, None, :]
    keep = rng.random((b, n, t, s)) > 0.4
    keep[0, 0, 1] = False  # one query step with every key masked: uniform weights
    return keep


def sample_attention(op, dtype, rng):
    for b, t, s, n, h, hv, bias_shape, kind, layout in ATTENTION_CASES:
        if dtype == "float64" and b * t * s * n > 400:
            continue  # keeps the finite differences small
        q = make((b, t, n, h), dtype, rng, Domain(-1, 1), layout)
        k = make((b, s, n, h), dtype, rng, Domain(-1, 1), layout)
        v = make((b, s, n, hv), dtype, rng, Domain(-1, 1))
        bias = make(bias_shape, dtype, rng, Domain(-0.5, 0.5))
        yield SampleInput((q, k, v, bias, _mask(kind, b, n, t, s, rng)),
                          desc=f"{layout} q {q.shape} k {k.shape} v {v.shape} bias {bias_shape} mask {kind}")


ROWS = [
    OpInfo(name="dot_product_attention", family="attention", api="_core.dot_product_attention", ref=ref_attention,
           sample_inputs_func=sample_attention, dtypes=FLOATS, unsupported_dtypes=INTS, differentiable=True,
           num_inputs=5, grad_argnums=(0, 1, 2, 3), tols={"float32": (1e-5, 1e-6)}),
]
