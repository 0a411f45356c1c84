"""The cost of keras.callbacks.TensorBoard on the seeds' MNIST MLP `fit`, side by side with and without it.

Model as bench/mnist_mlp.py (Dense 512 relu -> Dense 10 softmax, RMSprop, batch 128, 60 000 images). Each trial
is one `fit(epochs=EPOCHS)`, alternately without and with `TensorBoard(histogram_freq=1, update_freq="batch")`
(a fresh log dir each time, so writer creation, the model graph, the per-batch scalars, the epoch histograms
and the final close are all counted); trials alternate so load from other processes hits both alike. Prints the
median seconds per epoch of each and the slowdown (issue 25's target: at most 5 %), and the same for the
process's CPU time (all threads, the writer thread included), which other processes' load disturbs less.

Run: python3 bench/tensorboard.py [--trials 5] [--epochs 2] [--threads 2]
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# This file's name would shadow the `tensorboard` package: take bench/ off the path, reach mnist_mlp explicitly.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
sys.path.insert(0, os.path.dirname(HERE))
_spec = importlib.util.spec_from_file_location("mnist_mlp", os.path.join(HERE, "mnist_mlp.py"))
mnist_mlp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mnist_mlp)
load = mnist_mlp.load  # the same data loading and scaling


def callback_cpu_seconds(keras, model, log_dir):
    """CPU seconds (all threads) the callback costs for one epoch of 469 batches, with no training around it:
    its hooks called as fit calls them, with fit's logs, up to on_train_end (which waits for the writer)."""
    board = keras.callbacks.TensorBoard(log_dir, histogram_freq=1, update_freq="batch")
    hooks = keras.callbacks.CallbackList([board], model=model, epochs=1, steps=469)
    start = time.process_time()
    hooks.on_train_begin()
    hooks.on_epoch_begin(0)
    for batch in range(469):
        hooks.on_train_batch_begin(batch)
        hooks.on_train_batch_end(batch, {"loss": 0.3 + 1e-3 * batch, "accuracy": 0.9})
    hooks.on_epoch_end(0, {"loss": 0.3, "accuracy": 0.9})
    hooks.on_train_end()
    return time.process_time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import pytensor as tf
    from pytensor import keras
    from pytensor.keras import layers

    tf._core.set_num_threads(args.threads)
    x_train, y_train, _, _ = load()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train[:1024], y_train[:1024], epochs=1, batch_size=128, verbose=0)   # build, warm up
    scratch = tempfile.mkdtemp(prefix="bench_tensorboard_")
    hooks_cpu = [callback_cpu_seconds(keras, model, os.path.join(scratch, f"hooks{i}")) for i in range(5)]
    seconds = {"without": [], "with": []}
    cpu = {"without": [], "with": []}   # process CPU time (all threads): less sensitive to other processes' load
    try:
        for trial in range(args.trials):
            for variant in ("without", "with"):
                callbacks = []
                if variant == "with":
                    log_dir = os.path.join(scratch, f"trial{trial}")
                    callbacks = [keras.callbacks.TensorBoard(log_dir, histogram_freq=1, update_freq="batch")]
                start, start_cpu = time.perf_counter(), time.process_time()
                model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0, callbacks=callbacks)
                seconds[variant].append((time.perf_counter() - start) / args.epochs)
                cpu[variant].append((time.process_time() - start_cpu) / args.epochs)
        events = sum(len(files) for _, _, files in os.walk(scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    without, with_ = statistics.median(seconds["without"]), statistics.median(seconds["with"])
    print(f"the callback alone, driven through one epoch's hooks (469 batches, histograms, close): "
          f"{1e3 * statistics.median(hooks_cpu):.1f} ms CPU (median of 5; the writer thread included)")
    print(f"seeds' MLP fit on {mnist_mlp.MNIST} (60000 images), batch 128 (469 steps/epoch), threads: "
          f"{args.threads}, {args.trials} trials of {args.epochs} epoch(s) each, alternating")
    print(f"without TensorBoard: {without:.3f} s/epoch (median; all {[round(s, 3) for s in seconds['without']]})")
    print(f"with TensorBoard(histogram_freq=1, update_freq='batch'): {with_:.3f} s/epoch (median; all "
          f"{[round(s, 3) for s in seconds['with']]}; {events} event files written)")
    print(f"slowdown: {100 * (with_ / without - 1):+.1f} %  (target <= +5 %)")
    cpu_without, cpu_with = statistics.median(cpu["without"]), statistics.median(cpu["with"])
    print(f"CPU time (all threads) per epoch: {cpu_without:.3f} s without, {cpu_with:.3f} s with: "
          f"{100 * (cpu_with / cpu_without - 1):+.1f} %; the callback alone is "
          f"{100 * statistics.median(hooks_cpu) / cpu_without:.1f} % of a plain epoch's CPU time")


if __name__ == "__main__":
    main()
