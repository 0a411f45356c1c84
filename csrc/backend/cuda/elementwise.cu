// CUDA kernels of the element-wise ops: one templated kernel for every binary op with numpy broadcasting, one for
// every unary op (and the strided copy identity), each over any strides with a fast path for dense operands, and
// where's select over any strides.
#include <cstdint>

#include "../../core/device.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

using backend::register_each;
using backend::Types;

template <class T, class R, class F>
__global__ void binary_dense(const T* a, const T* b, R* out, int64_t n, bool a_scalar, bool b_scalar, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = f(a[a_scalar ? 0 : i], b[b_scalar ? 0 : i]);
}

template <class T, class R, class F>
__global__ void binary_strided(const T* a, const T* b, R* out, int64_t n, Layout<3> l, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[3];
    l.offsets(i, off);
    out[off[2]] = f(a[off[0]], b[off[1]]);
  }
}

/** out = f(a, b) over out's shape: a dense launch when each operand is dense of out's size or a single element. */
template <class T, class R, class F>
void run_binary(const char* op, const Tensor& a_in, const Tensor& b_in, const Tensor& out, F f) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const Tensor a = on_gpu(a_in, op), b = on_gpu(b_in, op);
  const bool dense = a.is_contiguous() && b.is_contiguous() && out.is_contiguous() &&
                     (a.numel() == n || a.numel() == 1) && (b.numel() == n || b.numel() == 1);
  if (dense) {
    binary_dense<<<grid_for(n), kThreads, 0, stream()>>>(a.data<T>(), b.data<T>(), out.data<R>(), n, a.numel() == 1 && n > 1,
                                                         b.numel() == 1 && n > 1, f);
  } else {
    const Strides sa = broadcast_strides(a.shape(), a.strides(), out.shape());
    const Strides sb = broadcast_strides(b.shape(), b.strides(), out.shape());
    const Strides* const strides[3] = {&sa, &sb, &out.strides()};
    binary_strided<<<grid_for(n), kThreads, 0, stream()>>>(a.data<T>(), b.data<T>(), out.data<R>(), n,
                                                           make_layout<3>(op, out.shape(), strides), f);
  }
  check_launch(op);
}

template <class T, class R, class F> __global__ void unary_dense(const T* x, R* out, int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = f(x[i]);
}

template <class T, class R, class F> __global__ void unary_strided(const T* x, R* out, int64_t n, Layout<2> l, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[2];
    l.offsets(i, off);
    out[off[1]] = f(x[off[0]]);
  }
}

/**
 * out = f(x) over x's shape (any strides on both; x may broadcast into out, as copy_into does). An `out` on the CPU
 * (copy_into a CPU destination from a GPU source: a CPU variable assigned a GPU value) is computed on the GPU, copied
 * to the host and written into `out` by the CPU's identity kernel.
 */
template <class T, class R, class F> void run_unary(const char* op, const Tensor& x_in, const Tensor& out, F f) {
  const int64_t n = out.numel();
  if (n == 0) return;
  if (out.device() != Device::CUDA) {
    const Tensor staged = Tensor::empty(out.shape(), out.dtype(), Device::CUDA);
    run_unary<T, R>(op, x_in, staged, f);
    backend::kernel<backend::UnaryKernel>(OpId::identity, Device::CPU, out.dtype())(
        copy_to_device(staged, Device::CPU), out);
    return;
  }
  const Tensor x = on_gpu(x_in, op);
  if (x.is_contiguous() && out.is_contiguous() && x.numel() == n) {
    unary_dense<<<grid_for(n), kThreads, 0, stream()>>>(x.data<T>(), out.data<R>(), n, f);
  } else {
    const Strides sx = broadcast_strides(x.shape(), x.strides(), out.shape());
    const Strides* const strides[2] = {&sx, &out.strides()};
    unary_strided<<<grid_for(n), kThreads, 0, stream()>>>(x.data<T>(), out.data<R>(), n,
                                                          make_layout<2>(op, out.shape(), strides), f);
  }
  check_launch(op);
}

template <class T>
__global__ void where_strided(const bool* c, const T* x, const T* y, T* out, Layout<4> l, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[4];
    l.offsets(i, off);
    out[off[3]] = c[off[0]] ? x[off[1]] : y[off[2]];
  }
}

/** where: out = cond ? x : y, the three broadcast to out's shape (backend::WhereKernel). */
template <class T> void where(const Tensor& c_in, const Tensor& x_in, const Tensor& y_in, const Tensor& out) {
  const Tensor c = on_gpu(c_in, "where"), x = on_gpu(x_in, "where"), y = on_gpu(y_in, "where");
  const Strides sc = broadcast_strides(c.shape(), c.strides(), out.shape());
  const Strides sx = broadcast_strides(x.shape(), x.strides(), out.shape());
  const Strides sy = broadcast_strides(y.shape(), y.strides(), out.shape());
  const Strides* const strides[4] = {&sc, &sx, &sy, &out.strides()};
  launch_over("where", out.numel(), where_strided<T>, c.data<bool>(), x.data<T>(), y.data<T>(), out.data<T>(),
              make_layout<4>("where", out.shape(), strides));
}

// ---- the functions (device functors; float and double through CUDA's overloaded math) ----
struct Add { template <class T> __device__ T operator()(T a, T b) const { return a + b; } };
struct Subtract { template <class T> __device__ T operator()(T a, T b) const { return a - b; } };
struct Multiply { template <class T> __device__ T operator()(T a, T b) const { return a * b; } };
struct Divide { template <class T> __device__ T operator()(T a, T b) const { return a / b; } };
struct Pow { template <class T> __device__ T operator()(T a, T b) const { return pow(a, b); } };
struct SquaredDifference {
  template <class T> __device__ T operator()(T a, T b) const { return (a - b) * (a - b); }
};
// numpy's maximum / minimum: a NaN in either operand gives NaN.
struct Maximum { template <class T> __device__ T operator()(T a, T b) const { return (a > b || a != a) ? a : b; } };
struct Minimum { template <class T> __device__ T operator()(T a, T b) const { return (a < b || a != a) ? a : b; } };
// The fused ops a traced Conv2D / Dense step with relu runs (bias along the last axis, broadcast as numpy's).
struct BiasAddRelu {
  template <class T> __device__ T operator()(T v, T b) const { return backend::relu_element(v + b); }
};
struct ReluGrad {
  template <class T> __device__ T operator()(T dy, T v) const { return backend::relu_grad_element(dy, v); }
};
struct Equal { template <class T> __device__ bool operator()(T a, T b) const { return a == b; } };
struct NotEqual { template <class T> __device__ bool operator()(T a, T b) const { return a != b; } };
struct Less { template <class T> __device__ bool operator()(T a, T b) const { return a < b; } };
struct LessEqual { template <class T> __device__ bool operator()(T a, T b) const { return a <= b; } };
struct Greater { template <class T> __device__ bool operator()(T a, T b) const { return a > b; } };
struct GreaterEqual { template <class T> __device__ bool operator()(T a, T b) const { return a >= b; } };

struct LogicalAnd { __device__ bool operator()(bool a, bool b) const { return a && b; } };
struct LogicalOr { __device__ bool operator()(bool a, bool b) const { return a || b; } };

struct Identity { template <class T> __device__ T operator()(T x) const { return x; } };
struct LogicalNot { __device__ bool operator()(bool x) const { return !x; } };
struct Negative { template <class T> __device__ T operator()(T x) const { return -x; } };
struct Abs { template <class T> __device__ T operator()(T x) const { return x < T(0) ? -x : x; } };
struct Square { template <class T> __device__ T operator()(T x) const { return x * x; } };
struct Relu { template <class T> __device__ T operator()(T x) const { return backend::relu_element(x); } };
struct Exp { template <class T> __device__ T operator()(T x) const { return exp(x); } };
struct Log { template <class T> __device__ T operator()(T x) const { return log(x); } };
struct Log1p { template <class T> __device__ T operator()(T x) const { return log1p(x); } };
struct Expm1 { template <class T> __device__ T operator()(T x) const { return expm1(x); } };
struct Sqrt { template <class T> __device__ T operator()(T x) const { return sqrt(x); } };
struct Rsqrt { template <class T> __device__ T operator()(T x) const { return rsqrt(x); } };
struct Reciprocal { template <class T> __device__ T operator()(T x) const { return T(1) / x; } };
struct Sin { template <class T> __device__ T operator()(T x) const { return sin(x); } };
struct Cos { template <class T> __device__ T operator()(T x) const { return cos(x); } };
struct Tanh { template <class T> __device__ T operator()(T x) const { return tanh(x); } };
// exp of a non-positive argument only, so neither tail overflows.
struct Sigmoid {
  template <class T> __device__ T operator()(T x) const {
    const T e = exp(-abs(x));
    return x >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
  }
};

/** cast's conversion to R (shared_math.h: the CPU's). */
template <class R> struct Cast {
  template <class T> __device__ R operator()(T v) const { return backend::cast_element<R>(v); }
};

/** cast (keyed by x's dtype) to out's dtype: on the GPU between bool, uint8, int32, int64, float and double; to the
 *  other dtypes (narrow integers, halves, complex) the CPU's kernel on host copies, as the fallback would run it. */
template <class T> void cast(const Tensor& x, const Tensor& out) {
  switch (out.dtype()) {
    case DType::Bool: return run_unary<T, bool>("cast", x, out, Cast<bool>{});
    case DType::UInt8: return run_unary<T, uint8_t>("cast", x, out, Cast<uint8_t>{});
    case DType::Int32: return run_unary<T, int32_t>("cast", x, out, Cast<int32_t>{});
    case DType::Int64: return run_unary<T, int64_t>("cast", x, out, Cast<int64_t>{});
    case DType::Float32: return run_unary<T, float>("cast", x, out, Cast<float>{});
    case DType::Float64: return run_unary<T, double>("cast", x, out, Cast<double>{});
    default: return backend::kernel<backend::UnaryKernel>(OpId::cast, Device::CPU, x.dtype())(x, out);
  }
}

using FloatTypes = Types<float, double>;
using ArithmeticTypes = Types<int32_t, int64_t, float, double>;

/** Registers F as op Op's binary kernel for each of `types` (bool outputs for the comparisons). */
template <OpId Op, class F, class... Ts> void register_binary(Types<Ts...> types) {
  register_each(types, Op, Device::CUDA, [](auto t) -> backend::BinaryKernel* {
    using T = decltype(t);
    return [](const Tensor& a, const Tensor& b, const Tensor& out) {
      using R = decltype(F{}(T{}, T{}));
      run_binary<T, R>(op_def(Op).name, a, b, out, F{});
    };
  });
}

/** Registers F as op Op's unary kernel for each of `types`. */
template <OpId Op, class F, class... Ts> void register_unary(Types<Ts...> types) {
  register_each(types, Op, Device::CUDA, [](auto t) -> backend::UnaryKernel* {
    using T = decltype(t);
    return [](const Tensor& x, const Tensor& out) { run_unary<T, T>(op_def(Op).name, x, out, F{}); };
  });
}

}  // namespace

void register_elementwise_kernels() {
  register_binary<OpId::add, Add>(ArithmeticTypes{});
  register_binary<OpId::subtract, Subtract>(ArithmeticTypes{});
  register_binary<OpId::multiply, Multiply>(ArithmeticTypes{});
  register_binary<OpId::divide, Divide>(FloatTypes{});
  register_binary<OpId::pow, Pow>(FloatTypes{});
  register_binary<OpId::maximum, Maximum>(ArithmeticTypes{});
  register_binary<OpId::minimum, Minimum>(ArithmeticTypes{});
  register_binary<OpId::squared_difference, SquaredDifference>(FloatTypes{});
  register_binary<OpId::logical_and, LogicalAnd>(Types<bool>{});
  register_binary<OpId::logical_or, LogicalOr>(Types<bool>{});
  register_binary<OpId::bias_add_relu, BiasAddRelu>(FloatTypes{});
  register_binary<OpId::relu_grad, ReluGrad>(FloatTypes{});
  register_binary<OpId::equal, Equal>(ArithmeticTypes{});
  register_binary<OpId::not_equal, NotEqual>(ArithmeticTypes{});
  register_binary<OpId::less, Less>(ArithmeticTypes{});
  register_binary<OpId::less_equal, LessEqual>(ArithmeticTypes{});
  register_binary<OpId::greater, Greater>(ArithmeticTypes{});
  register_binary<OpId::greater_equal, GreaterEqual>(ArithmeticTypes{});

  register_unary<OpId::identity, Identity>(Types<bool, uint8_t, int32_t, int64_t, float, double>{});
  register_unary<OpId::logical_not, LogicalNot>(Types<bool>{});
  register_unary<OpId::negative, Negative>(ArithmeticTypes{});
  register_unary<OpId::abs, Abs>(ArithmeticTypes{});
  register_unary<OpId::square, Square>(ArithmeticTypes{});
  register_unary<OpId::relu, Relu>(FloatTypes{});
  register_unary<OpId::exp, Exp>(FloatTypes{});
  register_unary<OpId::log, Log>(FloatTypes{});
  register_unary<OpId::log1p, Log1p>(FloatTypes{});
  register_unary<OpId::expm1, Expm1>(FloatTypes{});
  register_unary<OpId::sqrt, Sqrt>(FloatTypes{});
  register_unary<OpId::rsqrt, Rsqrt>(FloatTypes{});
  register_unary<OpId::reciprocal, Reciprocal>(FloatTypes{});
  register_unary<OpId::sin, Sin>(FloatTypes{});
  register_unary<OpId::cos, Cos>(FloatTypes{});
  register_unary<OpId::tanh, Tanh>(FloatTypes{});
  register_unary<OpId::sigmoid, Sigmoid>(FloatTypes{});
  register_each(Types<bool, uint8_t, int32_t, int64_t, float, double>{}, OpId::where, Device::CUDA,
                [](auto t) { return &where<decltype(t)>; });
  register_each(Types<bool, uint8_t, int32_t, int64_t, float, double>{}, OpId::cast, Device::CUDA,
                [](auto t) { return &cast<decltype(t)>; });
}

}  // namespace pt::cuda
