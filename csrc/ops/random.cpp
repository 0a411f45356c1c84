// Random family: normal, uniform, truncated normal, categorical samples and shuffles from the kernel table
// (backend/cpu/random.cpp: Philox4x32-10 streams; element i of an output depends on (seed, counter, i) only).
#include <cmath>
#include <string>

#include "record.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "ops.h"

namespace pt::ops {

using backend::kernel;
using backend::PhiloxKey;
using backend::RandomKernel;

namespace {

/** A random creation op: a new tensor of `shape` and `dtype` written by op's kernel with its two parameters. */
Tensor draw(OpId op, const Shape& shape, DType dtype, double a, double b, RandomSeed seed) {
  RandomKernel* run = kernel<RandomKernel>(op, Device::CPU, dtype);
  Tensor out = Tensor::empty(shape, dtype);
  run(out, a, b, PhiloxKey{seed.seed, seed.counter});
  return out;
}

}  // namespace

Tensor random_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "random_normal");
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
  Tensor out = draw(OpId::random_uniform, shape, dtype, minval, maxval, seed);
  PT_RECORD(OpId::random_uniform, {}, {out}, attrs::RandomDist{shape, minval, maxval, dtype, seed});
  return out;
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "truncated_normal");
  Tensor out = draw(OpId::truncated_normal, shape, dtype, mean, stddev, seed);
  PT_RECORD(OpId::truncated_normal, {}, {out}, attrs::RandomDist{shape, mean, stddev, dtype, seed});
  return out;
}

namespace {
Tensor categorical_draw(const Tensor& logits_in, int64_t num_samples, DType dtype, RandomSeed seed) {
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
  if (out.numel() > 0) run(contiguous(logits_in), num_samples, PhiloxKey{seed.seed, seed.counter}, out);
  return out;
}

Tensor shuffle_rows(const Tensor& x_in, RandomSeed seed) {
  if (x_in.ndim() == 0 || x_in.dim(0) <= 1) return x_in;  // nothing to permute (TF returns the input too)
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
  Tensor out = shuffle_rows(x, seed);
  if (!pt_op_scope_.should_record()) return out;
  // When nothing moves the input itself comes back; a recorded node gets a new view, so its output is not its input.
  if (out.id() == x.id()) out = Tensor::view(x, x.shape(), x.strides(), x.offset());
  PT_RECORD(OpId::random_shuffle, {x}, {out}, attrs::Shuffle{seed});
  return out;
}

}  // namespace pt::ops
