"""keras.optimizers."""
