// Shape utilities: numel, strides, broadcasting and axis normalisation.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/shape.h"

namespace pt {
namespace {

TEST(Shape, NumelAndStr) {
  EXPECT_EQ(numel({}), 1);
  EXPECT_EQ(numel({2, 3, 4}), 24);
  EXPECT_EQ(numel({2, 0, 4}), 0);
  EXPECT_EQ(shape_str({}), "()");
  EXPECT_EQ(shape_str({3}), "(3,)");
  EXPECT_EQ(shape_str({2, 3}), "(2, 3)");
}

TEST(Shape, ContiguousStrides) {
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(contiguous_strides({5}), (Strides{1}));
  EXPECT_EQ(contiguous_strides({}), (Strides{}));
  // A zero extent must not zero the strides of outer dimensions.
  EXPECT_EQ(contiguous_strides({3, 0, 2}), (Strides{2, 2, 1}));
}

TEST(Shape, BroadcastShapes) {
  EXPECT_EQ(broadcast_shapes({2, 3}, {2, 3}, "t"), (Shape{2, 3}));
  EXPECT_EQ(broadcast_shapes({4, 1, 3}, {5, 1}, "t"), (Shape{4, 5, 3}));
  EXPECT_EQ(broadcast_shapes({}, {2, 2}, "t"), (Shape{2, 2}));
  EXPECT_EQ(broadcast_shapes({1}, {0}, "t"), (Shape{0}));
  EXPECT_EQ(broadcast_shapes({3, 1}, {1, 0}, "t"), (Shape{3, 0}));
}

TEST(Shape, BroadcastShapesErrorNamesOpAndShapes) {
  try {
    broadcast_shapes({2, 3}, {4, 3}, "add");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("add"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(2, 3)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(4, 3)"), std::string::npos) << msg;
  }
}

TEST(Shape, BroadcastStrides) {
  // (3, 1) with strides (1, 1) read as (2, 3, 4): new leading dim and the stretched dim get stride 0.
  EXPECT_EQ(broadcast_strides({3, 1}, {1, 1}, {2, 3, 4}), (Strides{0, 1, 0}));
  EXPECT_EQ(broadcast_strides({2, 3}, {3, 1}, {2, 3}), (Strides{3, 1}));
}

TEST(Shape, NormalizeAxis) {
  EXPECT_EQ(normalize_axis(0, 3, "t"), 0);
  EXPECT_EQ(normalize_axis(2, 3, "t"), 2);
  EXPECT_EQ(normalize_axis(-1, 3, "t"), 2);
  EXPECT_EQ(normalize_axis(-3, 3, "t"), 0);
  EXPECT_THROW(normalize_axis(3, 3, "t"), InvalidArgument);
  EXPECT_THROW(normalize_axis(-4, 3, "t"), InvalidArgument);
  EXPECT_THROW(normalize_axis(0, 0, "t"), InvalidArgument);
  try {
    normalize_axis(5, 2, "reduce_sum");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("reduce_sum"), std::string::npos);
  }
}

TEST(Shape, NormalizeAxesSortsAndRejectsDuplicates) {
  EXPECT_EQ(normalize_axes({-1, 0}, 3, "t"), (std::vector<int64_t>{0, 2}));
  EXPECT_THROW(normalize_axes({1, -2}, 3, "t"), InvalidArgument);
  EXPECT_THROW(normalize_axes({3}, 3, "t"), InvalidArgument);
}

}  // namespace
}  // namespace pt
