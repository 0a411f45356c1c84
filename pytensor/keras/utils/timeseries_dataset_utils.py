"""``keras.utils.timeseries_dataset_from_array``."""
import numpy as np

import pytensor as pt

__all__ = ["timeseries_dataset_from_array"]


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """A ``tf.data.Dataset`` of sliding windows over the rows of ``data``: window i holds rows
    ``s, s + sampling_rate, ..., s + (sequence_length - 1) * sampling_rate`` of ``data[start_index:end_index]``
    for start ``s = i * sequence_stride``, paired with ``targets[start_index + s]`` when targets are given.

    Example:
        >>> ds = keras.utils.timeseries_dataset_from_array(np.arange(10), None, sequence_length=3,
        ...                                                 sequence_stride=3, batch_size=2)
        >>> [batch.tolist() for batch in ds.as_numpy_iterator()]
        [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8]]]

    With ``shuffle`` the window starts are permuted by ``np.random.RandomState(seed)`` exactly as Keras does, then
    the elements pass a ``batch_size * 8`` shuffle buffer (``1024`` unbatched) seeded by ``seed``; that buffer
    uses pytensor's generator, so the shuffled order differs from TensorFlow's (each window appears once).

    Args:
        data: array (or tensor) of rows (timesteps).
        targets: array with the target of the window starting at each row, or None.
        sequence_length: rows per window.
        sequence_stride: rows between the starts of consecutive windows.
        sampling_rate: rows between the rows of a window.
        batch_size: windows per batch; None for unbatched windows.
        shuffle, seed: shuffle the windows (seeded).
        start_index, end_index: the rows ``data[start_index:end_index]`` windows are drawn from.
    """
    what = "timeseries_dataset_from_array"
    data = np.asarray(data.numpy() if hasattr(data, "numpy") else data)
    if targets is not None:
        targets = np.asarray(targets.numpy() if hasattr(targets, "numpy") else targets)
    if start_index is not None:
        if start_index < 0:
            raise ValueError(f"{what}: `start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= len(data):
            raise ValueError(f"{what}: `start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {len(data)}")
    if end_index is not None:
        if start_index and end_index <= start_index:
            raise ValueError(f"{what}: `end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index}")
        if end_index >= len(data):
            raise ValueError(f"{what}: `end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {len(data)}")
        if end_index <= 0:
            raise ValueError(f"{what}: `end_index` must be higher than 0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"{what}: `{name}` must be higher than 0. Received: {name}={value}")
        if value >= len(data):
            raise ValueError(f"{what}: `{name}` must be lower than the length of the data. Received: "
                             f"{name}={value}, for data of length {len(data)}")
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        np.random.RandomState(np.random.randint(1e6) if seed is None else seed).shuffle(starts)
    # Windows are gathered a batch at a time: one gather of (batch, sequence_length) rows per batch.
    window = np.arange(sequence_length, dtype=np.int64) * sampling_rate
    rows = pt.constant(data[start_index:end_index])
    labels = None if targets is None else pt.constant(targets[start_index:end_index])
    ds = pt.data.Dataset.from_tensor_slices(starts)
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    if batch_size is not None:
        ds = ds.batch(batch_size)

    def windows(start):
        sequences = pt.gather(rows, pt.expand_dims(start, -1) + window)
        return sequences if labels is None else (sequences, pt.gather(labels, start))

    return ds.map(windows)
