#pragma once
/** The public C++ ops: one function per registry row (csrc/ops/op_list.h), grouped by family file. */
#include <optional>
#include <string>
#include <vector>

#include "../backend/kernels.h"
#include "../core/tensor.h"
#include "attrs.h"
#include "op_list.h"

namespace pt::ops {

// ---- unary.cpp ------------------------------------------------------------------------
/** Applies a unary registry op element-wise (negative ... is_finite). */
Tensor unary(OpId op, const Tensor& x);
/** Converts element type; float -> int truncates toward zero, anything -> bool tests != 0. */
Tensor cast(const Tensor& x, DType dtype);
/**
 * `x` as float32 when it is float16 / bfloat16 (computes_in_float32): what an op computes those in before rounding
 * its result back with cast; the casts are recorded, so gradients pass through them.
 */
inline Tensor widened(const Tensor& x) { return computes_in_float32(x.dtype()) ? cast(x, DType::Float32) : x; }
/** A dense copy of `x` (or `x` itself when already contiguous). */
Tensor contiguous(const Tensor& x);
/** `x` on the host: itself, or a dense copy of a device tensor (what host code reads: device memory is not host
 *  memory). */
Tensor to_host(const Tensor& x);
/** Copies `src` (broadcast to dst's shape, same dtype) into the memory `dst` views. */
void copy_into(const Tensor& dst, const Tensor& src);

// ---- binary.cpp -----------------------------------------------------------------------
/** Applies a binary registry op (add ... logical_or, random_gamma_grad) with numpy broadcasting; dtypes must match. */
Tensor binary(OpId op, const Tensor& a, const Tensor& b);
/** Picks x where cond is true, else y; all three broadcast. */
Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);
/** min(max(x, lo), hi) with broadcasting. */
Tensor clip_by_value(const Tensor& x, const Tensor& lo, const Tensor& hi);
/**
 * The value of an element-wise `program` (attrs::Elementwise) over `inputs`, in one pass over the data with no
 * intermediate tensors: bitwise what running its steps one by one gives. Inputs are float32 or float64, of one
 * dtype, each of the output's shape or a single element (the graph pass that makes the op fuses only such chains).
 */
Tensor fused_elementwise(const std::vector<Tensor>& inputs, const attrs::Elementwise& program);

// ---- reduce.cpp -----------------------------------------------------------------------
/** Reduces over `axes` (every axis when all_axes; a repeated axis counts once, as TF); results do not depend on the thread count. */
Tensor reduce(OpId op, const Tensor& x, const std::vector<int64_t>& axes, bool all_axes, bool keepdims);
/** Index of the largest / smallest element along `axis` (first on ties), as `out_dtype`. */
Tensor arg_reduce(OpId op, const Tensor& x, int64_t axis, DType out_dtype);

// ---- linalg.cpp -----------------------------------------------------------------------
/** Batched matrix product with broadcast batch dimensions. */
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);

// ---- shape.cpp ------------------------------------------------------------------------
/** A 1-D int64 tensor holding `vals` (a host constant: shapes, index tables). */
Tensor int64_vector(const std::vector<int64_t>& vals);
/** Same elements, new shape (one dim may be -1); a view when strides allow. */
Tensor reshape(const Tensor& x, const Shape& shape);
/** Permutes dimensions (empty perm: reverse); always a view. */
Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm);
/** Inserts a size-1 dimension at `axis` (in [-rank-1, rank]); a view. */
Tensor expand_dims(const Tensor& x, int64_t axis);
/** Removes size-1 dimensions (all, or the listed ones, which must be 1); a view. */
Tensor squeeze(const Tensor& x, const std::vector<int64_t>& axes);
/** Joins tensors along an existing axis. */
Tensor concat(const std::vector<Tensor>& xs, int64_t axis);
/** Joins tensors along a new axis. */
Tensor stack(const std::vector<Tensor>& xs, int64_t axis);
/** Splits along `axis` into its slices (views). */
std::vector<Tensor> unstack(const Tensor& x, int64_t axis);
/** Splits along `axis` into pieces of the given sizes (one may be -1); views. */
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis);
/** Splits along `axis` into `num` equal pieces (num must divide the dimension); views. */
std::vector<Tensor> split_num(const Tensor& x, int64_t num, int64_t axis);
/** Repeats the tensor `multiples[i]` times along each axis. */
Tensor tile(const Tensor& x, const std::vector<int64_t>& multiples);
/** Broadcasts to `shape` (a view with zero strides). */
Tensor broadcast_to(const Tensor& x, const Shape& shape);
/** Pads with `paddings` (rank x 2); mode "CONSTANT", "REFLECT" or "SYMMETRIC". */
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, const std::string& mode,
           double constant);
/** Gathers slices of `params` along `axis` at `indices` (int32/int64), with leading batch dims. */
Tensor gather(const Tensor& params, const Tensor& indices, int64_t axis, int64_t batch_dims);
/** One-hot encoding of integer `indices`; out-of-range indices give an all-off row (as TF). */
Tensor one_hot(const Tensor& indices, int64_t depth, double on_value, double off_value, int64_t axis, DType dtype);

/** Basic indexing (ints, slices with any step, ..., newaxis); always a view. */
Tensor strided_slice(const Tensor& x, const std::vector<IndexItem>& items);
/** Elements (or slices) of `x` where the boolean `mask` (a prefix of x's shape) is true. */
Tensor boolean_mask(const Tensor& x, const Tensor& mask, int64_t axis);
/** Coordinates of the true (non-zero) elements, int64 of shape (count, rank). */
Tensor where_indices(const Tensor& cond);
/** Sums rows of `data` into `num_segments` outputs by `segment_ids` (gather's gradient); ids outside [0, n) are dropped. */
Tensor unsorted_segment_sum(const Tensor& data, const Tensor& segment_ids, int64_t num_segments);
/** Zeros of `shape` with `updates` added at `indices` (int, last dim indexes the leading dims of shape). */
Tensor scatter_nd(const Tensor& indices, const Tensor& updates, const Shape& shape);
/** strided_slice's gradient: zeros of `input_shape` with `dy` written where strided_slice(items) reads. */
Tensor strided_slice_grad(const Tensor& dy, const Shape& input_shape, const std::vector<IndexItem>& items);

// ---- nn.cpp ---------------------------------------------------------------------------
/** exp(x - max) / sum(exp(x - max)) along `axis` (numerically stable; rank >= 1). */
Tensor softmax(const Tensor& logits, int64_t axis);
/** x - max - log(sum(exp(x - max))) along `axis` (numerically stable; rank >= 1). */
Tensor log_softmax(const Tensor& logits, int64_t axis);
/** Per-row -log_softmax(logits)[label]; labels int32/int64 of shape logits.shape[:-1], each in [0, classes). */
Tensor sparse_softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits);
/** -sum(labels * log_softmax(logits, axis), axis); labels broadcast to logits' shape. */
Tensor softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits, int64_t axis);
/** x * mask / (1 - rate), mask ~ Bernoulli(1 - rate) of `noise_shape` (broadcast to x's shape); rate in [0, 1). */
Tensor dropout(const Tensor& x, double rate, const Shape& noise_shape, RandomSeed seed);

// ---- activation.cpp --------------------------------------------------------------
/** min(max(x, 0), 6); NaN propagates. */
Tensor relu6(const Tensor& x);
/** x for x > 0, else alpha * x. */
Tensor leaky_relu(const Tensor& x, double alpha);
/** x for x > 0, else exp(x) - 1. */
Tensor elu(const Tensor& x);
/** scale * elu(x) with alpha 1.6732632423543772, scale 1.0507009873554805 (self-normalizing). */
Tensor selu(const Tensor& x);
/** x * Phi(x) (exact, with erf), or the tanh form 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))) when approximate. */
Tensor gelu(const Tensor& x, bool approximate);
/** log(1 + exp(x)), stable for large |x|. */
Tensor softplus(const Tensor& x);
/** x / (1 + |x|). */
Tensor softsign(const Tensor& x);
/** x * sigmoid(beta * x) (swish). */
Tensor silu(const Tensor& x, double beta);
/** relu6(x + 3) / 6 (Keras 3's hard_sigmoid). */
Tensor hard_sigmoid(const Tensor& x);
/** The error function (tf.math.erf). */
Tensor erf(const Tensor& x);
/** dy where x > 0, else 0 (TF's ReluGrad): relu's gradient in one pass; dy and x have one shape and dtype. */
Tensor relu_grad(const Tensor& dy, const Tensor& x);
/** relu(value + bias) with the 1-D bias along the last axis, in one pass (a Dense or Conv layer's epilogue). */
Tensor bias_add_relu(const Tensor& value, const Tensor& bias);

// ---- conv.cpp --------------------------------------------------------------------
/** Largest filter or window size, stride, dilation and padding of convolutions and poolings (TF's int32 range). */
constexpr int64_t kMaxWindowArg = 2147483647;
/** TF's Conv2D: NHWC `input` (N, H, W, C) with HWIO `filters` (KH, KW, C, O) -> (N, OH, OW, O); float dtypes. */
Tensor conv2d(const Tensor& input, const Tensor& filters, const Conv2dParams& params);
/** Gradient of conv2d w.r.t. an input of shape `input_sizes` (also conv2d_transpose). */
Tensor conv2d_backprop_input(const Shape& input_sizes, const Tensor& filters, const Tensor& out_backprop,
                             const Conv2dParams& params);
/** Gradient of conv2d w.r.t. filters of shape `filter_sizes`. */
Tensor conv2d_backprop_filter(const Tensor& input, const Shape& filter_sizes, const Tensor& out_backprop,
                              const Conv2dParams& params);
/** conv2d's validated geometry (raising as conv2d does, naming `op`), for ops that fuse a convolution. */
backend::ConvGeometry conv2d_geometry(const char* op, const Shape& input, const Shape& filters,
                               const Conv2dParams& params);

// ---- pool.cpp --------------------------------------------------------------------
/** Max over each window of NHWC `x` (padding never wins; NaN propagates; any numeric dtype). */
Tensor max_pool2d(const Tensor& x, const Pool2dWindow& window);
/** Mean over each window of NHWC float `x`; SAME windows divide by their count of in-bounds elements, as TF. */
Tensor avg_pool2d(const Tensor& x, const Pool2dWindow& window);
/** max_pool2d and, per output element, the int32 index (y * W + x) * C + c of its first maximum within the image. */
std::pair<Tensor, Tensor> max_pool2d_with_argmax(const Tensor& x, const Pool2dWindow& window);
/** max_pool2d's gradient: each `dy` element added at its `argmax` position of an `input_shape` zero tensor. */
Tensor max_pool2d_grad(const Tensor& dy, const Tensor& argmax, const Shape& input_shape, const Pool2dWindow& window);
/** avg_pool2d's gradient: each `dy` element spread evenly over its window of an `input_shape` zero tensor. */
Tensor avg_pool2d_grad(const Tensor& dy, const Shape& input_shape, const Pool2dWindow& window);
/**
 * max_pool2d(conv2d(input, filters, params), window) in one op. For the direct convolution kernel's shapes (few
 * input channels) the convolution's lines are pooled while in cache and never stored (under 2x2 pooling, each
 * window's outputs in registers); outputs that VALID pooling drops (the last of 11 under 2x2) are not computed.
 * The argmax it records indexes the whole convolution output, as max_pool2d_with_argmax's would. The gradient is
 * conv2d's of max_pool2d's.
 */
Tensor conv2d_max_pool(const Tensor& input, const Tensor& filters, const Conv2dParams& params,
                       const Pool2dWindow& window);
/**
 * conv2d_max_pool's filter gradient: conv2d_backprop_filter(input, filter_sizes, max_pool2d_grad(out_backprop,
 * argmax, ...)) without storing the convolution's whole output gradient: for the direct kernel's shapes a block of
 * lines at a time, under a pooling that keeps a quarter or less of the outputs from the pooled elements alone.
 */
Tensor conv2d_max_pool_backprop_filter(const Tensor& input, const Shape& filter_sizes, const Tensor& out_backprop,
                                       const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window);
/**
 * conv2d_max_pool's input gradient: conv2d_backprop_input(input_sizes, filters, max_pool2d_grad(out_backprop,
 * argmax, ...)), from the pooled elements alone under a pooling that keeps a quarter or less of the outputs.
 */
Tensor conv2d_max_pool_backprop_input(const Shape& input_sizes, const Tensor& filters, const Tensor& out_backprop,
                                      const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window);

// ---- rnn.cpp --------------------------------------------------------------------
/**
 * Keras's LSTM over a (batch, timesteps, features) sequence: kernel (features, 4 * units), recurrent_kernel (units,
 * 4 * units), bias (4 * units) in gate order i, f, c, o. Returns {sequence (batch, timesteps, units) of the state h
 * after each step in loop order, final h, final c}.
 */
std::vector<Tensor> lstm(const Tensor& inputs, const Tensor& initial_h, const Tensor& initial_c, const Tensor& kernel,
                         const Tensor& recurrent_kernel, const Tensor& bias, const RnnOptions& options);
/**
 * Keras's GRU (gate order z, r, h): bias (3 * units), or (2, 3 * units) = input and recurrent bias with reset_after.
 * Returns {sequence, final h}.
 */
std::vector<Tensor> gru(const Tensor& inputs, const Tensor& initial_h, const Tensor& kernel,
                        const Tensor& recurrent_kernel, const Tensor& bias, bool reset_after,
                        const RnnOptions& options);
/** Keras's SimpleRNN: h = activation(x @ kernel + h @ recurrent_kernel + bias). Returns {sequence, final h}. */
std::vector<Tensor> simple_rnn(const Tensor& inputs, const Tensor& initial_h, const Tensor& kernel,
                               const Tensor& recurrent_kernel, const Tensor& bias, const RnnOptions& options);
/**
 * The fused backward through time of lstm, gru or simple_rnn (`grad_op`: lstm_grad, gru_grad, simple_rnn_grad):
 * `inputs` are the forward's operands, the buffer its forward saved, then the gradients of its outputs (sequence,
 * h, and c for lstm). Returns the gradients of the forward's operands; its own gradient is the composed recurrence's
 * (autograd/rnn_grad.cpp).
 */
std::vector<Tensor> rnn_grad(OpId grad_op, const std::vector<Tensor>& inputs, const attrs::Rnn& attributes);

// ---- attention.cpp ---------------------------------------------------------------
/**
 * Scaled dot-product attention in Keras's layout: softmax(q k^T + bias) v per (batch, head), query (B, T, N, H),
 * key (B, S, N, H), value (B, S, N, Hv), bias (float) and mask (bool, True = attend; a masked score becomes -1e9, as
 * Keras masks) broadcast to the scores (B, N, T, S); the scale is folded into the query. Returns (B, T, N, Hv).
 */
Tensor dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& bias,
                             const Tensor& mask);

// ---- optim.cpp -------------------------------------------------------------------
}  // namespace pt::ops
namespace pt {
class Variable;
}  // namespace pt
namespace pt::ops {
// Fused in-place Keras updates: weight_decay (decoupled, Keras's `var -= var * weight_decay * lr`) comes first;
// optional slots are nullptr when the option is off; `step` is iterations + 1. With `indices` (1-D integer), `grad`
// is a row gradient (an IndexedSlices: grad[i] is for row indices[i] of var), applied as Keras 3's TF backend does.
/** SGD: m = momentum * m - lr * g; var += m (nesterov: var += momentum * m - lr * g); no slot: var -= lr * g. */
void apply_sgd(Variable& var, const Tensor& grad, Variable* momentum_slot, double learning_rate, double momentum,
               bool nesterov, double weight_decay, const Tensor& indices = Tensor());
/** RMSprop: velocity = rho v + (1 - rho) g^2; var -= lr g / sqrt(velocity [- average_grad^2] + epsilon), with momentum. */
void apply_rmsprop(Variable& var, const Tensor& grad, Variable& velocity, Variable* average_grad,
                   Variable* momentum_slot, double learning_rate, double rho, double momentum, double epsilon,
                   double weight_decay, const Tensor& indices = Tensor());
/** Adam (and AdamW through weight_decay): bias-corrected step lr sqrt(1 - b2^t) / (1 - b1^t); amsgrad keeps v_hat. */
void apply_adam(Variable& var, const Tensor& grad, Variable& m, Variable& v, Variable* v_hat, double learning_rate,
                double beta_1, double beta_2, double epsilon, int64_t step, double weight_decay,
                const Tensor& indices = Tensor());
/** Adagrad: accumulator += g^2; var -= lr g / sqrt(accumulator + epsilon). */
void apply_adagrad(Variable& var, const Tensor& grad, Variable& accumulator, double learning_rate, double epsilon,
                   double weight_decay, const Tensor& indices = Tensor());
/** Adadelta: delta = -sqrt(acc_delta + eps) g / sqrt(acc_grad + eps) with both accumulators decayed by rho. */
void apply_adadelta(Variable& var, const Tensor& grad, Variable& accumulated_grad, Variable& accumulated_delta_var,
                    double learning_rate, double rho, double epsilon, double weight_decay,
                    const Tensor& indices = Tensor());
/** Nadam with Keras's momentum schedule; `u_product` is the product u_1 ... u_t including this step's u_t. */
void apply_nadam(Variable& var, const Tensor& grad, Variable& m, Variable& v, double learning_rate, double beta_1,
                 double beta_2, double epsilon, int64_t step, double u_product, double weight_decay,
                 const Tensor& indices = Tensor());

// ---- creation.cpp ---------------------------------------------------------------------
/** A tensor of `shape` filled with `value` converted to `dtype`. */
Tensor fill(const Shape& shape, double value, DType dtype);
/** A tensor of `shape` filled with the 0-d tensor `value` (dtype from the value; int64 stays exact). */
Tensor fill(const Shape& shape, const Tensor& value);
/** All zeros. */
Tensor zeros(const Shape& shape, DType dtype);
/** All ones. */
Tensor ones(const Shape& shape, DType dtype);
/** Zeros with x's shape and (default) dtype. */
Tensor zeros_like(const Tensor& x, std::optional<DType> dtype);
/** Ones with x's shape and (default) dtype. */
Tensor ones_like(const Tensor& x, std::optional<DType> dtype);
/** Identity matrices (num_rows x num_columns), optionally batched. */
Tensor eye(int64_t num_rows, int64_t num_columns, const Shape& batch_shape, DType dtype);
/** start, start+delta, ... up to (not including) limit. */
Tensor range(double start, double limit, double delta, DType dtype);
/** `num` evenly spaced values from start to stop inclusive. */
Tensor linspace(double start, double stop, int64_t num, DType dtype);

// ---- fft.cpp --------------------------------------------------------------------------
/** fft, ifft, fft2d, ifft2d, fft3d, ifft3d: the DFT of complex `x` over its innermost 1 / 2 / 3 dims (the inverse
 *  divides by the product of their lengths); the leading dims are a batch. */
Tensor fft(OpId op, const Tensor& x);
/** rfft* (float32 / float64 -> complex64 / complex128) and irfft* (complex -> real) over the innermost dims, x's
 *  cropped or zero-padded to `fft_length` (irfft: the last to fft_length[-1] / 2 + 1); irfft's output has fft_length. */
Tensor rfft(OpId op, const Tensor& x, const std::vector<int64_t>& fft_length);

// ---- special.cpp ----------------------------------------------------------------------
/** A special function of tf.math.special (bessel_i0 ... spence) of float `x`, element-wise, computed in float64. */
Tensor special_function(OpId op, const Tensor& x);

// ---- random.cpp -----------------------------------------------------------------------
/** Normal(mean, stddev) samples. */
Tensor random_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed);
/** Uniform [minval, maxval) samples (integers: [minval, maxval) too). */
Tensor random_uniform(const Shape& shape, double minval, double maxval, DType dtype, RandomSeed seed);
/** Normal samples redrawn until within two stddevs. */
Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed);
/** Class indices drawn from `logits` (batch, classes), `num_samples` per row. */
Tensor categorical(const Tensor& logits, int64_t num_samples, DType dtype, RandomSeed seed);
/** Shuffles along the first dimension. */
Tensor random_shuffle(const Tensor& x, RandomSeed seed);
/** TF's RandomGamma: Gamma(alpha, 1) samples of `shape` (ending with alpha's shape) in alpha's float dtype. */
Tensor random_gamma(const Tensor& alpha, const Shape& shape, DType dtype, RandomSeed seed);
/** TF's RandomPoissonV2: Poisson(rate) samples of `shape` (ending with rate's shape) in `dtype`. */
Tensor random_poisson(const Tensor& rate, const Shape& shape, DType dtype, RandomSeed seed);
/** TF's StatelessRandomGetKeyCounter of a shape [2] integer seed, as a state [counter_lo, counter_hi, key] (int64). */
Tensor philox_state_from_seed(const Tensor& seed);
/** `state` ([counter_lo, counter_hi, key], int64) with its 128-bit counter advanced by `delta` blocks. */
Tensor philox_skip(const Tensor& state, int64_t delta);
/**
 * TF's numbers of `shape` from the Philox stream of `state` ([counter_lo, counter_hi, key], int64): op is
 * philox_uniform (float in [0, 1)), philox_uniform_full_int (every value of an integer dtype), philox_uniform_int
 * (int32 / int64 in [minval, maxval)), philox_normal or philox_truncated_normal (standard, float), or
 * philox_shuffle_order (the int64 order TF's stateless shuffle puts shape[0] rows in).
 */
Tensor philox_draw(OpId op, const Tensor& state, const Shape& shape, DType dtype, int64_t minval = 0,
                   int64_t maxval = 0);
/**
 * TF's samples of `shape` (which ends with the parameters' broadcast shape) from the Philox stream of `state`:
 * op is philox_gamma (Gamma(a, 1), a of dtype float32 / float64), philox_poisson (Poisson(a), a of a float or
 * integer dtype) or philox_binomial (Binomial(a, b), counts a and probs b of one float dtype), as TF's stateless
 * kernels draw them (output dtype float for gamma; int32, int64, float32 or float64 otherwise).
 */
Tensor philox_sample(OpId op, const Tensor& state, const Tensor& a, const Tensor& b, const Shape& shape, DType dtype);
/**
 * TF's StatelessParameterizedTruncatedNormal as it draws on one thread: samples of `shape` (which ends with the
 * parameters' broadcast shape) of Normal(means, stddevs) within [minvals, maxvals], the parameters of one float dtype.
 */
Tensor philox_parameterized_truncated_normal(const Tensor& state, const Tensor& means, const Tensor& stddevs,
                                             const Tensor& minvals, const Tensor& maxvals, const Shape& shape,
                                             DType dtype);
/** TF's StatelessMultinomial: `num_samples` class indices (int32 / int64) per row of 2-D float `logits`. */
Tensor philox_categorical(const Tensor& state, const Tensor& logits, int64_t num_samples, DType dtype);

}  // namespace pt::ops
