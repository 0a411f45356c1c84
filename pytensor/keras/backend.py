"""keras.backend."""
