// Tape::gradient's gradient-ready callback: once per source, with its final gradient, the first-final first.
#include <gtest/gtest.h>

#include <stdexcept>

#include "autograd/tape.h"
#include "core/variable.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using autograd::Source;
using autograd::Tape;

Tensor scalar(float x) { return testing::make_tensor<float>({}, {x}); }

// y = (v * 2) * u * v: u is first read by the second node, v by the first, so u's gradient (2 v^2 = 18) is
// final one node before v's (4 u v = 24, the sum over v's two reads); w is never read (undefined gradient).
struct TwoReads {
  Variable v{scalar(3), "v", true}, u{scalar(2), "u", true}, w{scalar(1), "w", true};
  Tape tape{true, true};
  Tensor y;
  TwoReads() {
    tape.push();
    y = ops::binary(OpId::multiply, ops::binary(OpId::multiply, ops::binary(OpId::multiply, v.read(), scalar(2)), u.read()),
                    v.read());
    tape.pop();
  }
  std::vector<Source> sources() const { return {{Tensor(), v.uid()}, {Tensor(), u.uid()}, {Tensor(), w.uid()}}; }
};

TEST(TapeGradientReady, FiresOncePerSourceWithTheFinalGradientFirstFinalFirst) {
  TwoReads f;
  std::vector<std::pair<size_t, float>> seen;
  std::vector<Tensor> grads = f.tape.gradient({f.y}, f.sources(), {}, true, [&](size_t i, const Tensor& g) {
    seen.emplace_back(i, g.defined() ? testing::to_vector<float>(g)[0] : -1.0f);
  });
  // w (unconnected) is final before the sweep starts, then u, then v.
  EXPECT_EQ(seen, (std::vector<std::pair<size_t, float>>{{2, -1.0f}, {1, 18.0f}, {0, 24.0f}}));
  EXPECT_EQ(testing::to_vector<float>(grads[0])[0], 24.0f);
  EXPECT_EQ(testing::to_vector<float>(grads[1])[0], 18.0f);
  EXPECT_FALSE(grads[2].defined());
}

TEST(TapeGradientReady, AnExceptionPropagatesAndAPersistentTapeStaysUsable) {
  TwoReads f;
  auto fail = [](size_t, const Tensor&) { throw std::runtime_error("ready callback fails"); };
  EXPECT_THROW(f.tape.gradient({f.y}, f.sources(), {}, true, fail), std::runtime_error);
  std::vector<Tensor> grads = f.tape.gradient({f.y}, f.sources(), {}, true);
  EXPECT_EQ(testing::to_vector<float>(grads[0])[0], 24.0f);
}

TEST(TapeGradientReady, AnExceptionSpendsANonPersistentTape) {
  Variable v(scalar(3), "v", true);
  Tape tape(false, true);
  tape.push();
  Tensor y = ops::binary(OpId::multiply, v.read(), v.read());
  tape.pop();
  auto fail = [](size_t, const Tensor&) { throw std::runtime_error("ready callback fails"); };
  EXPECT_THROW(tape.gradient({y}, {{Tensor(), v.uid()}}, {}, true, fail), std::runtime_error);
  EXPECT_TRUE(tape.used());
  EXPECT_EQ(tape.num_nodes(), 0u);  // its recording freed
}

}  // namespace
}  // namespace pt
