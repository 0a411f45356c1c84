// Adapters of the pool family (TF's ksize, strides, padding, data_format; the fused conv + max-pool's pairs);
// max_pool_with_argmax, which is max_pool2d's argmax in TF's index layout, by hand.
#include "bindings.h"
#include "op_binder.h"

namespace pt::bind {

namespace {

/** The pooling window from TF's (ksize, strides, padding, data_format) arguments (checked by ops/attrs). */
ops::Pool2dWindow window_from_py(py::handle ksize, py::handle strides, const std::string& padding,
                                 const std::string& data_format, const char* op) {
  return pool2d_window(registry_op(op), spatial_arg(ksize, "ksize", op), spatial_arg(strides, "strides", op), padding,
                       data_format);
}

}  // namespace

void bind_pool(py::module_& m) {
  add_adapter({OpId::max_pool2d, OpId::avg_pool2d}, {"ksize", "strides", "padding", "data_format"},
              [](const AdapterContext& c, Attrs& a) {
                attrs_as<attrs::Pool2d>(c.op, a).window = window_from_py(
                    c.arg(0), c.arg(1), c.arg(2).cast<std::string>(), c.arg(3).cast<std::string>(), c.name());
              });
  const auto fused = {OpId::conv2d_max_pool, OpId::conv2d_max_pool_backprop_filter,
                      OpId::conv2d_max_pool_backprop_input};
  add_adapter(fused, {"strides", "padding", "dilations", "ksize", "pool_strides", "pool_padding"},
              [](const AdapterContext& c, Attrs& a) {
                ops::Conv2dParams p = conv_params_from_py(c.arg(0), c.arg(1), "NHWC", c.arg(2), c.name());
                ops::Pool2dWindow w = window_from_py(c.arg(3), c.arg(4), c.arg(5).cast<std::string>(), "NHWC", c.name());
                std::visit([&](auto& s) {
                  if constexpr (std::is_same_v<std::decay_t<decltype(s)>, attrs::Conv2dMaxPool> ||
                                std::is_same_v<std::decay_t<decltype(s)>, attrs::Conv2dMaxPoolBackprop>) {
                    s.params = p;
                    s.window = w;
                  }
                }, a);
              });
  add_adapter({OpId::conv2d_max_pool_backprop_filter}, {"filter_sizes"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Conv2dMaxPoolBackprop>(c.op, a).sizes = shape_from_py(c.arg(0), c.name());
  });
  add_adapter({OpId::conv2d_max_pool_backprop_input}, {"input_sizes"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Conv2dMaxPoolBackprop>(c.op, a).sizes = shape_from_py(c.arg(0), c.name());
  });
  def_function(m, "max_pool_with_argmax", [](const Call& c) -> py::object {
    const char* op = "max_pool_with_argmax";
    const DType dt = c[5].is_none() ? DType::Int64 : dtype_from_py(c[5]);
    check_arg(dt == DType::Int32 || dt == DType::Int64, op, ": output_dtype must be int32 or int64, got ",
              dtype_name(dt));
    Tensor x = to_tensor(c[0], std::nullopt, op);
    const ops::Pool2dWindow window = window_from_py(c[1], c[2], c[3].cast<std::string>(), c[4].cast<std::string>(), op);
    validate_pool2d_window(OpId::max_pool2d, window);
    auto [y, arg] = ops::max_pool2d_with_argmax(x, window);
    // TF's flat index: (y * W + x) * C + c, plus b * H * W * C with include_batch_in_index.
    Tensor index = ops::cast(arg, dt);
    if (c[6].cast<bool>() && x.dim(0) > 0) {
      const int64_t image = x.dim(1) * x.dim(2) * x.dim(3);
      Tensor offsets = ops::reshape(ops::range(0, static_cast<double>(x.dim(0) * image), static_cast<double>(image), dt),
                                    {x.dim(0), 1, 1, 1});
      index = ops::binary(OpId::add, index, offsets);
    }
    return py::make_tuple(y, index);
  });
}

}  // namespace pt::bind
