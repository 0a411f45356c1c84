#include "register.h"

namespace pt::cpu {

void register_kernels() {
  register_unary_kernels();
  register_binary_kernels();
  register_reduce_kernels();
  register_linalg_kernels();
  register_optim_kernels();
  register_nn_kernels();
  register_creation_kernels();
  register_shape_kernels();
  register_philox_kernels();
  register_activation_kernels();
  register_conv_kernels();
  register_pool_kernels();
  register_rnn_kernels();
  register_attention_kernels();
  register_fused_elementwise_kernels();
  register_fft_kernels();
  register_special_kernels();
}

}  // namespace pt::cpu
