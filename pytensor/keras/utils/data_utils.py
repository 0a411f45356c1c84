"""``keras.utils.unpack_x_y_sample_weight`` / ``pack_x_y_sample_weight``: the data of one training step."""

__all__ = ["unpack_x_y_sample_weight", "pack_x_y_sample_weight"]


def unpack_x_y_sample_weight(data):
    """Splits a batch as ``fit`` passes it to ``train_step`` into ``(x, y, sample_weight)``.

    A tuple (or list) of one, two or three items is ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; anything
    else is ``x`` alone. Missing parts are None.

    Example:
        >>> def train_step(self, data):
        ...     x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)

    Raises:
        ValueError: for a tuple of more than three items.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"unpack_x_y_sample_weight: expected data of the form (x,), (x, y) or (x, y, sample_weight); "
                     f"received a tuple of {len(data)} items.")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch as Keras passes it to ``train_step``: ``x`` (or ``(x,)`` when ``x`` is itself a tuple or list)
    without labels, ``(x, y)`` without sample weights, else ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight
