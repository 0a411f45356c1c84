// Bindings of the conv family: tf.nn.conv2d, conv2d_transpose and the two backprops (NHWC, HWIO filters).
#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** A 2-D strides or dilations argument: an int, or 1, 2 or 4 (NHWC, batch and channel 1) ints, as TF. */
std::pair<int64_t, int64_t> spatial_pair(py::handle obj, const char* what, const char* op) {
  if (obj.is_none()) return {1, 1};
  auto v = axes_from_py(obj, op);
  switch (v->size()) {
    case 1: return {(*v)[0], (*v)[0]};
    case 2: return {(*v)[0], (*v)[1]};
    case 4:
      check_arg((*v)[0] == 1 && (*v)[3] == 1, op, ": ", what, " along the batch or channel dimension are not supported; ",
                what, " = [", (*v)[0], ", ", (*v)[1], ", ", (*v)[2], ", ", (*v)[3], "] must be [1, h, w, 1]");
      return {(*v)[1], (*v)[2]};
    default:
      throw InvalidArgument(
          str_cat(op, ": ", what, " must be an int or a list of 1, 2 or 4 ints, got ", v->size(), " values"));
  }
}
}  // namespace

ops::Conv2dParams conv_params_from_py(py::handle strides, py::handle padding, const std::string& data_format,
                                      py::handle dilations, const char* op) {
  if (data_format == "NCHW")
    throw Unimplemented(str_cat(op, ": data_format='NCHW' is not supported (only NHWC, TF's CPU layout); transpose "
                                    "the input to NHWC with tf.transpose(x, [0, 2, 3, 1])"));
  check_arg(data_format == "NHWC", op, ": data_format must be 'NHWC', got '", data_format, "'");
  ops::Conv2dParams p;
  std::tie(p.stride_h, p.stride_w) = spatial_pair(strides, "strides", op);
  std::tie(p.dilation_h, p.dilation_w) = spatial_pair(dilations, "dilations", op);
  if (py::isinstance<py::str>(padding)) {
    p.padding = padding.cast<std::string>();
    check_arg(p.padding == "VALID" || p.padding == "SAME", op, ": padding must be 'VALID', 'SAME' or a list of ",
              "pairs [[0, 0], [top, bottom], [left, right], [0, 0]], got '", p.padding, "'");
    validate_conv2d_params(registry_op(op), p);
    return p;
  }
  // Explicit padding: [[0, 0], [top, bottom], [left, right], [0, 0]] (NHWC).
  std::vector<int64_t> f;
  check_arg(py::isinstance<py::sequence>(padding), op, ": padding must be 'VALID', 'SAME' or a list of pairs "
            "[[0, 0], [top, bottom], [left, right], [0, 0]]");
  for (py::handle pair : padding)
    for (py::handle v : pair) f.push_back(int64_from_py(v, op, "padding"));
  check_arg(f.size() == 8, op, ": explicit padding must be 4 pairs [[0, 0], [top, bottom], [left, right], [0, 0]], "
            "got ", f.size(), " values");
  check_arg(f[0] == 0 && f[1] == 0 && f[6] == 0 && f[7] == 0, op,
            ": explicit padding of the batch and channel dimensions must be 0, got ", py::str(padding).cast<std::string>());
  p.padding = "EXPLICIT";
  p.pad_top = f[2];
  p.pad_bottom = f[3];
  p.pad_left = f[4];
  p.pad_right = f[5];
  validate_conv2d_params(registry_op(op), p);
  return p;
}

void bind_conv(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("conv2d",
        [](py::handle input, py::handle filters, py::handle strides, py::handle padding, const std::string& data_format,
           py::handle dilations, py::handle) {
          const char* op = "conv2d";
          return ops::conv2d(to_tensor(input, std::nullopt, op), to_tensor(filters, std::nullopt, op),
                             conv_params_from_py(strides, padding, data_format, dilations, op));
        },
        py::arg("input"), py::arg("filters"), py::arg("strides"), py::arg("padding"), py::arg("data_format") = "NHWC",
        py::arg("dilations") = py::none(), py::arg("name") = py::none(), op_doc("conv2d"));
  m.def("conv2d_backprop_input",
        [](py::handle input_sizes, py::handle filters, py::handle out_backprop, py::handle strides, py::handle padding,
           const std::string& data_format, py::handle dilations, py::handle) {
          const char* op = "conv2d_backprop_input";
          return ops::conv2d_backprop_input(shape_from_py(input_sizes, op), to_tensor(filters, std::nullopt, op),
                                            to_tensor(out_backprop, std::nullopt, op),
                                            conv_params_from_py(strides, padding, data_format, dilations, op));
        },
        py::arg("input_sizes"), py::arg("filters"), py::arg("out_backprop"), py::arg("strides"), py::arg("padding"),
        py::arg("data_format") = "NHWC", py::arg("dilations") = py::none(), py::arg("name") = py::none(),
        op_doc("conv2d_backprop_input"));
  m.def("conv2d_backprop_filter",
        [](py::handle input, py::handle filter_sizes, py::handle out_backprop, py::handle strides, py::handle padding,
           const std::string& data_format, py::handle dilations, py::handle) {
          const char* op = "conv2d_backprop_filter";
          return ops::conv2d_backprop_filter(to_tensor(input, std::nullopt, op), shape_from_py(filter_sizes, op),
                                             to_tensor(out_backprop, std::nullopt, op),
                                             conv_params_from_py(strides, padding, data_format, dilations, op));
        },
        py::arg("input"), py::arg("filter_sizes"), py::arg("out_backprop"), py::arg("strides"), py::arg("padding"),
        py::arg("data_format") = "NHWC", py::arg("dilations") = py::none(), py::arg("name") = py::none(),
        op_doc("conv2d_backprop_filter"));
  m.def("conv2d_transpose",
        [](py::handle input, py::handle filters, py::handle output_shape, py::handle strides, py::handle padding,
           const std::string& data_format, py::handle dilations, py::handle) {
          // TF: the transpose of conv2d is its input gradient; filters are (h, w, out_channels, in_channels).
          const char* op = "conv2d_transpose";
          return ops::conv2d_backprop_input(shape_from_py(output_shape, op), to_tensor(filters, std::nullopt, op),
                                            to_tensor(input, std::nullopt, op),
                                            conv_params_from_py(strides, padding, data_format, dilations, op));
        },
        py::arg("input"), py::arg("filters"), py::arg("output_shape"), py::arg("strides"), py::arg("padding") = "SAME",
        py::arg("data_format") = "NHWC", py::arg("dilations") = py::none(), py::arg("name") = py::none(),
        op_doc("conv2d_transpose"));
}

}  // namespace pt::bind
