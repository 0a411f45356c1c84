// CUDA kernels of conv2d and its two gradients over dense NHWC inputs and HWIO filters, every stride, padding and
// dilation the ops accept: direct products with the CPU's tap arithmetic (shared_math.h). One thread per output
// element (forward) or input-gradient element (gathered over the taps that read it: no atomics), and one block per
// filter-gradient element (a fixed tree over the output pixels); so every result is deterministic. No cuDNN: these
// are the correct baseline that a tiled implicit GEMM would replace for speed. The fused conv2d_max_pool ops (which a
// traced Conv2D -> MaxPooling2D step uses) run as the convolution and the max pooling kernels over a GPU buffer.
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "pool.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

using backend::conv_input_index;
using backend::conv_output_index;
using backend::ConvGeometry;

template <class T>
__global__ void conv_forward(const T* x, const T* w, T* y, ConvGeometry g, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc o(i, g.oh, g.ow, g.co);  // its channel is the output channel
    const T* image = x + o.b * g.h * g.w * g.c;
    T acc = 0;
    for (int64_t ky = 0; ky < g.kh; ++ky) {
      const int64_t iy = conv_input_index(o.y, g.sh, g.pad_top, ky, g.dh);
      if (iy < 0 || iy >= g.h) continue;
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t ix = conv_input_index(o.x, g.sw, g.pad_left, kx, g.dw);
        if (ix < 0 || ix >= g.w) continue;
        const T* in = image + (iy * g.w + ix) * g.c;
        const T* tap = w + (ky * g.kw + kx) * g.c * g.co + o.c;  // w[ky, kx, 0, o]
        for (int64_t ci = 0; ci < g.c; ++ci) acc += in[ci] * tap[ci * g.co];
      }
    }
    y[i] = acc;
  }
}

template <class T>
__global__ void conv_backward_input(const T* w, const T* dy, T* dx, ConvGeometry g, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc e(i, g.h, g.w, g.c);
    const T* grads = dy + e.b * g.oh * g.ow * g.co;
    T acc = 0;
    for (int64_t ky = 0; ky < g.kh; ++ky) {
      const int64_t oy = conv_output_index(e.y, g.sh, g.pad_top, ky, g.dh, g.oh);
      if (oy < 0) continue;
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t ox = conv_output_index(e.x, g.sw, g.pad_left, kx, g.dw, g.ow);
        if (ox < 0) continue;
        const T* gy = grads + (oy * g.ow + ox) * g.co;
        const T* tap = w + ((ky * g.kw + kx) * g.c + e.c) * g.co;  // w[ky, kx, c, 0]
        for (int64_t o = 0; o < g.co; ++o) acc += gy[o] * tap[o];
      }
    }
    dx[i] = acc;
  }
}

template <class T>
__global__ void conv_backward_filter(const T* x, const T* dy, T* dw, ConvGeometry g, int64_t size) {
  __shared__ T scratch[kThreads];
  const int64_t pixels = g.n * g.oh * g.ow;
  for (int64_t e = blockIdx.x; e < size; e += gridDim.x) {  // dw[ky, kx, c, o]; uniform across the block
    const int64_t o = e % g.co, ci = e / g.co % g.c, kx = e / (g.co * g.c) % g.kw, ky = e / (g.co * g.c * g.kw);
    T acc = 0;
    for (int64_t p = threadIdx.x; p < pixels; p += blockDim.x) {  // output pixel (b, oy, ox)
      const int64_t ox = p % g.ow, oy = p / g.ow % g.oh, b = p / (g.ow * g.oh);
      const int64_t iy = conv_input_index(oy, g.sh, g.pad_top, ky, g.dh);
      const int64_t ix = conv_input_index(ox, g.sw, g.pad_left, kx, g.dw);
      if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w)
        acc += x[((b * g.h + iy) * g.w + ix) * g.c + ci] * dy[p * g.co + o];
    }
    acc = block_reduce(acc, scratch, [](T a, T b) { return a + b; });
    if (threadIdx.x == 0) dw[e] = acc;
  }
}

template <class T> void conv2d(const ConvGeometry& g, const Tensor& x_in, const Tensor& w_in, const Tensor& y) {
  const Tensor x = on_gpu(x_in, "conv2d"), w = on_gpu(w_in, "conv2d");
  launch_over("conv2d", y.numel(), conv_forward<T>, x.data<T>(), w.data<T>(), y.data<T>(), g);
}

template <class T>
void conv2d_backprop_input(const ConvGeometry& g, const Tensor& w_in, const Tensor& dy_in, const Tensor& dx) {
  const char* op = "conv2d_backprop_input";
  const Tensor w = on_gpu(w_in, op), dy = on_gpu(dy_in, op);
  launch_over(op, dx.numel(), conv_backward_input<T>, w.data<T>(), dy.data<T>(), dx.data<T>(), g);
}

template <class T>
void conv2d_backprop_filter(const ConvGeometry& g, const Tensor& x_in, const Tensor& dy_in, const Tensor& dw) {
  const char* op = "conv2d_backprop_filter";
  const Tensor x = on_gpu(x_in, op), dy = on_gpu(dy_in, op);
  launch_blocks(op, dw.numel(), conv_backward_filter<T>, x.data<T>(), dy.data<T>(), dw.data<T>(), g, dw.numel());
}

/** The convolution's output (or its gradient) that a fused conv2d_max_pool op pools, in GPU memory. */
Tensor conv_output_buffer(const ConvGeometry& cg, DType dtype) {
  return Tensor::empty({cg.n, cg.oh, cg.ow, cg.co}, dtype, Device::CUDA);
}

// `read` (the leading input a VALID pooling reads) only saves the CPU work: here the whole convolution is computed.
template <class T>
void conv2d_max_pool(const ConvGeometry& cg, const ConvGeometry&, const PoolGeometry& g, const Tensor& x,
                     const Tensor& w, const Tensor& y, const Tensor& argmax) {
  const Tensor conv = conv_output_buffer(cg, y.dtype());
  conv2d<T>(cg, x, w, conv);
  max_pool2d<T>(g, conv, y, argmax, cg.ow);  // argmax indexes the convolution's output images
}

template <class T>
void conv2d_max_pool_backprop_filter(const ConvGeometry& cg, const PoolGeometry& g, const Tensor& x,
                                     const Tensor& dy, const Tensor& argmax, const Tensor& dw) {
  const Tensor dconv = conv_output_buffer(cg, dw.dtype());
  max_pool2d_grad<T>(g, dy, argmax, dconv);
  conv2d_backprop_filter<T>(cg, x, dconv, dw);
}

template <class T>
void conv2d_max_pool_backprop_input(const ConvGeometry& cg, const PoolGeometry& g, const Tensor& w,
                                    const Tensor& dy, const Tensor& argmax, const Tensor& dx) {
  const Tensor dconv = conv_output_buffer(cg, dx.dtype());
  max_pool2d_grad<T>(g, dy, argmax, dconv);
  conv2d_backprop_input<T>(cg, w, dconv, dx);
}

}  // namespace

void register_conv_kernels() {
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::conv2d, Device::CUDA, [](auto tag) { return &conv2d<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_backprop_input, Device::CUDA,
                [](auto tag) { return &conv2d_backprop_input<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_backprop_filter, Device::CUDA,
                [](auto tag) { return &conv2d_backprop_filter<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_max_pool, Device::CUDA,
                [](auto tag) { return &conv2d_max_pool<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_max_pool_backprop_filter, Device::CUDA,
                [](auto tag) { return &conv2d_max_pool_backprop_filter<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_max_pool_backprop_input, Device::CUDA,
                [](auto tag) { return &conv2d_max_pool_backprop_input<decltype(tag)>; });
}

}  // namespace pt::cuda
