"""tf.data: Dataset and its sources."""
