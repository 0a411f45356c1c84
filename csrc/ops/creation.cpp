// Creation family: constant fills, identity matrices and evenly spaced sequences.
#include <cmath>

#include "record.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/device.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::CreationKernel;
using backend::kernel;

/** A new tensor of `shape` and `dtype` on this thread's device (tf.device's), written by creation op `op`'s kernel
 *  with its two parameters. */
Tensor create(OpId op, const Shape& shape, DType dtype, double a = 0, double b = 0) {
  const Device device = default_device();
  CreationKernel* run = kernel<CreationKernel>(op, device, dtype);
  Tensor out = Tensor::empty(shape, dtype, device);
  run(out, a, b);
  return out;
}

}  // namespace

Tensor fill(const Shape& shape, double value, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "fill");
  Tensor out = create(OpId::fill, shape, dtype, value);
  // Recorded with the value as the 0-d tensor it becomes (fill's attribute: exact for every dtype).
  PT_RECORD(OpId::fill, {}, {out}, attrs::Fill{shape, create(OpId::fill, {}, dtype, value)});
  return out;
}

Tensor fill(const Shape& shape, const Tensor& value) {
  check_shape(shape, "fill");
  check_arg(value.ndim() == 0, "fill: value must be a scalar (0-d tensor), got shape ", shape_str(value.shape()),
            "; use pt.broadcast_to to expand a tensor");
  PT_OP_SCOPE;
  // Copies the element itself (identity's kernel, broadcasting it), so int64 values beyond 2^53 stay exact.
  Tensor out = Tensor::empty(shape, value.dtype(), value.device());
  copy_into(out, value);
  PT_RECORD(OpId::fill, {}, {out}, attrs::Fill{shape, value});
  return out;
}

Tensor zeros(const Shape& shape, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "zeros");
  Tensor out = create(OpId::zeros, shape, dtype);
  PT_RECORD(OpId::zeros, {}, {out}, attrs::Constant{shape, dtype});
  return out;
}

Tensor ones(const Shape& shape, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "ones");
  Tensor out = create(OpId::fill, shape, dtype, 1.0);
  PT_RECORD(OpId::ones, {}, {out}, attrs::Constant{shape, dtype});
  return out;
}

Tensor zeros_like(const Tensor& x, std::optional<DType> dtype) {
  PT_OP_SCOPE;
  Tensor out = zeros(x.shape(), dtype.value_or(x.dtype()));
  PT_RECORD(OpId::zeros_like, {x}, {out}, attrs::Like{dtype});
  return out;
}

Tensor ones_like(const Tensor& x, std::optional<DType> dtype) {
  PT_OP_SCOPE;
  Tensor out = ones(x.shape(), dtype.value_or(x.dtype()));
  PT_RECORD(OpId::ones_like, {x}, {out}, attrs::Like{dtype});
  return out;
}

Tensor eye(int64_t num_rows, int64_t num_columns, const Shape& batch_shape, DType dtype) {
  PT_OP_SCOPE;
  check_arg(num_rows >= 0 && num_columns >= 0, "eye: num_rows and num_columns must be >= 0, got ", num_rows, " and ",
            num_columns);
  check_shape(batch_shape, "eye (batch_shape)");
  Shape shape = batch_shape;
  shape.push_back(num_rows);
  shape.push_back(num_columns);
  Tensor out = create(OpId::eye, shape, dtype);
  PT_RECORD(OpId::eye, {}, {out}, attrs::Eye{num_rows, num_columns, batch_shape, dtype});
  return out;
}

namespace {
/** Number of elements of range(start, limit, delta), computed in T as TF does (so float32 rounds as TF's). */
template <class T> int64_t range_size(T start, T limit, T delta) {
  if constexpr (std::is_integral_v<T>) {
    // |limit - start| + |delta| - 1 in unsigned 64-bit: exact for every int32/int64 argument.
    const uint64_t span = limit > start ? uint64_t(limit) - uint64_t(start) : uint64_t(start) - uint64_t(limit);
    const uint64_t step = delta > 0 ? uint64_t(delta) : uint64_t(0) - uint64_t(delta);
    return static_cast<int64_t>(span / step + (span % step != 0));
  } else {
    const T size = std::ceil(std::abs((limit - start) / delta));
    check_arg(std::isfinite(size) && size < T(0x1p62), "range: range(", start, ", ", limit, ", ", delta,
              ") does not have a finite, representable number of elements");
    return static_cast<int64_t>(size);
  }
}
}  // namespace

Tensor range(double start_d, double limit_d, double delta_d, DType dtype) {
  PT_OP_SCOPE;
  Tensor out;
  switch (dtype) {
    case DType::Int32: case DType::Int64: case DType::Float32: case DType::Float64: break;
    default: throw_dtype_error("range", dtype, "int32, int64, float32 or float64");
  }
  PT_DISPATCH_NUMERIC(dtype, "range", {
    const scalar_t start = static_cast<scalar_t>(start_d), limit = static_cast<scalar_t>(limit_d),
                   delta = static_cast<scalar_t>(delta_d);
    check_arg(delta != scalar_t(0), "range: requires delta != 0, got delta = ", delta_d);
    check_arg(delta < scalar_t(0) || start <= limit, "range: requires start <= limit when delta > 0, got start = ",
              start_d, ", limit = ", limit_d, "; use a negative delta to count down");
    check_arg(delta > scalar_t(0) || start >= limit, "range: requires start >= limit when delta < 0, got start = ",
              start_d, ", limit = ", limit_d, "; use a positive delta to count up");
    const int64_t n = range_size<scalar_t>(start, limit, delta);
    out = create(OpId::range, {n}, dtype, start_d, delta_d);
  });
  PT_RECORD(OpId::range, {}, {out}, attrs::Range{start_d, limit_d, delta_d, dtype});
  return out;
}

Tensor linspace(double start, double stop, int64_t num, DType dtype) {
  PT_OP_SCOPE;
  check_arg(num > 0, "linspace: requires num > 0, got num = ", num);
  Tensor out = create(OpId::linspace, {num}, dtype, start, stop);
  PT_RECORD(OpId::linspace, {}, {out}, attrs::Linspace{start, stop, num, dtype});
  return out;
}

// ---- definitions: how a recorded node runs each op, its docstring and the TF modules that export it ----
namespace {

const bool defined = [] {
  define_op(OpId::zeros)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Constant>();
        return {zeros(c.shape, c.dtype)};
      })
      .doc("zeros(shape, dtype=None, name=None)",
           "Creates a tensor with all elements set to zero.",
           "shape: a list, tuple or 1-D integer tensor of dimensions.\n"
           "dtype: the dtype (default float32).",
           "pt.zeros([2, 3], dtype=pt.int32)  # [[0, 0, 0], [0, 0, 0]]")
      .exports("tf");
  define_op(OpId::ones)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Constant>();
        return {ones(c.shape, c.dtype)};
      })
      .doc("ones(shape, dtype=None, name=None)",
           "Creates a tensor with all elements set to one (1).",
           "shape: a list, tuple or 1-D integer tensor of dimensions.\n"
           "dtype: the dtype (default float32).",
           "pt.ones([2, 3])  # [[1., 1., 1.], [1., 1., 1.]]")
      .exports("tf");
  define_op(OpId::fill)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& f = node.attr<attrs::Fill>();
        return {fill(f.shape, f.value)};
      })
      .doc("fill(dims, value, name=None)",
           "Creates a tensor filled with a scalar value.",
           "dims: the shape of the result.\n"
           "value: the scalar every element takes (its dtype is the result's).",
           "pt.fill([2, 2], 7.0)  # [[7., 7.], [7., 7.]]")
      .exports("tf");
  define_op(OpId::zeros_like)
      .invoke([](const Invocation& node) -> Outputs {
        return {zeros_like(node.in(0), node.attr<attrs::Like>().dtype)};
      })
      .doc("zeros_like(input, dtype=None, name=None)",
           "Creates a tensor with all elements set to zero.",
           "input: a tensor.\n"
           "dtype: the dtype (default: input's).",
           "pt.zeros_like([[1, 2], [3, 4]])  # [[0, 0], [0, 0]]")
      .exports("tf");
  define_op(OpId::ones_like)
      .invoke([](const Invocation& node) -> Outputs {
        return {ones_like(node.in(0), node.attr<attrs::Like>().dtype)};
      })
      .doc("ones_like(input, dtype=None, name=None)",
           "Creates a tensor of all ones that has the same shape as the input.",
           "input: a tensor.\n"
           "dtype: the dtype (default: input's).",
           "pt.ones_like([[1.0, 2.0]])  # [[1., 1.]]")
      .exports("tf");
  define_op(OpId::eye)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& e = node.attr<attrs::Eye>();
        return {eye(e.num_rows, e.num_columns, e.batch_shape, e.dtype)};
      })
      .doc("eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None)",
           "Construct an identity matrix, or a batch of matrices.",
           "num_rows: the number of rows.\n"
           "num_columns: the number of columns (default num_rows).\n"
           "batch_shape: leading batch dimensions of the result (default none).\n"
           "dtype: the dtype (default float32).",
           "pt.eye(2, 3)  # [[1., 0., 0.], [0., 1., 0.]]")
      .exports("tf tf.linalg");
  define_op(OpId::range)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::Range>();
        return {range(r.start, r.limit, r.delta, r.dtype)};
      })
      .doc("range(start, limit=None, delta=1, dtype=None, name=None)",
           "Creates a sequence of numbers.",
           "start: the first value (or the limit, when limit is None).\n"
           "limit: the end of the sequence, exclusive (if None, start is the limit and the sequence starts at 0).\n"
           "delta: the step.\n"
           "dtype: the dtype (default: inferred from the arguments; int32 for Python ints).",
           "pt.range(1, 10, delta=3)  # [1, 4, 7]")
      .exports("tf");
  define_op(OpId::linspace)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& l = node.attr<attrs::Linspace>();
        return {linspace(l.start, l.stop, l.num, l.dtype)};
      })
      .doc("linspace(start, stop, num, name=None, axis=0)",
           "Generates evenly-spaced values in an interval along a given axis.",
           "start: the first value.\n"
           "stop: the last value.\n"
           "num: the number of values (stop included).\n"
           "axis: 0 or -1 (start and stop are scalars; N-d linspace is not supported).",
           "pt.linspace(0.0, 1.0, 5)  # [0. , 0.25, 0.5 , 0.75, 1. ]")
      .exports("tf");
  return true;
}();

}  // namespace

}  // namespace pt::ops
