// The device seam (core/device.h) and the kernel table's CPU fallback for a device without a kernel, driven by a
// fake device runtime whose "device memory" is host memory the CPU cannot read (mapped without access, opened only
// inside the runtime's copy): a CPU read of device memory that skipped a copy crashes the test, as it would read
// garbage on a GPU. What a CUDA build does around its kernels, testable without a GPU.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "backend/kernel_table.h"
#include "backend/kernels.h"
#include "core/device.h"
#include "core/errors.h"
#include "core/variable.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using testing::make_tensor;
using testing::to_vector;

/** What the fake runtime saw, and its blocks of "device memory" (mapped without access) by address. */
struct FakeDevice {
  int allocations = 0, releases = 0, copies = 0;
  size_t released_bytes = 0, copied_bytes = 0, limit = size_t(1) << 30;
  std::vector<std::string> warnings;
  std::map<const char*, size_t> blocks;
};
FakeDevice fake;

/** The fake device block holding `p` (its base and mapped size), or {null, 0} for host memory. */
std::pair<char*, size_t> fake_block(const void* p) {
  auto it = fake.blocks.upper_bound(static_cast<const char*>(p));
  if (it == fake.blocks.begin()) return {nullptr, 0};
  --it;
  if (static_cast<const char*>(p) >= it->first + it->second) return {nullptr, 0};
  return {const_cast<char*>(it->first), it->second};
}

/** Opens (or closes) the block holding `p` to the CPU when it is device memory. */
void set_access(const void* p, int prot) {
  const auto [base, size] = fake_block(p);
  if (base) {
    ASSERT_EQ(mprotect(base, size, prot), 0);
  }
}

const DeviceRuntime kFakeRuntime = {
    [] { return 1; },
    [](size_t nbytes) -> void* {
      if (nbytes > fake.limit)
        throw ResourceExhausted(str_cat(backend::current_device_op_name(), ": out of fake device memory"));
      ++fake.allocations;
      const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
      const size_t size = (std::max<size_t>(nbytes, 1) + page - 1) / page * page;
      void* p = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      fake.blocks[static_cast<char*>(p)] = size;
      return p;
    },
    [](void* data, size_t nbytes) {
      ++fake.releases;
      fake.released_bytes += nbytes;
      auto it = fake.blocks.find(static_cast<char*>(data));
      munmap(data, it->second);
      fake.blocks.erase(it);
    },
    [](void* dst, const void* src, size_t nbytes) {
      ++fake.copies;
      fake.copied_bytes += nbytes;
      set_access(dst, PROT_READ | PROT_WRITE);
      set_access(src, PROT_READ);
      std::memcpy(dst, src, nbytes);
      set_access(dst, PROT_NONE);
      set_access(src, PROT_NONE);
    },
    [] {},
    [] { return DeviceMemoryInfo{}; },
    [] {},
};

/** Installs the fake runtime as the CUDA device's for one test, and a warning handler that records. */
class FakeDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake = FakeDevice{};
    set_device_runtime(Device::CUDA, &kFakeRuntime);
    set_warning_handler([](const std::string& message) { fake.warnings.push_back(message); });
  }
  void TearDown() override {
    set_device_runtime(Device::CUDA, nullptr);
    set_warning_handler(nullptr);
  }
};

/** A dense device copy of `values` with `shape`. */
template <class T> Tensor device_tensor(const Shape& shape, const std::vector<T>& values) {
  return copy_to_device(make_tensor<T>(shape, values), Device::CUDA);
}

/** The elements of device or host tensor `t`, read through a copy. */
template <class T> std::vector<T> values(const Tensor& t) { return to_vector<T>(ops::to_host(t)); }

TEST(DeviceWithoutRuntime, OnlyTheCpuExists) {
  EXPECT_EQ(device_count(Device::CPU), 1);
  EXPECT_EQ(device_count(Device::CUDA), 0);
  EXPECT_THROW(Storage::allocate(16, Device::CUDA), Unimplemented);
  EXPECT_THROW(copy_to_device(make_tensor<float>({2}, {1, 2}), Device::CUDA), InvalidArgument);
  EXPECT_EQ(default_device(), Device::CPU);
}

TEST_F(FakeDeviceTest, StorageAndCopiesGoThroughTheRuntime) {
  EXPECT_EQ(device_count(Device::CUDA), 1);
  Tensor x = make_tensor<float>({3}, {1, 2, 3});
  {
    Tensor on_device = copy_to_device(x, Device::CUDA);
    EXPECT_EQ(on_device.device(), Device::CUDA);
    EXPECT_EQ(fake.allocations, 1);
    Tensor back = copy_to_device(on_device, Device::CPU);
    EXPECT_EQ(back.device(), Device::CPU);
    EXPECT_EQ(to_vector<float>(back), (std::vector<float>{1, 2, 3}));
    EXPECT_EQ(fake.copies, 2);
    EXPECT_TRUE(copy_to_device(on_device, Device::CUDA).shares_storage(on_device));  // already there: no copy
  }
  EXPECT_EQ(fake.releases, 1);
  EXPECT_EQ(fake.released_bytes, 3 * sizeof(float));
}

TEST_F(FakeDeviceTest, DefaultDeviceIsPerThreadOverAProcessDefault) {
  set_default_device(Device::CUDA);
  EXPECT_EQ(default_device(), Device::CUDA);
  EXPECT_EQ(ops::fill({2}, 1.0, DType::Float32).device(), Device::CUDA);  // creation ops place on it
  set_default_device(Device::CPU);
  EXPECT_EQ(ops::fill({2}, 1.0, DType::Float32).device(), Device::CPU);
}

TEST_F(FakeDeviceTest, AnOpWithoutADeviceKernelRunsTheCpuKernelAndWarnsOnce) {
  Tensor x = copy_to_device(make_tensor<float>({3}, {0.0f, 1.0f, -1.0f}), Device::CUDA);
  Tensor y = ops::unary(OpId::floor, ops::unary(OpId::exp, x));
  EXPECT_EQ(y.device(), Device::CUDA);  // the output stays on the inputs' device
  EXPECT_EQ(values<float>(y), (std::vector<float>{1, 2, 0}));
  ASSERT_EQ(fake.warnings.size(), 2u);
  EXPECT_NE(fake.warnings[0].find("exp: no CUDA kernel for dtype float32"), std::string::npos) << fake.warnings[0];
  EXPECT_NE(fake.warnings[1].find("floor: no CUDA kernel"), std::string::npos) << fake.warnings[1];
  ops::unary(OpId::exp, x);
  EXPECT_EQ(fake.warnings.size(), 2u);  // once per op
}

TEST_F(FakeDeviceTest, TheFakeDevicesMemoryIsNotHostReadable) {
#if defined(__SANITIZE_ADDRESS__)
  // Under ASan the intended fault is also a sanitizer report, which the sanitizer job counts as a failure; the
  // Release build's ctest runs this test.
  GTEST_SKIP() << "the intended fault would be an AddressSanitizer report";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Tensor x = device_tensor<float>({2}, {1, 2});
  EXPECT_DEATH({ volatile float v = *x.data<float>(); (void)v; }, "");  // what the fallback's copies avoid
}

TEST_F(FakeDeviceTest, TheFallbackCopiesOperandsToTheHostAndOnlyWhatTheKernelWroteBack) {
  Tensor x = device_tensor<float>({4}, {4, 9, 16, 25});
  Tensor out = Tensor::empty({4}, DType::Float32, Device::CUDA);
  backend::UnaryKernel* run = backend::kernel<backend::UnaryKernel>(OpId::sqrt, Device::CUDA, DType::Float32);
  const int copies = fake.copies;
  run(x, out);
  EXPECT_EQ(fake.copies - copies, 3);  // x and out to the host, out back; x, unchanged, is not copied back
  EXPECT_EQ(values<float>(out), (std::vector<float>{2, 3, 4, 5}));
  EXPECT_EQ(values<float>(x), (std::vector<float>{4, 9, 16, 25}));
}

TEST_F(FakeDeviceTest, TheFallbackKeepsViewsAndAliasing) {
  // A transposed view of a device tensor, and an output that is a slice of another device tensor's storage: the
  // kernel sees both layouts, and the rest of the output's storage keeps its values.
  Tensor base = device_tensor<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor xt = ops::transpose(base, {1, 0});
  Tensor big = device_tensor<float>({3, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  Tensor column = Tensor::view(big, {3, 2}, {4, 1}, 1);  // columns 1 and 2 of each row
  ops::copy_into(column, ops::unary(OpId::square, xt));
  EXPECT_EQ(values<float>(big), (std::vector<float>{0, 1, 16, 0, 0, 4, 25, 0, 0, 9, 36, 0}));
  // In place: the same storage as input and output.
  Tensor same = device_tensor<float>({3}, {1, 4, 9});
  backend::kernel<backend::UnaryKernel>(OpId::sqrt, Device::CUDA, DType::Float32)(same, same);
  EXPECT_EQ(values<float>(same), (std::vector<float>{1, 2, 3}));
}

TEST_F(FakeDeviceTest, ACpuKernelGivenADeviceOperandReadsACopy) {
  // An op runs on its first operand's device: here the CPU, with the second operand in device memory.
  Tensor host = make_tensor<float>({3}, {1, 2, 3});
  Tensor dev = device_tensor<float>({3}, {10, 20, 30});
  Tensor sum = ops::binary(OpId::add, host, dev);
  EXPECT_EQ(sum.device(), Device::CPU);
  EXPECT_EQ(to_vector<float>(sum), (std::vector<float>{11, 22, 33}));
  EXPECT_TRUE(fake.warnings.empty());  // the CPU's own op: no fallback warning
}

TEST_F(FakeDeviceTest, AKernelsReturnedTensorGoesToTheOperandsDevice) {
  Tensor cond = ops::cast(device_tensor<float>({4}, {0, 1, 0, 1}), DType::Bool);
  Tensor where = ops::where_indices(cond);
  EXPECT_EQ(where.device(), Device::CUDA);
  EXPECT_EQ(where.shape(), (Shape{2, 1}));
  EXPECT_EQ(values<int64_t>(where), (std::vector<int64_t>{1, 3}));
}

TEST_F(FakeDeviceTest, HostReadsCopy) {
  Tensor x = device_tensor<float>({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(values<float>(ops::transpose(x, {1, 0})), (std::vector<float>{1, 3, 2, 4}));  // a view: made dense
  Tensor host = make_tensor<float>({1}, {7});
  EXPECT_TRUE(ops::to_host(host).shares_storage(host));  // already there: no copy
}

TEST_F(FakeDeviceTest, AVariableLivesOnItsInitialValuesDevice) {
  Variable on_device(copy_to_device(make_tensor<float>({2}, {1, 2}), Device::CUDA), "v", true);
  EXPECT_EQ(on_device.read().device(), Device::CUDA);
  on_device.assign(make_tensor<float>({2}, {3, 4}));  // a host value copied into device memory
  EXPECT_EQ(on_device.read().device(), Device::CUDA);
  EXPECT_EQ(values<float>(on_device.read()), (std::vector<float>{3, 4}));
  Variable on_host(make_tensor<float>({2}, {0, 0}), "w", true);
  on_host.assign(on_device.read());  // a device value copied into host memory
  EXPECT_EQ(on_host.read().device(), Device::CPU);
  EXPECT_EQ(to_vector<float>(on_host.read()), (std::vector<float>{3, 4}));
}

TEST_F(FakeDeviceTest, OutOfDeviceMemoryNamesTheOp) {
  Tensor x = copy_to_device(make_tensor<float>({4}, {1, 2, 3, 4}), Device::CUDA);
  fake.limit = 8;
  try {
    ops::unary(OpId::tanh, x);
    FAIL() << "allocated past the limit";
  } catch (const ResourceExhausted& e) {
    EXPECT_NE(std::string(e.what()).find("tanh: out of fake device memory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pt
