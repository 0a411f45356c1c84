// Binary family: arithmetic, comparisons and logic with numpy broadcasting; where, clip_by_value.
#include <cmath>
#include <limits>

#include "../autograd/grad_utils.h"
#include "../core/int_math.h"
#include "../backend/cpu/elementwise.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** out = f(a, b) over the broadcast shape, with fast paths for same-shape dense and scalar operands. */
template <class T, class R, class F>
void run_binary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const int64_t n = out.numel();
  R* o = out.data<R>();
  if (a.is_contiguous() && b.is_contiguous()) {
    const T* x = a.data<T>();
    const T* y = b.data<T>();
    if (a.numel() == n && b.numel() == n) {
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(x[i], y[i]);
      });
      return;
    }
    if (b.numel() == 1 && a.numel() == n) {
      const T yv = *y;
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(x[i], yv);
      });
      return;
    }
    if (a.numel() == 1 && b.numel() == n) {
      const T xv = *x;
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) o[i] = f(xv, y[i]);
      });
      return;
    }
  }
  cpu::binary_map<T, R>(out.shape(), out, a, broadcast_strides(a.shape(), a.strides(), out.shape()), b,
                        broadcast_strides(b.shape(), b.strides(), out.shape()), f);
}

template <class T> bool any_zero(const Tensor& t) {
  Tensor c = contiguous(t);
  const T* p = c.data<T>();
  for (int64_t i = 0, n = c.numel(); i < n; ++i)
    if (p[i] == T(0)) return true;
  return false;
}

template <class T> bool any_negative(const Tensor& t) {
  if constexpr (std::is_unsigned_v<T>) return false;
  else {
    Tensor c = contiguous(t);
    const T* p = c.data<T>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      if (p[i] < T(0)) return true;
    return false;
  }
}

template <class T> T floor_div(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::floor(x / y);
  else if constexpr (std::is_unsigned_v<T>) return x / y;
  else {
    // lowest / -1 overflows (and traps on x86): wrap to lowest, as two's-complement negation does.
    if (y == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(x));
    T q = x / y;
    return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q;
  }
}

template <class T> T floor_mod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(x, y);
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  } else if constexpr (std::is_unsigned_v<T>) return x % y;
  else {
    if (y == T(-1)) return T(0);  // lowest % -1 traps on x86; the remainder is 0 for every x
    T r = x % y;
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  }
}

template <class T> T power(T base, T exp) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(base, exp);
  } else {
    T result = 1;
    while (exp > 0) {
      if (exp & 1) result = wrap_mul(result, base);
      base = wrap_mul(base, base);
      exp >>= 1;
    }
    return result;
  }
}

template <class T> T nan_max(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
  }
  return x > y ? x : y;
}
template <class T> T nan_min(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
  }
  return x < y ? x : y;
}

/** TF's true division of integers: int32/int64 -> float64, uint8 -> float32. */
DType truediv_dtype(DType d) { return d == DType::UInt8 ? DType::Float32 : DType::Float64; }

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    throw TypeError(str_cat(op, ": cannot mix dtypes ", dtype_name(a.dtype()), " (shape ", shape_str(a.shape()),
                            ") and ", dtype_name(b.dtype()), " (shape ", shape_str(b.shape()),
                            "); cast one of them with pt.cast(x, dtype)"));
}

}  // namespace

#define PT_ARITH(ID, DISPATCH, EXPR)                                                           \
  case OpId::ID:                                                                               \
    DISPATCH(a.dtype(), #ID, {                                                                 \
      out = Tensor::empty(shape, a.dtype());                                                   \
      run_binary<scalar_t, scalar_t>(a, b, out, [](scalar_t x, scalar_t y) -> scalar_t { return EXPR; }); \
    });                                                                                        \
    break;

#define PT_COMPARE(ID, DISPATCH, EXPR)                                                         \
  case OpId::ID:                                                                               \
    DISPATCH(a.dtype(), #ID, {                                                                 \
      out = Tensor::empty(shape, DType::Bool);                                                 \
      run_binary<scalar_t, bool>(a, b, out, [](scalar_t x, scalar_t y) -> bool { return EXPR; }); \
    });                                                                                        \
    break;

Tensor binary(OpId op, const Tensor& a, const Tensor& b) {
  PT_OP_SCOPE;
  const char* name = op_def(op).name;
  check_same_dtype(name, a, b);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out;
  switch (op) {
    // Integers wrap on overflow (int_math.h), as in TF and numpy.
    PT_ARITH(add, PT_DISPATCH_NUMERIC, wrap_add(x, y))
    PT_ARITH(subtract, PT_DISPATCH_NUMERIC, wrap_sub(x, y))
    PT_ARITH(multiply, PT_DISPATCH_NUMERIC, wrap_mul(x, y))
    PT_ARITH(maximum, PT_DISPATCH_NUMERIC, nan_max(x, y))
    PT_ARITH(minimum, PT_DISPATCH_NUMERIC, nan_min(x, y))
    PT_ARITH(squared_difference, PT_DISPATCH_NUMERIC, wrap_mul(wrap_sub(x, y), wrap_sub(x, y)))
    // TF's xlogy: 0 where x == 0 (whatever y, NaN included), else x * log(y).
    PT_ARITH(xlogy, PT_DISPATCH_FLOAT, x == scalar_t(0) ? scalar_t(0) : x * std::log(y))
    case OpId::divide:
      if (is_integer(a.dtype())) {
        DType f = truediv_dtype(a.dtype());
        return binary(OpId::divide, cast(a, f), cast(b, f));
      }
      PT_DISPATCH_FLOAT(a.dtype(), "divide", {
        out = Tensor::empty(shape, a.dtype());
        run_binary<scalar_t, scalar_t>(a, b, out, [](scalar_t x, scalar_t y) { return x / y; });
      });
      break;
    case OpId::floordiv:
    case OpId::floormod:
      PT_DISPATCH_NUMERIC(a.dtype(), name, {
        if constexpr (std::is_integral_v<scalar_t>) {
          if (any_zero<scalar_t>(b))
            throw InvalidArgument(str_cat(name, ": integer division by zero (divisor of shape ",
                                          shape_str(b.shape()), " contains 0)"));
        }
        out = Tensor::empty(shape, a.dtype());
        if (op == OpId::floordiv)
          run_binary<scalar_t, scalar_t>(a, b, out, [](scalar_t x, scalar_t y) { return floor_div(x, y); });
        else
          run_binary<scalar_t, scalar_t>(a, b, out, [](scalar_t x, scalar_t y) { return floor_mod(x, y); });
      });
      break;
    case OpId::pow:
      PT_DISPATCH_NUMERIC(a.dtype(), "pow", {
        out = Tensor::empty(shape, a.dtype());
        if constexpr (std::is_integral_v<scalar_t>) {
          if (any_negative<scalar_t>(b))
            throw InvalidArgument("pow: integers to negative integer powers are not allowed; cast to float first");
        }
        run_binary<scalar_t, scalar_t>(a, b, out, [](scalar_t x, scalar_t y) { return power(x, y); });
      });
      break;
    PT_COMPARE(equal, PT_DISPATCH_ALL, x == y)
    PT_COMPARE(not_equal, PT_DISPATCH_ALL, x != y)
    PT_COMPARE(less, PT_DISPATCH_NUMERIC, x < y)
    PT_COMPARE(less_equal, PT_DISPATCH_NUMERIC, x <= y)
    PT_COMPARE(greater, PT_DISPATCH_NUMERIC, x > y)
    PT_COMPARE(greater_equal, PT_DISPATCH_NUMERIC, x >= y)
    case OpId::logical_and:
    case OpId::logical_or:
      if (a.dtype() != DType::Bool) throw_dtype_error(name, a.dtype(), "bool");
      out = Tensor::empty(shape, DType::Bool);
      if (op == OpId::logical_and) run_binary<bool, bool>(a, b, out, [](bool x, bool y) { return x && y; });
      else run_binary<bool, bool>(a, b, out, [](bool x, bool y) { return x || y; });
      break;
    default:
      throw InvalidArgument(str_cat("binary: ", name, " is not a binary op"));
  }
  PT_RECORD(op, {a, b}, {out});
  return out;
}

#undef PT_ARITH
#undef PT_COMPARE

namespace {

/** out[i] = cond[i] ? x[i] : y[i] over dense arrays, written so the compiler emits vector blends. */
template <class T>
void select_dense(int64_t n, const bool* __restrict cond, const T* __restrict x, const T* __restrict y,
                  T* __restrict out) {
  const unsigned char* __restrict mask = reinterpret_cast<const unsigned char*>(cond);
  for (int64_t i = 0; i < n; ++i) out[i] = mask[i] ? x[i] : y[i];
}

}  // namespace

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y) {
  PT_OP_SCOPE;
  if (cond.dtype() != DType::Bool) throw_dtype_error("where", cond.dtype(), "bool for the condition");
  check_same_dtype("where", x, y);
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), x.shape(), "where"), y.shape(), "where");
  Tensor out = Tensor::empty(shape, x.dtype());
  Strides sc = broadcast_strides(cond.shape(), cond.strides(), shape);
  Strides sx = broadcast_strides(x.shape(), x.strides(), shape);
  Strides sy = broadcast_strides(y.shape(), y.strides(), shape);
  const bool dense = cond.is_contiguous() && x.is_contiguous() && y.is_contiguous() && cond.shape() == shape &&
                     x.shape() == shape && y.shape() == shape;
  PT_DISPATCH_ALL(x.dtype(), "where", {
    if (dense) {
      // Same-shape dense operands (the relu gradient's case): a branch-free select the compiler vectorises;
      // the strided loop below branches per element and mispredicts on random masks.
      const bool* c = cond.data<bool>();
      const scalar_t* xv = x.data<scalar_t>();
      const scalar_t* yv = y.data<scalar_t>();
      scalar_t* o = out.data<scalar_t>();
      parallel_for(out.numel(), kElementwiseGrain, [=](int64_t lo, int64_t hi) {
        select_dense(hi - lo, c + lo, xv + lo, yv + lo, o + lo);
      });
      PT_RECORD(OpId::where, {cond, x, y}, {out});
      return out;
    }
    const size_t isz = sizeof(scalar_t);
    cpu::StridedIter<4> it(shape, {cpu::byte_strides(out.strides(), isz), cpu::byte_strides(sc, 1),
                                   cpu::byte_strides(sx, isz), cpu::byte_strides(sy, isz)});
    it.for_each({static_cast<char*>(out.raw_data()), static_cast<char*>(cond.raw_data()),
                 static_cast<char*>(x.raw_data()), static_cast<char*>(y.raw_data())},
                kElementwiseGrain, [](int64_t n, const std::array<char*, 4>& p, const std::array<int64_t, 4>& s) {
                  for (int64_t i = 0; i < n; ++i)
                    *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) =
                        *reinterpret_cast<const bool*>(p[1] + i * s[1])
                            ? *reinterpret_cast<const scalar_t*>(p[2] + i * s[2])
                            : *reinterpret_cast<const scalar_t*>(p[3] + i * s[3]);
                });
  });
  PT_RECORD(OpId::where, {cond, x, y}, {out});
  return out;
}

Tensor clip_by_value(const Tensor& x, const Tensor& lo, const Tensor& hi) {
  PT_OP_SCOPE;
  if (x.dtype() == DType::Bool) throw_dtype_error("clip_by_value", x.dtype(), "a numeric dtype");
  check_same_dtype("clip_by_value", x, lo);
  check_same_dtype("clip_by_value", x, hi);
  Shape shape = broadcast_shapes(x.shape(), broadcast_shapes(lo.shape(), hi.shape(), "clip_by_value"), "clip_by_value");
  check_arg(shape == x.shape(), "clip_by_value: clip bounds of shapes ", shape_str(lo.shape()), " and ",
            shape_str(hi.shape()), " must broadcast to the input's shape ", shape_str(x.shape()));
  // max then min, so NaN inputs stay NaN and lo > hi gives hi (as TF's kernel does).
  Tensor out = binary(OpId::minimum, binary(OpId::maximum, x, lo), hi);
  PT_RECORD(OpId::clip_by_value, {x, lo, hi}, {out});
  return out;
}

}  // namespace pt::ops

// ---- gradients -------------------------------------------------------------------------
namespace pt::ops {
namespace {

using autograd::Node;
using autograd::scalar;
using autograd::sum_to;
using Grads = std::vector<Tensor>;

Tensor masked(const Tensor& mask, const Tensor& g) { return where(mask, g, zeros_like(g, std::nullopt)); }

Grads grad_binary(const Node& n, const Grads& gs) {
  const Tensor& a = n.inputs[0];
  const Tensor& b = n.inputs[1];
  const Tensor& g = gs[0];
  const DType dt = a.dtype();
  using autograd::div;
  using autograd::mul;
  using autograd::neg;
  using autograd::sub;
  Tensor ga, gb;
  switch (n.op) {
    case OpId::add: ga = g; gb = g; break;
    case OpId::subtract: ga = g; gb = neg(g); break;
    case OpId::multiply: ga = mul(g, b); gb = mul(g, a); break;
    case OpId::divide: ga = div(g, b); gb = neg(div(mul(g, a), mul(b, b))); break;
    case OpId::pow: {
      // d/da a^b = b a^(b-1); d/db a^b = a^b log a, taken as 0 where a <= 0 (TF's convention).
      ga = mul(g, mul(b, binary(OpId::pow, a, sub(b, scalar(1, dt)))));
      Tensor positive = binary(OpId::greater, a, scalar(0, dt));
      Tensor safe_a = where(positive, a, ones_like(a, std::nullopt));
      gb = mul(g, mul(n.outputs[0], masked(positive, unary(OpId::log, safe_a))));
      break;
    }
    case OpId::maximum: {
      Tensor amask = binary(OpId::greater_equal, a, b);
      ga = masked(amask, g);
      gb = masked(unary(OpId::logical_not, amask), g);
      break;
    }
    case OpId::minimum: {
      Tensor amask = binary(OpId::less_equal, a, b);
      ga = masked(amask, g);
      gb = masked(unary(OpId::logical_not, amask), g);
      break;
    }
    case OpId::squared_difference:
      ga = mul(g, mul(scalar(2, dt), sub(a, b)));
      gb = neg(ga);
      break;
    case OpId::xlogy: {
      // TF's: d/dx = log(y) and d/dy = x / y, both 0 where x == 0 (where y's log or quotient would be NaN / inf).
      Tensor nonzero = binary(OpId::not_equal, a, scalar(0, dt));
      Tensor safe_b = where(nonzero, b, ones_like(b, std::nullopt));
      ga = mul(g, masked(nonzero, unary(OpId::log, safe_b)));
      gb = mul(g, masked(nonzero, div(a, safe_b)));
      break;
    }
    default: return {Tensor(), Tensor()};
  }
  return {sum_to(ga, a.shape()), sum_to(gb, b.shape())};
}

Grads grad_where(const Node& n, const Grads& gs) {
  const Tensor& cond = n.inputs[0];
  const Tensor& g = gs[0];
  Tensor zeros = zeros_like(g, std::nullopt);
  return {Tensor(), sum_to(where(cond, g, zeros), n.inputs[1].shape()),
          sum_to(where(cond, zeros, g), n.inputs[2].shape())};
}

Grads grad_clip(const Node& n, const Grads& gs) {
  const Tensor& x = n.inputs[0];
  const Tensor& g = gs[0];
  Tensor below = binary(OpId::less, x, n.inputs[1]);
  Tensor above = binary(OpId::greater, x, n.inputs[2]);
  Tensor outside = binary(OpId::logical_or, below, above);
  return {masked(unary(OpId::logical_not, outside), g), sum_to(masked(below, g), n.inputs[1].shape()),
          sum_to(masked(above, g), n.inputs[2].shape())};
}

const bool registered = [] {
  for (OpId op : {OpId::add, OpId::subtract, OpId::multiply, OpId::divide, OpId::pow, OpId::maximum, OpId::minimum,
                  OpId::squared_difference, OpId::xlogy})
    autograd::register_gradient(op, grad_binary);
  autograd::register_gradient(OpId::where, grad_where);
  autograd::register_gradient(OpId::clip_by_value, grad_clip);
  return true;
}();

}  // namespace
}  // namespace pt::ops
