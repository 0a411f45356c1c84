// CPU kernels of the unary family: element-wise maps, predicates and cast.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "../../core/int_math.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "elementwise.h"
#include "exp.h"
#include "half_types.h"
#include "register.h"
#include "trig.h"

namespace pt::cpu {

namespace {

using backend::AllTypes;
using backend::FloatTypes;
using backend::NumericTypes;
using backend::register_each;
using backend::Types;
using backend::UnaryKernel;

template <class T> T sign_of(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(v)) return v;
  }
  if constexpr (std::is_unsigned_v<T>) return v > 0 ? T(1) : T(0);
  else return static_cast<T>((T(0) < v) - (v < T(0)));
}

template <class T> constexpr bool is_complex_v = false;
template <class T> constexpr bool is_complex_v<std::complex<T>> = true;

template <class R, class T> R convert_element(T v) {
  // Complex to real keeps the real part, as TF's cast; real to complex has no imaginary part.
  if constexpr (is_complex_v<T> && is_complex_v<R>) return R(v);
  else if constexpr (is_complex_v<T>) return std::is_same_v<R, bool> ? R(v != T(0)) : convert_element<R>(v.real());
  else if constexpr (is_complex_v<R>) return R(convert_element<typename R::value_type>(v));
  // float16 / bfloat16 convert through float32 both ways, as Eigen's (and so TF's) casts do.
  else if constexpr (is_half_v<T>) return convert_element<R>(static_cast<float>(v));
  else if constexpr (is_half_v<R>) return R(convert_element<float>(v));
  else return backend::cast_element<R>(v);  // shared with the CUDA cast
}

/** A 16-byte element (complex128), copied as two words. */
struct Word128 {
  uint64_t lo, hi;
};

template <class Word>
void strided_copy(int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
  for (int64_t i = 0; i < n; ++i)
    *reinterpret_cast<Word*>(p[0] + i * s[0]) = *reinterpret_cast<const Word*>(p[1] + i * s[1]);
}

/** identity's kernel, the copy every device implements: `src` broadcast to dst's shape, copied into dst. */
void copy_kernel(const Tensor& src, const Tensor& dst) {
  Strides ss = broadcast_strides(src.shape(), src.strides(), dst.shape());
  size_t isz = dst.itemsize();
  StridedIter<2> it(dst.shape(), {byte_strides(dst.strides(), isz), byte_strides(ss, isz)});
  // A copy moves bytes at memory speed: splitting it pays only above ~1 MiB per thread, and below that
  // a thread hand-off costs more than it saves (much more when the cores are busy).
  const int64_t grain = std::max<int64_t>(kElementwiseGrain, (int64_t{1} << 20) / static_cast<int64_t>(isz));
  it.for_each({static_cast<char*>(dst.raw_data()), static_cast<char*>(src.raw_data())}, grain,
              [isz](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                if (s[0] == static_cast<int64_t>(isz) && s[1] == static_cast<int64_t>(isz)) {
                  std::memmove(p[0], p[1], n * isz);
                  return;
                }
                // Strided runs: copy by element size so the loop is a plain load/store.
                switch (isz) {
                  case 1: strided_copy<uint8_t>(n, p, s); break;
                  case 2: strided_copy<uint16_t>(n, p, s); break;
                  case 4: strided_copy<uint32_t>(n, p, s); break;
                  case 8: strided_copy<uint64_t>(n, p, s); break;
                  default: strided_copy<Word128>(n, p, s); break;
                }
              });
}

/** The dtypes cast converts between. */
using CastTypes = Types<bool, uint8_t, int32_t, int64_t, float, double, Eigen::half, Eigen::bfloat16, int8_t, int16_t,
                        uint16_t, uint32_t, uint64_t, std::complex<float>, std::complex<double>>;
// Runs __VA_ARGS__ with scalar_t bound to the C++ type of cast's output dtype `dt` (one of CastTypes).
#define PT_DISPATCH_CAST(dt, ...)                                                                       \
  switch (dt) {                                                                                         \
    PT_CASE(Bool, bool, __VA_ARGS__)                                                                    \
    PT_CASE(UInt8, uint8_t, __VA_ARGS__)                                                                \
    PT_CASE(Int32, int32_t, __VA_ARGS__)                                                                \
    PT_CASE(Int64, int64_t, __VA_ARGS__)                                                                \
    PT_CASE(Float32, float, __VA_ARGS__)                                                                \
    PT_CASE(Float64, double, __VA_ARGS__)                                                               \
    PT_CASE(Float16, Eigen::half, __VA_ARGS__)                                                          \
    PT_CASE(BFloat16, Eigen::bfloat16, __VA_ARGS__)                                                     \
    PT_CASE(Int8, int8_t, __VA_ARGS__)                                                                  \
    PT_CASE(Int16, int16_t, __VA_ARGS__)                                                                \
    PT_CASE(UInt16, uint16_t, __VA_ARGS__)                                                              \
    PT_CASE(UInt32, uint32_t, __VA_ARGS__)                                                              \
    PT_CASE(UInt64, uint64_t, __VA_ARGS__)                                                              \
    PT_CASE(Complex64, std::complex<float>, __VA_ARGS__)                                                \
    PT_CASE(Complex128, std::complex<double>, __VA_ARGS__)                                              \
    default: ::pt::throw_dtype_error("cast", dt, "a real dtype (bool, integers, floats)");              \
  }

}  // namespace

// The float64 trigonometric and hyperbolic functions Eigen 3.4 has no SIMD form for (float32's are in trig.h), and
// float32 sinh and cosh, as one pass of vectorized steps (libm's scalar forms run 10-20 ns an element, 10-40x
// numpy's): within a few ulp of libm.

/** sinh and cosh of float32 lanes by exp.h's SIMD exp and expm1. */
inline FloatVec sinh_f32(FloatVec v) { return (expm1_f32(v) - expm1_f32(-v)) * 0.5f; }
inline FloatVec cosh_f32(FloatVec v) { return (exp_f32(v) + exp_f32(-v)) * 0.5f; }

/** A block of unary_map_blocks' values. */
template <class T>
using MapBlock = Eigen::Array<T, kMapBlock, 1>;

/** atan by argument reduction: 1 / |x| above 1, three half-angle steps (atan t = 2 atan(t / (1 + sqrt(1 + t^2))))
 *  to |t| < tan(pi / 16), then 13 terms of the odd Taylor series (exact in float64). */
template <class T>
MapBlock<T> atan_of(const MapBlock<T>& x) {
  using B = MapBlock<T>;
  const B ax = x.abs();
  const auto outside = ax > T(1);
  B t = outside.select(T(1) / ax, ax);
  for (int i = 0; i < 3; ++i) t = t / (T(1) + (T(1) + t * t).sqrt());
  const B u = t * t;
  B series = B::Constant(T(1.0 / 25.0));
  for (int k = 11; k >= 0; --k) series = T(1.0 / (2 * k + 1)) - u * series;
  B r = T(8) * t * series;
  r = outside.select(T(M_PI / 2) - r, r);
  return (x < T(0)).select(-r, r);
}

/** asinh(|x|) = log1p(|x| + x^2 / (1 + sqrt(1 + x^2))), log(2 |x|) where x^2 would overflow; x's sign. */
template <class T>
MapBlock<T> asinh_of(const MapBlock<T>& x) {
  using B = MapBlock<T>;
  const B ax = x.abs();
  const auto big = ax > T(std::is_same_v<T, float> ? 1e8 : 1e150);
  const B small = big.select(T(0), ax);
  const B near = (small + small * small / (T(1) + (T(1) + small * small).sqrt())).log1p();
  const B far = big.select(ax, T(1)).log() + T(M_LN2);
  const B r = big.select(far, near);
  return (x < T(0)).select(-r, r);
}

/** acosh(x) = log1p((x - 1) + sqrt((x - 1)(x + 1))), log(2x) where x^2 would overflow; NaN below 1. */
template <class T>
MapBlock<T> acosh_of(const MapBlock<T>& x) {
  using B = MapBlock<T>;
  const auto big = x > T(std::is_same_v<T, float> ? 1e8 : 1e150);
  const B safe = big.select(T(2), x);
  const B t = safe - T(1);
  const B near = (t + (t * (safe + T(1))).sqrt()).log1p();
  return big.select(big.select(x, T(1)).log() + T(M_LN2), near);
}

// Float-only ops with an Eigen vectorized form, `a` an aligned block of the input (unary_map_blocks). Eigen's
// float32 log packet is within an ulp, log1p within 2 (tests/test_transcendental.py).
#define PT_FLOAT_UNARY(ID, VEC)                                                             \
  register_each(FloatTypes{}, OpId::ID, Device::CPU, [](auto tag) {                         \
    using T = decltype(tag);                                                                \
    return +[](const Tensor& x, const Tensor& out) {                                        \
      unary_map_blocks<T, T>(x, out, [](const auto& a) { return VEC; });                    \
    };                                                                                      \
  })
// float32 by the SIMD functions of exp.h (exp, expm1, the logistic, tanh, sinh, cosh) and trig.h (sin, cos, tan,
// atan, asin, acos); float64 by Eigen. (Eigen's float32 logistic is a rational approximation 7e-4 off, its AVX-512
// exp packet returns inf from 88.376, short of the overflow at 88.7228, its tanh, sin and cos are not vectorized
// without fast math, and libm's scalar functions cost 5-20 ns an element.)
#define PT_SIMD32_UNARY(ID, F32, VEC64)                                                     \
  register_each(FloatTypes{}, OpId::ID, Device::CPU, [](auto tag) {                         \
    using T = decltype(tag);                                                                \
    return +[](const Tensor& x, const Tensor& out) {                                        \
      if constexpr (std::is_same_v<T, float>) unary_map_vec(x, out, F32);                   \
      else unary_map_blocks<T, T>(x, out, [](const auto& a) { return VEC64; });             \
    };                                                                                      \
  })

// Ops with a scalar form over `TYPES` (dense runs auto-vectorize), giving R.
#define PT_SCALAR_UNARY(ID, TYPES, R, SCALAR)                                               \
  register_each(TYPES{}, OpId::ID, Device::CPU, [](auto tag) {                              \
    using T = decltype(tag);                                                                \
    return +[](const Tensor& x, const Tensor& out) {                                        \
      unary_map_scalar<T, R>(x, out, [](T v) -> R { return SCALAR; });                      \
    };                                                                                      \
  })

void register_unary_kernels() {
  PT_SCALAR_UNARY(negative, backend::ElementwiseTypes, T, wrap_neg(v));
  PT_SCALAR_UNARY(negative, ComplexTypes, T, -v);
  PT_SCALAR_UNARY(abs, backend::ElementwiseTypes, T, abs_of(v));
  PT_SCALAR_UNARY(sign, backend::ElementwiseTypes, T, sign_of(v));
  PT_SCALAR_UNARY(square, backend::ElementwiseTypes, T, wrap_mul(v, v));
  PT_SCALAR_UNARY(relu, NumericTypes, T, v > T(0) ? v : (v != v ? v : T(0)));
  PT_SIMD32_UNARY(exp, exp_f32, a.exp());
  PT_FLOAT_UNARY(log, a.log());
  PT_FLOAT_UNARY(log1p, a.log1p());
  PT_SIMD32_UNARY(expm1, expm1_f32, a.expm1());
  PT_FLOAT_UNARY(sqrt, a.sqrt());
  PT_FLOAT_UNARY(rsqrt, a.rsqrt());
  PT_FLOAT_UNARY(reciprocal, a.inverse());
  PT_SIMD32_UNARY(sin, sin_f32, a.sin());
  PT_SIMD32_UNARY(cos, cos_f32, a.cos());
  PT_SIMD32_UNARY(tanh, tanh_f32, a.tanh());
  PT_SIMD32_UNARY(tan, tan_f32, a.sin() / a.cos());
  PT_SIMD32_UNARY(sinh, sinh_f32, (a.expm1() - (-a).expm1()) * T(0.5));  // by expm1: exact near 0
  PT_SIMD32_UNARY(cosh, cosh_f32, (a.exp() + (-a).exp()) * T(0.5));
  // (evaluated here: an expression would refer to atan_of's temporary after the kernel's lambda returns)
  PT_SIMD32_UNARY(asin, asin_f32, MapBlock<T>(T(2) * atan_of<T>(a / (T(1) + ((T(1) - a) * (T(1) + a)).sqrt()))));
  PT_SIMD32_UNARY(acos, acos_f32, MapBlock<T>(T(2) * atan_of<T>(((T(1) - a) / (T(1) + a)).sqrt())));  // exact near 1
  PT_SIMD32_UNARY(atan, atan_f32, atan_of<T>(a));
  PT_FLOAT_UNARY(asinh, asinh_of<T>(a));
  PT_FLOAT_UNARY(acosh, acosh_of<T>(a));
  PT_FLOAT_UNARY(atanh, T(0.5) * (T(2) * a / (T(1) - a)).log1p());
  PT_SIMD32_UNARY(sigmoid, sigmoid_f32, (1.0 + (-a).exp()).inverse());
  PT_FLOAT_UNARY(floor, a.floor());
  PT_FLOAT_UNARY(ceil, a.ceil());
  PT_FLOAT_UNARY(round, a.rint());
  PT_SCALAR_UNARY(is_nan, FloatTypes, bool, std::isnan(v));
  PT_SCALAR_UNARY(is_finite, FloatTypes, bool, std::isfinite(v));
  PT_SCALAR_UNARY(logical_not, Types<bool>, bool, !v);
  // identity copies bytes: one kernel for every dtype.
  for (int d = 0; d < kNumDTypes; ++d) backend::register_kernel(OpId::identity, Device::CPU, DType(d), &copy_kernel);
  // cast: keyed by the input's dtype; the output's picks the conversion.
  register_each(CastTypes{}, OpId::cast, Device::CPU, [](auto tag) {
    using In = decltype(tag);
    return +[](const Tensor& x, const Tensor& out) {
      PT_DISPATCH_CAST(out.dtype(), {
        unary_map_scalar<In, scalar_t>(x, out, [](In v) { return convert_element<scalar_t>(v); });
      });
    };
  });
}

#undef PT_DISPATCH_CAST
#undef PT_FLOAT_UNARY
#undef PT_SIMD32_UNARY
#undef PT_SCALAR_UNARY

}  // namespace pt::cpu
