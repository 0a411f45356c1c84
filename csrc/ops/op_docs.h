#pragma once
/**
 * The docstrings of the ops and the other functions pytensor._core exports as TF's public names: ONE table,
 * keyed by the Python name (the registry name for registry ops), that the bindings read (bindings/docs.h).
 * Each row holds TF's signature (the docstring's first line, since pybind's generated one types every
 * argument `object`), TF's one-line summary, the arguments, one example call and optional notes. `name=None`,
 * which every op takes for TF compatibility, is documented by the binding, not per row.
 * tests/test_docstrings.py requires a docstring for every public callable and runs every example.
 */

#include <string_view>

namespace pt {

/** One function's documentation. */
struct OpDoc {
  const char* name;       // the Python name
  const char* signature;  // the docstring's first line
  const char* summary;    // TF's one-line summary
  const char* args;       // "arg: description" lines
  const char* example;    // one Python statement; `pt` is pytensor, `np` numpy
  const char* notes = nullptr;  // optional: semantics beyond the summary (padding, ties, index layout)
};

inline constexpr OpDoc kOpDocs[] = {
    {"abs", "abs(x, name=None)",
     "Computes the absolute value of a tensor.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.abs([-1.5, 0.0, 2.5])  # [1.5, 0. , 2.5]"},
    {"add", "add(x, y, name=None)",
     "Returns x + y element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.add([1.0, 2.0], [3.0, 0.5])  # [4. , 2.5]"},
    {"argmax", "argmax(input, axis=None, output_type=None, name=None)",
     "Returns the index with the largest value across axes of a tensor.",
     "input: a numeric tensor.\n"
     "axis: the axis to reduce (default 0).\n"
     "output_type: int32 or int64 (default int64) for the indices.",
     "pt.argmax([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [1, 0]"},
    {"argmin", "argmin(input, axis=None, output_type=None, name=None)",
     "Returns the index with the smallest value across axes of a tensor.",
     "input: a numeric tensor.\n"
     "axis: the axis to reduce (default 0).\n"
     "output_type: int32 or int64 (default int64) for the indices.",
     "pt.argmin([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [0, 1]"},
    {"avg_pool2d", "avg_pool2d(input, ksize, strides, padding, data_format='NHWC', name=None)",
     "Performs the average pooling on the input.",
     "input: a 4-D float tensor [batch, height, width, channels].\n"
     "ksize: an int or list of ints: the pooling window's size.\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).",
     "pt.nn.avg_pool2d(pt.reshape(pt.range(9.0), (1, 3, 3, 1)), 2, 2, 'SAME')  # [[[[2.], [3.5]], [[6.5], [8.]]]]",
     "With 'SAME' padding a window that overhangs the input divides by its count of in-bounds elements, as TF."},
    {"boolean_mask", "boolean_mask(tensor, mask, axis=None, name=None)",
     "Apply boolean mask to tensor.",
     "tensor: a tensor.\n"
     "mask: a bool tensor whose shape matches the first dimensions of tensor (from axis on).\n"
     "axis: the first axis of tensor the mask applies to (default 0).",
     "pt.boolean_mask([1, 2, 3], [True, False, True])  # [1, 3]"},
    {"broadcast_to", "broadcast_to(input, shape, name=None)",
     "Broadcast an array for a compatible shape.",
     "input: a tensor.\n"
     "shape: the target shape.",
     "pt.broadcast_to([1, 2, 3], [2, 3])  # [[1, 2, 3], [1, 2, 3]]"},
    {"cast", "cast(x, dtype, name=None)",
     "Casts a tensor to a new type.",
     "x: a tensor or tensor-like.\n"
     "dtype: the dtype of the result.",
     "pt.cast([1.7, -2.2], pt.int32)  # [ 1, -2]"},
    {"ceil", "ceil(x, name=None)",
     "Return the ceiling of the input, element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.ceil([-1.5, 0.0, 2.5])  # [-1., 0., 3.]"},
    {"clip_by_value", "clip_by_value(t, clip_value_min, clip_value_max, name=None)",
     "Clips tensor values to a specified min and max.",
     "t: a tensor.\n"
     "clip_value_min: the smallest value kept (a scalar or a tensor broadcast against t).\n"
     "clip_value_max: the largest value kept (a scalar or a tensor broadcast against t).",
     "pt.clip_by_value([-2.0, 0.5, 3.0], 0.0, 1.0)  # [0. , 0.5, 1. ]"},
    {"concat", "concat(values, axis, name=None)",
     "Concatenates tensors along one dimension.",
     "values: a list of tensors of the same dtype (and the same shape except along axis).\n"
     "axis: the axis to join along.",
     "pt.concat([[[1, 2]], [[3, 4]]], axis=0)  # [[1, 2], [3, 4]]"},
    {"constant", "constant(value, dtype=None, shape=None)",
     "Creates a constant tensor from a tensor-like object.",
     "value: a number, a (nested) list, a numpy array or a tensor.\n"
     "dtype: the dtype of the result (default: the value's own; Python floats give float32).\n"
     "shape: if given, the value is reshaped to it, or broadcast when it is a single value.",
     "pt.constant([[1, 2], [3, 4]], dtype=pt.float32)  # [[1., 2.], [3., 4.]]"},
    {"conv2d", "conv2d(input, filters, strides, padding, data_format='NHWC', dilations=None, name=None)",
     "Computes a 2-D convolution given `input` and 4-D `filters` tensors.",
     "input: a 4-D float tensor [batch, height, width, in_channels].\n"
     "filters: the kernel, shape [filter_height, filter_width, in_channels, out_channels].\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).\n"
     "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
     "pt.nn.conv2d(pt.ones([1, 4, 4, 1]), pt.ones([3, 3, 1, 2]), strides=1, padding='SAME').shape  # (1, 4, 4, 2)"},
    {"conv2d_backprop_filter", "conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, "
     "data_format='NHWC', dilations=None, name=None)",
     "Computes the gradients of convolution with respect to the filter.",
     "input: the convolution's input, [batch, height, width, in_channels].\n"
     "filter_sizes: the shape of the kernel, [filter_height, filter_width, in_channels, out_channels].\n"
     "out_backprop: the gradient of the convolution's output.\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).\n"
     "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
     "pt.nn.conv2d_backprop_filter(pt.ones([1, 4, 4, 1]), [3, 3, 1, 2], pt.ones([1, 4, 4, 2]), 1, 'SAME').shape"},
    {"conv2d_backprop_input", "conv2d_backprop_input(input_sizes, filters, out_backprop, strides, padding, "
     "data_format='NHWC', dilations=None, name=None)",
     "Computes the gradients of convolution with respect to the input.",
     "input_sizes: the shape of the convolution's input, [batch, height, width, in_channels].\n"
     "filters: the kernel, [filter_height, filter_width, in_channels, out_channels].\n"
     "out_backprop: the gradient of the convolution's output.\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).\n"
     "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
     "pt.nn.conv2d_backprop_input([1, 4, 4, 1], pt.ones([3, 3, 1, 2]), pt.ones([1, 4, 4, 2]), 1, 'SAME').shape"},
    {"conv2d_transpose", "conv2d_transpose(input, filters, output_shape, strides, padding='SAME', "
     "data_format='NHWC', dilations=None, name=None)",
     "The transpose of `conv2d`.",
     "input: a 4-D float tensor [batch, height, width, in_channels of the forward conv's out_channels].\n"
     "filters: the kernel, [height, width, output_channels, in_channels].\n"
     "output_shape: the shape of the result, [batch, height, width, out_channels].\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).\n"
     "dilations: an int or list of ints: the kernel's dilation per spatial dimension (default 1).",
     "pt.nn.conv2d_transpose(pt.ones([1, 2, 2, 3]), pt.ones([3, 3, 1, 3]), [1, 4, 4, 1], strides=2).shape"},
    {"convert_to_tensor", "convert_to_tensor(value, dtype=None, dtype_hint=None)",
     "Converts the given `value` to a `Tensor`.",
     "value: a tensor, number, (nested) list or numpy array.\n"
     "dtype: if given, the value must have (or convert losslessly to) this dtype.\n"
     "dtype_hint: the dtype to use when value has none of its own (a Python list or number).",
     "pt.convert_to_tensor(np.arange(3.0))  # [0., 1., 2.]"},
    {"cos", "cos(x, name=None)",
     "Computes cos of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.cos([0.0, 0.5, 1.0])  # [1. , 0.8776, 0.5403]"},
    {"dilation2d", "dilation2d(input, filters, strides, padding, data_format='NHWC', dilations=None, name=None)",
     "Computes the grayscale dilation of 4-D input and 3-D filters tensors.",
     "input: a 4-D float tensor [batch, height, width, channels].\n"
     "filters: a 3-D tensor [filter_height, filter_width, channels] of input's dtype, added to each window.\n"
     "strides: an int or list of 1, 2 or 4 ints: the window's step (4: [1, h, w, 1]).\n"
     "padding: 'VALID' or 'SAME' (the window's out-of-bounds taps are ignored).\n"
     "data_format: 'NHWC' (channels last, the only layout).\n"
     "dilations: an int or list of 1, 2 or 4 ints: the filter taps' spacing (TF's rates; default 1).",
     "pt.nn.dilation2d(pt.reshape(pt.range(9.0), (1, 3, 3, 1)), pt.zeros((2, 2, 1)), 1, 'VALID')  # [[[[4.], [5.]], [[7.], [8.]]]]",
     "out[b, y, x, c] = max over (dy, dx) of input[b, y * stride + dy * dilation, x * stride + dx * dilation, c] + "
     "filters[dy, dx, c]; the gradient goes to the maximum's input and filter elements (the first in window order)."},
    {"divide", "divide(x, y, name=None)",
     "Computes Python style division of `x` by `y`.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.divide([1.0, 2.0], [3.0, 0.5])  # [0.3333, 4. ]"},
    {"dot_product_attention", "dot_product_attention(query, key, value, bias, mask, name=None)",
     "Computes softmax(query key^T + bias) value per batch item and head: fused scaled dot-product attention.",
     "query: (batch, query length, heads, head_dim), already scaled (e.g. by 1 / sqrt(head_dim)).\n"
     "key: (batch, key length, heads, head_dim).\n"
     "value: (batch, key length, heads, value head_dim).\n"
     "bias: added to the scores (batch, heads, query length, key length), broadcast.\n"
     "mask: bool, broadcast to the scores; True attends, a False score becomes -1e9 (Keras's masking).",
     "pt._core.dot_product_attention(np.ones((1, 2, 1, 2), np.float32), np.ones((1, 3, 1, 2), np.float32), "
     "np.ones((1, 3, 1, 2), np.float32), 0.0, True)  # [[[[1., 1.]], [[1., 1.]]]]",
     "keras.ops.dot_product_attention and the attention layers call it; its gradient is a fused kernel too."},
    {"elu", "elu(features, name=None)",
     "Computes the exponential linear function.",
     "features: a float tensor.",
     "pt.nn.elu([-1.0, 2.0])  # [-0.6321, 2. ]"},
    {"equal", "equal(x, y, name=None)",
     "Returns the truth value of (x == y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.equal([1, 2, 3], 2)  # [False, True, False]"},
    {"erf", "erf(x, name=None)",
     "Computes the Gauss error function of `x` element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.erf([0.0, 0.5, 1.0])  # [0. , 0.5205, 0.8427]"},
    {"exp", "exp(x, name=None)",
     "Computes exponential of x element-wise: `y = e^x`.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.exp([0.0, 0.5, 1.0])  # [1. , 1.6487, 2.7183]"},
    {"expand_dims", "expand_dims(input, axis, name=None)",
     "Returns a tensor with a length 1 axis inserted at index `axis`.",
     "input: a tensor.\n"
     "axis: where the new axis goes (negative counts from the end).",
     "pt.expand_dims([1.0, 2.0], axis=0).shape  # (1, 2)"},
    {"expm1", "expm1(x, name=None)",
     "Computes `exp(x) - 1` element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.expm1([0.0, 0.5, 1.0])  # [0. , 0.6487, 1.7183]"},
    {"eye", "eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None)",
     "Construct an identity matrix, or a batch of matrices.",
     "num_rows: the number of rows.\n"
     "num_columns: the number of columns (default num_rows).\n"
     "batch_shape: leading batch dimensions of the result (default none).\n"
     "dtype: the dtype (default float32).",
     "pt.eye(2, 3)  # [[1., 0., 0.], [0., 1., 0.]]"},
    {"fft", "fft(input, name=None)",
     "Fast Fourier transform over the inner-most dimension of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 1; its leading dims are a batch.",
     "pt.signal.fft(pt.complex(pt.ones([4]), pt.zeros([4])))  # [4, 0, 0, 0]",
     "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch."},
    {"fft2d", "fft2d(input, name=None)",
     "2D fast Fourier transform over the inner-most 2 dimensions of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 2; its leading dims are a batch.",
     "pt.signal.fft2d(pt.complex(pt.ones([2, 4]), pt.zeros([2, 4])))  # 8 at the origin, zeros elsewhere",
     "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch."},
    {"fft3d", "fft3d(input, name=None)",
     "3D fast Fourier transform over the inner-most 3 dimensions of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 3; its leading dims are a batch.",
     "pt.signal.fft3d(pt.complex(pt.ones([2, 2, 4]), pt.zeros([2, 2, 4])))  # 16 at the origin, zeros elsewhere",
     "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch."},
    {"fill", "fill(dims, value, name=None)",
     "Creates a tensor filled with a scalar value.",
     "dims: the shape of the result.\n"
     "value: the scalar every element takes (its dtype is the result's).",
     "pt.fill([2, 2], 7.0)  # [[7., 7.], [7., 7.]]"},
    {"floor", "floor(x, name=None)",
     "Returns element-wise largest integer not greater than x.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.floor([-1.5, 0.0, 2.5])  # [-2., 0., 2.]"},
    {"floordiv", "floordiv(x, y, name=None)",
     "Divides `x / y` elementwise, rounding toward the most negative integer.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.math.floordiv([7, -7], 2)  # [ 3, -4]"},
    {"floormod", "floormod(x, y, name=None)",
     "Returns element-wise remainder of division.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.math.floormod([7, -7], 3)  # [1, 2]"},
    {"gather", "gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None)",
     "Gather slices from params axis `axis` according to indices.",
     "params: the tensor to gather from.\n"
     "indices: an integer tensor of indices.\n"
     "validate_indices: deprecated in TensorFlow; ignored.\n"
     "axis: the axis of params to gather along (default batch_dims).\n"
     "batch_dims: the number of leading batch dimensions shared by params and indices.",
     "pt.gather([10, 20, 30], [2, 0])  # [30, 10]"},
    {"gelu", "gelu(features, approximate=False, name=None)",
     "Compute the Gaussian Error Linear Unit (GELU) activation function.",
     "features: a float tensor.\n"
     "approximate: if True, use the tanh approximation.",
     "pt.nn.gelu([-1.0, 0.0, 1.0])  # [-0.1587, 0. , 0.8413]"},
    {"greater", "greater(x, y, name=None)",
     "Returns the truth value of (x > y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.greater([1, 2, 3], 2)  # [False, False, True]"},
    {"greater_equal", "greater_equal(x, y, name=None)",
     "Returns the truth value of (x >= y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.greater_equal([1, 2, 3], 2)  # [False, True, True]"},
    {"hard_sigmoid", "hard_sigmoid(x, name=None)",
     "Computes Keras 3's hard sigmoid: `relu6(x + 3) / 6`.",
     "x: a float tensor.",
     "pt._core.hard_sigmoid([-4.0, 0.0, 1.5])  # [0. , 0.5 , 0.75]"},
    {"identity", "identity(x, name=None)",
     "Return a Tensor with the same shape and contents as input.",
     "x: a tensor.",
     "pt.identity([-1.5, 0.0, 2.5])  # [-1.5, 0. , 2.5]"},
    {"ifft", "ifft(input, name=None)",
     "Inverse fast Fourier transform over the inner-most dimension of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 1; its leading dims are a batch.",
     "pt.signal.ifft(pt.signal.fft(pt.complex(pt.ones([4]), pt.zeros([4]))))  # the input back",
     "Divides by the product of the transformed lengths, so ifft(fft(x)) is x."},
    {"ifft2d", "ifft2d(input, name=None)",
     "Inverse 2D fast Fourier transform over the inner-most 2 dimensions of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 2; its leading dims are a batch.",
     "pt.signal.ifft2d(pt.signal.fft2d(pt.complex(pt.ones([2, 4]), pt.zeros([2, 4]))))  # the input back",
     "Divides by the product of the transformed lengths, so ifft(fft(x)) is x."},
    {"ifft3d", "ifft3d(input, name=None)",
     "Inverse 3D fast Fourier transform over the inner-most 3 dimensions of `input`.",
     "input: a complex64 or complex128 tensor of rank >= 3; its leading dims are a batch.",
     "pt.signal.ifft3d(pt.signal.fft3d(pt.complex(pt.ones([2, 2, 4]), pt.zeros([2, 2, 4]))))  # the input back",
     "Divides by the product of the transformed lengths, so ifft(fft(x)) is x."},
    {"irfft", "irfft(input_tensor, fft_length=None, name=None)",
     "Inverse real-valued fast Fourier transform over the inner-most dimension of `input_tensor`.",
     "input_tensor: a complex64 or complex128 half spectrum (as rfft returns) of rank >= 1.\nfft_length: 1 int, the output's inner-most size (default: the input's, the last 2 * (n - 1)); the input is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
     "pt.signal.irfft(pt.signal.rfft(pt.ones([4])))  # ones of shape [4]",
     "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do."},
    {"irfft2d", "irfft2d(input_tensor, fft_length=None, name=None)",
     "Inverse 2D real-valued fast Fourier transform over the inner-most 2 dimensions of `input_tensor`.",
     "input_tensor: a complex64 or complex128 half spectrum (as rfft2d returns) of rank >= 2.\nfft_length: 2 ints, the output's inner-most sizes (default: the input's, the last 2 * (n - 1)); the input is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
     "pt.signal.irfft2d(pt.signal.rfft2d(pt.ones([2, 4])))  # ones of shape [2, 4]",
     "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do."},
    {"irfft3d", "irfft3d(input_tensor, fft_length=None, name=None)",
     "Inverse 3D real-valued fast Fourier transform over the inner-most 3 dimensions of `input_tensor`.",
     "input_tensor: a complex64 or complex128 half spectrum (as rfft3d returns) of rank >= 3.\nfft_length: 3 ints, the output's inner-most sizes (default: the input's, the last 2 * (n - 1)); the input is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
     "pt.signal.irfft3d(pt.signal.rfft3d(pt.ones([2, 2, 4])))  # ones of shape [2, 2, 4]",
     "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do."},
    {"is_finite", "is_finite(x, name=None)",
     "Returns which elements of x are finite.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.is_finite([1.0, float('inf')])  # [ True, False]"},
    {"is_nan", "is_nan(x, name=None)",
     "Returns which elements of x are NaN.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.is_nan([1.0, float('nan')])  # [False, True]"},
    {"leaky_relu", "leaky_relu(features, alpha=0.2, name=None)",
     "Compute the Leaky ReLU activation function.",
     "features: a float tensor.\n"
     "alpha: the slope for x < 0.",
     "pt.nn.leaky_relu([-1.0, 2.0], alpha=0.1)  # [-0.1, 2. ]"},
    {"less", "less(x, y, name=None)",
     "Returns the truth value of (x < y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.less([1, 2, 3], 2)  # [ True, False, False]"},
    {"less_equal", "less_equal(x, y, name=None)",
     "Returns the truth value of (x <= y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.less_equal([1, 2, 3], 2)  # [ True, True, False]"},
    {"linspace", "linspace(start, stop, num, name=None, axis=0)",
     "Generates evenly-spaced values in an interval along a given axis.",
     "start: the first value.\n"
     "stop: the last value.\n"
     "num: the number of values (stop included).\n"
     "axis: 0 or -1 (start and stop are scalars; N-d linspace is not supported).",
     "pt.linspace(0.0, 1.0, 5)  # [0. , 0.25, 0.5 , 0.75, 1. ]"},
    {"log", "log(x, name=None)",
     "Computes natural logarithm of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.log([1.0, 4.0, 9.0])  # [0. , 1.3863, 2.1972]"},
    {"log1p", "log1p(x, name=None)",
     "Computes natural logarithm of (1 + x) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.log1p([1.0, 4.0, 9.0])  # [0.6931, 1.6094, 2.3026]"},
    {"log_softmax", "log_softmax(logits, axis=None, name=None)",
     "Computes log softmax activations.",
     "logits: unscaled log-probabilities, a float tensor.\n"
     "axis: the axis to normalise over (default -1, the last).",
     "pt.nn.log_softmax([[1.0, 2.0, 3.0]])  # [[-2.4076, -1.4076, -0.4076]]"},
    {"logical_and", "logical_and(x, y, name=None)",
     "Returns the truth value of x AND y element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.logical_and([True, False], [True, True])  # [ True, False]"},
    {"logical_not", "logical_not(x, name=None)",
     "Returns the truth value of `NOT x` element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.logical_not([True, False])  # [False, True]"},
    {"logical_or", "logical_or(x, y, name=None)",
     "Returns the truth value of x OR y element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.logical_or([True, False], [True, True])  # [ True, True]"},
    {"matmul", "matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, "
     "a_is_sparse=False, b_is_sparse=False, output_type=None, name=None)",
     "Multiplies matrix `a` by matrix `b`, producing `a` * `b`.",
     "a: a tensor of rank >= 2.\n"
     "b: a tensor of rank >= 2 with a's dtype.\n"
     "transpose_a: if True, a is transposed before the product.\n"
     "transpose_b: if True, b is transposed before the product.\n"
     "adjoint_a: for real dtypes the same as transpose_a.\n"
     "adjoint_b: for real dtypes the same as transpose_b.\n"
     "a_is_sparse: a hint TensorFlow accepts; ignored.\n"
     "b_is_sparse: a hint TensorFlow accepts; ignored.\n"
     "output_type: None or a's dtype (the result always has a's dtype; cast it with pt.cast).",
     "pt.matmul([[1.0, 2.0]], [[3.0], [4.0]])  # [[11.]]"},
    {"max_pool2d", "max_pool2d(input, ksize, strides, padding, data_format='NHWC', name=None)",
     "Performs max pooling on 2D spatial data such as images.",
     "input: a 4-D float tensor [batch, height, width, channels].\n"
     "ksize: an int or list of ints: the pooling window's size.\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).",
     "pt.nn.max_pool2d(pt.reshape(pt.range(16.0), (1, 4, 4, 1)), 2, 2, 'VALID')  # [[[[5.], [7.]], [[13.], [15.]]]]",
     "out[b, i, j, c] is the max of input over the window at (i * stride_h, j * stride_w); 'SAME' pads as TF (the\n"
     "extra row / column at the end; padded positions never win). NaN propagates; the gradient goes to the first\n"
     "maximum of each window."},
    {"max_pool_with_argmax", "max_pool_with_argmax(input, ksize, strides, padding, data_format='NHWC', "
     "output_dtype=None, include_batch_in_index=False, name=None)",
     "Performs max pooling on the input and outputs both max values and indices.",
     "input: a 4-D float tensor [batch, height, width, channels].\n"
     "ksize: an int or list of ints: the pooling window's size.\n"
     "strides: an int or list of ints: the window's step per spatial dimension (or per dimension of input).\n"
     "padding: 'VALID' (no padding) or 'SAME' (output size = ceil(input / stride)).\n"
     "data_format: 'NHWC' (channels last, the default).\n"
     "output_dtype: int32 or int64 (default int64) for the argmax indices.\n"
     "include_batch_in_index: if True, the flattened indices include the batch dimension.",
     "pt.nn.max_pool_with_argmax(pt.reshape(pt.range(4.0), (1, 2, 2, 1)), 2, 2, 'VALID')  # argmax [[[[3]]]]",
     "The index of each window's first maximum is (y * width + x) * channels + c, plus\n"
     "b * height * width * channels with include_batch_in_index."},
    {"maximum", "maximum(x, y, name=None)",
     "Returns the max of x and y (i.e. x > y ? x : y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.maximum([1.0, 2.0], [3.0, 0.5])  # [3., 2.]"},
    {"minimum", "minimum(x, y, name=None)",
     "Returns the min of x and y (i.e. x < y ? x : y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.minimum([1.0, 2.0], [3.0, 0.5])  # [1. , 0.5]"},
    {"multiply", "multiply(x, y, name=None)",
     "Returns an element-wise x * y.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.multiply([1.0, 2.0], [3.0, 0.5])  # [3., 1.]"},
    {"negative", "negative(x, name=None)",
     "Computes numerical negative value element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.negative([-1.5, 0.0, 2.5])  # [ 1.5, -0. , -2.5]"},
    {"not_equal", "not_equal(x, y, name=None)",
     "Returns the truth value of (x != y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.not_equal([1, 2, 3], 2)  # [ True, False, True]"},
    {"one_hot", "one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None)",
     "Returns a one-hot tensor.",
     "indices: an integer tensor of indices.\n"
     "depth: the number of classes (the length of the new axis).\n"
     "on_value: the value at the index (default 1).\n"
     "off_value: the value elsewhere (default 0).\n"
     "axis: where the new axis goes (default -1, last).\n"
     "dtype: the result's dtype (default float32, or on_value's).",
     "pt.one_hot([0, 2], depth=3)  # [[1., 0., 0.], [0., 0., 1.]]"},
    {"ones", "ones(shape, dtype=None, name=None)",
     "Creates a tensor with all elements set to one (1).",
     "shape: a list, tuple or 1-D integer tensor of dimensions.\n"
     "dtype: the dtype (default float32).",
     "pt.ones([2, 3])  # [[1., 1., 1.], [1., 1., 1.]]"},
    {"ones_like", "ones_like(input, dtype=None, name=None)",
     "Creates a tensor of all ones that has the same shape as the input.",
     "input: a tensor.\n"
     "dtype: the dtype (default: input's).",
     "pt.ones_like([[1.0, 2.0]])  # [[1., 1.]]"},
    {"pad", "pad(tensor, paddings, mode='CONSTANT', constant_values=0, name=None)",
     "Pads a tensor.",
     "tensor: a tensor.\n"
     "paddings: an integer tensor of shape [rank(tensor), 2]: values added before and after each axis.\n"
     "mode: 'CONSTANT', 'REFLECT' or 'SYMMETRIC'.\n"
     "constant_values: the value padded in 'CONSTANT' mode.",
     "pt.pad([[1, 2]], [[1, 1], [0, 1]])  # [[0, 0, 0], [1, 2, 0], [0, 0, 0]]"},
    {"pow", "pow(x, y, name=None)",
     "Computes the power of one value to another.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: the exponent, broadcast against x.",
     "pt.pow([1.0, 2.0], [3.0, 0.5])  # [1. , 1.4142]"},
    {"range", "range(start, limit=None, delta=1, dtype=None, name=None)",
     "Creates a sequence of numbers.",
     "start: the first value (or the limit, when limit is None).\n"
     "limit: the end of the sequence, exclusive (if None, start is the limit and the sequence starts at 0).\n"
     "delta: the step.\n"
     "dtype: the dtype (default: inferred from the arguments; int32 for Python ints).",
     "pt.range(1, 10, delta=3)  # [1, 4, 7]"},
    {"rank", "rank(input, name=None)",
     "Returns the rank of a tensor.",
     "input: a tensor.",
     "pt.rank(pt.ones([2, 3]))  # 2"},
    {"reciprocal", "reciprocal(x, name=None)",
     "Computes the reciprocal of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.reciprocal([0.5, 1.0, 4.0])  # [2.  , 1.  , 0.25]"},
    {"reduce_all", "reduce_all(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes `tf.math.logical_and` of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_all([[True, False], [True, True]], axis=1)  # [False, True]"},
    {"reduce_any", "reduce_any(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes `tf.math.logical_or` of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_any([[True, False], [True, True]], axis=1)  # [ True, True]"},
    {"reduce_logsumexp", "reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes log(sum(exp(elements across dimensions of a tensor))).",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_logsumexp([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3.1269, 4.1269]"},
    {"reduce_max", "reduce_max(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes `tf.math.maximum` of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_max([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3., 4.]"},
    {"reduce_mean", "reduce_mean(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes the mean of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_mean([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [2., 3.]"},
    {"reduce_min", "reduce_min(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes the `tf.math.minimum` of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_min([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [1., 2.]"},
    {"reduce_prod", "reduce_prod(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes `tf.math.multiply` of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_prod([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [3., 8.]"},
    {"reduce_sum", "reduce_sum(input_tensor, axis=None, keepdims=False, name=None)",
     "Computes the sum of elements across dimensions of a tensor.",
     "input_tensor: the tensor to reduce.\n"
     "axis: the axis or axes to work on (int, list or tuple; negative counts from the end).\n"
     "keepdims: if True, reduced axes stay with length 1.",
     "pt.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=0)  # [4., 6.]"},
    {"relu", "relu(x, name=None)",
     "Computes rectified linear: `max(features, 0)`.",
     "x: a float tensor.",
     "pt.nn.relu([-1.0, 0.5])  # [0. , 0.5]"},
    {"relu6", "relu6(features, name=None)",
     "Computes Rectified Linear 6: `min(max(features, 0), 6)`.",
     "features: a float tensor.",
     "pt.nn.relu6([-1.0, 3.0, 9.0])  # [0., 3., 6.]"},
    {"reshape", "reshape(tensor, shape, name=None)",
     "Reshapes a tensor.",
     "tensor: a tensor.\n"
     "shape: the new shape; one dimension may be -1 (inferred).",
     "pt.reshape(pt.range(6), [2, -1])  # [[0, 1, 2], [3, 4, 5]]"},
    {"rfft", "rfft(input_tensor, fft_length=None, name=None)",
     "Real-valued fast Fourier transform over the inner-most dimension of `input_tensor`.",
     "input_tensor: a float32 or float64 tensor of rank >= 1 (complex64 / complex128 out).\nfft_length: 1 int, the transform length (default: the input's inner-most size); the input is cropped or zero-padded to it.",
     "pt.signal.rfft(pt.ones([4]))  # shape [3], the sum at the origin",
     "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them)."},
    {"rfft2d", "rfft2d(input_tensor, fft_length=None, name=None)",
     "2D real-valued fast Fourier transform over the inner-most 2 dimensions of `input_tensor`.",
     "input_tensor: a float32 or float64 tensor of rank >= 2 (complex64 / complex128 out).\nfft_length: 2 ints, the transform lengths (default: the input's inner-most sizes); the input is cropped or zero-padded to them.",
     "pt.signal.rfft2d(pt.ones([2, 4]))  # shape [2, 3], the sum at the origin",
     "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them)."},
    {"rfft3d", "rfft3d(input_tensor, fft_length=None, name=None)",
     "3D real-valued fast Fourier transform over the inner-most 3 dimensions of `input_tensor`.",
     "input_tensor: a float32 or float64 tensor of rank >= 3 (complex64 / complex128 out).\nfft_length: 3 ints, the transform lengths (default: the input's inner-most sizes); the input is cropped or zero-padded to them.",
     "pt.signal.rfft3d(pt.ones([2, 2, 4]))  # shape [2, 2, 3], the sum at the origin",
     "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them)."},
    {"round", "round(x, name=None)",
     "Rounds the values of a tensor to the nearest integer, element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.round([-1.5, 0.0, 2.5])  # [-2., 0., 2.]"},
    {"rsqrt", "rsqrt(x, name=None)",
     "Computes reciprocal of square root of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.rsqrt([1.0, 4.0, 9.0])  # [1. , 0.5 , 0.3333]"},
    {"scatter_nd", "scatter_nd(indices, updates, shape, name=None)",
     "Scatters `updates` into a tensor of shape `shape` according to `indices`.",
     "indices: an integer tensor; its last axis indexes into shape.\n"
     "updates: the values to scatter, shape indices.shape[:-1] + shape[indices.shape[-1]:].\n"
     "shape: the shape of the result.",
     "pt.scatter_nd([[1], [3]], [9.0, 7.0], [5])  # [0., 9., 0., 7., 0.]"},
    {"selu", "selu(features, name=None)",
     "Computes scaled exponential linear: `scale * alpha * (exp(features) - 1)` if < 0, `scale * features` otherwise.",
     "features: a float tensor.",
     "pt.nn.selu([-1.0, 2.0])  # [-1.1113, 2.1014]"},
    {"shape", "shape(input, out_type=None, name=None)",
     "Returns a tensor containing the shape of the input tensor.",
     "input: a tensor.\n"
     "out_type: int32 (default) or int64.",
     "pt.shape(pt.ones([2, 3]))  # [2, 3]"},
    {"shape_n", "shape_n(input, out_type=None, name=None)",
     "Returns shape of a list of tensors.",
     "input: a list of tensors.\n"
     "out_type: int32 (default) or int64.",
     "pt.shape_n([pt.ones([2]), pt.ones([3, 4])])  # [[2], [3, 4]]"},
    {"sigmoid", "sigmoid(x, name=None)",
     "Computes sigmoid of `x` element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.sigmoid([0.0, 0.5, 1.0])  # [0.5 , 0.6225, 0.7311]"},
    {"sign", "sign(x, name=None)",
     "Returns an element-wise indication of the sign of a number.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.sign([-1.5, 0.0, 2.5])  # [-1., 0., 1.]"},
    {"silu", "silu(features, beta=1.0, name=None)",
     "Computes the SiLU or Swish activation function: `x * sigmoid(beta * x)`.",
     "features: a float tensor.\n"
     "beta: the sigmoid's scale.",
     "pt.nn.silu([-1.0, 0.0, 1.0])  # [-0.2689, 0. , 0.7311]"},
    {"sin", "sin(x, name=None)",
     "Computes sine of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.sin([0.0, 0.5, 1.0])  # [0. , 0.4794, 0.8415]"},
    {"size", "size(input, out_type=None, name=None)",
     "Returns the size of a tensor.",
     "input: a tensor.\n"
     "out_type: int32 (default) or int64.",
     "pt.size(pt.ones([2, 3]))  # 6"},
    {"softmax", "softmax(logits, axis=None, name=None)",
     "Computes softmax activations.",
     "logits: unscaled log-probabilities, a float tensor.\n"
     "axis: the axis to normalise over (default -1, the last).",
     "pt.nn.softmax([[1.0, 2.0, 3.0]])  # [[0.09 , 0.2447, 0.6652]]"},
    {"softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None)",
     "Computes softmax cross entropy between `logits` and `labels`.",
     "labels: a probability distribution per row (e.g. one-hot), logits' shape.\n"
     "logits: unscaled log-probabilities, a float tensor.\n"
     "axis: the class axis (default -1).",
     "pt.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[2.0, 1.0]])  # [1.3133]"},
    {"softplus", "softplus(features, name=None)",
     "Computes elementwise softplus: `softplus(x) = log(exp(x) + 1)`.",
     "features: a float tensor.",
     "pt.nn.softplus([-1.0, 0.0, 1.0])  # [0.3133, 0.6931, 1.3133]"},
    {"softsign", "softsign(features, name=None)",
     "Computes softsign: `features / (abs(features) + 1)`.",
     "features: a float tensor.",
     "pt.nn.softsign([-1.0, 3.0])  # [-0.5 , 0.75]"},
    {"sparse_softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits(labels, logits, name=None)",
     "Computes sparse softmax cross entropy between `logits` and `labels`.",
     "labels: integer class indices, logits' shape without the last axis.\n"
     "logits: unscaled log-probabilities, shape labels.shape + [num_classes].",
     "pt.nn.sparse_softmax_cross_entropy_with_logits([1], [[2.0, 1.0]])  # [1.3133]"},
    {"split", "split(value, num_or_size_splits, axis=0, num=None, name=None)",
     "Splits a tensor `value` into a list of sub tensors.",
     "value: the tensor to split.\n"
     "num_or_size_splits: the number of equal parts, or a list with the size of each part.\n"
     "axis: the axis to split along.\n"
     "num: the number of outputs when num_or_size_splits cannot tell it.",
     "pt.split(pt.range(6), 3)  # [[0, 1], [2, 3], [4, 5]]"},
    {"sqrt", "sqrt(x, name=None)",
     "Computes element-wise square root of the input tensor.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.sqrt([1.0, 4.0, 9.0])  # [1., 2., 3.]"},
    {"square", "square(x, name=None)",
     "Computes square of x element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.square([-1.5, 0.0, 2.5])  # [2.25, 0. , 6.25]"},
    {"squared_difference", "squared_difference(x, y, name=None)",
     "Returns (x - y)(x - y) element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.squared_difference([1.0, 2.0], [3.0, 0.5])  # [4. , 2.25]"},
    {"xlogy", "xlogy(x, y, name=None)",
     "Returns 0 if x == 0, and x * log(y) otherwise, element-wise.",
     "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.math.xlogy([0.0, 2.0], [0.0, 3.0])  # [0.       , 2.1972246]"},
    {"squeeze", "squeeze(input, axis=None, name=None)",
     "Removes dimensions of size 1 from the shape of a tensor.",
     "input: a tensor.\n"
     "axis: the axes to remove (default: every axis of length 1).",
     "pt.squeeze(pt.ones([1, 3, 1])).shape  # (3,)"},
    {"stack", "stack(values, axis=0, name=None)",
     "Stacks a list of rank-`R` tensors into one rank-`(R+1)` tensor.",
     "values: a list of tensors of the same dtype (and the same shape except along axis).\n"
     "axis: where the new axis goes.",
     "pt.stack([[1, 2], [3, 4]], axis=1)  # [[1, 3], [2, 4]]"},
    {"stop_gradient", "stop_gradient(x, name=None)",
     "Stops gradient computation: the value of x, treated as a constant by GradientTape.",
     "x: a tensor.",
     "pt.stop_gradient([1.0, 2.0])  # [1., 2.]"},
    {"subtract", "subtract(x, y, name=None)",
     "Returns x - y element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
     "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
     "pt.subtract([1.0, 2.0], [3.0, 0.5])  # [-2. , 1.5]"},
    {"tanh", "tanh(x, name=None)",
     "Computes hyperbolic tangent of `x` element-wise.",
     "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).",
     "pt.math.tanh([0.0, 0.5, 1.0])  # [0. , 0.4621, 0.7616]"},
    {"tile", "tile(input, multiples, name=None)",
     "Constructs a tensor by tiling a given tensor.",
     "input: a tensor.\n"
     "multiples: a list of ints: how many times to repeat along each axis.",
     "pt.tile([[1, 2]], [2, 2])  # [[1, 2, 1, 2], [1, 2, 1, 2]]"},
    {"transpose", "transpose(a, perm=None, conjugate=False, name=None)",
     "Transposes `a`, where `a` is a Tensor.",
     "a: a tensor.\n"
     "perm: the permutation of the axes (default: reversed).\n"
     "conjugate: ignored for real dtypes (TF conjugates complex tensors).",
     "pt.transpose([[1, 2, 3], [4, 5, 6]])  # [[1, 4], [2, 5], [3, 6]]"},
    {"unsorted_segment_sum", "unsorted_segment_sum(data, segment_ids, num_segments, name=None)",
     "Computes the sum along segments of a tensor.",
     "data: the tensor to sum.\n"
     "segment_ids: an integer tensor of segment ids, a prefix of data's shape.\n"
     "num_segments: the number of segments.",
     "pt.math.unsorted_segment_sum([1.0, 2.0, 3.0], [0, 1, 0], num_segments=2)  # [4., 2.]"},
    {"unstack", "unstack(value, num=None, axis=0, name=None)",
     "Unpacks the given dimension of a rank-`R` tensor into rank-`(R-1)` tensors.",
     "value: a tensor of rank >= 1.\n"
     "num: the length of that axis (checked if given).\n"
     "axis: the axis to unpack along.",
     "pt.unstack([[1, 2], [3, 4]], axis=1)  # [[1, 3], [2, 4]]"},
    {"where", "where(condition, x=None, y=None, name=None)",
     "Returns the indices of non-zero elements, or multiplexes `x` and `y`.",
     "condition: a bool tensor.\n"
     "x: the values where condition is True (omit both x and y to get the indices of True).\n"
     "y: the values where condition is False.",
     "pt.where([True, False], [1.0, 2.0], [10.0, 20.0])  # [ 1., 20.]"},
    {"zeros", "zeros(shape, dtype=None, name=None)",
     "Creates a tensor with all elements set to zero.",
     "shape: a list, tuple or 1-D integer tensor of dimensions.\n"
     "dtype: the dtype (default float32).",
     "pt.zeros([2, 3], dtype=pt.int32)  # [[0, 0, 0], [0, 0, 0]]"},
    {"zeros_like", "zeros_like(input, dtype=None, name=None)",
     "Creates a tensor with all elements set to zero.",
     "input: a tensor.\n"
     "dtype: the dtype (default: input's).",
     "pt.zeros_like([[1, 2], [3, 4]])  # [[0, 0], [0, 0]]"},    {"bessel_i0", "bessel_i0(x, name=None)",
     "Computes the Bessel i0 function of `x` element-wise (modified Bessel function of the first kind, order 0).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_i0([0.5, 2.0])  # [1.0635, 2.2796]"},
    {"bessel_i0e", "bessel_i0e(x, name=None)",
     "Computes the Bessel i0e function of `x` element-wise (exponentially scaled: exp(-|x|) i0(x)).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_i0e([0.5, 2.0])  # [0.6450, 0.3085]"},
    {"bessel_i1", "bessel_i1(x, name=None)",
     "Computes the Bessel i1 function of `x` element-wise (modified Bessel function of the first kind, order 1).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_i1([0.5, 2.0])  # [0.2579, 1.5906]"},
    {"bessel_i1e", "bessel_i1e(x, name=None)",
     "Computes the Bessel i1e function of `x` element-wise (exponentially scaled: exp(-|x|) i1(x)).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_i1e([0.5, 2.0])  # [0.1564, 0.2153]"},
    {"bessel_j0", "bessel_j0(x, name=None)",
     "Computes the Bessel j0 function of `x` element-wise (Bessel function of the first kind, order 0).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_j0([0.5, 2.0])  # [0.9385, 0.2239]"},
    {"bessel_j1", "bessel_j1(x, name=None)",
     "Computes the Bessel j1 function of `x` element-wise (Bessel function of the first kind, order 1).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_j1([0.5, 2.0])  # [0.2423, 0.5767]"},
    {"bessel_k0", "bessel_k0(x, name=None)",
     "Computes the Bessel k0 function of `x` element-wise (modified Bessel function of the second kind, order 0).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_k0([0.5, 2.0])  # [0.9244, 0.1139]"},
    {"bessel_k0e", "bessel_k0e(x, name=None)",
     "Computes the Bessel k0e function of `x` element-wise (exponentially scaled: exp(x) k0(x)).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_k0e([0.5, 2.0])  # [1.5241, 0.8416]"},
    {"bessel_k1", "bessel_k1(x, name=None)",
     "Computes the Bessel k1 function of `x` element-wise (modified Bessel function of the second kind, order 1).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_k1([0.5, 2.0])  # [1.6564, 0.1399]"},
    {"bessel_k1e", "bessel_k1e(x, name=None)",
     "Computes the Bessel k1e function of `x` element-wise (exponentially scaled: exp(x) k1(x)).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_k1e([0.5, 2.0])  # [2.7310, 1.0335]"},
    {"bessel_y0", "bessel_y0(x, name=None)",
     "Computes the Bessel y0 function of `x` element-wise (Bessel function of the second kind, order 0).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_y0([0.5, 2.0])  # [-0.4445, 0.5104]"},
    {"bessel_y1", "bessel_y1(x, name=None)",
     "Computes the Bessel y1 function of `x` element-wise (Bessel function of the second kind, order 1).",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.bessel_y1([0.5, 2.0])  # [-1.4715, -0.1070]"},
    {"dawsn", "dawsn(x, name=None)",
     "Computes Dawson's integral of `x` element-wise: exp(-x^2) times the integral of exp(t^2) from 0 to x.",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.dawsn([0.5, 2.0])  # [0.4244, 0.3013]"},
    {"expint", "expint(x, name=None)",
     "Computes the Exponential integral Ei of `x` element-wise.",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.expint([0.5, 2.0])  # [0.4542, 4.9542]"},
    {"fresnel_cos", "fresnel_cos(x, name=None)",
     "Computes Fresnel's cosine integral of `x` element-wise: the integral of cos(pi t^2 / 2) from 0 to x.",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.fresnel_cos([0.5, 2.0])  # [0.4923, 0.4883]"},
    {"fresnel_sin", "fresnel_sin(x, name=None)",
     "Computes Fresnel's sine integral of `x` element-wise: the integral of sin(pi t^2 / 2) from 0 to x.",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.fresnel_sin([0.5, 2.0])  # [0.0647, 0.3434]"},
    {"spence", "spence(x, name=None)",
     "Computes Spence's integral of `x` element-wise: the integral of log(t) / (1 - t) from 1 to x.",
     "x: a float tensor (float32 or float64) or anything convert_to_tensor accepts.",
     "pt.math.special.spence([0.5, 2.0])  # [0.5822, -0.8225]"},
};

/** A registry op the Python layer calls that TF does not name: its signature line and docstring. */
struct InternalOpDoc {
  const char* name;
  const char* signature;
  const char* doc;
};

inline constexpr InternalOpDoc kInternalOpDocs[] = {
    {"relu_grad", "relu_grad(gradients, features, name=None)", "gradients where features > 0, else 0."},
    {"bias_add_relu", "bias_add_relu(value, bias, name=None)", "relu(value + bias) in one pass (bias: 1-D)."},
    {"fused_elementwise",
     "fused_elementwise(inputs, program, name=None)",
     "The element-wise ``program`` over ``inputs`` in one pass, with no intermediate tensor (the graph pass "
     "elementwise_fusion makes it): a list of steps ``(op name, a, b)`` on values a and b, the inputs first, then "
     "each earlier step's result (b = -1 for a unary op); returns the last step's value, bitwise what the steps "
     "give one by one. Inputs: float32 or float64, each of the output's shape or a single element."},
    {"dropout", "dropout(x, rate, noise_shape=None, seed=None, name=None)",
     "x / (1 - rate) where a uniform draw >= rate, else 0 (tf.nn.dropout wraps it)."},
    {"categorical", "categorical(logits, num_samples, dtype=None, seed=None, name=None)",
     "Class indices drawn from softmax(logits), logits of shape (batch, classes); int64 unless "
     "dtype is given."},
    {"random_shuffle", "random_shuffle(value, seed=None, name=None)",
     "A random permutation of `value` along its first dimension (tf.random.shuffle)."},
    {"philox_state_from_seed", "philox_state_from_seed(seed, name=None)",
     "TF's StatelessRandomGetKeyCounter: the Philox state [counter_lo, counter_hi, key] (int64, shape [3]) of a "
     "stateless op's shape [2] integer seed."},
    {"philox_skip", "philox_skip(state, delta, name=None)",
     "The Philox state [counter_lo, counter_hi, key] with its 128-bit counter advanced by ``delta`` blocks (a "
     "Generator's draw of n values advances it by 256 * n)."},
    {"philox_uniform", "philox_uniform(state, shape, dtype=None, name=None)",
     "TF's uniform float32 / float64 samples in [0, 1) from the Philox stream of ``state`` ([counter_lo, "
     "counter_hi, key], int64), bit for bit (tf.random.stateless_uniform's kernel)."},
    {"philox_uniform_full_int", "philox_uniform_full_int(state, shape, dtype=None, name=None)",
     "TF's integers over the whole range of int32, int64, uint32 or uint64 from the Philox stream of ``state``."},
    {"philox_uniform_int", "philox_uniform_int(state, shape, dtype=None, minval=0, maxval=0, name=None)",
     "TF's int32 / int64 samples in [minval, maxval) from the Philox stream of ``state`` (a full-range draw modulo "
     "the range, as TF's kernel)."},
    {"philox_normal", "philox_normal(state, shape, dtype=None, name=None)",
     "TF's standard normal float32 / float64 samples (Box-Muller) from the Philox stream of ``state``."},
    {"philox_truncated_normal", "philox_truncated_normal(state, shape, dtype=None, name=None)",
     "TF's standard normal samples within (-2, 2) from the Philox stream of ``state`` (each group of outputs "
     "rejects from its own stretch of the stream, 64 blocks per output, as TF's kernel)."},
    {"philox_shuffle_order", "philox_shuffle_order(state, shape, dtype='int64', name=None)",
     "The int64 order in which TF's stateless shuffle puts shape = [n] rows, from the Philox stream of ``state``: "
     "Fisher-Yates from the front, position i swapped with i + (the stream's next 32-bit word modulo n - i)."},
    {"philox_gamma", "philox_gamma(state, alpha, shape, dtype=None, name=None)",
     "TF's Gamma(alpha, 1) samples (StatelessRandomGammaV3) of ``shape``, which ends with alpha's shape, from the "
     "Philox stream of ``state``: output i (alpha-major) from block 256 * i on, Marsaglia and Tsang's method in "
     "float64, stored sample-major; alpha's dtype (float32 / float64) is the output's."},
    {"philox_poisson", "philox_poisson(state, rate, shape, dtype=None, name=None)",
     "TF's Poisson(rate) samples (StatelessRandomPoisson) of ``shape``, which ends with rate's shape, from the "
     "Philox stream of ``state``: Knuth's method below rate 10, Hormann's PTRS above; int32, int64, float32 or "
     "float64 output."},
    {"philox_binomial", "philox_binomial(state, counts, probs, shape, dtype=None, name=None)",
     "TF's Binomial(counts, probs) samples (StatelessRandomBinomial) of ``shape``, which ends with the broadcast "
     "shape of counts and probs (one float dtype), from the Philox stream of ``state``: inversion below "
     "count * p = 10, BTRS above; int32, int64, float32 or float64 output."},
    {"philox_parameterized_truncated_normal",
     "philox_parameterized_truncated_normal(state, means, stddevs, minvals, maxvals, shape, dtype=None, name=None)",
     "TF's samples of Normal(means, stddevs) within [minvals, maxvals] (StatelessParameterizedTruncatedNormal, as "
     "TF draws them on one thread) of ``shape``, which ends with the parameters' broadcast shape, from the Philox "
     "stream of ``state``; the parameters' dtype (float32 / float64) is the output's."},
    {"philox_categorical", "philox_categorical(state, logits, num_samples, dtype=None, name=None)",
     "TF's class indices (StatelessMultinomial, as drawn on one thread) for each row of the 2-D float ``logits``, "
     "``num_samples`` a row, from the Philox stream of ``state``; int64 unless dtype is int32."},
    {"apply_sgd",
     "apply_sgd(var, grad, momentum_slot=None, learning_rate=0.01, momentum=0.0, nesterov=False, "
     "weight_decay=0.0, indices=None, name=None)",
     "Keras SGD's update of Variable ``var`` by ``grad``, in place (with ``momentum_slot``: momentum, Nesterov's "
     "when ``nesterov``). With ``indices``, ``grad`` holds rows ``indices`` of the gradient (a ``tf.IndexedSlices``: "
     "``grad[i]`` for row ``indices[i]``), applied as Keras 3 on TensorFlow applies one: duplicate rows summed, their "
     "squares summed where a second moment squares the gradient; so for every apply_* update."},
    {"apply_rmsprop",
     "apply_rmsprop(var, grad, velocity, average_grad=None, momentum_slot=None, learning_rate=0.001, rho=0.9, "
     "momentum=0.0, epsilon=1e-07, weight_decay=0.0, indices=None, name=None)",
     "Keras RMSprop's update of Variable ``var`` and its slots, in place (``average_grad``: centered)."},
    {"apply_adam",
     "apply_adam(var, grad, m, v, v_hat=None, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, "
     "step=1, weight_decay=0.0, indices=None, name=None)",
     "Keras Adam's update of Variable ``var`` and its moments at ``step`` (1-based), in place (``v_hat``: "
     "AMSGrad)."},
    {"apply_adagrad",
     "apply_adagrad(var, grad, accumulator, learning_rate=0.001, epsilon=1e-07, weight_decay=0.0, indices=None, "
     "name=None)",
     "Keras Adagrad's update of Variable ``var`` and its accumulator, in place."},
    {"apply_adadelta",
     "apply_adadelta(var, grad, accumulated_grad, accumulated_delta_var, learning_rate=0.001, rho=0.95, "
     "epsilon=1e-07, weight_decay=0.0, indices=None, name=None)",
     "Keras Adadelta's update of Variable ``var`` and its accumulators, in place."},
    {"apply_nadam",
     "apply_nadam(var, grad, m, v, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, step=1, "
     "u_product=0.468, weight_decay=0.0, indices=None, name=None)",
     "Keras Nadam's update of Variable ``var`` and its moments, in place (``u_product``: the momentum "
     "schedule's running product, 0.9 * (1 - 0.5 * 0.96) at step 1)."},
    {"conv2d_max_pool",
     "conv2d_max_pool(input, filters, strides, padding, dilations, ksize, pool_strides, pool_padding)",
     R"doc(max_pool2d(conv2d(input, filters, strides, padding, dilations=dilations), ksize, pool_strides,
pool_padding) in one op (NHWC, HWIO), as Keras's Conv2D -> MaxPooling2D uses it.

For few input channels the convolution's output lines are pooled while in cache and never stored; outputs that
VALID pooling drops (the last of 11 under 2x2) are not computed. The values and gradients are those of the two ops.

Example:
  >>> x = tf.random.normal((8, 28, 28, 1)); w = tf.random.normal((3, 3, 1, 32))
  >>> tf._core.conv2d_max_pool(x, w, 1, "VALID", 1, 2, 2, "VALID").shape  # (8, 13, 13, 32)
)doc"},
    {"conv2d_max_pool_backprop_filter",
     "conv2d_max_pool_backprop_filter(input, filter_sizes, out_backprop, argmax, strides, padding, dilations, "
     "ksize, pool_strides, pool_padding)",
     R"doc(conv2d_max_pool's filter gradient: conv2d_backprop_filter(input, filter_sizes, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it: (y * W + x) * C + c
within each image of the convolution's output). For few input channels g is built a block of lines at a time (with
overlapping windows an index outside its window raises InvalidArgumentError); otherwise, when the pooling keeps a
quarter or less of the outputs, each pooled element's patch is taken at its argmax and g is never built. Elsewhere
an index outside its window contributes nothing, as in max_pool2d's gradient.
)doc"},
    {"conv2d_max_pool_backprop_input",
     "conv2d_max_pool_backprop_input(input_sizes, filters, out_backprop, argmax, strides, padding, dilations, "
     "ksize, pool_strides, pool_padding)",
     R"doc(conv2d_max_pool's input gradient: conv2d_backprop_input(input_sizes, filters, g) where g is
max_pool2d's gradient of ``out_backprop`` at ``argmax`` (int32, as conv2d_max_pool records it). When the pooling
keeps a quarter or less of the convolution's outputs (2x2 windows, stride 2), each pooled element's filter column
is added at its argmax's patch and g is never built; an index outside its window contributes nothing, as in
max_pool2d's gradient.
)doc"},
    {"lstm",
     "lstm(inputs, initial_h, initial_c, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, "
     "activation='tanh', recurrent_activation='sigmoid')",
     R"doc(Keras's LSTM over a whole (batch, timesteps, features) sequence in one op.

kernel (features, 4 * units), recurrent_kernel (units, 4 * units) and bias (4 * units,) in Keras's gate order
i, f, c, o; ``mask`` (batch, timesteps) bool: a masked step keeps the states. Returns ``(sequence, h, c)``:
the state h after each step in loop order (reversed with ``go_backwards``), and the final states.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h, c = tf._core.lstm(x, h, h, tf.ones((3, 16)), tf.ones((4, 16)), tf.zeros((16,)))
)doc"},
    {"gru",
     "gru(inputs, initial_h, kernel, recurrent_kernel, bias, reset_after=True, mask=None, go_backwards=False, "
     "activation='tanh', recurrent_activation='sigmoid')",
     R"doc(Keras's GRU over a whole (batch, timesteps, features) sequence in one op.

Gate order z, r, h; bias (3 * units,), or (2, 3 * units) (input bias, recurrent bias) with ``reset_after``.
Returns ``(sequence, h)``; mask and go_backwards as for ``lstm``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.gru(x, h, tf.ones((3, 12)), tf.ones((4, 12)), tf.zeros((2, 12)))
)doc"},
    {"simple_rnn",
     "simple_rnn(inputs, initial_h, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, "
     "activation='tanh')",
     R"doc(Keras's SimpleRNN over a whole (batch, timesteps, features) sequence in one op:
h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias). Returns ``(sequence, h)``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.simple_rnn(x, h, tf.ones((3, 4)), tf.eye(4), tf.zeros((4,)))
)doc"},
};

/** The row of internal op `name`, or null. */
inline const InternalOpDoc* internal_op_doc(std::string_view name) {
  for (const InternalOpDoc& d : kInternalOpDocs)
    if (name == d.name) return &d;
  return nullptr;
}

}  // namespace pt
