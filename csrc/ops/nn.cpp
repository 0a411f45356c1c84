// Neural-network family: softmax and log_softmax, the fused softmax cross-entropies, dropout.
#include <cmath>
#include <limits>
#include <memory>

#include <Eigen/Core>

#include "../core/parallel.h"
#include "../autograd/grad_utils.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** Softmax or log-softmax of each contiguous row of length n; one row is handled by one thread, in order. */
template <class T, bool kLog>
void softmax_rows(const T* in, T* out, int64_t rows, int64_t n) {
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(n, 1));
  parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* x = in + r * n;
      T* y = out + r * n;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t i = 0; i < n; ++i) m = (x[i] > m || std::isnan(x[i])) ? x[i] : m;
      if (!std::isfinite(m)) m = std::isnan(m) ? m : T(0);  // all -inf rows: exp(-inf) = 0, as TF
      T sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        T e = std::exp(x[i] - m);
        sum += e;
        if constexpr (!kLog) y[i] = e;
      }
      if constexpr (kLog) {
        const T shift = m + std::log(sum);
        for (int64_t i = 0; i < n; ++i) y[i] = x[i] - shift;
      } else {
        const T inv = T(1) / sum;
        for (int64_t i = 0; i < n; ++i) y[i] *= inv;
      }
    }
  });
}

/** Runs the row kernel along `axis`: moves it last (a view), makes rows dense, moves it back. */
Tensor softmax_along(const Tensor& x, int64_t axis, bool log, const char* name) {
  check_arg(x.ndim() >= 1, name, ": logits must have rank >= 1, got a scalar; reshape it to (1,) first");
  const int64_t ax = normalize_axis(axis, x.ndim(), name);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < x.ndim(); ++i)
    if (i != ax) perm.push_back(i);
  perm.push_back(ax);
  const bool moved = ax != x.ndim() - 1;
  Tensor rows = contiguous(moved ? transpose(x, perm) : x);
  Tensor out = Tensor::empty(rows.shape(), x.dtype());
  const int64_t n = x.dim(ax);
  const int64_t count = n == 0 ? 0 : rows.numel() / n;
  PT_DISPATCH_FLOAT(x.dtype(), name, {
    if (log) softmax_rows<scalar_t, true>(rows.data<scalar_t>(), out.data<scalar_t>(), count, n);
    else softmax_rows<scalar_t, false>(rows.data<scalar_t>(), out.data<scalar_t>(), count, n);
  });
  if (!moved) return out;
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
  return contiguous(transpose(out, inverse));
}

}  // namespace

namespace {
/** The shared body of softmax and log_softmax: kernel, then one tape record with the axis. */
Tensor softmax_op(OpId op, const Tensor& logits, int64_t axis) {
  PT_OP_SCOPE;
  Tensor out = softmax_along(logits, axis, op == OpId::log_softmax, op_def(op).name);
  PT_RECORD(op, {logits}, {out}, attrs::Axis{axis});
  return out;
}
}  // namespace

Tensor softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::softmax, logits, axis); }

Tensor log_softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::log_softmax, logits, axis); }

// ---- cross-entropy ---------------------------------------------------------------------
namespace {

template <class T> using RowMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

/** The row's max, or 0 when it is +-inf (exp(x - 0) is then exact) — NaN propagates. */
template <class T> T row_shift(const T* x, int64_t n) {
  const T m = RowMap<T>(x, n).template maxCoeff<Eigen::PropagateNaN>();
  return std::isinf(m) ? T(0) : m;
}

/** log(sum(exp(x))) of one row, with Eigen's SIMD exp; NaN propagates. */
template <class T> T row_logsumexp(const T* x, int64_t n) {
  const T m = row_shift(x, n);
  return m + std::log((RowMap<T>(x, n) - m).exp().sum());
}

/** Throws naming the first label outside [0, classes) and its row (before any parallel region). */
template <class I> void check_labels(const I* labels, int64_t rows, int64_t classes) {
  for (int64_t r = 0; r < rows; ++r)
    if (labels[r] < 0 || labels[r] >= classes)
      throw InvalidArgument(str_cat("sparse_softmax_cross_entropy_with_logits: received a label value of ",
                                    static_cast<int64_t>(labels[r]), " at row ", r,
                                    " which is outside the valid range of [0, ", classes,
                                    "); labels must be class indices smaller than logits.shape[-1]"));
}

/**
 * loss[r] = logsumexp(x[r]) - x[r, label[r]]. When `exps` is non-null it also keeps what the backward
 * needs: exps[r, i] = exp(x[r, i] - shift[r]) and inv_sum[r] = 1 / sum_i exps[r, i], so that
 * softmax = exps * inv_sum is never written separately (the backward folds the scale into its one pass).
 */
template <class T, class I>
void sparse_xent_rows(const T* x, const I* labels, T* loss, T* exps, T* inv_sum, int64_t rows, int64_t n) {
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(n, 1));
  parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* xr = x + r * n;
      const T m = row_shift(xr, n);
      T sum;
      if (exps) {
        Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> e(exps + r * n, n);
        e = (RowMap<T>(xr, n) - m).exp();
        sum = e.sum();
        inv_sum[r] = T(1) / sum;
      } else {
        sum = (RowMap<T>(xr, n) - m).exp().sum();
      }
      loss[r] = m + std::log(sum) - xr[static_cast<int64_t>(labels[r])];
    }
  });
}

/** loss[r] = sum_i labels[r, i] * (logsumexp(x[r]) - x[r, i]). */
template <class T> void dense_xent_rows(const T* x, const T* labels, T* loss, int64_t rows, int64_t n) {
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(n, 1));
  parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* xr = x + r * n;
      const T* lr = labels + r * n;
      const T lse = row_logsumexp(xr, n);
      T acc = 0;
      for (int64_t i = 0; i < n; ++i) acc += lr[i] * (lse - xr[i]);
      loss[r] = acc;
    }
  });
}

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
  const int64_t rows = n == 0 ? 0 : logits.numel() / n;
  check_arg(n > 0 || labels.numel() == 0, kName, ": logits of shape ", shape_str(logits.shape()),
            " have no classes, so every label is out of range");
  Tensor x = contiguous(logits);
  Tensor lab = contiguous(labels);
  Tensor loss = Tensor::empty(batch, logits.dtype());
  // The softmax's exps and 1 / sum per row, saved for the gradient when a tape tracks the logits.
  const bool save = pt_op_scope_.should_record() && autograd::is_tracked(logits);
  Tensor saved_exps, saved_inv_sum;
  if (save) {
    saved_exps = Tensor::empty(logits.shape(), logits.dtype());
    saved_inv_sum = Tensor::empty(batch, logits.dtype());
  }
  PT_DISPATCH_FLOAT(logits.dtype(), kName, {
    scalar_t* exps = save ? saved_exps.data<scalar_t>() : nullptr;
    scalar_t* inv = save ? saved_inv_sum.data<scalar_t>() : nullptr;
    if (lab.dtype() == DType::Int32) {
      check_labels(lab.data<int32_t>(), rows, n);
      sparse_xent_rows(x.data<scalar_t>(), lab.data<int32_t>(), loss.data<scalar_t>(), exps, inv, rows, n);
    } else {
      check_labels(lab.data<int64_t>(), rows, n);
      sparse_xent_rows(x.data<scalar_t>(), lab.data<int64_t>(), loss.data<scalar_t>(), exps, inv, rows, n);
    }
  });
  PT_RECORD(OpId::sparse_softmax_cross_entropy_with_logits, {labels, logits}, {loss}, attrs::None{},
            {saved_exps, saved_inv_sum});
  return loss;
}

Tensor softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits, int64_t axis) {
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
  Tensor loss = Tensor::empty(batch, logits.dtype());
  const int64_t n = logits.dim(ax);
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  PT_DISPATCH_FLOAT(logits.dtype(), kName, {
    if (n == 0) std::fill_n(loss.data<scalar_t>(), loss.numel(), scalar_t(0));
    dense_xent_rows(x.data<scalar_t>(), lab.data<scalar_t>(), loss.data<scalar_t>(), rows, n);
  });
  PT_RECORD(OpId::softmax_cross_entropy_with_logits, {labels, logits}, {loss}, attrs::Axis{ax});
  return loss;
}

// ---- dropout ---------------------------------------------------------------------------
Tensor dropout(const Tensor& x, double rate, const Shape& noise_shape, RandomSeed seed) {
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
  // The mask holds 0 or 1 / (1 - rate): it is the output's gradient factor too. TF keeps u >= rate.
  Tensor mask = random_uniform(noise_shape, 0.0, 1.0, x.dtype(), seed);
  PT_DISPATCH_FLOAT(x.dtype(), "dropout", {
    const scalar_t r = static_cast<scalar_t>(rate), scale = static_cast<scalar_t>(1.0 / (1.0 - rate));
    scalar_t* m = mask.data<scalar_t>();
    const int64_t count = mask.numel();
    parallel_for(count, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) m[i] = m[i] >= r ? scale : scalar_t(0);
    });
  });
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
  Tensor out = Tensor::empty(exps.shape(), exps.dtype());
  const int64_t classes = exps.shape().back();
  const int64_t rows = classes == 0 ? 0 : exps.numel() / classes;
  PT_DISPATCH_FLOAT(out.dtype(), "sparse_softmax_cross_entropy_with_logits gradient", {
    const scalar_t* e = exps.data<scalar_t>();
    const scalar_t* inv = inv_sum.data<scalar_t>();
    const scalar_t* g = upstream.data<scalar_t>();
    scalar_t* o = out.data<scalar_t>();
    auto label = [&](int64_t r) {
      return lab.dtype() == DType::Int32 ? int64_t(lab.data<int32_t>()[r]) : lab.data<int64_t>()[r];
    };
    const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(classes, 1));
    parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) {
        const scalar_t scale = g[r] * inv[r];
        const scalar_t* er = e + r * classes;
        scalar_t* orow = o + r * classes;
        for (int64_t i = 0; i < classes; ++i) orow[i] = scale * er[i];
        orow[label(r)] -= g[r];
      }
    });
  });
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

const bool registered = autograd::register_gradient(OpId::softmax, grad_softmax) &&
                        autograd::register_gradient(OpId::log_softmax, grad_log_softmax) &&
                        autograd::register_gradient(OpId::sparse_softmax_cross_entropy_with_logits,
                                                    grad_sparse_xent) &&
                        autograd::register_gradient(OpId::softmax_cross_entropy_with_logits, grad_dense_xent) &&
                        autograd::register_gradient(OpId::dropout, grad_dropout);

}  // namespace
}  // namespace pt::ops
