#pragma once
/**
 * float32 sin, cos, tan, atan, asin and acos on SIMD vectors (Vec<float>), within an ulp of the exact value
 * (tests/test_transcendental.py). Each widens the lanes to float64, computes there to ~1e-11 relative error and
 * rounds once, so a result is the correctly rounded value except in near-ties: no float32 reduction or polynomial
 * error to budget for. Half-width float64 vectors still run several times faster than the scalar libm calls (sinf,
 * atanf) they replace: Eigen 3.4 vectorizes sin and cos only under EIGEN_FAST_MATH, and the inverse functions not at
 * all.
 *
 * sin, cos, tan: x = k pi/2 + r, |r| <= pi/4, with pi/2 in two parts (k kPiOver2Hi exact for |k| < 2^20), then
 * Taylor series of sin r to r^11 and cos r to r^12 (truncation under 1e-11, far below float32's half ulp, 3e-8). Lanes with |x| above 2^18, inf or NaN
 * are libm's (its exact reduction of huge arguments).
 * atan, asin, acos: atan of a ratio with one division (atan_ratio), asin and acos as atan2(x, sqrt(1 - x^2)) and
 * atan2(sqrt(1 - x^2), x), where (1 - x)(1 + x) carries no cancellation for a float32 x.
 */
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "simd.h"

namespace pt::cpu {

namespace trig_detail {

using DoubleVec = Vec<double>;
/** float32 lanes as many as DoubleVec's: half a Vec<float>. */
typedef float HalfFloatVec __attribute__((vector_size(kVecBytes / 2)));
typedef int64_t LongVec __attribute__((vector_size(kVecBytes)));

constexpr double kPiOver2Hi = 1.5707963267341256;     // pi/2 to 33 bits: k * kPiOver2Hi is exact for |k| < 2^20
constexpr double kPiOver2Lo = 6.077100506506192e-11;  // pi/2 - kPiOver2Hi
constexpr double kPiOver2 = 1.5707963267948966;
constexpr double kTwoOverPi = 0.6366197723675814;
constexpr double kRoundShift = 6755399441055744.0;    // 1.5 * 2^52: adding it rounds to an integer, held in the low bits
constexpr float kVectorLimit = 262144.0f;             // 2^18

/** x with each denormal lane a zero of its sign, as the kernels' denormals-are-zero reads it (neither the float64
 *  widening nor libm's scalar functions apply that mode). */
inline Vec<float> denormals_as_zero(Vec<float> x) {
  return (x < 0.0f ? -x : x) < broadcast(std::numeric_limits<float>::min()) ? x * 0.0f : x;
}

// Halves of a Vec<float> and back, in registers (halves through memory stall on store forwarding).
#ifdef __AVX512F__
#define PT_LOW_HALF 0, 1, 2, 3, 4, 5, 6, 7
#define PT_HIGH_HALF 8, 9, 10, 11, 12, 13, 14, 15
#else
#define PT_LOW_HALF 0, 1, 2, 3
#define PT_HIGH_HALF 4, 5, 6, 7
#endif

/** f applied to the float64 widening of each half of `x`, rounded back to float32 once. */
template <class F>
inline Vec<float> widened(Vec<float> x, F f) {
  x = denormals_as_zero(x);
  const HalfFloatVec low = __builtin_shufflevector(x, x, PT_LOW_HALF);
  const HalfFloatVec high = __builtin_shufflevector(x, x, PT_HIGH_HALF);
  const HalfFloatVec low_out = __builtin_convertvector(f(__builtin_convertvector(low, DoubleVec)), HalfFloatVec);
  const HalfFloatVec high_out = __builtin_convertvector(f(__builtin_convertvector(high, DoubleVec)), HalfFloatVec);
  return __builtin_shufflevector(low_out, high_out, PT_LOW_HALF, PT_HIGH_HALF);
}

#undef PT_LOW_HALF
#undef PT_HIGH_HALF

/** The square root of every lane. */
inline DoubleVec sqrt_lanes(DoubleVec v) {
#if defined(__AVX__)
  // (by 256-bit halves under AVX-512 too: GCC 12 warns on _mm512_sqrt_pd's own uninitialized pass-through operand)
  __m256d halves[sizeof(v) / sizeof(__m256d)];
  std::memcpy(halves, &v, sizeof(v));
  for (__m256d& h : halves) h = _mm256_sqrt_pd(h);
  std::memcpy(&v, halves, sizeof(v));
  return v;
#else
  for (int64_t i = 0; i < kLanes<double>; ++i) v[i] = std::sqrt(v[i]);
  return v;
#endif
}

/** The non-negative `magnitude` with the sign bit of x (so odd functions keep -0 and the sign of tiny inputs). */
inline DoubleVec with_sign_of(DoubleVec x, DoubleVec magnitude) {
  const LongVec sign_bit = (LongVec)broadcast(-0.0);
  return (DoubleVec)((LongVec)magnitude | ((LongVec)x & sign_bit));
}

/**
 * vector(x) where |x| <= kVectorLimit, scalar(x) (libm) in the other lanes (huge, inf, NaN). Every in-range lane is
 * computed by `vector` whatever its neighbours, so an element's value never depends on its position.
 */
template <class VectorFn, class ScalarFn>
inline Vec<float> reduced_or_libm(Vec<float> x, VectorFn vector, ScalarFn scalar) {
  x = denormals_as_zero(x);
  const auto inside = (x < 0.0f ? -x : x) <= broadcast(kVectorLimit);  // false for NaN
  Vec<float> out = vector(inside ? x : Vec<float>{});
  if (all_lanes(inside)) return out;
  for (int64_t i = 0; i < kLanes<float>; ++i)
    if (!inside[i]) out[i] = scalar(x[i]);
  return out;
}

/** sin and cos of x, and x's quadrant k mod 4 (what the caller combines them by). */
struct SinCos {
  DoubleVec sin_r, cos_r;
  LongVec quadrant;
};

/** x = k pi/2 + r, then the series of sin r and cos r. */
inline SinCos sincos_parts(DoubleVec x) {
  const DoubleVec shifted = x * kTwoOverPi + kRoundShift;  // k in the mantissa's low bits (two's complement)
  const DoubleVec k = shifted - kRoundShift;
  const DoubleVec r = (x - k * kPiOver2Hi) - k * kPiOver2Lo;
  const DoubleVec z = r * r;
  // r^11/11! down to -r^3/3!, divided by r^3; r^12/12! down to -r^2/2!, divided by r^2
  constexpr double kSin[] = {-1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0};
  constexpr double kCos[] = {1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0, -0.5};
  DoubleVec ps = broadcast(kSin[0]), pc = broadcast(kCos[0]);
  for (int i = 1; i < 5; ++i) ps = ps * z + kSin[i];
  for (int i = 1; i < 6; ++i) pc = pc * z + kCos[i];
  return {r + r * z * ps, 1.0 + z * pc, (LongVec)shifted & 3};
}

/**
 * atan(num / den) for num, den >= 0 (not both 0; inf allowed), NaN propagating, with one division: the ratio's
 * range [0, tan(pi/8)] as it is, (tan(pi/8), tan(3pi/8)] as pi/4 + atan((num - den) / (num + den)), above as
 * pi/2 - atan(den / num), so the series argument stays within tan(pi/8).
 */
inline DoubleVec atan_ratio(DoubleVec num, DoubleVec den) {
  const auto low = num <= 0.41421356237309503 * den;   // tan(pi/8)
  const auto high = num > 2.414213562373095 * den;     // tan(3pi/8)
  const DoubleVec top = low ? num : high ? -den : num - den;
  const DoubleVec bottom = low ? den : high ? num : num + den;
  const DoubleVec offset = low ? DoubleVec{} : high ? broadcast(kPiOver2) : broadcast(kPiOver2 / 2);
  const DoubleVec u = top / bottom;
  const DoubleVec z = u * u;
  DoubleVec p = broadcast(-1.0 / 27.0);  // the odd series to u^27 (truncation under 1e-12 at tan(pi/8))
  for (int k = 12; k >= 0; --k) p = p * z + ((k & 1) ? -1.0 : 1.0) / (2 * k + 1);
  return offset + u * p;
}

/** sin x for |x| <= kVectorLimit. */
inline DoubleVec sin_reduced(DoubleVec v) {
  const SinCos p = sincos_parts(v);
  const DoubleVec s = (p.quadrant & 1) != 0 ? p.cos_r : p.sin_r;  // sin(r + pi/2) = cos r
  return v == 0.0 ? v : (p.quadrant & 2) != 0 ? -s : s;            // sin(r + pi) = -sin r; sin(-0) is -0
}

/** cos x for |x| <= kVectorLimit. */
inline DoubleVec cos_reduced(DoubleVec v) {
  const SinCos p = sincos_parts(v);
  const DoubleVec c = (p.quadrant & 1) != 0 ? -p.sin_r : p.cos_r;  // cos(r + pi/2) = -sin r
  return (p.quadrant & 2) != 0 ? -c : c;
}

/** tan x for |x| <= kVectorLimit. */
inline DoubleVec tan_reduced(DoubleVec v) {
  const SinCos p = sincos_parts(v);
  const DoubleVec t = (p.quadrant & 1) != 0 ? -p.cos_r / p.sin_r : p.sin_r / p.cos_r;  // tan(r + pi/2) = -cot r
  return v == 0.0 ? v : t;                                                             // tan(-0) is -0
}

}  // namespace trig_detail

/** sin x in every lane, within an ulp. */
inline Vec<float> sin_f32(Vec<float> x) {
  using namespace trig_detail;
  return reduced_or_libm(x, [](Vec<float> in) { return widened(in, sin_reduced); }, [](float v) { return std::sin(v); });
}

/** cos x in every lane, within an ulp. */
inline Vec<float> cos_f32(Vec<float> x) {
  using namespace trig_detail;
  return reduced_or_libm(x, [](Vec<float> in) { return widened(in, cos_reduced); }, [](float v) { return std::cos(v); });
}

/** tan x in every lane, within an ulp. */
inline Vec<float> tan_f32(Vec<float> x) {
  using namespace trig_detail;
  return reduced_or_libm(x, [](Vec<float> in) { return widened(in, tan_reduced); }, [](float v) { return std::tan(v); });
}

/** atan x in every lane, within an ulp. */
inline Vec<float> atan_f32(Vec<float> x) {
  using namespace trig_detail;
  return widened(x, [](DoubleVec v) { return with_sign_of(v, atan_ratio(v < 0.0 ? -v : v, broadcast(1.0))); });
}

/** asin x = atan(x / sqrt(1 - x^2)) in every lane, within an ulp (NaN outside [-1, 1]). */
inline Vec<float> asin_f32(Vec<float> x) {
  using namespace trig_detail;
  return widened(x, [](DoubleVec v) {
    const DoubleVec a = v < 0.0 ? -v : v;
    return with_sign_of(v, atan_ratio(a, sqrt_lanes((1.0 - a) * (1.0 + a))));
  });
}

/** acos x = atan2(sqrt(1 - x^2), x) in every lane, within an ulp (NaN outside [-1, 1]). */
inline Vec<float> acos_f32(Vec<float> x) {
  using namespace trig_detail;
  return widened(x, [](DoubleVec v) {
    const DoubleVec s = sqrt_lanes((1.0 - v) * (1.0 + v));
    const DoubleVec a = atan_ratio(s, v < 0.0 ? -v : v);
    return v < 0.0 ? kPiOver2 * 2 - a : a;
  });
}

}  // namespace pt::cpu
