// Unary family: element-wise maps, cast, contiguous copies.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "../autograd/grad_utils.h"
#include "../core/int_math.h"
#include "../backend/cpu/elementwise.h"
#include "ops.h"

namespace pt::ops {

using cpu::unary_map_blocks;
using cpu::unary_map_scalar;

namespace {

// Float-only ops with an Eigen vectorized form, `a` an aligned block of the input (unary_map_blocks) in type W.
#define PT_BLOCK_UNARY(ID, W, VEC)                                                          \
  case OpId::ID:                                                                            \
    PT_DISPATCH_FLOAT(x.dtype(), #ID, {                                                     \
      out = Tensor::empty(x.shape(), x.dtype());                                            \
      unary_map_blocks<scalar_t, W>(x, out, [](const auto& a) { return VEC; });             \
    });                                                                                     \
    break;
#define PT_FLOAT_UNARY(ID, VEC) PT_BLOCK_UNARY(ID, scalar_t, VEC)
// Functions computed in float64 and rounded, where the float32 ones are not within an ulp of the exact value:
// Eigen's float32 logistic is a rational approximation 7e-4 off, and its tanh is not vectorized without fast math
// (libm's tanhf is 2 ulp off), and its AVX-512 float32 exp packet (used by expm1 too) clamps at 88.376 and returns
// inf up to the true overflow at 88.7228. Its float32 log packet is within an ulp, log1p within 2, and sin and cos
// call libm's sinf / cosf (within an ulp), so those stay in float32 (tests/test_transcendental.py).
#define PT_WIDE_UNARY(ID, VEC) PT_BLOCK_UNARY(ID, double, VEC)

// Numeric ops with a scalar form (dense runs auto-vectorize).
#define PT_NUMERIC_UNARY(ID, SCALAR)                                                        \
  case OpId::ID:                                                                            \
    PT_DISPATCH_NUMERIC(x.dtype(), #ID, {                                                   \
      out = Tensor::empty(x.shape(), x.dtype());                                            \
      unary_map_scalar<scalar_t, scalar_t>(x, out, [](scalar_t v) -> scalar_t { return SCALAR; }); \
    });                                                                                     \
    break;

// Float predicates returning bool.
#define PT_FLOAT_PREDICATE(ID, SCALAR)                                                      \
  case OpId::ID:                                                                            \
    PT_DISPATCH_FLOAT(x.dtype(), #ID, {                                                     \
      out = Tensor::empty(x.shape(), DType::Bool);                                          \
      unary_map_scalar<scalar_t, bool>(x, out, [](scalar_t v) -> bool { return SCALAR; });  \
    });                                                                                     \
    break;

template <class T> T sign_of(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(v)) return v;
  }
  if constexpr (std::is_unsigned_v<T>) return v > 0 ? T(1) : T(0);
  else return static_cast<T>((T(0) < v) - (v < T(0)));
}

template <class T> T abs_of(T v) {
  if constexpr (std::is_unsigned_v<T>) return v;
  else return v < T(0) ? wrap_neg(v) : v;  // abs(lowest) is lowest, as in TF and numpy
}

}  // namespace

Tensor unary(OpId op, const Tensor& x) {
  PT_OP_SCOPE;
  Tensor out;
  switch (op) {
    PT_NUMERIC_UNARY(negative, wrap_neg(v))
    PT_NUMERIC_UNARY(abs, abs_of(v))
    PT_NUMERIC_UNARY(sign, sign_of(v))
    PT_NUMERIC_UNARY(square, wrap_mul(v, v))
    PT_NUMERIC_UNARY(relu, v > scalar_t(0) ? v : (v != v ? v : scalar_t(0)))
    PT_WIDE_UNARY(exp, a.exp())
    PT_FLOAT_UNARY(log, a.log())
    PT_FLOAT_UNARY(log1p, a.log1p())
    PT_WIDE_UNARY(expm1, a.expm1())
    PT_FLOAT_UNARY(sqrt, a.sqrt())
    PT_FLOAT_UNARY(rsqrt, a.rsqrt())
    PT_FLOAT_UNARY(reciprocal, a.inverse())
    PT_FLOAT_UNARY(sin, a.sin())
    PT_FLOAT_UNARY(cos, a.cos())
    PT_WIDE_UNARY(tanh, a.tanh())
    PT_WIDE_UNARY(sigmoid, (1.0 + (-a).exp()).inverse())
    PT_FLOAT_UNARY(floor, a.floor())
    PT_FLOAT_UNARY(ceil, a.ceil())
    PT_FLOAT_UNARY(round, a.rint())
    PT_FLOAT_PREDICATE(is_nan, std::isnan(v))
    PT_FLOAT_PREDICATE(is_finite, std::isfinite(v))
    case OpId::identity:
    case OpId::stop_gradient:
      // A new handle on the same memory: the tape tells input and output apart by handle.
      out = Tensor::view(x, x.shape(), x.strides(), x.offset());
      break;
    case OpId::logical_not:
      if (x.dtype() != DType::Bool) throw_dtype_error("logical_not", x.dtype(), "bool");
      out = Tensor::empty(x.shape(), DType::Bool);
      unary_map_scalar<bool, bool>(x, out, [](bool v) { return !v; });
      break;
    default:
      throw InvalidArgument(str_cat("unary: ", op_def(op).name, " is not a unary op"));
  }
  PT_RECORD(op, {x}, {out});
  return out;
}

#undef PT_BLOCK_UNARY
#undef PT_FLOAT_UNARY
#undef PT_WIDE_UNARY
#undef PT_NUMERIC_UNARY
#undef PT_FLOAT_PREDICATE

namespace {
template <class R, class T> R convert_element(T v) {
  if constexpr (std::is_same_v<R, bool>) return v != T(0);
  else if constexpr (std::is_floating_point_v<T> && std::is_integral_v<R>) {
    // Out-of-range and NaN float -> int is undefined in C++; saturate like TF's CPU kernels do in practice.
    if (!(v == v)) return R(0);
    if (v <= static_cast<T>(std::numeric_limits<R>::lowest())) return std::numeric_limits<R>::lowest();
    if (v >= static_cast<T>(std::numeric_limits<R>::max())) return std::numeric_limits<R>::max();
    return static_cast<R>(v);
  } else return static_cast<R>(v);
}
}  // namespace

Tensor cast(const Tensor& x, DType dtype) {
  PT_OP_SCOPE;
  if (x.dtype() == dtype) {
    // A no-op; when recorded, a new view, so the node's output is not its input.
    if (!pt_op_scope_.should_record()) return x;
    Tensor out = Tensor::view(x, x.shape(), x.strides(), x.offset());
    PT_RECORD(OpId::cast, {x}, {out}, attrs::Cast{dtype});
    return out;
  }
  Tensor out = Tensor::empty(x.shape(), dtype);
  PT_DISPATCH_ALL(x.dtype(), "cast", {
    using in_t = scalar_t;
    PT_DISPATCH_ALL(dtype, "cast", {
      unary_map_scalar<in_t, scalar_t>(x, out, [](in_t v) { return convert_element<scalar_t>(v); });
    });
  });
  // Casts to or from integers are recorded too (for observers); the sweep passes no gradient through integers.
  PT_RECORD(OpId::cast, {x}, {out}, attrs::Cast{dtype});
  return out;
}

namespace {
template <class Word>
void strided_copy(int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
  for (int64_t i = 0; i < n; ++i)
    *reinterpret_cast<Word*>(p[0] + i * s[0]) = *reinterpret_cast<const Word*>(p[1] + i * s[1]);
}
}  // namespace

void copy_into(const Tensor& dst, const Tensor& src) {
  check_arg(dst.dtype() == src.dtype(), "copy: dtype mismatch, destination ", dtype_name(dst.dtype()),
            " vs source ", dtype_name(src.dtype()));
  Shape bshape = broadcast_shapes(dst.shape(), src.shape(), "copy");
  check_arg(bshape == dst.shape(), "copy: cannot broadcast a value of shape ", shape_str(src.shape()),
            " into a destination of shape ", shape_str(dst.shape()));
  Strides ss = broadcast_strides(src.shape(), src.strides(), dst.shape());
  size_t isz = dst.itemsize();
  cpu::StridedIter<2> it(dst.shape(), {cpu::byte_strides(dst.strides(), isz), cpu::byte_strides(ss, isz)});
  // A copy moves bytes at memory speed: splitting it pays only above ~1 MiB per thread, and below that
  // a thread hand-off costs more than it saves (much more when the cores are busy).
  const int64_t grain = std::max<int64_t>(kElementwiseGrain, (int64_t{1} << 20) / static_cast<int64_t>(isz));
  it.for_each({static_cast<char*>(dst.raw_data()), static_cast<char*>(src.raw_data())}, grain,
              [isz](int64_t n, const std::array<char*, 2>& p, const std::array<int64_t, 2>& s) {
                if (s[0] == static_cast<int64_t>(isz) && s[1] == static_cast<int64_t>(isz)) {
                  std::memmove(p[0], p[1], n * isz);
                  return;
                }
                // Strided runs: copy by element size so the loop is a plain load/store.
                switch (isz) {
                  case 1: strided_copy<uint8_t>(n, p, s); break;
                  case 4: strided_copy<uint32_t>(n, p, s); break;
                  default: strided_copy<uint64_t>(n, p, s); break;
                }
              });
}

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  copy_into(out, x);
  return out;
}

}  // namespace pt::ops

// ---- gradients -------------------------------------------------------------------------
namespace pt::ops {
namespace {

using autograd::Node;
using autograd::scalar;
using Grads = std::vector<Tensor>;

Grads grad_unary(const Node& n, const Grads& g) {
  const Tensor& x = n.inputs[0];
  const Tensor& y = n.outputs[0];
  const Tensor& dy = g[0];
  const DType dt = x.dtype();
  using autograd::div;
  using autograd::mul;
  using autograd::neg;
  switch (n.op) {
    case OpId::negative: return {neg(dy)};
    case OpId::abs: return {mul(dy, unary(OpId::sign, x))};
    case OpId::exp: return {mul(dy, y)};
    case OpId::log: return {div(dy, x)};
    case OpId::log1p: return {div(dy, autograd::add(x, scalar(1, dt)))};
    case OpId::expm1: return {mul(dy, autograd::add(y, scalar(1, dt)))};
    case OpId::sqrt: return {div(mul(dy, scalar(0.5, dt)), y)};
    case OpId::rsqrt: return {mul(mul(dy, scalar(-0.5, dt)), mul(y, mul(y, y)))};
    case OpId::square: return {mul(dy, autograd::add(x, x))};
    case OpId::reciprocal: return {neg(mul(dy, mul(y, y)))};
    case OpId::sin: return {mul(dy, unary(OpId::cos, x))};
    case OpId::cos: return {neg(mul(dy, unary(OpId::sin, x)))};
    case OpId::tanh: return {mul(dy, autograd::sub(scalar(1, dt), mul(y, y)))};
    case OpId::sigmoid: return {mul(dy, mul(y, autograd::sub(scalar(1, dt), y)))};
    case OpId::relu: return {relu_grad(dy, x)};
    case OpId::identity: return {dy};
    case OpId::cast: return {is_floating(x.dtype()) ? cast(dy, x.dtype()) : Tensor()};
    default: return {Tensor()};
  }
}

const bool registered = [] {
  for (OpId op : {OpId::negative, OpId::abs, OpId::exp, OpId::log, OpId::log1p, OpId::expm1, OpId::sqrt, OpId::rsqrt,
                  OpId::square, OpId::reciprocal, OpId::sin, OpId::cos, OpId::tanh, OpId::sigmoid, OpId::relu,
                  OpId::identity, OpId::cast})
    autograd::register_gradient(op, grad_unary);
  return true;
}();

}  // namespace
}  // namespace pt::ops
