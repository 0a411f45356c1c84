"""A worker for tests/distribute/test_mpi.py, run as `mpirun -n 2 python mpi_worker.py MODE OUT DATA` (or alone
with plain python for the one-process reference). It trains the MNIST MLP on the first 512 training images and
saves its final weights to OUT_rank<r>.npz.

MODE: fit (Keras fit on arrays, global batch 128), fitds (fit on experimental_distribute_dataset), loop (a custom
loop with strategy.run), kill (rank 1 kills itself mid-epoch), raise (rank 1 raises mid-epoch), mismatch (rank 1
builds a wider model), backup (3 epochs with BackupAndRestore in $BACKUP_DIR; with $FAULT set rank 1 raises in the
third epoch)."""
import os
import signal
import sys

import numpy as np

import pytensor as tf

mode, out, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
# The custom loop uses 64 KiB gradient buckets (several nonblocking all-reduces in flight), fit the default one.
options = tf.distribute.experimental.CommunicationOptions(bytes_per_pack=2 ** 16 if mode == "loop" else 0)
strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options) if \
    "OMPI_COMM_WORLD_SIZE" in os.environ or "PMI_SIZE" in os.environ else tf.distribute.MirroredStrategy()
rank = strategy.cluster_resolver.task_id
strategy._overlap = os.environ.get("OVERLAP", "1") == "1"  # 0: the gradients all-reduced after the backward
tf.keras.utils.set_random_seed(7 + rank)  # different seeds: the chief's initial weights must win regardless

with np.load(os.path.join(data_dir, "mnist.npz")) as mnist:
    x = (mnist["x_train"][:512] / 255.0).astype(np.float32)
    y = mnist["y_train"][:512].astype(np.int64)

GLOBAL_BATCH = int(os.environ.get("GLOBAL_BATCH", 128))  # 75: batches split 38 / 37 over 2 workers


def make_model(width=64):
    return tf.keras.Sequential([tf.keras.layers.Input((28, 28)), tf.keras.layers.Flatten(),
                                tf.keras.layers.Dense(width, activation="relu"), tf.keras.layers.Dense(10)])


class Fault(tf.keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if rank == 1 and batch == 2 and (mode != "backup" or self.epoch == 2):
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("worker 1 fails on purpose")


with strategy.scope():
    model = make_model(64 + (rank if mode == "mismatch" else 0))
    optimizer = tf.keras.optimizers.SGD(0.1, momentum=0.9)

if mode == "loop":
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dist_dataset = strategy.experimental_distribute_dataset(dataset.with_options(options))

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            per_example = loss_object(labels, model(images, training=True))
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for epoch in range(2):
        for images, labels in dist_dataset:
            losses = strategy.run(train_step, args=(images, labels))
            total = strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)
else:
    model.compile(optimizer=optimizer, loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    if mode == "backup":  # unshuffled: an interrupted and resumed run sees the batches of an uninterrupted one
        backup = tf.keras.callbacks.BackupAndRestore(os.environ["BACKUP_DIR"])
        history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=3, shuffle=False, verbose=0,
                            callbacks=[backup] + ([Fault()] if os.environ.get("FAULT") else []))
    elif mode == "fitds":
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(512, seed=3).batch(GLOBAL_BATCH)
        history = model.fit(strategy.experimental_distribute_dataset(dataset), epochs=2, verbose=0)
    else:
        history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=True, verbose=0,
                            validation_data=(x[:200], y[:200]),
                            callbacks=[Fault()] if mode in ("kill", "raise") else [])
    evaluation = model.evaluate(x, y, batch_size=GLOBAL_BATCH, verbose=0, return_dict=True)
    predictions = model.predict(x[:101], batch_size=50, verbose=0)  # the last batch of 1 is predicted whole
    np.savez(f"{out}_metrics_rank{rank}.npz", loss=history.history["loss"], accuracy=history.history["accuracy"],
             val_loss=history.history.get("val_loss", []), val_accuracy=history.history.get("val_accuracy", []),
             eval_loss=evaluation["loss"], eval_accuracy=evaluation["accuracy"], predictions=predictions)
np.savez(f"{out}_rank{rank}.npz", *model.get_weights())
np.savez(f"{out}_reductions_rank{rank}.npz", calls=strategy._reducer.calls,
         overlapped=strategy._reducer.overlapped_calls)
