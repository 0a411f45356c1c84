"""keras.activations."""
