// special family: the element-wise special functions of tf.math.special (Bessel functions of order 0 and 1, Dawson's
// integral, the exponential integral, the Fresnel integrals, Spence's function): the kernel call and TF's gradients,
// written with public ops (each derivative is another special function or elementary), so higher orders work.
#include <cmath>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
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

const bool registered = [] {
  for (OpId op : {OpId::bessel_i0, OpId::bessel_i0e, OpId::bessel_i1, OpId::bessel_i1e, OpId::bessel_j0,
                  OpId::bessel_j1, OpId::bessel_k0, OpId::bessel_k0e, OpId::bessel_k1, OpId::bessel_k1e,
                  OpId::bessel_y0, OpId::bessel_y1, OpId::dawsn, OpId::expint, OpId::fresnel_cos, OpId::fresnel_sin,
                  OpId::spence})
    autograd::register_gradient(op, grad_special);
  return true;
}();

}  // namespace
}  // namespace pt::ops
