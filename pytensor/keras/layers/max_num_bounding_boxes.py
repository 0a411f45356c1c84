"""Keras MaxNumBoundingBoxes layer."""
import numpy as np

import pytensor as pt

from .layer import Layer

__all__ = ["MaxNumBoundingBoxes"]


class MaxNumBoundingBoxes(Layer):
    """Pads (with ``fill_value``) or truncates the bounding boxes of ``{"images": ..., "bounding_boxes":
    {"boxes": (batch, n, 4), "labels": (batch, n)}}`` to exactly ``max_number`` per image, so batches of
    detection data have one shape, as Keras 3; images pass unchanged (as does a plain image tensor).

    Example:
        >>> layer = keras.layers.MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")
        >>> out = layer({"images": tf.ones((2, 8, 8, 3)),
        ...              "bounding_boxes": {"boxes": tf.ones((2, 1, 4)), "labels": tf.ones((2, 1))}})
        >>> out["bounding_boxes"]["boxes"].shape
        TensorShape([2, 3, 4])

    Raises:
        ValueError: for boxes without a ``bounding_box_format``, or boxes / labels of other ranks.
        KeyError: for ``bounding_boxes`` keys other than ``boxes`` and ``labels``.
    """

    def __init__(self, max_number, fill_value=-1, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format
        self.built = True

    def _convert_input(self, x):
        return x  # a dict of images and boxes: call converts what it uses

    def _fit(self, values):
        """``values`` ``(batch, n) + rest`` cut or padded along axis 1 to ``max_number``."""
        values = values[:, :self.max_number]
        missing = self.max_number - int(values.shape[1])
        if missing > 0:
            pads = [[0, 0], [0, missing]] + [[0, 0]] * (len(values.shape) - 2)
            values = pt.pad(values, pads, constant_values=pt.cast(self.fill_value, values.dtype))
        return values

    def call(self, inputs):
        if not isinstance(inputs, dict) or "bounding_boxes" not in inputs:
            return inputs
        if self.bounding_box_format is None:
            raise ValueError(f"MaxNumBoundingBoxes layer '{self.name}': you passed an input with a 'bounding_boxes' "
                             f"key, but you didn't specify a bounding_box_format. Pass bounding_box_format=... (e.g. "
                             f"'xyxy') to the layer.")
        boxes_in = inputs["bounding_boxes"]
        extra = set(boxes_in) - {"boxes", "labels"}
        if extra:
            raise KeyError(f"There are unsupported keys in `bounding_boxes`: {sorted(extra)}. Only `boxes` and "
                           f"`labels` are supported.")
        boxes = pt.convert_to_tensor(np.asarray(boxes_in["boxes"]) if not isinstance(boxes_in["boxes"], pt.Tensor)
                                     else boxes_in["boxes"])
        labels = pt.convert_to_tensor(np.asarray(boxes_in["labels"]) if not isinstance(boxes_in["labels"], pt.Tensor)
                                      else boxes_in["labels"])
        if len(boxes.shape) != 3 or int(boxes.shape[-1]) != 4 or len(labels.shape) != 2:
            raise ValueError(f"MaxNumBoundingBoxes layer '{self.name}': expected boxes of shape (batch, n, 4) and "
                             f"labels of shape (batch, n); received {tuple(boxes.shape)} and {tuple(labels.shape)}.")
        outputs = dict(inputs)
        outputs["bounding_boxes"] = {"boxes": self._fit(boxes), "labels": self._fit(labels)}
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"max_number": self.max_number, "fill_value": self.fill_value,
                       "bounding_box_format": self.bounding_box_format})
        return config
