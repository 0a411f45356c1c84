"""The base of the random image preprocessing layers (RandomFlip, RandomRotation, ...)."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image
from .layer import Layer

__all__ = ["RandomImageLayer"]


class RandomImageLayer(Layer):
    """Checks ``data_format``, keeps ``seed``, builds nothing; ``call`` checks the image rank and returns
    ``self._transform(inputs)`` in training (the default of a call outside ``fit`` / ``predict``, as in Keras),
    the inputs otherwise. ``get_config`` adds the attributes named in ``_config_attributes``, in that order."""

    _casts_integer_inputs = True
    _config_attributes = ()
    _transposes_channels_first = False  # True: channels_first images run the channels_last code transposed (exact)

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'",
                                             channels_first=self._transposes_channels_first)
        self.seed = seed
        self.built = True

    def _to_channels_last(self, images):
        if self.data_format != "channels_first":
            return images
        return pt.transpose(images, [1, 2, 0] if len(images.shape) == 3 else [0, 2, 3, 1])

    def _to_data_format(self, images):
        if self.data_format != "channels_first":
            return images
        return pt.transpose(images, [2, 0, 1] if len(images.shape) == 3 else [0, 3, 1, 2])

    def _transform(self, inputs):
        """The random transformation of a training call, on an image (H, W, C) or a batch (N, H, W, C)."""
        raise NotImplementedError

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        return self._to_data_format(self._transform(self._to_channels_last(inputs)))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({name: getattr(self, name) for name in self._config_attributes})
        return config
