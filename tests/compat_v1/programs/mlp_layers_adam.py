"""A TF1 two-layer network: tf.layers.dense inside variable scopes (reused for an evaluation tower),
tf.losses.sparse_softmax_cross_entropy, Adam with a global step, a placeholder_with_default switch.
The kernels start from fixed numbers so that runs can be compared."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_eager_execution()

rng = np.random.RandomState(0)
features = rng.randn(256, 8).astype(np.float32)
labels = (features[:, 0] + features[:, 1] * features[:, 2] > 0).astype(np.int32) + (features[:, 3] > 1)
w1 = (rng.randn(8, 16) * 0.3).astype(np.float32)
w2 = (rng.randn(16, 3) * 0.3).astype(np.float32)


def network(inputs, scale):
    with tf.variable_scope("net", reuse=tf.AUTO_REUSE):
        hidden = tf.layers.dense(inputs, 16, activation=tf.nn.relu, name="hidden",
                                 kernel_initializer=tf.constant_initializer(w1))
        return tf.layers.dense(hidden * scale, 3, name="logits", kernel_initializer=tf.constant_initializer(w2))


x = tf.placeholder(tf.float32, [None, 8], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
scale = tf.placeholder_with_default(1.0, shape=[], name="scale")
logits = network(x, scale)
loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
global_step = tf.train.get_or_create_global_step()
train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss, global_step=global_step)
eval_logits = network(x, scale)  # the same variables, reused
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1, output_type=tf.int32), y), tf.float32))

print("variables", [v.name for v in tf.global_variables()])
print("trainable", [v.name for v in tf.trainable_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(30):
        for start in range(0, 256, 64):
            feed = {x: features[start:start + 64], y: labels[start:start + 64]}
            _, batch_loss = sess.run((train_op, loss), feed_dict=feed)
        if epoch % 10 == 9:
            print("epoch", epoch + 1, "step", sess.run(global_step), "loss", batch_loss)
    print("accuracy", sess.run(accuracy, feed_dict={x: features, y: labels}))
    print("half-scale loss", sess.run(loss, feed_dict={x: features, y: labels, scale: 0.5}))
    fetched = sess.run({"loss": loss, "logits": [logits[:2, 0], eval_logits[:2, 0]]}, feed_dict={x: features, y: labels})
    print("fetch dict", fetched["loss"], fetched["logits"][0], fetched["logits"][1])
