// Unary family: element-wise maps, cast, contiguous copies.
#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/device.h"
#include "complex_parts.h"
#include "define_op.h"
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
    case OpId::tan: return {mul(dy, autograd::add(scalar(1, dt), mul(y, y)))};
    case OpId::sinh: return {mul(dy, unary(OpId::cosh, x))};
    case OpId::cosh: return {mul(dy, unary(OpId::sinh, x))};
    // TF's: the arcsine and arccosine by 1 / sqrt(1 - x^2), atan by 1 / (1 + x^2); the inverse hyperbolic
    // functions by their outputs (1 / cosh(y), 1 / sinh(y)), which stay finite where x^2 overflows.
    case OpId::asin: return {mul(dy, unary(OpId::rsqrt, autograd::sub(scalar(1, dt), mul(x, x))))};
    case OpId::acos: return {neg(mul(dy, unary(OpId::rsqrt, autograd::sub(scalar(1, dt), mul(x, x)))))};
    case OpId::atan: return {div(dy, autograd::add(scalar(1, dt), mul(x, x)))};
    case OpId::asinh: return {div(dy, unary(OpId::cosh, y))};
    case OpId::acosh: return {div(dy, unary(OpId::sinh, y))};
    case OpId::atanh: return {div(dy, autograd::sub(scalar(1, dt), mul(x, x)))};
    case OpId::sigmoid: return {mul(dy, mul(y, autograd::sub(scalar(1, dt), y)))};
    case OpId::relu: return {relu_grad(dy, x)};
    case OpId::identity: return {dy};
    case OpId::cast:  // complex -> real (its real part): dy + 0i; real -> complex: dy's real part
      return {is_floating(x.dtype()) || is_complex(x.dtype()) ? cast(dy, x.dtype()) : Tensor()};
    default: return {Tensor()};
  }
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

/** Runs an op of this family from a node. */
Outputs invoke_unary(const Invocation& node) {
  return {unary(node.op, node.in(0))};
}

const bool defined = [] {
  define_op(OpId::negative)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("negative(x, name=None)",
           "Computes numerical negative value element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.negative([-1.5, 0.0, 2.5])  # [ 1.5, -0. , -2.5]")
      .exports("tf tf.math");
  define_op(OpId::abs)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("abs(x, name=None)",
           "Computes the absolute value of a tensor.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.abs([-1.5, 0.0, 2.5])  # [1.5, 0. , 2.5]")
      .exports("tf tf.math");
  define_op(OpId::sign)
      .invoke(invoke_unary)
      .doc("sign(x, name=None)",
           "Returns an element-wise indication of the sign of a number.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.sign([-1.5, 0.0, 2.5])  # [-1., 0., 1.]")
      .exports("tf tf.math");
  define_op(OpId::exp)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("exp(x, name=None)",
           "Computes exponential of x element-wise: `y = e^x`.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.exp([0.0, 0.5, 1.0])  # [1. , 1.6487, 2.7183]")
      .exports("tf tf.math");
  define_op(OpId::log)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("log(x, name=None)",
           "Computes natural logarithm of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.log([1.0, 4.0, 9.0])  # [0. , 1.3863, 2.1972]")
      .exports("tf tf.math");
  define_op(OpId::log1p)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("log1p(x, name=None)",
           "Computes natural logarithm of (1 + x) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.log1p([1.0, 4.0, 9.0])  # [0.6931, 1.6094, 2.3026]")
      .exports("tf.math");
  define_op(OpId::expm1)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("expm1(x, name=None)",
           "Computes `exp(x) - 1` element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.expm1([0.0, 0.5, 1.0])  # [0. , 0.6487, 1.7183]")
      .exports("tf.math");
  define_op(OpId::sqrt)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("sqrt(x, name=None)",
           "Computes element-wise square root of the input tensor.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.sqrt([1.0, 4.0, 9.0])  # [1., 2., 3.]")
      .exports("tf tf.math");
  define_op(OpId::rsqrt)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("rsqrt(x, name=None)",
           "Computes reciprocal of square root of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.rsqrt([1.0, 4.0, 9.0])  # [1. , 0.5 , 0.3333]")
      .exports("tf.math");
  define_op(OpId::square)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("square(x, name=None)",
           "Computes square of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.square([-1.5, 0.0, 2.5])  # [2.25, 0. , 6.25]")
      .exports("tf tf.math");
  define_op(OpId::reciprocal)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("reciprocal(x, name=None)",
           "Computes the reciprocal of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.reciprocal([0.5, 1.0, 4.0])  # [2.  , 1.  , 0.25]")
      .exports("tf.math");
  define_op(OpId::sin)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("sin(x, name=None)",
           "Computes sine of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.sin([0.0, 0.5, 1.0])  # [0. , 0.4794, 0.8415]")
      .exports("tf tf.math");
  define_op(OpId::cos)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("cos(x, name=None)",
           "Computes cos of x element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.cos([0.0, 0.5, 1.0])  # [1. , 0.8776, 0.5403]")
      .exports("tf tf.math");
  define_op(OpId::tanh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("tanh(x, name=None)",
           "Computes hyperbolic tangent of `x` element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.tanh([0.0, 0.5, 1.0])  # [0. , 0.4621, 0.7616]")
      .exports("tf tf.math tf.nn");
  define_op(OpId::tan)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("tan(x, name=None)",
           "Computes tan of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.tan([0.0, 0.5, 1.0])  # [0. , 0.5463, 1.5574]")
      .exports("tf tf.math");
  define_op(OpId::sinh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("sinh(x, name=None)",
           "Computes hyperbolic sine of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.sinh([-1.0, 0.0, 2.0])  # [-1.1752, 0. , 3.6269]")
      .exports("tf tf.math");
  define_op(OpId::cosh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("cosh(x, name=None)",
           "Computes hyperbolic cosine of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.cosh([-1.0, 0.0, 2.0])  # [1.5431, 1. , 3.7622]")
      .exports("tf tf.math");
  define_op(OpId::asin)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("asin(x, name=None)",
           "Computes the trignometric inverse sine of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.asin([-1.0, 0.0, 0.5])  # [-1.5708, 0. , 0.5236]")
      .exports("tf tf.math");
  define_op(OpId::acos)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("acos(x, name=None)",
           "Computes acos of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.acos([-1.0, 0.0, 0.5])  # [3.1416, 1.5708, 1.0472]")
      .exports("tf tf.math");
  define_op(OpId::atan)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("atan(x, name=None)",
           "Computes the trignometric inverse tangent of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.atan([-1.0, 0.0, 2.0])  # [-0.7854, 0. , 1.1071]")
      .exports("tf tf.math");
  define_op(OpId::asinh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("asinh(x, name=None)",
           "Computes inverse hyperbolic sine of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.asinh([-1.0, 0.0, 2.0])  # [-0.8814, 0. , 1.4436]")
      .exports("tf tf.math");
  define_op(OpId::acosh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("acosh(x, name=None)",
           "Computes inverse hyperbolic cosine of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.acosh([1.0, 2.0, 10.0])  # [0. , 1.317 , 2.9932]")
      .exports("tf tf.math");
  define_op(OpId::atanh)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("atanh(x, name=None)",
           "Computes inverse hyperbolic tangent of x element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.atanh([-0.5, 0.0, 0.9])  # [-0.5493, 0. , 1.4722]")
      .exports("tf tf.math");
  define_op(OpId::sigmoid)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("sigmoid(x, name=None)",
           "Computes sigmoid of `x` element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.sigmoid([0.0, 0.5, 1.0])  # [0.5 , 0.6225, 0.7311]")
      .exports("tf tf.math tf.nn");
  define_op(OpId::relu)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("relu(x, name=None)",
           "Computes rectified linear: `max(features, 0)`.",
           "x: a float tensor.",
           "pt.nn.relu([-1.0, 0.5])  # [0. , 0.5]")
      .exports("tf.nn");
  define_op(OpId::floor)
      .invoke(invoke_unary)
      .doc("floor(x, name=None)",
           "Returns element-wise largest integer not greater than x.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.floor([-1.5, 0.0, 2.5])  # [-2., 0., 2.]")
      .exports("tf tf.math");
  define_op(OpId::ceil)
      .invoke(invoke_unary)
      .doc("ceil(x, name=None)",
           "Return the ceiling of the input, element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.ceil([-1.5, 0.0, 2.5])  # [-1., 0., 3.]")
      .exports("tf tf.math");
  define_op(OpId::round)
      .invoke(invoke_unary)
      .doc("round(x, name=None)",
           "Rounds the values of a tensor to the nearest integer, element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.round([-1.5, 0.0, 2.5])  # [-2., 0., 2.]")
      .exports("tf tf.math");
  define_op(OpId::logical_not)
      .invoke(invoke_unary)
      .doc("logical_not(x, name=None)",
           "Returns the truth value of `NOT x` element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.logical_not([True, False])  # [False, True]")
      .exports("tf tf.math");
  define_op(OpId::is_nan)
      .invoke(invoke_unary)
      .doc("is_nan(x, name=None)",
           "Returns which elements of x are NaN.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.is_nan([1.0, float('nan')])  # [False, True]")
      .exports("tf.math");
  define_op(OpId::is_finite)
      .invoke(invoke_unary)
      .doc("is_finite(x, name=None)",
           "Returns which elements of x are finite.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.is_finite([1.0, float('inf')])  # [ True, False]")
      .exports("tf.math");
  define_op(OpId::identity)
      .invoke(invoke_unary)
      .gradient(grad_unary)
      .doc("identity(x, name=None)",
           "Return a Tensor with the same shape and contents as input.",
           "x: a tensor.",
           "pt.identity([-1.5, 0.0, 2.5])  # [-1.5, 0. , 2.5]");
  define_op(OpId::stop_gradient)
      .invoke(invoke_unary)
      .doc("stop_gradient(x, name=None)",
           "Stops gradient computation: the value of x, treated as a constant by GradientTape.",
           "x: a tensor.",
           "pt.stop_gradient([1.0, 2.0])  # [1., 2.]");
  define_op(OpId::cast)
      .invoke([](const Invocation& node) -> Outputs { return {cast(node.in(0), node.attr<attrs::Cast>().dtype)}; })
      .gradient(grad_unary)
      .doc("cast(x, dtype, name=None)",
           "Casts a tensor to a new type.",
           "x: a tensor or tensor-like.\n"
           "dtype: the dtype of the result.",
           "pt.cast([1.7, -2.2], pt.int32)  # [ 1, -2]")
      .exports("tf");
  return true;
}();

}  // namespace

}  // namespace pt::ops
