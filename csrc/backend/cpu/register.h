#pragma once
/** The CPU backend's kernel registrations: one function per kernel file, each filling its ops' table slots. */

namespace pt::cpu {

/** Registers every CPU kernel (backend/kernel_table.cpp calls it once). */
void register_kernels();

void register_unary_kernels();
void register_binary_kernels();
void register_reduce_kernels();
void register_linalg_kernels();
void register_optim_kernels();
void register_nn_kernels();
void register_creation_kernels();
void register_shape_kernels();
void register_philox_kernels();
void register_activation_kernels();
void register_conv_kernels();
void register_pool_kernels();
void register_rnn_kernels();
void register_attention_kernels();
void register_fused_elementwise_kernels();
void register_fft_kernels();
void register_special_kernels();

}  // namespace pt::cpu
