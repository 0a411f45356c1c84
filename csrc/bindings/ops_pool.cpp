// Bindings of the pool family: tf.nn.max_pool2d, avg_pool2d, max_pool_with_argmax (NHWC).
#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** A 2-D ksize or strides argument: an int, or 1, 2 or 4 (NHWC, batch and channel 1) ints, as TF. */
std::pair<int64_t, int64_t> window_pair(py::handle obj, const char* what, const char* op) {
  auto v = axes_from_py(obj, op);
  check_arg(v.has_value(), op, ": ", what, " is required (an int or a list of 1, 2 or 4 ints)");
  switch (v->size()) {
    case 1: return {(*v)[0], (*v)[0]};
    case 2: return {(*v)[0], (*v)[1]};
    case 4:
      check_arg((*v)[0] == 1 && (*v)[3] == 1, op, ": pooling over the batch or channel dimension is not supported; ",
                what, " = [", (*v)[0], ", ", (*v)[1], ", ", (*v)[2], ", ", (*v)[3], "] must be [1, h, w, 1]");
      return {(*v)[1], (*v)[2]};
    default:
      throw InvalidArgument(str_cat(op, ": ", what, " must be an int or a list of 1, 2 or 4 ints, got ", v->size(),
                                    " values"));
  }
}

/** The pooling window from TF's (ksize, strides, padding, data_format) arguments. */
ops::Pool2dWindow window_from_py(py::handle ksize, py::handle strides, const std::string& padding,
                                 const std::string& data_format, const char* op) {
  if (data_format == "NCHW")
    throw Unimplemented(str_cat(op, ": data_format='NCHW' is not supported on CPU (as in TF); transpose the input to "
                                    "NHWC with tf.transpose(x, [0, 2, 3, 1])"));
  check_arg(data_format == "NHWC", op, ": data_format must be 'NHWC', got '", data_format, "'");
  check_arg(padding == "VALID" || padding == "SAME", op, ": padding must be 'VALID' or 'SAME', got '", padding, "'");
  auto [kh, kw] = window_pair(ksize, "ksize", op);
  auto [sh, sw] = window_pair(strides, "strides", op);
  const ops::Pool2dWindow window{kh, kw, sh, sw, padding == "SAME"};
  validate_pool2d_window(registry_op(op), window);
  return window;
}

}  // namespace

void bind_pool(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("max_pool2d",
        [](py::handle input, py::handle ksize, py::handle strides, const std::string& padding,
           const std::string& data_format, py::handle) {
          return ops::max_pool2d(to_tensor(input, std::nullopt, "max_pool2d"),
                                 window_from_py(ksize, strides, padding, data_format, "max_pool2d"));
        },
        py::arg("input"), py::arg("ksize"), py::arg("strides"), py::arg("padding"), py::arg("data_format") = "NHWC",
        py::arg("name") = py::none(), op_doc("max_pool2d"));
  m.def("avg_pool2d",
        [](py::handle input, py::handle ksize, py::handle strides, const std::string& padding,
           const std::string& data_format, py::handle) {
          return ops::avg_pool2d(to_tensor(input, std::nullopt, "avg_pool2d"),
                                 window_from_py(ksize, strides, padding, data_format, "avg_pool2d"));
        },
        py::arg("input"), py::arg("ksize"), py::arg("strides"), py::arg("padding"), py::arg("data_format") = "NHWC",
        py::arg("name") = py::none(), op_doc("avg_pool2d"));
  m.def("max_pool_with_argmax",
        [](py::handle input, py::handle ksize, py::handle strides, const std::string& padding,
           const std::string& data_format, py::handle output_dtype, bool include_batch_in_index, py::handle) {
          const char* op = "max_pool_with_argmax";
          const DType dt = output_dtype.is_none() ? DType::Int64 : dtype_from_py(output_dtype);
          check_arg(dt == DType::Int32 || dt == DType::Int64, op, ": output_dtype must be int32 or int64, got ",
                    dtype_name(dt));
          Tensor x = to_tensor(input, std::nullopt, op);
          auto [y, arg] = ops::max_pool2d_with_argmax(x, window_from_py(ksize, strides, padding, data_format, op));
          // TF's flat index: (y * W + x) * C + c, plus b * H * W * C with include_batch_in_index.
          Tensor index = ops::cast(arg, dt);
          if (include_batch_in_index && x.dim(0) > 0) {
            const int64_t image = x.dim(1) * x.dim(2) * x.dim(3);
            Tensor offsets = ops::reshape(ops::range(0, static_cast<double>(x.dim(0) * image),
                                                     static_cast<double>(image), dt), {x.dim(0), 1, 1, 1});
            index = ops::binary(OpId::add, index, offsets);
          }
          return py::make_tuple(y, index);
        },
        py::arg("input"), py::arg("ksize"), py::arg("strides"), py::arg("padding"), py::arg("data_format") = "NHWC",
        py::arg("output_dtype") = py::none(), py::arg("include_batch_in_index") = false, py::arg("name") = py::none(),
        op_doc("max_pool_with_argmax"));
  docs.enable_function_signatures();  // internal: the fused conv + pool of keras Conv2D + MaxPooling2D
  m.def("conv2d_max_pool",
        [](py::handle input, py::handle filters, py::handle strides, py::handle padding, py::handle dilations,
           py::handle ksize, py::handle pool_strides, const std::string& pool_padding) {
          const char* op = "conv2d_max_pool";
          return ops::conv2d_max_pool(to_tensor(input, std::nullopt, op), to_tensor(filters, std::nullopt, op),
                                      conv_params_from_py(strides, padding, "NHWC", dilations, op),
                                      window_from_py(ksize, pool_strides, pool_padding, "NHWC", op));
        },
        R"doc(max_pool2d(conv2d(input, filters, strides, padding, dilations=dilations), ksize, pool_strides,
pool_padding) in one op (NHWC, HWIO), as Keras's Conv2D -> MaxPooling2D uses it.

For few input channels the convolution's output lines are pooled while in cache and never stored; outputs that
VALID pooling drops (the last of 11 under 2x2) are not computed. The values and gradients are those of the two ops.

Example:
    >>> x = tf.random.normal((8, 28, 28, 1)); w = tf.random.normal((3, 3, 1, 32))
    >>> tf._core.conv2d_max_pool(x, w, 1, "VALID", 1, 2, 2, "VALID").shape  # (8, 13, 13, 32)
)doc",
        py::arg("input"), py::arg("filters"), py::arg("strides"), py::arg("padding"), py::arg("dilations"),
        py::arg("ksize"), py::arg("pool_strides"), py::arg("pool_padding"));
  m.def("conv2d_max_pool_backprop_filter",
        [](py::handle input, py::handle filter_sizes, py::handle out_backprop, py::handle argmax, py::handle strides,
           py::handle padding, py::handle dilations, py::handle ksize, py::handle pool_strides,
           const std::string& pool_padding) {
          const char* op = "conv2d_max_pool_backprop_filter";
          Tensor x = to_tensor(input, std::nullopt, op);
          return ops::conv2d_max_pool_backprop_filter(
              x, shape_from_py(filter_sizes, op), to_tensor(out_backprop, std::nullopt, op),
              to_tensor(argmax, std::nullopt, op), conv_params_from_py(strides, padding, "NHWC", dilations, op),
              window_from_py(ksize, pool_strides, pool_padding, "NHWC", op));
        },
        R"doc(conv2d_max_pool's filter gradient: conv2d_backprop_filter(input, filter_sizes, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it: (y * W + x) * C + c
within each image of the convolution's output). For few input channels g is built a block of lines at a time (with
overlapping windows an index outside its window raises InvalidArgumentError); otherwise, when the pooling keeps a
quarter or less of the outputs, each pooled element's patch is taken at its argmax and g is never built. Elsewhere
an index outside its window contributes nothing, as in max_pool2d's gradient.
)doc",
        py::arg("input"), py::arg("filter_sizes"), py::arg("out_backprop"), py::arg("argmax"), py::arg("strides"),
        py::arg("padding"), py::arg("dilations"), py::arg("ksize"), py::arg("pool_strides"), py::arg("pool_padding"));
  m.def("conv2d_max_pool_backprop_input",
        [](py::handle input_sizes, py::handle filters, py::handle out_backprop, py::handle argmax, py::handle strides,
           py::handle padding, py::handle dilations, py::handle ksize, py::handle pool_strides,
           const std::string& pool_padding) {
          const char* op = "conv2d_max_pool_backprop_input";
          return ops::conv2d_max_pool_backprop_input(
              shape_from_py(input_sizes, op), to_tensor(filters, std::nullopt, op),
              to_tensor(out_backprop, std::nullopt, op), to_tensor(argmax, std::nullopt, op),
              conv_params_from_py(strides, padding, "NHWC", dilations, op),
              window_from_py(ksize, pool_strides, pool_padding, "NHWC", op));
        },
        R"doc(conv2d_max_pool's input gradient: conv2d_backprop_input(input_sizes, filters, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it). When the pooling
keeps a quarter or less of the convolution's outputs (2x2 windows, stride 2), each pooled element's filter column
is added at its argmax's patch and g is never built; an index outside its window contributes nothing, as in
max_pool2d's gradient.
)doc",
        py::arg("input_sizes"), py::arg("filters"), py::arg("out_backprop"), py::arg("argmax"), py::arg("strides"),
        py::arg("padding"), py::arg("dilations"), py::arg("ksize"), py::arg("pool_strides"), py::arg("pool_padding"));
}

}  // namespace pt::bind
