#pragma once
/** The CUDA max pooling launches (pool.cu) that the fused conv2d_max_pool kernels (conv.cu) compose with the conv. */
#include <cstdint>

#include "../../core/tensor.h"
#include "../kernels.h"

namespace pt::cuda {

using backend::PoolGeometry;

/** max_pool2d's kernel (backend::MaxPoolKernel) for T = float or double, queued on the stream. */
template <class T>
void max_pool2d(const PoolGeometry& g, const Tensor& x, const Tensor& y, const Tensor& argmax, int64_t index_w);

/** max_pool2d_grad's kernel (backend::MaxPoolGradKernel) for T = float or double, queued on the stream. */
template <class T>
void max_pool2d_grad(const PoolGeometry& g, const Tensor& dy, const Tensor& argmax, const Tensor& dx);

}  // namespace pt::cuda
