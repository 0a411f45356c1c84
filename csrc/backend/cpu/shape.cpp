// CPU kernels of the shape family: gathers, pads, one_hot, non-zero positions, segment sums and scatter ids.
// (Views and joins need none: reshape, transpose, slices and splits are views; concat, tile and broadcasts copy
// through identity's kernel.)
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "../../core/errors.h"
#include "../../core/int_math.h"
#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "half_types.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::AllTypes;
using backend::kPadOutside;
using backend::NumericTypes;
using backend::register_each;

/** A 16-byte element (complex128), moved as two words. */
struct Word128 {
  uint64_t lo, hi;
};

/** Runs f(T{}) with T an unsigned word of `isz` bytes, so byte copies of any dtype compile to moves. */
template <class F>
void with_word(size_t isz, F&& f) {
  switch (isz) {
    case 1: f(uint8_t{}); break;
    case 2: f(uint16_t{}); break;
    case 4: f(uint32_t{}); break;
    case 8: f(uint64_t{}); break;
    default: f(Word128{}); break;
  }
}

/** Items per parallel chunk for row-copy kernels whose rows hold `row_elems` elements. */
int64_t row_grain(int64_t row_elems) { return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(row_elems, 1)); }

/**
 * out[b, o, i, :] = params[b, o, idx[b, i], :] for dense params viewed as (B, O, N, S) and
 * dense indices viewed as (B, I); indices must already be validated.
 */
template <class I>
void gather_rows(const Tensor& params, const I* idx, int64_t B, int64_t O, int64_t N, int64_t S, int64_t NI,
                 const Tensor& out) {
  const int64_t rows = B * O * NI;
  if (rows == 0 || S == 0) return;
  const int64_t isz = static_cast<int64_t>(params.itemsize());
  const char* src = static_cast<const char*>(params.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  with_word(static_cast<size_t>(isz), [&](auto word) {
    using W = decltype(word);
    parallel_for(rows, row_grain(S), [&](int64_t lo, int64_t hi) {
      // Walk rows as (bo, i) pairs: one division per chunk, not per row.
      int64_t bo = lo / NI, i = lo % NI;
      for (int64_t r = lo; r < hi; ++bo, i = 0) {
        const I* ib = idx + (bo / O) * NI;
        const int64_t stop = std::min(NI, i + (hi - r));
        if (S == 1) {
          const W* from = reinterpret_cast<const W*>(src) + bo * N;
          W* to = reinterpret_cast<W*>(dst) + r;
          for (int64_t j = i; j < stop; ++j) to[j - i] = from[ib[j]];
        } else {
          const char* from = src + bo * N * S * isz;
          char* to = dst + r * S * isz;
          for (int64_t j = i; j < stop; ++j, to += S * isz)
            std::memcpy(to, from + static_cast<int64_t>(ib[j]) * S * isz, static_cast<size_t>(S * isz));
        }
        r += stop - i;
      }
    });
  });
}

/** Renders the multi-index of flat position `flat` in `shape`, as "[1, 2]". */
std::string index_str(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  std::string s = "[";
  for (size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  return s + "]";
}

/**
 * False after reporting (value_check_failed) the first index outside [0, n) as InvalidArgument (checked before any
 * parallel kernel); true when every index is valid.
 */
template <class I>
bool check_indices(const I* idx, int64_t count, int64_t n, const Shape& ishape, const char* op, const Shape& pshape,
                   int64_t axis) {
  for (int64_t j = 0; j < count; ++j) {
    const int64_t v = static_cast<int64_t>(idx[j]);
    if (v < 0 || v >= n) {
      value_check_failed(InvalidArgument(str_cat(op, ": indices", index_str(j, ishape), " = ", v, " is not in [0, ",
                                                 n, ") (params of shape ", shape_str(pshape), ", axis ", axis,
                                                 "); every index must be a valid position along that axis")));
      return false;
    }
  }
  return true;
}

template <class I>
void gather(const Tensor& params, const Tensor& indices, const backend::GatherDims& d, const Tensor& out) {
  const I* idx = indices.data<I>();
  if (d.check && !check_indices(idx, indices.numel(), d.N, indices.shape(), "gather", d.params_shape, d.axis)) {
    std::memset(out.raw_data(), 0, static_cast<size_t>(out.numel()) * out.itemsize());  // never read: see above
    return;
  }
  gather_rows(params, idx, d.B, d.O, d.N, d.S, d.NI, out);
}

/** A 0-d value converted to `dtype`, as raw bytes (for constant fills of any dtype). */
uint64_t scalar_bits(double v, DType dtype) {
  uint64_t bits = 0;
  const auto put = [&bits](auto c) { std::memcpy(&bits, &c, sizeof(c)); };
  if (dtype == DType::Float16) put(Eigen::half(static_cast<float>(v)));
  else if (dtype == DType::BFloat16) put(Eigen::bfloat16(static_cast<float>(v)));
  else PT_DISPATCH_ALL(dtype, "pad", put(static_cast<scalar_t>(v)));
  return bits;
}

void pad(const Tensor& x, const std::vector<std::vector<int64_t>>& maps, int64_t before_last, double constant,
         const Tensor& out) {
  const int64_t r = x.ndim();
  const Shape& out_shape = out.shape();
  constexpr int64_t kOutside = kPadOutside;
  const uint64_t cbits[2] = {scalar_bits(constant, x.dtype()), 0};  // as wide as the widest word
  const int64_t L = out_shape[r - 1], rows = out.numel() / L;
  const int64_t n_last = x.shape()[r - 1];
  const bool dense_last = x.strides()[r - 1] == 1;
  with_word(x.itemsize(), [&](auto word) {
    using W = decltype(word);
    W c;
    std::memcpy(&c, cbits, sizeof(W));
    const W* src = x.data<W>();
    W* dst = out.data<W>();
    parallel_for(rows, row_grain(L), [&](int64_t lo, int64_t hi) {
      for (int64_t row = lo; row < hi; ++row) {
        W* o = dst + row * L;
        int64_t base = 0, rem = row;
        bool inside = true;
        for (int64_t d = r - 2; d >= 0; --d) {
          const int64_t m = maps[d][rem % out_shape[d]];
          rem /= out_shape[d];
          if (m == kOutside) inside = false;
          else base += m;
        }
        if (!inside) {
          std::fill(o, o + L, c);
          continue;
        }
        const std::vector<int64_t>& ml = maps[r - 1];
        if (dense_last) {
          // Interior is one dense run; only the pads go through the map.
          for (int64_t j = 0; j < before_last; ++j) o[j] = ml[j] == kOutside ? c : src[base + ml[j]];
          std::memcpy(o + before_last, src + base, static_cast<size_t>(n_last) * sizeof(W));
          for (int64_t j = before_last + n_last; j < L; ++j) o[j] = ml[j] == kOutside ? c : src[base + ml[j]];
        } else {
          for (int64_t j = 0; j < L; ++j) o[j] = ml[j] == kOutside ? c : src[base + ml[j]];
        }
      }
    });
  });
}

template <class T>
void one_hot(const Tensor& idx, double on_value, double off_value, int64_t outer, int64_t inner, const Tensor& out) {
  const int64_t depth = out.numel() / (outer * inner);
  const int64_t* ip = idx.data<int64_t>();
    const T on = static_cast<T>(on_value), off = static_cast<T>(off_value);
    T* o = out.data<T>();
    // out viewed as (outer, depth, inner): one task per outer row.
    parallel_for(outer, row_grain(depth * inner), [&](int64_t lo, int64_t hi) {
      for (int64_t a = lo; a < hi; ++a) {
        T* block = o + a * depth * inner;
        std::fill(block, block + depth * inner, off);
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t k = ip[a * inner + i];
          if (k >= 0 && k < depth) block[k * inner + i] = on;
        }
      }
    });
}

/** Flat positions of the non-zero elements of a dense tensor, in order (deterministic chunked count + fill). */
template <class T>
Tensor nonzero_positions(const Tensor& dense) {
  const int64_t n = dense.numel();
  constexpr int64_t kChunk = 1 << 16;
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
  std::vector<int64_t> counts(nchunks + 1, 0);
  Tensor positions;
    const T* p = dense.data<T>();
    parallel_for(nchunks, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) {
        int64_t cnt = 0;
        for (int64_t i = c * kChunk, e = std::min(n, (c + 1) * kChunk); i < e; ++i) cnt += p[i] != T(0);
        counts[c + 1] = cnt;
      }
    });
    for (int64_t c = 0; c < nchunks; ++c) counts[c + 1] += counts[c];
    positions = Tensor::empty({counts[nchunks]}, DType::Int64);
    int64_t* pos = positions.data<int64_t>();
    parallel_for(nchunks, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) {
        int64_t w = counts[c];
        for (int64_t i = c * kChunk, e = std::min(n, (c + 1) * kChunk); i < e; ++i)
          if (p[i] != T(0)) pos[w++] = i;
      }
    });
  return positions;
}

/** The coordinates (count, rank) of the non-zero elements of a dense tensor. */
template <class T>
Tensor nonzero_coordinates(const Tensor& c) {
  const Tensor positions = nonzero_positions<T>(c);
  const int64_t* pos = positions.data<int64_t>();
  const int64_t count = positions.numel(), r = c.ndim();
  Tensor out = Tensor::empty({count, r}, DType::Int64);
  if (count == 0 || r == 0) return out;
  int64_t* o = out.data<int64_t>();
  const Shape& shape = c.shape();
  parallel_for(count, row_grain(r), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      int64_t flat = pos[i];
      for (int64_t d = r - 1; d >= 0; --d) {
        o[i * r + d] = flat % shape[d];
        flat /= shape[d];
      }
    }
  });
  return out;
}

/** The flat output row of each index tuple of scatter_nd (see backend/kernels.h's ScatterIdsKernel). */
Tensor scatter_flat_ids(const Tensor& idx, const Shape& shape) {
  const int64_t K = idx.shape().back();
  Shape lead(idx.shape().begin(), idx.shape().end() - 1);
  Tensor flat = Tensor::empty(lead, DType::Int64);
  int64_t* fp = flat.data<int64_t>();
  const int64_t count = flat.numel();
  const int64_t* ip = idx.data<int64_t>();
  for (int64_t t = 0; t < count; ++t) {
    int64_t f = 0;
    for (int64_t k = 0; k < K; ++k) {
      const int64_t v = ip[t * K + k];
      if (v < 0 || v >= shape[k])
        throw InvalidArgument(str_cat("scatter_nd: indices", index_str(t * K + k, idx.shape()), " = ", v,
                                      " is not in [0, ", shape[k], ") for dimension ", k, " of the output shape ",
                                      shape_str(shape), "; every index must be a valid position"));
      f = f * shape[k] + v;
    }
    fp[t] = f;
  }
  return flat;
}

/** Adds data rows (R, S) into out (num, S) by ids: rows grouped per segment, each segment summed in row order. */
template <class T>
void segment_sum_kernel(const T* data, const int64_t* ids, int64_t R, int64_t S, int64_t num, T* out) {
  // Counting sort of the rows by segment keeps the sum order fixed (row order) whatever the thread count.
  std::vector<int64_t> start(num + 1, 0);
  for (int64_t r = 0; r < R; ++r)
    if (ids[r] >= 0 && ids[r] < num) ++start[ids[r] + 1];
  for (int64_t k = 0; k < num; ++k) start[k + 1] += start[k];
  std::vector<int64_t> rows(start[num]);
  {
    std::vector<int64_t> fill_at(start.begin(), start.end() - 1);
    for (int64_t r = 0; r < R; ++r)
      if (ids[r] >= 0 && ids[r] < num) rows[fill_at[ids[r]]++] = r;
  }
  // Tasks are (segment, column block) pairs, so one big segment still spreads over threads.
  const int64_t cb = std::min<int64_t>(std::max<int64_t>(S, 1), 4096);
  const int64_t nblocks = (S + cb - 1) / cb;
  const int64_t tasks = num * nblocks;
  const int64_t work = std::max<int64_t>(1, (R / std::max<int64_t>(num, 1) + 1) * cb);
  parallel_for(tasks, std::max<int64_t>(1, kElementwiseGrain / work), [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t seg = t / nblocks, c0 = (t % nblocks) * cb, c1 = std::min(S, c0 + cb);
      T* o = out + seg * S;
      std::fill(o + c0, o + c1, T(0));
      for (int64_t q = start[seg]; q < start[seg + 1]; ++q) {
        const T* row = data + rows[q] * S;
        for (int64_t c = c0; c < c1; ++c) o[c] = wrap_add(o[c], row[c]);
      }
    }
  });
}

template <class T>
void segment_sum(const Tensor& data, const Tensor& ids, int64_t num_segments, const Tensor& out) {
  const int64_t* id = ids.data<int64_t>();
  for (int64_t i = 0, n = ids.numel(); i < n; ++i)
    if (id[i] >= num_segments)
      throw InvalidArgument(str_cat("unsorted_segment_sum: segment_ids", index_str(i, ids.shape()), " = ", id[i],
                                    " is out of range [0, ", num_segments, "); num_segments must exceed every id"));
  if (out.numel() == 0) return;
  const int64_t k = ids.ndim(), R = ids.numel();
  int64_t S = 1;
  for (int64_t d = k; d < data.ndim(); ++d) S *= data.shape()[d];
  segment_sum_kernel<T>(data.data<T>(), id, R, S, num_segments, out.data<T>());
}

}  // namespace

void register_shape_kernels() {
  // gather and pad move elements as bytes: one kernel for every dtype.
  for (int d = 0; d < kNumDTypes; ++d) {
    backend::register_kernel(
        OpId::gather, Device::CPU, DType(d),
        +[](const Tensor& params, const Tensor& indices, const backend::GatherDims& d, const Tensor& out) {
          if (indices.dtype() == DType::Int32) gather<int32_t>(params, indices, d, out);
          else gather<int64_t>(params, indices, d, out);
        });
    backend::register_kernel(OpId::pad, Device::CPU, DType(d), &pad);
  }
  register_each(AllTypes{}, OpId::one_hot, Device::CPU, [](auto tag) { return &one_hot<decltype(tag)>; });
  backend::register_kernel(OpId::boolean_mask, Device::CPU, DType::Bool, &nonzero_positions<bool>);
  register_each(AllTypes{}, OpId::where_indices, Device::CPU,
                [](auto tag) { return &nonzero_coordinates<decltype(tag)>; });
  register_each(NumericTypes{}, OpId::unsorted_segment_sum, Device::CPU,
                [](auto tag) { return &segment_sum<decltype(tag)>; });
  backend::register_kernel(OpId::scatter_nd, Device::CPU, DType::Int64, &scatter_flat_ids);
}

}  // namespace pt::cpu
