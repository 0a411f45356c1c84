#pragma once
/** Element-wise kernels over StridedIter: unary maps (scalar or Eigen-vectorized) and binary maps. */
#include <Eigen/Core>

#include "../../core/tensor.h"
#include "loops.h"

namespace pt::cpu {

/** Eigen views of a dense run of n elements. */
template <class T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

/**
 * out[i] = f(x[i]) for out dense of x's shape. `vec(in_map)` (an Eigen expression) is used on
 * dense runs so transcendental functions use Eigen's SIMD code; `scalar` handles strided runs.
 */
template <class T, class R, class Scalar, class Vec>
void unary_map(const Tensor& x, const Tensor& out, Scalar scalar, Vec vec) {
  StridedIter<2> it(x.shape(), {byte_strides(out.strides(), sizeof(R)), byte_strides(x.strides(), sizeof(T))});
  it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())}, kElementwiseGrain,
              [&](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                R* o = reinterpret_cast<R*>(p[0]);
                const char* in = p[1];
                if (s[0] == sizeof(R) && s[1] == sizeof(T)) {
                  ArrayMap<R>(o, n) = vec(ConstArrayMap<T>(reinterpret_cast<const T*>(in), n));
                } else {
                  for (int64_t i = 0; i < n; ++i)
                    *reinterpret_cast<R*>(p[0] + i * s[0]) = scalar(*reinterpret_cast<const T*>(in + i * s[1]));
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
