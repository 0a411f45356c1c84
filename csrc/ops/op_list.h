#pragma once
/**
 * THE op registry: one row per op. Python exposes it as `pytensor._core.op_registry()`
 * and tests/op_db.py must name exactly the same ops (tests/test_registry.py checks).
 *
 * Row: PT_OP(name, family, num_inputs, differentiable, None)
 *   name            the op's TF name (without the `reduce_`-less aliases)
 *   family          the file under csrc/ops/ that holds its shape inference and kernel call
 *   num_inputs      tensor inputs (-1: a list of tensors)
 *   differentiable  whether a gradient formula exists (filled in by the autodiff work);
 *                   false marks ops like argmax, comparisons, floor and random, which pass no gradient
 *   attrs           its attribute struct in ops/attrs.h (pt::attrs::<attrs>; None when it has no attribute)
 */
#define PT_OP_LIST(PT_OP)                                   \
  /* unary */                                               \
  PT_OP(negative, unary, 1, true, None)                     \
  PT_OP(abs, unary, 1, true, None)                          \
  PT_OP(sign, unary, 1, false, None)                        \
  PT_OP(exp, unary, 1, true, None)                          \
  PT_OP(log, unary, 1, true, None)                          \
  PT_OP(log1p, unary, 1, true, None)                        \
  PT_OP(expm1, unary, 1, true, None)                        \
  PT_OP(sqrt, unary, 1, true, None)                         \
  PT_OP(rsqrt, unary, 1, true, None)                        \
  PT_OP(square, unary, 1, true, None)                       \
  PT_OP(reciprocal, unary, 1, true, None)                   \
  PT_OP(sin, unary, 1, true, None)                          \
  PT_OP(cos, unary, 1, true, None)                          \
  PT_OP(tanh, unary, 1, true, None)                         \
  PT_OP(sigmoid, unary, 1, true, None)                      \
  PT_OP(relu, unary, 1, true, None)                         \
  PT_OP(tan, unary, 1, true, None)                         \
  PT_OP(sinh, unary, 1, true, None)                        \
  PT_OP(cosh, unary, 1, true, None)                        \
  PT_OP(asin, unary, 1, true, None)                        \
  PT_OP(acos, unary, 1, true, None)                        \
  PT_OP(atan, unary, 1, true, None)                        \
  PT_OP(asinh, unary, 1, true, None)                       \
  PT_OP(acosh, unary, 1, true, None)                       \
  PT_OP(atanh, unary, 1, true, None)                       \
  PT_OP(floor, unary, 1, false, None)                       \
  PT_OP(ceil, unary, 1, false, None)                        \
  PT_OP(round, unary, 1, false, None)                       \
  PT_OP(logical_not, unary, 1, false, None)                 \
  PT_OP(is_nan, unary, 1, false, None)                      \
  PT_OP(is_finite, unary, 1, false, None)                   \
  PT_OP(identity, unary, 1, true, None)                     \
  PT_OP(stop_gradient, unary, 1, false, None)               \
  /* binary, numpy broadcasting */                          \
  PT_OP(add, binary, 2, true, None)                         \
  PT_OP(subtract, binary, 2, true, None)                    \
  PT_OP(multiply, binary, 2, true, None)                    \
  PT_OP(divide, binary, 2, true, None)                      \
  PT_OP(floordiv, binary, 2, false, None)                   \
  PT_OP(floormod, binary, 2, false, None)                   \
  PT_OP(pow, binary, 2, true, None)                         \
  PT_OP(maximum, binary, 2, true, None)                     \
  PT_OP(minimum, binary, 2, true, None)                     \
  PT_OP(squared_difference, binary, 2, true, None)          \
  PT_OP(xlogy, binary, 2, true, None)                       \
  PT_OP(random_gamma_grad, binary, 2, false, None)          \
  PT_OP(equal, binary, 2, false, None)                      \
  PT_OP(not_equal, binary, 2, false, None)                  \
  PT_OP(less, binary, 2, false, None)                       \
  PT_OP(less_equal, binary, 2, false, None)                 \
  PT_OP(greater, binary, 2, false, None)                    \
  PT_OP(greater_equal, binary, 2, false, None)              \
  PT_OP(logical_and, binary, 2, false, None)                \
  PT_OP(logical_or, binary, 2, false, None)                 \
  PT_OP(where, binary, 3, true, None)                       \
  PT_OP(clip_by_value, binary, 3, true, None)               \
  PT_OP(fused_elementwise, binary, -1, true, Elementwise)    \
  PT_OP(cast, unary, 1, true, Cast)                         \
  /* reductions */                                          \
  PT_OP(reduce_sum, reduce, 1, true, Reduce)                \
  PT_OP(reduce_mean, reduce, 1, true, Reduce)               \
  PT_OP(reduce_max, reduce, 1, true, Reduce)                \
  PT_OP(reduce_min, reduce, 1, true, Reduce)                \
  PT_OP(reduce_prod, reduce, 1, true, Reduce)               \
  PT_OP(reduce_logsumexp, reduce, 1, true, Reduce)          \
  PT_OP(reduce_any, reduce, 1, false, Reduce)               \
  PT_OP(reduce_all, reduce, 1, false, Reduce)               \
  PT_OP(argmax, reduce, 1, false, ArgReduce)                \
  PT_OP(argmin, reduce, 1, false, ArgReduce)                \
  PT_OP(cumsum, reduce, 1, true, Scan)                      \
  PT_OP(cumprod, reduce, 1, true, Scan)                     \
  /* linear algebra */                                      \
  PT_OP(matmul, linalg, 2, true, Matmul)                    \
  /* shape and indexing */                                  \
  PT_OP(reshape, shape, 1, true, TargetShape)               \
  PT_OP(transpose, shape, 1, true, Ints)                    \
  PT_OP(expand_dims, shape, 1, true, Axis)                  \
  PT_OP(squeeze, shape, 1, true, Ints)                      \
  PT_OP(concat, shape, -1, true, Axis)                      \
  PT_OP(stack, shape, -1, true, Axis)                       \
  PT_OP(unstack, shape, 1, true, Axis)                      \
  PT_OP(split, shape, 1, true, Split)                       \
  PT_OP(tile, shape, 1, true, Ints)                         \
  PT_OP(broadcast_to, shape, 1, true, TargetShape)          \
  PT_OP(pad, shape, 1, true, Pad)                           \
  PT_OP(gather, shape, 2, true, Gather)                     \
  PT_OP(one_hot, shape, 1, false, OneHot)                   \
  PT_OP(strided_slice, shape, 1, true, StridedSlice)        \
  PT_OP(boolean_mask, shape, 2, true, Axis)                 \
  PT_OP(where_indices, shape, 1, false, None)               \
  PT_OP(unsorted_segment_sum, shape, 2, true, SegmentSum)   \
  PT_OP(scatter_nd, shape, 2, true, ScatterNd)              \
  PT_OP(strided_slice_grad, shape, 1, true, StridedSliceGrad) \
  /* neural-network kernels */                              \
  PT_OP(softmax, nn, 1, true, Axis)                         \
  PT_OP(log_softmax, nn, 1, true, Axis)                     \
  /* activations (activation.cpp) */                        \
  PT_OP(relu6, activation, 1, true, None)                   \
  PT_OP(leaky_relu, activation, 1, true, LeakyRelu)         \
  PT_OP(elu, activation, 1, true, None)                     \
  PT_OP(selu, activation, 1, true, None)                    \
  PT_OP(gelu, activation, 1, true, Gelu)                    \
  PT_OP(softplus, activation, 1, true, None)                \
  PT_OP(softsign, activation, 1, true, None)                \
  PT_OP(silu, activation, 1, true, Silu)                    \
  PT_OP(hard_sigmoid, activation, 1, true, None)            \
  PT_OP(erf, activation, 1, true, None)                     \
  PT_OP(relu_grad, activation, 2, true, None)               \
  PT_OP(bias_add_relu, activation, 2, true, None)           \
  /* nn: cross-entropy, norms, embedding, dropout */        \
  PT_OP(sparse_softmax_cross_entropy_with_logits, nn, 2, true, None) \
  PT_OP(softmax_cross_entropy_with_logits, nn, 2, true, Axis) \
  PT_OP(dropout, nn, 1, true, Dropout)                      \
  /* convolution (conv.cpp) */                              \
  PT_OP(conv2d, conv, 2, true, Conv2d)                      \
  PT_OP(conv2d_backprop_input, conv, 2, true, Conv2dBackprop) \
  PT_OP(conv2d_backprop_filter, conv, 2, true, Conv2dBackprop) \
  PT_OP(dilation2d, conv, 2, true, Conv2d)                  \
  /* pooling (pool.cpp) */                                  \
  PT_OP(max_pool2d, pool, 1, true, Pool2d)                  \
  PT_OP(avg_pool2d, pool, 1, true, Pool2d)                  \
  PT_OP(max_pool2d_grad, pool, 2, true, Pool2dGrad)         \
  PT_OP(avg_pool2d_grad, pool, 1, true, Pool2dGrad)         \
  PT_OP(conv2d_max_pool, pool, 2, true, Conv2dMaxPool)      \
  PT_OP(conv2d_max_pool_backprop_filter, pool, 3, true, Conv2dMaxPoolBackprop) \
  PT_OP(conv2d_max_pool_backprop_input, pool, 3, true, Conv2dMaxPoolBackprop) \
  /* fused recurrent layers over a sequence (rnn.cpp) */ \
  PT_OP(lstm, rnn, 6, true, Rnn)                            \
  PT_OP(gru, rnn, 5, true, Rnn)                             \
  PT_OP(simple_rnn, rnn, 5, true, Rnn)                      \
  PT_OP(lstm_grad, rnn, 10, true, Rnn)                      \
  PT_OP(gru_grad, rnn, 8, true, Rnn)                        \
  PT_OP(simple_rnn_grad, rnn, 8, true, Rnn)                 \
  /* fused scaled dot-product attention (attention.cpp) */ \
  PT_OP(dot_product_attention, attention, 5, true, None)   \
  /* fused optimizer updates (optim.cpp) */                 \
  PT_OP(apply_sgd, optim, 2, false, ApplySgd)               \
  PT_OP(apply_rmsprop, optim, 2, false, ApplyRmsprop)       \
  PT_OP(apply_adam, optim, 2, false, ApplyAdam)             \
  PT_OP(apply_adagrad, optim, 2, false, ApplyAdagrad)       \
  PT_OP(apply_adadelta, optim, 2, false, ApplyAdadelta)     \
  PT_OP(apply_nadam, optim, 2, false, ApplyNadam)           \
  /* creation */                                            \
  PT_OP(zeros, creation, 0, false, Constant)                \
  PT_OP(ones, creation, 0, false, Constant)                 \
  PT_OP(fill, creation, 0, false, Fill)                     \
  PT_OP(zeros_like, creation, 1, false, Like)               \
  PT_OP(ones_like, creation, 1, false, Like)                \
  PT_OP(eye, creation, 0, false, Eye)                       \
  PT_OP(range, creation, 0, false, Range)                   \
  PT_OP(linspace, creation, 0, false, Linspace)             \
  /* Fourier transforms over the innermost 1 / 2 / 3 dims (fft.cpp) */ \
  PT_OP(fft, fft, 1, true, None)                            \
  PT_OP(ifft, fft, 1, true, None)                           \
  PT_OP(fft2d, fft, 1, true, None)                          \
  PT_OP(ifft2d, fft, 1, true, None)                         \
  PT_OP(fft3d, fft, 1, true, None)                          \
  PT_OP(ifft3d, fft, 1, true, None)                         \
  PT_OP(rfft, fft, 1, true, Ints)                           \
  PT_OP(irfft, fft, 1, true, Ints)                          \
  PT_OP(rfft2d, fft, 1, true, Ints)                         \
  PT_OP(irfft2d, fft, 1, true, Ints)                        \
  PT_OP(rfft3d, fft, 1, true, Ints)                         \
  PT_OP(irfft3d, fft, 1, true, Ints)                        \
  /* special functions of tf.math.special (special.cpp) */ \
  PT_OP(bessel_i0, special, 1, true, None)                \
  PT_OP(bessel_i0e, special, 1, true, None)               \
  PT_OP(bessel_i1, special, 1, true, None)                \
  PT_OP(bessel_i1e, special, 1, true, None)               \
  PT_OP(bessel_j0, special, 1, true, None)                \
  PT_OP(bessel_j1, special, 1, true, None)                \
  PT_OP(bessel_k0, special, 1, true, None)                \
  PT_OP(bessel_k0e, special, 1, true, None)               \
  PT_OP(bessel_k1, special, 1, true, None)                \
  PT_OP(bessel_k1e, special, 1, true, None)               \
  PT_OP(bessel_y0, special, 1, true, None)                \
  PT_OP(bessel_y1, special, 1, true, None)                \
  PT_OP(dawsn, special, 1, true, None)                    \
  PT_OP(expint, special, 1, true, None)                   \
  PT_OP(fresnel_cos, special, 1, true, None)              \
  PT_OP(fresnel_sin, special, 1, true, None)              \
  PT_OP(spence, special, 1, true, None)                   \
  /* random (counter-based Philox) */                       \
  PT_OP(random_normal, random, 0, false, RandomDist)        \
  PT_OP(random_uniform, random, 0, false, RandomDist)       \
  PT_OP(truncated_normal, random, 0, false, RandomDist)     \
  PT_OP(categorical, random, 1, false, Categorical)         \
  PT_OP(random_shuffle, random, 1, false, Shuffle)        \
  /* TF's stateful RandomGamma and RandomPoissonV2 */         \
  PT_OP(random_gamma, random, 1, true, RandomSample)       \
  PT_OP(random_poisson, random, 1, false, RandomSample)    \
  /* TF's Philox streams: a state [counter_lo, counter_hi, key] in, TF's numbers out */ \
  PT_OP(philox_state_from_seed, random, 1, false, None)    \
  PT_OP(philox_skip, random, 1, false, PhiloxSkip)         \
  PT_OP(philox_uniform, random, 1, false, PhiloxDraw)      \
  PT_OP(philox_uniform_full_int, random, 1, false, PhiloxDraw) \
  PT_OP(philox_uniform_int, random, 1, false, PhiloxDraw)  \
  PT_OP(philox_normal, random, 1, false, PhiloxDraw)       \
  PT_OP(philox_truncated_normal, random, 1, false, PhiloxDraw) \
  PT_OP(philox_shuffle_order, random, 1, false, PhiloxDraw) \
  PT_OP(philox_gamma, random, 2, true, PhiloxDraw)         \
  PT_OP(philox_poisson, random, 2, false, PhiloxDraw)      \
  PT_OP(philox_binomial, random, 3, false, PhiloxDraw)     \
  PT_OP(philox_parameterized_truncated_normal, random, 5, false, PhiloxDraw) \
  PT_OP(philox_categorical, random, 2, false, PhiloxCategorical)

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pt {

class Tensor;
namespace autograd {
struct Node;
}
namespace ops {
struct Invocation;
}

/** Identifier of a registry op. */
enum class OpId : uint16_t {
#define PT_OP_ENUM(name, family, n, diff, attrs) name,
  PT_OP_LIST(PT_OP_ENUM)
#undef PT_OP_ENUM
      kCount
};

/** Gradient formula: (recorded node, gradient of each output) -> gradient of each input (undefined = none). */
using GradFormula = std::vector<Tensor> (*)(const autograd::Node& node, const std::vector<Tensor>& out_grads);

/** Runs one op from a recorded node's parts (ops/define_op.h): what invoke() calls. */
using Invoker = std::vector<Tensor> (*)(const ops::Invocation& call);

/**
 * A function's Python documentation: the docstring's first line (TF's signature, since pybind's generated one types
 * every argument `object`), TF's one-line summary, "arg: description" lines, one example call (`pt` is pytensor, `np`
 * numpy; tests/test_docstrings.py runs it) and optional notes. An internal op (bound in pytensor._core for pytensor's
 * own Python, no TF name) has a signature and a summary only. `name=None`, which every op takes for TF
 * compatibility, is documented by the binding, not per row.
 */
struct OpDoc {
  const char* name = nullptr;       // the Python name
  const char* signature = nullptr;  // null: not bound under its own name (its public function is another's)
  const char* summary = nullptr;
  const char* args = nullptr;     // null: an internal op
  const char* example = nullptr;
  const char* notes = nullptr;    // semantics beyond the summary (padding, ties, index layout)
};

/**
 * One registry row as data: the PT_OP row's columns, then what the op's family file defines beside its function
 * (define_op in ops/define_op.h) at static initialisation.
 */
struct OpDef {
  const char* name;
  const char* family;
  int num_inputs;
  bool differentiable;
  GradFormula grad;  // its gradient formula (define_op(...).gradient); null for non-differentiable ops
  const char* attrs;   // its attribute struct's name (ops/attrs.h)
  size_t attrs_index;  // that struct's index in the Attrs variant
  Invoker invoke = nullptr;  // how invoke() runs it; null: its family's element-wise call (unary, binary)
  OpDoc doc = {};            // its Python docstring
  const char* exports = "";  // the TF modules that export it under its name, space-separated ("tf tf.math")
};

/** The registry, indexed by OpId. */
std::vector<OpDef>& op_registry();
/** The row of one op. */
inline const OpDef& op_def(OpId id) { return op_registry()[static_cast<size_t>(id)]; }

}  // namespace pt
