"""keras.regularizers."""
