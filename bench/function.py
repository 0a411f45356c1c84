"""tf.function vs eager on an overhead-bound training step, side by side with TensorFlow and PyTorch in one run.

    python3 bench/function.py                       # all four, peers from /work/peers-venv
    python3 bench/function.py --only pytensor       # pytensor eager and tf.function only
    python3 bench/function.py --repeats 15 --min-time 0.3 --threads 1 --peer-python /path/to/python

The step (issue 22's figure): a Keras MLP 64 -> Dense(64, relu) -> Dense(10) on a batch of 32, Adam, a
GradientTape over the forward and SparseCategoricalCrossentropy(from_logits=True), apply_gradients, and two metric
updates (Mean of the loss, SparseCategoricalAccuracy), as the seeds' `train_step`. Cases:
  pytensor eager, pytensor tf.function, TensorFlow tf.function (and eager), PyTorch eager (the same step by hand:
  nn.Sequential, Adam, cross_entropy, the two running metrics as tensors).
Each case runs in its own subprocess (peers from the throwaway venv). Reported: the median µs per step over
--repeats repeats (each calibrated to last >= --min-time), pytensor tf.function's speed-up over each, and for
pytensor the peak memory of one warm step (core allocations above those held before it; memory planning's figure).
Before timing, pytensor checks that 20 traced steps give the losses of 20 eager steps from the same start (rtol
1e-5: not bitwise, the traced cross-entropy gradient is built from ops, eager's is one fused kernel).
Target: tf.function >= 3x faster than pytensor eager, and faster than TF's tf.function and PyTorch eager.
The machine is shared: read medians, and rerun when a figure looks off.
"""
import argparse
import json
import os
import subprocess
import sys

from _timing import measure

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER_PYTHON = "/work/peers-venv/bin/python"
BATCH, FEATURES, HIDDEN, CLASSES = 32, 64, 64, 10


def data():
    import numpy as np
    rng = np.random.RandomState(0)
    return rng.rand(BATCH, FEATURES).astype("float32"), rng.randint(0, CLASSES, BATCH).astype("int32")


def keras_case(tf, traced):
    """The seeds' train_step on `tf` (pytensor or TensorFlow); returns step(x, y) -> loss and the inputs."""
    import numpy as np
    x_np, y_np = data()
    tf.random.set_seed(1)
    model = tf.keras.Sequential([tf.keras.Input((FEATURES,)), tf.keras.layers.Dense(HIDDEN, activation="relu"),
                                 tf.keras.layers.Dense(CLASSES)])
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)
        return loss

    step = tf.function(train_step) if traced else train_step
    x, y = tf.constant(x_np), tf.constant(y_np)
    return step, x, y, np


def check_pytensor_bitwise(pt):
    """20 traced steps give the losses of 20 eager steps (both from the same initial weights) to rounding: the traced
    sparse cross-entropy gradient is built from ops where eager runs a fused kernel, so they are not bitwise."""
    losses = []
    for traced in (False, True):
        step, x, y, np = keras_case(pt, traced)
        losses.append([float(step(x, y).numpy()) for _ in range(20)])
    import numpy as np
    if not np.allclose(losses[0], losses[1], rtol=1e-5, atol=0):
        raise SystemExit(f"tf.function's losses differ from eager's:\n eager {losses[0]}\n traced {losses[1]}")


def torch_case():
    import numpy as np
    import torch
    x_np, y_np = data()
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np).long()
    total, count, correct, seen = torch.zeros(()), torch.zeros(()), torch.zeros(()), torch.zeros(())

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            total.add_(loss.detach())
            count.add_(1)
            correct.add_((logits.argmax(1) == y).sum())
            seen.add_(y.numel())
        return loss

    return step, np


def child(case, args):
    if case.startswith("pytensor"):
        sys.path.insert(0, REPO)
        import pytensor as pt
        pt._core.set_num_threads(args.threads)
        if case == "pytensor-check":
            check_pytensor_bitwise(pt)
            return {"ok": True}
        step, x, y, _ = keras_case(pt, case == "pytensor-function")
        us = measure(lambda: step(x, y), args.min_time, args.repeats) * 1e6
        # Peak memory of one warm step: the most bytes the core held above what it held before the step.
        pt._core.reset_peak_bytes()
        base = pt._core.live_bytes()
        step(x, y)
        return {"us": us, "peak_kib": (pt._core.peak_bytes() - base) / 1024}
    if case.startswith("tensorflow"):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        step, x, y, _ = keras_case(tf, case == "tensorflow-function")
        return {"us": measure(lambda: step(x, y), args.min_time, args.repeats) * 1e6, "version": tf.__version__}
    if case == "torch":
        import torch
        torch.set_num_threads(args.threads)
        step, _ = torch_case()
        return {"us": measure(step, args.min_time, args.repeats) * 1e6, "version": torch.__version__}
    raise SystemExit(f"unknown case {case}")


def run_child(python, case, args):
    cmd = [python, os.path.abspath(__file__), "--child", case, "--threads", str(args.threads), "--repeats",
           str(args.repeats), "--min-time", str(args.min_time)]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--child")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--peer-python", default=PEER_PYTHON)
    p.add_argument("--only", choices=["pytensor"])
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args)))
        return
    check = run_child(sys.executable, "pytensor-check", args)
    print("check (20 steps, tf.function vs eager losses, rtol 1e-5):", "passed" if check.get("ok") else check)
    cases = [("pytensor eager", sys.executable, "pytensor-eager"),
             ("pytensor tf.function", sys.executable, "pytensor-function")]
    if args.only != "pytensor":
        cases += [("TensorFlow eager", args.peer_python, "tensorflow-eager"),
                  ("TensorFlow tf.function", args.peer_python, "tensorflow-function"),
                  ("PyTorch eager", args.peer_python, "torch")]
    results = {}
    for label, python, case in cases:
        results[label] = run_child(python, case, args)
    print(f"MLP {FEATURES}->{HIDDEN}->{CLASSES}, batch {BATCH}, Adam + 2 metrics, {args.threads} thread(s); "
          f"median of {args.repeats}")
    ours = results["pytensor tf.function"].get("us")
    for label, r in results.items():
        if "us" not in r:
            print(f"  {label:24s} failed: {r.get('error')}")
            continue
        ratio = f"  tf.function is {r['us'] / ours:5.2f}x faster" if ours and label != "pytensor tf.function" else ""
        version = f" ({r['version']})" if "version" in r else ""
        peak = f"  peak {r['peak_kib']:.1f} KiB above the start" if "peak_kib" in r else ""
        print(f"  {label:24s} {r['us']:9.1f} us/step{ratio}{version}{peak}")


if __name__ == "__main__":
    main()
