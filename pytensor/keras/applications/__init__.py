"""``keras.applications``: ImageNet architectures with Keras's layer names (ResNet50 / 101 / 152 and their v2,
VGG16 / 19, MobileNetV2, EfficientNetB0-B7), built with random weights or Keras's ImageNet weight files from its cache
folder."""
from . import efficientnet, imagenet_utils, mobilenet_v2, resnet, resnet50, resnet_v2, vgg16, vgg19  # noqa: F401
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,  # noqa: F401
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .resnet import ResNet50, ResNet101, ResNet152  # noqa: F401
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2  # noqa: F401
from .vgg16 import VGG16  # noqa: F401
from .vgg19 import VGG19  # noqa: F401

from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a Keras name pytensor lacks says so (see _missing.py)
