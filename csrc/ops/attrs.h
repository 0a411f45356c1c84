#pragma once
/**
 * Typed op attributes: the non-tensor arguments of every registry op (csrc/ops/op_list.h names each op's struct
 * in its row). An op's struct holds its COMPLETE forward signature, so a recorded node (op, inputs, attrs) re-runs
 * the forward through invoke() (ops/invoke.h) with the same outputs. Nodes store them as an `Attrs` variant; they
 * are read back only through attrs_as<T>(op, attrs), which throws naming the op on a mismatch (never a cast).
 */
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../backend/kernels.h"
#include "../core/tensor.h"
#include "op_list.h"

namespace pt::ops {

/** Strides, dilations and TF padding of a 2-D NHWC convolution ("VALID", "SAME" or "EXPLICIT"). */
struct Conv2dParams {
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::string padding = "VALID";
  /** EXPLICIT padding (ignored for VALID and SAME). */
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  /** TF's layout attribute; only "NHWC" runs (validate_attrs). */
  std::string data_format = "NHWC";
};

/** Window of a 2-D NHWC pooling: size, strides and TF's padding (VALID, or SAME: asymmetric, extra at the end). */
struct Pool2dWindow {
  int64_t kh, kw, sh, sw;
  bool same;
};

/** One item of a Python subscript: an int, a slice, `...` or `newaxis`. */
struct IndexItem {
  enum Kind : uint8_t { Int, Slice, Ellipsis, NewAxis } kind;
  int64_t index = 0;                          // Int
  std::optional<int64_t> start, stop, step;   // Slice
};

/**
 * Seeds of one random op call, resolved from the global and op seeds. Replaying a node with the same seed draws
 * the same numbers (invoke); a graph that must draw fresh numbers on each run, as TF's stateful random ops do,
 * resolves a new (seed, counter) per run from the op's seed rules instead of reusing the recorded one.
 */
struct RandomSeed {
  uint64_t seed;     // TF's two seeds, s1 | s2 << 32 (ops/random_seed.h), or a fresh key when unseeded
  uint64_t counter;  // the call's block offset in that stream (kUnreserved until the op reserves its blocks)
};
/** Options of the fused recurrent ops (Keras's activation and recurrent_activation, go_backwards, mask). */
struct RnnOptions {
  backend::RnnActivation activation = backend::RnnActivation::Tanh;
  backend::RnnActivation recurrent_activation = backend::RnnActivation::Sigmoid;
  bool go_backwards = false;
  /** (batch, timesteps) bool, True = run the step; a masked step keeps the states (undefined: run every step). */
  Tensor mask;
};

}  // namespace pt::ops

namespace pt::attrs {

/** Ops without attributes. */
struct None { static constexpr const char* kName = "None"; };
/** cast. */
struct Cast { static constexpr const char* kName = "Cast"; DType dtype = DType::Float32; };
/** reduce_*: the reduced axes, normalized to [0, rank) and unique (a full reduction lists every axis). */
struct Reduce { static constexpr const char* kName = "Reduce"; std::vector<int64_t> axes; bool keepdims = false; };
/** argmax, argmin. */
struct ArgReduce { static constexpr const char* kName = "ArgReduce"; int64_t axis = 0; DType output_type = DType::Int64; };
/** cumsum, cumprod: the scanned axis (normalized to [0, rank)), TF's exclusive and reverse flags. */
struct Scan { static constexpr const char* kName = "Scan"; int64_t axis = 0; bool exclusive = false, reverse = false; };
/** matmul. */
struct Matmul { static constexpr const char* kName = "Matmul"; bool transpose_a = false, transpose_b = false; };
/** reshape, broadcast_to: the target shape (reshape: as given, -1 included). */
struct TargetShape { static constexpr const char* kName = "TargetShape"; Shape shape; };
/** transpose (empty perm: reverse), tile (multiples), squeeze (axes; empty: every size-1 axis), rfft* / irfft*
 *  (fft_length). */
struct Ints { static constexpr const char* kName = "Ints"; std::vector<int64_t> values; };
/** One axis: expand_dims, concat, stack, unstack, softmax, log_softmax, softmax_cross_entropy_with_logits, boolean_mask. */
struct Axis { static constexpr const char* kName = "Axis"; int64_t axis = 0; };
/** split: the piece sizes (resolved, no -1) along `axis`. */
struct Split { static constexpr const char* kName = "Split"; std::vector<int64_t> sizes; int64_t axis = 0; };
/** pad. */
struct Pad {
  static constexpr const char* kName = "Pad";
  std::vector<std::pair<int64_t, int64_t>> paddings;
  std::string mode = "CONSTANT";
  double constant_values = 0;
};
/** gather. */
struct Gather { static constexpr const char* kName = "Gather"; int64_t axis = 0; int64_t batch_dims = 0; };
/** one_hot. */
struct OneHot {
  static constexpr const char* kName = "OneHot";
  int64_t depth = 0;
  double on_value = 1, off_value = 0;
  int64_t axis = -1;
  DType dtype = DType::Float32;
};
/** strided_slice. */
struct StridedSlice { static constexpr const char* kName = "StridedSlice"; std::vector<ops::IndexItem> items; };
/** strided_slice_grad. */
struct StridedSliceGrad {
  static constexpr const char* kName = "StridedSliceGrad";
  Shape input_shape;
  std::vector<ops::IndexItem> items;
};
/** unsorted_segment_sum. */
struct SegmentSum { static constexpr const char* kName = "SegmentSum"; int64_t num_segments = 0; };
/** scatter_nd: the output shape. */
struct ScatterNd { static constexpr const char* kName = "ScatterNd"; Shape shape; };
/** dropout. */
struct Dropout {
  static constexpr const char* kName = "Dropout";
  double rate = 0.5;
  Shape noise_shape;
  ops::RandomSeed seed{};
};
/** leaky_relu. */
struct LeakyRelu { static constexpr const char* kName = "LeakyRelu"; double alpha = 0.2; };
/** gelu. */
struct Gelu { static constexpr const char* kName = "Gelu"; bool approximate = false; };
/** silu. */
struct Silu { static constexpr const char* kName = "Silu"; double beta = 1.0; };
/** conv2d. */
struct Conv2d { static constexpr const char* kName = "Conv2d"; ops::Conv2dParams params; };
/** conv2d_backprop_input (sizes: the input's shape), conv2d_backprop_filter (sizes: the filters' shape). */
struct Conv2dBackprop { static constexpr const char* kName = "Conv2dBackprop"; Shape sizes; ops::Conv2dParams params; };
/** max_pool2d, avg_pool2d. */
struct Pool2d { static constexpr const char* kName = "Pool2d"; ops::Pool2dWindow window{1, 1, 1, 1, false}; };
/** max_pool2d_grad, avg_pool2d_grad: the pooled input's shape. */
struct Pool2dGrad {
  static constexpr const char* kName = "Pool2dGrad";
  Shape input_shape;
  ops::Pool2dWindow window{1, 1, 1, 1, false};
};
/** conv2d_max_pool. */
struct Conv2dMaxPool {
  static constexpr const char* kName = "Conv2dMaxPool";
  ops::Conv2dParams params;
  ops::Pool2dWindow window{1, 1, 1, 1, false};
};
/** conv2d_max_pool_backprop_input (sizes: the input's shape), _backprop_filter (sizes: the filters' shape). */
struct Conv2dMaxPoolBackprop {
  static constexpr const char* kName = "Conv2dMaxPoolBackprop";
  Shape sizes;
  ops::Conv2dParams params;
  ops::Pool2dWindow window{1, 1, 1, 1, false};
};
/** apply_sgd. Inputs: var, grad[, momentum]; outputs: the updated var[, momentum]. */
struct ApplySgd {
  static constexpr const char* kName = "ApplySgd";
  double learning_rate = 0.01, momentum = 0;
  bool nesterov = false, has_momentum = false;
  double weight_decay = 0;
};
/** apply_rmsprop. Inputs: var, grad, velocity[, average_grad][, momentum]; outputs: the updated variables. */
struct ApplyRmsprop {
  static constexpr const char* kName = "ApplyRmsprop";
  double learning_rate = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, weight_decay = 0;
  bool centered = false, has_momentum = false;
};
/** apply_adam. Inputs: var, grad, m, v[, v_hat]; outputs: the updated variables. */
struct ApplyAdam {
  static constexpr const char* kName = "ApplyAdam";
  double learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7;
  int64_t step = 1;
  double weight_decay = 0;
  bool amsgrad = false;
};
/** apply_adagrad. Inputs: var, grad, accumulator; outputs: the updated variables. */
struct ApplyAdagrad {
  static constexpr const char* kName = "ApplyAdagrad";
  double learning_rate = 0.001, epsilon = 1e-7, weight_decay = 0;
};
/** apply_adadelta. Inputs: var, grad, accumulated_grad, accumulated_delta_var; outputs: the updated variables. */
struct ApplyAdadelta {
  static constexpr const char* kName = "ApplyAdadelta";
  double learning_rate = 0.001, rho = 0.95, epsilon = 1e-7, weight_decay = 0;
};
/** apply_nadam. Inputs: var, grad, m, v; outputs: the updated variables. */
struct ApplyNadam {
  static constexpr const char* kName = "ApplyNadam";
  double learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7;
  int64_t step = 1;
  double u_product = 1, weight_decay = 0;
};
/** zeros, ones. */
struct Constant { static constexpr const char* kName = "Constant"; Shape shape; DType dtype = DType::Float32; };
/** fill: the 0-d value (its dtype is the output's; int64 stays exact). */
struct Fill { static constexpr const char* kName = "Fill"; Shape shape; Tensor value; };
/** zeros_like, ones_like (no dtype: the input's). */
struct Like { static constexpr const char* kName = "Like"; std::optional<DType> dtype; };
/** eye. */
struct Eye {
  static constexpr const char* kName = "Eye";
  int64_t num_rows = 0, num_columns = 0;
  Shape batch_shape;
  DType dtype = DType::Float32;
};
/** range. */
struct Range {
  static constexpr const char* kName = "Range";
  double start = 0, limit = 0, delta = 1;
  DType dtype = DType::Float32;
};
/** linspace. */
struct Linspace {
  static constexpr const char* kName = "Linspace";
  double start = 0, stop = 0;
  int64_t num = 0;
  DType dtype = DType::Float32;
};
/** random_normal, truncated_normal (mean, stddev), random_uniform (minval, maxval as low, high). */
struct RandomDist {
  static constexpr const char* kName = "RandomDist";
  Shape shape;
  double low = 0, high = 1;
  DType dtype = DType::Float32;
  ops::RandomSeed seed{};
};
/** categorical. */
struct Categorical {
  static constexpr const char* kName = "Categorical";
  int64_t num_samples = 1;
  DType dtype = DType::Int64;
  ops::RandomSeed seed{};
};
/** lstm, gru, simple_rnn (reset_after: gru only). */
struct Rnn {
  static constexpr const char* kName = "Rnn";
  ops::RnnOptions options;
  bool reset_after = true;
};
/** random_shuffle. */
struct Shuffle { static constexpr const char* kName = "Shuffle"; ops::RandomSeed seed{}; };
/** random_gamma, random_poisson: the samples' shape (ending with the parameter's), their dtype and the seeds. */
struct RandomSample {
  static constexpr const char* kName = "RandomSample";
  Shape shape;
  DType dtype = DType::Float32;
  ops::RandomSeed seed{};
};
/** philox_uniform, _uniform_full_int, _uniform_int (minval, maxval: its bounds), _normal, _truncated_normal,
 *  _shuffle_order (shape [n], int64), _gamma, _poisson, _binomial, _parameterized_truncated_normal (minval, maxval
 *  unused). */
struct PhiloxDraw {
  static constexpr const char* kName = "PhiloxDraw";
  Shape shape;
  DType dtype = DType::Float32;
  int64_t minval = 0, maxval = 0;
};
/** philox_categorical: samples per row and the int32 / int64 output dtype. */
struct PhiloxCategorical {
  static constexpr const char* kName = "PhiloxCategorical";
  int64_t num_samples = 1;
  DType dtype = DType::Int64;
};
/** philox_skip: counter blocks to advance by. */
struct PhiloxSkip {
  static constexpr const char* kName = "PhiloxSkip";
  int64_t delta = 0;
};
/** fused_elementwise: the element-wise expression a graph pass fused, one registry op a step (backend/kernels.h). */
struct Elementwise {
  static constexpr const char* kName = "Elementwise";
  int32_t num_inputs = 0;
  std::vector<backend::ElementwiseStep> program;
};

}  // namespace pt::attrs

namespace pt {

/** Every attribute struct; a node holds one (type-tagged), the one its op's registry row names. */
using Attrs = std::variant<attrs::None, attrs::Cast, attrs::Reduce, attrs::ArgReduce, attrs::Scan, attrs::Matmul, attrs::TargetShape,
                           attrs::Ints, attrs::Axis, attrs::Split, attrs::Pad, attrs::Gather, attrs::OneHot,
                           attrs::StridedSlice, attrs::StridedSliceGrad, attrs::SegmentSum, attrs::ScatterNd,
                           attrs::Dropout, attrs::LeakyRelu, attrs::Gelu, attrs::Silu, attrs::Conv2d,
                           attrs::Conv2dBackprop, attrs::Pool2d, attrs::Pool2dGrad, attrs::Conv2dMaxPool,
                           attrs::Conv2dMaxPoolBackprop, attrs::ApplySgd, attrs::ApplyRmsprop, attrs::ApplyAdam,
                           attrs::ApplyAdagrad, attrs::ApplyAdadelta, attrs::ApplyNadam, attrs::Constant, attrs::Fill,
                           attrs::Like, attrs::Eye, attrs::Range, attrs::Linspace, attrs::RandomDist,
                           attrs::Categorical, attrs::Shuffle, attrs::Rnn, attrs::Elementwise, attrs::PhiloxDraw,
                           attrs::PhiloxSkip, attrs::PhiloxCategorical, attrs::RandomSample>;

/**
 * Every field of every attribute struct and of the composite values they hold (convolution parameters, pooling
 * windows, seeds, index items, RNN options), F(type, field) each: THE description of an op's attributes. The graph
 * serializer (graph/serialize.cpp) writes and reads the fields in this order (SavedModel's bytes: never reorder or
 * remove a field; a new field changes the format version), and the generated bindings convert the Python argument
 * named like a field of a plain type by that type (bindings/op_binder.h; composite fields go through adapters). A
 * struct's initializer is its default.
 */
#define PT_ATTR_FIELDS(F)                                                                                          \
  F(attrs::Cast, dtype) F(attrs::Reduce, axes) F(attrs::Reduce, keepdims) F(attrs::ArgReduce, axis)                \
  F(attrs::ArgReduce, output_type) F(attrs::Scan, axis) F(attrs::Scan, exclusive) F(attrs::Scan, reverse)          \
  F(attrs::Matmul, transpose_a) F(attrs::Matmul, transpose_b)                                                      \
  F(attrs::TargetShape, shape) F(attrs::Ints, values) F(attrs::Axis, axis) F(attrs::Split, sizes)                  \
  F(attrs::Split, axis) F(attrs::Pad, paddings) F(attrs::Pad, mode) F(attrs::Pad, constant_values)                 \
  F(attrs::Gather, axis) F(attrs::Gather, batch_dims) F(attrs::OneHot, depth) F(attrs::OneHot, on_value)           \
  F(attrs::OneHot, off_value) F(attrs::OneHot, axis) F(attrs::OneHot, dtype) F(ops::IndexItem, kind)               \
  F(ops::IndexItem, index) F(ops::IndexItem, start) F(ops::IndexItem, stop) F(ops::IndexItem, step)                \
  F(attrs::StridedSlice, items) F(attrs::StridedSliceGrad, input_shape) F(attrs::StridedSliceGrad, items)          \
  F(attrs::SegmentSum, num_segments) F(attrs::ScatterNd, shape) F(ops::RandomSeed, seed)                           \
  F(ops::RandomSeed, counter) F(attrs::Dropout, rate) F(attrs::Dropout, noise_shape) F(attrs::Dropout, seed)       \
  F(attrs::LeakyRelu, alpha) F(attrs::Gelu, approximate) F(attrs::Silu, beta) F(ops::Conv2dParams, stride_h)       \
  F(ops::Conv2dParams, stride_w) F(ops::Conv2dParams, dilation_h) F(ops::Conv2dParams, dilation_w)                 \
  F(ops::Conv2dParams, padding) F(ops::Conv2dParams, pad_top) F(ops::Conv2dParams, pad_bottom)                     \
  F(ops::Conv2dParams, pad_left) F(ops::Conv2dParams, pad_right) F(ops::Conv2dParams, data_format)                 \
  F(ops::Pool2dWindow, kh) F(ops::Pool2dWindow, kw) F(ops::Pool2dWindow, sh) F(ops::Pool2dWindow, sw)              \
  F(ops::Pool2dWindow, same) F(attrs::Conv2d, params) F(attrs::Conv2dBackprop, sizes)                              \
  F(attrs::Conv2dBackprop, params) F(attrs::Pool2d, window) F(attrs::Pool2dGrad, input_shape)                      \
  F(attrs::Pool2dGrad, window) F(attrs::Conv2dMaxPool, params) F(attrs::Conv2dMaxPool, window)                     \
  F(attrs::Conv2dMaxPoolBackprop, sizes) F(attrs::Conv2dMaxPoolBackprop, params)                                   \
  F(attrs::Conv2dMaxPoolBackprop, window) F(attrs::ApplySgd, learning_rate) F(attrs::ApplySgd, momentum)           \
  F(attrs::ApplySgd, nesterov) F(attrs::ApplySgd, has_momentum) F(attrs::ApplySgd, weight_decay)                   \
  F(attrs::ApplyRmsprop, learning_rate) F(attrs::ApplyRmsprop, rho) F(attrs::ApplyRmsprop, momentum)               \
  F(attrs::ApplyRmsprop, epsilon) F(attrs::ApplyRmsprop, weight_decay) F(attrs::ApplyRmsprop, centered)            \
  F(attrs::ApplyRmsprop, has_momentum) F(attrs::ApplyAdam, learning_rate) F(attrs::ApplyAdam, beta_1)              \
  F(attrs::ApplyAdam, beta_2) F(attrs::ApplyAdam, epsilon) F(attrs::ApplyAdam, step)                               \
  F(attrs::ApplyAdam, weight_decay) F(attrs::ApplyAdam, amsgrad) F(attrs::ApplyAdagrad, learning_rate)             \
  F(attrs::ApplyAdagrad, epsilon) F(attrs::ApplyAdagrad, weight_decay) F(attrs::ApplyAdadelta, learning_rate)      \
  F(attrs::ApplyAdadelta, rho) F(attrs::ApplyAdadelta, epsilon) F(attrs::ApplyAdadelta, weight_decay)              \
  F(attrs::ApplyNadam, learning_rate) F(attrs::ApplyNadam, beta_1) F(attrs::ApplyNadam, beta_2)                    \
  F(attrs::ApplyNadam, epsilon) F(attrs::ApplyNadam, step) F(attrs::ApplyNadam, u_product)                         \
  F(attrs::ApplyNadam, weight_decay) F(attrs::Constant, shape) F(attrs::Constant, dtype) F(attrs::Fill, shape)     \
  F(attrs::Fill, value) F(attrs::Like, dtype) F(attrs::Eye, num_rows) F(attrs::Eye, num_columns)                   \
  F(attrs::Eye, batch_shape) F(attrs::Eye, dtype) F(attrs::Range, start) F(attrs::Range, limit)                    \
  F(attrs::Range, delta) F(attrs::Range, dtype) F(attrs::Linspace, start) F(attrs::Linspace, stop)                 \
  F(attrs::Linspace, num) F(attrs::Linspace, dtype) F(attrs::RandomDist, shape) F(attrs::RandomDist, low)          \
  F(attrs::RandomDist, high) F(attrs::RandomDist, dtype) F(attrs::RandomDist, seed)                                \
  F(attrs::Categorical, num_samples) F(attrs::Categorical, dtype) F(attrs::Categorical, seed)                      \
  F(attrs::Shuffle, seed) F(ops::RnnOptions, activation) F(ops::RnnOptions, recurrent_activation)                  \
  F(ops::RnnOptions, go_backwards) F(ops::RnnOptions, mask) F(attrs::Rnn, options) F(attrs::Rnn, reset_after)     \
  F(backend::ElementwiseStep, op) F(backend::ElementwiseStep, a) F(backend::ElementwiseStep, b)                    \
  F(attrs::Elementwise, num_inputs) F(attrs::Elementwise, program) F(attrs::PhiloxDraw, shape)                    \
  F(attrs::PhiloxDraw, dtype) F(attrs::PhiloxDraw, minval) F(attrs::PhiloxDraw, maxval) F(attrs::PhiloxSkip, delta) \
  F(attrs::PhiloxCategorical, num_samples) F(attrs::PhiloxCategorical, dtype) F(attrs::RandomSample, shape)       \
  F(attrs::RandomSample, dtype) F(attrs::RandomSample, seed)

/** True for the attribute structs and the composite values PT_ATTR_FIELDS describes (field by field). */
template <class T>
constexpr bool has_attr_fields() {
  bool listed = false;
#define PT_LISTS_ATTR_TYPE(Type, field) listed = listed || std::is_same_v<T, Type>;
  PT_ATTR_FIELDS(PT_LISTS_ATTR_TYPE)
#undef PT_LISTS_ATTR_TYPE
  return listed || std::is_same_v<T, attrs::None>;
}

/** Calls visit(field name, field) for each field of `a` (an attribute struct or a composite value), in order. */
template <class T, class Visit>
void for_each_attr_field(T& a, Visit&& visit) {
  using S = std::remove_const_t<T>;
#define PT_VISIT_ATTR_FIELD(Type, field) \
  if constexpr (std::is_same_v<S, Type>) visit(#field, a.field);
  PT_ATTR_FIELDS(PT_VISIT_ATTR_FIELD)
#undef PT_VISIT_ATTR_FIELD
}

/** The name of the struct `a` holds ("Conv2d", ...). */
const char* attrs_name(const Attrs& a);
/** The name of the struct op's registry row declares. */
const char* attrs_name(OpId op);
/** Throws TypeError naming `op`, the struct `wanted` and the one `got` holds. */
[[noreturn]] void throw_attrs_mismatch(OpId op, const char* wanted, const Attrs& got);
/** Throws TypeError naming op when `a` does not hold the struct op's registry row declares. */
void check_attrs_type(OpId op, const Attrs& a);

/**
 * Checks attribute values against op's rules (TF's): strides, dilations and window sizes positive, padding one of
 * the allowed names, rates and counts in range... Throws InvalidArgument (Python: InvalidArgumentError, a ValueError)
 * naming the op, the attribute, the value and what is allowed; TypeError for a dtype attribute of the wrong kind.
 * invoke() calls it; so do the bindings on the attributes they build from Python arguments.
 */
void validate_attrs(OpId op, const Attrs& attrs);

/**
 * TF's spatial attribute `what` (strides, dilations, ksize) as given, an int or a list of 1, 2 or 4 ints (NHWC: batch
 * and channel 1), as (height, width); InvalidArgument naming op, the attribute and the allowed forms otherwise.
 */
std::pair<int64_t, int64_t> spatial_attr(OpId op, const char* what, const std::vector<int64_t>& values);
/** Rejects every data_format but NHWC, TF's CPU layout (NCHW: Unimplemented naming the transpose that fixes it). */
void check_data_format(OpId op, const std::string& data_format);
/** The pooling window of op from TF's attributes (ksize, strides as spatial_attr reads them, padding, data_format). */
ops::Pool2dWindow pool2d_window(OpId op, const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
                                const std::string& padding, const std::string& data_format);

/**
 * Sets p's padding from TF's padding attribute given as a name: "VALID" or "SAME" ("EXPLICIT" names the explicit form
 * only inside TF's raw op, beside explicit_paddings: InvalidArgument saying to pass the pairs instead).
 */
void set_conv2d_padding(OpId op, ops::Conv2dParams& p, const std::string& name);
/**
 * Sets p's padding from TF's explicit form, `pairs` flattened: [[0, 0], [top, bottom], [left, right], [0, 0]] (NHWC;
 * the batch and channel pairs must be 0). InvalidArgument naming op, the values and the form otherwise.
 */
void set_conv2d_padding(OpId op, ops::Conv2dParams& p, const std::vector<int64_t>& pairs);

/** validate_attrs' rules for the convolution parameters of op (conv2d, its backprops, conv2d_max_pool...). */
void validate_conv2d_params(OpId op, const ops::Conv2dParams& params);
/** validate_attrs' rules for the pooling window of op (max_pool2d, avg_pool2d, conv2d_max_pool...). */
void validate_pool2d_window(OpId op, const ops::Pool2dWindow& window);

/** Op `op`'s attributes as its struct T; a TypeError naming the op when `a` holds another struct. */
template <class T>
const T& attrs_as(OpId op, const Attrs& a) {
  if (const T* p = std::get_if<T>(&a)) return *p;
  throw_attrs_mismatch(op, T::kName, a);
}
/** attrs_as for a struct being filled in (the bindings' setters, a graph pass rewriting a node). */
template <class T>
T& attrs_as(OpId op, Attrs& a) {
  if (T* p = std::get_if<T>(&a)) return *p;
  throw_attrs_mismatch(op, T::kName, a);
}

/** The attribute struct of registry op `op` (from its row): OpAttrsOf<OpId::conv2d>::type is attrs::Conv2d. */
template <OpId op>
struct OpAttrsOf;
#define PT_OP_ATTRS_OF(name, family, n, diff, attr) \
  template <>                                       \
  struct OpAttrsOf<OpId::name> {                    \
    using type = attrs::attr;                       \
  };
PT_OP_LIST(PT_OP_ATTRS_OF)
#undef PT_OP_ATTRS_OF

}  // namespace pt
