"""``keras.applications.VGG16`` (and the builder VGG19 shares), with Keras's layer names."""
from .. import layers
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401

__all__ = ["VGG16", "preprocess_input", "decode_predictions"]

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"


def vgg(convs_per_block, model_name, url, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name):
    """Five blocks of 3x3 ReLU convolutions (64, 128, 256, 512, 512 filters; ``convs_per_block`` each) with 2x2
    max pooling, then two 4096-unit ReLU layers and the classifier."""
    what = model_name.upper()
    imagenet_utils.check_weights(weights, include_top, classes, what)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, 224, 32, include_top, weights, what)
    file_name = f"{model_name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    weights_path = imagenet_utils.weights_file(weights, file_name, url + file_name, what)
    inputs = x = imagenet_utils.model_input(input_tensor, input_shape)
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), start=1):
        for conv in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    def flatten_and_dense(x):
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        return layers.Dense(4096, activation="relu", name="fc2")(x)

    x = imagenet_utils.top_or_pooling(x, include_top, pooling, classes, classifier_activation, weights, what,
                                      flatten=flatten_and_dense)
    return imagenet_utils.build_model(inputs, x, name, weights_path)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg16"):
    """VGG16 (Simonyan & Zisserman 2014) as Keras builds it; arguments as ``ResNet50``.

    Example:
        >>> keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        14714688
    """
    return vgg((2, 2, 3, 3, 3), "vgg16", _WEIGHTS_URL, include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """VGG's input scaling: RGB -> BGR minus the ImageNet mean (``imagenet_utils`` "caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
