// CPU kernel of fused_elementwise: a whole element-wise program evaluated block by block, each step's values held in
// a small scratch row that stays in L1, so no intermediate tensor is written to memory.
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "../kernel_table.h"
#include "../kernels.h"
#include "elementwise.h"
#include "exp.h"
#include "trig.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::ElementwiseStep;

/** Elements a block: a multiple of kMapBlock and of every SIMD width; a few rows of it fit in L1. */
constexpr int64_t kBlock = 512;

/**
 * dst = vec(src) over kBlock values, kMapBlock at a time through an aligned block of W, exactly as unary_map_blocks
 * computes each element (denormals read as zero, the result rounded to T).
 */
template <class T, class W, class VecFn>
void map_blocks(const T* src, T* dst, VecFn vec) {
  using Block = Eigen::Array<W, kMapBlock, 1>;
  alignas(64) W in[kMapBlock];
  alignas(64) W res[kMapBlock];
  for (int64_t i = 0; i < kBlock; i += kMapBlock) {
    for (int64_t j = 0; j < kMapBlock; ++j) in[j] = daz_read<T, W>(src[i + j]);
    Eigen::Map<Block, Eigen::Aligned64> result(res);
    result = vec(Eigen::Map<const Block, Eigen::Aligned64>(in));
    for (int64_t j = 0; j < kMapBlock; ++j) dst[i + j] = static_cast<T>(res[j]);
  }
}

/** dst = f(src) a float32 vector at a time (exp.h's functions, as unary_map_vec applies them). */
template <class F>
void map_vec(const float* src, float* dst, F f) {
  for (int64_t i = 0; i < kBlock; i += kLanes<float>) store(dst + i, f(load(src + i)));
}

/** dst = f(src) element by element (the scalar kernels' functions; dense loops the compiler vectorizes). */
template <class T, class F>
void map_scalar(const T* src, T* dst, F f) {
  for (int64_t i = 0; i < kBlock; ++i) dst[i] = f(src[i]);
}

template <class T, class F>
void zip(const T* x, const T* y, T* dst, F f) {
  for (int64_t i = 0; i < kBlock; ++i) dst[i] = f(x[i], y[i]);
}

/**
 * dst = op(x) over a block, each element computed as op's own kernel computes it (backend/cpu/unary.cpp: float32
 * exp, expm1, the logistic and tanh by exp.h, sin and cos by trig.h, the rest by Eigen's packets or a scalar
 * function), so the fused value is bitwise the unfused one. dst may be x.
 */
template <class T>
void unary_block(OpId op, const T* x, T* dst) {
  constexpr bool f32 = std::is_same_v<T, float>;
  switch (op) {
    case OpId::negative: return map_scalar(x, dst, [](T v) { return wrap_neg(v); });
    case OpId::abs: return map_scalar(x, dst, [](T v) { return abs_of(v); });
    case OpId::square: return map_scalar(x, dst, [](T v) { return wrap_mul(v, v); });
    case OpId::relu: return map_scalar(x, dst, [](T v) { return v > T(0) ? v : (v != v ? v : T(0)); });
    case OpId::exp:
      if constexpr (f32) return map_vec(x, dst, exp_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return a.exp(); });
    case OpId::expm1:
      if constexpr (f32) return map_vec(x, dst, expm1_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return a.expm1(); });
    case OpId::sigmoid:
      if constexpr (f32) return map_vec(x, dst, sigmoid_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return (1.0 + (-a).exp()).inverse(); });
    case OpId::log: return map_blocks<T, T>(x, dst, [](const auto& a) { return a.log(); });
    case OpId::log1p: return map_blocks<T, T>(x, dst, [](const auto& a) { return a.log1p(); });
    case OpId::sqrt: return map_blocks<T, T>(x, dst, [](const auto& a) { return a.sqrt(); });
    case OpId::rsqrt: return map_blocks<T, T>(x, dst, [](const auto& a) { return a.rsqrt(); });
    case OpId::reciprocal: return map_blocks<T, T>(x, dst, [](const auto& a) { return a.inverse(); });
    case OpId::sin:
      if constexpr (f32) return map_vec(x, dst, sin_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return a.sin(); });
    case OpId::cos:
      if constexpr (f32) return map_vec(x, dst, cos_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return a.cos(); });
    case OpId::tanh:
      if constexpr (f32) return map_vec(x, dst, tanh_f32);
      else return map_blocks<T, T>(x, dst, [](const auto& a) { return a.tanh(); });
    default: throw InvalidArgument(str_cat("fused_elementwise: ", op_def(op).name, " is not a fusible unary op"));
  }
}

/** dst = op(x, y) over a block, with binary.cpp's element functions. dst may be x or y. */
template <class T>
void binary_block(OpId op, const T* x, const T* y, T* dst) {
  switch (op) {
    case OpId::add: return zip(x, y, dst, [](T a, T b) { return wrap_add(a, b); });
    case OpId::subtract: return zip(x, y, dst, [](T a, T b) { return wrap_sub(a, b); });
    case OpId::multiply: return zip(x, y, dst, [](T a, T b) { return wrap_mul(a, b); });
    case OpId::divide: return zip(x, y, dst, [](T a, T b) { return a / b; });
    case OpId::maximum: return zip(x, y, dst, [](T a, T b) { return nan_max(a, b); });
    case OpId::minimum: return zip(x, y, dst, [](T a, T b) { return nan_min(a, b); });
    case OpId::squared_difference:
      return zip(x, y, dst, [](T a, T b) { return wrap_mul(wrap_sub(a, b), wrap_sub(a, b)); });
    default: throw InvalidArgument(str_cat("fused_elementwise: ", op_def(op).name, " is not a fusible binary op"));
  }
}

template <class T>
void fused_elementwise(const std::vector<Tensor>& inputs, const std::vector<ElementwiseStep>& program,
                       const Tensor& out) {
  const int64_t n = out.numel();
  const size_t nin = inputs.size();
  const size_t nvalues = nin + program.size();
  // Scratch rows for the steps' values: a step takes a row its operands freed (it may compute in place), so a tree
  // of any size needs only as many rows as values are live at once.
  std::vector<size_t> last_read(nvalues, 0);
  for (size_t k = 0; k < program.size(); ++k) {
    last_read[static_cast<size_t>(program[k].a)] = k;
    if (program[k].b >= 0) last_read[static_cast<size_t>(program[k].b)] = k;
  }
  std::vector<int32_t> row(nvalues, -1);  // a step's scratch row
  std::vector<char> released(nvalues, 0);
  std::vector<int32_t> free_rows;
  int32_t rows = 0;
  for (size_t k = 0; k < program.size(); ++k) {
    for (int32_t v : {program[k].a, program[k].b}) {
      const auto at = static_cast<size_t>(v);
      if (v >= static_cast<int32_t>(nin) && last_read[at] == k && !released[at]) {
        free_rows.push_back(row[at]);
        released[at] = 1;  // once, even when both operands are this value
      }
    }
    if (free_rows.empty()) free_rows.push_back(rows++);
    row[nin + k] = free_rows.back();
    free_rows.pop_back();
  }
  // Input rows: one of out's size read in place, copied (zero-padded) for a short last block only; a shorter one
  // (out's trailing dimensions) repeated into its row, once when every block repeats it alike, else block by block.
  std::vector<int32_t> input_row(nin);
  for (size_t i = 0; i < nin; ++i) input_row[i] = rows++;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  T* o = out.data<T>();
  parallel_for(blocks, std::max<int64_t>(1, kElementwiseGrain / kBlock), [&](int64_t lo, int64_t hi) {
    std::unique_ptr<T[]> scratch(new T[static_cast<size_t>(rows * kBlock)]);  // every row is written before read
    auto row_of = [&](int32_t r) { return scratch.get() + static_cast<int64_t>(r) * kBlock; };
    // Rows that are the same in every block, filled once: a single element, or a row of trailing dimensions whose
    // length divides the block (a bias over the last axis), since every block starts at a multiple of kBlock.
    auto same_every_block = [&](size_t i) {
      const int64_t period = inputs[i].numel();
      return period < n && kBlock % period == 0;
    };
    for (size_t i = 0; i < nin; ++i) {
      if (!same_every_block(i)) continue;
      const T* src = inputs[i].data<T>();
      const int64_t period = inputs[i].numel();
      T* r = row_of(input_row[i]);
      for (int64_t j = 0; j < kBlock; j += period) std::copy_n(src, period, r + j);
    }
    std::vector<const T*> value(nvalues);
    for (int64_t blk = lo; blk < hi; ++blk) {
      const int64_t base = blk * kBlock;
      const int64_t m = std::min(kBlock, n - base);
      for (size_t i = 0; i < nin; ++i) {
        const T* src = inputs[i].data<T>();
        const int64_t period = inputs[i].numel();
        T* r = row_of(input_row[i]);
        if (period == n && m == kBlock) {
          value[i] = src + base;
          continue;
        }
        value[i] = r;
        if (same_every_block(i)) continue;  // filled once above
        if (period == n) {
          std::copy_n(src + base, m, r);
        } else {
          for (int64_t j = 0, at = base % period; j < m; ++j, at = at + 1 == period ? 0 : at + 1) r[j] = src[at];
        }
        std::fill(r + m, r + kBlock, T(0));
      }
      for (size_t k = 0; k < program.size(); ++k) {
        const ElementwiseStep& s = program[k];
        const bool last = k + 1 == program.size();
        T* dst = last && m == kBlock ? o + base : row_of(row[nin + k]);
        if (s.b < 0) unary_block(s.op, value[static_cast<size_t>(s.a)], dst);
        else binary_block(s.op, value[static_cast<size_t>(s.a)], value[static_cast<size_t>(s.b)], dst);
        value[nin + k] = dst;
      }
      if (m < kBlock) std::copy_n(value[nvalues - 1], m, o + base);
    }
  });
}

}  // namespace

void register_fused_elementwise_kernels() {
  backend::register_each(backend::FloatTypes{}, OpId::fused_elementwise, Device::CPU,
                         [](auto tag) { return &fused_elementwise<decltype(tag)>; });
}

}  // namespace pt::cpu
