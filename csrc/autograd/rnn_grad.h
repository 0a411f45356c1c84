#pragma once
/** The second-order path of the fused recurrent ops: the gradients of lstm_grad, gru_grad and simple_rnn_grad. */

namespace pt::autograd {

/** Registers the gradients of the fused RNN backward ops (idempotent; the module's initialisation calls it). */
void register_rnn_second_order();

}  // namespace pt::autograd
