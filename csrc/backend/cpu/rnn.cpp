#include "rnn.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <vector>

#include "../../core/parallel.h"
#include "gemm.h"

namespace pt::cpu {

int64_t rnn_gates(RnnCell cell) {
  switch (cell) {
    case RnnCell::SimpleRnn: return 1;
    case RnnCell::Gru:
    case RnnCell::GruResetAfter: return 3;
    case RnnCell::Lstm: return 4;
  }
  return 1;
}

int64_t rnn_saved_width(const RnnDims& d) {
  // Per (sample, timestep): SimpleRNN [h, h_prev]; GRU [z, r, hh, rh, h_prev] (rh: the recurrent h block with
  // reset_after, r * h_prev without); LSTM [i, f, g, o, activation(c), c_prev, h_prev]. h_prev always comes last.
  switch (d.cell) {
    case RnnCell::SimpleRnn: return 2 * d.units;
    case RnnCell::Gru:
    case RnnCell::GruResetAfter: return 5 * d.units;
    case RnnCell::Lstm: return 7 * d.units;
  }
  return 0;
}

namespace {

template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;

/**
 * v = tanh(v) or sigmoid(v) through Eigen's vectorised float64 exp, rounded once: within an ulp of the exact value in
 * float32, as unary.cpp's tanh and sigmoid (Eigen's float32 logistic is 7e-4 off, its tanh and float64 expm1 call
 * libm per element without fast math).
 */
template <class T, bool kTanh>
void wide_activate(T* v, int64_t n) {
  constexpr int64_t kBlock = 64;
  alignas(64) double wide[kBlock], square[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t m = std::min(kBlock, n - i0);
    Eigen::Map<Eigen::ArrayXd> d(wide, m);
    d = ArrayMap<T>(v + i0, m).template cast<double>();
    if constexpr (kTanh) {
      // tanh(x) = 1 - 2 / (exp(2x) + 1), and its Taylor polynomial near 0, where the difference would cancel.
      Eigen::Map<Eigen::ArrayXd> x2(square, m);
      x2 = d * d;
      d = (d.abs() < 1e-3).select(d * (1.0 - x2 * (1.0 / 3 - x2 * (2.0 / 15))), 1.0 - 2.0 / ((2.0 * d).exp() + 1.0));
    } else {
      d = (1.0 + (-d).exp()).inverse();
    }
    ArrayMap<T>(v + i0, m) = d.template cast<T>();
  }
}

/** v = activation(v) over n values. */
template <class T>
void activate(RnnActivation act, T* v, int64_t n) {
  ArrayMap<T> a(v, n);
  switch (act) {
    case RnnActivation::Tanh: wide_activate<T, true>(v, n); break;
    case RnnActivation::Sigmoid: wide_activate<T, false>(v, n); break;
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

/**
 * C (m x n, dense, overwritten) = A (m x k, row-major, row stride lda) · B, B row-major (k x n) or, with BOrder
 * ColMajor, the transpose of a row-major (n x k): the per-step products through Eigen's sequential GEBP with one
 * blocking and one set of packing buffers for the whole sequence. No parallel region and no sparsity probe (cpu::gemm
 * has both): a step's product is too small to share between threads, and the states are dense.
 */
template <class T, int BOrder>
class StepProduct {
 public:
  StepProduct(int64_t m, int64_t n, int64_t k) : m_(m), n_(n), k_(k), blocking_(m, n, k, 1, true) {
    blocking_.allocateAll();
  }
  void operator()(const T* a, int64_t lda, const T* b, int64_t ldb, T* c) {
    std::fill_n(c, m_ * n_, T(0));
    if (m_ > 0 && n_ > 0 && k_ > 0) Product::run(m_, n_, k_, a, lda, b, ldb, c, 1, n_, T(1), blocking_, nullptr);
  }

 private:
  using Product = Eigen::internal::general_matrix_matrix_product<Eigen::Index, T, Eigen::RowMajor, false, T, BOrder,
                                                                  false, Eigen::RowMajor, 1>;
  int64_t m_, n_, k_;
  Eigen::internal::gemm_blocking_space<Eigen::RowMajor, T, T, Eigen::Dynamic, Eigen::Dynamic, Eigen::Dynamic> blocking_;
};

/** Rows handed to one thread in the per-step passes: below the element-wise grain a step stays on one thread. */
int64_t row_grain(int64_t row_width) { return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(row_width, 1)); }

/** out (rows x cols, dense) = column sums of `rows` rows of a (rows x cols) matrix with row stride ld, in row order. */
template <class T>
void column_sums(const T* m, int64_t rows, int64_t cols, int64_t ld, T* out) {
  std::fill_n(out, cols, T(0));
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = m + r * ld;
    for (int64_t j = 0; j < cols; ++j) out[j] += row[j];
  }
}

}  // namespace

template <class T>
void rnn_forward(const RnnDims& d, const RnnForwardArgs<T>& a) {
  const int64_t B = d.batch, S = d.steps, F = d.features, U = d.units;
  const int64_t G = rnn_gates(d.cell) * U, W = rnn_saved_width(d);
  const bool lstm = d.cell == RnnCell::Lstm;
  std::vector<T> h(a.initial_h, a.initial_h + B * U);
  std::vector<T> c(lstm ? a.initial_c : nullptr, lstm ? a.initial_c + B * U : nullptr);
  if (B > 0 && S > 0) {
    std::vector<T> proj(B * S * G);
    gemm<T>(B * S, G, F, {a.x, F, 1}, {a.kernel, G, 1}, proj.data());
    std::vector<T> z(B * G);
    std::vector<T> scratch(a.saved ? 0 : B * W);
    const RnnActivation act = d.activation, rec = d.recurrent_activation;
    const int64_t grain = row_grain(W);
    // The recurrent product (GRU without reset_after: the z and r blocks first, then the candidate's).
    const int64_t first_cols = d.cell == RnnCell::Gru ? 2 * U : G;
    StepProduct<T, Eigen::RowMajor> recurrent_product(B, first_cols, U), candidate_product(B, U, U);
    for (int64_t s = 0; s < S; ++s) {
      const int64_t t = d.go_backwards ? S - 1 - s : s;
      // This step's rows of the saved buffer (indexed by timestep), or a scratch block.
      T* step = a.saved ? a.saved + t * W : scratch.data();
      const int64_t step_ld = a.saved ? S * W : W;
      auto live = [&](int64_t b) { return !a.mask || a.mask[b * S + t]; };
      auto input_row = [&](int64_t b) { return proj.data() + (b * S + t) * G; };
      recurrent_product(h.data(), U, a.recurrent_kernel, G, z.data());
      parallel_for(B, grain, [&](int64_t lo, int64_t hi) {
        for (int64_t b = lo; b < hi; ++b) {
          T* zr = z.data() + b * first_cols;
          const T* xr = input_row(b);
          T* sv = step + b * step_ld;
          T* hb = h.data() + b * U;
          std::memcpy(sv + W - U, hb, sizeof(T) * U);  // h_prev
          switch (d.cell) {
            case RnnCell::SimpleRnn: {
              for (int64_t j = 0; j < U; ++j) sv[j] = zr[j] + xr[j] + (a.bias ? a.bias[j] : T(0));
              activate(act, sv, U);
              if (live(b)) std::memcpy(hb, sv, sizeof(T) * U);
              break;
            }
            case RnnCell::GruResetAfter: {
              for (int64_t j = 0; j < G; ++j) zr[j] += a.recurrent_bias ? a.recurrent_bias[j] : T(0);
              for (int64_t j = 0; j < 2 * U; ++j) sv[j] = xr[j] + zr[j] + (a.bias ? a.bias[j] : T(0));
              activate(rec, sv, 2 * U);
              T* hh = sv + 2 * U;
              T* rh = sv + 3 * U;
              for (int64_t j = 0; j < U; ++j) {
                rh[j] = zr[2 * U + j];
                hh[j] = xr[2 * U + j] + (a.bias ? a.bias[2 * U + j] : T(0)) + sv[U + j] * rh[j];
              }
              activate(act, hh, U);
              if (live(b))
                for (int64_t j = 0; j < U; ++j) hb[j] = hh[j] + sv[j] * (hb[j] - hh[j]);
              break;
            }
            case RnnCell::Gru: {  // z and r here; the candidate after the second product below
              for (int64_t j = 0; j < 2 * U; ++j) sv[j] = xr[j] + zr[j] + (a.bias ? a.bias[j] : T(0));
              activate(rec, sv, 2 * U);
              for (int64_t j = 0; j < U; ++j) sv[3 * U + j] = sv[U + j] * hb[j];
              break;
            }
            case RnnCell::Lstm: {
              for (int64_t j = 0; j < G; ++j) sv[j] = zr[j] + xr[j] + (a.bias ? a.bias[j] : T(0));
              activate(rec, sv, 2 * U);
              activate(act, sv + 2 * U, U);
              activate(rec, sv + 3 * U, U);
              T* act_c = sv + 4 * U;
              T* c_prev = sv + 5 * U;
              T* cb = c.data() + b * U;
              std::memcpy(c_prev, cb, sizeof(T) * U);
              for (int64_t j = 0; j < U; ++j) act_c[j] = sv[U + j] * cb[j] + sv[j] * sv[2 * U + j];
              if (live(b)) std::memcpy(cb, act_c, sizeof(T) * U);
              activate(act, act_c, U);
              if (live(b))
                for (int64_t j = 0; j < U; ++j) hb[j] = sv[3 * U + j] * act_c[j];
              break;
            }
          }
        }
      });
      if (d.cell == RnnCell::Gru) {
        // candidate = activation(x_h + (r * h_prev) @ recurrent_kernel_h)
        candidate_product(step + 3 * U, step_ld, a.recurrent_kernel + 2 * U, G, z.data());
        parallel_for(B, grain, [&](int64_t lo, int64_t hi) {
          for (int64_t b = lo; b < hi; ++b) {
            T* sv = step + b * step_ld;
            const T* xr = input_row(b);
            T* hh = sv + 2 * U;
            for (int64_t j = 0; j < U; ++j)
              hh[j] = xr[2 * U + j] + (a.bias ? a.bias[2 * U + j] : T(0)) + z[b * U + j];
            activate(act, hh, U);
            T* hb = h.data() + b * U;
            if (live(b))
              for (int64_t j = 0; j < U; ++j) hb[j] = hh[j] + sv[j] * (hb[j] - hh[j]);
          }
        });
      }
      for (int64_t b = 0; b < B; ++b) std::memcpy(a.sequence + (b * S + s) * U, h.data() + b * U, sizeof(T) * U);
    }
  }
  std::copy(h.begin(), h.end(), a.final_h);
  if (lstm) std::copy(c.begin(), c.end(), a.final_c);
}

template <class T>
void rnn_backward(const RnnDims& d, const RnnBackwardArgs<T>& a) {
  const int64_t B = d.batch, S = d.steps, F = d.features, U = d.units;
  const int64_t G = rnn_gates(d.cell) * U, W = rnn_saved_width(d);
  const bool lstm = d.cell == RnnCell::Lstm, reset_after = d.cell == RnnCell::GruResetAfter;
  const RnnActivation act = d.activation, rec = d.recurrent_activation;
  // Running gradients of the states.
  std::vector<T> dh(B * U, T(0)), dc(lstm ? B * U : 0, T(0));
  if (a.d_final_h) std::copy(a.d_final_h, a.d_final_h + B * U, dh.begin());
  if (lstm && a.d_final_c) std::copy(a.d_final_c, a.d_final_c + B * U, dc.begin());
  // Gradients of the gate pre-activations, by timestep: on the input side, and (GRU reset_after, whose h block
  // differs) on the recurrent side.
  std::vector<T> dz(B * S * G, T(0)), dz_rec(reset_after ? B * S * G : 0, T(0));
  std::vector<T> product(B * U);
  const int64_t grain = row_grain(W);
  // Products with the recurrent kernel's transpose: all gate blocks, or GRU's candidate block and its z, r blocks.
  StepProduct<T, Eigen::ColMajor> state_product(B, U, d.cell == RnnCell::Gru ? 2 * U : G), candidate_product(B, U, U);
  auto add_product = [&]() {
    for (int64_t i = 0; i < B * U; ++i) dh[i] += product[i];
  };
  for (int64_t s = S - 1; s >= 0 && B > 0; --s) {
    const int64_t t = d.go_backwards ? S - 1 - s : s;
    auto live = [&](int64_t b) { return !a.mask || a.mask[b * S + t]; };
    const T* step = a.saved + t * W;
    T* dz_step = dz.data() + t * G;
    const int64_t ld = S * W, dld = S * G;
    parallel_for(B, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t b = lo; b < hi; ++b) {
        T* dhb = dh.data() + b * U;
        if (a.d_sequence)
          for (int64_t j = 0; j < U; ++j) dhb[j] += a.d_sequence[(b * S + s) * U + j];
        if (!live(b)) continue;  // the states pass through; this step's gate gradients stay zero
        const T* sv = step + b * ld;
        T* g = dz_step + b * dld;
        const T* h_prev = sv + W - U;
        switch (d.cell) {
          case RnnCell::SimpleRnn:
            for (int64_t j = 0; j < U; ++j) g[j] = dhb[j];
            times_derivative(act, sv, g, U);
            std::fill_n(dhb, U, T(0));
            break;
          case RnnCell::Gru:
          case RnnCell::GruResetAfter: {
            const T *z = sv, *r = sv + U, *hh = sv + 2 * U, *rh = sv + 3 * U;
            for (int64_t j = 0; j < U; ++j) {
              g[j] = dhb[j] * (h_prev[j] - hh[j]);
              g[2 * U + j] = dhb[j] * (T(1) - z[j]);
              dhb[j] *= z[j];
            }
            times_derivative(rec, z, g, U);
            times_derivative(act, hh, g + 2 * U, U);
            if (reset_after) {
              T* gr = dz_rec.data() + t * G + b * dld;
              for (int64_t j = 0; j < U; ++j) {
                g[U + j] = g[2 * U + j] * rh[j];
                gr[2 * U + j] = g[2 * U + j] * r[j];
              }
              times_derivative(rec, r, g + U, U);
              std::copy(g, g + 2 * U, gr);
            }
            break;
          }
          case RnnCell::Lstm: {
            const T *i = sv, *f = sv + U, *gg = sv + 2 * U, *o = sv + 3 * U, *act_c = sv + 4 * U, *c_prev = sv + 5 * U;
            T* dcb = dc.data() + b * U;
            for (int64_t j = 0; j < U; ++j) g[3 * U + j] = dhb[j] * act_c[j];   // do
            for (int64_t j = 0; j < U; ++j) g[j] = dhb[j] * o[j];              // dh * o, then dc below
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
    });
    if (d.cell == RnnCell::Gru) {
      // d(r * h_prev) = d_candidate @ recurrent_kernel_h^T, then the reset gate's gradient and its share of dh.
      candidate_product(dz_step + 2 * U, dld, a.recurrent_kernel + 2 * U, G, product.data());
      parallel_for(B, grain, [&](int64_t lo, int64_t hi) {
        for (int64_t b = lo; b < hi; ++b) {
          if (!live(b)) continue;
          const T* sv = step + b * ld;
          const T *r = sv + U, *h_prev = sv + W - U;
          T* g = dz_step + b * dld;
          const T* drh = product.data() + b * U;
          for (int64_t j = 0; j < U; ++j) {
            g[U + j] = drh[j] * h_prev[j];
            dh[b * U + j] += drh[j] * r[j];
          }
          times_derivative(rec, r, g + U, U);
        }
      });
      state_product(dz_step, dld, a.recurrent_kernel, G, product.data());
    } else {
      state_product(reset_after ? dz_rec.data() + t * G : dz_step, dld, a.recurrent_kernel, G, product.data());
    }
    add_product();
  }
  std::copy(dh.begin(), dh.end(), a.d_initial_h);
  if (lstm) std::copy(dc.begin(), dc.end(), a.d_initial_c);
  // Whole-sequence products: rows are (sample, timestep) pairs, B * S of them.
  const int64_t rows = B * S;
  const T* h_prev = a.saved + W - U;
  gemm<T>(F, G, rows, {a.x, 1, F}, {dz.data(), G, 1}, a.d_kernel);
  gemm<T>(rows, F, G, {dz.data(), G, 1}, {a.kernel, 1, G}, a.dx);
  column_sums(dz.data(), rows, G, G, a.d_bias);
  if (d.cell == RnnCell::Gru) {
    // The z and r blocks multiply h_prev, the candidate block r * h_prev.
    std::vector<T> block(U * 2 * U);
    gemm<T>(U, 2 * U, rows, {h_prev, 1, W}, {dz.data(), G, 1}, block.data());
    for (int64_t i = 0; i < U; ++i) std::copy_n(block.data() + i * 2 * U, 2 * U, a.d_recurrent_kernel + i * G);
    gemm<T>(U, U, rows, {a.saved + 3 * U, 1, W}, {dz.data() + 2 * U, G, 1}, block.data());
    for (int64_t i = 0; i < U; ++i) std::copy_n(block.data() + i * U, U, a.d_recurrent_kernel + i * G + 2 * U);
  } else {
    const std::vector<T>& dz_r = reset_after ? dz_rec : dz;
    gemm<T>(U, G, rows, {h_prev, 1, W}, {dz_r.data(), G, 1}, a.d_recurrent_kernel);
    if (reset_after) column_sums(dz_rec.data(), rows, G, G, a.d_recurrent_bias);
  }
}

template void rnn_forward<float>(const RnnDims&, const RnnForwardArgs<float>&);
template void rnn_forward<double>(const RnnDims&, const RnnForwardArgs<double>&);
template void rnn_backward<float>(const RnnDims&, const RnnBackwardArgs<float>&);
template void rnn_backward<double>(const RnnDims&, const RnnBackwardArgs<double>&);

}  // namespace pt::cpu
