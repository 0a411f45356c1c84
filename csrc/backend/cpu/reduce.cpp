// CPU kernels of the reduce family: sum, mean, max, min, prod, logsumexp, any, all over axes; argmax / argmin.
// The loops are reduce_kernels.h's; results never depend on the thread count.
#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <limits>

#include "../kernel_table.h"
#include "../kernels.h"
#include "elementwise.h"
#include "reduce_kernels.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::NarrowIntTypes;
using backend::NumericTypes;
using backend::register_each;

/** A dense copy of `x`. */
Tensor contiguous_copy(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  backend::kernel<backend::UnaryKernel>(OpId::identity, Device::CPU, x.dtype())(x, out);
  return out;
}

/** Canonical reduction dims of x: size-1 dims dropped, output strides dense over the kept dims. */
std::vector<RDim> make_dims(const Tensor& x, const std::vector<bool>& reduced) {
  const int64_t nd = x.ndim();
  std::vector<int64_t> dst(static_cast<size_t>(nd), 0);
  int64_t stride = 1;
  for (int64_t d = nd - 1; d >= 0; --d) {
    if (!reduced[d]) {
      dst[d] = stride;
      stride *= x.shape()[d];
    }
  }
  std::vector<RDim> dims;
  for (int64_t d = 0; d < nd; ++d)
    if (x.shape()[d] != 1) dims.push_back(RDim{x.shape()[d], x.strides()[d], dst[d], static_cast<bool>(reduced[d])});
  dims = canonical_dims(dims);
  if (dims.empty()) dims.push_back(RDim{1, 1, 0, true});  // one element: a run of length 1
  return dims;
}

/** Runs reducer R over x (non-empty input and output), writing Acc values in output order to dst. */
template <class R>
void run_reduce(const Tensor& x, const std::vector<bool>& reduced, typename R::acc_t* dst) {
  Tensor src = x;
  std::vector<RDim> dims = make_dims(src, reduced);
  if (!reducible_in_place(dims)) {
    // Neither the innermost reduced nor the innermost kept dim is contiguous (e.g. a strided
    // slice): one dense copy makes both kernels applicable.
    src = contiguous_copy(x);
    dims = make_dims(src, reduced);
  }
  reduce_dims<R>(src.data<typename R::in_t>(), dims, dst);
}

template <class T> void fill_with(const Tensor& out, T v) {
  T* o = out.data<T>();
  std::fill(o, o + out.numel(), v);
}

/** Accumulation type of reduce_mean: TF sums small integers in 64 bits so the mean does not overflow. */
template <class T> struct mean_acc { using type = T; };
template <> struct mean_acc<uint8_t> { using type = uint64_t; };
template <> struct mean_acc<int32_t> { using type = int64_t; };
template <> struct mean_acc<int8_t> { using type = int64_t; };
template <> struct mean_acc<int16_t> { using type = int64_t; };
template <> struct mean_acc<uint16_t> { using type = uint64_t; };
template <> struct mean_acc<uint32_t> { using type = uint64_t; };

template <class T>
void mean_into(const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out) {
  using Acc = typename mean_acc<T>::type;
  const int64_t n_out = out.numel();
  T* o = out.data<T>();
  if (count == 0) {
    // TF's identity for an empty mean: NaN for floats, 0 for integers.
    fill_with<T>(out, std::is_floating_point_v<T> ? std::numeric_limits<T>::quiet_NaN() : T(0));
    return;
  }
  if constexpr (std::is_same_v<Acc, T>) {
    run_reduce<SumReducer<T, T>>(x, reduced, o);
    const T n = static_cast<T>(count);
    for (int64_t i = 0; i < n_out; ++i) o[i] = o[i] / n;  // integer division truncates, as TF
  } else {
    std::vector<Acc> acc(static_cast<size_t>(n_out));
    run_reduce<SumReducer<T, Acc>>(x, reduced, acc.data());
    const Acc n = static_cast<Acc>(count);
    for (int64_t i = 0; i < n_out; ++i) o[i] = static_cast<T>(acc[i] / n);
  }
}

/** Runs R into out (Acc == T), or fills out with R's identity for an empty reduction. */
template <class R>
void simple_into(const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out) {
  using T = typename R::acc_t;
  if (count == 0) {
    fill_with<T>(out, R::identity());
    return;
  }
  run_reduce<R>(x, reduced, out.data<T>());
}

/** exp(v) in place over a dense buffer, in fixed blocks so each element takes the same code path at any thread count. */
template <class T> void exp_inplace(T* p, int64_t n) {
  constexpr int64_t kBlock = 4096;
  parallel_for((n + kBlock - 1) / kBlock, 8, [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t lo = blk * kBlock, len = std::min(kBlock, n - lo);
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> a(p + lo, len);
      a = a.exp();
    }
  });
}

/** TF's stable logsumexp: log(sum(exp(x - m))) + m with m the max, replaced by 0 where not finite. */
template <class T>
void logsumexp_into(const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out) {
  if (count == 0) {
    fill_with<T>(out, -std::numeric_limits<T>::infinity());
    return;
  }
  Shape kept_shape;  // x's shape with the reduced dims kept as 1: the max's, broadcast against x
  for (size_t d = 0; d < reduced.size(); ++d) kept_shape.push_back(reduced[d] ? 1 : x.shape()[d]);
  Tensor shift = Tensor::empty(kept_shape, x.dtype());
  T* m = shift.data<T>();
  const int64_t n_out = shift.numel();
  run_reduce<MaxReducer<T>>(x, reduced, m);
  for (int64_t i = 0; i < n_out; ++i)
    if (!std::isfinite(m[i])) m[i] = T(0);
  Tensor d = Tensor::empty(x.shape(), x.dtype());
  binary_map<T, T>(x.shape(), d, x, x.strides(), shift, broadcast_strides(kept_shape, shift.strides(), x.shape()),
                   [](T a, T b) { return a - b; });
  exp_inplace(d.data<T>(), d.numel());
  std::vector<T> sums(static_cast<size_t>(n_out));
  run_reduce<SumReducer<T, T>>(d, reduced, sums.data());
  T* o = out.data<T>();
  for (int64_t i = 0; i < n_out; ++i) o[i] = std::log(sums[i]) + m[i];
}

template <class T, bool kMax>
void arg_reduce_into(const Tensor& x, int64_t a, const Tensor& out) {
  const int64_t nd = x.ndim(), n = x.shape()[a];
  if (n == 1) {
    std::memset(out.raw_data(), 0, static_cast<size_t>(out.numel()) * out.itemsize());
    return;
  }
  // Kept dims with dense output strides; the axis is reduced on its own.
  std::vector<RDim> kept;
  int64_t stride = 1;
  std::vector<int64_t> dst(static_cast<size_t>(nd), 0);
  for (int64_t d = nd - 1; d >= 0; --d)
    if (d != a) {
      dst[d] = stride;
      stride *= x.shape()[d];
    }
  for (int64_t d = 0; d < nd; ++d)
    if (d != a && x.shape()[d] != 1) kept.push_back(RDim{x.shape()[d], x.strides()[d], dst[d], false});
  kept = canonical_dims(kept);
  const RDim ax{n, x.strides()[a], 0, true};
  if (out.dtype() == DType::Int64) arg_reduce_dims<kMax>(x.data<T>(), ax, kept, out.data<int64_t>());
  else arg_reduce_dims<kMax>(x.data<T>(), ax, kept, out.data<int32_t>());
}

}  // namespace

// Registers the reducer (a type using T, the arguments after TYPES) as op ID's kernel for TYPES.
#define PT_REDUCE(ID, TYPES, ...)                                                                  \
  register_each(TYPES{}, OpId::ID, Device::CPU, [](auto tag) {                                    \
    using T = decltype(tag);                                                                      \
    return +[](const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out) { \
      simple_into<__VA_ARGS__>(x, reduced, count, out);                                             \
    };                                                                                            \
  })

namespace {

/** x + y wrapping around for integers (TF's CPU sums do), as the reductions add. */
template <class T>
struct ScanAdd {
  static T identity() { return T(0); }
  T operator()(T a, T b) const { return wrap_add(a, b); }
};
/** x * y, wrapping around for integers. */
template <class T>
struct ScanMultiply {
  static T identity() { return T(1); }
  T operator()(T a, T b) const { return wrap_mul(a, b); }
};

/**
 * A scan of dense x viewed as (outer, n, inner) along n: each line sequentially, in order (TF's Eigen scan adds in
 * the same order, so float sums round as TF's do). Lines along the last axis run one per task; otherwise a task takes
 * an outer slice and walks it row by row, each row combining the previous row's results element by element.
 */
template <class T, class Combine>
void scan_into(const Tensor& x, int64_t axis, bool exclusive, bool reverse, const Tensor& out) {
  const Shape& shape = x.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (int64_t d = axis + 1; d < x.ndim(); ++d) inner *= shape[d];
  const int64_t n = shape[axis];
  const T* src = x.data<T>();
  T* dst = out.data<T>();
  const Combine combine;
  parallel_for(outer, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, n * inner)), [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o) {
      const T* s = src + o * n * inner;
      T* d = dst + o * n * inner;
      for (int64_t step = 0; step < n; ++step) {
        const int64_t k = reverse ? n - 1 - step : step;
        const T* row = s + k * inner;
        T* row_out = d + k * inner;
        const T* prev_out = step == 0 ? nullptr : d + (reverse ? k + 1 : k - 1) * inner;
        const T* prev_in = step == 0 ? nullptr : s + (reverse ? k + 1 : k - 1) * inner;
        for (int64_t i = 0; i < inner; ++i) {
          if (exclusive) row_out[i] = step == 0 ? Combine::identity() : combine(prev_out[i], prev_in[i]);
          else row_out[i] = step == 0 ? row[i] : combine(prev_out[i], row[i]);
        }
      }
    }
  });
}

}  // namespace

void register_reduce_kernels() {
  const auto cumsum = [](auto tag) { return &scan_into<decltype(tag), ScanAdd<decltype(tag)>>; };
  const auto cumprod = [](auto tag) { return &scan_into<decltype(tag), ScanMultiply<decltype(tag)>>; };
  register_each(NumericTypes{}, OpId::cumsum, Device::CPU, cumsum);
  register_each(NarrowIntTypes{}, OpId::cumsum, Device::CPU, cumsum);
  register_each(NumericTypes{}, OpId::cumprod, Device::CPU, cumprod);
  register_each(NarrowIntTypes{}, OpId::cumprod, Device::CPU, cumprod);
  // NarrowIntTypes (int8, int16, uint16, uint32, uint64) as TF's CPU kernels: sums and products wrap around.
  PT_REDUCE(reduce_sum, NumericTypes, SumReducer<T, T>);
  PT_REDUCE(reduce_sum, NarrowIntTypes, SumReducer<T, T>);
  PT_REDUCE(reduce_prod, NumericTypes, ProdReducer<T>);
  PT_REDUCE(reduce_prod, NarrowIntTypes, ProdReducer<T>);
  PT_REDUCE(reduce_max, NumericTypes, MaxReducer<T>);
  PT_REDUCE(reduce_max, NarrowIntTypes, MaxReducer<T>);
  PT_REDUCE(reduce_min, NumericTypes, MinReducer<T>);
  PT_REDUCE(reduce_min, NarrowIntTypes, MinReducer<T>);
  backend::register_kernel(OpId::reduce_any, Device::CPU, DType::Bool, &simple_into<AnyReducer>);
  backend::register_kernel(OpId::reduce_all, Device::CPU, DType::Bool, &simple_into<AllReducer>);
  const auto mean = [](auto tag) { return &mean_into<decltype(tag)>; };
  register_each(NumericTypes{}, OpId::reduce_mean, Device::CPU, mean);
  register_each(NarrowIntTypes{}, OpId::reduce_mean, Device::CPU, mean);
  register_each(FloatTypes{}, OpId::reduce_logsumexp, Device::CPU,
                [](auto tag) { return &logsumexp_into<decltype(tag)>; });
  const auto argmax = [](auto tag) { return &arg_reduce_into<decltype(tag), true>; };
  const auto argmin = [](auto tag) { return &arg_reduce_into<decltype(tag), false>; };
  register_each(NumericTypes{}, OpId::argmax, Device::CPU, argmax);
  register_each(NarrowIntTypes{}, OpId::argmax, Device::CPU, argmax);
  register_each(NumericTypes{}, OpId::argmin, Device::CPU, argmin);
  register_each(NarrowIntTypes{}, OpId::argmin, Device::CPU, argmin);
}

#undef PT_REDUCE

}  // namespace pt::cpu
