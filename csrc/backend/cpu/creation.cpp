// CPU kernels of the creation family: fills, identity matrices and evenly spaced sequences.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "half_types.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::register_each;

/** Converts a double to T the way a constant of dtype T holds it (bool: non-zero). */
template <class T> T value_as(double v) {
  if constexpr (std::is_same_v<T, bool>) return v != 0;
  else return static_cast<T>(v);
}

/** Writes `v` to p[0, n) on all threads (a fill is memory-bound; two threads use more bandwidth). */
template <class T> void fill_dense(T* p, int64_t n, T v) {
  parallel_for(n, kElementwiseGrain, [p, v](int64_t b, int64_t e) { std::fill(p + b, p + e, v); });
}

/** All-zero bytes, which are 0 in every dtype (0.0f, false, 0). */
void zero_bytes(const Tensor& out) {
  char* p = static_cast<char*>(out.raw_data());
  const int64_t nbytes = out.numel() * static_cast<int64_t>(out.itemsize());
  parallel_for(nbytes, kElementwiseGrain * 4, [p](int64_t b, int64_t e) { std::memset(p + b, 0, e - b); });
}

template <class T>
void eye(const Tensor& out, double, double) {
  zero_bytes(out);
  const int64_t rows = out.dim(-2), columns = out.dim(-1);
  const int64_t matrix_size = rows * columns, matrices = matrix_size == 0 ? 0 : out.numel() / matrix_size;
  const int64_t diag = std::min(rows, columns);
  T* p = out.data<T>();
  for (int64_t m = 0; m < matrices; ++m)
    for (int64_t i = 0; i < diag; ++i) p[m * matrix_size + i * columns + i] = value_as<T>(1.0);
}

/** start + i * delta (not a running sum): no accumulated rounding, and chunks are independent. */
template <class T>
void range(const Tensor& out, double start_d, double delta_d) {
  const T start = static_cast<T>(start_d), delta = static_cast<T>(delta_d);
  T* p = out.data<T>();
  parallel_for(out.numel(), kElementwiseGrain, [=](int64_t b, int64_t e) {
    if constexpr (std::is_integral_v<T>) {
      // Unsigned (wrapping) arithmetic: exact for every element, and no signed-overflow UB on the way.
      const uint64_t s = static_cast<uint64_t>(static_cast<int64_t>(start));
      const uint64_t d = static_cast<uint64_t>(static_cast<int64_t>(delta));
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(static_cast<int64_t>(s + static_cast<uint64_t>(i) * d));
    } else {
      const double s = start, d = delta;
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(s + static_cast<double>(i) * d);
    }
  });
}

template <class T>
void linspace(const Tensor& out, double start, double stop) {
  const int64_t num = out.numel();
  T* p = out.data<T>();
  const double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0.0;
  parallel_for(num, kElementwiseGrain, [=](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  p[num - 1] = static_cast<T>(num > 1 ? stop : start);  // the last value is exactly stop
}

}  // namespace

void register_creation_kernels() {
  using FillTypes = backend::Types<bool, uint8_t, int32_t, int64_t, float, double, Eigen::half, Eigen::bfloat16,
                                   int8_t, int16_t, uint16_t, uint32_t, uint64_t, std::complex<float>,
                                   std::complex<double>>;
  register_each(FillTypes{}, OpId::fill, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& out, double value, double) {
      fill_dense<T>(out.data<T>(), out.numel(), value_as<T>(value));
    };
  });
  for (int d = 0; d < kNumDTypes; ++d)
    backend::register_kernel(OpId::zeros, Device::CPU, DType(d),
                             +[](const Tensor& out, double, double) { zero_bytes(out); });
  register_each(FillTypes{}, OpId::eye, Device::CPU, [](auto tag) { return &eye<decltype(tag)>; });
  register_each(backend::Types<int32_t, int64_t, float, double>{}, OpId::range, Device::CPU,
                [](auto tag) { return &range<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::linspace, Device::CPU, [](auto tag) { return &linspace<decltype(tag)>; });
}

}  // namespace pt::cpu
