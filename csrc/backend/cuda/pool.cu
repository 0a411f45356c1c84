// CUDA kernels of 2-D max and average pooling over dense NHWC tensors and their gradients: one thread per output
// (forward) or input (backward: gathered over the covering windows, so no atomics and a fixed order) element, with
// the CPU's window arithmetic and max rule (shared_math.h: the first maximum wins, the first NaN stays).
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "pool.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

using backend::covering_range;
using backend::window_inverse_count;
using backend::window_range;

template <class T>
__global__ void max_pool(const T* x, T* y, int32_t* arg, PoolGeometry g, int64_t index_w, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc o(i, g.oh, g.ow, g.c);
    int64_t y0, y1, x0, x1;
    window_range(o.y, g.sh, g.pad_top, g.kh, g.h, y0, y1);
    window_range(o.x, g.sw, g.pad_left, g.kw, g.w, x0, x1);
    const T* image = x + o.b * g.h * g.w * g.c;
    T m = image[(y0 * g.w + x0) * g.c + o.c];
    int64_t a = (y0 * index_w + x0) * g.c + o.c;
    for (int64_t iy = y0; iy < y1; ++iy)
      for (int64_t ix = iy == y0 ? x0 + 1 : x0; ix < x1; ++ix) {
        const T v = image[(iy * g.w + ix) * g.c + o.c];
        if (backend::replaces_max(v, m)) {
          m = v;
          a = (iy * index_w + ix) * g.c + o.c;
        }
      }
    y[i] = m;
    if (arg) arg[i] = static_cast<int32_t>(a);
  }
}

template <class T>
__global__ void avg_pool(const T* x, T* y, PoolGeometry g, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc o(i, g.oh, g.ow, g.c);
    int64_t y0, y1, x0, x1;
    window_range(o.y, g.sh, g.pad_top, g.kh, g.h, y0, y1);
    window_range(o.x, g.sw, g.pad_left, g.kw, g.w, x0, x1);
    const T* image = x + o.b * g.h * g.w * g.c;
    T sum = 0;
    for (int64_t iy = y0; iy < y1; ++iy)
      for (int64_t ix = x0; ix < x1; ++ix) sum += image[(iy * g.w + ix) * g.c + o.c];
    y[i] = sum * window_inverse_count<T>(y0, y1, x0, x1);
  }
}

template <class T>
__global__ void avg_pool_grad(const T* dy, T* dx, PoolGeometry g, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc e(i, g.h, g.w, g.c);
    int64_t oy0, oy1, ox0, ox1;
    covering_range(e.y, g.sh, g.pad_top, g.kh, g.oh, oy0, oy1);
    covering_range(e.x, g.sw, g.pad_left, g.kw, g.ow, ox0, ox1);
    T acc = 0;
    for (int64_t oy = oy0; oy < oy1; ++oy) {
      int64_t y0, y1;
      window_range(oy, g.sh, g.pad_top, g.kh, g.h, y0, y1);
      for (int64_t ox = ox0; ox < ox1; ++ox) {
        int64_t x0, x1;
        window_range(ox, g.sw, g.pad_left, g.kw, g.w, x0, x1);
        acc += dy[((e.b * g.oh + oy) * g.ow + ox) * g.c + e.c] * window_inverse_count<T>(y0, y1, x0, x1);
      }
    }
    dx[i] = acc;
  }
}

template <class T>
__global__ void max_pool_grad(const T* dy, const int32_t* arg, T* dx, PoolGeometry g, int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const Nhwc e(i, g.h, g.w, g.c);
    int64_t oy0, oy1, ox0, ox1;
    covering_range(e.y, g.sh, g.pad_top, g.kh, g.oh, oy0, oy1);
    covering_range(e.x, g.sw, g.pad_left, g.kw, g.ow, ox0, ox1);
    const int64_t self = (e.y * g.w + e.x) * g.c + e.c, image = e.b * g.oh * g.ow * g.c;
    T acc = 0;
    for (int64_t oy = oy0; oy < oy1; ++oy)
      for (int64_t ox = ox0; ox < ox1; ++ox) {
        const int64_t o = image + (oy * g.ow + ox) * g.c + e.c;
        if (arg[o] == self) acc += dy[o];
      }
    dx[i] = acc;
  }
}

template <class T> void avg_pool2d(const PoolGeometry& g, const Tensor& x_in, const Tensor& y) {
  const Tensor x = on_gpu(x_in, "avg_pool2d");
  launch_over("avg_pool2d", y.numel(), avg_pool<T>, x.data<T>(), y.data<T>(), g);
}

template <class T> void avg_pool2d_grad(const PoolGeometry& g, const Tensor& dy_in, const Tensor& dx) {
  const Tensor dy = on_gpu(dy_in, "avg_pool2d_grad");
  launch_over("avg_pool2d_grad", dx.numel(), avg_pool_grad<T>, dy.data<T>(), dx.data<T>(), g);
}

}  // namespace

template <class T>
void max_pool2d(const PoolGeometry& g, const Tensor& x_in, const Tensor& y, const Tensor& argmax, int64_t index_w) {
  const Tensor x = on_gpu(x_in, "max_pool2d");
  launch_over("max_pool2d", y.numel(), max_pool<T>, x.data<T>(), y.data<T>(),
              argmax.defined() ? argmax.data<int32_t>() : nullptr, g, index_w);
}

template <class T>
void max_pool2d_grad(const PoolGeometry& g, const Tensor& dy_in, const Tensor& arg_in, const Tensor& dx) {
  const Tensor dy = on_gpu(dy_in, "max_pool2d_grad"), arg = on_gpu(arg_in, "max_pool2d_grad");
  launch_over("max_pool2d_grad", dx.numel(), max_pool_grad<T>, dy.data<T>(), arg.data<int32_t>(), dx.data<T>(), g);
}

#define PT_POOL_INSTANTIATE(T)                                                                                  \
  template void max_pool2d<T>(const PoolGeometry&, const Tensor&, const Tensor&, const Tensor&, int64_t);       \
  template void max_pool2d_grad<T>(const PoolGeometry&, const Tensor&, const Tensor&, const Tensor&);
PT_POOL_INSTANTIATE(float)
PT_POOL_INSTANTIATE(double)
#undef PT_POOL_INSTANTIATE

void register_pool_kernels() {
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::max_pool2d, Device::CUDA, [](auto tag) { return &max_pool2d<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::avg_pool2d, Device::CUDA, [](auto tag) { return &avg_pool2d<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::avg_pool2d_grad, Device::CUDA,
                [](auto tag) { return &avg_pool2d_grad<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::max_pool2d_grad, Device::CUDA,
                [](auto tag) { return &max_pool2d_grad<decltype(tag)>; });
}

}  // namespace pt::cuda
