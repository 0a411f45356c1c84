// special family: the element-wise special functions of tf.math.special (Bessel functions of order 0 and 1, Dawson's
// integral, the exponential integral, the Fresnel integrals, Spence's function): the kernel call and TF's gradients,
// written with public ops (each derivative is another special function or elementary), so higher orders work.
#include <cmath>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

Tensor special_function(OpId op, const Tensor& x) {
  if (computes_in_float32(x.dtype())) return cast(special_function(op, widened(x)), x.dtype());
  PT_OP_SCOPE;
  backend::UnaryKernel* run = backend::kernel<backend::UnaryKernel>(op, x.device(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  run(x, out);
  PT_RECORD(op, {x}, {out});
  return out;
}

namespace {

using autograd::add;
using autograd::div;
using autograd::mul;
using autograd::neg;
using autograd::scalar;
using autograd::sub;
using Grads = std::vector<Tensor>;

/** `at_zero` where x == 0, else `value`: TF's imputed derivative where its formula divides by x. */
Tensor or_at_zero(const Tensor& x, double at_zero, const Tensor& value) {
  return where(binary(OpId::equal, x, scalar(0, x.dtype())), scalar(at_zero, x.dtype()), value);
}

/** The derivative of special function n.op at its input (TF's formulas, math_grad.py). */
Tensor derivative(const autograd::Node& n) {
  const Tensor& x = n.inputs[0];
  const Tensor& y = n.outputs[0];
  const DType dt = x.dtype();
  auto c = [dt](double v) { return scalar(v, dt); };
  auto f = [](OpId op, const Tensor& v) { return special_function(op, v); };
  switch (n.op) {
    case OpId::bessel_i0: return f(OpId::bessel_i1, x);
    case OpId::bessel_i0e: return sub(f(OpId::bessel_i1e, x), mul(unary(OpId::sign, x), y));
    // TF imputes 1 at x = 0 (the true derivative is 1/2); its value is kept so that gradients match TF's.
    case OpId::bessel_i1: return or_at_zero(x, 1.0, sub(f(OpId::bessel_i0, x), div(y, x)));
    case OpId::bessel_i1e:
      return or_at_zero(x, 0.5, sub(f(OpId::bessel_i0e, x),
                                    mul(y, add(unary(OpId::sign, x), unary(OpId::reciprocal, x)))));
    case OpId::bessel_j0: return neg(f(OpId::bessel_j1, x));
    case OpId::bessel_j1: return or_at_zero(x, 0.5, sub(f(OpId::bessel_j0, x), div(y, x)));
    case OpId::bessel_k0: return neg(f(OpId::bessel_k1, x));
    case OpId::bessel_k0e: return sub(y, f(OpId::bessel_k1e, x));
    case OpId::bessel_k1: return sub(neg(f(OpId::bessel_k0, x)), div(y, x));
    case OpId::bessel_k1e: return sub(mul(y, sub(c(1), unary(OpId::reciprocal, x))), f(OpId::bessel_k0e, x));
    case OpId::bessel_y0: return neg(f(OpId::bessel_y1, x));
    case OpId::bessel_y1: return sub(f(OpId::bessel_y0, x), div(y, x));
    case OpId::dawsn: return sub(c(1), mul(c(2), mul(x, y)));
    case OpId::expint: return div(unary(OpId::exp, x), x);
    case OpId::fresnel_cos: return unary(OpId::cos, mul(c(M_PI / 2), mul(x, x)));
    case OpId::fresnel_sin: return unary(OpId::sin, mul(c(M_PI / 2), mul(x, x)));
    case OpId::spence:
      return where(binary(OpId::equal, x, c(1)), c(-1), div(unary(OpId::log, x), sub(c(1), x)));
    default: return Tensor();
  }
}

Grads grad_special(const autograd::Node& n, const Grads& gs) { return {mul(gs[0], derivative(n))}; }

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

/** Runs bessel_i0 and the ops beside it from a node. */
Outputs invoke_special_function(const Invocation& node) {
  return {special_function(node.op, node.in(0))};
}

const bool defined = [] {
  define_op(OpId::bessel_i0)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_i0(x, name=None)",
           "Computes the Bessel i0 function of `x` element-wise (modified Bessel function of the first kind, order "
           "0).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_i0([0.5, 2.0])  # [1.0635, 2.2796]")
      .exports("tf.math tf.math.special");
  define_op(OpId::bessel_i0e)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_i0e(x, name=None)",
           "Computes the Bessel i0e function of `x` element-wise (exponentially scaled: exp(-|x|) i0(x)).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_i0e([0.5, 2.0])  # [0.6450, 0.3085]")
      .exports("tf.math tf.math.special");
  define_op(OpId::bessel_i1)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_i1(x, name=None)",
           "Computes the Bessel i1 function of `x` element-wise (modified Bessel function of the first kind, order "
           "1).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_i1([0.5, 2.0])  # [0.2579, 1.5906]")
      .exports("tf.math tf.math.special");
  define_op(OpId::bessel_i1e)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_i1e(x, name=None)",
           "Computes the Bessel i1e function of `x` element-wise (exponentially scaled: exp(-|x|) i1(x)).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_i1e([0.5, 2.0])  # [0.1564, 0.2153]")
      .exports("tf.math tf.math.special");
  define_op(OpId::bessel_j0)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_j0(x, name=None)",
           "Computes the Bessel j0 function of `x` element-wise (Bessel function of the first kind, order 0).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_j0([0.5, 2.0])  # [0.9385, 0.2239]")
      .exports("tf.math.special");
  define_op(OpId::bessel_j1)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_j1(x, name=None)",
           "Computes the Bessel j1 function of `x` element-wise (Bessel function of the first kind, order 1).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_j1([0.5, 2.0])  # [0.2423, 0.5767]")
      .exports("tf.math.special");
  define_op(OpId::bessel_k0)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_k0(x, name=None)",
           "Computes the Bessel k0 function of `x` element-wise (modified Bessel function of the second kind, order "
           "0).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_k0([0.5, 2.0])  # [0.9244, 0.1139]")
      .exports("tf.math.special");
  define_op(OpId::bessel_k0e)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_k0e(x, name=None)",
           "Computes the Bessel k0e function of `x` element-wise (exponentially scaled: exp(x) k0(x)).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_k0e([0.5, 2.0])  # [1.5241, 0.8416]")
      .exports("tf.math.special");
  define_op(OpId::bessel_k1)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_k1(x, name=None)",
           "Computes the Bessel k1 function of `x` element-wise (modified Bessel function of the second kind, order "
           "1).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_k1([0.5, 2.0])  # [1.6564, 0.1399]")
      .exports("tf.math.special");
  define_op(OpId::bessel_k1e)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_k1e(x, name=None)",
           "Computes the Bessel k1e function of `x` element-wise (exponentially scaled: exp(x) k1(x)).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_k1e([0.5, 2.0])  # [2.7310, 1.0335]")
      .exports("tf.math.special");
  define_op(OpId::bessel_y0)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_y0(x, name=None)",
           "Computes the Bessel y0 function of `x` element-wise (Bessel function of the second kind, order 0).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_y0([0.5, 2.0])  # [-0.4445, 0.5104]")
      .exports("tf.math.special");
  define_op(OpId::bessel_y1)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("bessel_y1(x, name=None)",
           "Computes the Bessel y1 function of `x` element-wise (Bessel function of the second kind, order 1).",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.bessel_y1([0.5, 2.0])  # [-1.4715, -0.1070]")
      .exports("tf.math.special");
  define_op(OpId::dawsn)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("dawsn(x, name=None)",
           "Computes Dawson's integral of `x` element-wise: exp(-x^2) times the integral of exp(t^2) from 0 to x.",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.dawsn([0.5, 2.0])  # [0.4244, 0.3013]")
      .exports("tf.math.special");
  define_op(OpId::expint)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("expint(x, name=None)",
           "Computes the Exponential integral Ei of `x` element-wise.",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.expint([0.5, 2.0])  # [0.4542, 4.9542]")
      .exports("tf.math.special");
  define_op(OpId::fresnel_cos)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("fresnel_cos(x, name=None)",
           "Computes Fresnel's cosine integral of `x` element-wise: the integral of cos(pi t^2 / 2) from 0 to x.",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.fresnel_cos([0.5, 2.0])  # [0.4923, 0.4883]")
      .exports("tf.math.special");
  define_op(OpId::fresnel_sin)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("fresnel_sin(x, name=None)",
           "Computes Fresnel's sine integral of `x` element-wise: the integral of sin(pi t^2 / 2) from 0 to x.",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.fresnel_sin([0.5, 2.0])  # [0.0647, 0.3434]")
      .exports("tf.math.special");
  define_op(OpId::spence)
      .invoke(invoke_special_function)
      .gradient(grad_special)
      .doc("spence(x, name=None)",
           "Computes Spence's integral of `x` element-wise: the integral of log(t) / (1 - t) from 1 to x.",
           "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
           "pt.math.special.spence([0.5, 2.0])  # [0.5822, -0.8225]")
      .exports("tf.math.special");
  return true;
}();

}  // namespace

}  // namespace pt::ops
