// Activation family: element-wise activations of tf.nn / Keras, each a registry op with a gradient made of
// public ops (so second gradients work).
#include <cmath>
#include <memory>

#include "../autograd/grad_utils.h"
#include "../backend/cpu/elementwise.h"
#include "ops.h"

namespace pt::ops {

namespace {

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrt2OverPi = 0.79788456080286535587989211986876;  // sqrt(2 / pi), gelu's tanh form
constexpr double kGeluCubic = 0.044715;
constexpr double kInvSqrt2Pi = 0.39894228040143267793994605993438;   // 1 / sqrt(2 pi), the normal density at 0
constexpr double kTwoOverSqrtPi = 1.1283791670955125738961589031215;  // erf's derivative at 0

/**
 * Maps `x` element-wise with f(v) (f is a template over the element type, called as f(scalar_t{})),
 * then records `op` with its attributes.
 */
template <class F>
Tensor map_activation(OpId op, const Tensor& x, F f, Attrs attrs = attrs::None{}) {
  PT_OP_SCOPE;
  Tensor out;
  PT_DISPATCH_FLOAT(x.dtype(), op_def(op).name, {
    out = Tensor::empty(x.shape(), x.dtype());
    cpu::unary_map_scalar<scalar_t, scalar_t>(x, out, [&](scalar_t v) -> scalar_t { return f(v); });
  });
  PT_RECORD(op, {x}, {out}, std::move(attrs));
  return out;
}

/**
 * f computed in float64 and rounded, for activations made of transcendental functions: float32 results within an
 * ulp of the exact value (float32 erf / expm1 / tanh formulas lose digits to cancellation).
 */
template <class F> auto in_float64(F f) {
  return [f](auto v) { return static_cast<decltype(v)>(f(static_cast<double>(v))); };
}

/** A stable logistic: exp never overflows to inf / inf. */
template <class T> T stable_sigmoid(T v) {
  if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
  const T e = std::exp(v);
  return e / (T(1) + e);
}

/**
 * bias_add_relu on contiguous rows of `c` channels: one pass with the bias row held in cache and no per-element
 * index arithmetic (the strided broadcast map cost 3x the memory traffic on conv outputs).
 */
template <class T>
void bias_add_relu_rows(const T* value, const T* bias, T* out, int64_t numel, int64_t c) {
  const int64_t rows = c > 0 ? numel / c : 0;
  parallel_for(rows, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(c, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const T* __restrict v = value + r * c;
      T* __restrict o = out + r * c;
      // s <= 0 is false for NaN, so NaN passes through (relu's rule) without a branch.
      for (int64_t j = 0; j < c; ++j) {
        const T s = v[j] + bias[j];
        o[j] = s <= T(0) ? T(0) : s;
      }
    }
  });
}

}  // namespace

Tensor relu_grad(const Tensor& dy, const Tensor& x) {
  PT_OP_SCOPE;
  check_arg(dy.shape() == x.shape(), "relu_grad: gradients of shape ", shape_str(dy.shape()),
            " must have the shape of the features, ", shape_str(x.shape()));
  if (dy.dtype() != x.dtype())
    throw TypeError(str_cat("relu_grad: gradients (", dtype_name(dy.dtype()), ") and features (",
                            dtype_name(x.dtype()), ") must have one dtype"));
  Tensor out;
  PT_DISPATCH_FLOAT(x.dtype(), "relu_grad", {
    out = Tensor::empty(x.shape(), x.dtype());
    // NaN features give 0, as TF's gradients * (features > 0) does.
    cpu::binary_map<scalar_t, scalar_t>(x.shape(), out, dy, dy.strides(), x, x.strides(),
                                        [](scalar_t g, scalar_t v) { return v > scalar_t(0) ? g : scalar_t(0); });
  });
  PT_RECORD(OpId::relu_grad, {dy, x}, {out});
  return out;
}

Tensor bias_add_relu(const Tensor& value, const Tensor& bias) {
  PT_OP_SCOPE;
  const int64_t rank = static_cast<int64_t>(value.shape().size());
  check_arg(rank >= 1 && bias.shape().size() == 1 && bias.shape()[0] == value.shape()[rank - 1],
            "bias_add_relu: bias of shape ", shape_str(bias.shape()), " must be 1-D with the length of the last axis "
            "of value, of shape ", shape_str(value.shape()));
  if (value.dtype() != bias.dtype())
    throw TypeError(str_cat("bias_add_relu: value (", dtype_name(value.dtype()), ") and bias (",
                            dtype_name(bias.dtype()), ") must have one dtype"));
  Tensor out;
  PT_DISPATCH_FLOAT(value.dtype(), "bias_add_relu", {
    out = Tensor::empty(value.shape(), value.dtype());
    if (value.is_contiguous() && bias.is_contiguous()) {
      bias_add_relu_rows(value.data<scalar_t>(), bias.data<scalar_t>(), out.data<scalar_t>(), value.numel(),
                         value.shape()[rank - 1]);
    } else {
      const Strides bias_strides = broadcast_strides(bias.shape(), bias.strides(), value.shape());
      // NaN stays NaN (relu's rule); v > 0 is false for NaN, so it is tested first.
      cpu::binary_map<scalar_t, scalar_t>(value.shape(), out, value, value.strides(), bias, bias_strides,
                                          [](scalar_t v, scalar_t b) {
                                            const scalar_t s = v + b;
                                            return s > scalar_t(0) || s != s ? s : scalar_t(0);
                                          });
    }
  });
  PT_RECORD(OpId::bias_add_relu, {value, bias}, {out});
  return out;
}

Tensor relu6(const Tensor& x) {
  return map_activation(OpId::relu6, x, [](auto v) {
    using T = decltype(v);
    return v != v ? v : std::min(std::max(v, T(0)), T(6));
  });
}

Tensor leaky_relu(const Tensor& x, double alpha) {
  return map_activation(OpId::leaky_relu, x, [alpha](auto v) {
    using T = decltype(v);
    return v > T(0) ? v : static_cast<T>(alpha) * v;
  }, attrs::LeakyRelu{alpha});
}

Tensor elu(const Tensor& x) {
  return map_activation(OpId::elu, x, in_float64([](double v) { return v > 0 ? v : std::expm1(v); }));
}

Tensor selu(const Tensor& x) {
  return map_activation(OpId::selu, x, in_float64([](double v) {
    return v > 0 ? kSeluScale * v : kSeluScale * kSeluAlpha * std::expm1(v);
  }));
}

Tensor gelu(const Tensor& x, bool approximate) {
  if (approximate)
    // 0.5 v (1 + tanh(z)) written as v sigmoid(2 z): 1 + tanh(z) cancels for v << 0.
    return map_activation(OpId::gelu, x, in_float64([](double v) {
      return v * stable_sigmoid(2 * kSqrt2OverPi * (v + kGeluCubic * v * v * v));
    }), attrs::Gelu{true});
  // 0.5 v (1 + erf(v / sqrt 2)) written with erfc, which does not cancel for v << 0.
  return map_activation(OpId::gelu, x, in_float64([](double v) { return 0.5 * v * std::erfc(-v * M_SQRT1_2); }),
                        attrs::Gelu{false});
}

Tensor softplus(const Tensor& x) {
  // max(v, 0) + log1p(exp(-|v|)): exp never overflows and small results keep their precision.
  return map_activation(OpId::softplus, x, in_float64([](double v) {
    return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
  }));
}

Tensor softsign(const Tensor& x) {
  return map_activation(OpId::softsign, x, [](auto v) {
    using T = decltype(v);
    return v / (T(1) + std::abs(v));
  });
}

Tensor silu(const Tensor& x, double beta) {
  return map_activation(OpId::silu, x, in_float64([beta](double v) { return v * stable_sigmoid(beta * v); }),
                        attrs::Silu{beta});
}

Tensor hard_sigmoid(const Tensor& x) {
  return map_activation(OpId::hard_sigmoid, x, [](auto v) {
    using T = decltype(v);
    return v != v ? v : std::min(std::max(v + T(3), T(0)), T(6)) / T(6);
  });
}

Tensor erf(const Tensor& x) {
  return map_activation(OpId::erf, x, in_float64([](double v) { return std::erf(v); }));
}

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

const bool registered = [] {
  for (OpId op : {OpId::relu6, OpId::leaky_relu, OpId::elu, OpId::selu, OpId::gelu, OpId::softplus, OpId::softsign,
                  OpId::silu, OpId::hard_sigmoid, OpId::erf, OpId::relu_grad,
                  OpId::bias_add_relu})
    autograd::register_gradient(op, grad_activation);
  return true;
}();

}  // namespace
}  // namespace pt::ops
