// Unary and binary ops on small inputs, against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using testing::make_tensor;
using testing::to_vector;

TEST(Binary, ArithmeticWithBroadcasting) {
  Tensor a = make_tensor<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor row = make_tensor<float>({3}, {10, 20, 30});
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::add, a, row)), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::subtract, a, row)),
            (std::vector<float>{-9, -18, -27, -6, -15, -24}));
  Tensor col = make_tensor<float>({2, 1}, {2, -1});
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::multiply, a, col)), (std::vector<float>{2, 4, 6, -4, -5, -6}));
  Tensor out = ops::binary(OpId::divide, a, col);
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(to_vector<float>(out), (std::vector<float>{0.5f, 1, 1.5f, -4, -5, -6}));
}

TEST(Binary, IntegerFloorDivAndModFollowPython) {
  Tensor x = make_tensor<int32_t>({4}, {7, -7, 7, -7});
  Tensor y = make_tensor<int32_t>({4}, {2, 2, -2, -2});
  EXPECT_EQ(to_vector<int32_t>(ops::binary(OpId::floordiv, x, y)), (std::vector<int32_t>{3, -4, -4, 3}));
  EXPECT_EQ(to_vector<int32_t>(ops::binary(OpId::floormod, x, y)), (std::vector<int32_t>{1, 1, -1, -1}));
}

TEST(Binary, ComparisonsGiveBool) {
  Tensor a = make_tensor<float>({3}, {1, 2, 3});
  Tensor b = make_tensor<float>({3}, {3, 2, 1});
  Tensor lt = ops::binary(OpId::less, a, b);
  EXPECT_EQ(lt.dtype(), DType::Bool);
  EXPECT_EQ(to_vector<bool>(lt), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(to_vector<bool>(ops::binary(OpId::equal, a, b)), (std::vector<bool>{false, true, false}));
}

TEST(Binary, OnNonContiguousView) {
  Tensor a = make_tensor<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor at = Tensor::view(a, {3, 2}, {1, 3}, 0);  // transpose
  Tensor b = make_tensor<float>({3, 2}, {1, 1, 1, 1, 1, 1});
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::add, at, b)), (std::vector<float>{2, 5, 3, 6, 4, 7}));
}

TEST(Binary, ErrorsNameTheOp) {
  Tensor f = make_tensor<float>({2}, {1, 2});
  Tensor d = make_tensor<double>({2}, {1, 2});
  EXPECT_THROW(ops::binary(OpId::add, f, d), TypeError);
  Tensor g = make_tensor<float>({3}, {1, 2, 3});
  try {
    ops::binary(OpId::multiply, f, g);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("multiply"), std::string::npos) << e.what();
  }
}

TEST(Unary, MathOps) {
  Tensor x = make_tensor<float>({4}, {-2, -0.5f, 0, 3});
  EXPECT_EQ(to_vector<float>(ops::unary(OpId::negative, x)), (std::vector<float>{2, 0.5f, -0.0f, -3}));
  EXPECT_EQ(to_vector<float>(ops::unary(OpId::abs, x)), (std::vector<float>{2, 0.5f, 0, 3}));
  EXPECT_EQ(to_vector<float>(ops::unary(OpId::relu, x)), (std::vector<float>{0, 0, 0, 3}));
  EXPECT_EQ(to_vector<float>(ops::unary(OpId::square, x)), (std::vector<float>{4, 0.25f, 0, 9}));
  const std::vector<float> e = to_vector<float>(ops::unary(OpId::exp, x));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(e[i], std::exp(to_vector<float>(x)[i]), 1e-6f * std::exp(3.0f));
  const std::vector<float> s = to_vector<float>(ops::unary(OpId::sigmoid, x));
  EXPECT_NEAR(s[2], 0.5f, 1e-7f);
  EXPECT_NEAR(s[3], 1.0f / (1.0f + std::exp(-3.0f)), 1e-6f);
}

TEST(Unary, FloatOnlyOpsRejectIntegers) {
  Tensor i = make_tensor<int32_t>({2}, {1, 2});
  EXPECT_THROW(ops::unary(OpId::exp, i), TypeError);
}

TEST(Cast, TruncatesTowardZeroAndTestsNonZeroForBool) {
  Tensor x = make_tensor<float>({4}, {1.7f, -1.7f, 0, 2});
  EXPECT_EQ(to_vector<int32_t>(ops::cast(x, DType::Int32)), (std::vector<int32_t>{1, -1, 0, 2}));
  EXPECT_EQ(to_vector<bool>(ops::cast(x, DType::Bool)), (std::vector<bool>{true, true, false, true}));
}

}  // namespace
}  // namespace pt
