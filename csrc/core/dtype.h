#pragma once
/** Element types of tensors and the compile-time dispatch over them. */
#include <cstddef>
#include <cstdint>
#include <string>

namespace pt {

/**
 * The element types a tensor can hold (TF's names in Python). New ones are appended: the codes are stored in
 * serialized graphs and index the kernel table.
 */
enum class DType : uint8_t {
  Bool = 0, UInt8, Int32, Int64, Float32, Float64,
  Float16, BFloat16, Int8, Int16, UInt16, UInt32, UInt64, Complex64, Complex128
};

/** Number of dtypes, for tables indexed by dtype. */
constexpr int kNumDTypes = 15;

/** Size of one element in bytes. */
inline size_t itemsize(DType d) {
  switch (d) {
    case DType::Bool: case DType::UInt8: case DType::Int8: return 1;
    case DType::Float16: case DType::BFloat16: case DType::Int16: case DType::UInt16: return 2;
    case DType::Int32: case DType::UInt32: case DType::Float32: return 4;
    case DType::Complex128: return 16;
    default: return 8;
  }
}

/** TF name of a dtype ("float32", "bool", ...). */
inline const char* dtype_name(DType d) {
  static const char* names[] = {"bool",  "uint8",  "int32",  "int64",  "float32",   "float64",   "float16",
                                "bfloat16", "int8", "int16", "uint16", "uint32", "uint64", "complex64",
                                "complex128"};
  return names[static_cast<int>(d)];
}

/** True for float16, bfloat16, float32 and float64. */
inline bool is_floating(DType d) {
  return d == DType::Float32 || d == DType::Float64 || d == DType::Float16 || d == DType::BFloat16;
}
/**
 * True for float16 and bfloat16: stored in 16 bits, computed in float32 (each op widens its operands, runs the
 * float32 kernel and rounds the result back, as TF's CPU kernels compute them).
 */
inline bool computes_in_float32(DType d) { return d == DType::Float16 || d == DType::BFloat16; }
/** True for the signed and unsigned integer dtypes (not bool). */
inline bool is_integer(DType d) {
  switch (d) {
    case DType::UInt8: case DType::Int32: case DType::Int64: case DType::Int8: case DType::Int16:
    case DType::UInt16: case DType::UInt32: case DType::UInt64: return true;
    default: return false;
  }
}
/** True for complex64 and complex128. */
inline bool is_complex(DType d) { return d == DType::Complex64 || d == DType::Complex128; }

/** Maps a C++ element type to its DType. */
template <class T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };
template <> struct dtype_of<uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <> struct dtype_of<int8_t> { static constexpr DType value = DType::Int8; };
template <> struct dtype_of<int16_t> { static constexpr DType value = DType::Int16; };
template <> struct dtype_of<uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct dtype_of<uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct dtype_of<uint64_t> { static constexpr DType value = DType::UInt64; };

}  // namespace pt

// Dispatch macros: run __VA_ARGS__ with `scalar_t` bound to the C++ type of `dt`.
// The list variants name the dtypes an op accepts; others throw TypeError naming the op.
#define PT_CASE(ENUM, TYPE, ...) \
  case ::pt::DType::ENUM: { using scalar_t = TYPE; __VA_ARGS__; break; }

#define PT_DISPATCH_ALL(dt, opname, ...)                                  \
  switch (dt) {                                                           \
    PT_CASE(Bool, bool, __VA_ARGS__)                                      \
    PT_CASE(UInt8, uint8_t, __VA_ARGS__)                                  \
    PT_CASE(Int32, int32_t, __VA_ARGS__)                                  \
    PT_CASE(Int64, int64_t, __VA_ARGS__)                                  \
    PT_CASE(Float32, float, __VA_ARGS__)                                  \
    PT_CASE(Float64, double, __VA_ARGS__)                                 \
    PT_CASE(Int8, int8_t, __VA_ARGS__)                                    \
    PT_CASE(Int16, int16_t, __VA_ARGS__)                                  \
    PT_CASE(UInt16, uint16_t, __VA_ARGS__)                                \
    PT_CASE(UInt32, uint32_t, __VA_ARGS__)                                \
    PT_CASE(UInt64, uint64_t, __VA_ARGS__)                                \
    default: ::pt::throw_dtype_error(opname, dt, "bool, an integer dtype, float32 or float64"); \
  }

#define PT_DISPATCH_NUMERIC(dt, opname, ...)                              \
  switch (dt) {                                                           \
    PT_CASE(UInt8, uint8_t, __VA_ARGS__)                                  \
    PT_CASE(Int32, int32_t, __VA_ARGS__)                                  \
    PT_CASE(Int64, int64_t, __VA_ARGS__)                                  \
    PT_CASE(Float32, float, __VA_ARGS__)                                  \
    PT_CASE(Float64, double, __VA_ARGS__)                                 \
    default: ::pt::throw_dtype_error(opname, dt, "a numeric dtype (uint8, int32, int64, float32, float64)"); \
  }

#define PT_DISPATCH_FLOAT(dt, opname, ...)                                \
  switch (dt) {                                                           \
    PT_CASE(Float32, float, __VA_ARGS__)                                  \
    PT_CASE(Float64, double, __VA_ARGS__)                                 \
    default: ::pt::throw_dtype_error(opname, dt, "a floating dtype (float32 or float64); cast first with pt.cast"); \
  }

#define PT_DISPATCH_INT(dt, opname, ...)                                  \
  switch (dt) {                                                           \
    PT_CASE(UInt8, uint8_t, __VA_ARGS__)                                  \
    PT_CASE(Int32, int32_t, __VA_ARGS__)                                  \
    PT_CASE(Int64, int64_t, __VA_ARGS__)                                  \
    default: ::pt::throw_dtype_error(opname, dt, "an integer dtype (uint8, int32, int64)"); \
  }
