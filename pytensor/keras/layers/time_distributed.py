"""Keras TimeDistributed wrapper."""
import pytensor as pt

from .wrapper import Wrapper

__all__ = ["TimeDistributed"]


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every time step of inputs ``(batch, time, ...)``: the steps are folded into the batch
    (``(batch * time, ...)``), ``layer`` runs once on them and the result is unfolded to ``(batch, time, ...)``, so
    the steps share ``layer``'s weights. A ``(batch, time)`` mask reaches a ``layer`` that takes one (one mask row
    per step) and passes through to the output.

    Layers whose result per example depends on the rest of the batch (BatchNormalization in training) see all the
    steps of the batch together here; Keras 3 runs them step by step.

    Example:
        >>> td = keras.layers.TimeDistributed(keras.layers.Dense(8))
        >>> td(tf.ones((2, 10, 16))).shape
        TensorShape([2, 10, 8])

    Raises:
        ValueError: when ``layer`` is not a Layer, for inputs of rank < 3 and for a mask whose batch and time axes
            differ from the input's.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) < 3:
            raise ValueError(f"TimeDistributed layer '{self.name}': expected an input of rank >= 3, (batch, time, "
                             f"...), received shape {shape}. Add a time axis, e.g. tf.expand_dims(x, 1).")
        return (None if shape[0] is None or shape[1] is None else shape[0] * shape[1],) + shape[2:]

    def build(self, input_shape):
        if not self.layer.built:
            child = self._child_shape(input_shape)
            self.layer.build(child)
            self.layer.built = True

    def call(self, inputs, training=None, mask=None):
        shape = tuple(int(d) for d in inputs.shape)
        child_shape = self._child_shape(shape)
        kwargs = {}
        if mask is not None:
            mask_shape = tuple(mask.shape)
            if len(mask_shape) < 2 or mask_shape[:2] != shape[:2]:
                raise ValueError(f"TimeDistributed layer '{self.name}': the mask has shape {mask_shape}, which does "
                                 f"not start with the input's batch and time axes {shape[:2]} (input shape {shape}); "
                                 f"give a mask of shape {shape[:2]}.")
            if self.layer._call_takes_mask:
                kwargs["mask"] = pt.reshape(mask, [-1] + list(mask_shape[2:]))
        if training is not None and self.layer._call_takes_training:
            kwargs["training"] = training
        outputs = self.layer(pt.reshape(inputs, [-1] + list(child_shape[1:])), **kwargs)
        out_shape = tuple(int(d) for d in outputs.shape)
        return pt.reshape(outputs, list(shape[:2]) + list(out_shape[1:]))

    def compute_mask(self, inputs, mask=None):
        return mask
