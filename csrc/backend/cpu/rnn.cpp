// Fused recurrent kernels over a whole sequence (Keras's SimpleRNN, GRU in both reset_after variants, LSTM):
//  - forward: the input projection x @ kernel for every timestep as one GEMM, then per step one h @ recurrent_kernel
//    product (two for GRU without reset_after) and one pass over each row's gate block that adds the projection and
//    the biases, applies the gate non-linearities (SIMD) and updates the states;
//  - what the backward needs goes to one buffer, a row of rnn_saved_width values per (sample, timestep);
//  - backward: back through time, one pass per step over the gate gradients and one product into the state
//    gradient; the weight, bias and input gradients are GEMMs (column sums) over all timesteps at the end.
// The samples of a batch are independent through time, so the batch is cut into fixed blocks of rows, each run
// through the whole sequence by one thread: no synchronisation per step, and (the blocks depending on the batch
// size only) results that do not depend on the thread count. The recurrent kernel is packed for Eigen's GEBP once
// per op, not once per step.
#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "exp.h"
#include "gemm.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::RnnActivation;
using backend::RnnCell;
using backend::RnnDims;
using Eigen::Index;

/**
 * Rows of the batch one thread carries through the sequence, fixed so results are too. The rows are GEBP's right
 * operand (the packed weight its left), whose panels are 4 rows: 16 keeps the product efficient and gives Keras's
 * default batch of 32 two threads.
 */
constexpr int64_t kRowBlock = 16;

// ---- activations -----------------------------------------------------------------------------------------------

/**
 * The logistic in every lane as 1 / (1 + e^-x): a few ulp (exp.h's sigmoid_f32, within one, corrects the quotient by
 * its remainder, which costs a third of a gate pass). 0 below -88.7 (e^-x overflows), 1 above 17.
 */
inline FloatVec logistic_f32(FloatVec x) {
  const FloatVec one = broadcast(1.0f);
  return one / (one + exp_f32(-x));
}

/**
 * tanh in every lane as the vendored Eigen's float tanh: a rational approximation, odd degree 13 over even degree 6,
 * on x clamped to +-7.9988 (where it reaches 1), x itself below 4e-4; within 4 ulp. TF's CPU tanh is a rational fit
 * too (measured within 5 ulp); exp.h's tanh_f32, within one, costs three times as much (expm1 and a corrected
 * quotient), and the LSTM step takes two per unit. NaN propagates.
 */
inline FloatVec tanh_rational_f32(FloatVec x) {
  const FloatVec c = exp_detail::clamp(x, -7.99881172180175781f, 7.99881172180175781f);
  const FloatVec c2 = c * c;
  FloatVec p = fmadd(c2, broadcast(-2.76076847742355e-16f), broadcast(2.00018790482477e-13f));
  p = fmadd(c2, p, broadcast(-8.60467152213735e-11f));
  p = fmadd(c2, p, broadcast(5.12229709037114e-08f));
  p = fmadd(c2, p, broadcast(1.48572235717979e-05f));
  p = fmadd(c2, p, broadcast(6.37261928875436e-04f));
  p = fmadd(c2, p, broadcast(4.89352455891786e-03f));
  FloatVec q = fmadd(c2, broadcast(1.19825839466702e-06f), broadcast(1.18534705686654e-04f));
  q = fmadd(c2, q, broadcast(2.26843463243900e-03f));
  q = fmadd(c2, q, broadcast(4.89352518554385e-03f));
  const FloatVec a = x < broadcast(0.0f) ? -x : x;
  return a < broadcast(0.0004f) ? x : c * p / q;
}

/** v[i] = f(v[i]) for i < n over float vectors, a short tail through a padded one. */
template <class F>
void map_lanes(float* v, int64_t n, F f) {
  constexpr int64_t L = kLanes<float>;
  int64_t i = 0;
  for (; i + L <= n; i += L) store(v + i, f(load(v + i)));
  if (i < n) {
    alignas(64) float tail[L] = {};
    std::copy(v + i, v + n, tail);
    store(tail, f(load(tail)));
    std::copy(tail, tail + (n - i), v + i);
  }
}

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;

/**
 * v = tanh(v) or sigmoid(v) in float64 through Eigen's exp, a block at a time in an aligned buffer: Eigen peels a
 * Map's unaligned head off to its scalar path, whose last bits differ from the packet path's, so computing in place
 * would make a value depend on where its row happens to lie.
 */
template <bool kTanh>
void activate_f64(double* v, int64_t n) {
  constexpr int64_t kBlock = 64;
  alignas(64) double block[kBlock], square[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t m = std::min(kBlock, n - i0);
    Eigen::Map<Eigen::ArrayXd, Eigen::Aligned64> d(block, m);
    d = ArrayMap<double>(v + i0, m);
    if constexpr (kTanh) {
      // tanh(x) = 1 - 2 / (exp(2x) + 1), and its Taylor polynomial near 0, where the difference would cancel.
      Eigen::Map<Eigen::ArrayXd, Eigen::Aligned64> x2(square, m);
      x2 = d * d;
      d = (d.abs() < 1e-3).select(d * (1.0 - x2 * (1.0 / 3 - x2 * (2.0 / 15))), 1.0 - 2.0 / ((2.0 * d).exp() + 1.0));
    } else {
      d = (1.0 + (-d).exp()).inverse();
    }
    ArrayMap<double>(v + i0, m) = d;
  }
}

/** v = activation(v) over n values: float32 through exp.h's SIMD exp, float64 through Eigen's. */
template <class T>
void activate(RnnActivation act, T* v, int64_t n) {
  ArrayMap<T> a(v, n);
  switch (act) {
    case RnnActivation::Tanh:
      if constexpr (std::is_same_v<T, float>) map_lanes(v, n, tanh_f32);
      else activate_f64<true>(v, n);
      break;
    case RnnActivation::Sigmoid:
      if constexpr (std::is_same_v<T, float>) map_lanes(v, n, logistic_f32);
      else activate_f64<false>(v, n);
      break;
    case RnnActivation::Relu: a = a.max(T(0)); break;
    case RnnActivation::Linear: break;
    case RnnActivation::HardSigmoid: a = (a + T(3)).max(T(0)).min(T(6)) / T(6); break;
  }
}

/** g *= activation'(x), from y = activation(x). */
template <class T>
void times_derivative(RnnActivation act, const T* y, T* g, int64_t n) {
  switch (act) {
    case RnnActivation::Tanh:
      for (int64_t i = 0; i < n; ++i) g[i] *= T(1) - y[i] * y[i];
      break;
    case RnnActivation::Sigmoid:
      for (int64_t i = 0; i < n; ++i) g[i] *= y[i] * (T(1) - y[i]);
      break;
    case RnnActivation::Relu:
      for (int64_t i = 0; i < n; ++i) g[i] = y[i] > T(0) ? g[i] : T(0);
      break;
    case RnnActivation::Linear: break;
    case RnnActivation::HardSigmoid:
      for (int64_t i = 0; i < n; ++i) g[i] = y[i] > T(0) && y[i] < T(1) ? g[i] / T(6) : T(0);
      break;
  }
}

// ---- LSTM's step -----------------------------------------------------------------------------------------------

/**
 * One LSTM step of one row for Keras's default activations (sigmoid gates, tanh), float32, U a multiple of the vector
 * width, in one pass over the units: from the gate pre-activations z (bias not yet added) into the saved row sv (i, f,
 * g, o, tanh(c), c_prev) and, for a live step, the states c and h. Separate passes per gate would store and reload
 * every block in between, which costs as much as the activations at 32 units. tanh is tanh_rational_f32 (TF's).
 */
inline void lstm_step_f32(const float* __restrict z, const float* __restrict bias, int64_t U, float* __restrict sv,
                          float* __restrict c, float* __restrict h, bool live) {
  for (int64_t j = 0; j < U; j += kLanes<float>) {
    const FloatVec i = logistic_f32(load(z + j) + load(bias + j));
    const FloatVec f = logistic_f32(load(z + U + j) + load(bias + U + j));
    const FloatVec g = tanh_rational_f32(load(z + 2 * U + j) + load(bias + 2 * U + j));
    const FloatVec o = logistic_f32(load(z + 3 * U + j) + load(bias + 3 * U + j));
    const FloatVec c_prev = load(c + j);
    const FloatVec c_new = fmadd(f, c_prev, i * g);
    const FloatVec act_c = tanh_rational_f32(c_new);
    store(sv + j, i);
    store(sv + U + j, f);
    store(sv + 2 * U + j, g);
    store(sv + 3 * U + j, o);
    store(sv + 4 * U + j, act_c);
    store(sv + 5 * U + j, c_prev);
    if (live) {
      store(c + j, c_new);
      store(h + j, o * act_c);
    }
  }
}

// ---- LSTM's gate gradients -------------------------------------------------------------------------------------

/**
 * One LSTM step's gate gradients for Keras's default activations (tanh, sigmoid) in one pass over the units, from
 * the saved gates i, f, g, o, tanh(c), c_prev (sv) and the state gradients: g = d(i, f, g, o pre-activations),
 * dc = the previous cell state's gradient, dh = 0 (the recurrent product adds the previous state's gradient).
 */
template <class T>
void lstm_gate_grads(const T* __restrict sv, int64_t U, T* __restrict dh, T* __restrict dc, T* __restrict g) {
  const T *i = sv, *f = sv + U, *gg = sv + 2 * U, *o = sv + 3 * U, *act_c = sv + 4 * U, *c_prev = sv + 5 * U;
  for (int64_t j = 0; j < U; ++j) {
    const T dho = dh[j] * o[j];
    const T dcc = dc[j] + dho * (T(1) - act_c[j] * act_c[j]);
    g[j] = dcc * gg[j] * i[j] * (T(1) - i[j]);
    g[U + j] = dcc * c_prev[j] * f[j] * (T(1) - f[j]);
    g[2 * U + j] = dcc * i[j] * (T(1) - gg[j] * gg[j]);
    g[3 * U + j] = dh[j] * act_c[j] * o[j] * (T(1) - o[j]);
    dc[j] = dcc * f[j];
    dh[j] = T(0);
  }
}

// ---- the per-step product --------------------------------------------------------------------------------------

/**
 * C (m x n, row-major, row stride ldc) += A (m x k, row-major, row stride lda) · W, for a weight W fixed over the
 * sequence: W (k x n) row-major with row stride ldw, or (kTransposed) the transpose of a row-major (n x k) with row
 * stride ldw. W is packed for Eigen's GEBP once, in the blocks of its cache blocking; each call packs only A. No
 * parallel region (a step's product is too small to share) and no sparsity probe (the states are dense).
 */
template <class T, bool kTransposed>
class StepProduct {
 public:
  StepProduct(const T* w, int64_t ldw, int64_t max_m, int64_t n, int64_t k) : n_(n), k_(k) {
    if (n == 0 || k == 0) return;  // an unused product (GRU's candidate for the other cells)
    // Eigen's column-major form: C^T (n x m) += W^T (n x k) · A^T (k x m); W^T is GEBP's packed left operand.
    Index kc = k, mc = n, nc = max_m;
    Eigen::internal::computeProductBlockingSizes<T, T>(kc, mc, nc, Index(1));
    kc_ = std::max<Index>(kc, 1);
    mc_ = std::max<Index>(mc, 1);
    const WMapper wt(w, ldw);
    PackW pack;
    for (Index k2 = 0; k2 < k_; k2 += kc_)
      for (Index i2 = 0; i2 < n_; i2 += mc_) {
        const Index kb = std::min(kc_, k_ - k2), ib = std::min(mc_, n_ - i2);
        packed_.emplace_back(kb * ib);
        pack(packed_.back().data(), wt.getSubMapper(i2, k2), kb, ib);
      }
    block_a_.resize(kc_ * max_m);
  }

  void operator()(const T* a, int64_t lda, T* c, int64_t ldc, int64_t m) {
    if (m == 0 || n_ == 0 || k_ == 0) return;
    const AMapper at(a, lda);
    const CMapper ct(c, ldc);
    PackA pack;
    Gebp gebp;
    size_t panel = 0;
    for (Index k2 = 0; k2 < k_; k2 += kc_) {
      const Index kb = std::min(kc_, k_ - k2);
      pack(block_a_.data(), at.getSubMapper(k2, 0), kb, m);
      for (Index i2 = 0; i2 < n_; i2 += mc_)
        gebp(ct.getSubMapper(i2, 0), packed_[panel++].data(), block_a_.data(), std::min(mc_, n_ - i2), kb, m, T(1));
    }
  }

 private:
  using Traits = Eigen::internal::gebp_traits<T, T>;
  using WMapper = Eigen::internal::const_blas_data_mapper<T, Index, kTransposed ? Eigen::RowMajor : Eigen::ColMajor>;
  using AMapper = Eigen::internal::const_blas_data_mapper<T, Index, Eigen::ColMajor>;
  using CMapper = Eigen::internal::blas_data_mapper<T, Index, Eigen::ColMajor>;
  using PackW = Eigen::internal::gemm_pack_lhs<T, Index, WMapper, Traits::mr, Traits::LhsProgress,
                                               typename Traits::LhsPacket4Packing,
                                               kTransposed ? Eigen::RowMajor : Eigen::ColMajor>;
  using PackA = Eigen::internal::gemm_pack_rhs<T, Index, AMapper, Traits::nr, Eigen::ColMajor>;
  using Gebp = Eigen::internal::gebp_kernel<T, T, Index, CMapper, Traits::mr, Traits::nr, false, false>;
  using Buffer = std::vector<T, Eigen::aligned_allocator<T>>;

  Index n_, k_, kc_ = 1, mc_ = 1;
  std::vector<Buffer> packed_;
  Buffer block_a_;
};

/**
 * An uninitialised buffer of n values (every element is written before it is read) in a tensor's storage: the
 * storage's block cache (core/storage.cpp) hands the previous call's blocks back, where new[] would map fresh pages
 * for these megabytes on every call (page faults and the kernel zeroing the pages: 4 % of an LSTM epoch).
 */
template <class T>
struct Uninitialised {
  Tensor tensor;
  T* get() const { return tensor.data<T>(); }
};
template <class T>
Uninitialised<T> uninitialised(int64_t n) {
  return {Tensor::empty({std::max<int64_t>(n, 1)}, dtype_of<T>::value)};
}

/** Row blocks of a batch. */
int64_t row_blocks(int64_t batch) { return (batch + kRowBlock - 1) / kRowBlock; }

/** Runs block(index, lo, hi) for the batch's row blocks, one thread each. */
template <class F>
void for_row_blocks(int64_t batch, F&& block) {
  parallel_items(row_blocks(batch), get_num_threads(), [&](int64_t i, int64_t) {
    block(i, i * kRowBlock, std::min(batch, (i + 1) * kRowBlock));
  });
}

/**
 * Prefetches `rows` rows of `width` values, `ld` apart, into the caches: the rows a step reads next lie one
 * timestep apart in the (sample, timestep) buffers, a stride per row block that the hardware prefetcher does not
 * follow, and issued a step ahead they arrive while the step's product runs.
 */
template <class T>
void prefetch_rows(const T* first, int64_t ld, int64_t rows, int64_t width) {
  constexpr int64_t kLine = 64 / sizeof(T);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < width; j += kLine) __builtin_prefetch(first + r * ld + j);
}

template <class T>
T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

// ---- forward ---------------------------------------------------------------------------------------------------

template <class T>
void rnn_forward(const RnnDims& d, const backend::RnnInputs& in, const Tensor& sequence_t, const Tensor& final_h_t,
                 const Tensor& final_c_t, const Tensor& saved_t) {
  const int64_t B = d.batch, S = d.steps, F = d.features, U = d.units;
  const int64_t G = backend::rnn_gates(d.cell) * U, W = backend::rnn_saved_width(d);
  const bool lstm = d.cell == RnnCell::Lstm, gru = d.cell == RnnCell::Gru;
  const bool reset_after = d.cell == RnnCell::GruResetAfter;
  const T* recurrent = in.recurrent_kernel.data<T>();
  const T* bias = in.bias.data<T>();
  const T* recurrent_bias = reset_after ? bias + G : nullptr;
  const uint8_t* mask = in.mask.defined() ? reinterpret_cast<const uint8_t*>(in.mask.data<bool>()) : nullptr;
  T* sequence = sequence_t.data<T>();
  T* final_h = final_h_t.data<T>();
  T* final_c = lstm ? final_c_t.data<T>() : nullptr;
  T* saved = data_or_null<T>(saved_t);
  std::copy_n(in.initial_h.data<T>(), B * U, final_h);
  if (lstm) std::copy_n(in.initial_c.data<T>(), B * U, final_c);
  if (B == 0 || S == 0) return;
  // The input projection of every (sample, timestep): rows b * S + t. The recurrent products of LSTM and SimpleRNN
  // add into it in place; GRU's candidate block takes the recurrent part apart (reset_after: r multiplies it).
  auto proj = uninitialised<T>(B * S * G);
  gemm<T>(B * S, G, F, {in.x.data<T>(), F, 1}, {in.kernel.data<T>(), G, 1}, proj.get());
  const RnnActivation act = d.activation, rec = d.recurrent_activation;
  const bool default_lstm = std::is_same_v<T, float> && lstm && act == RnnActivation::Tanh &&
                            rec == RnnActivation::Sigmoid && U % kLanes<float> == 0;  // lstm_step_f32's case
  // GRU without reset_after: the z and r blocks first, then the candidate's with r * h_prev.
  const int64_t first_cols = gru ? 2 * U : G;
  const bool separate = gru || reset_after;  // the recurrent product into its own block, not into proj
  const StepProduct<T, false> recurrent_product(recurrent, G, kRowBlock, first_cols, U);
  const StepProduct<T, false> candidate_product(gru ? recurrent + 2 * U : recurrent, G, kRowBlock, gru ? U : 0,
                                                gru ? U : 0);
  for_row_blocks(B, [&](int64_t, int64_t lo, int64_t hi) {
    const int64_t m = hi - lo;
    StepProduct<T, false> product = recurrent_product, candidate = candidate_product;
    std::vector<T> z(separate ? m * G : 0), scratch(saved ? 0 : m * W);
    T* h = final_h + lo * U;  // the running states live in the final outputs
    T* c = lstm ? final_c + lo * U : nullptr;
    const T* h_in = h;       // the product's input: the previous step's row of `sequence` after the first step
    int64_t h_ld = U;
    for (int64_t s = 0; s < S; ++s) {
      const int64_t t = d.go_backwards ? S - 1 - s : s;
      T* zt = separate ? z.data() : proj.get() + (lo * S + t) * G;
      const int64_t z_ld = separate ? G : S * G;
      if (separate) std::fill(z.begin(), z.end(), T(0));
      if (s + 1 < S) {
        const int64_t next = d.go_backwards ? t - 1 : t + 1;
        prefetch_rows(proj.get() + (lo * S + next) * G, S * G, m, G);
        if (saved) prefetch_rows(saved + (lo * S + next) * W, S * W, m, W);
      }
      product(h_in, h_ld, zt, z_ld, m);
      for (int64_t r = 0; r < m; ++r) {
        const int64_t b = lo + r;
        const bool live = !mask || mask[b * S + t];
        T* zr = zt + r * z_ld;
        const T* xr = proj.get() + (b * S + t) * G;
        T* sv = saved ? saved + (b * S + t) * W : scratch.data() + r * W;
        T* hb = h + r * U;
        std::copy_n(hb, U, sv + W - U);  // h_prev
        switch (d.cell) {
          case RnnCell::SimpleRnn:
            for (int64_t j = 0; j < U; ++j) sv[j] = zr[j] + bias[j];
            activate(act, sv, U);
            if (live) std::copy_n(sv, U, hb);
            break;
          case RnnCell::GruResetAfter: {
            for (int64_t j = 0; j < 2 * U; ++j) sv[j] = xr[j] + bias[j] + zr[j] + recurrent_bias[j];
            activate(rec, sv, 2 * U);
            T* hh = sv + 2 * U;
            T* rh = sv + 3 * U;
            for (int64_t j = 0; j < U; ++j) {
              rh[j] = zr[2 * U + j] + recurrent_bias[2 * U + j];
              hh[j] = xr[2 * U + j] + bias[2 * U + j] + sv[U + j] * rh[j];
            }
            activate(act, hh, U);
            if (live)
              for (int64_t j = 0; j < U; ++j) hb[j] = hh[j] + sv[j] * (hb[j] - hh[j]);
            break;
          }
          case RnnCell::Gru:  // z and r here; the candidate after the second product below
            for (int64_t j = 0; j < 2 * U; ++j) sv[j] = xr[j] + bias[j] + zr[j];
            activate(rec, sv, 2 * U);
            for (int64_t j = 0; j < U; ++j) sv[3 * U + j] = sv[U + j] * hb[j];
            break;
          case RnnCell::Lstm: {
            if (default_lstm) {
              if constexpr (std::is_same_v<T, float>) lstm_step_f32(zr, bias, U, sv, c + r * U, hb, live);
              break;
            }
            for (int64_t j = 0; j < G; ++j) sv[j] = zr[j] + bias[j];
            activate(rec, sv, 2 * U);  // i and f
            activate(act, sv + 2 * U, U);
            activate(rec, sv + 3 * U, U);
            T* act_c = sv + 4 * U;
            T* c_prev = sv + 5 * U;
            T* cb = c + r * U;
            std::copy_n(cb, U, c_prev);
            for (int64_t j = 0; j < U; ++j) act_c[j] = sv[U + j] * cb[j] + sv[j] * sv[2 * U + j];
            if (live) std::copy_n(act_c, U, cb);
            activate(act, act_c, U);
            if (live)
              for (int64_t j = 0; j < U; ++j) hb[j] = sv[3 * U + j] * act_c[j];
            break;
          }
        }
      }
      if (gru) {
        // candidate = activation(x_h + (r * h_prev) @ recurrent_kernel_h)
        T* sv0 = saved ? saved + (lo * S + t) * W : scratch.data();
        const int64_t sv_ld = saved ? S * W : W;
        std::fill_n(z.data(), m * U, T(0));
        candidate(sv0 + 3 * U, sv_ld, z.data(), U, m);
        for (int64_t r = 0; r < m; ++r) {
          const int64_t b = lo + r;
          T* sv = sv0 + r * sv_ld;
          const T* xr = proj.get() + (b * S + t) * G;
          T* hh = sv + 2 * U;
          for (int64_t j = 0; j < U; ++j) hh[j] = xr[2 * U + j] + bias[2 * U + j] + z[r * U + j];
          activate(act, hh, U);
          T* hb = h + r * U;
          if (!mask || mask[b * S + t])
            for (int64_t j = 0; j < U; ++j) hb[j] = hh[j] + sv[j] * (hb[j] - hh[j]);
        }
      }
      for (int64_t r = 0; r < m; ++r) std::copy_n(h + r * U, U, sequence + ((lo + r) * S + s) * U);
      h_in = sequence + (lo * S + s) * U;
      h_ld = S * U;
    }
  });
}

// ---- backward --------------------------------------------------------------------------------------------------

template <class T>
void rnn_backward(const RnnDims& d, const backend::RnnInputs& in, const backend::RnnOutputGrads& out,
                  const std::vector<Tensor>& grads) {
  const int64_t B = d.batch, S = d.steps, F = d.features, U = d.units;
  const int64_t G = backend::rnn_gates(d.cell) * U, W = backend::rnn_saved_width(d);
  const bool lstm = d.cell == RnnCell::Lstm, gru = d.cell == RnnCell::Gru;
  const bool reset_after = d.cell == RnnCell::GruResetAfter;
  const RnnActivation act = d.activation, rec = d.recurrent_activation;
  const T* recurrent = in.recurrent_kernel.data<T>();
  const uint8_t* mask = in.mask.defined() ? reinterpret_cast<const uint8_t*>(in.mask.data<bool>()) : nullptr;
  const T* saved = out.saved.data<T>();
  const T* d_sequence = data_or_null<T>(out.d_sequence);
  const T* d_final_h = data_or_null<T>(out.d_final_h);
  const T* d_final_c = lstm ? data_or_null<T>(out.d_final_c) : nullptr;
  const size_t w = grads.size() - 3;  // the kernel's slot
  T* d_h = grads[1].data<T>();        // the running state gradients live in the initial states' gradients
  T* d_c = lstm ? grads[2].data<T>() : nullptr;
  if (d_final_h) std::copy_n(d_final_h, B * U, d_h);
  else std::fill_n(d_h, B * U, T(0));
  if (lstm) {
    if (d_final_c) std::copy_n(d_final_c, B * U, d_c);
    else std::fill_n(d_c, B * U, T(0));
  }
  // Gradients of the gate pre-activations, rows b * S + t: on the input side, and (GRU reset_after, whose candidate
  // block differs) on the recurrent side. Every row is written (zero for a masked step).
  auto dz = uninitialised<T>(B * S * G);
  auto dz_rec = uninitialised<T>(reset_after ? B * S * G : 0);
  // Products with the recurrent kernel's transpose: all gate blocks, or GRU's candidate block and its z, r blocks.
  const StepProduct<T, true> state_product(recurrent, G, kRowBlock, U, gru ? 2 * U : G);
  const StepProduct<T, true> candidate_product(gru ? recurrent + 2 * U : recurrent, G, kRowBlock, gru ? U : 0,
                                               gru ? U : 0);
  const int64_t dld = S * G;
  // The bias gradients (input and, for reset_after, recurrent) summed by each row block as it goes, then over the
  // blocks in order.
  const int64_t bias_width = reset_after ? 2 * G : G;
  std::vector<T> block_bias_sums(row_blocks(B) * bias_width, T(0));
  for_row_blocks(B, [&](int64_t block, int64_t lo, int64_t hi) {
    const int64_t m = hi - lo;
    StepProduct<T, true> product = state_product, candidate = candidate_product;
    std::vector<T> drh(gru ? m * U : 0);
    T* dh = d_h + lo * U;
    T* bias_sum = block_bias_sums.data() + block * bias_width;
    for (int64_t s = S - 1; s >= 0; --s) {
      const int64_t t = d.go_backwards ? S - 1 - s : s;
      if (s > 0) {
        const int64_t next = d.go_backwards ? t + 1 : t - 1;
        prefetch_rows(saved + (lo * S + next) * W, S * W, m, W);
        prefetch_rows(dz.get() + (lo * S + next) * G, S * G, m, G);
        if (d_sequence) prefetch_rows(d_sequence + (lo * S + s - 1) * U, S * U, m, U);
      }
      for (int64_t r = 0; r < m; ++r) {
        const int64_t b = lo + r;
        T* dhb = dh + r * U;
        T* g = dz.get() + (b * S + t) * G;
        T* gr = reset_after ? dz_rec.get() + (b * S + t) * G : nullptr;
        if (d_sequence)
          for (int64_t j = 0; j < U; ++j) dhb[j] += d_sequence[(b * S + s) * U + j];
        if (mask && !mask[b * S + t]) {  // the states pass through; this step's gate gradients are zero
          std::fill_n(g, G, T(0));
          if (gr) std::fill_n(gr, G, T(0));
          continue;
        }
        const T* sv = saved + (b * S + t) * W;
        const T* h_prev = sv + W - U;
        switch (d.cell) {
          case RnnCell::SimpleRnn:
            std::copy_n(dhb, U, g);
            times_derivative(act, sv, g, U);
            std::fill_n(dhb, U, T(0));
            break;
          case RnnCell::Gru:
          case RnnCell::GruResetAfter: {
            const T *z = sv, *r_gate = sv + U, *hh = sv + 2 * U, *rh = sv + 3 * U;
            for (int64_t j = 0; j < U; ++j) {
              g[j] = dhb[j] * (h_prev[j] - hh[j]);
              g[2 * U + j] = dhb[j] * (T(1) - z[j]);
              dhb[j] *= z[j];
            }
            times_derivative(rec, z, g, U);
            times_derivative(act, hh, g + 2 * U, U);
            if (reset_after) {
              for (int64_t j = 0; j < U; ++j) {
                g[U + j] = g[2 * U + j] * rh[j];
                gr[2 * U + j] = g[2 * U + j] * r_gate[j];
              }
              times_derivative(rec, r_gate, g + U, U);
              std::copy_n(g, 2 * U, gr);
            }
            break;
          }
          case RnnCell::Lstm: {
            const T *i = sv, *f = sv + U, *gg = sv + 2 * U, *o = sv + 3 * U, *act_c = sv + 4 * U,
                    *c_prev = sv + 5 * U;
            T* dcb = d_c + b * U;
            if (act == RnnActivation::Tanh && rec == RnnActivation::Sigmoid) {
              lstm_gate_grads(sv, U, dhb, dcb, g);
              break;
            }
            for (int64_t j = 0; j < U; ++j) g[3 * U + j] = dhb[j] * act_c[j];  // do
            for (int64_t j = 0; j < U; ++j) g[j] = dhb[j] * o[j];             // dh * o, then dc below
            times_derivative(act, act_c, g, U);
            for (int64_t j = 0; j < U; ++j) {
              const T dcc = dcb[j] + g[j];
              g[j] = dcc * gg[j];
              g[U + j] = dcc * c_prev[j];
              g[2 * U + j] = dcc * i[j];
              dcb[j] = dcc * f[j];
            }
            times_derivative(rec, i, g, 2 * U);  // i and f are adjacent, as their gradients
            times_derivative(act, gg, g + 2 * U, U);
            times_derivative(rec, o, g + 3 * U, U);
            std::fill_n(dhb, U, T(0));
            break;
          }
        }
      }
      T* g0 = dz.get() + (lo * S + t) * G;
      if (gru) {
        // d(r * h_prev) = d_candidate @ recurrent_kernel_h^T, then the reset gate's gradient and its share of dh.
        std::fill(drh.begin(), drh.end(), T(0));
        candidate(g0 + 2 * U, dld, drh.data(), U, m);
        for (int64_t r = 0; r < m; ++r) {
          const int64_t b = lo + r;
          if (mask && !mask[b * S + t]) continue;
          const T* sv = saved + (b * S + t) * W;
          const T *r_gate = sv + U, *h_prev = sv + W - U;
          T* g = dz.get() + (b * S + t) * G;
          for (int64_t j = 0; j < U; ++j) {
            g[U + j] = drh[r * U + j] * h_prev[j];
            dh[r * U + j] += drh[r * U + j] * r_gate[j];
          }
          times_derivative(rec, r_gate, g + U, U);
        }
      }
      product(reset_after ? dz_rec.get() + (lo * S + t) * G : g0, dld, dh, U, m);
      for (int64_t r = 0; r < m; ++r) {
        const T* g = dz.get() + ((lo + r) * S + t) * G;
        for (int64_t j = 0; j < G; ++j) bias_sum[j] += g[j];
        if (reset_after) {
          const T* gr = dz_rec.get() + ((lo + r) * S + t) * G;
          for (int64_t j = 0; j < G; ++j) bias_sum[G + j] += gr[j];
        }
      }
    }
  });
  // Whole-sequence products: rows are (sample, timestep) pairs, B * S of them.
  const int64_t rows = B * S;
  T* d_kernel = grads[w].data<T>();
  T* d_recurrent = grads[w + 1].data<T>();
  T* d_bias = grads[w + 2].data<T>();
  if (rows == 0) {
    std::fill_n(grads[0].data<T>(), grads[0].numel(), T(0));
    for (const Tensor& gw : {grads[w], grads[w + 1], grads[w + 2]}) std::fill_n(gw.data<T>(), gw.numel(), T(0));
    return;
  }
  // h_prev (and GRU's r * h_prev) is dense but zero at t = 0: the sparsity probe's samples, a multiple of S apart
  // here, would all be zeros, so the products over it skip the probe.
  const T* h_prev = saved + W - U;
  const T* x = in.x.data<T>();
  if (!gru && !reset_after) {
    // Both kernels' gradients in one product over the rows [x, h_prev], whose right operand is dz for both: dz,
    // the largest operand, is read and packed once instead of twice. (A sparse x, one-hot inputs, would gain from
    // the sparse path, but these rows mix it with the dense h_prev.)
    const int64_t XH = F + U;
    auto xh = uninitialised<T>(rows * XH);
    for (int64_t r = 0; r < rows; ++r) {
      std::copy_n(x + r * F, F, xh.get() + r * XH);
      std::copy_n(h_prev + r * W, U, xh.get() + r * XH + F);
    }
    auto both = uninitialised<T>(XH * G);
    gemm<T>(XH, G, rows, {xh.get(), 1, XH}, {dz.get(), G, 1}, both.get(), false);
    std::copy_n(both.get(), F * G, d_kernel);
    std::copy_n(both.get() + F * G, U * G, d_recurrent);
  } else {
    gemm<T>(F, G, rows, {x, 1, F}, {dz.get(), G, 1}, d_kernel);
  }
  gemm<T>(rows, F, G, {dz.get(), G, 1}, {in.kernel.data<T>(), 1, G}, grads[0].data<T>());
  std::fill_n(d_bias, bias_width, T(0));
  for (int64_t block = 0; block < row_blocks(B); ++block)
    for (int64_t j = 0; j < bias_width; ++j) d_bias[j] += block_bias_sums[block * bias_width + j];
  if (gru) {
    // The z and r blocks multiply h_prev, the candidate block r * h_prev.
    std::vector<T> block(U * 2 * U);
    gemm<T>(U, 2 * U, rows, {h_prev, 1, W}, {dz.get(), G, 1}, block.data(), false);
    for (int64_t i = 0; i < U; ++i) std::copy_n(block.data() + i * 2 * U, 2 * U, d_recurrent + i * G);
    gemm<T>(U, U, rows, {saved + 3 * U, 1, W}, {dz.get() + 2 * U, G, 1}, block.data(), false);
    for (int64_t i = 0; i < U; ++i) std::copy_n(block.data() + i * U, U, d_recurrent + i * G + 2 * U);
  } else if (reset_after) {
    gemm<T>(U, G, rows, {h_prev, 1, W}, {dz_rec.get(), G, 1}, d_recurrent, false);
  }
}

}  // namespace

void register_rnn_kernels() {
  using backend::FloatTypes;
  using backend::Pass;
  using backend::register_each;
  for (OpId op : {OpId::lstm, OpId::gru, OpId::simple_rnn}) {
    register_each(FloatTypes{}, op, Device::CPU, [](auto tag) { return &rnn_forward<decltype(tag)>; });
    register_each(FloatTypes{}, op, Device::CPU, [](auto tag) { return &rnn_backward<decltype(tag)>; },
                  Pass::Backward);
  }
}

}  // namespace pt::cpu
