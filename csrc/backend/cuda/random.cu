// CUDA kernels of random_uniform (float32, float64): the CPU's Philox stream and tile layout (philox.h), element by
// element, so a seed draws the same numbers on both devices (and dropout, which thresholds these draws, the same
// mask).
#include <cmath>
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../philox.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

template <class T>
__global__ void uniform_dense(T* out, int64_t n, backend::PhiloxStream stream, T lo, T width, T top) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = backend::uniform_element(stream, i, lo, width, top);
}

/** Values in [minval, maxval), as the CPU kernel computes them (its interval kept half-open after rounding). */
template <class T> void uniform(const Tensor& out, double minval, double maxval, const backend::PhiloxKey& key) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const T lo = static_cast<T>(minval), hi = static_cast<T>(maxval);
  const T top = hi > lo ? std::nextafter(hi, lo) : hi;
  uniform_dense<T><<<grid_for(n), kThreads, 0, stream()>>>(
      out.data<T>(), n, backend::stream_for(key.seed, key.counter, backend::StreamTag::Uniform), lo, hi - lo, top);
  check_launch("random_uniform");
}

}  // namespace

void register_random_kernels() {
  backend::register_kernel<backend::RandomKernel>(OpId::random_uniform, Device::CUDA, DType::Float32, &uniform<float>);
  backend::register_kernel<backend::RandomKernel>(OpId::random_uniform, Device::CUDA, DType::Float64,
                                                  &uniform<double>);
}

}  // namespace pt::cuda
