#pragma once
/** CRC-32C (Castagnoli), the checksum of TFRecord files: a host routine on file bytes, the same for every device. */
#include <cstddef>
#include <cstdint>

namespace pt::backend {

/** CRC-32C of `n` bytes continuing from `crc` (0 to start); SSE4.2 `crc32` when compiled in, else a table. */
uint32_t crc32c(const uint8_t* data, size_t n, uint32_t crc = 0);

/** TFRecord's masked CRC: rotate right by 15 and add 0xa282ead8, so CRCs of CRC'd data do not degenerate. */
inline uint32_t mask_crc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace pt::backend
