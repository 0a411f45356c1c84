#pragma once
/**
 * The kernel signatures of the kernel table (kernel_table.h), one function type per op kind, and the
 * device-neutral descriptors they take. A family file validates its arguments, allocates the outputs on the
 * inputs' device and passes dense (contiguous) operands where a signature says so; a kernel only computes.
 */
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "../core/tensor.h"
#include "../ops/op_list.h"
#include "kernel_table.h"

namespace pt::backend {

// ---- element-wise ----------------------------------------------------------------------
/** out = f(x) element-wise; out has x's shape (any strides on both). Also cast (keyed by x's dtype). */
using UnaryKernel = void(const Tensor& x, const Tensor& out);
/** out = f(a, b) with numpy broadcasting of a and b to out's shape. */
using BinaryKernel = void(const Tensor& a, const Tensor& b, const Tensor& out);
/** where: out = cond ? x : y with cond (bool), x and y broadcast to out's shape; keyed by x's dtype. */
using WhereKernel = void(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out);

/**
 * One step of a fused element-wise program (fused_elementwise): registry op `op` applied to values `a` and `b` (b is
 * -1 for a unary op), where value i is input i below the number of inputs, and step i - inputs' result above.
 */
struct ElementwiseStep {
  OpId op = OpId::identity;
  int32_t a = 0;
  int32_t b = -1;
  bool operator==(const ElementwiseStep& o) const { return op == o.op && a == o.a && b == o.b; }
};

/** The unary float ops a fused element-wise program may hold (each computed as its own kernel computes it). */
inline bool fusible_unary(OpId op) {
  switch (op) {
    case OpId::negative: case OpId::abs: case OpId::square: case OpId::relu: case OpId::exp: case OpId::log:
    case OpId::log1p: case OpId::expm1: case OpId::sqrt: case OpId::rsqrt: case OpId::reciprocal: case OpId::sin:
    case OpId::cos: case OpId::tanh: case OpId::sigmoid:
      return true;
    default:
      return false;
  }
}

/** The binary float ops a fused element-wise program may hold. */
inline bool fusible_binary(OpId op) {
  switch (op) {
    case OpId::add: case OpId::subtract: case OpId::multiply: case OpId::divide: case OpId::maximum:
    case OpId::minimum: case OpId::squared_difference:
      return true;
    default:
      return false;
  }
}

/**
 * True when an operand of shape `in` may feed a fused element-wise program of output shape `out`: `out` itself, a
 * single element, or out's trailing dimensions (leading ones of size 1 allowed), which broadcast by repeating the
 * operand's elements in order along out's leading dimensions (a bias row).
 */
inline bool fusible_operand_shape(const Shape& in, const Shape& out) {
  if (in.size() > out.size()) return false;  // it would broadcast out to a higher rank
  size_t lead = 0;
  while (lead < in.size() && in[lead] == 1) ++lead;
  return std::equal(in.begin() + static_cast<std::ptrdiff_t>(lead), in.end(),
                    out.end() - static_cast<std::ptrdiff_t>(in.size() - lead));
}

/**
 * fused_elementwise: out (dense, float32 / float64) = the value of the program's last step, every input dense, of
 * out's dtype and of a shape fusible_operand_shape allows; the program is valid (checked by the family).
 */
using FusedElementwiseKernel = void(const std::vector<Tensor>& inputs, const std::vector<ElementwiseStep>& program,
                                    const Tensor& out);

/** An activation (relu6 ... erf) with its float parameter (leaky_relu's alpha, silu's beta) and flag (gelu's
 *  approximate); out has x's shape. */
using ActivationKernel = void(const Tensor& x, const Tensor& out, double param, bool flag);

/** Constants of the activations, shared by their kernels and gradient formulas. */
namespace activation {
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrt2OverPi = 0.79788456080286535587989211986876;  // sqrt(2 / pi), gelu's tanh form
constexpr double kGeluCubic = 0.044715;
}  // namespace activation

// ---- creation --------------------------------------------------------------------------
/** fill (a: the value; ones is fill with 1), zeros, eye (ones on each matrix's diagonal), range (a: start, b: delta),
 *  linspace (a: start, b: stop, exactly the last value): writes every element of the dense `out`. */
using CreationKernel = void(const Tensor& out, double a, double b);

// ---- random ----------------------------------------------------------------------------
/** The Philox key and stream offset of one random op call (the op's resolved seeds). */
struct PhiloxKey {
  uint64_t seed;
  uint64_t counter;
};
/** random_normal / truncated_normal (a: mean, b: stddev), random_uniform (a: minval, b: maxval, integers validated
 *  by the family): fills the dense `out`; element i depends on (key, i) only. */
using RandomKernel = void(const Tensor& out, double a, double b, const PhiloxKey& key);
/** categorical: out (int32 / int64, dense, non-empty, batch x num_samples) drawn from dense 2-D float logits. */
using CategoricalKernel = void(const Tensor& logits, int64_t num_samples, const PhiloxKey& key, const Tensor& out);
/** random_shuffle: out (dense) = the rows of dense x (first dim >= 2) in a permutation drawn from key. */
using ShuffleKernel = void(const Tensor& x, const PhiloxKey& key, const Tensor& out);
/** A TF Philox stream: its 64-bit key and the 128-bit counter of its block 0 (low word first). */
struct PhiloxCounter {
  uint64_t key;
  uint64_t counter_lo;
  uint64_t counter_hi;
};
/**
 * The TF stream of a stateful random op's resolved seeds: ops/random_seed.h packs TF's seeds (s1, s2) into
 * key.seed and the call's reserved block offset into key.counter; TF's PhiloxRandom(s1, s2) after the skips of
 * earlier calls has key s1 and counter [offset, s2].
 */
inline PhiloxCounter stateful_counter(const PhiloxKey& key) {
  return {key.seed & 0xFFFFFFFFu, key.counter, key.seed >> 32};
}
/** philox_uniform / _uniform_full_int / _uniform_int (minval, maxval, validated by the family) / _normal /
 *  _truncated_normal / _shuffle_order: fills the dense `out` with TF's numbers from the stream. */
using PhiloxKernel = void(const Tensor& out, const PhiloxCounter& stream, int64_t minval, int64_t maxval);
/**
 * philox_gamma / random_gamma (a: alpha, out's dtype), philox_poisson / random_poisson (a: rate, float64),
 * philox_binomial (a: counts, b: probs, one float dtype): TF's samples of the dense `out`, whose trailing dimensions
 * are the dense parameters' (one value per batch member); philox_parameterized_truncated_normal: a holds the members'
 * means, stddevs, minvals and maxvals (4 x members, out's dtype, valid); philox_categorical: out (batch x
 * num_samples, int32 / int64) from dense 2-D float logits `a`.
 */
using PhiloxSampleKernel = void(const Tensor& out, const PhiloxCounter& stream, const Tensor& a, const Tensor& b);
/** philox_state_from_seed: the int64 [counter_lo, counter_hi, key] of a dense shape [2] integer seed, TF's. */
using PhiloxSeedKernel = void(const Tensor& seed, const Tensor& out);

// ---- neural-network ops ----------------------------------------------------------------
// softmax / log_softmax: UnaryKernel over the last axis of a dense x; softmax_cross_entropy_with_logits:
// BinaryKernel(logits, labels, loss) over the last axis of dense logits and labels (loss zero for no classes).
/**
 * sparse_softmax_cross_entropy_with_logits: loss[r] = logsumexp(logits[r]) - logits[r, labels[r]] over dense logits
 * (rows of classes) and int32 / int64 labels (a label out of range is an InvalidArgument naming it); with `exps`
 * and `inv_sum` defined, also exp(logits - row shift) and 1 / its row sum, which the backward reads.
 */
using SparseXentKernel = void(const Tensor& logits, const Tensor& labels, const Tensor& loss, const Tensor& exps,
                              const Tensor& inv_sum);
/** Its fused backward (Pass::Backward): dlogits[r, i] = dy[r] * (exps[r, i] * inv_sum[r] - [i == labels[r]]). */
using SparseXentGradKernel = void(const Tensor& exps, const Tensor& inv_sum, const Tensor& labels, const Tensor& dy,
                                  const Tensor& dlogits);
/**
 * dot_product_attention: out[b, t, n] = sum_s P[b, n, t, s] v[b, s, n] with P[b, n, t, :] = softmax(q[b, t, n] .
 * k[b, s, n] + bias[b, n, t, s] over s, a score whose bool mask[b, n, t, s] is false replaced by -1e9 as Keras masks);
 * q (B, T, N, H), k (B, S, N, H), v (B, S, N, Hv) with unit channel strides, bias and mask (B, N, T, S) any strides
 * (0 where broadcast), out dense (B, T, N, Hv); `probs` (dense (B, N, T, S)) gets P when defined (the backward
 * reads it).
 */
using AttentionKernel = void(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias, const Tensor& mask,
                             const Tensor& out, const Tensor& probs);
/**
 * Its fused backward (Pass::Backward), from the saved P and the dense output gradient dout: dq, dk, dv dense in
 * their inputs' shapes; dscores (dense (B, N, T, S), the scores' gradient, zero where masked, which is the bias's
 * before its broadcasting is undone) written when defined.
 */
using AttentionGradKernel = void(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                 const Tensor& probs, const Tensor& dout, const Tensor& dq, const Tensor& dk, const Tensor& dv,
                                 const Tensor& dscores);
/** dropout: mask = uniform >= rate ? 1 / (1 - rate) : 0 (dense; mask may be uniform itself). */
using DropoutKernel = void(const Tensor& uniform, double rate, const Tensor& mask);

// ---- optimizers ------------------------------------------------------------------------
/** The hyperparameters of one fused optimizer step (each optimizer reads its own), and its derived coefficients. */
struct OptimizerStep {
  double learning_rate = 0, weight_decay = 0, momentum = 0, rho = 0, beta_1 = 0, beta_2 = 0, epsilon = 0;
  bool nesterov = false;
  double alpha = 0;                        // Adam: the bias-corrected step size
  double m_coef = 0, g_coef = 0, v_coef = 0;  // Nadam: the momentum schedule's coefficients
  /** A row gradient (an IndexedSlices): `grad` holds values for these int64 rows of `var` (undefined: dense). */
  Tensor indices;
  const char* optimizer = "";              // the optimizer's name, for errors
};
/**
 * apply_sgd ... apply_nadam: updates `var` and its slots in place (dense, var's shape and dtype; undefined: absent
 * or unused) from the dense `grad`: SGD (momentum), RMSprop (velocity, average_grad, momentum), Adam (m, v, v_hat),
 * Adagrad (accumulator), Adadelta (accumulated_grad, accumulated_delta_var), Nadam (m, v). With `step.indices`,
 * `grad` (contiguous, one row per index) is a row gradient, applied as Keras 3's TF backend applies an IndexedSlices.
 */
using OptimizerKernel = void(const OptimizerStep& step, const Tensor& var, const Tensor& grad, const Tensor& slot_a,
                             const Tensor& slot_b, const Tensor& slot_c);
/** `step` with a row gradient's indices on the host, for a CPU-fallback call (kernel_table.h's on_host). */
inline OptimizerStep on_host(HostStaging& staging, const OptimizerStep& step) {
  OptimizerStep host = step;
  host.indices = staging.host(step.indices);
  return host;
}

// ---- linear algebra --------------------------------------------------------------------
/** matmul: out (dense, non-empty: batch_shape + (rows, cols)) = a @ b per broadcast batch item, with transposes. */
using MatmulKernel = void(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                          const Shape& batch_shape, const Tensor& out);

// ---- Fourier transforms (fft family) ---------------------------------------------------
/**
 * The DFT of dense `x` into dense `out` over their innermost `rank` dims (the leading ones are a batch): complex to
 * complex (fft*, ifft*: out has x's shape), real to complex (rfft*: out's last dim is x's / 2 + 1) or complex to real
 * (irfft*: x's last dim is out's / 2 + 1, the imaginary parts of its first and Nyquist terms ignored). The inverse
 * transforms divide by the product of the transformed lengths. Keyed by x's dtype.
 */
using FftKernel = void(const Tensor& x, int64_t rank, const Tensor& out);

// ---- shape ops -------------------------------------------------------------------------
/**
 * gather's sizes: params viewed as (B, O, N, S), indices as (B, NI), out as (B, O, NI, S). With `check`, an index
 * outside [0, N) is an InvalidArgument naming it (params_shape and axis for the message); boolean_mask's positions
 * need none.
 */
struct GatherDims {
  int64_t B, O, N, S, NI;
  bool check;
  Shape params_shape;
  int64_t axis;
};
/** gather (and boolean_mask's gather of the true positions): dense params, dense int32 / int64 indices. */
using GatherKernel = void(const Tensor& params, const Tensor& indices, const GatherDims& dims, const Tensor& out);
/** pad's map value of an output position outside the input (filled with the constant). */
constexpr int64_t kPadOutside = std::numeric_limits<int64_t>::min();
/**
 * pad: out (dense) from x through maps[d][j], the element offset into x along dim d of output position j, or
 * kPadOutside; before_last: the padding before the last dim's interior (a dense run when x's last stride is 1).
 */
using PadKernel = void(const Tensor& x, const std::vector<std::vector<int64_t>>& maps, int64_t before_last,
                       double constant, const Tensor& out);
/** one_hot: out (dense, outer x depth x inner) = on_value where the int64 indices (outer x inner) name the depth
 *  position, else off_value. */
using OneHotKernel = void(const Tensor& indices, double on_value, double off_value, int64_t outer, int64_t inner,
                          const Tensor& out);
/** boolean_mask: the flat positions (int64, 1-D, in order) of the true elements of a dense mask; where_indices: the
 *  coordinates (count, rank) of the non-zero elements of a dense tensor. */
using NonzeroKernel = Tensor(const Tensor& dense);
/** unsorted_segment_sum: out (dense, num_segments rows) = the rows of dense data summed by dense int64 ids (negative
 *  ids dropped, an id >= num_segments an InvalidArgument), each segment in row order. */
using SegmentSumKernel = void(const Tensor& data, const Tensor& ids, int64_t num_segments, const Tensor& out);
/** scatter_nd: the flat output row (int64, indices.shape[:-1]) of each index tuple, the last dim of dense int64
 *  indices, into the leading dims of `shape`; an index outside its dimension is an InvalidArgument naming it. */
using ScatterIdsKernel = Tensor(const Tensor& indices, const Shape& shape);

// ---- reductions ------------------------------------------------------------------------
/** The highest rank the reduction kernels take. */
constexpr int kReduceMaxDims = 64;
/**
 * reduce_sum ... reduce_all and reduce_logsumexp: out (dense, at least one element, in the order of x's kept dims)
 * = the reduction of x over the dims marked in `reduced`; `count` values fold into each output (0: the op's
 * identity, NaN for a float mean).
 */
using ReduceKernel = void(const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out);
/** argmax / argmin along `axis` (length >= 1) into out (int32 or int64, dense, at least one element). */
using ArgReduceKernel = void(const Tensor& x, int64_t axis, const Tensor& out);
/**
 * cumsum / cumprod of dense x along `axis` into dense out (x's shape, at least one element): out[k] combines x[0..k]
 * in order (exclusive: x[0..k-1], the identity at k = 0; reverse: from the end), one sequential pass per line.
 */
using ScanKernel = void(const Tensor& x, int64_t axis, bool exclusive, bool reverse, const Tensor& out);

// ---- convolution -----------------------------------------------------------------------
/** Sizes of one convolution: input (n, h, w, c), filter (kh, kw, c, co), output (n, oh, ow, co), pads before. */
struct ConvGeometry {
  int64_t n, h, w, c;
  int64_t kh, kw, co;
  int64_t oh, ow;
  int64_t sh, sw, dh, dw;
  int64_t pad_top, pad_left;
};
/**
 * One of conv2d's three products on dense NHWC / HWIO operands, `out` dense and overwritten:
 * conv2d (a: input, b: filters, out: output), conv2d_backprop_input (a: filters, b: output gradient, out: input
 * gradient), conv2d_backprop_filter (a: input, b: output gradient, out: filter gradient).
 */
using ConvKernel = void(const ConvGeometry& g, const Tensor& a, const Tensor& b, const Tensor& out);
/**
 * Grayscale dilation (tf.nn.dilation2d) on dense NHWC x and (kh, kw, c) filters, g.co == g.c: out = the max over the
 * window's in-bounds taps of x + filter; in_index / tap (int64, out's shape) = the flat index of the maximum's input
 * element and filter element (the first maximum in window order; -1 for a window with no in-bounds tap).
 */
using Dilation2dKernel = void(const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& out,
                              const Tensor& in_index, const Tensor& tap);

// ---- pooling ---------------------------------------------------------------------------
/** Sizes of one 2-D NHWC pooling: input n, h, w, c, output oh, ow, padding before, and the window. */
struct PoolGeometry {
  int64_t n, h, w, c, oh, ow, pad_top, pad_left;
  int64_t kh, kw, sh, sw;
  bool same;
};
/** The geometry of pooling an NHWC `input` of this shape with the window (TF's sizes: SAME pads, extra at the end). */
inline PoolGeometry pool_geometry(const Shape& input, int64_t kh, int64_t kw, int64_t sh, int64_t sw, bool same) {
  PoolGeometry g{input[0], input[1], input[2], input[3], 0, 0, 0, 0, kh, kw, sh, sw, same};
  const auto axis = [same](int64_t in, int64_t k, int64_t s, int64_t& out, int64_t& pad_before) {
    out = same ? (in + s - 1) / s : (in >= k ? (in - k) / s + 1 : 0);
    pad_before = same ? std::max<int64_t>((out - 1) * s + k - in, 0) / 2 : 0;
  };
  axis(g.h, kh, sh, g.oh, g.pad_top);
  axis(g.w, kw, sw, g.ow, g.pad_left);
  return g;
}
/**
 * max_pool2d: y = the max of each window of dense `x`; with `argmax` defined (int32, y's shape), also the index
 * (iy * index_w + ix) * C + c of each first maximum within its image (index_w >= the input's width).
 */
using MaxPoolKernel = void(const PoolGeometry& g, const Tensor& x, const Tensor& y, const Tensor& argmax,
                           int64_t index_w);
/** avg_pool2d (x -> y) and avg_pool2d_grad (dy -> dx), dense operands, out overwritten. */
using PoolKernel = void(const PoolGeometry& g, const Tensor& in, const Tensor& out);
/** max_pool2d_grad: dx (dense, overwritten) = each dy element added at its argmax position. */
using MaxPoolGradKernel = void(const PoolGeometry& g, const Tensor& dy, const Tensor& argmax, const Tensor& dx);
/**
 * conv2d_max_pool: y = max_pool2d(conv2d(x, w)) (pooling g over conv cg's output), with `argmax` (when defined)
 * indexing the convolution's output images as max_pool2d's would. `read` is conv cg over the leading part of the
 * input the pooling windows read (cg itself when they read all of it). Dense operands.
 */
using ConvMaxPoolKernel = void(const ConvGeometry& cg, const ConvGeometry& read, const PoolGeometry& g,
                               const Tensor& x, const Tensor& w, const Tensor& y, const Tensor& argmax);
/**
 * conv2d_max_pool's gradients: conv2d_backprop_filter (a: input, out: filter gradient) or conv2d_backprop_input
 * (a: filters, out: input gradient) of max_pool2d_grad(dy, argmax). Dense operands, out overwritten.
 */
using ConvMaxPoolGradKernel = void(const ConvGeometry& cg, const PoolGeometry& g, const Tensor& a, const Tensor& dy,
                                   const Tensor& argmax, const Tensor& out);

// ---- recurrent -------------------------------------------------------------------------
/** Element-wise activations of the fused recurrent cells (Keras's names); each derivative is taken from the output. */
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
/** Gate blocks (of `units` columns) in a cell's kernels: 1, 3 or 4. */
inline int64_t rnn_gates(RnnCell cell) {
  return cell == RnnCell::Lstm ? 4 : cell == RnnCell::SimpleRnn ? 1 : 3;
}
/**
 * Values per (sample, timestep) in the buffer the forward keeps for the backward: SimpleRNN [h, h_prev]; GRU
 * [z, r, candidate, rh, h_prev] (rh: the recurrent candidate block with reset_after, r * h_prev without); LSTM
 * [i, f, g, o, activation(c), c_prev, h_prev].
 */
inline int64_t rnn_saved_width(const RnnDims& d) {
  return (d.cell == RnnCell::Lstm ? 7 : d.cell == RnnCell::SimpleRnn ? 2 : 5) * d.units;
}
/**
 * The operands of lstm / gru / simple_rnn, all dense: inputs x (batch, steps, features), initial_h and initial_c
 * (batch, units; c: LSTM only), kernel (features, gates * units), recurrent_kernel (units, gates * units), bias
 * (gates * units), or (2, gates * units) for GRU reset_after (input bias, recurrent bias), mask (bool (batch, steps),
 * true = run the step; undefined: every step runs). A masked step keeps the states, as Keras's `rnn` does.
 */
struct RnnInputs {
  Tensor x, initial_h, initial_c, kernel, recurrent_kernel, bias, mask;
};
/** `in` with its tensors on the host, for a CPU-fallback call (kernel_table.h's on_host). */
inline RnnInputs on_host(HostStaging& s, const RnnInputs& in) {
  return {s.host(in.x), s.host(in.initial_h), s.host(in.initial_c), s.host(in.kernel),
          s.host(in.recurrent_kernel), s.host(in.bias), s.host(in.mask)};
}
/**
 * The fused forward (Pass::Forward): sequence (batch, steps, units) = the state h after each step in loop order
 * (reversed for go_backwards), final_h, final_c (LSTM only), and, when `saved` is defined, the backward's buffer
 * (batch, steps, rnn_saved_width) indexed by input timestep. Outputs dense and overwritten.
 */
using RnnKernel = void(const RnnDims& d, const RnnInputs& in, const Tensor& sequence, const Tensor& final_h,
                       const Tensor& final_c, const Tensor& saved);
/** The output gradients the fused backward reads (dense; undefined: zero) and the forward's buffer. */
struct RnnOutputGrads {
  Tensor saved, d_sequence, d_final_h, d_final_c;
};
/** `out` with its tensors on the host, for a CPU-fallback call (kernel_table.h's on_host). */
inline RnnOutputGrads on_host(HostStaging& s, const RnnOutputGrads& out) {
  return {s.host(out.saved), s.host(out.d_sequence), s.host(out.d_final_h), s.host(out.d_final_c)};
}
/**
 * The fused backward (Pass::Backward): back through time, the gradients of the op's inputs into `grads` (dense,
 * overwritten), in the op's input order: x, initial_h, (initial_c,) kernel, recurrent_kernel, bias.
 */
using RnnGradKernel = void(const RnnDims& d, const RnnInputs& in, const RnnOutputGrads& out,
                           const std::vector<Tensor>& grads);

}  // namespace pt::backend
