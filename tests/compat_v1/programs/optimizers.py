"""Each TF1 optimizer for a few steps on the same least-squares problem (with a learning rate fed through a
placeholder for one of them); prints the variables after training and the slot variables' names."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_eager_execution()

rng = np.random.RandomState(1)
inputs = rng.randn(16, 3).astype(np.float32)
targets = inputs @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3

optimizers = [
    ("sgd", lambda lr: tf.train.GradientDescentOptimizer(lr)),
    ("momentum", lambda lr: tf.train.MomentumOptimizer(lr, momentum=0.9)),
    ("nesterov", lambda lr: tf.train.MomentumOptimizer(lr, momentum=0.9, use_nesterov=True)),
    ("adagrad", lambda lr: tf.train.AdagradOptimizer(lr)),
    ("rmsprop", lambda lr: tf.train.RMSPropOptimizer(lr)),
    ("rmsprop_centered", lambda lr: tf.train.RMSPropOptimizer(lr, momentum=0.5, centered=True)),
    ("adam", lambda lr: tf.train.AdamOptimizer(lr)),
]
for name, make in optimizers:
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    learning_rate = tf.placeholder(tf.float32, [])
    w = tf.Variable(np.full((3, 1), 0.1, np.float32), name="w")
    b = tf.Variable(np.zeros(1, np.float32), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    train_op = make(learning_rate).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(6):
            sess.run(train_op, feed_dict={x: inputs[step::2], y: targets[step::2], learning_rate: 0.05})
        print(name, "loss", sess.run(loss, feed_dict={x: inputs, y: targets}))
        print(name, "w", sess.run(w).ravel(), "b", sess.run(b))
        print(name, "variables", [v.name for v in tf.global_variables()])
