// matmul: against a naive triple loop, transposes and views, batch broadcasting, integers,
// errors, and bitwise determinism across thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "backend/cpu/gemm.h"
#include "core/parallel.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using testing::make_tensor;
using testing::to_vector;

/** Reference: C[i, j] = sum_p A[i, p] B[p, j] in double, for (batch of) matrices given by element access. */
template <class GetA, class GetB>
std::vector<double> naive(int64_t m, int64_t n, int64_t k, GetA a, GetB b) {
  std::vector<double> c(static_cast<size_t>(m * n), 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) s += static_cast<double>(a(i, p)) * static_cast<double>(b(p, j));
      c[i * n + j] = s;
    }
  return c;
}

/** Restores the thread count a test changed. */
struct ThreadCountGuard {
  int saved = get_num_threads();
  ~ThreadCountGuard() { set_num_threads(saved); }
};

void expect_close(const std::vector<float>& got, const std::vector<double>& want, int64_t k) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-5 * (k + 1)) << "element " << i;
}

class MatmulShapes : public ::testing::TestWithParam<std::tuple<int, int, int, bool, bool>> {};

TEST_P(MatmulShapes, MatchesNaiveLoop) {
  const auto [m, n, k, ta, tb] = GetParam();
  // Stored shapes follow the flags: transpose_a means a is stored k x m.
  const Shape sa = ta ? Shape{k, m} : Shape{m, k}, sb = tb ? Shape{n, k} : Shape{k, n};
  const std::vector<float> av = testing::lcg_values(m * k, 11), bv = testing::lcg_values(k * n, 12);
  Tensor a = make_tensor<float>(sa, av), b = make_tensor<float>(sb, bv);
  Tensor c = ops::matmul(a, b, ta, tb);
  ASSERT_EQ(c.shape(), (Shape{m, n}));
  auto ga = [&](int64_t i, int64_t p) { return ta ? av[p * m + i] : av[i * k + p]; };
  auto gb = [&](int64_t p, int64_t j) { return tb ? bv[j * k + p] : bv[p * n + j]; };
  expect_close(to_vector<float>(c), naive(m, n, k, ga, gb), k);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, MatmulShapes,
    ::testing::Values(std::make_tuple(1, 1, 1, false, false), std::make_tuple(3, 5, 4, false, false),
                      std::make_tuple(3, 5, 4, true, false), std::make_tuple(3, 5, 4, false, true),
                      std::make_tuple(3, 5, 4, true, true), std::make_tuple(1, 70, 300, false, false),
                      std::make_tuple(130, 1, 70, false, true), std::make_tuple(67, 45, 129, false, false),
                      std::make_tuple(300, 257, 191, false, false), std::make_tuple(300, 257, 191, true, false),
                      std::make_tuple(300, 257, 191, false, true), std::make_tuple(300, 257, 191, true, true),
                      std::make_tuple(520, 600, 33, false, false)));

TEST(Matmul, StridedViewsAreReadInPlaceOrCopied) {
  // a: every other column of a 40 x 120 matrix (no unit stride: copied); b: a transposed view (mapped).
  const std::vector<float> base = testing::lcg_values(40 * 120, 3), bbase = testing::lcg_values(60 * 50, 4);
  Tensor full = make_tensor<float>({40, 120}, base);
  Tensor a = Tensor::view(full, {40, 60}, {120, 2}, 0);
  Tensor bstore = make_tensor<float>({50, 60}, bbase);
  Tensor b = Tensor::view(bstore, {60, 50}, {1, 60}, 0);
  Tensor c = ops::matmul(a, b, false, false);
  auto ga = [&](int64_t i, int64_t p) { return base[i * 120 + 2 * p]; };
  auto gb = [&](int64_t p, int64_t j) { return bbase[j * 60 + p]; };
  expect_close(to_vector<float>(c), naive(40, 50, 60, ga, gb), 60);
}

TEST(Matmul, BatchDimsBroadcast) {
  // (2, 1, 4, 3) @ (3, 3, 5) -> (2, 3, 4, 5)
  const std::vector<float> av = testing::lcg_values(2 * 4 * 3, 5), bv = testing::lcg_values(3 * 3 * 5, 6);
  Tensor c = ops::matmul(make_tensor<float>({2, 1, 4, 3}, av), make_tensor<float>({3, 3, 5}, bv), false, false);
  ASSERT_EQ(c.shape(), (Shape{2, 3, 4, 5}));
  const std::vector<float> got = to_vector<float>(c);
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 3; ++y) {
      auto ga = [&](int64_t i, int64_t p) { return av[x * 12 + i * 3 + p]; };
      auto gb = [&](int64_t p, int64_t j) { return bv[y * 15 + p * 5 + j]; };
      const std::vector<double> want = naive(4, 5, 3, ga, gb);
      for (int e = 0; e < 20; ++e) ASSERT_NEAR(got[(x * 3 + y) * 20 + e], want[e], 1e-5);
    }
}

TEST(Matmul, IntegersAreExactAndWrap) {
  Tensor a = make_tensor<int32_t>({2, 2}, {1, 2, 3, 4});
  Tensor b = make_tensor<int32_t>({2, 2}, {5, 6, 7, 8});
  EXPECT_EQ(to_vector<int32_t>(ops::matmul(a, b, false, false)), (std::vector<int32_t>{19, 22, 43, 50}));
  // 2^30 * 2 + 2^30 * 2 = 2^32 wraps to 0, as TF's int32 matmul does.
  Tensor big = make_tensor<int32_t>({1, 2}, {1 << 30, 1 << 30});
  Tensor two = make_tensor<int32_t>({2, 1}, {2, 2});
  EXPECT_EQ(to_vector<int32_t>(ops::matmul(big, two, false, false)), (std::vector<int32_t>{0}));
  // A product large enough for the blocked path.
  std::vector<int64_t> av(90 * 80), bv(80 * 70);
  for (size_t i = 0; i < av.size(); ++i) av[i] = static_cast<int64_t>(i % 7) - 3;
  for (size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<int64_t>(i % 5) - 2;
  const std::vector<int64_t> got =
      to_vector<int64_t>(ops::matmul(make_tensor<int64_t>({90, 80}, av), make_tensor<int64_t>({80, 70}, bv), false, false));
  const std::vector<double> want = naive(90, 70, 80, [&](int64_t i, int64_t p) { return av[i * 80 + p]; },
                                         [&](int64_t p, int64_t j) { return bv[p * 70 + j]; });
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(static_cast<double>(got[i]), want[i]) << i;
}

TEST(Matmul, EmptyDimensions) {
  Tensor c = ops::matmul(Tensor::empty({3, 0}, DType::Float32), Tensor::empty({0, 4}, DType::Float32), false, false);
  ASSERT_EQ(c.shape(), (Shape{3, 4}));
  EXPECT_EQ(to_vector<float>(c), std::vector<float>(12, 0.0f));
  EXPECT_EQ(ops::matmul(Tensor::empty({0, 5}, DType::Float64), Tensor::empty({5, 2}, DType::Float64), false, false)
                .shape(),
            (Shape{0, 2}));
  EXPECT_EQ(ops::matmul(Tensor::empty({0, 2, 5}, DType::Float32), Tensor::empty({5, 2}, DType::Float32), false, false)
                .shape(),
            (Shape{0, 2, 2}));
}

TEST(Matmul, Errors) {
  Tensor a = Tensor::empty({2, 3}, DType::Float32);
  Tensor b = Tensor::empty({4, 5}, DType::Float32);
  try {
    ops::matmul(a, b, false, false);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("(2, 3)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(4, 5)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("transpose"), std::string::npos) << msg;
  }
  EXPECT_THROW(ops::matmul(Tensor::empty({3}, DType::Float32), Tensor::empty({3, 2}, DType::Float32), false, false),
               InvalidArgument);
  EXPECT_THROW(ops::matmul(a, Tensor::empty({3, 2}, DType::Float64), false, false), TypeError);
  EXPECT_THROW(ops::matmul(Tensor::empty({2, 2}, DType::Bool), Tensor::empty({2, 2}, DType::Bool), false, false),
               TypeError);
  EXPECT_THROW(
      ops::matmul(Tensor::empty({2, 2, 3}, DType::Float32), Tensor::empty({3, 3, 2}, DType::Float32), false, false),
      InvalidArgument);
}

/** The bytes of matmul(a, b) computed with `threads` threads. */
std::vector<char> product_bytes(const Tensor& a, const Tensor& b, int threads) {
  set_num_threads(threads);
  Tensor c = ops::matmul(a, b, false, false);
  std::vector<char> bytes(c.numel() * c.itemsize());
  std::memcpy(bytes.data(), c.raw_data(), bytes.size());
  return bytes;
}

TEST(Matmul, BitwiseIdenticalWithOneAndTwoThreads) {
  ThreadCountGuard guard;
  // A single large product (tiled), a batch of small ones, and an odd-shaped one.
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{512, 384}, {384, 448}}, {{64, 24, 40}, {40, 36}}, {{333, 1000}, {1000, 129}}};
  for (const auto& [sa, sb] : cases) {
    Tensor a = make_tensor<float>(sa, testing::lcg_values(numel(sa), 21));
    Tensor b = make_tensor<float>(sb, testing::lcg_values(numel(sb), 22));
    const std::vector<char> one = product_bytes(a, b, 1), two = product_bytes(a, b, 2), three = product_bytes(a, b, 3);
    EXPECT_TRUE(one == two) << shape_str(sa) << " @ " << shape_str(sb);
    EXPECT_TRUE(one == three) << shape_str(sa) << " @ " << shape_str(sb);
  }
}

TEST(Matmul, DoublePrecision) {
  const std::vector<float> af = testing::lcg_values(150 * 170, 31), bf = testing::lcg_values(170 * 190, 32);
  Tensor a = ops::cast(make_tensor<float>({150, 170}, af), DType::Float64);
  Tensor b = ops::cast(make_tensor<float>({170, 190}, bf), DType::Float64);
  const std::vector<double> got = to_vector<double>(ops::matmul(a, b, false, false));
  const std::vector<double> want = naive(150, 190, 170, [&](int64_t i, int64_t p) { return af[i * 170 + p]; },
                                         [&](int64_t p, int64_t j) { return bf[p * 190 + j]; });
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-12) << i;
}

}  // namespace
}  // namespace pt
