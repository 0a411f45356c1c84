// CPU kernels of dot_product_attention and its fused backward: one (batch, head) block at a time, its score matrix
// kept in cache between the products and the softmax, the products run by the tiled GEMM (gemm.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "exp.h"
#include "gemm.h"
#include "register.h"
#include "scratch.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::register_each;

/** The strides of a (B, L, N, C) operand, in elements. */
struct Layout4 {
  int64_t b, l, n, c;
  explicit Layout4(const Tensor& x) : b(x.strides()[0]), l(x.strides()[1]), n(x.strides()[2]), c(x.strides()[3]) {}
};

/** The block's rows x cols dense `src` written into (row stride `dst_row`, unit column stride) `dst`. */
template <class T>
void scatter_rows(const T* src, int64_t rows, int64_t cols, T* dst, int64_t dst_row) {
  for (int64_t r = 0; r < rows; ++r) std::copy_n(src + r * cols, cols, dst + r * dst_row);
}

/** Softmax of each of the `rows` dense rows of length n in place (row max shift; an all -inf row gives 0s, as TF). */
template <class T>
void softmax_rows_inplace(T* p, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    T* x = p + r * n;
    T m = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(x, n).template maxCoeff<Eigen::PropagateNaN>();
    if (std::isinf(m)) m = T(0);
    const T inv = T(1) / exp_shifted_sum(x, n, m, x);
    for (int64_t i = 0; i < n; ++i) x[i] *= inv;
  }
}

/** Keras's masked score: small enough to vanish in the softmax; a row masked whole attends uniformly. */
template <class T>
constexpr T kMaskedScore = T(-1e9);

/** True when `x` is one value broadcast everywhere (every stride 0). */
bool broadcast_scalar(const Tensor& x) {
  return std::all_of(x.strides().begin(), x.strides().end(), [](int64_t s) { return s == 0; });
}

template <class T>
void attention_forward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias, const Tensor& mask,
                       const Tensor& out, const Tensor& probs) {
  const int64_t batch = q.dim(0), tq = q.dim(1), heads = q.dim(2), hd = q.dim(3);
  const int64_t tk = k.dim(1), hv = v.dim(3);
  const Layout4 qs(q), ks(k), vs(v);
  const Strides &bst = bias.strides(), &mst = mask.strides();
  const T *qd = q.data<T>(), *kd = k.data<T>(), *vd = v.data<T>(), *bd = bias.data<T>();
  const bool* md = mask.data<bool>();
  T* od = out.data<T>();
  T* pd = probs.defined() ? probs.data<T>() : nullptr;
  // A finite bias that is one value shifts every score alike, which the softmax ignores; a mask true everywhere
  // masks nothing: both passes are then skipped.
  const bool add_bias = !(broadcast_scalar(bias) && std::isfinite(bd[0]));
  const bool apply_mask = !(broadcast_scalar(mask) && md[0]);
  parallel_for(batch * heads, 1, [&](int64_t lo, int64_t hi) {
    Scratch scratch(sizeof(T) * (tq * tk + tq * hv));
    T* buf = static_cast<T*>(scratch.p);
    if (!buf) throw std::bad_alloc();
    for (int64_t bh = lo; bh < hi; ++bh) {
      const int64_t b = bh / heads, n = bh % heads;
      T* scores = pd ? pd + bh * tq * tk : buf;
      T* o = buf + tq * tk;
      const T* qb = qd + b * qs.b + n * qs.n;
      const T* kb = kd + b * ks.b + n * ks.n;
      const T* vb = vd + b * vs.b + n * vs.n;
      // scores = Q K^T: K^T's element (c, s) is kb[s * ks.l + c].
      gemm<T>(tq, tk, hd, {qb, qs.l, 1}, {kb, 1, ks.l}, scores);
      const T* bb = bd + b * bst[0] + n * bst[1];
      const bool* mb = md + b * mst[0] + n * mst[1];
      for (int64_t t = 0; t < tq && (add_bias || apply_mask); ++t) {
        T* row = scores + t * tk;
        const T* brow = bb + t * bst[2];
        const bool* mrow = mb + t * mst[2];
        if (add_bias && bst[3] == 1) {
          for (int64_t s = 0; s < tk; ++s) row[s] += brow[s];
        } else if (add_bias) {
          for (int64_t s = 0; s < tk; ++s) row[s] += brow[s * bst[3]];
        }
        if (apply_mask && mst[3] == 0) {
          if (!mrow[0]) std::fill_n(row, tk, kMaskedScore<T>);
        } else if (apply_mask) {
          for (int64_t s = 0; s < tk; ++s) row[s] = mrow[s * mst[3]] ? row[s] : kMaskedScore<T>;
        }
      }
      softmax_rows_inplace(scores, tq, tk);
      gemm<T>(tq, hv, tk, {scores, tk, 1}, {vb, vs.l, 1}, o);
      scatter_rows(o, tq, hv, od + b * tq * heads * hv + n * hv, heads * hv);
    }
  });
}

template <class T>
void attention_backward(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, const Tensor& probs,
                        const Tensor& dout,
                        const Tensor& dq, const Tensor& dk, const Tensor& dv, const Tensor& dscores) {
  const int64_t batch = q.dim(0), tq = q.dim(1), heads = q.dim(2), hd = q.dim(3);
  const int64_t tk = k.dim(1), hv = v.dim(3);
  const Layout4 qs(q), ks(k), vs(v);
  const T *qd = q.data<T>(), *kd = k.data<T>(), *vd = v.data<T>(), *pd = probs.data<T>(), *god = dout.data<T>();
  const Strides& mst = mask.strides();
  const bool* md = mask.data<bool>();
  const bool apply_mask = !(broadcast_scalar(mask) && md[0]);
  T *dqd = dq.data<T>(), *dkd = dk.data<T>(), *dvd = dv.data<T>();
  T* dsd = dscores.defined() ? dscores.data<T>() : nullptr;
  parallel_for(batch * heads, 1, [&](int64_t lo, int64_t hi) {
    const int64_t widest = std::max({tq * hd, tk * hd, tk * hv});
    Scratch scratch(sizeof(T) * (tq * tk + widest));
    T* buf = static_cast<T*>(scratch.p);
    if (!buf) throw std::bad_alloc();
    for (int64_t bh = lo; bh < hi; ++bh) {
      const int64_t b = bh / heads, n = bh % heads;
      const T* p = pd + bh * tq * tk;
      T* ds = dsd ? dsd + bh * tq * tk : buf;
      T* small = buf + tq * tk;
      const T* qb = qd + b * qs.b + n * qs.n;
      const T* kb = kd + b * ks.b + n * ks.n;
      const T* vb = vd + b * vs.b + n * vs.n;
      const T* gob = god + b * tq * heads * hv + n * hv;
      // dV = P^T dO
      gemm<T>(tk, hv, tq, {p, 1, tk}, {gob, heads * hv, 1}, small);
      scatter_rows(small, tk, hv, dvd + b * tk * heads * hv + n * hv, heads * hv);
      // dP = dO V^T, then dS = P * (dP - rowsum(dP * P)), zero where masked (the score did not depend on q, k, bias).
      gemm<T>(tq, tk, hv, {gob, heads * hv, 1}, {vb, 1, vs.l}, ds);
      const bool* mb = md + b * mst[0] + n * mst[1];
      for (int64_t t = 0; t < tq; ++t) {
        T* row = ds + t * tk;
        const T* prow = p + t * tk;
        const bool* mrow = mb + t * mst[2];
        T dot = 0;
        for (int64_t s = 0; s < tk; ++s) dot += row[s] * prow[s];
        if (apply_mask) {
          for (int64_t s = 0; s < tk; ++s) row[s] = mrow[s * mst[3]] ? prow[s] * (row[s] - dot) : T(0);
        } else {
          for (int64_t s = 0; s < tk; ++s) row[s] = prow[s] * (row[s] - dot);
        }
      }
      // dQ = dS K, dK = dS^T Q
      gemm<T>(tq, hd, tk, {ds, tk, 1}, {kb, ks.l, 1}, small);
      scatter_rows(small, tq, hd, dqd + b * tq * heads * hd + n * hd, heads * hd);
      gemm<T>(tk, hd, tq, {ds, 1, tk}, {qb, qs.l, 1}, small);
      scatter_rows(small, tk, hd, dkd + b * tk * heads * hd + n * hd, heads * hd);
    }
  });
}

}  // namespace

void register_attention_kernels() {
  register_each(FloatTypes{}, OpId::dot_product_attention, Device::CPU,
                [](auto tag) { return &attention_forward<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::dot_product_attention, Device::CPU,
                [](auto tag) { return &attention_backward<decltype(tag)>; }, backend::Pass::Backward);
}

}  // namespace pt::cpu
