// Attention family: the fused scaled dot-product attention softmax(q k^T + bias) v over (batch, head) blocks
// (kernels: backend/cpu/attention.cpp). The backward is a fused kernel (Pass::Backward) reading the probabilities the
// forward saved; when an outer tape records the backward, or a graph is traced, it is written in public ops instead,
// so it differentiates again to any order.
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "grad_utils.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

using backend::kernel;

namespace {

constexpr const char* kName = "dot_product_attention";

/** (B, L, N, C) -> (B, N, L, C), a view. */
Tensor heads_first(const Tensor& x) { return transpose(x, {0, 2, 1, 3}); }

/** `x` with a unit channel stride, as the kernels' products read it (a copy only when it has none). */
Tensor unit_channels(const Tensor& x) { return x.dim(3) <= 1 || x.strides()[3] == 1 ? x : contiguous(x); }

/** softmax(q k^T + bias, masked) over the keys, (B, N, T, S), in public ops. */
Tensor composed_probs(const Tensor& q, const Tensor& k, const Tensor& bias, const Tensor& mask) {
  Tensor scores = autograd::add(matmul(heads_first(q), heads_first(k), false, true), bias);
  Tensor masked = where(mask, scores, autograd::scalar(-1e9, scores.dtype()));
  return softmax(masked, -1);
}

/** The (B, N, T, S) view of a bias or mask broadcast to the scores. */
Tensor over_scores(const Tensor& x, const Shape& scores) {
  return Tensor::view(x, scores, broadcast_strides(x.shape(), x.strides(), scores), x.offset());
}

void check_operands(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias, const Tensor& mask) {
  for (const Tensor* t : {&k, &v, &bias})
    if (t->dtype() != q.dtype())
      throw TypeError(str_cat(kName, ": query, key, value and bias must have one dtype; got query ",
                              dtype_name(q.dtype()), " and ", dtype_name(t->dtype()), "; cast them with pt.cast"));
  if (!is_floating(q.dtype())) throw_dtype_error(kName, q.dtype(), "a floating dtype (float32 or float64)");
  if (mask.dtype() != DType::Bool)
    throw TypeError(str_cat(kName, ": mask must be bool (True = attend), got ", dtype_name(mask.dtype()),
                            "; compare or cast it first"));
  check_arg(q.ndim() == 4 && k.ndim() == 4 && v.ndim() == 4, kName,
            ": query, key and value must have rank 4 (batch, length, heads, head_dim); got query ",
            shape_str(q.shape()), ", key ", shape_str(k.shape()), ", value ", shape_str(v.shape()));
  check_arg(q.dim(0) == k.dim(0) && k.dim(0) == v.dim(0) && q.dim(2) == k.dim(2) && k.dim(2) == v.dim(2) &&
                q.dim(3) == k.dim(3) && k.dim(1) == v.dim(1),
            kName, ": query ", shape_str(q.shape()), ", key ", shape_str(k.shape()), " and value ",
            shape_str(v.shape()), " do not fit: they need one batch and head count, the query's head_dim must equal "
            "the key's, and the key and value one length");
  const Shape scores{q.dim(0), q.dim(2), q.dim(1), k.dim(1)};
  for (const auto& [what, t] : {std::pair{"bias", &bias}, std::pair{"mask", &mask}}) {
    bool fits = t->ndim() <= 4;
    for (int64_t i = 1; fits && i <= t->ndim(); ++i)
      fits = t->dim(-i) == 1 || t->dim(-i) == scores[4 - i];
    check_arg(fits, kName, ": ", what, " of shape ", shape_str(t->shape()), " does not broadcast to the scores' shape ",
              shape_str(scores), " (batch, heads, query length, key length)");
  }
}

}  // namespace

Tensor dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& bias,
                             const Tensor& mask) {
  if (computes_in_float32(query.dtype()) && key.dtype() == query.dtype() && value.dtype() == query.dtype() &&
      bias.dtype() == query.dtype())
    return cast(dot_product_attention(widened(query), widened(key), widened(value), widened(bias), mask),
                query.dtype());
  check_operands(query, key, value, bias, mask);
  const int64_t batch = query.dim(0), tq = query.dim(1), heads = query.dim(2), tk = key.dim(1);
  if (query.numel() == 0 || key.numel() == 0 || value.numel() == 0)  // nothing for the kernels: the ops' own answer
    return heads_first(matmul(composed_probs(query, key, bias, mask), heads_first(value), false, false));
  PT_OP_SCOPE;
  const Shape scores{batch, heads, tq, tk};
  Tensor out = Tensor::empty({batch, tq, heads, value.dim(3)}, query.dtype(), query.device());
  // The probabilities, saved for the backward when a tape tracks an operand.
  const bool save = pt_op_scope_.should_record() && autograd::is_tracked_any({query, key, value, bias});
  Tensor probs = save ? Tensor::empty(scores, query.dtype(), query.device()) : Tensor();
  kernel<backend::AttentionKernel>(OpId::dot_product_attention, query.device(), query.dtype())(
      unit_channels(query), unit_channels(key), unit_channels(value), over_scores(bias, scores),
      over_scores(mask, scores), out, probs);
  PT_RECORD(OpId::dot_product_attention, {query, key, value, bias, mask}, {out}, attrs::None{}, {probs});
  return out;
}

namespace {

using autograd::mul;
using autograd::sub;
using Grads = std::vector<Tensor>;

Grads grad_attention(const autograd::Node& n, const Grads& gs) {
  const Tensor &q = n.inputs[0], &k = n.inputs[1], &v = n.inputs[2], &bias = n.inputs[3], &mask = n.inputs[4];
  const Tensor& dout = gs[0];
  Grads out(5);
  if (autograd::thread_state().observer || autograd::is_tracked_any({dout, q, k, v, bias}) || !n.saved[0].defined()) {
    // An outer tape records this backward pass, a graph is being traced, or the forward saved nothing: the
    // gradient in public ops, differentiable again. dS = P * (dP - rowsum(dP * P)) with dP = dO V^T, zero where
    // masked.
    Tensor p = composed_probs(q, k, bias, mask);
    Tensor g = heads_first(dout);
    Tensor dp = matmul(g, heads_first(v), false, true);
    Tensor ds = mul(p, sub(dp, reduce(OpId::reduce_sum, mul(dp, p), {-1}, false, true)));
    ds = where(mask, ds, autograd::scalar(0.0, ds.dtype()));
    if (n.wants(0)) out[0] = heads_first(matmul(ds, heads_first(k), false, false));
    if (n.wants(1)) out[1] = heads_first(matmul(ds, heads_first(q), true, false));
    if (n.wants(2)) out[2] = heads_first(matmul(p, g, true, false));
    if (n.wants(3)) out[3] = autograd::sum_to(ds, bias.shape());
    return out;
  }
  const Tensor& probs = n.saved[0];
  Tensor dq = Tensor::empty(q.shape(), q.dtype(), q.device());
  Tensor dk = Tensor::empty(k.shape(), k.dtype(), k.device());
  Tensor dv = Tensor::empty(v.shape(), v.dtype(), v.device());
  Tensor dscores = n.wants(3) ? Tensor::empty(probs.shape(), probs.dtype(), probs.device()) : Tensor();
  kernel<backend::AttentionGradKernel>(OpId::dot_product_attention, q.device(), q.dtype(), backend::Pass::Backward)(
      unit_channels(q), unit_channels(k), unit_channels(v), over_scores(mask, probs.shape()), probs, contiguous(dout),
      dq, dk, dv, dscores);
  if (dscores.defined()) out[3] = autograd::sum_to(dscores, bias.shape());
  return {dq, dk, dv, out[3], Tensor()};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::dot_product_attention)
      .invoke([](const Invocation& node) -> Outputs {
        return {dot_product_attention(node.in(0), node.in(1), node.in(2), node.in(3), node.in(4))};
      })
      .gradient(grad_attention)
      .doc("dot_product_attention(query, key, value, bias, mask, name=None)",
           "Computes softmax(query key^T + bias) value per batch item and head: fused scaled dot-product attention.",
           "query: (batch, query length, heads, head_dim), already scaled (e.g. by 1 / sqrt(head_dim)).\n"
           "key: (batch, key length, heads, head_dim).\n"
           "value: (batch, key length, heads, value head_dim).\n"
           "bias: added to the scores (batch, heads, query length, key length), broadcast.\n"
           "mask: bool, broadcast to the scores; True attends, a False score becomes -1e9 (Keras's masking).",
           "pt._core.dot_product_attention(np.ones((1, 2, 1, 2), np.float32), np.ones((1, 3, 1, 2), np.float32), "
           "np.ones((1, 3, 1, 2), np.float32), 0.0, True)  # [[[[1., 1.]], [[1., 1.]]]]",
           "keras.ops.dot_product_attention and the attention layers call it; its gradient is a fused kernel too.");
  return true;
}();

}  // namespace

}  // namespace pt::ops
