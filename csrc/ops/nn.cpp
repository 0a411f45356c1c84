// Neural-network family: softmax and log_softmax (fused, stable). More nn kernels come with the nn issue.
#include <cmath>
#include <limits>

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
  if (pt_op_scope_.should_record()) {
    autograd::OpAttrs attrs;
    attrs.axis = axis;
    PT_RECORD(op, {logits}, {out}, std::move(attrs));
  }
  return out;
}
}  // namespace

Tensor softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::softmax, logits, axis); }

Tensor log_softmax(const Tensor& logits, int64_t axis) { return softmax_op(OpId::log_softmax, logits, axis); }

// ---- gradients -------------------------------------------------------------------------
namespace {

using autograd::mul;
using autograd::sub;
using Grads = std::vector<Tensor>;

Grads grad_softmax(const autograd::Node& n, const Grads& gs) {
  // dx = y * (g - sum(g * y, axis))
  const Tensor& y = n.outputs[0];
  const Tensor& g = gs[0];
  Tensor dot = reduce(OpId::reduce_sum, mul(g, y), {n.attrs.axis}, false, true);
  return {mul(y, sub(g, dot))};
}

Grads grad_log_softmax(const autograd::Node& n, const Grads& gs) {
  // dx = g - softmax(x) * sum(g, axis), with softmax(x) = exp(log_softmax(x))
  const Tensor& g = gs[0];
  Tensor total = reduce(OpId::reduce_sum, g, {n.attrs.axis}, false, true);
  return {sub(g, mul(unary(OpId::exp, n.outputs[0]), total))};
}

const bool registered = autograd::register_gradient(OpId::softmax, grad_softmax) &&
                        autograd::register_gradient(OpId::log_softmax, grad_log_softmax);

}  // namespace
}  // namespace pt::ops
