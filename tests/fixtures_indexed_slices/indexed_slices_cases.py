"""The row-gradient cases, shared by the scripts that record them under real TF / Keras 3 (make_gradient_types.py,
make_keras_sparse_updates.py) and the tests that replay them on pytensor (tests/test_indexed_slices.py,
tests/test_indexed_slices_optimizers.py). Each function takes the library (`tf` or `keras`) it runs on."""
import numpy as np


def _variable_reads(tf):
    """Ways of reading a (4, 3) Variable, each a function of it returning a scalar."""
    return {
        "gather": lambda v: tf.reduce_sum(tf.gather(v, [1, 3, 1]) * 2.0),
        "gather_2d_ids": lambda v: tf.reduce_sum(tf.gather(v, [[1, 3], [1, 0]])),
        "gather_int64_ids": lambda v: tf.reduce_sum(tf.gather(v, tf.constant([1, 3], tf.int64))),
        "two_gathers_mixed_ids": lambda v: tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(
            tf.gather(v, tf.constant([2], tf.int64))),
        "two_gathers": lambda v: tf.reduce_sum(tf.gather(v, [1, 0])) + 3.0 * tf.reduce_sum(tf.gather(v, [2])),
        "gather_and_dense": lambda v: tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(v * v),
        "gather_axis1": lambda v: tf.reduce_sum(tf.gather(v, [1], axis=1)),
        "gather_of_product": lambda v: tf.reduce_sum(tf.gather(v * 1.0, [1])),
        "embedding_lookup": lambda v: tf.reduce_sum(tf.nn.embedding_lookup(v, [1, 2])),
        "gather_of_read_value": lambda v: tf.reduce_sum(tf.gather(v.read_value(), [1, 2])),
    }


# Every case of gradient(): the Variable reads (their names; no function is called), then a watched constant
# gathered at rows [3, 3].
GRADIENT_CASES = (*_variable_reads(None), "watched_tensor")


def gradient(tf, case):
    """What `tf`'s GradientTape returns for one of GRADIENT_CASES, the source arange(12).reshape(4, 3) float32."""
    source = np.arange(12, dtype=np.float32).reshape(4, 3)
    if case == "watched_tensor":
        c = tf.constant(source)
        with tf.GradientTape() as tape:
            tape.watch(c)
            y = tf.reduce_sum(tf.gather(c, [3, 3]))
        return tape.gradient(y, c)
    v = tf.Variable(source)
    with tf.GradientTape() as tape:
        y = _variable_reads(tf)[case](v)
    return tape.gradient(y, v)


def optimizers(keras):
    """The optimizers whose steps on an IndexedSlices gradient are recorded, by name: each a function making one."""
    return {
        "sgd": lambda: keras.optimizers.SGD(0.1),
        "sgd_momentum": lambda: keras.optimizers.SGD(0.1, momentum=0.9),
        "sgd_nesterov": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        "sgd_decay": lambda: keras.optimizers.SGD(0.1, weight_decay=0.05),
        "adam": lambda: keras.optimizers.Adam(0.1),
        "adam_amsgrad": lambda: keras.optimizers.Adam(0.1, amsgrad=True),
        "adamw": lambda: keras.optimizers.AdamW(0.1, weight_decay=0.05),
        "rmsprop": lambda: keras.optimizers.RMSprop(0.1),
        "rmsprop_momentum": lambda: keras.optimizers.RMSprop(0.1, momentum=0.5, centered=True),
        "adagrad": lambda: keras.optimizers.Adagrad(0.1),
        "adagrad_decay": lambda: keras.optimizers.Adagrad(0.1, weight_decay=0.05),
        "adadelta": lambda: keras.optimizers.Adadelta(1.0),
        "nadam": lambda: keras.optimizers.Nadam(0.1),
        # Keras's arithmetic for these densifies a row gradient (every row with state moves): so do pytensor's
        "adamax": lambda: keras.optimizers.Adamax(0.1),
        "lion": lambda: keras.optimizers.Lion(0.1),
        "ftrl": lambda: keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01),
    }


STEPS = 3  # optimizer steps recorded per case
VOCAB, DIM = 12, 3  # the Embedding model's table


def steps(tf, make_optimizer, data, ids, sparse, traced=False):
    """The variable after STEPS steps of make_optimizer() from data["initial"], the gradients data[f"values_{ids}"]
    at rows data[f"indices_{ids}"] (a (6, 3) IndexedSlices, or its dense equivalent when not `sparse`); with `traced`
    each step applied by a tf.function."""
    var = tf.Variable(data["initial"])
    opt = make_optimizer()

    def apply(values, indices):
        g = tf.IndexedSlices(values, indices, tf.constant([6, 3]))
        opt.apply_gradients([(g if sparse else tf.convert_to_tensor(g), var)])

    if traced:
        apply = tf.function(apply)
    for step in range(STEPS):
        apply(tf.constant(data[f"values_{ids}"][step]), tf.constant(data[f"indices_{ids}"]))
    return var.numpy()


def embedding_model(keras):
    """The small Embedding model whose training steps are recorded (its table's gradient is an IndexedSlices)."""
    return keras.Sequential([keras.Input(shape=(5,), dtype="int32"), keras.layers.Embedding(VOCAB, DIM),
                             keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])


def model_steps(keras, make_optimizer, data, initial):
    """The weights of embedding_model after STEPS train_on_batch steps (mean squared error) from `initial`."""
    model = embedding_model(keras)
    model.set_weights(initial)
    model.compile(optimizer=make_optimizer(), loss="mse")
    for step in range(STEPS):
        model.train_on_batch(data["model_x"][step], data["model_y"][step])
    return model.get_weights()
