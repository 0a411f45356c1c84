// Neural-network family: softmax and log_softmax, the fused softmax cross-entropies, dropout.
#include <memory>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "define_op.h"
#include "ops.h"
#include "random_seed.h"

namespace pt::ops {

using backend::kernel;

namespace {

/** Runs op's row kernel along `axis`: moves it last (a view), makes rows dense, moves it back. */
Tensor softmax_along(OpId op, const Tensor& x, int64_t axis) {
  const char* name = op_def(op).name;
  check_arg(x.ndim() >= 1, name, ": logits must have rank >= 1, got a scalar; reshape it to (1,) first");
  const int64_t ax = normalize_axis(axis, x.ndim(), name);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < x.ndim(); ++i)
    if (i != ax) perm.push_back(i);
  perm.push_back(ax);
  const bool moved = ax != x.ndim() - 1;
  backend::UnaryKernel* run = kernel<backend::UnaryKernel>(op, x.device(), x.dtype());
  Tensor rows = contiguous(moved ? transpose(x, perm) : x);
  Tensor out = Tensor::empty(rows.shape(), x.dtype(), x.device());
  run(rows, out);
  if (!moved) return out;
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
  return contiguous(transpose(out, inverse));
}

}  // namespace

namespace {
/** The shared body of softmax and log_softmax: kernel, then one tape record with the axis. */
Tensor softmax_op(OpId op, const Tensor& logits, int64_t axis) {
  if (computes_in_float32(logits.dtype())) return cast(softmax_op(op, widened(logits), axis), logits.dtype());
  PT_OP_SCOPE;
  Tensor out = softmax_along(op, logits, axis);
  PT_RECORD(op, {logits}, {out}, attrs::Axis{axis});
  return out;
}
}  // namespace

Tensor softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::softmax, logits, axis); }

Tensor log_softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::log_softmax, logits, axis); }

// ---- cross-entropy ---------------------------------------------------------------------
namespace {

/** `x` with `axis` moved last (a view). */
Tensor move_axis_last(const Tensor& x, int64_t axis) {
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < x.ndim(); ++i)
    if (i != axis) perm.push_back(i);
  perm.push_back(axis);
  return transpose(x, perm);
}

}  // namespace

Tensor sparse_softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits) {
  if (computes_in_float32(logits.dtype()))
    return cast(sparse_softmax_cross_entropy_with_logits(labels, widened(logits)), logits.dtype());
  PT_OP_SCOPE;
  constexpr const char* kName = "sparse_softmax_cross_entropy_with_logits";
  check_arg(logits.ndim() >= 1, kName, ": logits must have rank >= 1 (..., num_classes), got a scalar");
  if (labels.dtype() != DType::Int32 && labels.dtype() != DType::Int64)
    throw_dtype_error(kName, labels.dtype(), "int32 or int64 for the labels (class indices)");
  const Shape batch(logits.shape().begin(), logits.shape().end() - 1);
  check_arg(labels.shape() == batch, kName, ": labels of shape ", shape_str(labels.shape()),
            " must have the shape of logits without its last dimension, ", shape_str(batch), " for logits of shape ",
            shape_str(logits.shape()), "; for one-hot labels use softmax_cross_entropy_with_logits");
  const int64_t n = logits.shape().back();
  check_arg(n > 0 || labels.numel() == 0, kName, ": logits of shape ", shape_str(logits.shape()),
            " have no classes, so every label is out of range");
  backend::SparseXentKernel* run = kernel<backend::SparseXentKernel>(OpId::sparse_softmax_cross_entropy_with_logits,
                                                                     logits.device(), logits.dtype());
  Tensor loss = Tensor::empty(batch, logits.dtype(), logits.device());
  // The softmax's exps and 1 / sum per row, saved for the gradient when a tape tracks the logits.
  const bool save = pt_op_scope_.should_record() && autograd::is_tracked(logits);
  Tensor saved_exps, saved_inv_sum;
  if (save) {
    saved_exps = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
    saved_inv_sum = Tensor::empty(batch, logits.dtype(), logits.device());
  }
  run(contiguous(logits), contiguous(labels), loss, saved_exps, saved_inv_sum);
  PT_RECORD(OpId::sparse_softmax_cross_entropy_with_logits, {labels, logits}, {loss}, attrs::None{},
            {saved_exps, saved_inv_sum});
  return loss;
}

Tensor softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits, int64_t axis) {
  if (computes_in_float32(logits.dtype()) && labels.dtype() == logits.dtype())
    return cast(softmax_cross_entropy_with_logits(widened(labels), widened(logits), axis), logits.dtype());
  PT_OP_SCOPE;
  constexpr const char* kName = "softmax_cross_entropy_with_logits";
  check_arg(logits.ndim() >= 1, kName, ": logits must have rank >= 1 (..., num_classes), got a scalar");
  if (labels.dtype() != logits.dtype())
    throw TypeError(str_cat(kName, ": labels (", dtype_name(labels.dtype()), ") and logits (",
                            dtype_name(logits.dtype()), ") must have the same dtype; cast the labels with pt.cast"));
  check_arg(broadcast_shapes(labels.shape(), logits.shape(), kName) == logits.shape(), kName, ": labels of shape ",
            shape_str(labels.shape()), " do not broadcast to the logits' shape ", shape_str(logits.shape()));
  const int64_t ax = normalize_axis(axis, logits.ndim(), kName);
  Tensor x = contiguous(move_axis_last(logits, ax));
  Tensor lab = contiguous(move_axis_last(broadcast_to(labels, logits.shape()), ax));
  const Shape batch(x.shape().begin(), x.shape().end() - 1);
  backend::BinaryKernel* run =
      kernel<backend::BinaryKernel>(OpId::softmax_cross_entropy_with_logits, logits.device(), logits.dtype());
  Tensor loss = Tensor::empty(batch, logits.dtype(), logits.device());
  run(x, lab, loss);
  PT_RECORD(OpId::softmax_cross_entropy_with_logits, {labels, logits}, {loss}, attrs::Axis{ax});
  return loss;
}

// ---- dropout ---------------------------------------------------------------------------
Tensor dropout(const Tensor& x, double rate, const Shape& noise_shape, RandomSeed seed) {
  if (computes_in_float32(x.dtype())) return cast(dropout(widened(x), rate, noise_shape, seed), x.dtype());
  PT_OP_SCOPE;
  check_arg(rate >= 0 && rate < 1, "dropout: rate must be a scalar in [0, 1) (the fraction of units dropped), got ",
            rate);
  if (!is_floating(x.dtype())) throw_dtype_error("dropout", x.dtype(), "a floating dtype (float32 or float64)");
  bool broadcasts = static_cast<int64_t>(noise_shape.size()) <= x.ndim();
  for (size_t i = 1; broadcasts && i <= noise_shape.size(); ++i) {
    const int64_t n = noise_shape[noise_shape.size() - i];
    broadcasts = n == 1 || n == x.shape()[x.shape().size() - i];
  }
  check_arg(broadcasts, "dropout: noise_shape ", shape_str(noise_shape), " does not broadcast to the input's shape ",
            shape_str(x.shape()), "; each of its dimensions must be 1 or match x's");
  // TF's dropout draws random_uniform's numbers (its seed reserved here, so that the recorded node replays them); at
  // rate 0 it draws none and its stream stays put (whatever is drawn here then, every unit is kept).
  if (rate > 0)
    seed = reserve_seed(seed, OpId::random_uniform, x.dtype(), x.dtype(),
                        static_cast<uint64_t>(numel(noise_shape)) * kBlocksPerOutput);
  else if (seed.counter == kUnreserved)
    seed.counter = 0;
  // The kernel turns the uniform draws into the mask, 0 or 1 / (1 - rate): the output's gradient factor too.
  Tensor mask = random_uniform(noise_shape, 0.0, 1.0, x.dtype(), seed);
  kernel<backend::DropoutKernel>(OpId::dropout, x.device(), x.dtype())(mask, rate, mask);
  Tensor out = binary(OpId::multiply, x, mask);
  PT_RECORD(OpId::dropout, {x}, {out}, attrs::Dropout{rate, noise_shape, seed}, {mask});
  return out;
}

// ---- gradients -------------------------------------------------------------------------
namespace {

using autograd::mul;
using autograd::sub;
using Grads = std::vector<Tensor>;

Grads grad_softmax(const autograd::Node& n, const Grads& gs) {
  // dx = y * (g - sum(g * y, axis))
  const Tensor& y = n.outputs[0];
  const Tensor& g = gs[0];
  Tensor dot = reduce(OpId::reduce_sum, mul(g, y), {n.attr<attrs::Axis>().axis}, false, true);
  return {mul(y, sub(g, dot))};
}

Grads grad_log_softmax(const autograd::Node& n, const Grads& gs) {
  // dx = g - softmax(x) * sum(g, axis), with softmax(x) = exp(log_softmax(x))
  const Tensor& g = gs[0];
  Tensor total = reduce(OpId::reduce_sum, g, {n.attr<attrs::Axis>().axis}, false, true);
  return {sub(g, mul(unary(OpId::exp, n.outputs[0]), total))};
}

Grads grad_sparse_xent(const autograd::Node& n, const Grads& gs) {
  const Tensor& labels = n.inputs[0];
  const Tensor& logits = n.inputs[1];
  const Tensor& dy = gs[0];
  if (autograd::thread_state().observer || autograd::is_tracked_any({dy, logits}) || !n.saved[0].defined()) {
    // An outer tape records this backward pass, a graph is being traced (it records ops only), or the forward saved
    // nothing (no tape tracked the logits then): rebuild it from public ops so it can be differentiated again.
    Tensor onehot = one_hot(labels, logits.shape().back(), 1.0, 0.0, -1, logits.dtype());
    return {Tensor(), mul(expand_dims(dy, -1), sub(softmax(logits, -1), onehot))};
  }
  // One pass over what the forward saved: dlogits[r, i] = dy[r] * (exps[r, i] * inv_sum[r] - [i == label[r]]).
  const Tensor &exps = n.saved[0], &inv_sum = n.saved[1];
  Tensor upstream = contiguous(dy);
  Tensor lab = contiguous(labels);
  Tensor out = Tensor::empty(exps.shape(), exps.dtype(), exps.device());
  kernel<backend::SparseXentGradKernel>(OpId::sparse_softmax_cross_entropy_with_logits, out.device(), out.dtype(),
                                        backend::Pass::Backward)(exps, inv_sum, lab, upstream, out);
  return {Tensor(), out};
}

Grads grad_dense_xent(const autograd::Node& n, const Grads& gs) {
  // loss = -sum(l * log_softmax(x)): dx = dy * (softmax(x) * sum(l) - l) (TF drops sum(l), assuming it is 1),
  // dl = -dy * log_softmax(x).
  const Tensor& labels = n.inputs[0];
  const Tensor& logits = n.inputs[1];
  const int64_t ax = n.attr<attrs::Axis>().axis;
  Tensor dy = expand_dims(gs[0], ax);
  Tensor lsm = log_softmax(logits, ax);
  Grads out(2);
  if (n.wants(1)) {
    Tensor total = reduce(OpId::reduce_sum, broadcast_to(labels, logits.shape()), {ax}, false, true);
    out[1] = mul(dy, sub(mul(unary(OpId::exp, lsm), total), labels));
  }
  if (n.wants(0)) out[0] = autograd::sum_to(autograd::neg(mul(dy, lsm)), labels.shape());
  return out;
}

Grads grad_dropout(const autograd::Node& n, const Grads& gs) {
  return {mul(gs[0], n.saved[0])};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::softmax)
      .invoke([](const Invocation& node) -> Outputs { return {softmax(node.in(0), node.attr<attrs::Axis>().axis)}; })
      .gradient(grad_softmax)
      .doc("softmax(logits, axis=None, name=None)",
           "Computes softmax activations.",
           "logits: unscaled log-probabilities, a float tensor.\n"
           "axis: the axis to normalise over (default -1, the last).",
           "pt.nn.softmax([[1.0, 2.0, 3.0]])  # [[0.09 , 0.2447, 0.6652]]")
      .exports("tf.nn");
  define_op(OpId::log_softmax)
      .invoke([](const Invocation& node) -> Outputs {
        return {log_softmax(node.in(0), node.attr<attrs::Axis>().axis)};
      })
      .gradient(grad_log_softmax)
      .doc("log_softmax(logits, axis=None, name=None)",
           "Computes log softmax activations.",
           "logits: unscaled log-probabilities, a float tensor.\n"
           "axis: the axis to normalise over (default -1, the last).",
           "pt.nn.log_softmax([[1.0, 2.0, 3.0]])  # [[-2.4076, -1.4076, -0.4076]]")
      .exports("tf.nn");
  define_op(OpId::sparse_softmax_cross_entropy_with_logits)
      .invoke([](const Invocation& node) -> Outputs {
        return {sparse_softmax_cross_entropy_with_logits(node.in(0), node.in(1))};
      })
      .gradient(grad_sparse_xent)
      .doc("sparse_softmax_cross_entropy_with_logits(labels, logits, name=None)",
           "Computes sparse softmax cross entropy between `logits` and `labels`.",
           "labels: integer class indices, logits' shape without the last axis.\n"
           "logits: unscaled log-probabilities, shape labels.shape + [num_classes].",
           "pt.nn.sparse_softmax_cross_entropy_with_logits([1], [[2.0, 1.0]])  # [1.3133]")
      .exports("tf.nn");
  define_op(OpId::softmax_cross_entropy_with_logits)
      .invoke([](const Invocation& node) -> Outputs {
        return {softmax_cross_entropy_with_logits(node.in(0), node.in(1), node.attr<attrs::Axis>().axis)};
      })
      .gradient(grad_dense_xent)
      .doc("softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None)",
           "Computes softmax cross entropy between `logits` and `labels`.",
           "labels: a probability distribution per row (e.g. one-hot), logits' shape.\n"
           "logits: unscaled log-probabilities, a float tensor.\n"
           "axis: the class axis (default -1).",
           "pt.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[2.0, 1.0]])  # [1.3133]")
      .exports("tf.nn");
  define_op(OpId::dropout)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& d = node.attr<attrs::Dropout>();
        return {dropout(node.in(0), d.rate, d.noise_shape, d.seed)};
      })
      .gradient(grad_dropout)
      .internal("dropout(x, rate, noise_shape=None, seed=None, name=None)",
                "x / (1 - rate) where a uniform draw >= rate, else 0 (tf.nn.dropout wraps it).");
  return true;
}();

}  // namespace

}  // namespace pt::ops
