// Reduce family: sum, mean, max, min, prod, logsumexp, any, all over axes; argmax / argmin.
// Kernels live in the kernel table (backend/cpu/reduce.cpp); results never depend on the thread count.
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "grad_utils.h"
#include "complex_parts.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::kernel;

/** Which input dims are reduced, the output shape, and how many values fold into each output. */
struct ReducePlan {
  std::vector<bool> reduced;
  Shape out_shape;
  int64_t count = 1;
  int64_t n_out = 1;
};

ReducePlan plan_reduction(const char* op, const Tensor& x, const std::vector<int64_t>& axes, bool all_axes,
                          bool keepdims) {
  const int64_t nd = x.ndim();
  check_arg(nd <= backend::kReduceMaxDims, op, ": tensors of rank ", nd, " are not supported (at most ",
            backend::kReduceMaxDims, "); reshape to fewer dimensions first");
  ReducePlan p;
  p.reduced.assign(static_cast<size_t>(nd), all_axes);
  // TF accepts a repeated axis (it reduces that axis once), so duplicates are not an error here.
  if (!all_axes)
    for (int64_t a : axes) p.reduced[normalize_axis(a, nd, op)] = true;
  for (int64_t d = 0; d < nd; ++d) {
    if (p.reduced[d]) {
      p.count *= x.shape()[d];
      if (keepdims) p.out_shape.push_back(1);
    } else {
      p.out_shape.push_back(x.shape()[d]);
    }
  }
  p.n_out = numel(p.out_shape);
  return p;
}

[[noreturn]] void throw_bool_arith(const char* op) {
  throw TypeError(str_cat(op, ": got dtype bool, expected a numeric dtype (uint8, int32, int64, float32, float64); "
                              "cast first with pt.cast(x, pt.int32) (for booleans, reduce_any / reduce_all may be what you want)"));
}

void require_bool(const char* op, DType dt) {
  if (dt != DType::Bool)
    throw_dtype_error(op, dt, "bool; compare first to get booleans, e.g. pt.not_equal(x, 0)");
}

}  // namespace

static Tensor reduce_kernel(OpId op, const Tensor& x, const std::vector<int64_t>& axes, bool all_axes, bool keepdims) {
  const char* name = op_def(op).name;
  // Validate everything before any kernel runs (no exception may leave an OpenMP region).
  switch (op) {
    case OpId::reduce_sum: case OpId::reduce_mean: case OpId::reduce_prod:
    case OpId::reduce_max: case OpId::reduce_min:
      if (x.dtype() == DType::Bool) throw_bool_arith(name);
      break;
    case OpId::reduce_logsumexp:
      if (!is_floating(x.dtype()))
        throw_dtype_error(name, x.dtype(), "a floating dtype (float32 or float64); cast first with pt.cast");
      break;
    case OpId::reduce_any: case OpId::reduce_all:
      require_bool(name, x.dtype());
      break;
    default:
      throw InvalidArgument(str_cat("reduce: ", name, " is not a reduction (use arg_reduce for argmax/argmin)"));
  }
  const ReducePlan p = plan_reduction(name, x, axes, all_axes, keepdims);
  backend::ReduceKernel* run = kernel<backend::ReduceKernel>(op, x.device(), x.dtype());
  Tensor out = Tensor::empty(p.out_shape, x.dtype(), x.device());
  if (p.n_out > 0) run(x, p.reduced, p.count, out);
  return out;
}

Tensor reduce(OpId op, const Tensor& x, const std::vector<int64_t>& axes, bool all_axes, bool keepdims) {
  // float16 / bfloat16 accumulate in float32, rounded once at the end.
  if (computes_in_float32(x.dtype())) return cast(reduce(op, widened(x), axes, all_axes, keepdims), x.dtype());
  if (is_complex(x.dtype()) && (op == OpId::reduce_sum || op == OpId::reduce_mean)) {  // linear: part by part
    auto [re, im] = complex_parts(x);
    return make_complex(reduce(op, re, axes, all_axes, keepdims), reduce(op, im, axes, all_axes, keepdims),
                        x.dtype());
  }
  PT_OP_SCOPE;
  Tensor out = reduce_kernel(op, x, axes, all_axes, keepdims);
  if (pt_op_scope_.should_record()) {
    // The reduced axes, normalized and unique: the forward's signature and what the gradient needs.
    attrs::Reduce attrs;
    std::vector<bool> reduced(x.ndim(), all_axes);
    for (int64_t a : axes) reduced[normalize_axis(a, x.ndim(), op_def(op).name)] = true;
    for (int64_t i = 0; i < x.ndim(); ++i)
      if (reduced[i]) attrs.axes.push_back(i);
    attrs.keepdims = keepdims;
    PT_RECORD(op, {x}, {out}, std::move(attrs));
  }
  return out;
}

namespace {
Tensor arg_reduce_kernel(OpId op, const Tensor& x, int64_t axis, DType out_dtype) {
  if (op != OpId::argmax && op != OpId::argmin)
    throw InvalidArgument(str_cat("arg_reduce: ", op_def(op).name, " is not argmax or argmin"));
  const char* name = op_def(op).name;
  if (out_dtype != DType::Int32 && out_dtype != DType::Int64)
    throw TypeError(str_cat(name, ": output_type must be int32 or int64, got ", dtype_name(out_dtype)));
  const int64_t nd = x.ndim();
  check_arg(nd <= backend::kReduceMaxDims, name, ": tensors of rank ", nd, " are not supported (at most ",
            backend::kReduceMaxDims, ")");
  if (x.dtype() == DType::Bool) throw_bool_arith(name);
  const int64_t a = normalize_axis(axis, nd, name);
  Shape out_shape;
  for (int64_t d = 0; d < nd; ++d)
    if (d != a) out_shape.push_back(x.shape()[d]);
  Tensor out = Tensor::empty(out_shape, out_dtype, x.device());
  const int64_t n_out = out.numel(), n = x.shape()[a];
  // TF refuses an empty axis even when the output is empty too (shape (0, 0)).
  check_arg(n > 0, name, ": cannot take the ", name, " over axis ", axis, " of size 0 (input shape ",
            shape_str(x.shape()), "); the reduced axis must not be empty");
  if (n_out > 0) kernel<backend::ArgReduceKernel>(op, x.device(), x.dtype())(x, a, out);
  return out;
}
}  // namespace

namespace {
/**
 * cumsum / cumprod of x along `axis`: out[k] combines x[0..k] in order (exclusive: x[0..k-1], starting from the
 * identity; reverse: from the end). float16 / bfloat16 accumulate in float32, rounded once at the end.
 */
Tensor scan(OpId op, const Tensor& x, int64_t axis, bool exclusive, bool reverse) {
  if (computes_in_float32(x.dtype())) return cast(scan(op, widened(x), axis, exclusive, reverse), x.dtype());
  if (is_complex(x.dtype()) && op == OpId::cumsum) {  // linear: part by part
    auto [re, im] = complex_parts(x);
    return make_complex(scan(op, re, axis, exclusive, reverse), scan(op, im, axis, exclusive, reverse), x.dtype());
  }
  PT_OP_SCOPE;
  const char* name = op_def(op).name;
  check_arg(x.ndim() >= 1, name, ": the input must have at least one dimension, got a scalar; reshape it to [1]");
  const int64_t a = normalize_axis(axis, x.ndim(), name);
  if (x.dtype() == DType::Bool) throw_bool_arith(name);
  backend::ScanKernel* run = kernel<backend::ScanKernel>(op, x.device(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (out.numel() > 0) run(contiguous(x), a, exclusive, reverse, out);
  PT_RECORD(op, {x}, {out}, attrs::Scan{a, exclusive, reverse});
  return out;
}
}  // namespace

Tensor arg_reduce(OpId op, const Tensor& x, int64_t axis, DType out_dtype) {
  if (computes_in_float32(x.dtype())) return arg_reduce(op, widened(x), axis, out_dtype);
  PT_OP_SCOPE;
  Tensor out = arg_reduce_kernel(op, x, axis, out_dtype);
  PT_RECORD(op, {x}, {out}, attrs::ArgReduce{axis, out_dtype});
  return out;
}

}  // namespace pt::ops

// ---- gradients -------------------------------------------------------------------------
namespace pt::ops {
namespace {

using autograd::Node;
using autograd::scalar;
using Grads = std::vector<Tensor>;

/** A reduction's output (or its gradient) viewed with the reduced dims kept as 1, broadcast back to x. */
Tensor expand_back(const Tensor& t, const Node& n) {
  const Tensor& x = n.inputs[0];
  if (t.ndim() == 0) return broadcast_to(t, x.shape());  // a full reduction: nothing to re-insert
  Shape kept = x.shape();
  for (int64_t a : n.attr<attrs::Reduce>().axes) kept[a] = 1;
  return broadcast_to(reshape(t, kept), x.shape());
}

Grads grad_reduce(const Node& n, const Grads& gs) {
  const Tensor& x = n.inputs[0];
  const DType dt = x.dtype();
  const Tensor g = expand_back(gs[0], n);
  const std::vector<int64_t>& axes = n.attr<attrs::Reduce>().axes;
  using autograd::div;
  using autograd::mul;
  switch (n.op) {
    case OpId::reduce_sum: return {g};
    case OpId::reduce_mean: {
      int64_t count = 1;
      for (int64_t a : axes) count *= x.dim(a);
      return {mul(g, scalar(1.0 / static_cast<double>(std::max<int64_t>(count, 1)), dt))};
    }
    case OpId::reduce_max:
    case OpId::reduce_min: {
      // TF: ties share the gradient equally.
      Tensor hit = cast(binary(OpId::equal, x, expand_back(n.outputs[0], n)), dt);
      Tensor ties = expand_back(reduce(OpId::reduce_sum, hit, axes, false, false), n);
      return {div(mul(hit, g), ties)};
    }
    case OpId::reduce_logsumexp:
      return {mul(g, unary(OpId::exp, autograd::sub(x, expand_back(n.outputs[0], n))))};
    case OpId::reduce_prod: {
      // d prod / d x_i = product of the others; exact with zeros (one zero: only it gets a gradient).
      Tensor is_zero = binary(OpId::equal, x, scalar(0, dt));
      Tensor nonzero = where(is_zero, ones_like(x, std::nullopt), x);
      Tensor prod_nz = expand_back(reduce(OpId::reduce_prod, nonzero, axes, false, false), n);
      Tensor zeros_in_row = expand_back(reduce(OpId::reduce_sum, cast(is_zero, dt), axes, false, false), n);
      Tensor zero = zeros_like(x, std::nullopt);
      Tensor at_zero = where(binary(OpId::equal, zeros_in_row, scalar(1, dt)), prod_nz, zero);
      Tensor elsewhere = where(binary(OpId::equal, zeros_in_row, scalar(0, dt)), div(prod_nz, nonzero), zero);
      return {mul(g, where(is_zero, at_zero, elsewhere))};
    }
    default: return {Tensor()};
  }
}

Grads grad_scan(const Node& n, const Grads& gs) {
  const auto& s = n.attr<attrs::Scan>();
  // A cumsum's input gradient is the output gradients summed the other way.
  if (n.op == OpId::cumsum) return {scan(OpId::cumsum, gs[0], s.axis, s.exclusive, !s.reverse)};
  // TF's cumprod gradient: that sum of y * dy, over x (so infinite or NaN where x is 0, as TF's).
  Tensor t = scan(OpId::cumsum, autograd::mul(n.outputs[0], gs[0]), s.axis, s.exclusive, !s.reverse);
  return {autograd::div(t, n.inputs[0])};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

/** Runs reduce_sum and the ops beside it from a node. */
Outputs invoke_reduce(const Invocation& node) {
  const auto& r = node.attr<attrs::Reduce>();
  return {reduce(node.op, node.in(0), r.axes, false, r.keepdims)};
}

/** Runs argmax/argmin from a node. */
Outputs invoke_arg_reduce(const Invocation& node) {
  const auto& r = node.attr<attrs::ArgReduce>();
  return {arg_reduce(node.op, node.in(0), r.axis, r.output_type)};
}

/** Runs cumsum/cumprod from a node. */
Outputs invoke_scan(const Invocation& node) {
  const auto& s = node.attr<attrs::Scan>();
  return {scan(node.op, node.in(0), s.axis, s.exclusive, s.reverse)};
}

const bool defined = [] {
  define_op(OpId::reduce_sum)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_sum(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes the sum of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [4., 6.]")
      .exports("tf tf.math");
  define_op(OpId::reduce_mean)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_mean(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes the mean of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_mean([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [2., 3.]")
      .exports("tf tf.math");
  define_op(OpId::reduce_max)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_max(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes `tf.math.maximum` of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_max([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3., 4.]")
      .exports("tf tf.math");
  define_op(OpId::reduce_min)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_min(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes the `tf.math.minimum` of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_min([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [1., 2.]")
      .exports("tf tf.math");
  define_op(OpId::reduce_prod)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_prod(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes `tf.math.multiply` of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_prod([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3., 8.]")
      .exports("tf tf.math");
  define_op(OpId::reduce_logsumexp)
      .invoke(invoke_reduce)
      .gradient(grad_reduce)
      .doc("reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes log(sum(exp(elements across dimensions of a tensor))).",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_logsumexp([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3.1269, 4.1269]")
      .exports("tf tf.math");
  define_op(OpId::reduce_any)
      .invoke(invoke_reduce)
      .doc("reduce_any(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes `tf.math.logical_or` of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_any([[True, False], [True, True]], axis=1)  # [ True, True]")
      .exports("tf tf.math");
  define_op(OpId::reduce_all)
      .invoke(invoke_reduce)
      .doc("reduce_all(input_tensor, axis=None, keepdims=False, name=None)",
           "Computes `tf.math.logical_and` of elements across dimensions of a tensor.",
           "input_tensor: the tensor to reduce.\n"
           "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
           "keepdims: if True, reduced axes stay with length 1.",
           "pt.reduce_all([[True, False], [True, True]], axis=1)  # [False, True]")
      .exports("tf tf.math");
  define_op(OpId::argmax)
      .invoke(invoke_arg_reduce)
      .doc("argmax(input, axis=None, output_type=None, name=None)",
           "Returns the index with the largest value across axes of a tensor.",
           "input: a numeric tensor.\n"
           "axis: the axis to reduce (default 0).\n"
           "output_type: int32 or int64 (default int64) for the indices.",
           "pt.argmax([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [1, 0]")
      .exports("tf tf.math");
  define_op(OpId::argmin)
      .invoke(invoke_arg_reduce)
      .doc("argmin(input, axis=None, output_type=None, name=None)",
           "Returns the index with the smallest value across axes of a tensor.",
           "input: a numeric tensor.\n"
           "axis: the axis to reduce (default 0).\n"
           "output_type: int32 or int64 (default int64) for the indices.",
           "pt.argmin([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [0, 1]")
      .exports("tf tf.math");
  define_op(OpId::cumsum)
      .invoke(invoke_scan)
      .gradient(grad_scan)
      .doc("cumsum(x, axis=0, exclusive=False, reverse=False, name=None)",
           "Compute the cumulative sum of the tensor `x` along `axis`.",
           "x: a numeric tensor of rank >= 1.\n"
           "axis: the axis to sum along (negative counts from the end).\n"
           "exclusive: if True, each sum leaves out its own element (the first is 0).\n"
           "reverse: if True, sum from the end of the axis.",
           "pt.math.cumsum([1.0, 2.0, 3.0], exclusive=True)  # [0., 1., 3.]")
      .exports("tf tf.math");
  define_op(OpId::cumprod)
      .invoke(invoke_scan)
      .gradient(grad_scan)
      .doc("cumprod(x, axis=0, exclusive=False, reverse=False, name=None)",
           "Compute the cumulative product of the tensor `x` along `axis`.",
           "x: a numeric tensor of rank >= 1.\n"
           "axis: the axis to multiply along (negative counts from the end).\n"
           "exclusive: if True, each product leaves out its own element (the first is 1).\n"
           "reverse: if True, multiply from the end of the axis.",
           "pt.math.cumprod([1.0, 2.0, 3.0], reverse=True)  # [6., 6., 3.]",
           "The gradient is TF's, cumsum(y * dy) in the other direction divided by x: infinite or NaN where x is 0.")
      .exports("tf.math");
  return true;
}();

}  // namespace

}  // namespace pt::ops
