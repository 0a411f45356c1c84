"""tf.train: example."""

__all__: list[str] = []
