// The registry (ops/op_list.h rows, filled in by each family file's define_op): every op can be run from a recorded
// node's parts, and invoke() runs the op's own function.
#include <gtest/gtest.h>

#include <string>

#include "core/errors.h"
#include "ops/define_op.h"
#include "ops/invoke.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using testing::make_tensor;
using testing::to_vector;

TEST(Registry, EveryOpHasAnInvoker) {
  for (const OpDef& d : op_registry()) EXPECT_NE(d.invoke, nullptr) << d.name << " (family " << d.family << ")";
}

TEST(Registry, EveryPublicOpIsDocumentedWithAnExample) {
  for (const OpDef& d : op_registry()) {
    if (!d.doc.args) continue;  // internal, or bound by another function
    EXPECT_TRUE(d.doc.signature && d.doc.summary && d.doc.example) << d.name;
    EXPECT_EQ(std::string(d.doc.signature).rfind(d.name, 0), 0u) << d.name << ": " << d.doc.signature;
  }
}

TEST(Registry, InvokeRunsTheFamilysFunction) {
  Tensor x = make_tensor<float>({4}, {-2.f, -0.5f, 0.f, 3.f});
  std::vector<Tensor> out = ops::invoke(OpId::leaky_relu, {x}, attrs::LeakyRelu{0.5});
  EXPECT_EQ(to_vector<float>(out[0]), to_vector<float>(ops::leaky_relu(x, 0.5)));
  EXPECT_EQ(to_vector<float>(ops::invoke(OpId::add, {x, x}, attrs::None{})[0]),
            (std::vector<float>{-4.f, -1.f, 0.f, 6.f}));
}

TEST(Registry, InvokeChecksTheNode) {
  Tensor x = make_tensor<float>({2}, {1.f, 2.f});
  EXPECT_THROW(ops::invoke(OpId::add, {x}, attrs::None{}), InvalidArgument);           // too few inputs
  EXPECT_THROW(ops::invoke(OpId::leaky_relu, {x}, attrs::None{}), TypeError);          // another struct
  EXPECT_THROW(ops::invoke(OpId::dropout, {x}, attrs::Dropout{1.5}), InvalidArgument);  // out of range
}

}  // namespace
}  // namespace pt
