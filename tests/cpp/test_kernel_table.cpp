// The kernel table (backend/kernel_table.h): ops reach their kernels through it, a backend adds kernels by
// registering them (no family file edited), and a missing kernel is an error naming op, device and dtype.
#include <gtest/gtest.h>

#include <string>

#include "backend/kernel_table.h"
#include "backend/kernels.h"
#include "core/errors.h"
#include "ops/ops.h"
#include "test_util.h"

namespace pt {
namespace {

using backend::BinaryKernel;
using backend::KernelSlot;
using backend::UnaryKernel;
using testing::make_tensor;
using testing::to_vector;

/** A test backend's exp for int32: x * 10 (not exp, so the test sees which kernel ran). */
void times_ten(const Tensor& x, const Tensor& out) {
  const Tensor dense = ops::contiguous(x);
  for (int64_t i = 0; i < x.numel(); ++i) out.data<int32_t>()[i] = dense.data<int32_t>()[i] * 10;
}

/** Counts its calls, then runs the CPU relu it replaced. */
int relu_calls = 0;
UnaryKernel* cpu_relu = nullptr;
void counting_relu(const Tensor& x, const Tensor& out) {
  ++relu_calls;
  cpu_relu(x, out);
}

/** Registers a kernel for the test's lifetime, putting the slot's previous contents back at the end. */
template <class Sig>
struct ScopedKernel {
  OpId op;
  Device device;
  DType dtype;
  KernelSlot previous;
  ScopedKernel(OpId o, Device dev, DType dt, Sig* fn)
      : op(o), device(dev), dtype(dt), previous(backend::register_kernel(o, dev, dt, fn)) {}
  ~ScopedKernel() { backend::restore_kernel(op, device, dtype, previous); }
};

TEST(KernelTable, CpuBackendRegistersItsKernels) {
  EXPECT_TRUE(backend::has_kernel<UnaryKernel>(OpId::exp, Device::CPU, DType::Float32));
  EXPECT_TRUE(backend::has_kernel<UnaryKernel>(OpId::exp, Device::CPU, DType::Float64));
  EXPECT_FALSE(backend::has_kernel<UnaryKernel>(OpId::exp, Device::CPU, DType::Int32));
  EXPECT_TRUE(backend::has_kernel<BinaryKernel>(OpId::add, Device::CPU, DType::Int64));
  EXPECT_TRUE(backend::has_kernel<backend::ConvKernel>(OpId::conv2d, Device::CPU, DType::Float32));
  EXPECT_TRUE(backend::has_kernel<backend::ConvMaxPoolKernel>(OpId::conv2d_max_pool, Device::CPU, DType::Float64));
  EXPECT_FALSE(backend::has_kernel<UnaryKernel>(OpId::relu, Device::CUDA, DType::Float32));
}

TEST(KernelTable, KernelRegisteredForAnEmptySlotRunsThroughTheOp) {
  Tensor x = make_tensor<int32_t>({2, 2}, {1, -2, 3, 4});
  EXPECT_THROW(ops::unary(OpId::exp, x), TypeError);  // the CPU backend has no int32 exp
  {
    ScopedKernel<UnaryKernel> k(OpId::exp, Device::CPU, DType::Int32, &times_ten);
    Tensor y = ops::unary(OpId::exp, x);
    EXPECT_EQ(y.dtype(), DType::Int32);
    EXPECT_EQ(y.shape(), (Shape{2, 2}));
    EXPECT_EQ(to_vector<int32_t>(y), (std::vector<int32_t>{10, -20, 30, 40}));
    // A strided view reaches the kernel as the op's input.
    EXPECT_EQ(to_vector<int32_t>(ops::unary(OpId::exp, ops::transpose(x, {}))),
              (std::vector<int32_t>{10, 30, -20, 40}));
  }
  EXPECT_THROW(ops::unary(OpId::exp, x), TypeError);  // cleared again
}

TEST(KernelTable, ReplacedKernelIsCalledOncePerOpCall) {
  cpu_relu = backend::kernel<UnaryKernel>(OpId::relu, Device::CPU, DType::Float32);
  relu_calls = 0;
  Tensor x = make_tensor<float>({4}, {-1, 2, -3, 4});
  {
    ScopedKernel<UnaryKernel> k(OpId::relu, Device::CPU, DType::Float32, &counting_relu);
    EXPECT_EQ(to_vector<float>(ops::unary(OpId::relu, x)), (std::vector<float>{0, 2, 0, 4}));
    EXPECT_EQ(relu_calls, 1);
    ops::unary(OpId::relu, make_tensor<double>({1}, {1.0}));  // float64: another slot
    EXPECT_EQ(relu_calls, 1);
  }
  ops::unary(OpId::relu, x);
  EXPECT_EQ(relu_calls, 1);  // the CPU kernel is back
}

TEST(KernelTable, MissingKernelNamesOpDeviceAndDType) {
  Tensor x = make_tensor<int32_t>({2}, {1, 2});
  try {
    ops::unary(OpId::sqrt, x);
    FAIL() << "sqrt of int32 ran";
  } catch (const TypeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("sqrt"), std::string::npos) << what;
    EXPECT_NE(what.find("int32"), std::string::npos) << what;
    EXPECT_NE(what.find("CPU"), std::string::npos) << what;
    EXPECT_NE(what.find("float32, float64"), std::string::npos) << what;
  }
  // A tensor on a device with no kernels for the op (host memory tagged CUDA: the lookup comes first).
  float data[2] = {1, 2};
  Tensor on_cuda = Tensor::from_storage(Storage::borrow(data, sizeof(data), Device::CUDA, nullptr, nullptr), {2}, {1},
                                        0, DType::Float32);
  try {
    ops::unary(OpId::exp, on_cuda);
    FAIL() << "exp ran on a device with no kernels";
  } catch (const Unimplemented& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exp"), std::string::npos) << what;
    EXPECT_NE(what.find("CUDA"), std::string::npos) << what;
    EXPECT_NE(what.find("float32"), std::string::npos) << what;
  }
}

TEST(KernelTable, KernelOfAnotherSignatureIsAnErrorNotACall) {
  ScopedKernel<BinaryKernel> k(OpId::exp, Device::CPU, DType::Int32,
                               +[](const Tensor&, const Tensor&, const Tensor&) { FAIL() << "called"; });
  try {
    ops::unary(OpId::exp, make_tensor<int32_t>({1}, {1}));
    FAIL() << "no error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("signature"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pt
