// Storage (alignment, live-byte accounting, borrowed memory) and Tensor views.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "core/storage.h"
#include "core/tensor.h"
#include "test_util.h"

namespace pt {
namespace {

TEST(Storage, AllocationsAreAligned) {
  for (size_t bytes : {size_t(0), size_t(1), size_t(3), size_t(64), size_t(100), size_t(4097), size_t(1) << 20}) {
    auto s = Storage::allocate(bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(s->data()) % kAlignment, 0u) << bytes;
    EXPECT_EQ(s->nbytes(), bytes);
    EXPECT_EQ(s->device(), Device::CPU);
  }
}

TEST(Storage, LiveBytesReturnAfterTensorsDie) {
  const int64_t before = Storage::live_bytes();
  {
    Tensor a = Tensor::empty({100, 10}, DType::Float32);
    EXPECT_EQ(Storage::live_bytes(), before + 4000);
    Tensor v = Tensor::view(a, {10, 100}, {1, 10}, 0);  // a view allocates nothing
    EXPECT_EQ(Storage::live_bytes(), before + 4000);
    {
      Tensor b = Tensor::empty({7}, DType::Float64);
      EXPECT_EQ(Storage::live_bytes(), before + 4056);
    }
    EXPECT_EQ(Storage::live_bytes(), before + 4000);
    a = Tensor();  // the view still holds the storage
    EXPECT_EQ(Storage::live_bytes(), before + 4000);
  }
  EXPECT_EQ(Storage::live_bytes(), before);
}

TEST(Storage, FreedLargeBlocksAreReusedAndSmallOnesAreNot) {
  // A training loop allocates the same large buffers every step: the second one takes the first's block.
  const size_t large = (size_t(1) << 20) + 12345;
  void* first = Storage::allocate(large)->data();
  auto again = Storage::allocate(large);
  EXPECT_EQ(again->data(), first);
  EXPECT_EQ(again->nbytes(), large);
  auto other = Storage::allocate(large);  // the block is taken: a second live one gets its own
  EXPECT_NE(other->data(), again->data());
  // Sizes in one class (within 1/8 of a power of two) share blocks; a huge block keeps 2 MiB alignment.
  void* huge = Storage::allocate(size_t(9) << 20)->data();
  auto near = Storage::allocate((size_t(9) << 20) + 4096);
  EXPECT_EQ(near->data(), huge);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(near->data()) % (size_t(2) << 20), 0u);
  // Writes through a reused block are seen whole (nothing else holds it).
  std::memset(near->data(), 0x5a, near->nbytes());
  EXPECT_EQ(static_cast<unsigned char*>(near->data())[near->nbytes() - 1], 0x5a);
}

TEST(Storage, BorrowedMemoryRunsItsFreeCallbackOnce) {
  static int calls = 0;
  static float buffer[6] = {1, 2, 3, 4, 5, 6};
  calls = 0;
  const int64_t before = Storage::live_bytes();
  {
    auto s = Storage::borrow(buffer, sizeof(buffer), Device::CPU, [](void*, void*) { ++calls; }, nullptr);
    Tensor t = Tensor::from_storage(s, {2, 3}, {3, 1}, 0, DType::Float32);
    EXPECT_EQ(t.data<float>()[4], 5.0f);
    EXPECT_EQ(Storage::live_bytes(), before);  // borrowed bytes are not ours
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(calls, 1);
}

TEST(Tensor, ViewsShareStorage) {
  Tensor a = testing::make_tensor<float>({2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_TRUE(a.is_contiguous());
  Tensor t = Tensor::view(a, {3, 2}, {1, 3}, 0);  // transpose
  EXPECT_TRUE(t.shares_storage(a));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_NE(t.id(), a.id());
  EXPECT_EQ(testing::to_vector<float>(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  Tensor row = Tensor::view(a, {3}, {1}, 3);  // second row
  EXPECT_TRUE(row.is_contiguous());
  EXPECT_EQ(row.data<float>(), a.data<float>() + 3);
  // A write through the base is visible through the views: they are the same memory.
  a.data<float>()[3] = 42.0f;
  EXPECT_EQ(row.data<float>()[0], 42.0f);
  EXPECT_EQ(testing::to_vector<float>(t)[1], 42.0f);
  Tensor other = Tensor::empty({2, 3}, DType::Float32);
  EXPECT_FALSE(other.shares_storage(a));
}

TEST(Tensor, ContiguityOfLayouts) {
  EXPECT_TRUE(is_contiguous_layout({2, 3}, {3, 1}));
  EXPECT_FALSE(is_contiguous_layout({2, 3}, {1, 2}));
  EXPECT_TRUE(is_contiguous_layout({1, 3}, {99, 1}));  // size-1 dims' strides do not matter
  EXPECT_FALSE(is_contiguous_layout({2, 3}, {0, 1}));  // broadcast rows
  EXPECT_TRUE(is_contiguous_layout({2, 0}, {5, 7}));   // empty
}

TEST(Tensor, EmptyRejectsNegativeDims) { EXPECT_THROW(Tensor::empty({2, -1}, DType::Float32), InvalidArgument); }

}  // namespace
}  // namespace pt
