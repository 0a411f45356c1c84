// Convolution family: conv2d and its two backprops (NHWC input, HWIO filters, TF's padding rules).
// Each op's gradient is written with the other two, so gradients of any order stay differentiable.
#include <algorithm>
#include <memory>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "invoke.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

using backend::ConvGeometry;
using backend::ConvKernel;
using backend::kernel;

namespace {

/** Output size and padding before, along one spatial axis, by TF's rules (SAME: the extra pad goes after). */
struct AxisPlan {
  int64_t out, pad_before;
};

AxisPlan plan_axis(int64_t in, int64_t k, int64_t stride, int64_t dilation, const Conv2dParams& p, bool height,
                   const char* op, const Shape& in_shape, const Shape& filter_shape) {
  const int64_t before = p.padding == "EXPLICIT" ? (height ? p.pad_top : p.pad_left) : 0;
  const int64_t after = p.padding == "EXPLICIT" ? (height ? p.pad_bottom : p.pad_right) : 0;
  // Bounded as TF's int32 attributes, so the window arithmetic below cannot overflow int64.
  check_arg(std::max({k, stride, dilation, before, after}) <= kMaxWindowArg, op, ": filter size ", k, ", stride ",
            stride, ", dilation ", dilation, " and paddings (", before, ", ", after, ") must be at most ",
            kMaxWindowArg);
  const int64_t eff = (k - 1) * dilation + 1;
  AxisPlan plan{0, 0};
  if (p.padding == "SAME") {
    plan.out = (in + stride - 1) / stride;
    plan.pad_before = std::max<int64_t>((plan.out - 1) * stride + eff - in, 0) / 2;
  } else {
    const int64_t padded = in + before + after;
    plan.out = padded >= eff ? (padded - eff) / stride + 1 : 0;
    plan.pad_before = before;
  }
  check_arg(plan.out > 0, op, ": the output ", height ? "height" : "width", " would be ", plan.out,
            " for input ", shape_str(in_shape), " and filters ", shape_str(filter_shape), " (dilated filter ",
            height ? "height " : "width ", eff, ", padding ", p.padding,
            "); use a smaller filter or dilation, padding='SAME', or a larger input");
  return plan;
}

}  // namespace

ConvGeometry conv2d_geometry(const char* op, const Shape& in, const Shape& filter, const Conv2dParams& p) {
  check_arg(in.size() == 4, op, ": input must be rank 4 (batch, height, width, channels) in NHWC, got shape ",
            shape_str(in), "; add a batch dimension with tf.expand_dims(x, 0) or reshape it");
  check_arg(filter.size() == 4, op, ": filters must be rank 4 (height, width, in_channels, out_channels), got shape ",
            shape_str(filter));
  check_arg(in[3] == filter[2], op, ": input channels ", in[3], " (input shape ", shape_str(in),
            ") do not match the filters' in_channels ", filter[2], " (filters shape ", shape_str(filter),
            "); filters must be (height, width, ", in[3], ", out_channels)");
  check_arg(p.stride_h > 0 && p.stride_w > 0, op, ": strides must be positive, got (", p.stride_h, ", ", p.stride_w,
            ")");
  check_arg(p.dilation_h > 0 && p.dilation_w > 0, op, ": dilations must be positive, got (", p.dilation_h, ", ",
            p.dilation_w, ")");
  check_arg(p.padding == "VALID" || p.padding == "SAME" || p.padding == "EXPLICIT", op,
            ": padding must be 'VALID', 'SAME' or explicit pairs, got '", p.padding, "'");
  check_arg(p.pad_top >= 0 && p.pad_bottom >= 0 && p.pad_left >= 0 && p.pad_right >= 0, op,
            ": explicit paddings must be non-negative, got (", p.pad_top, ", ", p.pad_bottom, ", ", p.pad_left, ", ",
            p.pad_right, ")");
  check_arg(filter[0] > 0 && filter[1] > 0, op, ": filters must have a positive height and width, got shape ",
            shape_str(filter));
  const AxisPlan rows = plan_axis(in[1], filter[0], p.stride_h, p.dilation_h, p, true, op, in, filter);
  const AxisPlan cols = plan_axis(in[2], filter[1], p.stride_w, p.dilation_w, p, false, op, in, filter);
  return {in[0],      in[1],      in[2],        in[3],         filter[0],      filter[1],    filter[3], rows.out,
          cols.out,   p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, rows.pad_before, cols.pad_before};
}

namespace {

void check_same_dtype(const char* op, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name) {
  if (a.dtype() != b.dtype())
    throw TypeError(str_cat(op, ": ", a_name, " is ", dtype_name(a.dtype()), " but ", b_name, " is ",
                            dtype_name(b.dtype()), "; cast one with tf.cast so both match"));
}

/** out_backprop must have the shape conv2d gives for this geometry. */
void check_out_backprop(const char* op, const ConvGeometry& g, const Tensor& dy) {
  const Shape want{g.n, g.oh, g.ow, g.co};
  check_arg(dy.shape() == want, op, ": out_backprop has shape ", shape_str(dy.shape()),
            " but the convolution's output shape is ", shape_str(want), " for these sizes, strides and padding");
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& filters, const Conv2dParams& params) {
  if (computes_in_float32(input.dtype()) && input.dtype() == filters.dtype())
    return cast(conv2d(widened(input), widened(filters), params), input.dtype());
  PT_OP_SCOPE;
  const char* op = "conv2d";
  check_same_dtype(op, input, "input", filters, "filters");
  const ConvGeometry g = conv2d_geometry(op, input.shape(), filters.shape(), params);
  ConvKernel* run = kernel<ConvKernel>(OpId::conv2d, input.device(), input.dtype());
  Tensor out = Tensor::empty({g.n, g.oh, g.ow, g.co}, input.dtype(), input.device());
  run(g, contiguous(input), contiguous(filters), out);
  PT_RECORD(OpId::conv2d, {input, filters}, {out}, attrs::Conv2d{params});
  return out;
}

Tensor conv2d_backprop_input(const Shape& input_sizes, const Tensor& filters, const Tensor& out_backprop,
                             const Conv2dParams& params) {
  if (computes_in_float32(filters.dtype()) && filters.dtype() == out_backprop.dtype())
    return cast(conv2d_backprop_input(input_sizes, widened(filters), widened(out_backprop), params), filters.dtype());
  PT_OP_SCOPE;
  const char* op = "conv2d_backprop_input";
  check_same_dtype(op, filters, "filters", out_backprop, "out_backprop");
  const ConvGeometry g = conv2d_geometry(op, input_sizes, filters.shape(), params);
  check_out_backprop(op, g, out_backprop);
  ConvKernel* run = kernel<ConvKernel>(OpId::conv2d_backprop_input, filters.device(), filters.dtype());
  Tensor out = Tensor::empty(input_sizes, filters.dtype(), filters.device());
  run(g, contiguous(filters), contiguous(out_backprop), out);
  PT_RECORD(OpId::conv2d_backprop_input, {filters, out_backprop}, {out}, attrs::Conv2dBackprop{input_sizes, params});
  return out;
}

Tensor conv2d_backprop_filter(const Tensor& input, const Shape& filter_sizes, const Tensor& out_backprop,
                              const Conv2dParams& params) {
  if (computes_in_float32(input.dtype()) && input.dtype() == out_backprop.dtype())
    return cast(conv2d_backprop_filter(widened(input), filter_sizes, widened(out_backprop), params), input.dtype());
  PT_OP_SCOPE;
  const char* op = "conv2d_backprop_filter";
  check_same_dtype(op, input, "input", out_backprop, "out_backprop");
  const ConvGeometry g = conv2d_geometry(op, input.shape(), filter_sizes, params);
  check_out_backprop(op, g, out_backprop);
  ConvKernel* run = kernel<ConvKernel>(OpId::conv2d_backprop_filter, input.device(), input.dtype());
  Tensor out = Tensor::empty(filter_sizes, input.dtype(), input.device());
  run(g, contiguous(input), contiguous(out_backprop), out);
  PT_RECORD(OpId::conv2d_backprop_filter, {input, out_backprop}, {out}, attrs::Conv2dBackprop{filter_sizes, params});
  return out;
}

namespace {

/** tf.nn.dilation2d: the max over each window of input + filters (filters (height, width, channels), NHWC). */
Tensor dilation2d(const Tensor& input, const Tensor& filters, const Conv2dParams& params) {
  PT_OP_SCOPE;
  const char* op = "dilation2d";
  check_same_dtype(op, input, "input", filters, "filters");
  const Shape& f = filters.shape();
  check_arg(input.ndim() == 4, op, ": input must be rank 4 (batch, height, width, channels), got shape ",
            shape_str(input.shape()));
  check_arg(f.size() == 3 && f[2] == input.dim(3), op, ": filters must be (height, width, ", input.dim(3),
            ") for an input of shape ", shape_str(input.shape()), ", got shape ", shape_str(f));
  check_arg(params.padding != "EXPLICIT", op, ": padding must be 'VALID' or 'SAME'");
  const ConvGeometry g = conv2d_geometry(op, input.shape(), {f[0], f[1], f[2], f[2]}, params);
  auto* run = kernel<backend::Dilation2dKernel>(OpId::dilation2d, input.device(), input.dtype());
  const Shape shape{g.n, g.oh, g.ow, g.c};
  Tensor out = Tensor::empty(shape, input.dtype(), input.device());
  Tensor in_index = Tensor::empty(shape, DType::Int64, input.device()), tap = Tensor::empty(shape, DType::Int64, input.device());
  run(g, contiguous(input), contiguous(filters), out, in_index, tap);
  PT_RECORD(OpId::dilation2d, {input, filters}, {out}, attrs::Conv2d{params}, {in_index, tap});
  return out;
}

}  // namespace

// ---- gradients -------------------------------------------------------------------------
namespace {

using Grads = std::vector<Tensor>;

const Conv2dParams& params_of(const autograd::Node& n) {
  return n.op == OpId::conv2d ? n.attr<attrs::Conv2d>().params : n.attr<attrs::Conv2dBackprop>().params;
}

Grads grad_conv2d(const autograd::Node& n, const Grads& gs) {
  // y = conv(x, w): dx = backprop_input(dy), dw = backprop_filter(x, dy).
  const Tensor &x = n.inputs[0], &w = n.inputs[1];
  const Conv2dParams& p = params_of(n);
  Tensor gx, gw;
  if (n.wants(0)) gx = conv2d_backprop_input(x.shape(), w, gs[0], p);
  if (n.wants(1)) gw = conv2d_backprop_filter(x, w.shape(), gs[0], p);
  return {gx, gw};
}

Grads grad_backprop_input(const autograd::Node& n, const Grads& gs) {
  // dx = B_in(w, dy) is bilinear with <G, B_in(w, dy)> = <conv(G, w), dy>.
  const Tensor &w = n.inputs[0], &dy = n.inputs[1];
  const Conv2dParams& p = params_of(n);
  Tensor gw, gdy;
  if (n.wants(0)) gw = conv2d_backprop_filter(gs[0], w.shape(), dy, p);
  if (n.wants(1)) gdy = conv2d(gs[0], w, p);
  return {gw, gdy};
}

Grads grad_backprop_filter(const autograd::Node& n, const Grads& gs) {
  // dw = B_f(x, dy) is bilinear with <H, B_f(x, dy)> = <conv(x, H), dy>.
  const Tensor &x = n.inputs[0], &dy = n.inputs[1];
  const Conv2dParams& p = params_of(n);
  Tensor gx, gdy;
  if (n.wants(0)) gx = conv2d_backprop_input(x.shape(), gs[0], dy, p);
  if (n.wants(1)) gdy = conv2d(x, gs[0], p);
  return {gx, gdy};
}

Grads grad_dilation2d(const autograd::Node& n, const Grads& gs) {
  // Each output's gradient goes to the input and filter elements of its maximum (saved by the forward).
  const Tensor &x = n.inputs[0], &w = n.inputs[1];
  const Tensor dy = reshape(gs[0], {-1});
  Tensor gx, gw;
  if (n.wants(0)) gx = reshape(unsorted_segment_sum(dy, reshape(n.saved[0], {-1}), x.numel()), x.shape());
  if (n.wants(1)) gw = reshape(unsorted_segment_sum(dy, reshape(n.saved[1], {-1}), w.numel()), w.shape());
  return {gx, gw};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::conv2d)
      .invoke([](const Invocation& node) -> Outputs {
        return {conv2d(node.in(0), node.in(1), node.attr<attrs::Conv2d>().params)};
      })
      .gradient(grad_conv2d)
      .doc("conv2d(input, filters, strides, padding, data_format='NHWC', dilations=None, name=None)",
           "Computes a 2-D convolution given `input` and 4-D `filters` tensors.",
           "input: a 4-D float tensor [batch, height, width, in_channels].\n"
           "filters: the kernel, shape [filter_height, filter_width, in_channels, out_channels].\n"
           "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
           "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
           "data_format: 'NHWC' (channels last, the default).\n"
           "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
           "pt.nn.conv2d(pt.ones([1, 4, 4, 1]), pt.ones([3, 3, 1, 2]), strides=1, padding='SAME').shape  # (1, 4, 4, "
           "2)")
      .exports("tf.nn");
  define_op(OpId::conv2d_backprop_input)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Conv2dBackprop>();
        return {conv2d_backprop_input(c.sizes, node.in(0), node.in(1), c.params)};
      })
      .gradient(grad_backprop_input)
      .doc("conv2d_backprop_input(input_sizes, filters, out_backprop, strides, padding, data_format='NHWC', "
           "dilations=None, name=None)",
           "Computes the gradients of convolution with respect to the input.",
           "input_sizes: the shape of the convolution's input, [batch, height, width, in_channels].\n"
           "filters: the kernel, [filter_height, filter_width, in_channels, out_channels].\n"
           "out_backprop: the gradient of the convolution's output.\n"
           "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
           "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
           "data_format: 'NHWC' (channels last, the default).\n"
           "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
           "pt.nn.conv2d_backprop_input([1, 4, 4, 1], pt.ones([3, 3, 1, 2]), pt.ones([1, 4, 4, 2]), 1, 'SAME').shape")
      .exports("tf.nn");
  define_op(OpId::conv2d_backprop_filter)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Conv2dBackprop>();
        return {conv2d_backprop_filter(node.in(0), c.sizes, node.in(1), c.params)};
      })
      .gradient(grad_backprop_filter)
      .doc("conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, data_format='NHWC', "
           "dilations=None, name=None)",
           "Computes the gradients of convolution with respect to the filter.",
           "input: the convolution's input, [batch, height, width, in_channels].\n"
           "filter_sizes: the shape of the kernel, [filter_height, filter_width, in_channels, out_channels].\n"
           "out_backprop: the gradient of the convolution's output.\n"
           "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
           "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
           "data_format: 'NHWC' (channels last, the default).\n"
           "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
           "pt.nn.conv2d_backprop_filter(pt.ones([1, 4, 4, 1]), [3, 3, 1, 2], pt.ones([1, 4, 4, 2]), 1, 'SAME').shape")
      .exports("tf.nn");
  define_op(OpId::dilation2d)
      .invoke([](const Invocation& node) -> Outputs {
        return {dilation2d(node.in(0), node.in(1), node.attr<attrs::Conv2d>().params)};
      })
      .gradient(grad_dilation2d)
      .doc("dilation2d(input, filters, strides, padding, data_format='NHWC', dilations=None, name=None)",
           "Computes the grayscale dilation of 4-D input and 3-D filters tensors.",
           "input: a 4-D float tensor [batch, height, width, channels].\n"
           "filters: a 3-D tensor [filter_height, filter_width, channels] of input's dtype, added to each window.\n"
           "strides: an int or list of 1, 2 or 4 ints: the window's step (4: [1, h, w, 1]).\n"
           "padding: 'VALID' or 'SAME' (the window's out-of-bounds taps are ignored).\n"
           "data_format: 'NHWC' (channels last, the only layout).\n"
           "dilations: an int or list of 1, 2 or 4 ints: the filter taps' spacing (TF's rates; default 1).",
           "pt.nn.dilation2d(pt.reshape(pt.range(9.0), (1, 3, 3, 1)), pt.zeros((2, 2, 1)), 1, 'VALID')  # [[[[4.], "
           "[5.]], [[7.], [8.]]]]",
           "out[b, y, x, c] = max over (dy, dx) of input[b, y * stride + dy * dilation, x * stride + dx * dilation, "
           "c] + filters[dy, dx, c]; the gradient goes to the maximum's input and filter elements (the first in "
           "window order).")
      .exports("tf.nn");
  return true;
}();

}  // namespace

}  // namespace pt::ops
