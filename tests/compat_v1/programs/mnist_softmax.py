"""The TF1 "MNIST for beginners" softmax regression: placeholders with a None batch, zeros-initialised
variables, softmax cross-entropy, gradient descent, an InteractiveSession and accuracy by eval().
Usage: mnist_softmax.py PATH/TO/mnist.npz"""
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_eager_execution()

with np.load(sys.argv[1]) as data:
    train_x = data["x_train"][:20000].reshape(-1, 784).astype(np.float32) / 255.0
    train_y = np.eye(10, dtype=np.float32)[data["y_train"][:20000]]
    test_x = data["x_test"][:2000].reshape(-1, 784).astype(np.float32) / 255.0
    test_y = np.eye(10, dtype=np.float32)[data["y_test"][:2000]]

x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b

y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for step in range(200):
    batch_xs, batch_ys = train_x[step * 100:(step + 1) * 100], train_y[step * 100:(step + 1) * 100]
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if step % 50 == 0:
        print("step", step, "loss", loss)

correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
print("accuracy", accuracy.eval(feed_dict={x: test_x, y_: test_y}))
print("bias", sess.run(b))
sess.close()
