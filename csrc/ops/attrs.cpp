// Attribute structs: names, type checks and the value rules of every op (validate_attrs), in one place.
#include "attrs.h"

#include <cctype>

#include "../core/errors.h"

namespace pt {

const char* attrs_name(const Attrs& a) {
  return std::visit([](const auto& v) { return std::decay_t<decltype(v)>::kName; }, a);
}

const char* attrs_name(OpId op) { return op_def(op).attrs; }

void throw_attrs_mismatch(OpId op, const char* wanted, const Attrs& got) {
  throw TypeError(str_cat(op_def(op).name, ": attributes of type ", attrs_name(got), " where ", wanted,
                          " was expected (the op's registry row declares ", attrs_name(op), ")"));
}

void check_attrs_type(OpId op, const Attrs& a) {
  if (a.index() != op_def(op).attrs_index) throw_attrs_mismatch(op, attrs_name(op), a);
}

namespace {

/** Largest window, stride, dilation and padding: TF's int32 attributes. */
constexpr int64_t kMaxWindowArg = 2147483647;

/** Element `attr` of attribute `group` must lie in [lo, hi] (`rule` in words): "conv2d: strides must be positive,
 *  got strides[1] = 0 (allowed: 1 to 2147483647)". */
void check_range(OpId op, const char* group, const char* attr, int64_t value, int64_t lo, int64_t hi,
                 const char* rule) {
  if (value >= lo && value <= hi) return;
  throw InvalidArgument(str_cat(op_def(op).name, ": ", group, " must be ", rule, ", got ", attr, " = ", value,
                                " (allowed: ", lo, " to ", hi, ")"));
}

}  // namespace

std::pair<int64_t, int64_t> spatial_attr(OpId op, const char* what, const std::vector<int64_t>& v) {
  const char* name = op_def(op).name;
  switch (v.size()) {
    case 1: return {v[0], v[0]};
    case 2: return {v[0], v[1]};
    case 4:
      check_arg(v[0] == 1 && v[3] == 1, name, ": ", what, " along the batch or channel dimension are not supported; ",
                what, " = [", v[0], ", ", v[1], ", ", v[2], ", ", v[3], "] must be [1, h, w, 1]");
      return {v[1], v[2]};
    default:
      throw InvalidArgument(
          str_cat(name, ": ", what, " must be an int or a list of 1, 2 or 4 ints, got ", v.size(), " values"));
  }
}

void check_data_format(OpId op, const std::string& data_format) {
  const char* name = op_def(op).name;
  if (data_format == "NCHW")
    throw Unimplemented(str_cat(name, ": data_format='NCHW' is not supported (only NHWC, TF's CPU layout); transpose "
                                      "the input to NHWC with tf.transpose(x, [0, 2, 3, 1])"));
  check_arg(data_format == "NHWC", name, ": data_format must be 'NHWC', got '", data_format, "'");
}

ops::Pool2dWindow pool2d_window(OpId op, const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
                                const std::string& padding, const std::string& data_format) {
  check_data_format(op, data_format);
  check_arg(padding == "VALID" || padding == "SAME", op_def(op).name, ": padding must be 'VALID' or 'SAME', got '",
            padding, "'");
  auto [kh, kw] = spatial_attr(op, "ksize", ksize);
  auto [sh, sw] = spatial_attr(op, "strides", strides);
  return {kh, kw, sh, sw, padding == "SAME"};
}

void set_conv2d_padding(OpId op, ops::Conv2dParams& p, const std::string& name) {
  check_arg(name != "EXPLICIT", op_def(op).name, ": 'EXPLICIT' is not a valid value for padding (there is no "
            "explicit_paddings argument): to use explicit padding, padding must be a list of pairs "
            "[[0, 0], [top, bottom], [left, right], [0, 0]]");
  p.padding = name;  // validate_conv2d_params checks the name
}

void set_conv2d_padding(OpId op, ops::Conv2dParams& p, const std::vector<int64_t>& f) {
  const char* name = op_def(op).name;
  check_arg(f.size() == 8, name, ": explicit padding must be 4 pairs [[0, 0], [top, bottom], [left, right], [0, 0]], "
            "got ", f.size(), " values");
  check_arg(f[0] == 0 && f[1] == 0 && f[6] == 0 && f[7] == 0, name,
            ": explicit padding of the batch and channel dimensions must be 0, got [[", f[0], ", ", f[1], "], [", f[2],
            ", ", f[3], "], [", f[4], ", ", f[5], "], [", f[6], ", ", f[7], "]]");
  p.padding = "EXPLICIT";
  p.pad_top = f[2];
  p.pad_bottom = f[3];
  p.pad_left = f[4];
  p.pad_right = f[5];
}

void validate_conv2d_params(OpId op, const ops::Conv2dParams& p) {
  check_data_format(op, p.data_format);
  check_arg(p.padding == "VALID" || p.padding == "SAME" || p.padding == "EXPLICIT", op_def(op).name,
            ": padding must be 'VALID', 'SAME' or a list of pairs [[0, 0], [top, bottom], [left, right], [0, 0]], "
            "got '", p.padding, "'");
  check_range(op, "strides", "strides[1]", p.stride_h, 1, kMaxWindowArg, "positive");
  check_range(op, "strides", "strides[2]", p.stride_w, 1, kMaxWindowArg, "positive");
  check_range(op, "dilations", "dilations[1]", p.dilation_h, 1, kMaxWindowArg, "positive");
  check_range(op, "dilations", "dilations[2]", p.dilation_w, 1, kMaxWindowArg, "positive");
  for (auto [name, v] : {std::pair{"padding top", p.pad_top}, {"padding bottom", p.pad_bottom},
                         {"padding left", p.pad_left}, {"padding right", p.pad_right}})
    check_range(op, "explicit paddings", name, v, 0, kMaxWindowArg, "non-negative");
}

void validate_pool2d_window(OpId op, const ops::Pool2dWindow& w) {
  check_range(op, "ksize", "ksize[1]", w.kh, 1, kMaxWindowArg, "positive");
  check_range(op, "ksize", "ksize[2]", w.kw, 1, kMaxWindowArg, "positive");
  check_range(op, "strides", "strides[1]", w.sh, 1, kMaxWindowArg, "positive");
  check_range(op, "strides", "strides[2]", w.sw, 1, kMaxWindowArg, "positive");
}

namespace {

void check_non_negative(OpId op, const char* attr, const std::vector<int64_t>& values) {
  for (int64_t v : values) check_range(op, attr, attr, v, 0, INT64_MAX, "non-negative");
}

void check_index_dtype(OpId op, const char* attr, DType dt) {
  if (dt != DType::Int32 && dt != DType::Int64)
    throw TypeError(str_cat(op_def(op).name, ": attribute ", attr, " = ", dtype_name(dt),
                            " is not allowed; ", attr, " must be int32 or int64"));
}

}  // namespace

void validate_attrs(OpId op, const Attrs& attrs) {
  check_attrs_type(op, attrs);
  const char* name = op_def(op).name;
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, attrs::Conv2d> || std::is_same_v<T, attrs::Conv2dBackprop>) {
          validate_conv2d_params(op, a.params);
        } else if constexpr (std::is_same_v<T, attrs::Pool2d> || std::is_same_v<T, attrs::Pool2dGrad>) {
          validate_pool2d_window(op, a.window);
        } else if constexpr (std::is_same_v<T, attrs::Conv2dMaxPool> ||
                             std::is_same_v<T, attrs::Conv2dMaxPoolBackprop>) {
          validate_conv2d_params(op, a.params);
          validate_pool2d_window(op, a.window);
        } else if constexpr (std::is_same_v<T, attrs::Pad>) {
          std::string mode = a.mode;
          for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          check_arg(mode == "CONSTANT" || mode == "REFLECT" || mode == "SYMMETRIC", name,
                    ": mode must be \"CONSTANT\", \"REFLECT\" or \"SYMMETRIC\", got \"", a.mode, "\"");
          for (const auto& [before, after] : a.paddings) {
            check_range(op, "paddings", "paddings", before, 0, INT64_MAX, "non-negative");
            check_range(op, "paddings", "paddings", after, 0, INT64_MAX, "non-negative");
          }
        } else if constexpr (std::is_same_v<T, attrs::ArgReduce>) {
          check_index_dtype(op, "output_type", a.output_type);
        } else if constexpr (std::is_same_v<T, attrs::OneHot>) {
          check_range(op, "depth", "depth", a.depth, 0, INT64_MAX, "non-negative");
        } else if constexpr (std::is_same_v<T, attrs::SegmentSum>) {
          check_range(op, "num_segments", "num_segments", a.num_segments, 0, INT64_MAX, "non-negative");
        } else if constexpr (std::is_same_v<T, attrs::Split>) {
          check_non_negative(op, "size_splits", a.sizes);
        } else if constexpr (std::is_same_v<T, attrs::Ints>) {
          if (op == OpId::tile) check_non_negative(op, "multiples", a.values);
        } else if constexpr (std::is_same_v<T, attrs::Dropout>) {
          check_arg(a.rate >= 0 && a.rate < 1, name, ": attribute rate = ", a.rate,
                    " is not allowed; rate must be in [0, 1) (the fraction of units dropped)");
        } else if constexpr (std::is_same_v<T, attrs::Linspace>) {
          check_range(op, "num", "num", a.num, 1, INT64_MAX, "positive");
        } else if constexpr (std::is_same_v<T, attrs::Eye>) {
          check_range(op, "num_rows", "num_rows", a.num_rows, 0, INT64_MAX, "non-negative");
          check_range(op, "num_columns", "num_columns", a.num_columns, 0, INT64_MAX, "non-negative");
        } else if constexpr (std::is_same_v<T, attrs::Range>) {
          check_arg(a.delta != 0, name, ": attribute delta = 0 is not allowed; delta must be non-zero");
        } else if constexpr (std::is_same_v<T, attrs::Categorical>) {
          check_range(op, "num_samples", "num_samples", a.num_samples, 0, INT64_MAX, "non-negative");
          check_index_dtype(op, "dtype", a.dtype);
        } else if constexpr (std::is_same_v<T, attrs::Elementwise>) {
          check_arg(a.num_inputs >= 1 && !a.program.empty(), name, ": the program needs an input and a step, got ",
                    a.num_inputs, " inputs and ", a.program.size(), " steps");
          for (size_t k = 0; k < a.program.size(); ++k) {
            const backend::ElementwiseStep& s = a.program[k];
            const bool unary = backend::fusible_unary(s.op), binary = backend::fusible_binary(s.op);
            check_arg(unary || binary, name, ": step ", k, " is ", op_def(s.op).name,
                      ", which is not a fusible element-wise op (unary: negative, abs, square, relu, exp, log, "
                      "log1p, expm1, sqrt, rsqrt, reciprocal, sin, cos, tanh, sigmoid; binary: add, subtract, "
                      "multiply, divide, maximum, minimum, squared_difference)");
            const int64_t defined = a.num_inputs + static_cast<int64_t>(k);  // inputs, then the steps before
            check_arg(s.a >= 0 && s.a < defined && (unary ? s.b == -1 : s.b >= 0 && s.b < defined), name, ": step ",
                      k, " (", op_def(s.op).name, ") reads values (", s.a, ", ", s.b, "); it may read the ",
                      a.num_inputs, " inputs and the ", k, " steps before it (values 0 to ", defined - 1, "), ",
                      unary ? "one value and b = -1 for a unary op" : "two values for a binary op");
          }
        } else if constexpr (std::is_same_v<T, attrs::Fill>) {
          check_arg(a.value.defined() && a.value.ndim() == 0, name,
                    ": attribute value must be a scalar (0-d tensor); use broadcast_to to expand a tensor");
        }
      },
      attrs);
}

}  // namespace pt
