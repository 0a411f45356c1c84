#pragma once
/**
 * Per-element math shared by the CPU and CUDA kernels: functions compiled for the host and, under nvcc, for the
 * device too (PT_HOST_DEVICE), so both devices compute the same numbers and the CPU tests check what the GPU runs.
 */
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#ifdef __CUDACC__
#define PT_HOST_DEVICE __host__ __device__
#else
#define PT_HOST_DEVICE
#endif

namespace pt::backend {

/** dropout's mask element from its uniform draw: 1 / (1 - rate) where u >= rate (TF keeps those), else 0. */
template <class T> PT_HOST_DEVICE inline T dropout_mask(T u, T rate, T scale) { return u >= rate ? scale : T(0); }

/**
 * cast's conversion of one real element (both types bool, integers or float / double): true for nonzero; float to
 * integer saturates and NaN gives 0, as TF's CPU kernels do in practice (C++ leaves both undefined).
 */
template <class R, class T> PT_HOST_DEVICE inline R cast_element(T v) {
  if constexpr (std::is_same_v<R, bool>) {
    return v != T(0);
  } else if constexpr (std::is_floating_point_v<T> && std::is_integral_v<R>) {
    if (!(v == v)) return R(0);
    if (v <= static_cast<T>(std::numeric_limits<R>::lowest())) return std::numeric_limits<R>::lowest();
    if (v >= static_cast<T>(std::numeric_limits<R>::max())) return std::numeric_limits<R>::max();
    return static_cast<R>(v);
  } else {
    return static_cast<R>(v);
  }
}

/** relu: v where v > 0, else 0; NaN stays NaN (v <= 0 is false for it, so no separate test is needed). */
template <class T> PT_HOST_DEVICE inline T relu_element(T v) { return v <= T(0) ? T(0) : v; }

/** relu's gradient: dy where the feature v > 0, else 0 (a NaN feature gives 0, as TF's dy * (features > 0)). */
template <class T> PT_HOST_DEVICE inline T relu_grad_element(T dy, T v) { return v > T(0) ? dy : T(0); }

/** The in-bounds input range [lo, hi) of pooling window `o` along an axis (stride s, padding before, window k). */
PT_HOST_DEVICE inline void window_range(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t in, int64_t& lo,
                                        int64_t& hi) {
  const int64_t start = o * s - pad;
  lo = start > 0 ? start : 0;
  hi = start + k < in ? start + k : in;
}

/** The pooling outputs [lo, hi) whose windows cover input index `i` along an axis. */
PT_HOST_DEVICE inline void covering_range(int64_t i, int64_t s, int64_t pad, int64_t k, int64_t out, int64_t& lo,
                                          int64_t& hi) {
  const int64_t p = i + pad;  // window o covers i when o * s <= p < o * s + k
  lo = p >= k ? (p - k) / s + 1 : 0;
  hi = p / s + 1 < out ? p / s + 1 : out;
}

/** 1 / the number of in-bounds elements of an average pooling window [y0, y1) x [x0, x1), which scales its sum. */
template <class T> PT_HOST_DEVICE inline T window_inverse_count(int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
  return T(1) / static_cast<T>((y1 - y0) * (x1 - x0));
}

/**
 * The input index that tap k of convolution output o reads along an axis (stride s, padding before, dilation d);
 * outside [0, in) it reads the zero padding.
 */
PT_HOST_DEVICE inline int64_t conv_input_index(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t d) {
  return o * s - pad + k * d;
}

/**
 * The output among [0, out) whose tap k reads input index i along an axis (conv_input_index's inverse), or -1 when
 * none does: the input gradient's gather. Here, not in the CUDA kernel, so that the CPU tests check it.
 */
PT_HOST_DEVICE inline int64_t conv_output_index(int64_t i, int64_t s, int64_t pad, int64_t k, int64_t d,
                                                int64_t out) {
  const int64_t p = i + pad - k * d;  // = o * s
  return p >= 0 && p % s == 0 && p / s < out ? p / s : -1;
}

/**
 * Whether `v` replaces the running maximum `m` of a max pooling window: strictly greater keeps the first maximum
 * (TF's tie rule), and the first NaN wins and stays. Bitwise, with no branch, so it vectorises; for scalars and the
 * CPU's Vec<T> alike.
 */
template <class V> PT_HOST_DEVICE inline auto replaces_max(const V& v, const V& m) {
  return (v > m) | ((v != v) & (m == m));
}

// Keras 3's update equations (keras/src/optimizers/*.py) per element; decay = 1 - weight_decay * learning_rate.
/** SGD without momentum: the variable's new value. */
template <class T> PT_HOST_DEVICE inline T sgd_plain(T p, T g, T lr, T decay) { return p * decay - g * lr; }

/** SGD with momentum slot `m` (updated): the variable's new value, Nesterov's when kNesterov. */
template <bool kNesterov, class T> PT_HOST_DEVICE inline T sgd_momentum(T p, T& m, T g, T lr, T mu, T decay) {
  const T mi = mu * m - g * lr;
  m = mi;
  return kNesterov ? p * decay + (mu * mi - g * lr) : p * decay + mi;
}

/**
 * Adam with moments m, v (updated; amsgrad's running maximum v_hat too when kAmsgrad) from gradient g and its square
 * g2 (a row gradient's summed squares): the variable's new value. alpha is the bias-corrected step size, b1c = 1 -
 * beta_1, b2c = 1 - beta_2.
 */
template <bool kAmsgrad, class T>
PT_HOST_DEVICE inline T adam_step(T p, T& m, T& v, T& v_hat, T g, T g2, T alpha, T b1c, T b2c, T eps, T decay) {
  using std::sqrt;
  const T mi = m + (g - m) * b1c;
  const T vi = v + (g2 - v) * b2c;
  m = mi;
  v = vi;
  T denominator = vi;
  if constexpr (kAmsgrad) {
    denominator = v_hat > vi ? v_hat : vi;
    v_hat = denominator;
  }
  return p * decay - alpha * mi / (sqrt(denominator) + eps);
}

}  // namespace pt::backend
