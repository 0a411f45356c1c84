// Unary family: element-wise maps, cast, contiguous copies.
#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/device.h"
#include "complex_parts.h"
#include "ops.h"

namespace pt::ops {

using backend::kernel;
using backend::UnaryKernel;

namespace {
/** A 0-d complex tensor of dtype `dtype` holding `v`. */
Tensor complex_scalar(std::complex<double> v, DType dtype) {
  Tensor t = Tensor::empty({}, dtype);
  if (dtype == DType::Complex64) *t.data<std::complex<float>>() = std::complex<float>(v);
  else *t.data<std::complex<double>>() = v;
  return t;
}
}  // namespace

std::pair<Tensor, Tensor> complex_parts(const Tensor& x) {
  const DType part = complex_part_dtype(x.dtype());
  return {cast(x, part), cast(binary(OpId::multiply, x, complex_scalar({0, -1}, x.dtype())), part)};
}

Tensor make_complex(const Tensor& re, const Tensor& im, DType dtype) {
  return binary(OpId::add, cast(re, dtype), binary(OpId::multiply, cast(im, dtype), complex_scalar({0, 1}, dtype)));
}

Tensor conjugate(const Tensor& x) {
  if (!is_complex(x.dtype())) return x;
  auto [re, im] = complex_parts(x);
  return make_complex(re, unary(OpId::negative, im), x.dtype());
}

Tensor unary(OpId op, const Tensor& x) {
  const bool predicate = op == OpId::is_nan || op == OpId::is_finite || op == OpId::logical_not;
  if (op == OpId::abs && is_complex(x.dtype())) {  // TF's: the magnitude, a real tensor
    auto [re, im] = complex_parts(x);
    return unary(OpId::sqrt, binary(OpId::add, unary(OpId::square, re), unary(OpId::square, im)));
  }
  if (computes_in_float32(x.dtype()) && op != OpId::identity && op != OpId::stop_gradient) {
    Tensor out = unary(op, widened(x));
    return predicate ? out : cast(out, x.dtype());
  }
  PT_OP_SCOPE;
  Tensor out;
  if (op == OpId::identity || op == OpId::stop_gradient) {
    // A new handle on the same memory: the tape tells input and output apart by handle.
    out = Tensor::view(x, x.shape(), x.strides(), x.offset());
  } else {
    UnaryKernel* run = kernel<UnaryKernel>(op, x.device(), x.dtype());
    out = Tensor::empty(x.shape(), predicate ? DType::Bool : x.dtype(), x.device());
    run(x, out);
  }
  PT_RECORD(op, {x}, {out});
  return out;
}

Tensor cast(const Tensor& x, DType dtype) {
  PT_OP_SCOPE;
  if (x.dtype() == dtype) {
    // A no-op; when recorded, a new view, so the node's output is not its input.
    if (!pt_op_scope_.should_record()) return x;
    Tensor out = Tensor::view(x, x.shape(), x.strides(), x.offset());
    PT_RECORD(OpId::cast, {x}, {out}, attrs::Cast{dtype});
    return out;
  }
  UnaryKernel* run = kernel<UnaryKernel>(OpId::cast, x.device(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), dtype, x.device());
  run(x, out);
  // Casts to or from integers are recorded too (for observers); the sweep passes no gradient through integers.
  PT_RECORD(OpId::cast, {x}, {out}, attrs::Cast{dtype});
  return out;
}

void copy_into(const Tensor& dst, const Tensor& src) {
  check_arg(dst.dtype() == src.dtype(), "copy: dtype mismatch, destination ", dtype_name(dst.dtype()),
            " vs source ", dtype_name(src.dtype()));
  Shape bshape = broadcast_shapes(dst.shape(), src.shape(), "copy");
  check_arg(bshape == dst.shape(), "copy: cannot broadcast a value of shape ", shape_str(src.shape()),
            " into a destination of shape ", shape_str(dst.shape()));
  kernel<UnaryKernel>(OpId::identity, src.device(), src.dtype())(src, dst);
}

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  copy_into(out, x);
  return out;
}

Tensor to_host(const Tensor& x) { return x.device() == Device::CPU ? x : copy_to_device(contiguous(x), Device::CPU); }

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
    case OpId::cast:  // complex -> real (its real part): dy + 0i; real -> complex: dy's real part
      return {is_floating(x.dtype()) || is_complex(x.dtype()) ? cast(dy, x.dtype()) : Tensor()};
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
