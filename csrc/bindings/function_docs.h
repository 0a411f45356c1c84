#pragma once
/**
 * The docstrings of the functions pytensor._core exports under TF's names that are not one registry op (a registry
 * op's docstring is defined beside it in its family file: ops/define_op.h): conversions, shape queries and the
 * functions a family binding composes from several ops. Each row holds TF's signature (the docstring's first line),
 * TF's one-line summary, the arguments, one example call and optional notes; bindings/docs.h formats them.
 * tests/test_docstrings.py requires a docstring for every public callable and runs every example.
 */

#include "../ops/op_list.h"

namespace pt::bind {

inline constexpr OpDoc kFunctionDocs[] = {
    {"constant", "constant(value, dtype=None, shape=None)",
     "Creates a constant tensor from a tensor-like object.",
     "value: a number, a (nested) list, a numpy array or a tensor.\n"
     "dtype: the dtype of the result (default: the value's own; Python floats give float32).\n"
     "shape: if given, the value is reshaped to it, or broadcast when it is a single value.",
     "pt.constant([[1, 2], [3, 4]], dtype=pt.float32)  # [[1., 2.], [3., 4.]]"},
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
    {"rank", "rank(input, name=None)",
     "Returns the rank of a tensor.",
     "input: a tensor.",
     "pt.rank(pt.ones([2, 3]))  # 2"},
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
    {"size", "size(input, out_type=None, name=None)",
     "Returns the size of a tensor.",
     "input: a tensor.\n"
     "out_type: int32 (default) or int64.",
     "pt.size(pt.ones([2, 3]))  # 6"},
};

}  // namespace pt::bind
