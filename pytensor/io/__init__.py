"""tf.io: TFRecord files and tf.train.Example parsing."""
