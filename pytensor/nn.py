"""``tf.nn``: activations (the fused nn kernels — softmax, cross-entropy, conv, pooling — come with the nn issue)."""

from ._core import relu, sigmoid, tanh  # noqa: F401
