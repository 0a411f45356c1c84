"""The benchmark CNN on real MNIST: pytensor's Keras `fit` vs a PyTorch hand loop, side by side.

Model (both): Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2 -> Flatten -> Dense 10
softmax; Adam(1e-3), batch 128, shuffled, 2 epochs. Each framework runs in its own subprocess (so peak RSS
is its own) with 2 threads; PyTorch from the peers venv (/tmp/pt-peers, see bench/peers.sh) with denormals
flushed. Prints seconds per epoch (epoch 1 includes warm-up; the figure is the median of epochs >= 2),
peak RSS and test accuracy. Issue 7's targets: pytensor <= 0.5x PyTorch's epoch time, >= 98.5 % test
accuracy after 2 epochs.

Run: python3 bench/mnist_cnn.py [--epochs 2] [--threads 2] [--peer-python /tmp/pt-peers/bin/python]
     [--only pytensor|torch] [--train-samples N] [--rounds N] [--model sequential|functional|subclassed]
     [--run-eagerly]
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


def load(train_samples):
    with np.load(MNIST) as f:
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    x_train = (x_train[:train_samples].astype(np.float32) / 255.0)[..., None]
    x_test = (x_test.astype(np.float32) / 255.0)[..., None]
    return x_train, y_train[:train_samples].astype(np.int64), x_test, y_test.astype(np.int64)


def build_cnn(keras, layers, kind):
    """The benchmark CNN written as a Sequential, a functional or a subclassed model (the same layers)."""
    stack = [layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
             layers.Conv2D(64, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)), layers.Flatten(),
             layers.Dense(10, activation="softmax")]
    if kind == "sequential":
        return keras.Sequential([keras.Input(shape=(28, 28, 1))] + stack)
    if kind == "functional":
        inputs = x = keras.Input(shape=(28, 28, 1))
        for layer in stack:
            x = layer(x)
        return keras.Model(inputs, x)

    class CNN(keras.Model):
        def __init__(self):
            super().__init__()
            self.stack = stack

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return x

    return CNN()


def run_pytensor(args):
    import pytensor as tf
    from pytensor import keras
    from pytensor.keras import layers

    tf._core.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = load(args.train_samples)
    keras.utils.set_random_seed(0)
    model = build_cnn(keras, layers, args.model)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **({"run_eagerly": True} if args.run_eagerly else {}))
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    _, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    return times, float(accuracy), time.perf_counter() - start


def run_torch(args):
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = load(args.train_samples)
    x_train = torch.from_numpy(x_train).permute(0, 3, 1, 2).contiguous()
    x_test = torch.from_numpy(x_test).permute(0, 3, 1, 2).contiguous()
    y_train, y_test = torch.from_numpy(y_train), torch.from_numpy(y_test)
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
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
    start = time.perf_counter()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return times, accuracy, time.perf_counter() - start


def worker(args):
    times, accuracy, eval_s = (run_pytensor if args.worker == "pytensor" else run_torch)(args)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"times": times, "accuracy": accuracy, "eval_s": eval_s, "peak_mib": peak_mib}))


def spawn(python, framework, args):
    flags = ["--epochs", str(args.epochs), "--train-samples", str(args.train_samples), "--model", args.model] + \
        (["--run-eagerly"] if args.run_eagerly else [])
    return run_worker(python, __file__, framework, args.threads, flags)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-samples", type=int, default=60000)
    ap.add_argument("--rounds", type=int, default=1, help="alternating pytensor / torch runs; the ratio is their median")
    ap.add_argument("--peer-python", default="/tmp/pt-peers/bin/python")
    ap.add_argument("--only", choices=["pytensor", "torch"])
    ap.add_argument("--model", choices=["sequential", "functional", "subclassed"], default="sequential",
                    help="how the Keras model is written (the same layers)")
    ap.add_argument("--run-eagerly", action="store_true", help="compile(run_eagerly=True): Keras's eager loop")
    ap.add_argument("--worker", choices=["pytensor", "torch"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    # Rounds alternate the frameworks, so a slow spell of a shared machine lands on both; each round's ratio
    # compares runs made minutes apart, and the figure is the median over rounds.
    rounds = []
    for _ in range(args.rounds):
        runs = {}
        for framework, python in (("pytensor", sys.executable), ("torch", args.peer_python)):
            if args.only in (None, framework):
                runs[framework] = spawn(python, framework, args)
        rounds.append(runs)
    print(f"benchmark CNN ({args.model}{', run_eagerly' if args.run_eagerly else ''}), MNIST {args.train_samples} "
          f"train / 10000 test, batch 128, Adam, {args.threads} threads, {args.rounds} round(s)")
    print(f"{'':10s} {'round':>5s} {'epoch 1 s':>10s} {'epoch s*':>9s} {'peak MiB':>9s} {'test acc':>9s} {'eval s':>7s}")
    ratios = []
    for number, runs in enumerate(rounds, 1):
        steady = {}
        for framework, (result, error) in runs.items():
            if result is None:
                print(f"{framework:10s} {number:5d} failed: {error}")
                continue
            times = result["times"]
            steady[framework] = statistics.median(times[1:]) if len(times) > 1 else times[0]
            print(f"{framework:10s} {number:5d} {times[0]:10.2f} {steady[framework]:9.2f} {result['peak_mib']:9.0f} "
                  f"{result['accuracy'] * 100:8.2f}% {result['eval_s']:7.3f}")
        if len(steady) == 2:
            ratios.append(steady["pytensor"] / steady["torch"])
    if ratios:
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"pytensor / torch epoch time: {statistics.median(ratios):.2f}x median of rounds ({shown}); "
              f"target <= 0.5x")
    print("* median of epochs >= 2 (epoch 1 when only one ran)")


if __name__ == "__main__":
    main()
