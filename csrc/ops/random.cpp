// Random family: normal, uniform, truncated normal, gamma and Poisson samples, categorical samples and shuffles from
// the kernel table (TF's stateful kernels, backend/cpu/philox_tf.cpp), each call reserving its stretch of its TF
// kernel's stream (random_seed.h); and the philox_* ops of the stateless ops and tf.random.Generator.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "grad_utils.h"
#include "record.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/device.h"
#include "define_op.h"
#include "ops.h"
#include "random_seed.h"

namespace pt::ops {

using backend::kernel;
using backend::PhiloxKey;
using backend::RandomKernel;

namespace {

/** The seed of a call of `op` with `outputs` outputs: its 256 blocks an output reserved (TF's PhiloxRandomOp). */
RandomSeed reserve_outputs(const RandomSeed& seed, OpId op, DType dtype, int64_t outputs) {
  return reserve_seed(seed, op, dtype, dtype, static_cast<uint64_t>(outputs) * kBlocksPerOutput);
}

/** A random creation op: a new tensor of `shape` and `dtype` written by op's kernel with its two parameters. */
Tensor draw(OpId op, const Shape& shape, DType dtype, double a, double b, RandomSeed seed) {
  RandomKernel* run = kernel<RandomKernel>(op, Device::CPU, dtype);
  Tensor out = Tensor::empty(shape, dtype);
  if (out.numel() > 0) run(out, a, b, PhiloxKey{seed.seed, seed.counter});
  return out;
}

}  // namespace

Tensor random_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "random_normal");
  seed = reserve_outputs(seed, OpId::random_normal, dtype, numel(shape));
  Tensor out = draw(OpId::random_normal, shape, dtype, mean, stddev, seed);
  PT_RECORD(OpId::random_normal, {}, {out}, attrs::RandomDist{shape, mean, stddev, dtype, seed});
  return out;
}

Tensor random_uniform(const Shape& shape, double minval, double maxval, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "random_uniform");
  if (dtype == DType::Int32 || dtype == DType::Int64) {
    const bool i32 = dtype == DType::Int32;
    const double tmin = i32 ? double(INT32_MIN) : -0x1p63, tmax = i32 ? double(INT32_MAX) : 0x1p63;
    auto as_int = [](double v) {  // integers print exactly (ostream would show 2.14748e+09)
      return std::abs(v) < 0x1p63 ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
    };
    check_arg(minval == std::floor(minval) && maxval == std::floor(maxval), "random_uniform: integer dtype ",
              dtype_name(dtype), " needs integer minval and maxval, got ", minval, " and ", maxval);
    check_arg(minval >= tmin && maxval <= tmax + 1, "random_uniform: minval ", as_int(minval), " or maxval ",
              as_int(maxval), " is out of range for dtype ", dtype_name(dtype));
    check_arg(minval < maxval, "random_uniform: need minval < maxval for integer dtype ", dtype_name(dtype),
              ", got minval = ", as_int(minval), " and maxval = ", as_int(maxval));
  }
  seed = reserve_outputs(seed, OpId::random_uniform, dtype, numel(shape));
  Tensor out = draw(OpId::random_uniform, shape, dtype, minval, maxval, seed);
  PT_RECORD(OpId::random_uniform, {}, {out}, attrs::RandomDist{shape, minval, maxval, dtype, seed});
  return out;
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "truncated_normal");
  seed = reserve_outputs(seed, OpId::truncated_normal, dtype, numel(shape));
  Tensor out = draw(OpId::truncated_normal, shape, dtype, mean, stddev, seed);
  PT_RECORD(OpId::truncated_normal, {}, {out}, attrs::RandomDist{shape, mean, stddev, dtype, seed});
  return out;
}

namespace {
/** TF's MultinomialOp reserves 2 * 256 blocks a sample, num_samples rounded up to 4, when it draws any. */
Tensor categorical_draw(const Tensor& logits_in, int64_t num_samples, DType dtype, RandomSeed& seed) {
  check_arg(logits_in.ndim() == 2, "categorical: logits must be 2-D (batch_size, num_classes), got shape ",
            shape_str(logits_in.shape()), "; add a batch axis with pt.expand_dims(logits, 0)");
  check_arg(num_samples >= 0, "categorical: num_samples must be >= 0, got ", num_samples);
  if (dtype != DType::Int32 && dtype != DType::Int64) throw_dtype_error("categorical", dtype, "int32 or int64");
  if (!is_floating(logits_in.dtype()))
    throw_dtype_error("categorical", logits_in.dtype(), "float32 or float64 logits; cast first with pt.cast");
  const int64_t batch = logits_in.dim(0), classes = logits_in.dim(1);
  check_arg(classes > 0 || batch == 0, "categorical: logits of shape ", shape_str(logits_in.shape()),
            " have no classes; num_classes must be positive");
  backend::CategoricalKernel* run =
      kernel<backend::CategoricalKernel>(OpId::categorical, logits_in.device(), logits_in.dtype());
  Tensor out = Tensor::empty({batch, num_samples}, dtype, logits_in.device());
  if (out.numel() == 0) return out;
  const uint64_t outputs = static_cast<uint64_t>(batch) * static_cast<uint64_t>((num_samples + 3) / 4 * 8);
  seed = reserve_seed(seed, OpId::categorical, logits_in.dtype(), dtype, outputs * kBlocksPerOutput);
  run(contiguous(logits_in), num_samples, PhiloxKey{seed.seed, seed.counter}, out);
  return out;
}

/** TF's RandomShuffleOp reserves one word a swap (n - 1 of them), when it moves anything. */
RandomSeed reserve_shuffle(const RandomSeed& seed, const Tensor& x) {
  if (x.ndim() == 0 || x.dim(0) <= 1 || x.numel() <= 1) return seed;
  return reserve_seed(seed, OpId::random_shuffle, x.dtype(), x.dtype(), static_cast<uint64_t>(x.dim(0) - 1 + 3) / 4);
}

Tensor shuffle_rows(const Tensor& x_in, RandomSeed seed) {
  // nothing to permute: TF returns the input too (and rows of no elements, which it does not move either)
  if (x_in.ndim() == 0 || x_in.dim(0) <= 1 || x_in.numel() <= 1) return x_in;
  backend::ShuffleKernel* run = kernel<backend::ShuffleKernel>(OpId::random_shuffle, x_in.device(), x_in.dtype());
  Tensor out = Tensor::empty(x_in.shape(), x_in.dtype(), x_in.device());
  run(contiguous(x_in), PhiloxKey{seed.seed, seed.counter}, out);
  return out;
}
}  // namespace

Tensor categorical(const Tensor& logits, int64_t num_samples, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  Tensor out = categorical_draw(logits, num_samples, dtype, seed);
  PT_RECORD(OpId::categorical, {logits}, {out}, attrs::Categorical{num_samples, dtype, seed});
  return out;
}

Tensor random_shuffle(const Tensor& x, RandomSeed seed) {
  PT_OP_SCOPE;
  seed = reserve_shuffle(seed, x);
  Tensor out = shuffle_rows(x, seed);
  if (!pt_op_scope_.should_record()) return out;
  // When nothing moves the input itself comes back; a recorded node gets a new view, so its output is not its input.
  if (out.id() == x.id()) out = Tensor::view(x, x.shape(), x.strides(), x.offset());
  PT_RECORD(OpId::random_shuffle, {x}, {out}, attrs::Shuffle{seed});
  return out;
}

namespace {

/** `x` dense in host memory (a state or seed the op reads on the host). */
Tensor on_cpu(const Tensor& x) { return contiguous(x.device() == Device::CPU ? x : copy_to_device(x, Device::CPU)); }

/** The stream of a state tensor: int64 [counter_lo, counter_hi, key] (a Generator's state, TF's layout). */
backend::PhiloxCounter philox_counter(const Tensor& state, const char* op) {
  if (state.dtype() != DType::Int64) throw_dtype_error(op, state.dtype(), "an int64 state [counter_lo, counter_hi, key]");
  check_arg(state.shape() == Shape{3}, op, ": state must have shape [3] ([counter_lo, counter_hi, key]), got shape ",
            shape_str(state.shape()), "; make one with philox_state_from_seed or use a tf.random.Generator's state");
  const int64_t* s = on_cpu(state).data<int64_t>();
  return {static_cast<uint64_t>(s[2]), static_cast<uint64_t>(s[0]), static_cast<uint64_t>(s[1])};
}

/** The dtypes each philox_* draw op takes, in words for its error. */
const char* philox_dtypes(OpId op) {
  switch (op) {
    case OpId::philox_uniform_full_int: return "int32, int64, uint32 or uint64";
    case OpId::philox_uniform_int: return "int32 or int64";
    case OpId::philox_shuffle_order: return "int64";
    default: return "float32 or float64";
  }
}

}  // namespace

Tensor philox_state_from_seed(const Tensor& seed) {
  PT_OP_SCOPE;
  const char* op = "philox_state_from_seed";
  const DType dt = seed.dtype();
  if (dt != DType::Int32 && dt != DType::Int64 && dt != DType::UInt32 && dt != DType::UInt64)
    throw_dtype_error(op, dt, "an int32, int64, uint32 or uint64 seed");
  check_arg(seed.shape() == Shape{2}, op, ": seed must have shape [2], got shape ", shape_str(seed.shape()),
            "; a stateless op's seed is a pair of integers, e.g. [1, 2]");
  Tensor out = Tensor::empty({3}, DType::Int64);
  kernel<backend::PhiloxSeedKernel>(OpId::philox_state_from_seed, Device::CPU, dt)(
      on_cpu(seed), out);
  PT_RECORD(OpId::philox_state_from_seed, {seed}, {out}, attrs::None{});
  return out;
}

Tensor philox_skip(const Tensor& state, int64_t delta) {
  PT_OP_SCOPE;
  check_arg(delta >= 0, "philox_skip: delta must be >= 0 counter blocks, got ", delta);
  const backend::PhiloxCounter c = philox_counter(state, "philox_skip");
  const uint64_t lo = c.counter_lo + static_cast<uint64_t>(delta), hi = c.counter_hi + (lo < c.counter_lo);
  Tensor out = Tensor::empty({3}, DType::Int64);
  int64_t* o = out.data<int64_t>();
  o[0] = static_cast<int64_t>(lo);
  o[1] = static_cast<int64_t>(hi);
  o[2] = static_cast<int64_t>(c.key);
  PT_RECORD(OpId::philox_skip, {state}, {out}, attrs::PhiloxSkip{delta});
  return out;
}

Tensor philox_draw(OpId op, const Tensor& state, const Shape& shape, DType dtype, int64_t minval, int64_t maxval) {
  PT_OP_SCOPE;
  const char* name = op_def(op).name;
  check_shape(shape, name);
  const backend::PhiloxCounter c = philox_counter(state, name);
  if (op == OpId::philox_uniform_int) {
    check_arg(minval < maxval, name, ": need minval < maxval, got minval = ", minval, " and maxval = ", maxval);
    // Bounds are values of the dtype, as TF's: the range then fits the unsigned word the kernel takes it modulo.
    if (dtype == DType::Int32)
      check_arg(minval >= INT32_MIN && maxval <= INT32_MAX, name, ": minval ", minval, " or maxval ", maxval,
                " is out of range for dtype int32; use dtype int64");
  }
  if (op == OpId::philox_shuffle_order)
    check_arg(shape.size() == 1 && shape[0] < (int64_t{1} << 32), name,
              ": shape must be [n] with n < 2**32 (TF's shuffle draws 32-bit words), got ", shape_str(shape));
  if (!backend::has_kernel<backend::PhiloxKernel>(op, Device::CPU, dtype)) throw_dtype_error(name, dtype, philox_dtypes(op));
  backend::PhiloxKernel* run = kernel<backend::PhiloxKernel>(op, Device::CPU, dtype);
  Tensor out = Tensor::empty(shape, dtype);
  if (out.numel() > 0) run(out, c, minval, maxval);
  PT_RECORD(op, {state}, {out}, attrs::PhiloxDraw{shape, dtype, minval, maxval});
  return out;
}

namespace {

/** The dense parameter `p` broadcast to `batch`, on the host (the kernel reads one value per batch member). */
Tensor member_values(const Tensor& p, const Shape& batch) {
  return on_cpu(p.shape() == batch ? p : broadcast_to(p, batch));
}

bool is_gamma(OpId op) { return op == OpId::philox_gamma || op == OpId::random_gamma; }
bool is_poisson(OpId op) { return op == OpId::philox_poisson || op == OpId::random_poisson; }

/**
 * The batch (the parameters' broadcast shape) of a gamma, Poisson or binomial draw of `shape` and `dtype`, checked:
 * op is philox_gamma / random_gamma (alpha `a`), philox_poisson / random_poisson (rate `a`) or philox_binomial (counts
 * `a`, probs `b`).
 */
Shape sample_batch(OpId op, const Tensor& a, const Tensor& b, const Shape& shape, DType dtype) {
  const char* name = op_def(op).name;
  check_shape(shape, name);
  const bool binomial = op == OpId::philox_binomial;
  Shape batch = a.shape();
  if (is_gamma(op)) {
    if (dtype != DType::Float32 && dtype != DType::Float64) throw_dtype_error(name, dtype, "float32 or float64");
    if (a.dtype() != dtype)
      throw_dtype_error(name, a.dtype(), str_cat("alpha of the output's dtype ", dtype_name(dtype),
                                                 "; cast alpha first with pt.cast").c_str());
  } else if (is_poisson(op)) {
    if (!is_floating(a.dtype()) && a.dtype() != DType::Int32 && a.dtype() != DType::Int64)
      throw_dtype_error(name, a.dtype(), "a float32, float64, int32 or int64 rate");
  } else {
    if (a.dtype() != DType::Float32 && a.dtype() != DType::Float64)
      throw_dtype_error(name, a.dtype(), "float32 or float64 counts");
    if (b.dtype() != a.dtype())
      throw_dtype_error(name, b.dtype(), str_cat("probs of the counts' dtype ", dtype_name(a.dtype()),
                                                 "; cast them to one dtype first").c_str());
    batch = broadcast_shapes(a.shape(), b.shape(), name);
  }
  const size_t lead = shape.size() - std::min(shape.size(), batch.size());
  check_arg(shape.size() >= batch.size() && Shape(shape.begin() + static_cast<ptrdiff_t>(lead), shape.end()) == batch,
            name, ": shape ", shape_str(shape), " must end with the ", binomial ? "broadcast shape of counts and probs"
            : is_gamma(op) ? "shape of alpha" : "shape of rate", " ", shape_str(batch),
            "; add the sample dimensions in front, e.g. shape = [n] + ", shape_str(batch));
  if (!backend::has_kernel<backend::PhiloxSampleKernel>(op, Device::CPU, dtype))
    throw_dtype_error(name, dtype, is_gamma(op) ? "float32 or float64" : "int32, int64, float32 or float64");
  return batch;
}

/** The samples of a draw sample_batch checked, from the stream `c` (Poisson rates in float64, as TF computes). */
Tensor draw_samples(OpId op, const backend::PhiloxCounter& c, const Tensor& a, const Tensor& b, const Shape& batch,
                    const Shape& shape, DType dtype) {
  Tensor out = Tensor::empty(shape, dtype);
  if (out.numel() > 0)
    kernel<backend::PhiloxSampleKernel>(op, Device::CPU, dtype)(
        out, c, member_values(is_poisson(op) ? cast(a, DType::Float64) : a, batch),
        op == OpId::philox_binomial ? member_values(b, batch) : Tensor{});
  return out;
}

/**
 * A random_gamma or random_poisson call: its samples (sample_batch checks them) from the stretch of its TF kernel's
 * stream (op, the parameter's dtype and `dtype`) its outputs reserve, 256 blocks each.
 */
Tensor stateful_sample(OpId op, const Tensor& parameter, const Shape& shape, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  const Shape batch = sample_batch(op, parameter, Tensor{}, shape, dtype);
  seed = reserve_seed(seed, op, parameter.dtype(), dtype, static_cast<uint64_t>(numel(shape)) * kBlocksPerOutput);
  Tensor out = draw_samples(op, backend::stateful_counter(PhiloxKey{seed.seed, seed.counter}), parameter, Tensor{},
                            batch, shape, dtype);
  PT_RECORD(op, {parameter}, {out}, attrs::RandomSample{shape, dtype, seed});
  return out;
}

}  // namespace

Tensor philox_sample(OpId op, const Tensor& state, const Tensor& a, const Tensor& b, const Shape& shape, DType dtype) {
  PT_OP_SCOPE;
  const backend::PhiloxCounter c = philox_counter(state, op_def(op).name);
  const Shape batch = sample_batch(op, a, b, shape, dtype);
  Tensor out = draw_samples(op, c, a, b, batch, shape, dtype);
  if (op == OpId::philox_binomial) PT_RECORD(op, {state, a, b}, {out}, attrs::PhiloxDraw{shape, dtype, 0, 0});
  else PT_RECORD(op, {state, a}, {out}, attrs::PhiloxDraw{shape, dtype, 0, 0});
  return out;
}

Tensor random_gamma(const Tensor& alpha, const Shape& shape, DType dtype, RandomSeed seed) {
  return stateful_sample(OpId::random_gamma, alpha, shape, dtype, seed);
}

Tensor random_poisson(const Tensor& rate, const Shape& shape, DType dtype, RandomSeed seed) {
  return stateful_sample(OpId::random_poisson, rate, shape, dtype, seed);
}

Tensor philox_parameterized_truncated_normal(const Tensor& state, const Tensor& means, const Tensor& stddevs,
                                             const Tensor& minvals, const Tensor& maxvals, const Shape& shape,
                                             DType dtype) {
  PT_OP_SCOPE;
  const char* name = "philox_parameterized_truncated_normal";
  check_shape(shape, name);
  const backend::PhiloxCounter c = philox_counter(state, name);
  if (dtype != DType::Float32 && dtype != DType::Float64) throw_dtype_error(name, dtype, "float32 or float64");
  const Tensor* params[] = {&means, &stddevs, &minvals, &maxvals};
  Shape batch;
  for (const Tensor* p : params) {
    if (p->dtype() != dtype)
      throw_dtype_error(name, p->dtype(), str_cat("means, stddevs, minvals and maxvals of the output's dtype ",
                                                  dtype_name(dtype), "; cast them first with pt.cast").c_str());
    batch = broadcast_shapes(batch, p->shape(), name);
  }
  const size_t lead = shape.size() - std::min(shape.size(), batch.size());
  check_arg(shape.size() >= batch.size() && Shape(shape.begin() + static_cast<ptrdiff_t>(lead), shape.end()) == batch,
            name, ": shape ", shape_str(shape), " must end with the broadcast shape of means, stddevs, minvals and "
            "maxvals ", shape_str(batch), "; add the sample dimensions in front, e.g. shape = [n] + ", shape_str(batch));
  const int64_t members = numel(batch);
  Tensor stacked = Tensor::empty({4, members}, dtype);  // one row a parameter, for the kernel
  for (int k = 0; k < 4; ++k) {
    const Tensor row = member_values(*params[k], batch);
    std::memcpy(static_cast<char*>(stacked.raw_data()) + k * members * itemsize(dtype), row.raw_data(),
                static_cast<size_t>(members) * itemsize(dtype));
  }
  const Tensor wide = cast(stacked, DType::Float64);  // TF's check, on the values as given
  const double* v = wide.data<double>();
  for (int64_t m = 0; m < members; ++m)
    check_arg(v[members + m] > 0 && v[2 * members + m] < v[3 * members + m] &&
                  (std::isfinite(v[2 * members + m]) || std::isfinite(v[3 * members + m])),
              name, ": invalid parameters at batch member ", m, ": stddev ", v[members + m], ", minval ",
              v[2 * members + m], ", maxval ", v[3 * members + m], "; need stddev > 0, minval < maxval and a finite "
              "bound");
  Tensor out = Tensor::empty(shape, dtype);
  if (out.numel() > 0)
    kernel<backend::PhiloxSampleKernel>(OpId::philox_parameterized_truncated_normal, Device::CPU, dtype)(
        out, c, stacked, Tensor{});
  PT_RECORD(OpId::philox_parameterized_truncated_normal, {state, means, stddevs, minvals, maxvals}, {out},
            attrs::PhiloxDraw{shape, dtype, 0, 0});
  return out;
}

Tensor philox_categorical(const Tensor& state, const Tensor& logits, int64_t num_samples, DType dtype) {
  PT_OP_SCOPE;
  const char* name = "philox_categorical";
  const backend::PhiloxCounter c = philox_counter(state, name);
  if (logits.dtype() != DType::Float32 && logits.dtype() != DType::Float64)
    throw_dtype_error(name, logits.dtype(), "float32 or float64 logits; cast first with pt.cast");
  if (dtype != DType::Int32 && dtype != DType::Int64) throw_dtype_error(name, dtype, "int32 or int64");
  check_arg(logits.ndim() == 2, name, ": logits must be 2-D (batch_size, num_classes), got shape ",
            shape_str(logits.shape()), "; add a batch axis with pt.expand_dims(logits, 0)");
  check_arg(num_samples >= 0, name, ": num_samples must be >= 0, got ", num_samples);
  check_arg(logits.dim(1) > 0 || logits.dim(0) == 0, name, ": logits of shape ", shape_str(logits.shape()),
            " have no classes; num_classes must be positive");
  Tensor out = Tensor::empty({logits.dim(0), num_samples}, dtype);
  if (out.numel() > 0)
    kernel<backend::PhiloxSampleKernel>(OpId::philox_categorical, Device::CPU, dtype)(out, c, on_cpu(logits), Tensor{});
  PT_RECORD(OpId::philox_categorical, {state, logits}, {out}, attrs::PhiloxCategorical{num_samples, dtype});
  return out;
}

// ---- definitions: how a recorded node runs each op, its docstring and the TF modules that export it ----
namespace {

/**
 * TF's gradient of Gamma(alpha, 1) samples with respect to alpha (its RandomGamma and StatelessRandomGamma
 * gradients): the implicit reparameterisation derivative random_gamma_grad(alpha, sample) (Figurnov et al., 2018),
 * alpha broadcast over the leading sample dimensions, times the samples' gradient, summed over those dimensions.
 */
Tensor gamma_alpha_gradient(const Tensor& alpha, const Tensor& sample, const Tensor& grad) {
  return autograd::sum_to(autograd::mul(grad, binary(OpId::random_gamma_grad, alpha, sample)), alpha.shape());
}

/** Runs philox_uniform and the ops beside it from a node. */
Outputs invoke_philox_draw(const Invocation& node) {
  const auto& d = node.attr<attrs::PhiloxDraw>();
  return {philox_draw(node.op, node.in(0), d.shape, d.dtype, d.minval, d.maxval)};
}

/** Runs philox_gamma/philox_poisson/philox_binomial from a node. */
Outputs invoke_philox_sample(const Invocation& node) {
  const auto& d = node.attr<attrs::PhiloxDraw>();
  return {philox_sample(node.op, node.in(0), node.in(1), node.op == OpId::philox_binomial ? node.in(2) : Tensor{}, d.shape, d.dtype)};
}

const bool defined = [] {
  define_op(OpId::random_normal)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::RandomDist>();
        return {random_normal(r.shape, r.low, r.high, r.dtype, r.seed)};
      });
  define_op(OpId::random_uniform)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::RandomDist>();
        return {random_uniform(r.shape, r.low, r.high, r.dtype, r.seed)};
      });
  define_op(OpId::truncated_normal)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::RandomDist>();
        return {truncated_normal(r.shape, r.low, r.high, r.dtype, r.seed)};
      });
  define_op(OpId::categorical)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Categorical>();
        return {categorical(node.in(0), c.num_samples, c.dtype, c.seed)};
      })
      .internal("categorical(logits, num_samples, dtype=None, seed=None, name=None)",
                "Class indices drawn from softmax(logits), logits of shape (batch, classes); int64 unless dtype is "
                "given.");
  define_op(OpId::random_shuffle)
      .invoke([](const Invocation& node) -> Outputs {
        return {random_shuffle(node.in(0), node.attr<attrs::Shuffle>().seed)};
      })
      .internal("random_shuffle(value, seed=None, name=None)",
                "A random permutation of `value` along its first dimension (tf.random.shuffle).");
  define_op(OpId::random_gamma)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::RandomSample>();
        return {random_gamma(node.in(0), r.shape, r.dtype, r.seed)};
      })
      .gradient([](const autograd::Node& n, const std::vector<Tensor>& gs) -> std::vector<Tensor> {
        return {gamma_alpha_gradient(n.inputs[0], n.outputs[0], gs[0])};
      })
      .internal("random_gamma(alpha, shape, dtype=None, seed=None, name=None)",
                "TF's RandomGamma: Gamma(alpha, 1) samples of ``shape`` (which ends with alpha's shape; alpha's dtype, "
                "float32 or float64, is ``dtype``) drawn from the stretch of TF's stream the call reserves under TF's "
                "seed rules (256 blocks an output); differentiable in alpha (implicit reparameterisation).");
  define_op(OpId::random_poisson)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::RandomSample>();
        return {random_poisson(node.in(0), r.shape, r.dtype, r.seed)};
      })
      .internal("random_poisson(rate, shape, dtype=None, seed=None, name=None)",
                "TF's RandomPoissonV2: Poisson(rate) samples of ``shape`` (which ends with rate's shape) in ``dtype`` "
                "(int32, int64, float32 or float64) drawn from the stretch of TF's stream the call reserves under "
                "TF's seed rules (256 blocks an output).");
  define_op(OpId::philox_state_from_seed)
      .invoke([](const Invocation& node) -> Outputs { return {philox_state_from_seed(node.in(0))}; })
      .internal("philox_state_from_seed(seed, name=None)",
                "TF's StatelessRandomGetKeyCounter: the Philox state [counter_lo, counter_hi, key] (int64, shape "
                "[3]) of a stateless op's shape [2] integer seed.");
  define_op(OpId::philox_skip)
      .invoke([](const Invocation& node) -> Outputs {
        return {philox_skip(node.in(0), node.attr<attrs::PhiloxSkip>().delta)};
      })
      .internal("philox_skip(state, delta, name=None)",
                "The Philox state [counter_lo, counter_hi, key] with its 128-bit counter advanced by ``delta`` "
                "blocks (a Generator's draw of n values advances it by 256 * n).");
  define_op(OpId::philox_uniform)
      .invoke(invoke_philox_draw)
      .internal("philox_uniform(state, shape, dtype=None, name=None)",
                "TF's uniform float32 / float64 samples in [0, 1) from the Philox stream of ``state`` ([counter_lo, "
                "counter_hi, key], int64), bit for bit (tf.random.stateless_uniform's kernel).");
  define_op(OpId::philox_uniform_full_int)
      .invoke(invoke_philox_draw)
      .internal("philox_uniform_full_int(state, shape, dtype=None, name=None)",
                "TF's integers over the whole range of int32, int64, uint32 or uint64 from the Philox stream of "
                "``state``.");
  define_op(OpId::philox_uniform_int)
      .invoke(invoke_philox_draw)
      .internal("philox_uniform_int(state, shape, dtype=None, minval=0, maxval=0, name=None)",
                "TF's int32 / int64 samples in [minval, maxval) from the Philox stream of ``state`` (a full-range "
                "draw modulo the range, as TF's kernel).");
  define_op(OpId::philox_normal)
      .invoke(invoke_philox_draw)
      .internal("philox_normal(state, shape, dtype=None, name=None)",
                "TF's standard normal float32 / float64 samples (Box-Muller) from the Philox stream of ``state``.");
  define_op(OpId::philox_truncated_normal)
      .invoke(invoke_philox_draw)
      .internal("philox_truncated_normal(state, shape, dtype=None, name=None)",
                "TF's standard normal samples within (-2, 2) from the Philox stream of ``state`` (each group of "
                "outputs rejects from its own stretch of the stream, 64 blocks per output, as TF's kernel).");
  define_op(OpId::philox_shuffle_order)
      .invoke(invoke_philox_draw)
      .internal("philox_shuffle_order(state, shape, dtype='int64', name=None)",
                "The int64 order in which TF's stateless shuffle puts shape = [n] rows, from the Philox stream of "
                "``state``: Fisher-Yates from the front, position i swapped with i + (the stream's next 32-bit word "
                "modulo n - i).");
  define_op(OpId::philox_gamma)
      .invoke(invoke_philox_sample)
      .gradient([](const autograd::Node& n, const std::vector<Tensor>& gs) -> std::vector<Tensor> {
        return {Tensor(), gamma_alpha_gradient(n.inputs[1], n.outputs[0], gs[0])};
      })
      .internal("philox_gamma(state, alpha, shape, dtype=None, name=None)",
                "TF's Gamma(alpha, 1) samples (StatelessRandomGammaV3) of ``shape``, which ends with alpha's shape, "
                "from the Philox stream of ``state``: output i (alpha-major) from block 256 * i on, Marsaglia and "
                "Tsang's method in float64, stored sample-major; alpha's dtype (float32 / float64) is the output's.");
  define_op(OpId::philox_poisson)
      .invoke(invoke_philox_sample)
      .internal("philox_poisson(state, rate, shape, dtype=None, name=None)",
                "TF's Poisson(rate) samples (StatelessRandomPoisson) of ``shape``, which ends with rate's shape, "
                "from the Philox stream of ``state``: Knuth's method below rate 10, Hormann's PTRS above; int32, "
                "int64, float32 or float64 output.");
  define_op(OpId::philox_binomial)
      .invoke(invoke_philox_sample)
      .internal("philox_binomial(state, counts, probs, shape, dtype=None, name=None)",
                "TF's Binomial(counts, probs) samples (StatelessRandomBinomial) of ``shape``, which ends with the "
                "broadcast shape of counts and probs (one float dtype), from the Philox stream of ``state``: "
                "inversion below count * p = 10, BTRS above; int32, int64, float32 or float64 output.");
  define_op(OpId::philox_parameterized_truncated_normal)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& d = node.attr<attrs::PhiloxDraw>();
        return {philox_parameterized_truncated_normal(node.in(0), node.in(1), node.in(2), node.in(3), node.in(4), d.shape, d.dtype)};
      })
      .internal("philox_parameterized_truncated_normal(state, means, stddevs, minvals, maxvals, shape, dtype=None, "
                "name=None)",
                "TF's samples of Normal(means, stddevs) within [minvals, maxvals] "
                "(StatelessParameterizedTruncatedNormal, as TF draws them on one thread) of ``shape``, which ends "
                "with the parameters' broadcast shape, from the Philox stream of ``state``; the parameters' dtype "
                "(float32 / float64) is the output's.");
  define_op(OpId::philox_categorical)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& d = node.attr<attrs::PhiloxCategorical>();
        return {philox_categorical(node.in(0), node.in(1), d.num_samples, d.dtype)};
      })
      .internal("philox_categorical(state, logits, num_samples, dtype=None, name=None)",
                "TF's class indices (StatelessMultinomial, as drawn on one thread) for each row of the 2-D float "
                "``logits``, ``num_samples`` a row, from the Philox stream of ``state``; int64 unless dtype is int32.");
  return true;
}();

}  // namespace

}  // namespace pt::ops
