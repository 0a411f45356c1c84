#pragma once
/**
 * The DLPack ABI (data-exchange spec of the Python array API), for __dlpack__ and from_dlpack: the legacy
 * 0.8 structs ("dltensor" capsules) and the 1.0 versioned ones ("dltensor_versioned"), whose flags can mark an
 * export read-only.
 */
#include <cstdint>

namespace pt::dlpack {

enum DeviceType : int32_t { kDLCPU = 1, kDLCUDA = 2 };
enum TypeCode : uint8_t { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLComplex = 5, kDLBool = 6 };

struct DLDevice { int32_t device_type; int32_t device_id; };
struct DLDataType { uint8_t code; uint8_t bits; uint16_t lanes; };
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null means row-major dense
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

/** The version this module exports when the consumer asks for max_version >= (1, 0). */
struct DLPackVersion { uint32_t major; uint32_t minor; };
inline constexpr DLPackVersion kVersion{1, 0};
/** The consumer must not write through the exported memory. */
inline constexpr uint64_t kFlagReadOnly = 1ULL << 0;
/** The export is a fresh copy, not a view of the producer's memory. */
inline constexpr uint64_t kFlagIsCopied = 1ULL << 1;

struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
};

}  // namespace pt::dlpack
