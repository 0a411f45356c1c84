"""``keras.applications.EfficientNetB0`` ... ``EfficientNetB7`` (Tan & Le 2019), with Keras's layer names."""
import math

from .. import initializers, layers
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401
from .mobilenet_v2 import _correct_pad, _make_divisible

__all__ = [f"EfficientNetB{i}" for i in range(8)] + ["preprocess_input", "decode_predictions"]

_WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"
# (kernel size, repeats, filters in, filters out, expansion, stride, squeeze-excite ratio) of the seven stages.
_STAGES = [(3, 1, 32, 16, 1, 1, 0.25), (3, 2, 16, 24, 6, 2, 0.25), (5, 2, 24, 40, 6, 2, 0.25),
           (3, 3, 40, 80, 6, 2, 0.25), (5, 3, 80, 112, 6, 1, 0.25), (5, 4, 112, 192, 6, 2, 0.25),
           (3, 1, 192, 320, 6, 1, 0.25)]
# (width coefficient, depth coefficient, default input size, dropout before the classifier) of B0 ... B7.
_SCALES = [(1.0, 1.0, 224, 0.2), (1.0, 1.1, 240, 0.2), (1.1, 1.2, 260, 0.3), (1.2, 1.4, 300, 0.3),
           (1.4, 1.8, 380, 0.4), (1.6, 2.2, 456, 0.4), (1.8, 2.6, 528, 0.5), (2.0, 3.1, 600, 0.5)]
# ImageNet's per-channel standard deviations: Keras divides by them once more after its Normalization layer
# when it loads the ImageNet weights (the original model divided by the variance).
_IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]


def _conv_init():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def _mbconv(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size, strides, expansion, se_ratio):
    """Mobile inverted bottleneck: expand (1x1), depthwise, squeeze-and-excite, project (1x1), and the input added
    back (after drop-connect) when the shapes agree."""
    filters = filters_in * expansion
    x = inputs
    if expansion != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=_conv_init(),
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=-1, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x.shape[1:3], kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, depthwise_initializer=_conv_init(), name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=-1, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
        se = layers.Reshape((1, 1, filters), name=f"{name}se_reshape")(se)
        se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same", activation=activation,
                           kernel_initializer=_conv_init(), name=f"{name}se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=_conv_init(),
                           name=f"{name}se_expand")(se)
        x = layers.multiply([x, se], name=f"{name}se_excite")
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=_conv_init(),
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=-1, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def _efficientnet(variant, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                  name, drop_connect_rate=0.2, activation="swish"):
    width, depth, default_size, dropout_rate = _SCALES[variant]
    what = f"EfficientNetB{variant}"
    imagenet_utils.check_weights(weights, include_top, classes, what)
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size, 32, include_top, weights, what)
    file_name = f"efficientnetb{variant}{'' if include_top else '_notop'}.h5"
    weights_path = imagenet_utils.weights_file(weights, file_name, _WEIGHTS_URL + file_name, what)

    def filters(count):
        return _make_divisible(count * width)

    def repeats(count):
        return int(math.ceil(depth * count))

    inputs = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.Rescaling(1.0 / 255.0)(inputs)
    x = layers.Normalization(axis=-1)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in _IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=_correct_pad(x.shape[1:3], 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(filters(32), 3, strides=2, padding="valid", use_bias=False, kernel_initializer=_conv_init(),
                      name="stem_conv")(x)
    x = layers.BatchNormalization(axis=-1, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total, done = float(sum(repeats(stage[1]) for stage in _STAGES)), 0
    for stage, (kernel_size, count, filters_in, filters_out, expansion, strides, se_ratio) in enumerate(_STAGES):
        filters_in, filters_out = filters(filters_in), filters(filters_out)
        for j in range(repeats(count)):
            x = _mbconv(x, activation, drop_connect_rate * done / total, f"block{stage + 1}{chr(j + 97)}_",
                        filters_in if j == 0 else filters_out, filters_out, kernel_size, strides if j == 0 else 1,
                        expansion, se_ratio)
            done += 1
    x = layers.Conv2D(filters(1280), 1, padding="same", use_bias=False, kernel_initializer=_conv_init(),
                      name="top_conv")(x)
    x = layers.BatchNormalization(axis=-1, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.check_classifier_activation(classifier_activation, weights, what)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions",
                         kernel_initializer=initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out",
                                                                         distribution="uniform"))(x)
    else:
        x = imagenet_utils.top_or_pooling(x, False, pooling, classes, classifier_activation, weights, what,
                                          pool_names=("avg_pool", "max_pool"))
    return imagenet_utils.build_model(inputs, x, name or f"efficientnetb{variant}", weights_path)


def _variant(variant):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name=None):
        return _efficientnet(variant, include_top, weights, input_tensor, input_shape, pooling, classes,
                             classifier_activation, name)
    build.__name__ = build.__qualname__ = f"EfficientNetB{variant}"
    width, depth, size, dropout = _SCALES[variant]
    build.__doc__ = (f"EfficientNet-B{variant} as Keras builds it: width x{width}, depth x{depth}, {size} x {size} "
                     f"inputs by default, dropout {dropout} before the classifier. Its inputs are 0..255 images "
                     f"(the model rescales and normalises them itself). Arguments as ``ResNet50``'s.")
    return build


EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4, EfficientNetB5, EfficientNetB6, \
    EfficientNetB7 = (_variant(i) for i in range(8))


def preprocess_input(x, data_format=None):
    """EfficientNet's models rescale their inputs themselves: ``x`` is returned unchanged, as in Keras."""
    return x
