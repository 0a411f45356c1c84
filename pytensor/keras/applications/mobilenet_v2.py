"""``keras.applications.MobileNetV2``, with Keras's layer names."""
import warnings

from .. import layers
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of the 17 inverted residual blocks.
_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6)]


def _make_divisible(value, divisor=8):
    """``value`` rounded to a multiple of ``divisor``, not below 90% of it (the MobileNet channel rule)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _correct_pad(size, kernel_size=3):
    """The zero padding before a stride-2 'valid' convolution that matches TF's 'same' for ``size``."""
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = kernel_size // 2
    return ((half - adjust[0], half), (half - adjust[1], half))


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1, ReLU6; not in block 0), 3x3 depthwise (ReLU6), project (1x1, linear), plus the input when
    the shapes agree."""
    in_channels = inputs.shape[-1]
    pointwise_filters = _make_divisible(int(filters * alpha))
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x.shape[1:3]), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 (Sandler et al. 2018) as Keras builds it.

    Example:
        >>> keras.applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3)).count_params()
        1691208

    Args:
        input_shape: ``(height, width, 3)``, at least 32 x 32; ImageNet weights exist for square 96, 128, 160,
            192 and 224 inputs (other shapes load the 224 weights, with a warning, as Keras).
        alpha: the width multiplier (ImageNet weights: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4).
        include_top, weights, input_tensor, pooling, classes, classifier_activation: as ``ResNet50``.
        name: default ``mobilenetv2_<alpha>_<rows>``.
    """
    what = "MobileNetV2"
    imagenet_utils.check_weights(weights, include_top, classes, what)
    rows = cols = None
    if input_shape is not None:
        rows, cols = input_shape[0], input_shape[1]
    elif input_tensor is not None:
        rows, cols = input_tensor.shape[1], input_tensor.shape[2]
    default_size = rows if rows == cols and rows in _SIZES else 224
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size, 32, include_top, weights, what)
    rows, cols = input_shape[0], input_shape[1]
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError(f"{what}: ImageNet weights exist for alpha 0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 only; "
                             f"received alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. "
                          "Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)
    file_name = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                 f"{'' if include_top else '_no_top'}.h5")
    weights_path = imagenet_utils.weights_file(weights, file_name, _WEIGHTS_URL + file_name, what)
    inputs = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.Conv2D(_make_divisible(32 * alpha), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(inputs)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
                                block_id=block_id)
    last_filters = _make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = imagenet_utils.top_or_pooling(x, include_top, pooling, classes, classifier_activation, weights, what)
    return imagenet_utils.build_model(inputs, x, name or f"mobilenetv2_{alpha:0.2f}_{rows}", weights_path)


def preprocess_input(x, data_format=None):
    """MobileNetV2's input scaling: 0..255 to -1..1 (``imagenet_utils`` "tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
