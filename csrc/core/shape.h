#pragma once
/** Shapes, strides and broadcasting. Strides count elements, not bytes. */
#include <cstdint>
#include <string>
#include <vector>

namespace pt {

/** Extents of each dimension. */
using Shape = std::vector<int64_t>;
/** Element step of each dimension (may be 0 for broadcast views or negative for reversed slices). */
using Strides = std::vector<int64_t>;

/** Highest rank a tensor may have: TF's TensorShape::MaxDimensions(). */
constexpr int64_t kMaxRank = 254;

/** Number of elements of a shape (1 for a 0-d shape); throws InvalidArgument when it exceeds int64. */
int64_t numel(const Shape& shape);
/** a * b for extents and element counts; throws InvalidArgument naming `op` when it exceeds int64. */
int64_t checked_mul(int64_t a, int64_t b, const char* op);
/** a + b for extents and offsets; throws InvalidArgument naming `op` when it exceeds int64. */
int64_t checked_add(int64_t a, int64_t b, const char* op);
/** Throws InvalidArgument naming `op` unless `shape` has rank <= kMaxRank, no negative extent and an int64 count. */
void check_shape(const Shape& shape, const char* op);
/** Row-major strides of a dense tensor of `shape`. */
Strides contiguous_strides(const Shape& shape);
/** Python-style rendering, "(2, 3)" or "()". */
std::string shape_str(const Shape& shape);
/** numpy broadcast of two shapes; throws InvalidArgument naming `op` and both shapes. */
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
/** Strides that read a tensor of (shape, strides) as if broadcast to `out` (0 on stretched dims). */
Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& out);
/** Maps a possibly negative axis into [0, ndim); throws InvalidArgument naming `op`. */
int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op);
/** Normalizes a list of axes into sorted non-negative axes, rejecting duplicates. */
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t ndim, const char* op);

}  // namespace pt
