// CPU kernels of the activation family: element-wise activations, relu's gradient and the fused bias_add_relu.
#include <algorithm>
#include <cmath>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "elementwise.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::register_each;
using namespace backend::activation;

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
      for (int64_t j = 0; j < c; ++j) o[j] = backend::relu_element(v[j] + bias[j]);
    }
  });
}

/** relu(value + bias), bias along value's last axis; value, bias and out of one float dtype. */
template <class T>
void bias_add_relu(const Tensor& value, const Tensor& bias, const Tensor& out) {
  if (value.is_contiguous() && bias.is_contiguous()) {
    bias_add_relu_rows(value.data<T>(), bias.data<T>(), out.data<T>(), value.numel(), value.shape().back());
  } else {
    const Strides bias_strides = broadcast_strides(bias.shape(), bias.strides(), value.shape());
    binary_map<T, T>(value.shape(), out, value, value.strides(), bias, bias_strides,
                     [](T v, T b) { return backend::relu_element(v + b); });
  }
}

}  // namespace

// Registers op ID's kernel: out = f(x) with f = MAP, an expression of `param` and `flag` giving a function of v.
#define PT_ACTIVATION(ID, MAP)                                                                  \
  register_each(FloatTypes{}, OpId::ID, Device::CPU, [](auto tag) {                             \
    using T = decltype(tag);                                                                    \
    return +[](const Tensor& x, const Tensor& out, double param, bool flag) {                   \
      const auto f = MAP;                                                                       \
      unary_map_scalar<T, T>(x, out, [&](T v) -> T { return f(v); });                           \
    };                                                                                          \
  })

void register_activation_kernels() {
  PT_ACTIVATION(relu6, [](T v) { return v != v ? v : std::min(std::max(v, T(0)), T(6)); });
  // leaky_relu as a vector select: the scalar form's conditional multiply (it may trap) kept GCC's loop scalar, 25x
  // relu's time.
  register_each(FloatTypes{}, OpId::leaky_relu, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& x, const Tensor& out, double param, bool) {
      const Vec<T> alpha = broadcast(static_cast<T>(param));
      unary_map_vec<T>(x, out, [alpha](Vec<T> v) { return v > Vec<T>{} ? v : alpha * v; });
    };
  });
  PT_ACTIVATION(elu, in_float64([](double v) { return v > 0 ? v : std::expm1(v); }));
  PT_ACTIVATION(selu, in_float64([](double v) {
    return v > 0 ? kSeluScale * v : kSeluScale * kSeluAlpha * std::expm1(v);
  }));
  // gelu: approximate (flag): 0.5 v (1 + tanh(z)) written as v sigmoid(2 z), since 1 + tanh(z) cancels for v << 0;
  // exact: 0.5 v (1 + erf(v / sqrt 2)) written with erfc, which does not cancel for v << 0.
  PT_ACTIVATION(gelu, in_float64([flag](double v) {
    return flag ? v * stable_sigmoid(2 * kSqrt2OverPi * (v + kGeluCubic * v * v * v))
                : 0.5 * v * std::erfc(-v * M_SQRT1_2);
  }));
  // softplus: max(v, 0) + log1p(exp(-|v|)): exp never overflows and small results keep their precision.
  PT_ACTIVATION(softplus, in_float64([](double v) {
    return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
  }));
  PT_ACTIVATION(softsign, [](T v) { return v / (T(1) + std::abs(v)); });
  PT_ACTIVATION(silu, in_float64([param](double v) { return v * stable_sigmoid(param * v); }));
  PT_ACTIVATION(hard_sigmoid, [](T v) { return v != v ? v : std::min(std::max(v + T(3), T(0)), T(6)) / T(6); });
  PT_ACTIVATION(erf, in_float64([](double v) { return std::erf(v); }));
  register_each(FloatTypes{}, OpId::relu_grad, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& dy, const Tensor& x, const Tensor& out) {
      binary_map<T, T>(x.shape(), out, dy, dy.strides(), x, x.strides(),
                       [](T g, T v) { return backend::relu_grad_element(g, v); });
    };
  });
  register_each(FloatTypes{}, OpId::bias_add_relu, Device::CPU,
                [](auto tag) { return &bias_add_relu<decltype(tag)>; });
}

#undef PT_ACTIVATION

}  // namespace pt::cpu
