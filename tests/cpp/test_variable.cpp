// Variable: reads are snapshots; writes copy when a snapshot still shares the storage.
#include <gtest/gtest.h>

#include "core/variable.h"
#include "test_util.h"

namespace pt {
namespace {

TEST(Variable, InitialValueOfAFreshBlockIsTakenOverAndCopiedOnWrite) {
  // A whole block this library allocated becomes the variable's value without a copy (an optimizer slot's zeros
  // are not written twice); the variable's first write copies while the initial tensor still holds the block.
  Tensor init = testing::make_tensor<float>({2, 2}, {1, 2, 3, 4});
  Variable v(init, "v", true);
  EXPECT_TRUE(v.read().shares_storage(init));
  v.mutable_value().data<float>()[0] = 100;
  EXPECT_EQ(testing::to_vector<float>(init), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(testing::to_vector<float>(v.read()), (std::vector<float>{100, 2, 3, 4}));
  EXPECT_EQ(v.name(), "v");
  EXPECT_TRUE(v.trainable());
  EXPECT_EQ(v.shape(), (Shape{2, 2}));
  EXPECT_EQ(v.dtype(), DType::Float32);
}

TEST(Variable, InitialViewOfALargerBlockIsAPrivateCopy) {
  Tensor base = testing::make_tensor<float>({4}, {1, 2, 3, 4});
  Tensor tail = Tensor::view(base, Shape{2}, Strides{1}, 2);
  Variable v(tail, "v", true);
  EXPECT_FALSE(v.read().shares_storage(base));
  base.data<float>()[2] = 100;  // changing the source later does not change the variable
  EXPECT_EQ(testing::to_vector<float>(v.read()), (std::vector<float>{3, 4}));
}

TEST(Variable, AssignLeavesEarlierReadsUnchanged) {
  Variable v(testing::make_tensor<float>({3}, {1, 2, 3}), "v", true);
  Tensor snapshot = v.read();
  v.assign(testing::make_tensor<float>({3}, {7, 8, 9}));
  EXPECT_EQ(testing::to_vector<float>(snapshot), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(testing::to_vector<float>(v.read()), (std::vector<float>{7, 8, 9}));
  EXPECT_FALSE(snapshot.shares_storage(v.read()));
}

TEST(Variable, MutableValueCopiesOnlyWhenShared) {
  Variable v(testing::make_tensor<float>({2}, {1, 2}), "v", true);
  void* before = v.mutable_value().raw_data();
  // No read alive: writing in place keeps the same buffer.
  EXPECT_EQ(v.mutable_value().raw_data(), before);
  Tensor snapshot = v.read();
  Tensor m = v.mutable_value();  // a read shares the storage: copy first
  EXPECT_NE(m.raw_data(), before);
  m.data<float>()[0] = 5;
  EXPECT_EQ(testing::to_vector<float>(snapshot), (std::vector<float>{1, 2}));
  EXPECT_EQ(testing::to_vector<float>(v.read()), (std::vector<float>{5, 2}));
}

TEST(Variable, AssignChecksShapeAndDtype) {
  Variable v(testing::make_tensor<float>({2}, {1, 2}), "v", true);
  EXPECT_THROW(v.assign(testing::make_tensor<float>({3}, {1, 2, 3})), InvalidArgument);
  EXPECT_THROW(v.assign(testing::make_tensor<double>({2}, {1, 2})), InvalidArgument);
  EXPECT_EQ(testing::to_vector<float>(v.read()), (std::vector<float>{1, 2}));
}

TEST(Variable, ReadsGoThroughTheInstalledHooks) {
  // autograd installs the hooks at static init; core itself includes neither autograd nor ops.
  const VariableHooks installed = variable_hooks();
  ASSERT_NE(installed.on_read, nullptr);
  ASSERT_NE(installed.copy_into, nullptr);
  static int reads = 0;
  reads = 0;
  variable_hooks().on_read = [](const Variable&, const Tensor&) { ++reads; };
  Variable v(testing::make_tensor<float>({2}, {1, 2}), "v", true);
  v.read();
  v.read();
  EXPECT_EQ(reads, 2);
  // Without a copy kernel a Variable that must copy its initial value (a view) cannot be made: an error, not a crash
  variable_hooks().copy_into = nullptr;
  Tensor base = testing::make_tensor<float>({4}, {1, 2, 3, 4});
  EXPECT_THROW(Variable(Tensor::view(base, Shape{2}, Strides{1}, 2), "w", true), RuntimeError);
  variable_hooks() = installed;
}

}  // namespace
}  // namespace pt
