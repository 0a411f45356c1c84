"""``keras.applications.ResNet50`` / ``ResNet101`` / ``ResNet152`` (ResNet v1, Keras's layer names, so Keras's
ImageNet weight files load), and the builder ResNet v2 (``resnet_v2``) shares."""
from .. import layers
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401

__all__ = ["ResNet50", "ResNet101", "ResNet152", "preprocess_input", "decode_predictions"]

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
_BN_EPSILON = 1.001e-5


def _block(x, filters, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 (stride), 3x3, 1x1 to ``4 * filters``, plus the shortcut (a strided 1x1
    convolution, or the input)."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack(x, filters, blocks, stride=2, name=None):
    x = _block(x, filters, stride=stride, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _block(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def _block_v2(x, filters, stride=1, conv_shortcut=False, name=None):
    """A pre-activation bottleneck block (ResNet v2): batch norm and ReLU first, the stride on the 3x3
    convolution, the shortcut a 1x1 convolution, a strided 1x1 max pooling or the input."""
    preact = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def _stack_v2(x, filters, blocks, stride=2, name=None):
    """ResNet v2's stage: a projection block first, the stride on the last block."""
    x = _block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = _block_v2(x, filters, name=f"{name}_block{i}")
    return _block_v2(x, filters, stride=stride, name=f"{name}_block{blocks}")


def resnet(blocks, model_name, include_top, weights, input_tensor, input_shape, pooling, classes,
           classifier_activation, name, preact=False):
    """ResNet v1 (``preact`` False: strided first blocks, ReLU after each addition) or v2 (pre-activation,
    strided last blocks except in the last stage, a final batch norm and ReLU)."""
    what = model_name.replace("resnet", "ResNet").replace("v2", "V2")
    imagenet_utils.check_weights(weights, include_top, classes, what)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, 224, 32, include_top, weights, what)
    file_name = f"{model_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    weights_path = imagenet_utils.weights_file(weights, file_name, _WEIGHTS_URL + file_name, what)
    inputs = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(inputs)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, count) in enumerate(zip((64, 128, 256, 512), blocks)):
        if preact:
            x = _stack_v2(x, filters, count, stride=1 if stage == 3 else 2, name=f"conv{stage + 2}")
        else:
            x = _stack(x, filters, count, stride=1 if stage == 0 else 2, name=f"conv{stage + 2}")
    if preact:
        x = layers.BatchNormalization(axis=3, epsilon=_BN_EPSILON, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = imagenet_utils.top_or_pooling(x, include_top, pooling, classes, classifier_activation, weights, what,
                                      pool_names=("avg_pool", "max_pool"))
    return imagenet_utils.build_model(inputs, x, name, weights_path)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", name="resnet50"):
    """ResNet-50 (He et al. 2015) as Keras builds it.

    Example:
        >>> model = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)
        >>> model.count_params()
        23608202

    Args:
        include_top: end with global average pooling and the ``classes``-way ``predictions`` Dense layer.
        weights: None (random), "imagenet" (Keras's file from its cache folder ``~/.keras/models``; a clear
            FileNotFoundError names the file and the folder when it is absent) or a weights file path.
        input_tensor: a Keras tensor to build the model on.
        input_shape: ``(height, width, 3)``, at least 32 x 32 (default 224 x 224 with ``include_top``).
        pooling: without the top, None (4-D features), "avg" or "max" (global pooling to 2-D).
        classes, classifier_activation: the classifier's width and activation.
    """
    return resnet((3, 4, 6, 3), "resnet50", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet-101 as Keras builds it (arguments as ``ResNet50``)."""
    return resnet((3, 4, 23, 3), "resnet101", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet-152 as Keras builds it (arguments as ``ResNet50``)."""
    return resnet((3, 8, 36, 3), "resnet152", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name)


def preprocess_input(x, data_format=None):
    """ResNet's input scaling: RGB -> BGR minus the ImageNet mean (``imagenet_utils`` "caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
