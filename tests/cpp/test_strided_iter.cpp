// StridedIter: dimension coalescing and a broadcast add against a hand-written loop.
#include <gtest/gtest.h>

#include "backend/cpu/elementwise.h"
#include "backend/cpu/loops.h"
#include "core/parallel.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using cpu::StridedIter;

TEST(StridedIter, DenseOperandsCoalesceIntoOneRun) {
  const Shape s{4, 5, 6};
  const Strides bytes = cpu::byte_strides(contiguous_strides(s), 4);
  StridedIter<2> it(s, {bytes, bytes});
  EXPECT_EQ(it.shape, (Shape{120}));
  EXPECT_EQ(it.strides[0], (std::vector<int64_t>{4}));
  EXPECT_EQ(it.size(), 120);
}

TEST(StridedIter, SizeOneDimsAreDroppedAndScalarsKeepOneElement) {
  StridedIter<1> it({1, 3, 1, 2}, {Strides{0, 8, 0, 4}});
  EXPECT_EQ(it.shape, (Shape{6}));
  StridedIter<1> scalar({}, {Strides{}});
  EXPECT_EQ(scalar.shape, (Shape{1}));
  EXPECT_EQ(scalar.size(), 1);
}

TEST(StridedIter, TransposedOperandBlocksMerging) {
  // out dense (2, 3); input read transposed (byte strides 4, 8): nothing merges.
  StridedIter<2> it({2, 3}, {Strides{12, 4}, Strides{4, 8}});
  EXPECT_EQ(it.shape, (Shape{2, 3}));
  EXPECT_EQ(it.strides[1], (std::vector<int64_t>{4, 8}));
}

TEST(StridedIter, BroadcastOperandMergesOnlyWhereDense) {
  // a: (4, 5, 6) dense; b: broadcast along dim 0 (stride 0), dense in (5, 6): the last two dims merge.
  StridedIter<2> it({4, 5, 6}, {Strides{120, 24, 4}, Strides{0, 24, 4}});
  EXPECT_EQ(it.shape, (Shape{4, 30}));
  EXPECT_EQ(it.strides[1], (std::vector<int64_t>{0, 4}));
}

TEST(StridedIter, VisitsEveryElementOnceInOrder) {
  StridedIter<1> it({3, 4}, {Strides{4, 12}});  // a transposed 4x3 float matrix
  std::vector<int64_t> offsets;
  char buffer[48];
  const int threads = get_num_threads();
  set_num_threads(1);
  it.for_each({buffer}, 1, [&](int64_t n, const std::array<char*, 1>& p, const std::array<int64_t, 1>& s) {
    for (int64_t i = 0; i < n; ++i) offsets.push_back(p[0] - buffer + i * s[0]);
  });
  set_num_threads(threads);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 12, 24, 36, 4, 16, 28, 40, 8, 20, 32, 44}));
}

TEST(StridedIter, BroadcastAddMatchesHandLoop) {
  const int threads = get_num_threads();
  for (int nt : {1, 2}) {
    set_num_threads(nt);
    // (37, 1, 53) + (29, 53) -> (37, 29, 53), large enough to be split across threads.
    const std::vector<float> av = testing::lcg_values(37 * 53, 1), bv = testing::lcg_values(29 * 53, 2);
    Tensor a = testing::make_tensor<float>({37, 1, 53}, av), b = testing::make_tensor<float>({29, 53}, bv);
    const Shape out_shape{37, 29, 53};
    Tensor out = Tensor::empty(out_shape, DType::Float32);
    cpu::binary_map<float, float>(out_shape, out, a, broadcast_strides(a.shape(), a.strides(), out_shape), b,
                                  broadcast_strides(b.shape(), b.strides(), out_shape),
                                  [](float x, float y) { return x + y; });
    const float* o = out.data<float>();
    for (int i = 0; i < 37; ++i)
      for (int j = 0; j < 29; ++j)
        for (int k = 0; k < 53; ++k) ASSERT_EQ(o[(i * 29 + j) * 53 + k], av[i * 53 + k] + bv[j * 53 + k]);
    // The op goes through the same machinery.
    Tensor via_op = ops::binary(OpId::add, a, b);
    EXPECT_EQ(testing::to_vector<float>(via_op), testing::to_vector<float>(out));
  }
  set_num_threads(threads);
}

}  // namespace
}  // namespace pt
