"""keras.layers: one layer per module."""
# ---- engine and core layers ----
# (end of engine and core layers)
# ---- conv, pooling, normalization, embedding, recurrent, merge layers ----
# (end of conv, pooling, normalization, embedding, recurrent, merge layers)
