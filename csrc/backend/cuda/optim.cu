// CUDA kernels of the fused SGD and Adam updates: one pass over a variable, its gradient and its slots, with the
// CPU's per-element equations (shared_math.h: Keras 3's, epsilon placement and bias correction included). A row
// gradient (IndexedSlices) reaches a GPU variable as a dense one (ops/optim.cpp), so these take dense gradients only.
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

using backend::OptimizerStep;

template <class T> __global__ void sgd_plain(T* p, const T* g, int64_t n, T lr, T decay) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    p[i] = backend::sgd_plain(p[i], g[i], lr, decay);
}

template <bool kNesterov, class T>
__global__ void sgd_momentum(T* p, T* m, const T* g, int64_t n, T lr, T mu, T decay) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    p[i] = backend::sgd_momentum<kNesterov>(p[i], m[i], g[i], lr, mu, decay);
}

template <bool kAmsgrad, class T>
__global__ void adam_dense(T* p, T* m, T* v, T* v_hat, const T* g, int64_t n, T alpha, T b1c, T b2c, T eps, T decay) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    T unused = 0;
    const T gi = g[i];
    p[i] = backend::adam_step<kAmsgrad>(p[i], m[i], v[i], kAmsgrad ? v_hat[i] : unused, gi, gi * gi, alpha, b1c, b2c,
                                        eps, decay);
  }
}

/** The dense gradient on the GPU; RuntimeError for a row gradient, which the family densifies for a GPU variable. */
Tensor dense_gradient(const OptimizerStep& s, const Tensor& grad, const char* name) {
  if (s.indices.defined())
    throw RuntimeError(str_cat(name, ": the CUDA kernel takes dense gradients; ops/optim.cpp densifies row gradients "
                               "of GPU variables"));
  return on_gpu(grad, name);
}

template <class T>
void sgd(const OptimizerStep& s, const Tensor& var, const Tensor& grad_in, const Tensor& momentum, const Tensor&,
         const Tensor&) {
  const Tensor grad = dense_gradient(s, grad_in, "apply_sgd");
  const int64_t n = var.numel();
  if (n == 0) return;
  const T lr = T(s.learning_rate), mu = T(s.momentum), decay = T(1.0 - s.weight_decay * s.learning_rate);
  if (!momentum.defined())
    sgd_plain<T><<<grid_for(n), kThreads, 0, stream()>>>(var.data<T>(), grad.data<T>(), n, lr, decay);
  else if (s.nesterov)
    sgd_momentum<true, T><<<grid_for(n), kThreads, 0, stream()>>>(var.data<T>(), momentum.data<T>(), grad.data<T>(),
                                                                  n, lr, mu, decay);
  else
    sgd_momentum<false, T><<<grid_for(n), kThreads, 0, stream()>>>(var.data<T>(), momentum.data<T>(), grad.data<T>(),
                                                                   n, lr, mu, decay);
  check_launch("apply_sgd");
}

template <class T>
void adam(const OptimizerStep& s, const Tensor& var, const Tensor& grad_in, const Tensor& m, const Tensor& v,
          const Tensor& v_hat) {
  const Tensor grad = dense_gradient(s, grad_in, "apply_adam");
  const int64_t n = var.numel();
  if (n == 0) return;
  const T alpha = T(s.alpha), b1c = T(1.0 - s.beta_1), b2c = T(1.0 - s.beta_2), eps = T(s.epsilon),
          decay = T(1.0 - s.weight_decay * s.learning_rate);
  if (v_hat.defined())
    adam_dense<true, T><<<grid_for(n), kThreads, 0, stream()>>>(var.data<T>(), m.data<T>(), v.data<T>(),
                                                                v_hat.data<T>(), grad.data<T>(), n, alpha, b1c, b2c,
                                                                eps, decay);
  else
    adam_dense<false, T><<<grid_for(n), kThreads, 0, stream()>>>(var.data<T>(), m.data<T>(), v.data<T>(), nullptr,
                                                                 grad.data<T>(), n, alpha, b1c, b2c, eps, decay);
  check_launch("apply_adam");
}

}  // namespace

void register_optim_kernels() {
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::apply_sgd, Device::CUDA, [](auto tag) { return &sgd<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_adam, Device::CUDA, [](auto tag) { return &adam<decltype(tag)>; });
}

}  // namespace pt::cuda
