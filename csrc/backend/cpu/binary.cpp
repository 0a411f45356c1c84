// CPU kernels of the binary family: arithmetic, comparisons and logic with numpy broadcasting, where, and TF's
// RandomGammaGrad (the derivative of a gamma sample with respect to alpha).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "../../core/int_math.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "elementwise.h"
#include "half_types.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::AllTypes;
using backend::FloatTypes;
using backend::ElementwiseTypes;
using backend::NarrowIntTypes;
using backend::NumericTypes;
using backend::register_each;
using backend::Types;

/** out = f(a, b) over the broadcast shape, with fast paths for same-shape dense and scalar operands. */
template <class T, class R, class F>
void run_binary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const int64_t n = out.numel();
  R* o = out.data<R>();
  if (a.is_contiguous() && b.is_contiguous()) {
    const T* x = a.data<T>();
    const T* y = b.data<T>();
    if (a.numel() == n && b.numel() == n) {
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(x[i], y[i]);
      });
      return;
    }
    if (b.numel() == 1 && a.numel() == n) {
      const T yv = *y;
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(x[i], yv);
      });
      return;
    }
    if (a.numel() == 1 && b.numel() == n) {
      const T xv = *x;
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(xv, y[i]);
      });
      return;
    }
  }
  binary_map<T, R>(out.shape(), out, a, broadcast_strides(a.shape(), a.strides(), out.shape()), b,
                   broadcast_strides(b.shape(), b.strides(), out.shape()), f);
}

/** Whether pred holds for any element of `t` (any strides); serial: a check of a divisor or an exponent. */
template <class T, class Pred> bool any_element(const Tensor& t, Pred pred) {
  bool found = false;
  StridedIter<1> it(t.shape(), {byte_strides(t.strides(), sizeof(T))});
  it.for_each({static_cast<char*>(t.raw_data())}, std::max<int64_t>(t.numel(), 1),
              [&](int64_t n, const std::array<char*, 1>& p, const std::array<int64_t, 1>& s) {
                for (int64_t i = 0; i < n && !found; ++i) found = pred(*reinterpret_cast<const T*>(p[0] + i * s[0]));
              });
  return found;
}

template <class T> bool any_zero(const Tensor& t) {
  return any_element<T>(t, [](T v) { return v == T(0); });
}

template <class T> bool any_negative(const Tensor& t) {
  if constexpr (std::is_unsigned_v<T>) return false;
  else return any_element<T>(t, [](T v) { return v < T(0); });
}

/** InvalidArgument for an integer divisor `b` holding 0 (floordiv and floormod raise, as TF). */
template <class T> void check_divisor(const char* name, const Tensor& b) {
  if constexpr (std::is_integral_v<T>) {
    if (any_zero<T>(b))
      throw InvalidArgument(str_cat(name, ": integer division by zero (divisor of shape ", shape_str(b.shape()),
                                    " contains 0)"));
  }
}

template <class T> T floor_div(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::floor(x / y);
  else if constexpr (std::is_unsigned_v<T>) return x / y;
  else {
    // lowest / -1 overflows (and traps on x86): wrap to lowest, as two's-complement negation does.
    if (y == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(x));
    T q = x / y;
    return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;
  }
}

template <class T> T floor_mod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(x, y);
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  } else if constexpr (std::is_unsigned_v<T>) return x % y;
  else {
    if (y == T(-1)) return T(0);  // lowest % -1 traps on x86; the remainder is 0 for every x
    T r = x % y;
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  }
}

template <class T> T power(T base, T exp) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(base, exp);
  } else {
    T result = 1;
    while (exp > 0) {
      if (exp & 1) result = wrap_mul(result, base);
      base = wrap_mul(base, base);
      exp >>= 1;
    }
    return result;
  }
}

/** out[i] = cond[i] ? x[i] : y[i] over dense arrays, written so the compiler emits vector blends. */
template <class T>
void select_dense(int64_t n, const bool* __restrict cond, const T* __restrict x, const T* __restrict y,
                  T* __restrict out) {
  const unsigned char* __restrict mask = reinterpret_cast<const unsigned char*>(cond);
  for (int64_t i = 0; i < n; ++i) out[i] = mask[i] ? x[i] : y[i];
}

template <class T>
void where_kernel(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out) {
  const Shape& shape = out.shape();
  if (cond.is_contiguous() && x.is_contiguous() && y.is_contiguous() && cond.shape() == shape &&
      x.shape() == shape && y.shape() == shape) {
    // Same-shape dense operands (the relu gradient's case): a branch-free select the compiler vectorises;
    // the strided loop below branches per element and mispredicts on random masks.
    const bool* c = cond.data<bool>();
    const T* xv = x.data<T>();
    const T* yv = y.data<T>();
    T* o = out.data<T>();
    parallel_for(out.numel(), kElementwiseGrain, [=](int64_t lo, int64_t hi) {
      select_dense(hi - lo, c + lo, xv + lo, yv + lo, o + lo);
    });
    return;
  }
  Strides sc = broadcast_strides(cond.shape(), cond.strides(), shape);
  Strides sx = broadcast_strides(x.shape(), x.strides(), shape);
  Strides sy = broadcast_strides(y.shape(), y.strides(), shape);
  const size_t isz = sizeof(T);
  StridedIter<4> it(shape, {byte_strides(out.strides(), isz), byte_strides(sc, 1), byte_strides(sx, isz),
                            byte_strides(sy, isz)});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(cond.raw_data()),
               static_cast<char*>(x.raw_data()), static_cast<char*>(y.raw_data())},
              kElementwiseGrain, [](int64_t n, const std::array<char*, 4>& p, const std::array<int64_t, 4>& s) {
                for (int64_t i = 0; i < n; ++i)
                  *reinterpret_cast<T*>(p[0] + i * s[0]) = *reinterpret_cast<const bool*>(p[1] + i * s[1])
                                                               ? *reinterpret_cast<const T*>(p[2] + i * s[2])
                                                               : *reinterpret_cast<const T*>(p[3] + i * s[3]);
              });
}

/** A value and its derivative with respect to alpha, for forward-mode differentiation of P(alpha, x)'s series. */
struct Dual {
  double v, d;
  Dual operator+(const Dual& o) const { return {v + o.v, d + o.d}; }
  Dual operator-(const Dual& o) const { return {v - o.v, d - o.d}; }
  Dual operator*(const Dual& o) const { return {v * o.v, v * o.d + d * o.v}; }
  Dual operator*(double k) const { return {v * k, d * k}; }
  Dual operator/(const Dual& o) const {
    const double inv = 1 / o.v, q = v * inv;
    return {q, (d - q * o.d) * inv};
  }
};

/** digamma(a) for a > 0: the recurrence up to a >= 10, then the asymptotic series (error below 1e-15). */
double digamma_positive(double a) {
  double shift = 0;
  for (; a < 10; a += 1) shift -= 1 / a;
  const double r = 1 / (a * a);
  return shift + std::log(a) - 0.5 / a -
         r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * 691.0 / 32760)))));
}

/**
 * d x / d alpha of a sample x of Gamma(alpha, 1), as TF's RandomGammaGrad (implicit reparameterisation: with
 * P(alpha, x) = u held, dx/dalpha = -(dP/dalpha) / (dP/dx)). dP/dalpha comes from forward-mode differentiation of
 * P's power series (x <= 1 or x <= alpha) or of the complement's continued fraction (elsewhere), as Cephes' igam /
 * igamc evaluate them, each until the derivative changes by at most `tolerance` (relative); the prefactor
 * x^alpha e^-x / Gamma(alpha) divides out against the density. 0 at x = 0 and where the prefactor underflows
 * `log_tiny` (the dtype's, as TF's per-dtype kernel), NaN for x < 0, alpha <= 0 or a NaN.
 */
double gamma_sample_alpha_derivative(double a, double x, double log_tiny, double tolerance) {
  constexpr int kIterations = 500;           // TF's bound for double
  constexpr double kBig = 4503599627370496.0, kBigInv = 1.0 / kBig;  // the fraction's rescaling (2^52)
  if (x == 0) return 0;
  if (std::isnan(a) || std::isnan(x) || x < 0 || a <= 0) return std::numeric_limits<double>::quiet_NaN();
  if (x > 1 && x > a && std::isinf(x)) return 0;
  int sign;
  const double log_x = std::log(x), log_prefactor = a * log_x - x - lgamma_r(a, &sign);
  if (std::isnan(log_prefactor) || log_prefactor < log_tiny) return 0;
  if (x > 1 && x > a) {
    // Q(alpha, x) = prefactor * F, F = 1 / (x + 1 - alpha - 1 (1 - alpha) / (x + 3 - alpha - ...)) as p_k / q_k
    Dual y{1 - a, -1}, z{x + 2 - a, -1};
    Dual p2{1, 0}, q2{x, 0}, p1{x + 1, 0}, q1 = z * Dual{x, 0};
    Dual f = p1 / q1;
    double c = 0;
    for (int i = 0; i < kIterations; ++i) {
      c += 1;
      y.v += 1;
      z.v += 2;
      const Dual yc = y * Dual{c, 0};
      const Dual p = p1 * z - p2 * yc, q = q1 * z - q2 * yc;
      if (q.v != 0) {
        const double previous = f.d;
        f = p / q;
        if (std::abs(f.d - previous) <= tolerance * std::abs(f.d)) break;
      }
      p2 = p1, p1 = p, q2 = q1, q1 = q;
      if (std::abs(p.v) > kBig) p2 = p2 * kBigInv, p1 = p1 * kBigInv, q2 = q2 * kBigInv, q1 = q1 * kBigInv;
    }
    // dQ/dalpha = prefactor (F' + F (log x - digamma(alpha))) and dP/dx = -dQ/dx = prefactor / x
    return x * (f.d + f.v * (log_x - digamma_positive(a)));
  }
  // P(alpha, x) = prefactor / alpha * S, S = sum_k x^k / ((alpha + 1) ... (alpha + k))
  Dual term{1, 0}, sum{1, 0};
  double r = a;
  for (int i = 0; i < kIterations; ++i) {
    r += 1;
    const double inv = 1 / r, ratio = x * inv;  // d/dalpha of x / (alpha + k): -ratio / (alpha + k)
    term = term * Dual{ratio, -ratio * inv};
    sum = sum + term;
    if (std::abs(term.d) <= tolerance * std::abs(sum.d)) break;
  }
  // d log(prefactor / alpha) / dalpha = log x - digamma(alpha + 1); dP/dx = prefactor / x
  return -x / a * (sum.d + sum.v * (log_x - digamma_positive(a + 1)));
}

}  // namespace

// Registers f(x, y) -> R (an expression of x and y, of type T) as op ID's kernel for TYPES. Integers wrap on
// overflow (int_math.h), as in TF and numpy.
#define PT_BINARY(ID, TYPES, R, EXPR)                                                        \
  register_each(TYPES{}, OpId::ID, Device::CPU, [](auto tag) {                               \
    using T = decltype(tag);                                                                 \
    return +[](const Tensor& a, const Tensor& b, const Tensor& out) {                        \
      run_binary<T, R>(a, b, out, [](T x, T y) -> R { return EXPR; });                       \
    };                                                                                       \
  })

void register_binary_kernels() {
  PT_BINARY(add, ElementwiseTypes, T, wrap_add(x, y));
  PT_BINARY(subtract, ElementwiseTypes, T, wrap_sub(x, y));
  PT_BINARY(multiply, ElementwiseTypes, T, wrap_mul(x, y));
  PT_BINARY(maximum, ElementwiseTypes, T, nan_max(x, y));
  PT_BINARY(minimum, ElementwiseTypes, T, nan_min(x, y));
  PT_BINARY(squared_difference, ElementwiseTypes, T, wrap_mul(wrap_sub(x, y), wrap_sub(x, y)));
  // TF's xlogy: 0 where x == 0 (whatever y, NaN included), else x * log(y).
  PT_BINARY(xlogy, FloatTypes, T, x == T(0) ? T(0) : x * std::log(y));
  PT_BINARY(divide, FloatTypes, T, x / y);  // integers divide in float (ops/binary.cpp casts them)
  // alpha x, sample y; computed in float64, summed to 1e-15 (float64) or 1e-9 (float32: well below its rounding),
  // zero where the dtype's x^alpha e^-x / Gamma(alpha) underflows (TF's)
  PT_BINARY(random_gamma_grad, FloatTypes, T,
            static_cast<T>(gamma_sample_alpha_derivative(x, y, -std::log(double(std::numeric_limits<T>::max())),
                                                         std::is_same_v<T, float> ? 1e-9 : 1e-15)));
  PT_BINARY(equal, AllTypes, bool, x == y);
  PT_BINARY(not_equal, AllTypes, bool, x != y);
  PT_BINARY(equal, NarrowIntTypes, bool, x == y);
  PT_BINARY(add, ComplexTypes, T, x + y);
  PT_BINARY(subtract, ComplexTypes, T, x - y);
  PT_BINARY(multiply, ComplexTypes, T, x * y);
  PT_BINARY(divide, ComplexTypes, T, x / y);
  PT_BINARY(equal, ComplexTypes, bool, x == y);
  PT_BINARY(not_equal, ComplexTypes, bool, x != y);
  PT_BINARY(not_equal, NarrowIntTypes, bool, x != y);
  PT_BINARY(less, ElementwiseTypes, bool, x < y);
  PT_BINARY(less_equal, ElementwiseTypes, bool, x <= y);
  PT_BINARY(greater, ElementwiseTypes, bool, x > y);
  PT_BINARY(greater_equal, ElementwiseTypes, bool, x >= y);
  PT_BINARY(logical_and, Types<bool>, bool, x && y);
  PT_BINARY(logical_or, Types<bool>, bool, x || y);
  register_each(ElementwiseTypes{}, OpId::floordiv, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& a, const Tensor& b, const Tensor& out) {
      check_divisor<T>("floordiv", b);
      run_binary<T, T>(a, b, out, [](T x, T y) { return floor_div(x, y); });
    };
  });
  register_each(ElementwiseTypes{}, OpId::floormod, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& a, const Tensor& b, const Tensor& out) {
      check_divisor<T>("floormod", b);
      run_binary<T, T>(a, b, out, [](T x, T y) { return floor_mod(x, y); });
    };
  });
  register_each(ElementwiseTypes{}, OpId::pow, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& a, const Tensor& b, const Tensor& out) {
      if constexpr (std::is_integral_v<T>) {
        if (any_negative<T>(b))
          throw InvalidArgument("pow: integers to negative integer powers are not allowed; cast to float first");
      }
      run_binary<T, T>(a, b, out, [](T x, T y) { return power(x, y); });
    };
  });
  register_each(AllTypes{}, OpId::where, Device::CPU, [](auto tag) { return &where_kernel<decltype(tag)>; });
  register_each(ComplexTypes{}, OpId::where, Device::CPU, [](auto tag) { return &where_kernel<decltype(tag)>; });
  register_each(NarrowIntTypes{}, OpId::where, Device::CPU, [](auto tag) { return &where_kernel<decltype(tag)>; });
  // where selects bits: float16 and bfloat16 as 16-bit words.
  for (DType half : {DType::Float16, DType::BFloat16})
    backend::register_kernel(OpId::where, Device::CPU, half, &where_kernel<uint16_t>);
}

#undef PT_BINARY

}  // namespace pt::cpu
