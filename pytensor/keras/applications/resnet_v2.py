"""``keras.applications.ResNet50V2`` / ``ResNet101V2`` / ``ResNet152V2`` (pre-activation ResNet), with Keras's
layer names."""
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401
from .resnet import resnet

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input", "decode_predictions"]


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet-50 v2 (He et al. 2016, pre-activation) as Keras builds it; arguments as ``ResNet50``."""
    return resnet((3, 4, 6, 3), "resnet50v2", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name, preact=True)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet-101 v2 as Keras builds it; arguments as ``ResNet50``."""
    return resnet((3, 4, 23, 3), "resnet101v2", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name, preact=True)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet-152 v2 as Keras builds it; arguments as ``ResNet50``."""
    return resnet((3, 8, 36, 3), "resnet152v2", include_top, weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation, name, preact=True)


def preprocess_input(x, data_format=None):
    """ResNet v2's input scaling: 0..255 to -1..1 (``imagenet_utils`` "tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
