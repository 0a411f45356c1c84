#include "shape.h"

#include <algorithm>

#include "errors.h"

namespace pt {

namespace {
[[noreturn]] void too_many_elements(const Shape& shape, const char* op) {
  throw InvalidArgument(str_cat(op, ": shape ", shape_str(shape), " has more elements than int64 can count "
                                "(2^63 - 1); no tensor can have that shape"));
}
}  // namespace

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) too_many_elements(shape, "numel");
  return n;
}

int64_t checked_mul(int64_t a, int64_t b, const char* op) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    throw InvalidArgument(str_cat(op, ": ", a, " * ", b, " overflows int64; the sizes are too large"));
  return r;
}

int64_t checked_add(int64_t a, int64_t b, const char* op) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    throw InvalidArgument(str_cat(op, ": ", a, " + ", b, " overflows int64; the sizes are too large"));
  return r;
}

void check_shape(const Shape& shape, const char* op) {
  if (static_cast<int64_t>(shape.size()) > kMaxRank)
    throw InvalidArgument(str_cat(op, ": a shape of rank ", shape.size(), " has more than ", kMaxRank,
                                  " dimensions, the most a tensor may have"));
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      throw InvalidArgument(str_cat(op, ": shape ", shape_str(shape),
                                    " has a negative dimension; every dimension must be >= 0"));
    if (__builtin_mul_overflow(n, d, &n)) too_many_elements(shape, op);
  }
}

Strides contiguous_strides(const Shape& shape) {
  Strides s(shape.size());
  int64_t acc = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    s[i] = acc;
    // An empty tensor (TF allows (0, 2^40, 2^40)) addresses no element: its outer strides may be anything.
    if (__builtin_mul_overflow(acc, std::max<int64_t>(shape[i], 1), &acc)) {
      if (numel(shape) != 0) too_many_elements(shape, "strides");
      acc = 0;
    }
  }
  return s;
}

std::string shape_str(const Shape& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";
  return out + ")";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  if (a == b) return a;
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else
      throw InvalidArgument(str_cat(op, ": incompatible shapes for broadcasting: ", shape_str(a), " and ",
                                    shape_str(b), " (dimension ", i, ": ", da, " vs ", db,
                                    "); each trailing dimension must match or be 1"));
  }
  return out;
}

Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& out) {
  Strides s(out.size(), 0);
  size_t lead = out.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) s[lead + i] = (shape[i] == 1 && out[lead + i] != 1) ? 0 : strides[i];
  return s;
}

int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op) {
  if (axis < -ndim || axis >= ndim)
    throw InvalidArgument(str_cat(op, ": axis ", axis, " is out of range for a tensor of rank ", ndim,
                                  "; expected an axis in [", -ndim, ", ", ndim, ")"));
  return axis < 0 ? axis + ndim : axis;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t ndim, const char* op) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    if (a < -ndim || a >= ndim)
      throw InvalidArgument(str_cat(op, ": axis ", a, " is out of range for a tensor of rank ", ndim,
                                    "; expected an axis in [", -ndim, ", ", ndim, ")"));
    int64_t n = a < 0 ? a + ndim : a;
    if (std::find(out.begin(), out.end(), n) != out.end())
      throw InvalidArgument(str_cat(op, ": axis ", a, " is given more than once"));
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pt
