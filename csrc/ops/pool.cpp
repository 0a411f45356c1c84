// Pooling family: 2-D max and average pooling over NHWC windows, their gradients (each differentiable again), and
// the fused convolution + max pooling with its gradients. Shapes and windows are validated here; the kernels are
// the kernel table's (backend/<device>/pool.cpp).
#include <algorithm>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::ConvGeometry;
using backend::kernel;
using Geometry = backend::PoolGeometry;

/** Validates `input_shape` and `window` for op `name` and derives the geometry. */
Geometry geometry(const Shape& input_shape, const Pool2dWindow& wd, const char* name) {
  check_arg(input_shape.size() == 4, name, ": input must be 4-D (batch, height, width, channels), got shape ",
            shape_str(input_shape), "; add a batch axis with expand_dims, or use the 1-D pooling for 3-D inputs");
  check_arg(wd.kh > 0 && wd.kw > 0, name, ": ksize must be positive, got (", wd.kh, ", ", wd.kw, ")");
  check_arg(wd.sh > 0 && wd.sw > 0, name, ": strides must be positive, got (", wd.sh, ", ", wd.sw, ")");
  // Bounded as TF's int32 attributes, so the window arithmetic below cannot overflow int64.
  check_arg(std::max({wd.kh, wd.kw, wd.sh, wd.sw}) <= kMaxWindowArg, name, ": ksize (", wd.kh, ", ", wd.kw,
            ") and strides (", wd.sh, ", ", wd.sw, ") must be at most ", kMaxWindowArg);
  check_arg(wd.same || (wd.kh <= input_shape[1] && wd.kw <= input_shape[2]), name, ": the ", wd.kh, "x", wd.kw,
            " window is larger than the ", input_shape[1], "x", input_shape[2], " input of shape ",
            shape_str(input_shape), " with VALID padding; use a smaller ksize or padding='SAME'");
  return backend::pool_geometry(input_shape, wd.kh, wd.kw, wd.sh, wd.sw, wd.same);
}

/** Checks that `t` has the output shape of pooling `g` (for the gradient ops' `dy`). */
void check_output_shape(const Tensor& t, const Geometry& g, const char* name, const char* what) {
  const Shape want{g.n, g.oh, g.ow, g.c};
  check_arg(t.shape() == want, name, ": ", what, " has shape ", shape_str(t.shape()), " but the pooling output has ",
            shape_str(want), "; pass the gradient of that pooling's output");
}

/** max_pool2d's forward, with the argmax only when `with_arg` (it costs an extra output-sized write). */
std::pair<Tensor, Tensor> max_pool_forward(const Tensor& x, const Pool2dWindow& wd, bool with_arg) {
  const char* name = "max_pool2d";
  const Geometry g = geometry(x.shape(), wd, name);
  if (with_arg)
    check_arg(g.h * g.w * g.c <= std::numeric_limits<int32_t>::max(), name, ": an image of shape ",
              shape_str(x.shape()), " has more than 2^31 elements, too many for int32 argmax indices");
  backend::MaxPoolKernel* run = kernel<backend::MaxPoolKernel>(OpId::max_pool2d, x.device(), x.dtype());
  Tensor y = Tensor::empty({g.n, g.oh, g.ow, g.c}, x.dtype(), x.device());
  Tensor arg = with_arg ? Tensor::empty(y.shape(), DType::Int32, x.device()) : Tensor();
  run(g, contiguous(x), y, arg, g.w);
  return {y, arg};
}

/** max_pool2d as a recorded op; the argmax is computed when asked for or when a tape keeps it for the backward. */
std::pair<Tensor, Tensor> max_pool_op(const Tensor& x, const Pool2dWindow& window, bool want_arg) {
  if (computes_in_float32(x.dtype())) {
    auto [y, arg] = max_pool_op(widened(x), window, want_arg);
    return {cast(y, x.dtype()), arg};
  }
  PT_OP_SCOPE;
  // The argmax is saved for the gradient when a tape tracks x, or for an observer (a traced graph keeps it as an
  // output, which the executor's replay must fill for the traced gradient to read).
  const bool save_arg = pt_op_scope_.should_record() && is_floating(x.dtype()) &&
                        (autograd::thread_state().observer || autograd::is_tracked(x));
  auto [y, arg] = max_pool_forward(x, window, want_arg || save_arg);
  PT_RECORD(OpId::max_pool2d, {x}, {y}, attrs::Pool2d{window}, {save_arg ? arg : Tensor()});
  return {y, want_arg ? arg : Tensor()};
}
}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dWindow& window) { return max_pool_op(x, window, false).first; }

std::pair<Tensor, Tensor> max_pool2d_with_argmax(const Tensor& x, const Pool2dWindow& window) {
  return max_pool_op(x, window, true);
}

Tensor avg_pool2d(const Tensor& x, const Pool2dWindow& window) {
  if (computes_in_float32(x.dtype())) return cast(avg_pool2d(widened(x), window), x.dtype());
  PT_OP_SCOPE;
  const char* name = "avg_pool2d";
  const Geometry g = geometry(x.shape(), window, name);
  backend::PoolKernel* run = kernel<backend::PoolKernel>(OpId::avg_pool2d, x.device(), x.dtype());
  Tensor y = Tensor::empty({g.n, g.oh, g.ow, g.c}, x.dtype(), x.device());
  run(g, contiguous(x), y);
  PT_RECORD(OpId::avg_pool2d, {x}, {y}, attrs::Pool2d{window});
  return y;
}

Tensor max_pool2d_grad(const Tensor& dy, const Tensor& argmax, const Shape& input_shape, const Pool2dWindow& window) {
  if (computes_in_float32(dy.dtype()))
    return cast(max_pool2d_grad(widened(dy), argmax, input_shape, window), dy.dtype());
  PT_OP_SCOPE;
  const char* name = "max_pool2d_grad";
  const Geometry g = geometry(input_shape, window, name);
  check_arg(dy.defined() && argmax.defined(), name, ": the gradient and the argmax of the forward pass are needed");
  check_output_shape(dy, g, name, "dy");
  check_output_shape(argmax, g, name, "argmax");
  if (argmax.dtype() != DType::Int32) throw_dtype_error(name, argmax.dtype(), "int32 for argmax");
  backend::MaxPoolGradKernel* run = kernel<backend::MaxPoolGradKernel>(OpId::max_pool2d_grad, dy.device(), dy.dtype());
  Tensor dx = Tensor::empty(input_shape, dy.dtype(), dy.device());
  run(g, contiguous(dy), contiguous(argmax), dx);
  PT_RECORD(OpId::max_pool2d_grad, {dy, argmax}, {dx}, attrs::Pool2dGrad{input_shape, window});
  return dx;
}

Tensor avg_pool2d_grad(const Tensor& dy, const Shape& input_shape, const Pool2dWindow& window) {
  if (computes_in_float32(dy.dtype())) return cast(avg_pool2d_grad(widened(dy), input_shape, window), dy.dtype());
  PT_OP_SCOPE;
  const char* name = "avg_pool2d_grad";
  const Geometry g = geometry(input_shape, window, name);
  check_output_shape(dy, g, name, "dy");
  backend::PoolKernel* run = kernel<backend::PoolKernel>(OpId::avg_pool2d_grad, dy.device(), dy.dtype());
  Tensor dx = Tensor::empty(input_shape, dy.dtype(), dy.device());
  run(g, contiguous(dy), dx);
  PT_RECORD(OpId::avg_pool2d_grad, {dy}, {dx}, attrs::Pool2dGrad{input_shape, window});
  return dx;
}

namespace {
/** TypeError naming `op` unless a and b share one float dtype. */
void check_float_operands(const char* op, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name) {
  if (!is_floating(a.dtype())) throw_dtype_error(op, a.dtype(), "float32 or float64");
  if (b.dtype() != a.dtype())
    throw TypeError(str_cat(op, ": ", a_name, " (", dtype_name(a.dtype()), ") and ", b_name, " (",
                            dtype_name(b.dtype()), ") must have one dtype; cast one with tf.cast"));
}

/**
 * The leading rows and columns of the input that a VALID convolution's outputs read by VALID max pooling depend
 * on: pooling drops trailing outputs no window covers (the last of 11 under 2x2), so a convolution that stores its
 * output need not compute them. The input's own shape when nothing is dropped or either padding is SAME.
 */
Shape read_input_shape(const Shape& input, const ConvGeometry& cg, const Conv2dParams& p,
                       const Pool2dWindow& wd) {
  if (p.padding != "VALID" || wd.same) return input;
  const auto needed = [](int64_t in, int64_t conv_out, int64_t k, int64_t stride, int64_t dilation, int64_t pool_k,
                         int64_t pool_s) {
    const int64_t read = ((conv_out - pool_k) / pool_s) * pool_s + pool_k;  // conv outputs the windows read
    return std::min(in, (read - 1) * stride + (k - 1) * dilation + 1);
  };
  return {input[0], needed(input[1], cg.oh, cg.kh, cg.sh, cg.dh, wd.kh, wd.sh),
          needed(input[2], cg.ow, cg.kw, cg.sw, cg.dw, wd.kw, wd.sw), input[3]};
}
}  // namespace

Tensor conv2d_max_pool(const Tensor& input, const Tensor& filters, const Conv2dParams& params,
                       const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool";
  check_float_operands(name, input, "input", filters, "filters");
  const ConvGeometry cg = conv2d_geometry(name, input.shape(), filters.shape(), params);
  const Shape conv_shape{cg.n, cg.oh, cg.ow, cg.co};  // the argmax indexes its images, as max_pool2d_with_argmax's
  const Geometry g = geometry(conv_shape, window, name);
  const bool recording = pt_op_scope_.should_record() && (autograd::thread_state().observer ||
                                                          autograd::is_tracked(input) || autograd::is_tracked(filters));
  check_arg(!recording || cg.oh * cg.ow * cg.co <= std::numeric_limits<int32_t>::max(), name,
            ": a convolution output image of shape ", shape_str(conv_shape),
            " has more than 2^31 elements, too many for int32 argmax indices");
  const ConvGeometry read = conv2d_geometry(name, read_input_shape(input.shape(), cg, params, window),
                                           filters.shape(), params);
  backend::ConvMaxPoolKernel* run =
      kernel<backend::ConvMaxPoolKernel>(OpId::conv2d_max_pool, input.device(), input.dtype());
  Tensor y = Tensor::empty({g.n, g.oh, g.ow, g.c}, input.dtype(), input.device());
  Tensor arg = recording ? Tensor::empty(y.shape(), DType::Int32, input.device()) : Tensor();
  run(cg, read, g, contiguous(input), contiguous(filters), y, arg);
  // Saved: the argmax into each image of the convolution's output, as max_pool2d_with_argmax's.
  PT_RECORD(OpId::conv2d_max_pool, {input, filters}, {y}, attrs::Conv2dMaxPool{params, window}, {arg});
  return y;
}

namespace {
/** Validates the gradient ops' shared arguments; returns the pooling geometry over conv `cg`'s output. */
Geometry check_pooled_gradient(const char* name, const ConvGeometry& cg, const Tensor& out_backprop,
                               const Tensor& argmax, const Pool2dWindow& window) {
  if (argmax.dtype() != DType::Int32) throw_dtype_error(name, argmax.dtype(), "int32 for argmax");
  const Geometry g = geometry({cg.n, cg.oh, cg.ow, cg.co}, window, name);
  check_output_shape(out_backprop, g, name, "out_backprop");
  check_output_shape(argmax, g, name, "argmax");
  return g;
}
}  // namespace

Tensor conv2d_max_pool_backprop_filter(const Tensor& input, const Shape& filter_sizes, const Tensor& out_backprop,
                                       const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool_backprop_filter";
  check_float_operands(name, input, "input", out_backprop, "out_backprop");
  const ConvGeometry cg = conv2d_geometry(name, input.shape(), filter_sizes, params);
  const Geometry g = check_pooled_gradient(name, cg, out_backprop, argmax, window);
  backend::ConvMaxPoolGradKernel* run =
      kernel<backend::ConvMaxPoolGradKernel>(OpId::conv2d_max_pool_backprop_filter, input.device(), input.dtype());
  Tensor dw = Tensor::empty(filter_sizes, input.dtype(), input.device());
  run(cg, g, contiguous(input), contiguous(out_backprop), contiguous(argmax), dw);
  PT_RECORD(OpId::conv2d_max_pool_backprop_filter, {input, out_backprop, argmax}, {dw},
            attrs::Conv2dMaxPoolBackprop{filter_sizes, params, window});
  return dw;
}

Tensor conv2d_max_pool_backprop_input(const Shape& input_sizes, const Tensor& filters, const Tensor& out_backprop,
                                      const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool_backprop_input";
  check_float_operands(name, filters, "filters", out_backprop, "out_backprop");
  const ConvGeometry cg = conv2d_geometry(name, input_sizes, filters.shape(), params);
  const Geometry g = check_pooled_gradient(name, cg, out_backprop, argmax, window);
  backend::ConvMaxPoolGradKernel* run =
      kernel<backend::ConvMaxPoolGradKernel>(OpId::conv2d_max_pool_backprop_input, filters.device(), filters.dtype());
  Tensor dx = Tensor::empty(input_sizes, filters.dtype(), filters.device());
  run(cg, g, contiguous(filters), contiguous(out_backprop), contiguous(argmax), dx);
  PT_RECORD(OpId::conv2d_max_pool_backprop_input, {filters, out_backprop, argmax}, {dx},
            attrs::Conv2dMaxPoolBackprop{input_sizes, params, window});
  return dx;
}

// ---- gradients -------------------------------------------------------------------------
namespace {

using Grads = std::vector<Tensor>;

/** The transpose of max_pool2d_grad in dy: `g` (of the pooled input's shape `in`) read at each argmax position. */
Tensor gather_at_argmax(const Tensor& g, const Tensor& arg, const Shape& in) {
  Tensor flat = reshape(g, {in[0], in[1] * in[2] * in[3]});
  return reshape(gather(flat, reshape(arg, {in[0], -1}), 1, 1), arg.shape());
}

/** The shape of the convolution a conv2d_max_pool_backprop_* node pools (its argmax indexes those images). */
Shape pooled_conv_shape(const autograd::Node& n) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const bool filter = n.op == OpId::conv2d_max_pool_backprop_filter;
  const ConvGeometry cg = conv2d_geometry(op_def(n.op).name, filter ? n.inputs[0].shape() : a.sizes,
                                          filter ? a.sizes : n.inputs[0].shape(), a.params);
  return {cg.n, cg.oh, cg.ow, cg.co};
}

Grads grad_conv2d_max_pool(const autograd::Node& n, const Grads& gs) {
  const auto& [params, window] = n.attr<attrs::Conv2dMaxPool>();
  const Tensor& argmax = n.saved[0];
  const Tensor &x = n.inputs[0], &w = n.inputs[1];
  Tensor gx, gw;
  if (n.wants(0)) gx = conv2d_max_pool_backprop_input(x.shape(), w, gs[0], argmax, params, window);
  if (n.wants(1)) gw = conv2d_max_pool_backprop_filter(x, w.shape(), gs[0], argmax, params, window);
  return {gx, gw};
}

// Both backprop ops are bilinear, B(a, dy) = conv2d's gradient of max_pool2d_grad(dy): each one's gradient in its
// first operand is the other op (<H, B_i(w, D)> = <B_f(H, D), w>), in dy the pooled conv2d read at the argmax.

Grads grad_conv2d_max_pool_backprop_filter(const autograd::Node& n, const Grads& gs) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const Tensor &x = n.inputs[0], &dy = n.inputs[1], &argmax = n.inputs[2];
  Tensor gx, gdy;
  if (n.wants(0)) gx = conv2d_max_pool_backprop_input(x.shape(), gs[0], dy, argmax, a.params, a.window);
  if (n.wants(1)) gdy = gather_at_argmax(conv2d(x, gs[0], a.params), argmax, pooled_conv_shape(n));
  return {gx, gdy, Tensor()};
}

Grads grad_conv2d_max_pool_backprop_input(const autograd::Node& n, const Grads& gs) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const Tensor &w = n.inputs[0], &dy = n.inputs[1], &argmax = n.inputs[2];
  Tensor gw, gdy;
  if (n.wants(0)) gw = conv2d_max_pool_backprop_filter(gs[0], w.shape(), dy, argmax, a.params, a.window);
  if (n.wants(1)) gdy = gather_at_argmax(conv2d(gs[0], w, a.params), argmax, pooled_conv_shape(n));
  return {gw, gdy, Tensor()};
}

Grads grad_max_pool2d(const autograd::Node& n, const Grads& gs) {
  return {max_pool2d_grad(gs[0], n.saved[0], n.inputs[0].shape(), n.attr<attrs::Pool2d>().window)};
}

Grads grad_avg_pool2d(const autograd::Node& n, const Grads& gs) {
  return {avg_pool2d_grad(gs[0], n.inputs[0].shape(), n.attr<attrs::Pool2d>().window)};
}

Grads grad_max_pool2d_grad(const autograd::Node& n, const Grads& gs) {
  // Linear in dy: its transpose reads the incoming gradient at the same argmax positions (a batched gather).
  return {gather_at_argmax(gs[0], n.inputs[1], n.attr<attrs::Pool2dGrad>().input_shape), Tensor()};
}

Grads grad_avg_pool2d_grad(const autograd::Node& n, const Grads& gs) {
  // avg_pool2d_grad is the transpose of the linear avg_pool2d, so its own transpose is avg_pool2d.
  return {avg_pool2d(gs[0], n.attr<attrs::Pool2dGrad>().window)};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::max_pool2d)
      .invoke([](const Invocation& node) -> Outputs {
        return {max_pool2d(node.in(0), node.attr<attrs::Pool2d>().window)};
      })
      .gradient(grad_max_pool2d)
      .doc("max_pool2d(input, ksize, strides, padding, data_format='NHWC', name=None)",
           "Performs max pooling on 2D spatial data such as images.",
           "input: a 4-D float tensor [batch, height, width, channels].\n"
           "ksize: an int or list of ints: the pooling window's size.\n"
           "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
           "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
           "data_format: 'NHWC' (channels last, the default).",
           "pt.nn.max_pool2d(pt.reshape(pt.range(16.0), (1, 4, 4, 1)), 2, 2, 'VALID')  # [[[[5.], [7.]], [[13.], "
           "[15.]]]]",
           "out[b, i, j, c] is the max of input over the window at (i * stride_h, j * stride_w); 'SAME' pads as TF "
           "(the\n"
           "extra row / column at the end; padded positions never win). NaN propagates; the gradient goes to the "
           "first\n"
           "maximum of each window.")
      .exports("tf.nn");
  define_op(OpId::avg_pool2d)
      .invoke([](const Invocation& node) -> Outputs {
        return {avg_pool2d(node.in(0), node.attr<attrs::Pool2d>().window)};
      })
      .gradient(grad_avg_pool2d)
      .doc("avg_pool2d(input, ksize, strides, padding, data_format='NHWC', name=None)",
           "Performs the average pooling on the input.",
           "input: a 4-D float tensor [batch, height, width, channels].\n"
           "ksize: an int or list of ints: the pooling window's size.\n"
           "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
           "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
           "data_format: 'NHWC' (channels last, the default).",
           "pt.nn.avg_pool2d(pt.reshape(pt.range(9.0), (1, 3, 3, 1)), 2, 2, 'SAME')  # [[[[2.], [3.5]], [[6.5], "
           "[8.]]]]",
           "With 'SAME' padding a window that overhangs the input divides by its count of in-bounds elements, as TF.")
      .exports("tf.nn");
  define_op(OpId::max_pool2d_grad)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& p = node.attr<attrs::Pool2dGrad>();
        return {max_pool2d_grad(node.in(0), node.in(1), p.input_shape, p.window)};
      })
      .gradient(grad_max_pool2d_grad);
  define_op(OpId::avg_pool2d_grad)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& p = node.attr<attrs::Pool2dGrad>();
        return {avg_pool2d_grad(node.in(0), p.input_shape, p.window)};
      })
      .gradient(grad_avg_pool2d_grad);
  define_op(OpId::conv2d_max_pool)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Conv2dMaxPool>();
        return {conv2d_max_pool(node.in(0), node.in(1), c.params, c.window)};
      })
      .gradient(grad_conv2d_max_pool)
      .internal("conv2d_max_pool(input, filters, strides, padding, dilations, ksize, pool_strides, pool_padding)",
                R"doc(max_pool2d(conv2d(input, filters, strides, padding, dilations=dilations), ksize, pool_strides,
pool_padding) in one op (NHWC, HWIO), as Keras's Conv2D -> MaxPooling2D uses it.

For few input channels the convolution's output lines are pooled while in cache and never stored; outputs that
VALID pooling drops (the last of 11 under 2x2) are not computed. The values and gradients are those of the two ops.

Example:
  >>> x = tf.random.normal((8, 28, 28, 1)); w = tf.random.normal((3, 3, 1, 32))
  >>> tf._core.conv2d_max_pool(x, w, 1, "VALID", 1, 2, 2, "VALID").shape  # (8, 13, 13, 32)
)doc");
  define_op(OpId::conv2d_max_pool_backprop_filter)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Conv2dMaxPoolBackprop>();
        return {conv2d_max_pool_backprop_filter(node.in(0), c.sizes, node.in(1), node.in(2), c.params, c.window)};
      })
      .gradient(grad_conv2d_max_pool_backprop_filter)
      .internal("conv2d_max_pool_backprop_filter(input, filter_sizes, out_backprop, argmax, strides, padding, "
                "dilations, ksize, pool_strides, pool_padding)",
                R"doc(conv2d_max_pool's filter gradient: conv2d_backprop_filter(input, filter_sizes, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it: (y * W + x) * C + c
within each image of the convolution's output). For few input channels g is built a block of lines at a time (with
overlapping windows an index outside its window raises InvalidArgumentError); otherwise, when the pooling keeps a
quarter or less of the outputs, each pooled element's patch is taken at its argmax and g is never built. Elsewhere
an index outside its window contributes nothing, as in max_pool2d's gradient.
)doc");
  define_op(OpId::conv2d_max_pool_backprop_input)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& c = node.attr<attrs::Conv2dMaxPoolBackprop>();
        return {conv2d_max_pool_backprop_input(c.sizes, node.in(0), node.in(1), node.in(2), c.params, c.window)};
      })
      .gradient(grad_conv2d_max_pool_backprop_input)
      .internal("conv2d_max_pool_backprop_input(input_sizes, filters, out_backprop, argmax, strides, padding, "
                "dilations, ksize, pool_strides, pool_padding)",
                R"doc(conv2d_max_pool's input gradient: conv2d_backprop_input(input_sizes, filters, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it). When the pooling
keeps a quarter or less of the convolution's outputs (2x2 windows, stride 2), each pooled element's filter column
is added at its argmax's patch and g is never built; an index outside its window contributes nothing, as in
max_pool2d's gradient.
)doc");
  return true;
}();

}  // namespace

}  // namespace pt::ops
