"""Keras ContrastLimitedAdaptiveHistogramEqualization layer."""
import numpy as np

import pytensor as pt

from ._image_augmentation import check_value_range, to_value_range
from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image
from .layer import Layer

__all__ = ["ContrastLimitedAdaptiveHistogramEqualization"]


def _clahe(images, clip_limit, grid):
    """CLAHE of a channels_last batch with values in [0, 255] (numpy), as Keras 3 computes it: the image is padded
    symmetrically to whole tiles, each tile's 256-bin histogram is clipped at ``clip_limit * tile_pixels / 256``
    with the excess spread evenly, its normalised CDF is the tile's mapping, and each pixel blends the mappings of
    the four nearest tile centres bilinearly (edge tiles repeated)."""
    n, height, width, channels = images.shape
    grid_h, grid_w = grid
    tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
    padded = np.pad(images, [(0, 0), (0, tile_h * grid_h - height), (0, tile_w * grid_w - width), (0, 0)],
                    mode="symmetric")
    pixels = np.clip(padded.astype(np.int32), 0, 255)
    tiles = pixels.reshape(n, grid_h, tile_h, grid_w, tile_w, channels).transpose(0, 1, 3, 5, 2, 4)
    tiles = tiles.reshape(n, grid_h, grid_w, channels, tile_h * tile_w)
    hists = np.zeros(tiles.shape[:-1] + (256,), np.float32)
    for value in range(256):  # a histogram per tile and channel
        hists[..., value] = np.sum(tiles == value, axis=-1)
    if clip_limit > 0:
        limit = np.float32(clip_limit * tile_h * tile_w / 256.0)
        clipped = np.minimum(hists, limit)
        hists = clipped + np.sum(hists - clipped, axis=-1, keepdims=True) / np.float32(256.0)
    cdf = np.cumsum(hists, axis=-1)
    cdf_min = cdf.min(axis=-1, keepdims=True)
    denominator = np.float32(tile_h * tile_w) - cdf_min
    denominator = np.where(denominator == 0, 1, denominator)
    mapping = np.clip((cdf - cdf_min) * np.float32(255.0) / denominator, 0, 255)
    mapping = np.pad(mapping, [(0, 0), (1, 1), (1, 1), (0, 0), (0, 0)], mode="edge")

    def axis_weights(size, tile, tiles_count):
        position = (np.arange(size, dtype=np.float32) - tile / 2.0) / tile + 1.0
        low = np.floor(position)
        weight = position - low
        return (np.clip(low, 0, tiles_count + 1).astype(np.int32),
                np.clip(low + 1, 0, tiles_count + 1).astype(np.int32), weight)
    y0, y1, wy = axis_weights(tile_h * grid_h, tile_h, grid_h)
    x0, x1, wx = axis_weights(tile_w * grid_w, tile_w, grid_w)
    b = np.arange(n)[:, None, None, None]
    c = np.arange(channels)[None, None, None, :]
    ys0, ys1, xs0, xs1 = y0[None, :, None, None], y1[None, :, None, None], x0[None, None, :, None], x1[None, None, :,
                                                                                                         None]
    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    top = mapping[b, ys0, xs0, c, pixels] * (1 - wx) + mapping[b, ys0, xs1, c, pixels] * wx
    bottom = mapping[b, ys1, xs0, c, pixels] * (1 - wx) + mapping[b, ys1, xs1, c, pixels] * wx
    return (top * (1 - wy) + bottom * wy)[:, :height, :width, :]


class ContrastLimitedAdaptiveHistogramEqualization(Layer):
    """Contrast-limited adaptive histogram equalization (CLAHE) of images, as Keras 3: the image is cut into a
    ``tile_grid_size`` grid of tiles, each tile gets a histogram equalization whose histogram is clipped at
    ``clip_limit`` times the mean bin count (the excess spread over all bins), and pixels blend the four nearest
    tiles' mappings. Values are mapped from ``value_range`` to [0, 255] and back. Deterministic: training and
    inference calls agree.

    Example:
        >>> layer = keras.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
        >>> layer(tf.random.uniform((1, 16, 16, 3), 0, 255)).shape
        TensorShape([1, 16, 16, 3])

    Raises:
        ValueError: for a bad ``value_range``, ``tile_grid_size`` or image rank.
    """

    _casts_integer_inputs = True

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range(self, value_range)
        grid = tuple(tile_grid_size) if isinstance(tile_grid_size, (tuple, list)) else None
        if grid is None or len(grid) != 2 or any(not isinstance(g, int) or g < 1 for g in grid):
            raise ValueError(f"ContrastLimitedAdaptiveHistogramEqualization layer '{self.name}': `tile_grid_size` "
                             f"must be a pair of positive ints (rows, cols); received "
                             f"tile_grid_size={tile_grid_size!r}.")
        self.clip_limit = clip_limit
        self.tile_grid_size = grid
        self.data_format = check_data_format(data_format, type(self).__name__, channels_first=True)
        self.built = True

    def call(self, inputs):
        check_image(self, inputs)
        first = self.data_format == "channels_first"
        images = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        if first:
            images = pt.transpose(images, [0, 2, 3, 1])
        values = to_value_range(pt.cast(images, pt.float32), self.value_range, (0, 255)).numpy()
        out = to_value_range(pt.constant(_clahe(values, self.clip_limit, self.tile_grid_size).astype(np.float32)),
                             (0, 255), self.value_range)
        out = pt.cast(out, inputs.dtype)
        if first:
            out = pt.transpose(out, [0, 3, 1, 2])
        return out if len(inputs.shape) == 4 else out[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "clip_limit": self.clip_limit,
                       "tile_grid_size": self.tile_grid_size, "data_format": self.data_format})
        return config
