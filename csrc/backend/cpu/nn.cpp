// CPU kernels of the neural-network family: softmax and log_softmax, the fused softmax cross-entropies (and the
// sparse one's fused backward), dropout's mask.
#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "../../core/errors.h"
#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "exp.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::register_each;

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
      const T sum = exp_shifted_sum(x, n, m, kLog ? nullptr : y);
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

template <class T> using RowMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

/** The row's max, or 0 when it is +-inf (exp(x - 0) is then exact) — NaN propagates. */
template <class T> T row_shift(const T* x, int64_t n) {
  const T m = RowMap<T>(x, n).template maxCoeff<Eigen::PropagateNaN>();
  return std::isinf(m) ? T(0) : m;
}

/** log(sum(exp(x))) of one row; NaN propagates. */
template <class T> T row_logsumexp(const T* x, int64_t n) {
  const T m = row_shift(x, n);
  return m + std::log(exp_shifted_sum(x, n, m, static_cast<T*>(nullptr)));
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
      const T sum = exp_shifted_sum(xr, n, m, exps ? exps + r * n : nullptr);
      if (exps) inv_sum[r] = T(1) / sum;
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

/** The sparse cross-entropy's forward (see sparse_xent_rows), labels of type I. */
template <class T, class I>
void sparse_xent(const Tensor& logits, const Tensor& labels, const Tensor& loss, const Tensor& exps,
                 const Tensor& inv_sum) {
  const int64_t n = logits.shape().back();
  const int64_t rows = n == 0 ? 0 : logits.numel() / n;
  check_labels(labels.data<I>(), rows, n);
  sparse_xent_rows(logits.data<T>(), labels.data<I>(), loss.data<T>(), exps.defined() ? exps.data<T>() : nullptr,
                   inv_sum.defined() ? inv_sum.data<T>() : nullptr, rows, n);
}

/** The sparse cross-entropy's backward in one pass over what the forward saved: dlogits[r, i] = dy[r] *
 *  (exps[r, i] * inv_sum[r] - [i == label[r]]). */
template <class T>
void sparse_xent_backward(const Tensor& exps, const Tensor& inv_sum, const Tensor& lab, const Tensor& dy,
                          const Tensor& out) {
  const int64_t classes = exps.shape().back();
  const int64_t rows = classes == 0 ? 0 : exps.numel() / classes;
  const T* e = exps.data<T>();
  const T* inv = inv_sum.data<T>();
  const T* g = dy.data<T>();
  T* o = out.data<T>();
  auto label = [&](int64_t r) {
    return lab.dtype() == DType::Int32 ? int64_t(lab.data<int32_t>()[r]) : lab.data<int64_t>()[r];
  };
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(classes, 1));
  parallel_for(rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T scale = g[r] * inv[r];
      const T* er = e + r * classes;
      T* orow = o + r * classes;
      for (int64_t i = 0; i < classes; ++i) orow[i] = scale * er[i];
      orow[label(r)] -= g[r];
    }
  });
}

}  // namespace

void register_nn_kernels() {
  register_each(FloatTypes{}, OpId::softmax, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& rows, const Tensor& out) {
      const int64_t n = rows.shape().back();
      softmax_rows<T, false>(rows.data<T>(), out.data<T>(), n == 0 ? 0 : rows.numel() / n, n);
    };
  });
  register_each(FloatTypes{}, OpId::log_softmax, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& rows, const Tensor& out) {
      const int64_t n = rows.shape().back();
      softmax_rows<T, true>(rows.data<T>(), out.data<T>(), n == 0 ? 0 : rows.numel() / n, n);
    };
  });
  register_each(FloatTypes{}, OpId::sparse_softmax_cross_entropy_with_logits, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& logits, const Tensor& labels, const Tensor& loss, const Tensor& exps,
               const Tensor& inv_sum) {
      if (labels.dtype() == DType::Int32) sparse_xent<T, int32_t>(logits, labels, loss, exps, inv_sum);
      else sparse_xent<T, int64_t>(logits, labels, loss, exps, inv_sum);
    };
  });
  register_each(FloatTypes{}, OpId::sparse_softmax_cross_entropy_with_logits, Device::CPU,
                [](auto tag) { return &sparse_xent_backward<decltype(tag)>; }, backend::Pass::Backward);
  register_each(FloatTypes{}, OpId::softmax_cross_entropy_with_logits, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& x, const Tensor& labels, const Tensor& loss) {
      const int64_t n = x.shape().back();
      if (n == 0) std::fill_n(loss.data<T>(), loss.numel(), T(0));
      dense_xent_rows(x.data<T>(), labels.data<T>(), loss.data<T>(), n == 0 ? 0 : x.numel() / n, n);
    };
  });
  register_each(FloatTypes{}, OpId::dropout, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& uniform, double rate, const Tensor& mask) {
      // The mask holds 0 or 1 / (1 - rate): it is the output's gradient factor too. TF keeps u >= rate.
      const T r = static_cast<T>(rate), scale = static_cast<T>(1.0 / (1.0 - rate));
      const T* u = uniform.data<T>();
      T* m = mask.data<T>();
      parallel_for(mask.numel(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) m[i] = backend::dropout_mask(u[i], r, scale);
      });
    };
  });
}

}  // namespace pt::cpu
