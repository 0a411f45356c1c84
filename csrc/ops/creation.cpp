// Creation family: constant fills, identity matrices and evenly spaced sequences.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../autograd/tape.h"
#include "../core/parallel.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** Converts a double to T the way a constant of dtype T holds it (bool: non-zero). */
template <class T> T value_as(double v) {
  if constexpr (std::is_same_v<T, bool>) return v != 0;
  else return static_cast<T>(v);
}

/** Writes `v` to p[0, n) on all threads (a fill is memory-bound; two threads use more bandwidth). */
template <class T> void fill_dense(T* p, int64_t n, T v) {
  parallel_for(n, kElementwiseGrain, [p, v](int64_t b, int64_t e) { std::fill(p + b, p + e, v); });
}

/** A dense tensor of `shape` filled with `v` (dtype from T). */
template <class T> Tensor filled(const Shape& shape, T v, DType dtype) {
  Tensor out = Tensor::empty(shape, dtype);
  fill_dense<T>(out.data<T>(), out.numel(), v);
  return out;
}

}  // namespace

Tensor fill(const Shape& shape, double value, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "fill");
  Tensor out;
  PT_DISPATCH_ALL(dtype, "fill", {
    out = filled<scalar_t>(shape, value_as<scalar_t>(value), dtype);
    // Recorded with the value as the 0-d tensor it becomes (fill's attribute: exact for every dtype).
    PT_RECORD(OpId::fill, {}, {out}, attrs::Fill{shape, filled<scalar_t>({}, value_as<scalar_t>(value), dtype)});
  });
  return out;
}

Tensor fill(const Shape& shape, const Tensor& value) {
  check_shape(shape, "fill");
  check_arg(value.ndim() == 0, "fill: value must be a scalar (0-d tensor), got shape ", shape_str(value.shape()),
            "; use pt.broadcast_to to expand a tensor");
  PT_OP_SCOPE;
  Tensor out;
  // Copies the element itself, so int64 values beyond 2^53 stay exact.
  PT_DISPATCH_ALL(value.dtype(), "fill", out = filled<scalar_t>(shape, *value.data<scalar_t>(), value.dtype()));
  PT_RECORD(OpId::fill, {}, {out}, attrs::Fill{shape, value});
  return out;
}

Tensor zeros(const Shape& shape, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "zeros");
  Tensor out = Tensor::empty(shape, dtype);
  // All-zero bytes are 0 in every dtype (0.0f, false, 0).
  char* p = static_cast<char*>(out.raw_data());
  const int64_t nbytes = out.numel() * static_cast<int64_t>(out.itemsize());
  parallel_for(nbytes, kElementwiseGrain * 4, [p](int64_t b, int64_t e) { std::memset(p + b, 0, e - b); });
  PT_RECORD(OpId::zeros, {}, {out}, attrs::Constant{shape, dtype});
  return out;
}

Tensor ones(const Shape& shape, DType dtype) {
  PT_OP_SCOPE;
  check_shape(shape, "ones");
  Tensor out;
  PT_DISPATCH_ALL(dtype, "ones", out = filled<scalar_t>(shape, value_as<scalar_t>(1.0), dtype));
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
  Tensor out = zeros(shape, dtype);
  const int64_t matrices = numel(batch_shape), diag = std::min(num_rows, num_columns);
  const int64_t matrix_size = num_rows * num_columns;
  PT_DISPATCH_ALL(dtype, "eye", {
    scalar_t* p = out.data<scalar_t>();
    const scalar_t one = value_as<scalar_t>(1.0);
    for (int64_t m = 0; m < matrices; ++m)
      for (int64_t i = 0; i < diag; ++i) p[m * matrix_size + i * num_columns + i] = one;
  });
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
    out = Tensor::empty({n}, dtype);
    scalar_t* p = out.data<scalar_t>();
    // start + i * delta (not a running sum): no accumulated rounding, and chunks are independent.
    parallel_for(n, kElementwiseGrain, [=](int64_t b, int64_t e) {
      if constexpr (std::is_integral_v<scalar_t>) {
        // Unsigned (wrapping) arithmetic: exact for every element, and no signed-overflow UB on the way.
        const uint64_t s = static_cast<uint64_t>(static_cast<int64_t>(start));
        const uint64_t d = static_cast<uint64_t>(static_cast<int64_t>(delta));
        for (int64_t i = b; i < e; ++i) p[i] = static_cast<scalar_t>(static_cast<int64_t>(s + static_cast<uint64_t>(i) * d));
      } else {
        const double s = start, d = delta;
        for (int64_t i = b; i < e; ++i) p[i] = static_cast<scalar_t>(s + static_cast<double>(i) * d);
      }
    });
  });
  PT_RECORD(OpId::range, {}, {out}, attrs::Range{start_d, limit_d, delta_d, dtype});
  return out;
}

Tensor linspace(double start, double stop, int64_t num, DType dtype) {
  PT_OP_SCOPE;
  check_arg(num > 0, "linspace: requires num > 0, got num = ", num);
  Tensor out;
  PT_DISPATCH_FLOAT(dtype, "linspace", {
    out = Tensor::empty({num}, dtype);
    scalar_t* p = out.data<scalar_t>();
    const double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0.0;
    parallel_for(num, kElementwiseGrain, [=](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) p[i] = static_cast<scalar_t>(start + static_cast<double>(i) * step);
    });
    p[num - 1] = static_cast<scalar_t>(num > 1 ? stop : start);  // the last value is exactly stop
  });
  PT_RECORD(OpId::linspace, {}, {out}, attrs::Linspace{start, stop, num, dtype});
  return out;
}

}  // namespace pt::ops
