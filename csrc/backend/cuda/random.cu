// CUDA kernels of random_uniform (float32, float64): TF's RandomUniform numbers of the CPU kernel (philox.h's per-
// element unit uniforms, then tf.random.uniform's multiply and add, each rounded), so a seed draws the same numbers on
// both devices (and dropout, which thresholds these draws, the same mask).
#include <cmath>
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../philox.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

// Rounded products and sums: never contracted into an FMA, as the CPU's separate multiply and add (TF's two ops).
__device__ inline float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ inline double mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ inline float add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ inline double add_rn(double a, double b) { return __dadd_rn(a, b); }

template <class T>
__global__ void uniform_dense(T* out, int64_t n, backend::PhiloxStream stream, T lo, T hi) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const T u = backend::unit_uniform_element(stream, i, T(0));
    out[i] = lo != T(0) ? add_rn(mul_rn(u, hi - lo), lo) : hi != T(1) ? mul_rn(u, hi) : u;
  }
}

/** u * (maxval - minval) + minval (u * maxval for minval 0), as the CPU kernel computes it. */
template <class T> void uniform(const Tensor& out, double minval, double maxval, const backend::PhiloxKey& key) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const backend::PhiloxCounter c = backend::stateful_counter(key);
  uniform_dense<T><<<grid_for(n), kThreads, 0, stream()>>>(out.data<T>(), n,
                                                           backend::PhiloxStream(c.key, c.counter_lo, c.counter_hi),
                                                           static_cast<T>(minval), static_cast<T>(maxval));
  check_launch("random_uniform");
}

}  // namespace

void register_random_kernels() {
  backend::register_kernel<backend::RandomKernel>(OpId::random_uniform, Device::CUDA, DType::Float32, &uniform<float>);
  backend::register_kernel<backend::RandomKernel>(OpId::random_uniform, Device::CUDA, DType::Float64,
                                                  &uniform<double>);
}

}  // namespace pt::cuda
