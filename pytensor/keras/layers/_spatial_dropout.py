"""The shared body of SpatialDropout1D / 2D / 3D: Dropout whose drop decision covers whole feature maps."""
import pytensor as pt

from .dropout import Dropout

__all__ = ["SpatialDropout"]


class SpatialDropout(Dropout):
    """Dropout of whole channels: in training each (example, channel) pair is dropped with probability ``rate``
    over all ``spatial_rank`` spatial axes at once (the kept ones scaled by ``1 / (1 - rate)``); the identity
    otherwise. Subclasses set ``spatial_rank``."""

    spatial_rank = 1

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        fmt = "channels_last" if data_format is None else data_format
        if fmt not in ("channels_last", "channels_first"):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': `data_format` must be 'channels_last' or "
                             f"'channels_first'; received data_format={data_format!r}.")
        self.data_format = fmt

    def call(self, inputs, training=None):
        rank = self.spatial_rank + 2
        shape = tuple(inputs.shape)
        if len(shape) != rank:
            example = ", ".join(["batch"] + [f"dim{i + 1}" for i in range(self.spatial_rank)] + ["channels"])
            raise ValueError(f"{type(self).__name__} layer '{self.name}': expected an input of rank {rank}, "
                             f"({example}), received shape {shape}.")
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return pt.zeros_like(inputs)
        channel_axis = 1 if self.data_format == "channels_first" else rank - 1
        noise_shape = [shape[a] if a in (0, channel_axis) else 1 for a in range(rank)]
        return pt.nn.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed)

    def get_config(self):
        config = super().get_config()
        # Keras 3 writes neither noise_shape nor trainable for these layers.
        config.pop("noise_shape")
        config.pop("trainable")
        if self.spatial_rank > 1:
            config["data_format"] = self.data_format
        return config
