#pragma once
/**
 * The kernel table: one kernel per (op, device, dtype). A backend (backend/<device>/) registers its kernels here;
 * a family file (ops/) computes shapes and attributes, resolves its kernel once per call with `kernel<Sig>()` (a
 * flat array index, no hashing) and calls it. A backend is added by registering kernels, without editing family
 * files. Each op's kernel signature is a function type declared in backend/kernels.h; the table checks it, so a
 * kernel registered with another signature is an error naming the op, never a call through the wrong type.
 */
#include <array>
#include <atomic>
#include <cstddef>
#include <utility>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "../core/device.h"
#include "../core/dtype.h"
#include "../core/storage.h"
#include "../core/tensor.h"
#include "../ops/op_list.h"

namespace pt::backend {

/** Devices the table has a column for (core/storage.h's Device values). */
constexpr size_t kNumDevices = 2;
/** Ops the table has a row for. */
constexpr size_t kNumOps = static_cast<size_t>(OpId::kCount);

/**
 * Which of an op's kernels a slot holds: its forward, or the fused backward of an op whose gradient is not a registry
 * row of its own (sparse_softmax_cross_entropy_with_logits's one pass over the saved exponentials).
 */
enum class Pass : uint8_t { Forward = 0, Backward = 1 };
/** Passes the table has a column for. */
constexpr size_t kNumPasses = 2;

/** A kernel pointer with its signature erased; the table keeps the signature's tag beside it. */
using ErasedKernel = void (*)();
/** Installs a host trampoline of one signature (HostTrampolines<Sig>::install). */
using InstallTrampoline = ErasedKernel (*)(ErasedKernel target);

/**
 * The tag of kernel signature `Sig`: one address per function type, compared on lookup. Hidden, like the table: the
 * library is linked whole into each extension, and a hidden symbol is addressed directly rather than through the
 * GOT on every lookup.
 */
template <class Sig> struct __attribute__((visibility("hidden"))) SignatureTag { static constexpr char tag = 0; };

/** One slot: a kernel and the tag of its signature (both null: no kernel). */
struct KernelSlot {
  ErasedKernel fn = nullptr;
  const void* signature = nullptr;
};

/** Every slot, indexed [op][pass][device][dtype]: zero-initialised, filled by the backends' registrations. */
struct KernelTable {
  KernelSlot slots[kNumOps][kNumPasses][kNumDevices][kNumDTypes];

  /** The slot of (op, device, dtype) for `pass`. */
  KernelSlot& at(OpId op, Device device, DType dtype, Pass pass = Pass::Forward) {
    return slots[static_cast<size_t>(op)][static_cast<size_t>(pass)][static_cast<size_t>(device)]
                [static_cast<size_t>(dtype)];
  }
};

/** The table of this library (hidden: see SignatureTag). */
extern KernelTable g_kernel_table __attribute__((visibility("hidden")));

/** Registers the kernels of every built backend into g_kernel_table (once; later calls do nothing). */
void register_backends();

/**
 * The kernel of a slot the fast lookup missed: the kernel itself when registering the backends filled the slot; for a
 * GPU slot the CPU has a kernel for, that CPU kernel through host_kernel (which copies the device operands to the
 * host and back) and, the first time per op, a warning naming the op. Otherwise the error (registering the backends
 * first if they are not yet): TypeError naming op, device and dtype, with the dtypes that device has kernels for;
 * Unimplemented when the device has none for the op; RuntimeError for a kernel registered with another signature.
 */
ErasedKernel missing_kernel(OpId op, Device device, DType dtype, Pass pass, const void* signature,
                            InstallTrampoline install);

/** The op this thread last looked a device (non-CPU) kernel up for: what a device allocation failing names. */
inline thread_local OpId t_device_op = OpId::kCount;

/** The name of t_device_op ("an op" before any device lookup). */
const char* current_device_op_name();

/**
 * Host copies of the device operands of one CPU-fallback kernel call. Device memory is not host memory, so a CPU
 * kernel runs on views of host copies of its operands' storages (one copy per storage, so operands that alias still
 * alias), and write_back() copies to the device the bytes the kernel changed: a kernel signature does not say which
 * operands it writes, and comparing with a snapshot neither copies inputs back nor overwrites what another thread
 * wrote to them meanwhile.
 */
class HostStaging {
 public:
  /** `x` itself when on the CPU or undefined, else a view of x's layout onto the host copy of its storage. */
  Tensor host(const Tensor& x);
  /** Copies each changed byte range of the host copies back to its device storage. */
  void write_back();
  /** A tensor a CPU kernel returned, on the device of the operands staged (itself when none was). */
  Tensor to_device(const Tensor& result) const;

 private:
  struct Staged {
    std::shared_ptr<Storage> device, host;
    std::vector<char> before;  // the storage's bytes as copied
  };
  std::vector<Staged> staged_;
};

/** The host operand of a CPU-fallback call: what HostStaging makes of tensors, anything else as it is (kernels.h
 *  adds overloads, found by argument-dependent lookup, for its structs that hold tensors). */
template <class T> const T& on_host(HostStaging&, const T& x) { return x; }
/** A tensor operand of a CPU-fallback call. */
inline Tensor on_host(HostStaging& staging, const Tensor& x) { return staging.host(x); }
/** A list of tensor operands of a CPU-fallback call. */
inline std::vector<Tensor> on_host(HostStaging& staging, const std::vector<Tensor>& xs) {
  std::vector<Tensor> out;
  out.reserve(xs.size());
  for (const Tensor& x : xs) out.push_back(staging.host(x));
  return out;
}

/**
 * Host trampolines each kernel signature has (HostTrampolines): as many (op, dtype, pass) of one signature may run
 * their CPU kernel on staged operands in one process with a GPU (each trampoline is a one-jump thunk).
 */
constexpr int kHostTrampolines = 256;

/**
 * Trampolines of kernel signature Sig for running a CPU kernel on operands that may be in device memory: trampoline K
 * stages the operands on the host (HostStaging), calls the CPU kernel installed in slot K and copies back what it
 * wrote.
 */
template <class Sig> struct HostTrampolines;
template <class R, class... Args> struct HostTrampolines<R(Args...)> {
  using Fn = R(Args...);
  static inline Fn* targets[kHostTrampolines] = {};
  static inline std::atomic<int> used{0};

  /** Calls CPU kernel `target` on host copies of the device operands in `args`. */
  static R run(Fn* target, Args... args) {
    HostStaging staging;
    if constexpr (std::is_void_v<R>) {
      target(on_host(staging, args)...);
      staging.write_back();
    } else {
      R result = target(on_host(staging, args)...);
      staging.write_back();
      if constexpr (std::is_same_v<R, Tensor>) result = staging.to_device(result);
      return result;
    }
  }
  template <int K> static R call(Args... args) { return run(targets[K], std::forward<Args>(args)...); }
  template <int... K> static constexpr std::array<Fn*, kHostTrampolines> calls(std::integer_sequence<int, K...>) {
    return {&call<K>...};
  }
  /** A trampoline to CPU kernel `target` (erased), or null when all are taken. */
  static ErasedKernel install(ErasedKernel target) {
    static constexpr std::array<Fn*, kHostTrampolines> trampolines =
        calls(std::make_integer_sequence<int, kHostTrampolines>{});
    const int k = used.fetch_add(1);
    if (k >= kHostTrampolines) return nullptr;
    targets[k] = reinterpret_cast<Fn*>(target);
    return reinterpret_cast<ErasedKernel>(trampolines[k]);
  }
};

/**
 * The CPU kernel of (op, dtype, pass) of signature `signature` behind a trampoline (one per slot, made by `install`)
 * that runs it on host copies of device operands; null when the CPU has no such kernel or the signature's
 * trampolines are all taken.
 */
ErasedKernel host_kernel(OpId op, DType dtype, Pass pass, const void* signature, InstallTrampoline install);

/**
 * The kernel of `op` (its `pass`) for `device` and `dtype`, of signature `Sig`; throws (see missing_kernel) when
 * there is none. A device without a kernel for the op falls back to the CPU's (missing_kernel). Where a device is
 * present, CPU kernels come through host_kernel: an op keyed on its first operand's device (the CPU) may be given
 * another operand in device memory, which the host cannot read in place.
 */
template <class Sig>
inline Sig* kernel(OpId op, Device device, DType dtype, Pass pass = Pass::Forward) {
  if (device != Device::CPU) {
    t_device_op = op;
  } else if (device_runtime(Device::CUDA)) {
    if (ErasedKernel host = host_kernel(op, dtype, pass, &SignatureTag<Sig>::tag, &HostTrampolines<Sig>::install))
      return reinterpret_cast<Sig*>(host);
  }
  const KernelSlot& slot = g_kernel_table.at(op, device, dtype, pass);
  if (slot.signature == &SignatureTag<Sig>::tag) return reinterpret_cast<Sig*>(slot.fn);
  return reinterpret_cast<Sig*>(
      missing_kernel(op, device, dtype, pass, &SignatureTag<Sig>::tag, &HostTrampolines<Sig>::install));
}

/** Whether a kernel of signature `Sig` is registered for (op, device, dtype, pass). */
template <class Sig>
inline bool has_kernel(OpId op, Device device, DType dtype, Pass pass = Pass::Forward) {
  register_backends();
  return g_kernel_table.at(op, device, dtype, pass).signature == &SignatureTag<Sig>::tag;
}

/**
 * Registers `fn` as the kernel of (op, device, dtype, pass), replacing the one there; returns the slot it replaced
 * (to restore it with restore_kernel). `fn` null clears the slot.
 */
template <class Sig>
inline KernelSlot register_kernel(OpId op, Device device, DType dtype, Sig* fn, Pass pass = Pass::Forward) {
  KernelSlot& slot = g_kernel_table.at(op, device, dtype, pass);
  const KernelSlot previous = slot;
  slot = fn ? KernelSlot{reinterpret_cast<ErasedKernel>(fn), &SignatureTag<Sig>::tag} : KernelSlot{};
  return previous;
}

/** Puts back a slot register_kernel returned. */
inline void restore_kernel(OpId op, Device device, DType dtype, const KernelSlot& slot, Pass pass = Pass::Forward) {
  g_kernel_table.at(op, device, dtype, pass) = slot;
}

/** A list of element types, for registering one kernel template per dtype. */
template <class... Ts> struct Types {};
using FloatTypes = Types<float, double>;
using NumericTypes = Types<uint8_t, int32_t, int64_t, float, double>;
using AllTypes = Types<bool, uint8_t, int32_t, int64_t, float, double>;
/** The integer dtypes with element-wise kernels only (arithmetic, comparisons, casts; no reductions or matmul). */
using NarrowIntTypes = Types<int8_t, int16_t, uint16_t, uint32_t, uint64_t>;
/** NumericTypes and NarrowIntTypes: the dtypes of element-wise arithmetic and comparisons. */
using ElementwiseTypes = Types<uint8_t, int32_t, int64_t, float, double, int8_t, int16_t, uint16_t, uint32_t, uint64_t>;

/**
 * Registers make(T{}) (a kernel pointer, e.g. `+[](...) {...}` using T) as the kernel of (op, device, dtype_of<T>,
 * pass) for every T in the list.
 */
template <class... Ts, class Make>
inline void register_each(Types<Ts...>, OpId op, Device device, Make make, Pass pass = Pass::Forward) {
  (register_kernel(op, device, dtype_of<Ts>::value, make(Ts{}), pass), ...);
}

/** A device's name as errors print it ("CPU", "CUDA"). */
const char* device_name(Device device);

}  // namespace pt::backend
