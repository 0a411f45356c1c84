"""``keras.applications.VGG19``, with Keras's layer names."""
from .imagenet_utils import decode_predictions  # noqa: F401
from .vgg16 import preprocess_input, vgg  # noqa: F401

__all__ = ["VGG19", "preprocess_input", "decode_predictions"]

_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
          classifier_activation="softmax", name="vgg19"):
    """VGG19 as Keras builds it (four convolutions in the last three blocks); arguments as ``ResNet50``."""
    return vgg((2, 2, 4, 4, 4), "vgg19", _WEIGHTS_URL, include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name)
