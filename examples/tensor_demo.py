"""A short tour of pytensor's tensors: creation, variables, operators, reductions, numpy interop.

Run: python examples/tensor_demo.py
"""
import numpy as np

import pytensor as tf

x = tf.ones(shape=(2, 1))
print(x)
v = tf.Variable(initial_value=tf.random.normal(shape=(3, 1)))
v[0, 0].assign(3.0)
v.assign_add(tf.ones((3, 1)))
print(v)

a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
b = tf.square(a) + tf.sqrt(a) * 2.0
print("a @ b =", (a @ b).numpy().tolist())
print("reduce_sum over rows:", tf.reduce_sum(b, axis=1))
print("argmax:", tf.argmax(b, axis=1))
print("numpy interop:", np.asarray(a).sum(), tf.exp(np.float32(1.0)))
try:
    a[0, 0] = 0.0
except TypeError as e:
    print("tensors are immutable:", e)
