"""``keras.applications.imagenet_utils``: the input preprocessing and prediction decoding the ImageNet models
share, input-shape checks, and the cached ImageNet files (Keras's cache only: pytensor downloads nothing here)."""
import json
import os

import numpy as np

import pytensor as pt

from .. import activations
from ..utils.file_utils import keras_home

__all__ = ["preprocess_input", "decode_predictions"]

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
_CLASS_INDEX = None
_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN, _TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def cached_file(file_name, url, what):
    """The path of ``file_name`` in Keras's cache folder (``$KERAS_HOME/models`` or ``~/.keras/models``).

    Raises:
        FileNotFoundError: naming the file, the folder and the URL to download it from.
    """
    folder = os.path.join(keras_home(), "models")
    path = os.path.join(folder, file_name)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what}: needs {file_name!r} in Keras's cache folder {folder}, and it is not there. "
                                f"pytensor does not download it: fetch it from {url} (or copy it from a machine "
                                f"where Keras downloaded it) into {folder}, or pass weights=None.")
    return path


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scales a batch of RGB images in 0..255 as the ImageNet models were trained.

    ``mode``: ``"caffe"`` (RGB -> BGR, minus the ImageNet mean per channel), ``"tf"`` (to -1..1) or ``"torch"``
    (to 0..1, minus the mean, over the standard deviation per channel). A numpy float input is modified in place
    and returned, as Keras does; integer arrays are converted to float32 first; tensors give new tensors.

    Example:
        >>> keras.applications.imagenet_utils.preprocess_input(np.full((1, 1, 3), 127.5), mode="tf")
        array([[[0., 0., 0.]]])
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"preprocess_input: expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         f"mode={mode}")
    data_format = data_format or "channels_last"
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"preprocess_input: expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    channel_axis = -1 if data_format == "channels_last" else (0 if len(x.shape) == 3 else 1)
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float32)
        if mode == "tf":
            x /= 127.5
            x -= 1.0
            return x
        if mode == "caffe":
            x = np.flip(x, channel_axis)
        shape = [1] * x.ndim
        shape[channel_axis] = 3
        if mode == "torch":
            x /= 255.0
            x -= np.reshape(_TORCH_MEAN, shape).astype(x.dtype)
            x /= np.reshape(_TORCH_STD, shape).astype(x.dtype)
        else:
            x -= np.reshape(_CAFFE_MEAN, shape).astype(x.dtype)
        return x
    x = pt.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = pt.cast(x, pt.float32)
    if mode == "tf":
        return x / 127.5 - 1.0
    shape = [1] * len(x.shape)
    shape[channel_axis] = 3
    if mode == "caffe":
        x = pt.gather(x, [2, 1, 0], axis=channel_axis % len(x.shape))  # RGB -> BGR
        return x - pt.constant(np.reshape(_CAFFE_MEAN, shape), dtype=x.dtype)
    mean = pt.constant(np.reshape(_TORCH_MEAN, shape), dtype=x.dtype)
    return (x / 255.0 - mean) / pt.constant(np.reshape(_TORCH_STD, shape), dtype=x.dtype)


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (shape ``(samples, 1000)``) as
    ``(class_id, class_name, score)`` tuples, best first. Reads ``imagenet_class_index.json`` from Keras's cache
    folder (``~/.keras/models``).

    Raises:
        ValueError: for predictions not of shape ``(samples, 1000)``.
        FileNotFoundError: when the class index file is not in the cache, naming the file and the folder.
    """
    global _CLASS_INDEX
    preds = np.asarray(preds.numpy() if hasattr(preds, "numpy") else preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"decode_predictions expects a batch of predictions (i.e. a 2D array of shape "
                         f"(samples, 1000)). Received array with shape: {preds.shape}")
    if _CLASS_INDEX is None:
        with open(cached_file(CLASS_INDEX_FILE, CLASS_INDEX_URL, "decode_predictions")) as file:
            _CLASS_INDEX = json.load(file)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        results.append(sorted((tuple(_CLASS_INDEX[str(i)]) + (pred[i],) for i in best),
                              key=lambda entry: entry[2], reverse=True))
    return results


def obtain_input_shape(input_shape, default_size, min_size, require_flatten, weights, what):
    """The model's ``(height, width, channels)`` input shape from the user's ``input_shape`` (Keras's rules)."""
    default_shape = (default_size, default_size, 3)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        default_shape = (default_size, default_size, input_shape[-1])
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(f"{what}: with include_top=True and weights='imagenet', `input_shape` should be "
                             f"{default_shape}. Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(f"{what}: `input_shape` must be a tuple of three integers (height, width, channels). "
                             f"Received: input_shape={input_shape}")
        if input_shape[-1] != 3 and weights == "imagenet":
            raise ValueError(f"{what}: the input must have 3 channels for ImageNet weights. Received: "
                             f"input_shape={input_shape}")
        if any(size is not None and size < min_size for size in input_shape[:2]):
            raise ValueError(f"{what}: input size must be at least {min_size}x{min_size}. Received: "
                             f"input_shape={input_shape}")
        input_shape = tuple(input_shape)
    else:
        input_shape = default_shape if require_flatten else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"{what}: with include_top=True, `input_shape` must be static. Received: "
                         f"input_shape={input_shape}")
    return input_shape


def check_weights(weights, include_top, classes, what):
    if not (weights in ("imagenet", None) or (isinstance(weights, str) and os.path.exists(weights))):
        raise ValueError(f"{what}: the `weights` argument should be either None (random initialization), "
                         f"'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. "
                         f"Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"{what}: with weights='imagenet' and include_top=True, `classes` should be 1000. "
                         f"Received: classes={classes}")


def check_classifier_activation(classifier_activation, weights, what):
    """Pretrained classifiers allow only softmax or no activation (as Keras)."""
    if weights is None:
        return
    if activations.get(classifier_activation) not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(f"{what}: only None and 'softmax' activations are allowed for `classifier_activation` "
                         f"with pretrained weights and include_top=True. Received: "
                         f"classifier_activation={classifier_activation}")


def model_input(input_tensor, input_shape):
    from .. import layers
    return layers.Input(shape=input_shape) if input_tensor is None else input_tensor


def source_inputs(tensor):
    """The ``keras.Input`` tensor(s) ``tensor`` is computed from: a model built on a layer's output (an
    ``input_tensor``) takes its inputs from there, as Keras's ``get_source_inputs``."""
    sources, pending = [], [tensor]
    while pending:
        current = pending.pop()
        parents = current.node.inputs
        if not parents and not any(current is known for known in sources):
            sources.append(current)
        pending.extend(reversed(parents))
    return sources[0] if len(sources) == 1 else sources


def build_model(inputs, outputs, name, weights_path):
    """The functional model from ``inputs``' source tensors to ``outputs``, with the weights of ``weights_path``
    (None: the random initial ones) loaded."""
    from ..model import Model
    model = Model(source_inputs(inputs), outputs, name=name)
    if weights_path is not None:
        model.load_weights(weights_path)
    return model

def weights_file(weights, file_name, url, what):
    """The weights file to load: ImageNet's ``file_name`` from Keras's cache (checked before the model is built,
    so a missing file fails fast), a path, or None."""
    return cached_file(file_name, url, what) if weights == "imagenet" else weights


def top_or_pooling(x, include_top, pooling, classes, classifier_activation, weights, what, flatten=None,
                   pool_names=(None, None)):
    """The classifier head (``include_top``; ``flatten`` builds what precedes the ``predictions`` layer, by
    default global average pooling) or the ``pooling`` of the features."""
    from .. import layers
    if include_top:
        x = flatten(x) if flatten is not None else layers.GlobalAveragePooling2D(name=pool_names[0])(x)
        check_classifier_activation(classifier_activation, weights, what)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=pool_names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=pool_names[1])(x)
    return x
