"""The GAN of Keras's guide "Customizing what happens in fit() with TensorFlow": one training step of pytensor vs
TF 2.21 / Keras 3 vs PyTorch, side by side in one run, plus a per-op profile of the step's convolutions.

Models (all three frameworks): discriminator Conv2D(64, 3, s2, same) -> LeakyReLU(0.2) -> Conv2D(128, 3, s2, same)
-> LeakyReLU -> GlobalMaxPooling2D -> Dense(1); generator Dense(7*7*128) -> LeakyReLU -> Reshape(7, 7, 128) ->
Conv2DTranspose(128, 4, s2, same) -> LeakyReLU -> Conv2DTranspose(128, 4, s2, same) -> LeakyReLU -> Conv2D(1, 7,
same, sigmoid). The step is the guide's train_step: a discriminator step on 64 generated + 64 real 28x28x1 images
(noisy labels) and a generator step through the frozen discriminator, binary cross-entropy from logits, two
Adam(3e-4). pytensor and TF run it as a tf.function (as fit traces train_step); PyTorch as a hand loop (NCHW).
Data: random uniform images (the step's cost does not depend on the pixels).

Each framework runs in its own subprocess with --threads threads (TF and PyTorch from the peers venv); the figure
is the median of --steps steps after --warmup. With --cpu-time: the process's CPU seconds (all threads) per step,
for a busy machine. Prints ms per step and the ratio peer / pytensor (> 1: pytensor faster).

With --profile: per-op ms (median) of the step's layers at the step's shapes, eagerly, in pytensor and TF
(the same code through `import pytensor as tf` / `import tensorflow as tf`): each conv forward, its gradient
(input and filter: conv2d_transpose's gradient is conv2d backprop input/filter), leaky_relu, global max pool, and
one Adam update of the generator's variables.

Run: python3 bench/gan.py [--steps 20] [--warmup 3] [--threads 2] [--cpu-time] [--profile]
     [--peer-python /work/peers-venv/bin/python] [--only pytensor,tf,torch]
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _peers import run_worker  # noqa: E402
from _timing import median_time  # noqa: E402

BATCH = 64
LATENT = 128


def clock(args):
    return time.process_time if args.cpu_time else time.perf_counter


def keras_step(tf, keras, layers):
    """The guide's models and train_step as a tf.function (tf is pytensor or TensorFlow)."""
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(), layers.Dense(1)])
    generator = keras.Sequential([
        keras.Input(shape=(LATENT,)),
        layers.Dense(7 * 7 * 128), layers.LeakyReLU(negative_slope=0.2), layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid")])
    d_optimizer = keras.optimizers.Adam(learning_rate=0.0003)
    g_optimizer = keras.optimizers.Adam(learning_rate=0.0003)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(real_images):
        latent = tf.random.normal((BATCH, LATENT))
        combined = tf.concat([generator(latent), real_images], axis=0)
        labels = tf.concat([tf.ones((BATCH, 1)), tf.zeros((BATCH, 1))], axis=0)
        labels += 0.05 * tf.random.uniform(tf.shape(labels))
        with tf.GradientTape() as tape:
            d_loss = loss_fn(labels, discriminator(combined))
        grads = tape.gradient(d_loss, discriminator.trainable_weights)
        d_optimizer.apply(grads, discriminator.trainable_weights)
        latent = tf.random.normal((BATCH, LATENT))
        with tf.GradientTape() as tape:
            g_loss = loss_fn(tf.zeros((BATCH, 1)), discriminator(generator(latent)))
        grads = tape.gradient(g_loss, generator.trainable_weights)
        g_optimizer.apply(grads, generator.trainable_weights)
        return d_loss, g_loss

    return train_step


def torch_step(torch):
    nn = torch.nn
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(128, 1))
    # Keras's "same" transposed conv of kernel 4, stride 2 crops 1 pixel on each side: PyTorch's padding=1.
    generator = nn.Sequential(
        nn.Linear(LATENT, 7 * 7 * 128), nn.LeakyReLU(0.2), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 128, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(128, 128, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 1, 7, padding=3), nn.Sigmoid())
    d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=3e-4)
    g_optimizer = torch.optim.Adam(generator.parameters(), lr=3e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    def train_step(real_images):
        with torch.no_grad():
            generated = generator(torch.randn(BATCH, LATENT))
        combined = torch.cat([generated, real_images])
        labels = torch.cat([torch.ones(BATCH, 1), torch.zeros(BATCH, 1)])
        labels += 0.05 * torch.rand(labels.shape)
        d_optimizer.zero_grad()
        d_loss = loss_fn(discriminator(combined), labels)
        d_loss.backward()
        d_optimizer.step()
        g_optimizer.zero_grad()
        g_loss = loss_fn(discriminator(generator(torch.randn(BATCH, LATENT))), torch.zeros(BATCH, 1))
        g_loss.backward()  # the discriminator's gradients are computed but never applied, as in the guide
        g_optimizer.step()
        return d_loss.item(), g_loss.item()

    return train_step


def time_steps(step, batches, args):
    tick = clock(args)
    for i in range(args.warmup):
        step(batches[i % len(batches)])
    times = []
    for i in range(args.steps):
        t0 = tick()
        step(batches[i % len(batches)])
        times.append(tick() - t0)
    return times


def profile_ops(tf, keras, args):
    """ms per call (median) of the step's ops at its shapes, eager; the same code for pytensor and TensorFlow."""
    rng = np.random.default_rng(0)

    def const(*shape):
        return tf.constant(rng.standard_normal(shape).astype(np.float32))

    def grads(fn, *inputs):
        def run():
            with tf.GradientTape() as tape:
                for t in inputs:
                    tape.watch(t)
                y = fn(*inputs)
            return tape.gradient(y, list(inputs))
        return run

    rows = []

    def conv(name, x, w, strides, transpose_shape=None):
        if transpose_shape is None:
            fn = lambda x, w: tf.nn.conv2d(x, w, strides, "SAME")  # noqa: E731
        else:
            fn = lambda x, w: tf.nn.conv2d_transpose(x, w, transpose_shape, strides, "SAME")  # noqa: E731
        rows.append((name + " fwd", fn, (x, w)))
        rows.append((name + " fwd+grad", grads(lambda x, w: tf.reduce_sum(fn(x, w)), x, w), ()))

    conv("D conv 3x3 1->64 s2 [128,28,28]", const(128, 28, 28, 1), const(3, 3, 1, 64), 2)
    conv("D conv 3x3 64->128 s2 [128,14,14]", const(128, 14, 14, 64), const(3, 3, 64, 128), 2)
    conv("G convT 4x4 128->128 s2 [64,7,7]", const(BATCH, 7, 7, 128), const(4, 4, 128, 128), 2,
         (BATCH, 14, 14, 128))
    conv("G convT 4x4 128->128 s2 [64,14,14]", const(BATCH, 14, 14, 128), const(4, 4, 128, 128), 2,
         (BATCH, 28, 28, 128))
    conv("G conv 7x7 128->1 [64,28,28]", const(BATCH, 28, 28, 128), const(7, 7, 128, 1), 1)
    big = const(BATCH, 28, 28, 128)
    rows.append(("leaky_relu [64,28,28,128] fwd", lambda x: tf.nn.leaky_relu(x, 0.2), (big,)))
    rows.append(("leaky_relu [64,28,28,128] fwd+grad",
                 grads(lambda x: tf.reduce_sum(tf.nn.leaky_relu(x, 0.2)), big), ()))
    pooled = const(128, 7, 7, 128)
    rows.append(("global max pool [128,7,7,128] fwd+grad",
                 grads(lambda x: tf.reduce_sum(tf.reduce_max(x, axis=[1, 2])), pooled), ()))
    shapes = [(LATENT, 7 * 7 * 128), (7 * 7 * 128,), (4, 4, 128, 128), (128,), (4, 4, 128, 128), (128,),
              (7, 7, 128, 1), (1,)]
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in shapes]
    gradients = [tf.constant(rng.standard_normal(s).astype(np.float32)) for s in shapes]
    adam = keras.optimizers.Adam(learning_rate=3e-4)
    rows.append(("Adam, generator's 8 variables (1.05M)", lambda: adam.apply(gradients, variables), ()))
    tick = clock(args)
    return [(name, median_time(lambda: fn(*inputs), 7, inner=3, clock=tick) * 1e3) for name, fn, inputs in rows]


def worker(args):
    rng = np.random.default_rng(0)
    images = rng.random((4, BATCH, 28, 28, 1), dtype=np.float32)
    if args.worker == "torch":
        import torch
        torch.set_num_threads(args.threads)
        torch.set_flush_denormal(True)
        torch.manual_seed(0)
        batches = [torch.from_numpy(b).permute(0, 3, 1, 2).contiguous() for b in images]
        result = {"times": time_steps(torch_step(torch), batches, args)}
    else:
        if args.worker == "pytensor":
            import pytensor as tf
            from pytensor import keras
            tf._core.set_num_threads(args.threads)
        else:
            import tensorflow as tf
            import keras
            tf.config.threading.set_intra_op_parallelism_threads(args.threads)
            tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        keras.utils.set_random_seed(0)
        batches = [tf.constant(b) for b in images]
        result = {"times": time_steps(keras_step(tf, keras, keras.layers), batches, args)}
        if args.profile:
            result["profile"] = profile_ops(tf, keras, args)
    print(json.dumps(result))


def spawn(python, framework, args):
    flags = ["--steps", str(args.steps), "--warmup", str(args.warmup)] + \
        (["--cpu-time"] if args.cpu_time else []) + (["--profile"] if args.profile else [])
    return run_worker(python, __file__, framework, args.threads, flags, env={"TF_CPP_MIN_LOG_LEVEL": "2"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cpu-time", action="store_true", help="process CPU seconds instead of wall-clock")
    ap.add_argument("--profile", action="store_true", help="also time the step's ops one by one (pytensor, TF)")
    ap.add_argument("--peer-python", default="/work/peers-venv/bin/python")
    ap.add_argument("--only", default="pytensor,tf,torch")
    ap.add_argument("--worker", choices=["pytensor", "tf", "torch"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    runs = {}
    for framework in ("pytensor", "tf", "torch"):
        if framework in args.only.split(","):
            runs[framework] = spawn(sys.executable if framework == "pytensor" else args.peer_python, framework, args)
    unit = "CPU ms" if args.cpu_time else "ms"
    print(f"GAN train step (Keras guide custom_train_step_in_tensorflow), batch {BATCH}, {args.threads} threads; "
          f"{unit} per step, median of {args.steps} after {args.warmup} warm-up")
    medians = {}
    for framework, (result, error) in runs.items():
        if result is None:
            print(f"{framework:10s} failed: {error}")
            continue
        medians[framework] = statistics.median(result["times"]) * 1e3
        print(f"{framework:10s} {medians[framework]:9.1f} {unit}")
    for peer in ("tf", "torch"):
        if peer in medians and "pytensor" in medians:
            print(f"{peer} / pytensor: {medians[peer] / medians['pytensor']:.2f}x (> 1: pytensor faster)")
    profiles = {f: r["profile"] for f, (r, _) in runs.items() if r is not None and "profile" in r}
    if profiles:
        names = [name for name, _ in next(iter(profiles.values()))]
        print(f"\nper-op {unit} (eager, median):")
        print(f"{'op':48s}" + "".join(f"{f:>10s}" for f in profiles) + ("   tf/pytensor" if len(profiles) == 2 else ""))
        for i, name in enumerate(names):
            values = [profiles[f][i][1] for f in profiles]
            ratio = f"   {values[1] / values[0]:.2f}x" if len(values) == 2 else ""
            print(f"{name:48s}" + "".join(f"{v:10.2f}" for v in values) + ratio)


if __name__ == "__main__":
    main()
