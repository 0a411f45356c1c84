"""keras.utils."""
