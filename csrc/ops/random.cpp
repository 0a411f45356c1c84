// Random family: Philox4x32-10 streams turned into normal, uniform, truncated normal, categorical
// samples and shuffles. Element i of an output depends only on (seed, counter, i), never on threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../backend/cpu/philox.h"
#include "../core/parallel.h"
#include "ops.h"

namespace pt::ops {

using cpu::PhiloxStream;

namespace {

// Each op draws from its own part of the counter space (top byte of the stream number), so two
// different ops given the same (seed, counter) still get independent numbers.
enum class StreamTag : uint64_t { Normal = 1, Uniform = 2, Truncated = 3, Categorical = 4, Shuffle = 5 };

PhiloxStream stream_for(RandomSeed s, StreamTag tag) {
  return PhiloxStream(s.seed, s.counter ^ (static_cast<uint64_t>(tag) << 56));
}

void check_shape(const Shape& shape, const char* op) {
  for (int64_t d : shape)
    check_arg(d >= 0, op, ": shape ", shape_str(shape), " has a negative dimension; every dimension must be >= 0");
}

// Random kernels cost ~10x a copy per element, so threads pay off at smaller sizes than for element-wise maps.
constexpr int64_t kRandomGrain = 4096;

/**
 * Fills out[0, n): block b of `stream` yields values b*K .. b*K+K-1 through gen(block, vals).
 * Chunks may start mid-block; the block is then recomputed, so values depend on i only.
 */
template <int K, class T, class Gen>
void fill_from_blocks(T* out, int64_t n, const PhiloxStream& stream, Gen gen) {
  parallel_for(n, kRandomGrain, [&](int64_t begin, int64_t end) {
    T vals[K];
    int64_t i = begin;
    for (int64_t b = begin / K; i < end; ++b) {
      gen(stream(static_cast<uint64_t>(b)), vals);
      for (int64_t lane = i - b * K; lane < K && i < end; ++lane, ++i) out[i] = vals[lane];
    }
  });
}

/** Box-Muller: two independent standard normals from u1 in (0, 1] and u2 in [0, 1). */
template <class T> inline void box_muller(T u1, T u2, T& z0, T& z1) {
  const T r = std::sqrt(T(-2) * std::log(u1));
  const T theta = T(2 * M_PI) * u2;
  z0 = r * std::cos(theta);
  z1 = r * std::sin(theta);
}

/** Standard normals from one block: 4 for float32 (two Box-Muller pairs), 2 for float64. */
template <class T> constexpr int normals_per_block() { return std::is_same_v<T, float> ? 4 : 2; }

template <class T> inline void block_normals(const cpu::Philox4x32::Block& x, T* z) {
  if constexpr (std::is_same_v<T, float>) {
    box_muller(cpu::uniform_float_open0(x[0]), cpu::uniform_float(x[1]), z[0], z[1]);
    box_muller(cpu::uniform_float_open0(x[2]), cpu::uniform_float(x[3]), z[2], z[3]);
  } else {
    box_muller(cpu::uniform_double_open0(cpu::bits64(x[0], x[1])), cpu::uniform_double(cpu::bits64(x[2], x[3])),
               z[0], z[1]);
  }
}

/** Standard normal samples of `shape` (the base of normal and its tensor-parameter forms). */
template <class T> void standard_normal_into(T* out, int64_t n, const PhiloxStream& stream, T mean, T stddev) {
  constexpr int K = normals_per_block<T>();
  fill_from_blocks<K, T>(out, n, stream, [mean, stddev](const cpu::Philox4x32::Block& x, T* vals) {
    block_normals<T>(x, vals);
    for (int k = 0; k < K; ++k) vals[k] = mean + stddev * vals[k];
  });
}

}  // namespace

Tensor random_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  check_shape(shape, "random_normal");
  Tensor out;
  PT_DISPATCH_FLOAT(dtype, "random_normal", {
    out = Tensor::empty(shape, dtype);
    standard_normal_into<scalar_t>(out.data<scalar_t>(), out.numel(), stream_for(seed, StreamTag::Normal),
                                   static_cast<scalar_t>(mean), static_cast<scalar_t>(stddev));
  });
  return out;
}

Tensor random_uniform(const Shape& shape, double minval, double maxval, DType dtype, RandomSeed seed) {
  check_shape(shape, "random_uniform");
  const PhiloxStream stream = stream_for(seed, StreamTag::Uniform);
  Tensor out;
  switch (dtype) {
    case DType::Float32: {
      out = Tensor::empty(shape, dtype);
      const float lo = static_cast<float>(minval), hi = static_cast<float>(maxval), width = hi - lo;
      // lo + u * width can round up to hi; keep the interval half-open as documented.
      const float top = hi > lo ? std::nextafter(hi, lo) : hi;
      fill_from_blocks<4, float>(out.data<float>(), out.numel(), stream, [=](const cpu::Philox4x32::Block& x, float* v) {
        for (int k = 0; k < 4; ++k) v[k] = std::min(lo + cpu::uniform_float(x[k]) * width, top);
      });
      break;
    }
    case DType::Float64: {
      out = Tensor::empty(shape, dtype);
      const double lo = minval, hi = maxval, width = hi - lo;
      const double top = hi > lo ? std::nextafter(hi, lo) : hi;
      fill_from_blocks<2, double>(out.data<double>(), out.numel(), stream, [=](const cpu::Philox4x32::Block& x, double* v) {
        v[0] = std::min(lo + cpu::uniform_double(cpu::bits64(x[0], x[1])) * width, top);
        v[1] = std::min(lo + cpu::uniform_double(cpu::bits64(x[2], x[3])) * width, top);
      });
      break;
    }
    case DType::Int32:
    case DType::Int64: {
      const bool i32 = dtype == DType::Int32;
      const double tmin = i32 ? double(INT32_MIN) : -0x1p63, tmax = i32 ? double(INT32_MAX) : 0x1p63;
      auto as_int = [](double v) {  // integers print exactly (ostream would show 2.14748e+09)
        return std::abs(v) < 0x1p63 ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
      };
      check_arg(minval == std::floor(minval) && maxval == std::floor(maxval), "random_uniform: integer dtype ",
                dtype_name(dtype), " needs integer minval and maxval, got ", minval, " and ", maxval);
      check_arg(minval >= tmin && maxval <= tmax + 1, "random_uniform: minval ", as_int(minval), " or maxval ", as_int(maxval),
                " is out of range for dtype ", dtype_name(dtype));
      check_arg(minval < maxval, "random_uniform: need minval < maxval for integer dtype ", dtype_name(dtype),
                ", got minval = ", as_int(minval), " and maxval = ", as_int(maxval));
      out = Tensor::empty(shape, dtype);
      // maxval may be 2^63 for int64 (exclusive bound), so take the width in unsigned arithmetic.
      const int64_t lo = static_cast<int64_t>(minval);
      const uint64_t width = maxval >= 0x1p63 ? static_cast<uint64_t>(0x1p63) - static_cast<uint64_t>(lo)
                                              : static_cast<uint64_t>(static_cast<int64_t>(maxval)) - static_cast<uint64_t>(lo);
      PT_DISPATCH_INT(dtype, "random_uniform", {
        fill_from_blocks<2, scalar_t>(out.data<scalar_t>(), out.numel(), stream,
                                      [=](const cpu::Philox4x32::Block& x, scalar_t* v) {
                                        v[0] = static_cast<scalar_t>(static_cast<uint64_t>(lo) +
                                                                     cpu::bounded64(cpu::bits64(x[0], x[1]), width));
                                        v[1] = static_cast<scalar_t>(static_cast<uint64_t>(lo) +
                                                                     cpu::bounded64(cpu::bits64(x[2], x[3]), width));
                                      });
      });
      break;
    }
    default:
      throw_dtype_error("random_uniform", dtype, "float32, float64, int32 or int64");
  }
  return out;
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  check_shape(shape, "truncated_normal");
  // Element i owns blocks [i * kBlocksPerElement, (i + 1) * kBlocksPerElement): each rejection draws
  // from the element's own blocks, so the result stays a function of i. A block yields 2-4 candidates
  // and each is rejected with probability 4.6%, so running out of blocks has probability < 1e-170.
  constexpr uint64_t kBlocksPerElement = 64;
  const PhiloxStream stream = stream_for(seed, StreamTag::Truncated);
  Tensor out;
  PT_DISPATCH_FLOAT(dtype, "truncated_normal", {
    out = Tensor::empty(shape, dtype);
    scalar_t* p = out.data<scalar_t>();
    const scalar_t m = static_cast<scalar_t>(mean), s = static_cast<scalar_t>(stddev);
    constexpr int K = normals_per_block<scalar_t>();
    parallel_for(out.numel(), kRandomGrain / 4, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        scalar_t value = 0;  // unreachable fallback: the mean
        for (uint64_t b = 0; b < kBlocksPerElement; ++b) {
          scalar_t z[K];
          block_normals<scalar_t>(stream(static_cast<uint64_t>(i) * kBlocksPerElement + b), z);
          int k = 0;
          while (k < K && !(std::abs(z[k]) < scalar_t(2))) ++k;
          if (k < K) {
            value = z[k];
            break;
          }
        }
        p[i] = m + s * value;
      }
    });
  });
  return out;
}

Tensor categorical(const Tensor& logits_in, int64_t num_samples, DType dtype, RandomSeed seed) {
  check_arg(logits_in.ndim() == 2, "categorical: logits must be 2-D (batch_size, num_classes), got shape ",
            shape_str(logits_in.shape()), "; add a batch axis with pt.expand_dims(logits, 0)");
  check_arg(num_samples >= 0, "categorical: num_samples must be >= 0, got ", num_samples);
  if (dtype != DType::Int32 && dtype != DType::Int64) throw_dtype_error("categorical", dtype, "int32 or int64");
  if (!is_floating(logits_in.dtype()))
    throw_dtype_error("categorical", logits_in.dtype(), "float32 or float64 logits; cast first with pt.cast");
  const int64_t batch = logits_in.dim(0), classes = logits_in.dim(1);
  check_arg(classes > 0 || batch == 0, "categorical: logits of shape ", shape_str(logits_in.shape()),
            " have no classes; num_classes must be positive");
  Tensor out = Tensor::empty({batch, num_samples}, dtype);
  if (out.numel() == 0) return out;
  Tensor logits = contiguous(logits_in);

  // Unnormalised CDF of softmax(row) in double: exp(l - max) accumulated; -inf logits get probability 0.
  std::vector<double> cdf(static_cast<size_t>(batch * classes));
  PT_DISPATCH_FLOAT(logits.dtype(), "categorical", {
    const scalar_t* l = logits.data<scalar_t>();
    parallel_for(batch, std::max<int64_t>(1, kElementwiseGrain / classes), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const scalar_t* row = l + r * classes;
        double* c = cdf.data() + r * classes;
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < classes; ++j) mx = std::max(mx, static_cast<double>(row[j]));
        double acc = 0;
        for (int64_t j = 0; j < classes; ++j) {
          // All -inf rows (mx = -inf) and NaNs give probability 0; such rows sample class 0.
          double p = std::isfinite(mx) ? std::exp(static_cast<double>(row[j]) - mx) : 0.0;
          acc += (p == p) ? p : 0.0;
          c[j] = acc;
        }
      }
    });
  });

  // Sample (r, s) uses block r * num_samples + s: u in [0, 1), then the first class whose CDF exceeds u * total.
  const PhiloxStream stream = stream_for(seed, StreamTag::Categorical);
  PT_DISPATCH_INT(dtype, "categorical", {
    scalar_t* o = out.data<scalar_t>();
    parallel_for(out.numel(), kRandomGrain, [&](int64_t begin, int64_t end) {
      for (int64_t idx = begin; idx < end; ++idx) {
        const double* c = cdf.data() + (idx / num_samples) * classes;
        const double total = c[classes - 1];
        auto x = stream(static_cast<uint64_t>(idx));
        const double target = cpu::uniform_double(cpu::bits64(x[0], x[1])) * total;
        int64_t j = std::upper_bound(c, c + classes, target) - c;
        if (j == classes) {  // target rounded up to total: the last class with non-zero probability
          j = classes - 1;
          while (j > 0 && c[j] == c[j - 1]) --j;
        }
        o[idx] = static_cast<scalar_t>(j);
      }
    });
  });
  return out;
}

Tensor random_shuffle(const Tensor& x_in, RandomSeed seed) {
  if (x_in.ndim() == 0 || x_in.dim(0) <= 1) return x_in;  // nothing to permute (TF returns the input too)
  const int64_t n = x_in.dim(0);
  // Fisher-Yates: swap i with j uniform in [0, i]; draw d takes 64 bits of block d / 2. Serial: O(n) draws.
  const PhiloxStream stream = stream_for(seed, StreamTag::Shuffle);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  cpu::Philox4x32::Block blk{};
  for (int64_t i = n - 1, d = 0; i > 0; --i, ++d) {
    if (d % 2 == 0) blk = stream(static_cast<uint64_t>(d / 2));
    const uint64_t r = d % 2 == 0 ? cpu::bits64(blk[0], blk[1]) : cpu::bits64(blk[2], blk[3]);
    std::swap(perm[i], perm[cpu::bounded64(r, static_cast<uint64_t>(i) + 1)]);
  }
  Tensor x = contiguous(x_in);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const size_t row_bytes = static_cast<size_t>(x.numel() / n) * x.itemsize();
  if (row_bytes == 0) return out;
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(kElementwiseGrain * 4 / row_bytes));
  parallel_for(n, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) std::memcpy(dst + r * row_bytes, src + perm[r] * row_bytes, row_bytes);
  });
  return out;
}

}  // namespace pt::ops
