"""Reading event files back (TF's ``tf.compat.v1.train.summary_iterator``)."""
from ._protos import protos


def summary_iterator(path):
    """Yields the ``Event`` protocol buffers of an event file, in order (the first holds ``file_version``).

    Example:
        >>> for event in summary_iterator(path):
        ...     for value in event.summary.value:
        ...         print(event.step, value.tag)
    """
    from ..io import tf_record_iterator
    event_pb2 = protos().event_pb2
    for record in tf_record_iterator(path):
        yield event_pb2.Event.FromString(record)
