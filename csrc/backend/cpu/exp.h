#pragma once
/**
 * float32 exp, expm1, the logistic and tanh on SIMD vectors (Vec<float>), each within an ulp of the exact value over the
 * whole float32 range (tests/test_transcendental.py), and exp(x - shift) summed along a row for softmax and the
 * cross-entropies. Eigen's AVX-512 float exp packet clamps its input at 88.376 (inf from there, where the true
 * overflow is at 88.7228), and computing in float64 costs 5x; these are float32 throughout.
 *
 * e^x = 2^n (1 + q), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two, so n ln2_hi is exact and r carries one
 * rounding), q = e^r - 1 = r + r^2 P(r) (Taylor to r^8: under 0.01 ulp of truncation at |r| = ln2 / 2), and 2^n
 * applied as two exact power-of-two factors, so results overflow to inf above 88.7228 and pass through the
 * subnormals (flushed to 0 under the kernels' FTZ) to 0 below -103.97. NaN propagates. Every multiply-add is an
 * explicit FMA, so a value never depends on how the compiler contracted the code around it, and the AVX2 and
 * AVX-512 builds give the same bits.
 */
#include <cmath>
#include <cstdint>

#include "simd.h"

namespace pt::cpu {

using FloatVec = Vec<float>;
using IntVec = IndexVec<float>;
typedef uint32_t UIntVec __attribute__((vector_size(sizeof(IntVec))));

/** a * b + c with one rounding. */
inline FloatVec fmadd(FloatVec a, FloatVec b, FloatVec c) {
#if defined(__AVX512F__)
  return _mm512_fmadd_ps(a, b, c);
#elif defined(__FMA__)
  return _mm256_fmadd_ps(a, b, c);
#else
  return a * b + c;  // (builds without FMA: an extra rounding, still within an ulp of exp)
#endif
}

namespace exp_detail {

/** 2^n for n in [-126, 127], built in the exponent field (unsigned: a NaN lane's n may be anything). */
inline FloatVec pow2(IntVec n) { return (FloatVec)((UIntVec)(n + 127) << 23); }

/** e^x = 2^n (1 + q) with |q| <= sqrt(2) - 1; x must already lie in [-104, 89] or be NaN. */
struct Reduced {
  FloatVec q;
  IntVec n;
};

inline Reduced reduce(FloatVec x) {
  // Adding 1.5 * 2^23 rounds x / ln 2 to an integer in the low mantissa bits (|x / ln 2| < 2^22).
  const FloatVec shifter = broadcast(0x1.8p23f);
  const FloatVec t = fmadd(x, broadcast(1.44269504088896341f), shifter);
  const FloatVec k = t - shifter;
  const IntVec n = (IntVec)t - (IntVec)shifter;
  // ln 2 = kLn2Hi + kLn2Lo, kLn2Hi with 9 significant bits: k * kLn2Hi is exact for |k| < 2^15, and x - k * kLn2Hi
  // too (the two are within a factor of 2 of each other, or k = 0).
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  FloatVec r = fmadd(k, broadcast(-kLn2Hi), x);
  r = fmadd(k, broadcast(-kLn2Lo), r);
  // P(r) = sum_{j=2..8} r^(j-2) / j!, so q = r + r^2 P(r) = e^r - 1 with its small values exact to the last bits.
  FloatVec p = broadcast(1.0f / 40320);
  p = fmadd(p, r, broadcast(1.0f / 5040));
  p = fmadd(p, r, broadcast(1.0f / 720));
  p = fmadd(p, r, broadcast(1.0f / 120));
  p = fmadd(p, r, broadcast(1.0f / 24));
  p = fmadd(p, r, broadcast(1.0f / 6));
  p = fmadd(p, r, broadcast(0.5f));
  return {fmadd(r * r, p, r), n};
}

/** x limited to [lo, hi], NaN kept (a comparison with NaN is false, so the NaN lane keeps x). */
inline FloatVec clamp(FloatVec x, float lo, float hi) {
  x = x > broadcast(hi) ? broadcast(hi) : x;
  return x < broadcast(lo) ? broadcast(lo) : x;
}

}  // namespace exp_detail

/** e^x in every lane: inf above 88.7228, 0 below -103.97 (subnormal between, unless flushed), NaN for NaN. */
inline FloatVec exp_f32(FloatVec x) {
  // e^89 overflows and e^-104 is below half the smallest subnormal: the clamp changes no result.
  const exp_detail::Reduced e = exp_detail::reduce(exp_detail::clamp(x, -104.0f, 89.0f));
  // n in [-150, 129]: 2^n as 2^n1 * 2^n2, both normal. s1 (1 + q) rounds once; the scaling by 2^n2 is exact unless
  // the result overflows or is subnormal, where it rounds as the exact result would.
  const IntVec n1 = e.n >> 1;
  const FloatVec s1 = exp_detail::pow2(n1);
  return fmadd(s1, e.q, s1) * exp_detail::pow2(e.n - n1);
}

/** e^x - 1 in every lane, accurate near 0 (there q itself: n = 0 and r = x exactly). */
inline FloatVec expm1_f32(FloatVec x) {
  // Below -87 the result is -1 (e^-17 is already under half an ulp of 1), and -87 keeps 2^n normal.
  const exp_detail::Reduced e = exp_detail::reduce(exp_detail::clamp(x, -87.0f, 89.0f));
  // 2^n (1 + q) - 1 = 2^n q + (2^n - 1), one rounding; n = 128 (x > 88.376) as 2^127 times a final factor 2.
  const IntVec over = e.n > 127;  // -1 where n = 128
  const FloatVec s = exp_detail::pow2(e.n + over);
  const FloatVec y = fmadd(s, e.q, s - broadcast(1.0f)) * exp_detail::pow2(-over);
  // expm1(-0) is -0 (TF's and numpy's value), where the sums above give +0; x * 0 is also a zero of x's sign for a
  // denormal x, which reads as 0.
  return x == broadcast(0.0f) ? x * broadcast(0.0f) : y;
}

/** 1 / (1 + e^-x) in every lane, within an ulp: the quotient corrected by its remainder, 1 + e carried exactly. */
inline FloatVec sigmoid_f32(FloatVec x) {
  // With e = e^-|x| <= 1: 1 / (1 + e) for x >= 0, e / (1 + e) below (no overflow, no cancellation).
  const FloatVec e = exp_f32(-(x < broadcast(0.0f) ? -x : x));
  const FloatVec one = broadcast(1.0f);
  const FloatVec num = x < broadcast(0.0f) ? e : one;
  const FloatVec d = one + e;
  const FloatVec d_lo = (one - d) + e;  // 1 + e = d + d_lo exactly (|e| <= 1)
  const FloatVec inv = one / d;
  const FloatVec quotient = num * inv;
  const FloatVec remainder = fmadd(-quotient, d_lo, fmadd(-quotient, d, num));  // num - quotient (1 + e)
  return fmadd(remainder, inv, quotient);
}

/**
 * tanh in every lane, within an ulp. |x| < 0.625: x + x^3 P(x^2), P a degree-5 fit (relative error 1e-9 with its
 * float32 coefficients; the x^3 term is at most a tenth of x, so its roundings stay below a tenth of an ulp).
 * Above: e / (e + 2) with e = e^2|x| - 1 >= 2.49 (expm1, no cancellation), the quotient corrected by its remainder
 * with e + 2 carried exactly, the sign put back; from |x| = 10 on the value rounds to 1 (the input is clamped there, so
 * e stays finite). NaN propagates, tanh(-0) is -0.
 */
inline FloatVec tanh_f32(FloatVec x) {
  const FloatVec zero = broadcast(0.0f), two = broadcast(2.0f);
  const FloatVec s = x * x;
  FloatVec p = broadcast(0.002147533930838108f);
  p = fmadd(p, s, broadcast(-0.008182670921087265f));
  p = fmadd(p, s, broadcast(0.021702965721488f));
  p = fmadd(p, s, broadcast(-0.05394720286130905f));
  p = fmadd(p, s, broadcast(0.13333210349082947f));
  p = fmadd(p, s, broadcast(-0.3333333134651184f));
  const FloatVec small = fmadd(x * s, p, x);
  const FloatVec a = x < zero ? -x : x;  // NaN stays NaN
  const FloatVec e = expm1_f32(exp_detail::clamp(a, 0.0f, 10.0f) * two);
  const FloatVec d = e + two;
  const FloatVec d_lo = (e - d) + two;  // e + 2 = d + d_lo exactly (e >= 2 where this branch is taken)
  const FloatVec inv = broadcast(1.0f) / d;
  const FloatVec quotient = e * inv;
  const FloatVec remainder = fmadd(-quotient, d_lo, fmadd(-quotient, d, e));  // e - quotient (e + 2)
  const FloatVec t = fmadd(remainder, inv, quotient);
  const FloatVec large = x < zero ? -t : t;
  // The polynomial gives +0 for -0 (-0 + +0): zeros keep their sign, and a denormal (which reads as 0) gives one.
  return x == zero ? x * zero : a < broadcast(0.625f) ? small : large;
}

/**
 * out[i] = e^(x[i] - shift) for i < n (out may be null) and their sum: lane-wise partial sums, then the lanes in
 * order, so the sum depends on n only. A tail shorter than a vector goes through a padded vector, so an element's
 * value does not depend on its position.
 */
inline float exp_shifted_sum(const float* x, int64_t n, float shift, float* out) {
  constexpr int64_t L = kLanes<float>;
  const FloatVec s = broadcast(shift);
  FloatVec acc{};
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    const FloatVec e = exp_f32(load(x + i) - s);
    if (out) store(out + i, e);
    acc += e;
  }
  if (i < n) {
    alignas(64) float tail[L];
    for (int64_t j = 0; j < L; ++j) tail[j] = i + j < n ? x[i + j] : -INFINITY;  // padding adds e^-inf = 0
    const FloatVec e = exp_f32(load(tail) - s);
    store(tail, e);
    if (out)
      for (int64_t j = 0; i + j < n; ++j) out[i + j] = tail[j];
    acc += e;
  }
  return lane_sum<float>(acc);
}

/** The float64 form of exp_shifted_sum: libm's exp, summed in order. */
inline double exp_shifted_sum(const double* x, int64_t n, double shift, double* out) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double e = std::exp(x[i] - shift);
    if (out) out[i] = e;
    sum += e;
  }
  return sum;
}

}  // namespace pt::cpu
