// Bindings of the pytensor.io helpers: CRC-32C and the TFRecord framing scan.
#include <pybind11/numpy.h>

#include <cstring>
#include <vector>

#include "../backend/crc32c.h"
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

namespace {

/** Bytes of any buffer-protocol object (bytes, bytearray, memoryview, numpy) without copying. */
py::buffer_info contiguous_bytes(const py::buffer& b) {
  py::buffer_info info = b.request();
  check_arg(info.ndim <= 1 && (info.ndim == 0 || info.strides[0] == info.itemsize), "crc32c: the buffer must be "
            "one contiguous run of bytes; got ndim=", info.ndim, " — pass bytes(...) or a contiguous array");
  return info;
}

uint32_t read_le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

void bind_io(py::module_& m) {
  m.def(
      "_crc32c",
      [](const py::buffer& data, uint32_t crc) {
        py::buffer_info info = contiguous_bytes(data);
        auto* p = static_cast<const uint8_t*>(info.ptr);
        size_t n = static_cast<size_t>(info.size * info.itemsize);
        py::gil_scoped_release release;
        return backend::crc32c(p, n, crc);
      },
      py::arg("data"), py::arg("crc") = 0, "CRC-32C of a bytes-like object, continuing from `crc`.");
  m.def(
      "_tfrecord_scan",
      [](const py::buffer& data, bool verify) {
        // Returns (starts, lengths, error_offset, error_kind): the records found before the first fault;
        // error_kind 0 = clean, 1 = truncated, 2 = length CRC, 3 = data CRC. Python adds the file name.
        py::buffer_info info = contiguous_bytes(data);
        auto* base = static_cast<const uint8_t*>(info.ptr);
        const size_t n = static_cast<size_t>(info.size * info.itemsize);
        std::vector<int64_t> starts, lengths;
        size_t pos = 0;
        int kind = 0;
        {
          py::gil_scoped_release release;
          while (pos < n) {
            if (n - pos < 12) { kind = 1; break; }
            uint64_t len;
            std::memcpy(&len, base + pos, 8);
            if (verify && backend::mask_crc32c(backend::crc32c(base + pos, 8)) != read_le32(base + pos + 8)) { kind = 2; break; }
            if (len > n - pos - 12 || n - pos - 12 - len < 4) { kind = 1; break; }
            const uint8_t* payload = base + pos + 12;
            if (verify && backend::mask_crc32c(backend::crc32c(payload, len)) != read_le32(payload + len)) { kind = 3; break; }
            starts.push_back(static_cast<int64_t>(pos + 12));
            lengths.push_back(static_cast<int64_t>(len));
            pos += 12 + len + 4;
          }
        }
        return py::make_tuple(py::array_t<int64_t>(starts.size(), starts.data()),
                              py::array_t<int64_t>(lengths.size(), lengths.data()), static_cast<int64_t>(pos), kind);
      },
      py::arg("data"), py::arg("verify") = true, "Offsets and lengths of the TFRecord records in a buffer.");
}

}  // namespace pt::bind
