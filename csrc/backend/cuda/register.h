#pragma once
/**
 * The CUDA backend's registrations (built with -Ccmake.define.PYTENSOR_CUDA=ON). Free of CUDA headers, so that
 * backend/kernel_table.cpp, compiled by the host compiler, can call it.
 */

namespace pt::cuda {

/** Installs the CUDA DeviceRuntime and registers every CUDA kernel (backend/kernel_table.cpp calls it once). */
void register_kernels();

void register_elementwise_kernels();
void register_reduce_kernels();
void register_matmul_kernels();
void register_softmax_kernels();
void register_creation_kernels();
void register_nn_kernels();
void register_random_kernels();
void register_optim_kernels();
void register_pool_kernels();
void register_conv_kernels();

}  // namespace pt::cuda
