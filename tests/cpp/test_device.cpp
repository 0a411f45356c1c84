// The device seam (core/device.h) and the kernel table's CPU fallback for a device without a kernel, driven by a
// fake device runtime whose "device memory" is host memory: what a CUDA build does around its kernels, testable
// without a GPU.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
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

/** What the fake runtime saw. */
struct FakeDevice {
  int allocations = 0, releases = 0, copies = 0, synchronizations = 0;
  size_t released_bytes = 0, limit = size_t(1) << 30;
  std::vector<std::string> warnings;
};
FakeDevice fake;

const DeviceRuntime kFakeRuntime = {
    [] { return 1; },
    [](size_t nbytes) -> void* {
      if (nbytes > fake.limit)
        throw ResourceExhausted(str_cat(backend::current_device_op_name(), ": out of fake device memory"));
      ++fake.allocations;
      return std::aligned_alloc(64, (nbytes + 63) / 64 * 64 + 64);
    },
    [](void* data, size_t nbytes) {
      ++fake.releases;
      fake.released_bytes += nbytes;
      std::free(data);
    },
    [](void* dst, const void* src, size_t nbytes) {
      ++fake.copies;
      std::memcpy(dst, src, nbytes);
    },
    [] { ++fake.synchronizations; },
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
    backend::g_device_work_pending.store(false);
    set_device_runtime(Device::CUDA, nullptr);
    set_warning_handler(nullptr);
  }
};

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
  EXPECT_EQ(to_vector<float>(copy_to_device(y, Device::CPU)), (std::vector<float>{1, 2, 0}));
  ASSERT_EQ(fake.warnings.size(), 2u);
  EXPECT_NE(fake.warnings[0].find("exp: no CUDA kernel for dtype float32"), std::string::npos) << fake.warnings[0];
  EXPECT_NE(fake.warnings[1].find("floor: no CUDA kernel"), std::string::npos) << fake.warnings[1];
  ops::unary(OpId::exp, x);
  EXPECT_EQ(fake.warnings.size(), 2u);  // once per op
}

TEST_F(FakeDeviceTest, TheFallbackWaitsForDeviceWorkQueuedAfterItsLookup) {
  Tensor x = copy_to_device(make_tensor<float>({2}, {4, 9}), Device::CUDA);
  Tensor out = Tensor::empty({2}, DType::Float32, Device::CUDA);
  backend::UnaryKernel* run = backend::kernel<backend::UnaryKernel>(OpId::sqrt, Device::CUDA, DType::Float32);
  EXPECT_EQ(fake.synchronizations, 0);
  backend::g_device_work_pending.store(true);  // as a family file's contiguous(x) queues a copy after the lookup
  run(x, out);
  EXPECT_EQ(fake.synchronizations, 1);
  EXPECT_FALSE(backend::g_device_work_pending.load());
  EXPECT_EQ(to_vector<float>(copy_to_device(out, Device::CPU)), (std::vector<float>{2, 3}));
  run(x, out);  // nothing queued since: no wait
  EXPECT_EQ(fake.synchronizations, 1);
}

TEST_F(FakeDeviceTest, CpuKernelsWaitForPendingDeviceWork) {
  Tensor a = make_tensor<float>({2}, {1, 2});
  backend::g_device_work_pending.store(true);
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::add, a, a)), (std::vector<float>{2, 4}));
  EXPECT_EQ(fake.synchronizations, 1);
  EXPECT_EQ(to_vector<float>(ops::binary(OpId::add, a, a)), (std::vector<float>{2, 4}));
  EXPECT_EQ(fake.synchronizations, 1);  // the CPU's own work does not wait
}

TEST_F(FakeDeviceTest, AVariableLivesOnItsInitialValuesDevice) {
  Variable on_device(copy_to_device(make_tensor<float>({2}, {1, 2}), Device::CUDA), "v", true);
  EXPECT_EQ(on_device.read().device(), Device::CUDA);
  on_device.assign(make_tensor<float>({2}, {3, 4}));  // a host value copied into device memory
  EXPECT_EQ(on_device.read().device(), Device::CUDA);
  EXPECT_EQ(to_vector<float>(copy_to_device(on_device.read(), Device::CPU)), (std::vector<float>{3, 4}));
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
