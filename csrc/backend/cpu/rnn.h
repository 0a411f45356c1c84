#pragma once
/**
 * Fused recurrent kernels over a whole sequence (Keras's SimpleRNN, GRU in both reset_after variants, LSTM):
 *  - forward: the input projection x @ kernel for every timestep as one GEMM, then per step one h @ recurrent_kernel
 *    GEMM (two for GRU without reset_after) and one pass over each row's gate block that adds the projection and
 *    the biases, applies the gate non-linearities and updates the states;
 *  - what the backward needs goes to one buffer, a row of `rnn_saved_width` values per (sample, timestep);
 *  - backward: back through time, one pass per step over the gate gradients and one GEMM into the state gradient;
 *    the weight, bias and input gradients are GEMMs (column sums) over all timesteps at the end.
 * Buffers are dense row-major. A masked (sample, timestep) keeps the states, as Keras's `rnn` does; the sequence
 * output then repeats the carried state. Results do not depend on the thread count.
 */
#include <cstdint>

namespace pt::cpu {

/** Element-wise activations of the fused cells; each derivative is computed from the activation's output. */
enum class RnnActivation : int32_t { Tanh, Sigmoid, Relu, Linear, HardSigmoid };

/** The cells with a fused kernel, each in Keras's gate order and weight layout. */
enum class RnnCell : int32_t { SimpleRnn, Gru, GruResetAfter, Lstm };

/** Sizes and options of one fused recurrent op. */
struct RnnDims {
  int64_t batch, steps, features, units;
  RnnCell cell;
  RnnActivation activation, recurrent_activation;
  bool go_backwards;
};

/** Gate blocks (of `units` columns) in the kernels: 1, 3 or 4. */
int64_t rnn_gates(RnnCell cell);
/** Values per (sample, timestep) in the backward's buffer: SimpleRNN 2 units, GRU 5, LSTM 7. */
int64_t rnn_saved_width(const RnnDims& d);

/** Operands of rnn_forward. */
template <class T>
struct RnnForwardArgs {
  const T* x;                 // (batch, steps, features)
  const T* initial_h;         // (batch, units)
  const T* initial_c;         // (batch, units), LSTM only
  const T* kernel;            // (features, gates * units)
  const T* recurrent_kernel;  // (units, gates * units)
  const T* bias;              // (gates * units) added to the input projection, or null
  const T* recurrent_bias;    // (gates * units) added to h @ recurrent_kernel (GRU reset_after), or null
  const uint8_t* mask;        // (batch, steps), nonzero = run the step; or null
  T* sequence;                // (batch, steps, units): the state after each step, in loop order
  T* final_h;                 // (batch, units)
  T* final_c;                 // (batch, units), LSTM only
  T* saved;                   // (batch, steps, rnn_saved_width) indexed by input timestep, or null (no backward)
};

/** Runs the cell over the sequence (reversed for go_backwards). */
template <class T>
void rnn_forward(const RnnDims& d, const RnnForwardArgs<T>& a);

/** Operands of rnn_backward: the forward's inputs and buffer, the output gradients, the input gradients. */
template <class T>
struct RnnBackwardArgs {
  const T* x;
  const T* kernel;
  const T* recurrent_kernel;
  const uint8_t* mask;
  const T* saved;             // the forward's buffer
  const T* d_sequence;        // (batch, steps, units) or null (zero)
  const T* d_final_h;         // (batch, units) or null
  const T* d_final_c;         // (batch, units) or null; LSTM only
  T* dx;                      // (batch, steps, features)
  T* d_initial_h;             // (batch, units)
  T* d_initial_c;             // (batch, units), LSTM only
  T* d_kernel;                // (features, gates * units)
  T* d_recurrent_kernel;      // (units, gates * units)
  T* d_bias;                  // (gates * units)
  T* d_recurrent_bias;        // (gates * units), GRU reset_after only
};

/** Back-propagates through time: every gradient of `a` is overwritten. */
template <class T>
void rnn_backward(const RnnDims& d, const RnnBackwardArgs<T>& a);

}  // namespace pt::cpu
