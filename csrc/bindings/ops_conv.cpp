// Adapters of the conv family (TF's strides, padding, data_format and dilations); conv2d_transpose, which runs
// conv2d_backprop_input under TF's other argument order, by hand.
#include "bindings.h"
#include "op_binder.h"

namespace pt::bind {

ops::Conv2dParams conv_params_from_py(py::handle strides, py::handle padding, const std::string& data_format,
                                      py::handle dilations, const char* op) {
  const OpId id = registry_op(op);
  ops::Conv2dParams p;
  p.data_format = data_format;
  if (!strides.is_none()) std::tie(p.stride_h, p.stride_w) = spatial_attr(id, "strides", spatial_arg(strides, "strides", op));
  if (!dilations.is_none())
    std::tie(p.dilation_h, p.dilation_w) = spatial_attr(id, "dilations", spatial_arg(dilations, "dilations", op));
  if (py::isinstance<py::str>(padding)) {
    set_conv2d_padding(id, p, padding.cast<std::string>());
    return p;
  }
  check_arg(py::isinstance<py::sequence>(padding), op, ": padding must be 'VALID', 'SAME' or a list of pairs "
            "[[0, 0], [top, bottom], [left, right], [0, 0]]");
  std::vector<int64_t> pairs;
  for (py::handle pair : padding)
    for (py::handle v : pair) pairs.push_back(int64_from_py(v, op, "padding"));
  set_conv2d_padding(id, p, pairs);
  return p;
}

void bind_conv(py::module_& m) {
  // Every op of the convolution structs (a new one too) takes TF's four convolution arguments.
  for (const char* attrs : {attrs::Conv2d::kName, attrs::Conv2dBackprop::kName})
    add_adapter(attrs, {"strides", "padding", "data_format", "dilations"}, [](const AdapterContext& c, Attrs& a) {
      ops::Conv2dParams p = conv_params_from_py(c.arg(0), c.arg(1), c.arg(2).cast<std::string>(), c.arg(3), c.name());
      if (auto* conv = std::get_if<attrs::Conv2d>(&a)) conv->params = std::move(p);
      else attrs_as<attrs::Conv2dBackprop>(c.op, a).params = std::move(p);
    });
  add_adapter({OpId::conv2d_backprop_input}, {"input_sizes"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Conv2dBackprop>(c.op, a).sizes = shape_from_py(c.arg(0), c.name());
  });
  add_adapter({OpId::conv2d_backprop_filter}, {"filter_sizes"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Conv2dBackprop>(c.op, a).sizes = shape_from_py(c.arg(0), c.name());
  });
  def_function(m, "conv2d_transpose", [](const Call& c) -> py::object {
    // TF: the transpose of conv2d is its input gradient; filters are (h, w, out_channels, in_channels).
    const char* op = "conv2d_transpose";
    attrs::Conv2dBackprop attrs{shape_from_py(c[2], op), conv_params_from_py(c[3], c[4], c[5].cast<std::string>(), c[6], op)};
    return py::cast(ops::invoke(OpId::conv2d_backprop_input,
                                {to_tensor(c[1], std::nullopt, op), to_tensor(c[0], std::nullopt, op)}, attrs)[0]);
  });
}

}  // namespace pt::bind
