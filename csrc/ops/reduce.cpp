// Reduce family: sum, mean, max, min, prod, logsumexp, any, all over axes; argmax / argmin.
// Kernels live in backend/cpu/reduce_kernels.h; results never depend on the thread count.
#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <limits>

#include "../backend/cpu/reduce_kernels.h"
#include "../autograd/grad_utils.h"
#include "ops.h"

namespace pt::ops {

namespace {

using cpu::RDim;

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
  check_arg(nd <= cpu::kReduceMaxDims, op, ": tensors of rank ", nd, " are not supported (at most ",
            cpu::kReduceMaxDims, "); reshape to fewer dimensions first");
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

/** Canonical reduction dims of x: size-1 dims dropped, output strides dense over the kept dims. */
std::vector<RDim> make_dims(const Tensor& x, const std::vector<bool>& reduced) {
  const int64_t nd = x.ndim();
  std::vector<int64_t> dst(static_cast<size_t>(nd), 0);
  int64_t stride = 1;
  for (int64_t d = nd - 1; d >= 0; --d) {
    if (!reduced[d]) {
      dst[d] = stride;
      stride *= x.shape()[d];
    }
  }
  std::vector<RDim> dims;
  for (int64_t d = 0; d < nd; ++d)
    if (x.shape()[d] != 1) dims.push_back(RDim{x.shape()[d], x.strides()[d], dst[d], static_cast<bool>(reduced[d])});
  dims = cpu::canonical_dims(dims);
  if (dims.empty()) dims.push_back(RDim{1, 1, 0, true});  // one element: a run of length 1
  return dims;
}

/** Runs reducer R over x (non-empty input and output), writing Acc values in output order to dst. */
template <class R>
void run_reduce(const Tensor& x, const std::vector<bool>& reduced, typename R::acc_t* dst) {
  Tensor src = x;
  std::vector<RDim> dims = make_dims(src, reduced);
  if (!cpu::reducible_in_place(dims)) {
    // Neither the innermost reduced nor the innermost kept dim is contiguous (e.g. a strided
    // slice): one dense copy makes both kernels applicable.
    src = contiguous(x);
    dims = make_dims(src, reduced);
  }
  cpu::reduce_dims<R>(src.data<typename R::in_t>(), dims, dst);
}

template <class T> void fill_with(const Tensor& out, T v) {
  T* o = out.data<T>();
  std::fill(o, o + out.numel(), v);
}

/** Accumulation type of reduce_mean: TF sums small integers in 64 bits so the mean does not overflow. */
template <class T> struct mean_acc { using type = T; };
template <> struct mean_acc<uint8_t> { using type = uint64_t; };
template <> struct mean_acc<int32_t> { using type = int64_t; };

template <class T>
void mean_into(const Tensor& x, const ReducePlan& p, const Tensor& out) {
  using Acc = typename mean_acc<T>::type;
  T* o = out.data<T>();
  if (p.count == 0) {
    // TF's identity for an empty mean: NaN for floats, 0 for integers.
    fill_with<T>(out, std::is_floating_point_v<T> ? std::numeric_limits<T>::quiet_NaN() : T(0));
    return;
  }
  if constexpr (std::is_same_v<Acc, T>) {
    run_reduce<cpu::SumReducer<T, T>>(x, p.reduced, o);
    const T n = static_cast<T>(p.count);
    for (int64_t i = 0; i < p.n_out; ++i) o[i] = o[i] / n;  // integer division truncates, as TF
  } else {
    std::vector<Acc> acc(static_cast<size_t>(p.n_out));
    run_reduce<cpu::SumReducer<T, Acc>>(x, p.reduced, acc.data());
    const Acc n = static_cast<Acc>(p.count);
    for (int64_t i = 0; i < p.n_out; ++i) o[i] = static_cast<T>(acc[i] / n);
  }
}

/** Runs R into out (Acc == T), or fills out with R's identity for an empty reduction. */
template <class R>
void simple_into(const Tensor& x, const ReducePlan& p, const Tensor& out) {
  using T = typename R::acc_t;
  if (p.count == 0) {
    fill_with<T>(out, R::identity());
    return;
  }
  run_reduce<R>(x, p.reduced, out.data<T>());
}

/** exp(v) in place over a dense buffer, in fixed blocks so each element takes the same code path at any thread count. */
template <class T> void exp_inplace(T* p, int64_t n) {
  constexpr int64_t kBlock = 4096;
  parallel_for((n + kBlock - 1) / kBlock, 8, [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t lo = blk * kBlock, len = std::min(kBlock, n - lo);
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> a(p + lo, len);
      a = a.exp();
    }
  });
}

/** TF's stable logsumexp: log(sum(exp(x - m))) + m with m the max, replaced by 0 where not finite. */
template <class T>
Tensor logsumexp(const Tensor& x, const std::vector<int64_t>& axes, bool all_axes, const ReducePlan& p) {
  Tensor out = Tensor::empty(p.out_shape, x.dtype());
  if (p.n_out == 0) return out;
  if (p.count == 0) {
    fill_with<T>(out, -std::numeric_limits<T>::infinity());
    return out;
  }
  Tensor shift = reduce(OpId::reduce_max, x, axes, all_axes, /*keepdims=*/true);  // fresh, dense
  T* m = shift.data<T>();
  for (int64_t i = 0; i < p.n_out; ++i)
    if (!std::isfinite(m[i])) m[i] = T(0);
  Tensor d = binary(OpId::subtract, x, shift);  // fresh, dense
  exp_inplace(d.data<T>(), d.numel());
  Tensor s = reduce(OpId::reduce_sum, d, axes, all_axes, /*keepdims=*/true);
  const T* sp = s.data<T>();
  T* o = out.data<T>();
  for (int64_t i = 0; i < p.n_out; ++i) o[i] = std::log(sp[i]) + m[i];
  return out;
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
  if (op == OpId::reduce_logsumexp) {
    PT_DISPATCH_FLOAT(x.dtype(), name, { return logsumexp<scalar_t>(x, axes, all_axes, p); });
  }
  Tensor out = Tensor::empty(p.out_shape, x.dtype());
  if (p.n_out == 0) return out;
  switch (op) {
    case OpId::reduce_sum:
      PT_DISPATCH_NUMERIC(x.dtype(), name, { simple_into<cpu::SumReducer<scalar_t, scalar_t>>(x, p, out); });
      break;
    case OpId::reduce_mean:
      PT_DISPATCH_NUMERIC(x.dtype(), name, { mean_into<scalar_t>(x, p, out); });
      break;
    case OpId::reduce_prod:
      PT_DISPATCH_NUMERIC(x.dtype(), name, { simple_into<cpu::ProdReducer<scalar_t>>(x, p, out); });
      break;
    case OpId::reduce_max:
      PT_DISPATCH_NUMERIC(x.dtype(), name, { simple_into<cpu::MaxReducer<scalar_t>>(x, p, out); });
      break;
    case OpId::reduce_min:
      PT_DISPATCH_NUMERIC(x.dtype(), name, { simple_into<cpu::MinReducer<scalar_t>>(x, p, out); });
      break;
    case OpId::reduce_any:
      simple_into<cpu::AnyReducer>(x, p, out);
      break;
    case OpId::reduce_all:
      simple_into<cpu::AllReducer>(x, p, out);
      break;
    default:
      break;
  }
  return out;
}

Tensor reduce(OpId op, const Tensor& x, const std::vector<int64_t>& axes, bool all_axes, bool keepdims) {
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
  check_arg(nd <= cpu::kReduceMaxDims, name, ": tensors of rank ", nd, " are not supported (at most ",
            cpu::kReduceMaxDims, ")");
  if (x.dtype() == DType::Bool) throw_bool_arith(name);
  const int64_t a = normalize_axis(axis, nd, name);
  Shape out_shape;
  for (int64_t d = 0; d < nd; ++d)
    if (d != a) out_shape.push_back(x.shape()[d]);
  Tensor out = Tensor::empty(out_shape, out_dtype);
  const int64_t n_out = out.numel(), n = x.shape()[a];
  // TF refuses an empty axis even when the output is empty too (shape (0, 0)).
  check_arg(n > 0, name, ": cannot take the ", name, " over axis ", axis, " of size 0 (input shape ",
            shape_str(x.shape()), "); the reduced axis must not be empty");
  if (n_out == 0) return out;
  if (n == 1) {
    std::memset(out.raw_data(), 0, static_cast<size_t>(n_out) * out.itemsize());
    return out;
  }
  // Kept dims with dense output strides; the axis is reduced on its own.
  std::vector<RDim> kept;
  int64_t stride = 1;
  std::vector<int64_t> dst(static_cast<size_t>(nd), 0);
  for (int64_t d = nd - 1; d >= 0; --d)
    if (d != a) {
      dst[d] = stride;
      stride *= x.shape()[d];
    }
  for (int64_t d = 0; d < nd; ++d)
    if (d != a && x.shape()[d] != 1) kept.push_back(RDim{x.shape()[d], x.strides()[d], dst[d], false});
  kept = cpu::canonical_dims(kept);
  const RDim ax{n, x.strides()[a], 0, true};
  PT_DISPATCH_NUMERIC(x.dtype(), name, {
    const scalar_t* src = x.data<scalar_t>();
    if (out_dtype == DType::Int64) {
      if (op == OpId::argmax) cpu::arg_reduce_dims<true>(src, ax, kept, out.data<int64_t>());
      else cpu::arg_reduce_dims<false>(src, ax, kept, out.data<int64_t>());
    } else {
      if (op == OpId::argmax) cpu::arg_reduce_dims<true>(src, ax, kept, out.data<int32_t>());
      else cpu::arg_reduce_dims<false>(src, ax, kept, out.data<int32_t>());
    }
  });
  return out;
}
}  // namespace

Tensor arg_reduce(OpId op, const Tensor& x, int64_t axis, DType out_dtype) {
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

const bool registered = [] {
  for (OpId op : {OpId::reduce_sum, OpId::reduce_mean, OpId::reduce_max, OpId::reduce_min, OpId::reduce_logsumexp,
                  OpId::reduce_prod})
    autograd::register_gradient(op, grad_reduce);
  return true;
}();

}  // namespace
}  // namespace pt::ops
