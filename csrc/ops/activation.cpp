// Activation family: element-wise activations of tf.nn / Keras, each a registry op with a gradient made of
// public ops (so second gradients work).
#include <cmath>
#include <memory>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::kernel;
using namespace backend::activation;
constexpr double kInvSqrt2Pi = 0.39894228040143267793994605993438;   // 1 / sqrt(2 pi), the normal density at 0
constexpr double kTwoOverSqrtPi = 1.1283791670955125738961589031215;  // erf's derivative at 0

/**
 * Maps `x` element-wise by op's kernel with its float parameter and flag, then records `op` with its attributes.
 */
Tensor map_activation(OpId op, const Tensor& x, Attrs attrs = attrs::None{}, double param = 0, bool flag = false) {
  if (computes_in_float32(x.dtype())) return cast(map_activation(op, widened(x), attrs, param, flag), x.dtype());
  PT_OP_SCOPE;
  backend::ActivationKernel* run = kernel<backend::ActivationKernel>(op, x.device(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  run(x, out, param, flag);
  PT_RECORD(op, {x}, {out}, std::move(attrs));
  return out;
}

}  // namespace

Tensor relu_grad(const Tensor& dy, const Tensor& x) {
  if (computes_in_float32(x.dtype()) && dy.dtype() == x.dtype())
    return cast(relu_grad(widened(dy), widened(x)), x.dtype());
  PT_OP_SCOPE;
  check_arg(dy.shape() == x.shape(), "relu_grad: gradients of shape ", shape_str(dy.shape()),
            " must have the shape of the features, ", shape_str(x.shape()));
  if (dy.dtype() != x.dtype())
    throw TypeError(str_cat("relu_grad: gradients (", dtype_name(dy.dtype()), ") and features (",
                            dtype_name(x.dtype()), ") must have one dtype"));
  backend::BinaryKernel* run = kernel<backend::BinaryKernel>(OpId::relu_grad, x.device(), x.dtype());
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  run(dy, x, out);
  PT_RECORD(OpId::relu_grad, {dy, x}, {out});
  return out;
}

Tensor bias_add_relu(const Tensor& value, const Tensor& bias) {
  if (computes_in_float32(value.dtype()) && value.dtype() == bias.dtype())
    return cast(bias_add_relu(widened(value), widened(bias)), value.dtype());
  PT_OP_SCOPE;
  const int64_t rank = static_cast<int64_t>(value.shape().size());
  check_arg(rank >= 1 && bias.shape().size() == 1 && bias.shape()[0] == value.shape()[rank - 1],
            "bias_add_relu: bias of shape ", shape_str(bias.shape()), " must be 1-D with the length of the last axis "
            "of value, of shape ", shape_str(value.shape()));
  if (value.dtype() != bias.dtype())
    throw TypeError(str_cat("bias_add_relu: value (", dtype_name(value.dtype()), ") and bias (",
                            dtype_name(bias.dtype()), ") must have one dtype"));
  backend::BinaryKernel* run = kernel<backend::BinaryKernel>(OpId::bias_add_relu, value.device(), value.dtype());
  Tensor out = Tensor::empty(value.shape(), value.dtype(), value.device());
  run(value, bias, out);
  PT_RECORD(OpId::bias_add_relu, {value, bias}, {out});
  return out;
}

Tensor relu6(const Tensor& x) { return map_activation(OpId::relu6, x); }

Tensor leaky_relu(const Tensor& x, double alpha) {
  return map_activation(OpId::leaky_relu, x, attrs::LeakyRelu{alpha}, alpha);
}

Tensor elu(const Tensor& x) { return map_activation(OpId::elu, x); }

Tensor selu(const Tensor& x) { return map_activation(OpId::selu, x); }

Tensor gelu(const Tensor& x, bool approximate) {
  return map_activation(OpId::gelu, x, attrs::Gelu{approximate}, 0, approximate);
}

Tensor softplus(const Tensor& x) { return map_activation(OpId::softplus, x); }

Tensor softsign(const Tensor& x) { return map_activation(OpId::softsign, x); }

Tensor silu(const Tensor& x, double beta) { return map_activation(OpId::silu, x, attrs::Silu{beta}, beta); }

Tensor hard_sigmoid(const Tensor& x) { return map_activation(OpId::hard_sigmoid, x); }

Tensor erf(const Tensor& x) { return map_activation(OpId::erf, x); }

// ---- gradients -------------------------------------------------------------------------
namespace {

using autograd::add;
using autograd::mul;
using autograd::scalar;
using autograd::sub;
using Grads = std::vector<Tensor>;

Tensor greater(const Tensor& x, double v) { return binary(OpId::greater, x, scalar(v, x.dtype())); }
Tensor less(const Tensor& x, double v) { return binary(OpId::less, x, scalar(v, x.dtype())); }
/** dy where lo < x < hi, else 0. */
Tensor pass_inside(const Tensor& dy, const Tensor& x, double lo, double hi) {
  return where(binary(OpId::logical_and, greater(x, lo), less(x, hi)), dy, zeros_like(dy, std::nullopt));
}

Grads grad_activation(const autograd::Node& n, const Grads& gs) {
  const Tensor& x = n.inputs[0];
  const Tensor& y = n.outputs[0];
  const Tensor& dy = gs[0];
  const DType dt = x.dtype();
  auto c = [dt](double v) { return scalar(v, dt); };
  switch (n.op) {
    case OpId::relu6: return {pass_inside(dy, x, 0, 6)};
    case OpId::hard_sigmoid: return {pass_inside(mul(dy, c(1.0 / 6)), x, -3, 3)};
    case OpId::leaky_relu: return {where(greater(x, 0), dy, mul(dy, c(n.attr<attrs::LeakyRelu>().alpha)))};
    // For x <= 0: d/dx expm1(x) = y + 1, and selu's y + scale * alpha.
    case OpId::elu: return {where(greater(x, 0), dy, mul(dy, add(y, c(1))))};
    case OpId::selu:
      return {where(greater(x, 0), mul(dy, c(kSeluScale)), mul(dy, add(y, c(kSeluScale * kSeluAlpha))))};
    case OpId::gelu: {
      if (n.attr<attrs::Gelu>().approximate) {
        // 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3k x^2), t = tanh(sqrt(2/pi) (x + k x^3))
        Tensor x2 = mul(x, x);
        Tensor t = unary(OpId::tanh, mul(c(kSqrt2OverPi), add(x, mul(c(kGeluCubic), mul(x2, x)))));
        Tensor inner = mul(c(0.5 * kSqrt2OverPi), mul(x, sub(c(1), mul(t, t))));
        Tensor d = add(mul(c(0.5), add(c(1), t)), mul(inner, add(c(1), mul(c(3 * kGeluCubic), x2))));
        return {mul(dy, d)};
      }
      // Phi(x) + x phi(x)
      Tensor cdf = mul(c(0.5), add(c(1), erf(mul(x, c(M_SQRT1_2)))));
      Tensor pdf = mul(c(kInvSqrt2Pi), unary(OpId::exp, mul(c(-0.5), mul(x, x))));
      return {mul(dy, add(cdf, mul(x, pdf)))};
    }
    case OpId::softplus: return {mul(dy, unary(OpId::sigmoid, x))};
    case OpId::softsign: {
      Tensor den = add(c(1), unary(OpId::abs, x));
      return {autograd::div(dy, mul(den, den))};
    }
    case OpId::silu: {
      // s (1 + beta x (1 - s)), s = sigmoid(beta x)
      Tensor bx = mul(c(n.attr<attrs::Silu>().beta), x);
      Tensor s = unary(OpId::sigmoid, bx);
      return {mul(dy, mul(s, add(c(1), mul(bx, sub(c(1), s)))))};
    }
    case OpId::erf: return {mul(dy, mul(c(kTwoOverSqrtPi), unary(OpId::exp, autograd::neg(mul(x, x)))))};
    // Linear in the incoming gradient with the same mask; piecewise constant in the features.
    case OpId::relu_grad: return {relu_grad(dy, n.inputs[1]), zeros_like(n.inputs[1], std::nullopt)};
    case OpId::bias_add_relu: {
      // relu's gradient where the output is positive; the bias collects it over every axis but the last.
      Tensor dvalue = relu_grad(dy, y);
      std::vector<int64_t> axes(x.shape().size() - 1);
      for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
      return {dvalue, reduce(OpId::reduce_sum, dvalue, axes, false, false)};
    }
    default: return {Tensor()};
  }
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::relu6)
      .invoke([](const Invocation& node) -> Outputs { return {relu6(node.in(0))}; })
      .gradient(grad_activation)
      .doc("relu6(features, name=None)",
           "Computes Rectified Linear 6: `min(max(features, 0), 6)`.",
           "features: a float tensor.",
           "pt.nn.relu6([-1.0, 3.0, 9.0])  # [0., 3., 6.]")
      .exports("tf.nn");
  define_op(OpId::leaky_relu)
      .invoke([](const Invocation& node) -> Outputs {
        return {leaky_relu(node.in(0), node.attr<attrs::LeakyRelu>().alpha)};
      })
      .gradient(grad_activation)
      .doc("leaky_relu(features, alpha=0.2, name=None)",
           "Compute the Leaky ReLU activation function.",
           "features: a float tensor.\n"
           "alpha: the slope for x < 0.",
           "pt.nn.leaky_relu([-1.0, 2.0], alpha=0.1)  # [-0.1, 2. ]")
      .exports("tf.nn");
  define_op(OpId::elu)
      .invoke([](const Invocation& node) -> Outputs { return {elu(node.in(0))}; })
      .gradient(grad_activation)
      .doc("elu(features, name=None)",
           "Computes the exponential linear function.",
           "features: a float tensor.",
           "pt.nn.elu([-1.0, 2.0])  # [-0.6321, 2. ]")
      .exports("tf.nn");
  define_op(OpId::selu)
      .invoke([](const Invocation& node) -> Outputs { return {selu(node.in(0))}; })
      .gradient(grad_activation)
      .doc("selu(features, name=None)",
           "Computes scaled exponential linear: `scale * alpha * (exp(features) - 1)` if < 0, `scale * features` "
           "otherwise.",
           "features: a float tensor.",
           "pt.nn.selu([-1.0, 2.0])  # [-1.1113, 2.1014]")
      .exports("tf.nn");
  define_op(OpId::gelu)
      .invoke([](const Invocation& node) -> Outputs {
        return {gelu(node.in(0), node.attr<attrs::Gelu>().approximate)};
      })
      .gradient(grad_activation)
      .doc("gelu(features, approximate=False, name=None)",
           "Compute the Gaussian Error Linear Unit (GELU) activation function.",
           "features: a float tensor.\n"
           "approximate: if True, use the tanh approximation.",
           "pt.nn.gelu([-1.0, 0.0, 1.0])  # [-0.1587, 0. , 0.8413]")
      .exports("tf.nn");
  define_op(OpId::softplus)
      .invoke([](const Invocation& node) -> Outputs { return {softplus(node.in(0))}; })
      .gradient(grad_activation)
      .doc("softplus(features, name=None)",
           "Computes elementwise softplus: `softplus(x) = log(exp(x) + 1)`.",
           "features: a float tensor.",
           "pt.nn.softplus([-1.0, 0.0, 1.0])  # [0.3133, 0.6931, 1.3133]")
      .exports("tf.math tf.nn");
  define_op(OpId::softsign)
      .invoke([](const Invocation& node) -> Outputs { return {softsign(node.in(0))}; })
      .gradient(grad_activation)
      .doc("softsign(features, name=None)",
           "Computes softsign: `features / (abs(features) + 1)`.",
           "features: a float tensor.",
           "pt.nn.softsign([-1.0, 3.0])  # [-0.5 , 0.75]")
      .exports("tf.math tf.nn");
  define_op(OpId::silu)
      .invoke([](const Invocation& node) -> Outputs { return {silu(node.in(0), node.attr<attrs::Silu>().beta)}; })
      .gradient(grad_activation)
      .doc("silu(features, beta=1.0, name=None)",
           "Computes the SiLU or Swish activation function: `x * sigmoid(beta * x)`.",
           "features: a float tensor.\n"
           "beta: the sigmoid's scale.",
           "pt.nn.silu([-1.0, 0.0, 1.0])  # [-0.2689, 0. , 0.7311]")
      .exports("tf.nn");
  define_op(OpId::hard_sigmoid)
      .invoke([](const Invocation& node) -> Outputs { return {hard_sigmoid(node.in(0))}; })
      .gradient(grad_activation)
      .doc("hard_sigmoid(x, name=None)",
           "Computes Keras 3's hard sigmoid: `relu6(x + 3) / 6`.",
           "x: a float tensor.",
           "pt._core.hard_sigmoid([-4.0, 0.0, 1.5])  # [0. , 0.5 , 0.75]");
  define_op(OpId::erf)
      .invoke([](const Invocation& node) -> Outputs { return {erf(node.in(0))}; })
      .gradient(grad_activation)
      .doc("erf(x, name=None)",
           "Computes the Gauss error function of `x` element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
           "pt.math.erf([0.0, 0.5, 1.0])  # [0. , 0.5205, 0.8427]")
      .exports("tf.math");
  define_op(OpId::relu_grad)
      .invoke([](const Invocation& node) -> Outputs { return {relu_grad(node.in(0), node.in(1))}; })
      .gradient(grad_activation)
      .internal("relu_grad(gradients, features, name=None)",
                "gradients where features > 0, else 0.");
  define_op(OpId::bias_add_relu)
      .invoke([](const Invocation& node) -> Outputs { return {bias_add_relu(node.in(0), node.in(1))}; })
      .gradient(grad_activation)
      .internal("bias_add_relu(value, bias, name=None)",
                "relu(value + bias) in one pass (bias: 1-D).");
  return true;
}();

}  // namespace

}  // namespace pt::ops
