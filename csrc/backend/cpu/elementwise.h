#pragma once
/** Element-wise kernels over StridedIter: unary maps (scalar or Eigen-vectorized in blocks) and binary maps. */
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "../../core/int_math.h"
#include "../../core/tensor.h"
#include "loops.h"
#include "simd.h"

namespace pt::cpu {

/** Elements per block of unary_map_blocks: a multiple of every SIMD width. */
constexpr int64_t kMapBlock = 64;

/** `v` as the compute type W, a denormal read as (signed) zero: the kernels' DAZ rule for block maps. */
template <class T, class W>
inline W daz_read(T v) {
  return static_cast<W>(std::abs(v) < std::numeric_limits<T>::min() ? std::copysign(T(0), v) : v);
}

/** abs's element function: abs(lowest) is lowest for integers, as in TF and numpy. */
template <class T> T abs_of(T v) {
  if constexpr (std::is_unsigned_v<T>) return v;
  else return v < T(0) ? wrap_neg(v) : v;
}

/** maximum's element function: NaN when either operand is NaN, as TF's. */
template <class T> T nan_max(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
  }
  return x > y ? x : y;
}

/** minimum's element function: NaN when either operand is NaN, as TF's. */
template <class T> T nan_min(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
  }
  return x < y ? x : y;
}

/**
 * out[i] = vec(block)[i], where `vec` maps an aligned Eigen array of kMapBlock values of W (the compute type: T, or
 * double to evaluate float functions in float64) to an expression of W; results are rounded to T. Every element goes
 * through the same packet code, a short or strided run through a padded block: Eigen's own loop over a Map computes
 * unaligned heads and tails with its scalar functions, which differ from the packet ones, so an element's value
 * depended on its neighbours and the tensor's size. The T <-> W conversions are plain loops the compiler vectorizes
 * (Eigen's cast<double>() of a float array is not). Denormal inputs read as zero, the rule of every kernel (DAZ).
 */
template <class T, class W, class Vec>
void unary_map_blocks(const Tensor& x, const Tensor& out, Vec vec) {
  using Block = Eigen::Array<W, kMapBlock, 1>;
  StridedIter<2> it(x.shape(), {byte_strides(out.strides(), sizeof(T)), byte_strides(x.strides(), sizeof(T))});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())}, kElementwiseGrain,
              [&](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                alignas(64) W in[kMapBlock];
                alignas(64) W res[kMapBlock];
                const auto read = [](T v) { return daz_read<T, W>(v); };
                for (int64_t i = 0; i < n; i += kMapBlock) {
                  const int64_t m = std::min(kMapBlock, n - i);
                  const char* src = p[1] + i * s[1];
                  char* dst = p[0] + i * s[0];
                  if (s[1] == sizeof(T)) {
                    const T* __restrict v = reinterpret_cast<const T*>(src);
                    for (int64_t j = 0; j < m; ++j) in[j] = read(v[j]);
                  } else {
                    for (int64_t j = 0; j < m; ++j) in[j] = read(*reinterpret_cast<const T*>(src + j * s[1]));
                  }
                  std::fill(in + m, in + kMapBlock, W(0));
                  Eigen::Map<Block, Eigen::Aligned64> result(res);
                  result = vec(Eigen::Map<const Block, Eigen::Aligned64>(in));
                  if (s[0] == sizeof(T)) {
                    T* __restrict o = reinterpret_cast<T*>(dst);
                    for (int64_t j = 0; j < m; ++j) o[j] = static_cast<T>(res[j]);
                  } else {
                    for (int64_t j = 0; j < m; ++j) *reinterpret_cast<T*>(dst + j * s[0]) = static_cast<T>(res[j]);
                  }
                }
              });
}

/**
 * out[i] = f(x[i]) for T (float32 unless given), `f` mapping a Vec<T> lane by lane (e.g. cpu/exp.h). Dense runs go a vector at a
 * time; a tail shorter than a vector, and strided runs, through a zero-padded vector, so every element goes through
 * the same code and its value never depends on its neighbours. Denormal inputs read as zero (the kernels' DAZ).
 */
template <class T = float, class F>
void unary_map_vec(const Tensor& x, const Tensor& out, F f) {
  constexpr int64_t L = kLanes<T>;
  constexpr int64_t kSize = sizeof(T);
  StridedIter<2> it(x.shape(), {byte_strides(out.strides(), kSize), byte_strides(x.strides(), kSize)});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())}, kElementwiseGrain,
              [&](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                int64_t i = 0;
                if (s[0] == kSize && s[1] == kSize) {
                  T* __restrict o = reinterpret_cast<T*>(p[0]);
                  const T* __restrict v = reinterpret_cast<const T*>(p[1]);
                  for (; i + L <= n; i += L) store(o + i, f(load(v + i)));
                }
                for (; i < n; i += L) {
                  const int64_t m = std::min(L, n - i);
                  alignas(64) T lanes[L] = {};
                  for (int64_t j = 0; j < m; ++j) lanes[j] = *reinterpret_cast<const T*>(p[1] + (i + j) * s[1]);
                  store(lanes, f(load(lanes)));
                  for (int64_t j = 0; j < m; ++j) *reinterpret_cast<T*>(p[0] + (i + j) * s[0]) = lanes[j];
                }
              });
}

/** out[i] = f(x[i]) with a plain scalar function (the compiler vectorizes dense runs). */
template <class T, class R, class F>
void unary_map_scalar(const Tensor& x, const Tensor& out, F f) {
  StridedIter<2> it(x.shape(), {byte_strides(out.strides(), sizeof(R)), byte_strides(x.strides(), sizeof(T))});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())}, kElementwiseGrain,
              [&](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                if (s[0] == sizeof(R) && s[1] == sizeof(T)) {
                  R* __restrict o = reinterpret_cast<R*>(p[0]);
                  const T* __restrict in = reinterpret_cast<const T*>(p[1]);
                  for (int64_t i = 0; i < n; ++i) o[i] = f(in[i]);
                } else {
                  for (int64_t i = 0; i < n; ++i)
                    *reinterpret_cast<R*>(p[0] + i * s[0]) = f(*reinterpret_cast<const T*>(p[1] + i * s[1]));
                }
              });
}

/**
 * out = f(a, b) where a and b are already viewed with strides broadcast to out's shape.
 * Dense, scalar-left and scalar-right runs get loops the compiler vectorizes.
 */
template <class T, class R, class F>
void binary_map(const Shape& shape, const Tensor& out, const Tensor& a, const Strides& sa, const Tensor& b,
                const Strides& sb, F f) {
  StridedIter<3> it(shape, {byte_strides(out.strides(), sizeof(R)), byte_strides(sa, sizeof(T)),
                            byte_strides(sb, sizeof(T))});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(a.raw_data()),
               static_cast<char*>(b.raw_data())},
              kElementwiseGrain, [&](int64_t n, const std::array<char*, 3>& p, const std::array<int64_t, 3>& s) {
                R* __restrict o = reinterpret_cast<R*>(p[0]);
                const T* __restrict x = reinterpret_cast<const T*>(p[1]);
                const T* __restrict y = reinterpret_cast<const T*>(p[2]);
                if (s[0] == sizeof(R)) {
                  if (s[1] == sizeof(T) && s[2] == sizeof(T)) {
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                    return;
                  }
                  if (s[1] == 0 && s[2] == sizeof(T)) {
                    const T xv = *x;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                    return;
                  }
                  if (s[1] == sizeof(T) && s[2] == 0) {
                    const T yv = *y;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                    return;
                  }
                }
                for (int64_t i = 0; i < n; ++i)
                  *reinterpret_cast<R*>(p[0] + i * s[0]) =
                      f(*reinterpret_cast<const T*>(p[1] + i * s[1]), *reinterpret_cast<const T*>(p[2] + i * s[2]));
              });
}

}  // namespace pt::cpu
