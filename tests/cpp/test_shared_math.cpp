// The per-element functions the CPU and CUDA kernels share (backend/shared_math.h, backend/philox.h): what a GPU
// kernel computes element by element must be what the CPU kernel computes, checked here on the CPU.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "backend/kernel_table.h"
#include "backend/kernels.h"
#include "backend/philox.h"
#include "backend/shared_math.h"
#include "test_util.h"

namespace pt {
namespace {

using testing::to_vector;

/** The CPU kernel's unit random_uniform output and the per-element function the CUDA kernel calls, for n elements. */
template <class T> void expect_uniform_elements_match_the_cpu_kernel(int64_t n) {
  const backend::PhiloxKey key{0x1234567890abcdefull, 77};
  Tensor out = Tensor::empty({n}, dtype_of<T>::value);
  backend::kernel<backend::RandomKernel>(OpId::random_uniform, Device::CPU, dtype_of<T>::value)(out, 0.0, 1.0, key);
  const std::vector<T> cpu = to_vector<T>(out);
  const backend::PhiloxCounter c = backend::stateful_counter(key);
  const backend::PhiloxStream stream(c.key, c.counter_lo, c.counter_hi);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(backend::unit_uniform_element(stream, i, T(0)), cpu[static_cast<size_t>(i)]) << "element " << i;
}

TEST(SharedMath, UniformElementsAreTheCpuKernels) {
  // Several of the CPU kernel's tiles (256 blocks) and parallel chunks, and a partial last block.
  expect_uniform_elements_match_the_cpu_kernel<float>(5001);
  expect_uniform_elements_match_the_cpu_kernel<double>(3001);
}

TEST(SharedMath, CoveringRangesInvertWindowRanges) {
  // Output o's window holds input i exactly when o is among the outputs covering i (the backward kernels gather by
  // covering_range what the forward kernels read by window_range), VALID and SAME sizes alike.
  for (bool same : {false, true})
    for (int64_t in : {1, 5, 8, 9})
      for (int64_t k : {1, 2, 3})
        for (int64_t s : {1, 2, 3}) {
          const backend::PoolGeometry g = backend::pool_geometry({1, in, 1, 1}, k, 1, s, 1, same);
          for (int64_t i = 0; i < in; ++i) {
            int64_t lo, hi;
            backend::covering_range(i, s, g.pad_top, k, g.oh, lo, hi);
            for (int64_t o = 0; o < g.oh; ++o) {
              int64_t w0, w1;
              backend::window_range(o, s, g.pad_top, k, in, w0, w1);
              EXPECT_EQ(o >= lo && o < hi, i >= w0 && i < w1)
                  << "in " << in << " k " << k << " s " << s << " same " << same << " i " << i << " o " << o;
            }
          }
        }
}

TEST(SharedMath, AveragePoolingScalesByTheInBoundsCount) {
  EXPECT_EQ(backend::window_inverse_count<float>(0, 3, 1, 3), 1.0f / 6.0f);  // 3 rows x 2 columns
  EXPECT_EQ(backend::window_inverse_count<double>(4, 5, 0, 1), 1.0);
}

TEST(SharedMath, ConvOutputIndexInvertsConvInputIndex) {
  // The CUDA input gradient gathers, by conv_output_index, exactly the (output, tap) pairs whose conv_input_index
  // the forward reads: for every input i and tap k, the output found (if any) reads i by tap k, and no other does.
  for (int64_t s : {1, 2, 3})
    for (int64_t d : {1, 2})
      for (int64_t k_size : {1, 2, 3})
        for (int64_t pad : {0, 1, 2})
          for (int64_t out : {1, 4}) {
            const int64_t in = (out - 1) * s + (k_size - 1) * d + 1;  // a size whose outputs read every input
            for (int64_t i = 0; i < in; ++i)
              for (int64_t k = 0; k < k_size; ++k) {
                const int64_t found = backend::conv_output_index(i, s, pad, k, d, out);
                int64_t readers = 0, reader = -1;
                for (int64_t o = 0; o < out; ++o)
                  if (backend::conv_input_index(o, s, pad, k, d) == i) ++readers, reader = o;
                ASSERT_LE(readers, 1);
                EXPECT_EQ(found, reader) << "s " << s << " d " << d << " pad " << pad << " i " << i << " k " << k;
              }
          }
  EXPECT_EQ(backend::conv_input_index(2, 2, 1, 1, 3), 6);  // 2 * 2 - 1 + 1 * 3
}

TEST(SharedMath, ReluPassesNanAndItsGradientIsZeroThere) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(backend::relu_element(nan)));
  EXPECT_EQ(backend::relu_element(-2.0f), 0.0f);
  EXPECT_EQ(backend::relu_element(3.0), 3.0);
  EXPECT_EQ(backend::relu_grad_element(5.0f, nan), 0.0f);
  EXPECT_EQ(backend::relu_grad_element(5.0f, 0.0f), 0.0f);
  EXPECT_EQ(backend::relu_grad_element(5.0, 0.5), 5.0);
}

TEST(SharedMath, MaxRuleKeepsTheFirstMaximumAndTheFirstNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(backend::replaces_max(2.0f, 1.0f));
  EXPECT_FALSE(backend::replaces_max(1.0f, 1.0f));  // a tie keeps the first
  EXPECT_TRUE(backend::replaces_max(nan, 1.0f));
  EXPECT_FALSE(backend::replaces_max(nan, nan));
  EXPECT_FALSE(backend::replaces_max(5.0f, nan));
}

}  // namespace
}  // namespace pt
