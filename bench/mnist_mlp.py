"""The seeds' MLP on real MNIST: pytensor's Keras `fit` vs a PyTorch hand loop, side by side.

Model (both): Dense 512 relu -> Dense 10 softmax on 784 inputs; RMSprop (Keras's defaults: lr 1e-3, rho 0.9,
eps 1e-7), batch 128, shuffled, 5 epochs. Each framework runs in its own subprocess (so peak RSS is its own)
with 2 threads; PyTorch from the peers venv (/tmp/pt-peers) with denormals flushed. Prints seconds per epoch
(median of epochs 2-5), peak RSS, test accuracy and the time to predict the 10 000 test images (pytensor:
`model.predict` with Keras's default batch 32 and with one batch; PyTorch: `no_grad` forwards in batches of 32 and
in one batch; each the median of 5).
With --tf-python (default /tmp/tf-peers/bin/python, a throwaway venv with `pip install tensorflow-cpu`) the same Keras
program also runs on TensorFlow; issue 7 measured TF/Keras `fit` on this machine at 1.93 s per epoch,
97.8 % test accuracy, 1 085 MiB peak. Issue 7's targets: pytensor <= 0.7 s per epoch, <= 300 MiB peak,
>= 97.5 % test accuracy after 5 epochs.

Run: python3 bench/mnist_mlp.py [--epochs 5] [--threads 2] [--peer-python /tmp/pt-peers/bin/python]
     [--only pytensor|torch] [--model sequential|functional|subclassed] [--run-eagerly]
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

from _peers import run_worker

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
# The real MNIST in Keras's format: the shared data folder beside the repository, or $MNIST_NPZ.
MNIST = os.environ.get("MNIST_NPZ", os.path.join(REPO, os.pardir, "shared", "data", "mnist.npz"))


def load():
    with np.load(MNIST) as f:
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    # Scaled in place: `astype(...) / 255` would briefly hold two float32 copies (376 MiB) of the images.
    x_train = x_train.reshape((60000, 28 * 28)).astype("float32")
    x_train /= 255
    x_test = x_test.reshape((10000, 28 * 28)).astype("float32")
    x_test /= 255
    return x_train, y_train, x_test, y_test


def median_seconds(fn, repeats=5):
    """Median wall time of fn() over `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_mlp(keras, layers, kind):
    """The benchmark MLP written as a Sequential, a functional or a subclassed model (the same layers)."""
    if kind == "sequential":
        return keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    if kind == "functional":
        inputs = keras.Input((28 * 28,))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.Dense(512, activation="relu")(inputs)))

    class MLP(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(512, activation="relu")
            self.out = layers.Dense(10, activation="softmax")

        def call(self, x):
            return self.out(self.hidden(x))

    return MLP()


def run_keras(args):
    """The seeds' Keras program, on pytensor or (worker "tf") on TensorFlow itself."""
    if args.worker == "tf":
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    else:
        import pytensor as tf
        from pytensor import keras
        from pytensor.keras import layers

        tf._core.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = load()
    keras.utils.set_random_seed(0)
    model = build_mlp(keras, layers, args.model)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  **({"run_eagerly": True} if args.run_eagerly else {}))
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0)
        times.append(time.perf_counter() - start)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    predict_s = median_seconds(lambda: model.predict(x_test, verbose=0))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the one-batch predict's buffers
    predict_one_s = median_seconds(lambda: model.predict(x_test, batch_size=len(x_test), verbose=0))
    return {"times": times, "accuracy": float(accuracy), "predict_s": predict_s, "predict_one_s": predict_one_s,
            "peak_mib": peak_mib}


def run_torch(args):
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load())
    y_train, y_test = y_train.long(), y_test.long()
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x_train))
        for i in range(0, len(x_train), 128):
            batch = order[i:i + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        logits = model(x_test)
        predict_s = median_seconds(lambda: [model(x_test[i:i + 32]) for i in range(0, len(x_test), 32)])
        predict_one_s = median_seconds(lambda: model(x_test))
    accuracy = (logits.argmax(1) == y_test).float().mean().item()
    return {"times": times, "accuracy": accuracy, "predict_s": predict_s, "predict_one_s": predict_one_s}


def worker(args):
    result = (run_torch if args.worker == "torch" else run_keras)(args)
    result.setdefault("peak_mib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def spawn(python, framework, args):
    flags = ["--epochs", str(args.epochs), "--model", args.model] + (["--run-eagerly"] if args.run_eagerly else [])
    return run_worker(python, __file__, framework, args.threads, flags)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--peer-python", default="/tmp/pt-peers/bin/python")
    ap.add_argument("--tf-python", default="/tmp/tf-peers/bin/python",
                    help="a Python with tensorflow-cpu (a throwaway venv); skipped when absent")
    ap.add_argument("--only", choices=["pytensor", "torch", "tf"])
    ap.add_argument("--model", choices=["sequential", "functional", "subclassed"], default="sequential",
                    help="how the Keras model is written (the same layers)")
    ap.add_argument("--run-eagerly", action="store_true", help="compile(run_eagerly=True): Keras's eager loop")
    ap.add_argument("--worker", choices=["pytensor", "torch", "tf"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    runs = {}
    for framework, python in (("pytensor", sys.executable), ("torch", args.peer_python), ("tf", args.tf_python)):
        if args.only in (None, framework) and (framework == "pytensor" or os.path.exists(python)):
            runs[framework] = spawn(python, framework, args)
    print(f"seeds' MLP 784-512-10 ({args.model}{', run_eagerly' if args.run_eagerly else ''}), MNIST 60000 train / "
          f"10000 test, batch 128, RMSprop, {args.threads} threads")
    print(f"{'':10s} {'epoch 1 s':>10s} {'epoch s*':>9s} {'peak MiB':>9s} {'test acc':>9s} {'predict s':>10s} "
          f"{'1 batch s':>10s}")
    print(f"{'TF (issue)':10s} {'':>10s} {1.93:9.2f} {1085:9.0f} {97.8:8.2f}% {'':>10s} {'':>10s}")
    for framework, (result, error) in runs.items():
        if result is None:
            print(f"{framework:10s} failed: {error}")
            continue
        times = result["times"]
        steady = statistics.median(times[1:]) if len(times) > 1 else times[0]
        print(f"{framework:10s} {times[0]:10.2f} {steady:9.2f} {result['peak_mib']:9.0f} "
              f"{result['accuracy'] * 100:8.2f}% {result['predict_s']:10.3f} {result['predict_one_s']:10.3f}")
    print("* median of epochs 2-5 (epoch 1 when only one ran); pytensor predict: batch 32, then one batch (peak RSS "
          "is read before it), torch: no_grad forwards likewise; tf: the same Keras program on TensorFlow")


if __name__ == "__main__":
    main()
