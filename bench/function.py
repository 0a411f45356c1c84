"""tf.function vs eager on overhead-bound training steps, side by side with TensorFlow and PyTorch in one run.

    python3 bench/function.py                       # every case, peers from /work/peers-venv
    python3 bench/function.py --case rnn            # one case: mlp, rnn, overhead or trace
    python3 bench/function.py --only pytensor       # pytensor eager and tf.function only
    python3 bench/function.py --repeats 15 --min-time 0.3 --threads 1 --peer-python /path/to/python
    python3 bench/function.py --clock cpu           # CPU time of each process: steadier when others load the cores

Cases (issue 22's figures):
  mlp       the MLP training step below: tf.function >= 3x faster than pytensor eager, faster than TF's
            tf.function and PyTorch eager; peak memory of a traced step <= eager's.
  rnn       a SimpleRNN-like cell h = tanh(x_t W + h U + b) unrolled over 50 steps (batch 32, width 64) by a Python
            loop, the loss mean(h^2), its gradient by a GradientTape and an Adam step: the same targets as mlp
            (PyTorch: the same cell by hand, loss.backward(), torch.optim.Adam). Also timed: the step's 250 matrix
            products alone, traced (the floor under any traced step: eager / products bounds its speed-up).
  overhead  the fixed cost of calling a traced function: `f(a, b, c, d)` returning `a`, four float32 tensors of
            shape (2,): under 5 us (TF's tf.function beside it).
  trace     the first call of the seed 000's train_step as a tf.function (the TF quickstart model: Conv2D(32, 3,
            relu), Flatten, Dense(128, relu), Dense(10), built beforehand; batch 32 of 28x28x1; Adam; Mean and
            SparseCategoricalAccuracy): trace + optimise + run, target <= 50 ms for the trace. Reported: the first
            call of the first function in a fresh process (imports and AutoGraph's first conversion included), the median first call
            of fresh models and functions after it, the steady step, and first call - steady step; the last three in
            CPU time too (TensorFlow's tf.function uses more threads: its CPU time is not comparable); and the CPU
            time of a retrace (a new batch size, Adam's slots made already: the trace without the first step's
            variable creation, whose fresh buffers' page faults vary most on a busy machine).

The mlp step: a Keras MLP 64 -> Dense(64, relu) -> Dense(10) on a batch of 32, Adam, a
GradientTape over the forward and SparseCategoricalCrossentropy(from_logits=True), apply_gradients, and two metric
updates (Mean of the loss, SparseCategoricalAccuracy), as the seeds' `train_step`. Cases:
  pytensor eager, pytensor tf.function, TensorFlow tf.function (and eager), PyTorch eager (the same step by hand:
  nn.Sequential, Adam, cross_entropy, the two running metrics as tensors).
Each case runs in its own subprocess (peers from the throwaway venv). Reported: the median µs per step over
--repeats repeats (each calibrated to last >= --min-time), pytensor tf.function's speed-up over each, and for
pytensor the peak memory of one warm step (core allocations above those held before it; memory planning's figure).
Before timing, pytensor checks that 20 traced steps give the losses of 20 eager steps from the same start (rtol
1e-5: not bitwise, the traced cross-entropy gradient is built from ops, eager's is one fused kernel); the rnn case
checks 5 steps the same way.
The machine is shared: read medians, and rerun when a figure looks off.
"""
import argparse
import json
import os
import sys
import time

from _peers import run_worker
from _timing import measure

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER_PYTHON = "/work/peers-venv/bin/python"
BATCH, FEATURES, HIDDEN, CLASSES = 32, 64, 64, 10
STEPS, WIDTH = 50, 64  # the rnn case: time steps, input and state width
# --clock: wall time, or the CPU time of the timing process (all its threads), steadier on a loaded machine
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


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


def rnn_data():
    import numpy as np
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (STEPS, BATCH, WIDTH)).astype("float32")
    w, u = (rng.uniform(-0.2, 0.2, (WIDTH, WIDTH)).astype("float32") for _ in range(2))
    return x, w, u, np.zeros(WIDTH, "float32")


def rnn_case(tf, traced):
    """The unrolled cell's training step on `tf` (pytensor or TensorFlow); returns step(x) -> loss and x."""
    x_np, w_np, u_np, b_np = rnn_data()
    w, u, b = tf.Variable(w_np), tf.Variable(u_np), tf.Variable(b_np)
    optimizer = tf.keras.optimizers.Adam()

    def train_step(x):
        with tf.GradientTape() as tape:
            h = tf.zeros((BATCH, WIDTH))
            for x_t in tf.unstack(x):  # a Python loop: unrolled into 50 cells when traced
                h = tf.tanh(tf.matmul(x_t, w) + tf.matmul(h, u) + b)
            loss = tf.reduce_mean(tf.square(h))
        gradients = tape.gradient(loss, [w, u, b])
        optimizer.apply_gradients(zip(gradients, [w, u, b]))
        return loss

    return (tf.function(train_step) if traced else train_step), tf.constant(x_np)


def rnn_products_case(tf):
    """The traced rnn step's 250 matrix products alone, in its shapes and order of dependence (per time step: x_t W
    and h U forward; dh Uᵀ, x_tᵀ da and hᵀ da backward), with no element-wise op, reduction or update: the floor
    under the traced step on this machine. Returns call() -> the products' last values."""
    x_np, w_np, u_np, _ = rnn_data()
    w, u, x = tf.Variable(w_np), tf.Variable(u_np), tf.constant(x_np)  # variables: no product is folded at trace

    @tf.function
    def products(x):
        xs = tf.unstack(x)
        h, outs = xs[0], []
        for x_t in xs:
            outs.append(tf.matmul(x_t, w))
            h = tf.matmul(h, u)
        d = h
        for x_t in reversed(xs):
            d = tf.matmul(d, u, transpose_b=True)
            outs += [tf.matmul(x_t, d, transpose_a=True), tf.matmul(h, d, transpose_a=True)]
        return outs

    return lambda: products(x)


def check_pytensor_rnn(pt):
    """5 traced steps of the rnn case give the losses of 5 eager steps (rtol 1e-5)."""
    import numpy as np
    losses = []
    for traced in (False, True):
        step, x = rnn_case(pt, traced)
        losses.append([float(step(x).numpy()) for _ in range(5)])
    if not np.allclose(losses[0], losses[1], rtol=1e-5, atol=0):
        raise SystemExit(f"rnn: tf.function's losses differ from eager's:\n eager {losses[0]}\n traced {losses[1]}")


def torch_rnn_case():
    import torch
    x_np, w_np, u_np, b_np = rnn_data()
    w, u, b = (torch.tensor(a, requires_grad=True) for a in (w_np, u_np, b_np))
    optimizer = torch.optim.Adam([w, u, b], lr=1e-3, eps=1e-7)
    x = torch.from_numpy(x_np)

    def step():
        optimizer.zero_grad(set_to_none=True)
        h = torch.zeros(BATCH, WIDTH)
        for x_t in x.unbind(0):
            h = torch.tanh(x_t @ w + h @ u + b)
        loss = (h * h).mean()
        loss.backward()
        optimizer.step()
        return loss

    return step


def overhead_case(tf):
    """A traced function that only hands back its first of four small inputs: what a call costs besides the ops."""
    @tf.function
    def first(a, b, c, d):
        return a

    args = [tf.constant([float(i), 1.0]) for i in range(4)]
    first(*args)
    return lambda: first(*args)


def _system_seconds():
    """CPU seconds this process has spent in the kernel: on a fragmented machine the page faults of a first call's
    new buffers (huge pages the kernel must compact memory for) take tens of ms, which is not tracing work."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def quickstart_trace(tf, x_np, y_np, input_signature=None):
    """(wall seconds, CPU seconds, of which in the kernel) of the first call (trace + optimise + run) and the traced train_step of seed 000
    (fresh objects)."""

    class MyModel(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.conv1 = tf.keras.layers.Conv2D(32, 3, activation="relu")
            self.flatten = tf.keras.layers.Flatten()
            self.d1 = tf.keras.layers.Dense(128, activation="relu")
            self.d2 = tf.keras.layers.Dense(10)

        def call(self, x):
            return self.d2(self.d1(self.flatten(self.conv1(x))))

    model = MyModel()
    model(x_np[:1])  # built before, as the seeds' tests do: the first call's time is the trace's, not the weights'
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")

    @tf.function(input_signature=input_signature)
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    def first_call(images, labels):
        start, cpu, kernel = time.perf_counter(), time.process_time(), _system_seconds()
        train_step(images, labels)
        return time.perf_counter() - start, time.process_time() - cpu, _system_seconds() - kernel

    images, labels = tf.constant(x_np), tf.constant(y_np)
    return first_call(images, labels), lambda: train_step(images, labels), first_call


def trace_case(tf, args):
    import statistics
    import numpy as np
    rng = np.random.RandomState(0)
    x_np, y_np = rng.rand(BATCH, 28, 28, 1).astype("float32"), rng.randint(0, 10, BATCH).astype("uint8")
    (cold, _, _), step, first_call = quickstart_trace(tf, x_np, y_np)
    firsts = [quickstart_trace(tf, x_np, y_np)[0] for _ in range(max(3, args.repeats // 2))]
    steady = measure(step, args.min_time, args.repeats)
    steady_cpu = measure(step, args.min_time, args.repeats, clock=time.process_time)
    # Retraces: batches of 31, 30, ... rows, a new signature each with the variables and slots already made.
    retraces = [first_call(tf.constant(x_np[:BATCH - k]), tf.constant(y_np[:BATCH - k]))[1]
                for k in range(1, max(3, args.repeats // 2) + 1)]
    # Under input_signature [None, ...]: TF traces once; pytensor traces batches of 32, 31, 30 and 29 (the first makes
    # the slots; the mean's 1 / n needs three sizes), then makes the graph of each new batch size from those traces.
    signature = [tf.TensorSpec([None, 28, 28, 1], tf.float32), tf.TensorSpec([None], tf.uint8)]
    _, _, signature_call = quickstart_trace(tf, x_np, y_np, signature)
    for k in range(1, 4):
        signature_call(tf.constant(x_np[:BATCH - k]), tf.constant(y_np[:BATCH - k]))
    sizes = [signature_call(tf.constant(x_np[:BATCH - k]), tf.constant(y_np[:BATCH - k]))[1]
             for k in range(4, max(3, args.repeats // 2) + 4)]
    return {"cold_ms": cold * 1e3, "warm_ms": statistics.median(w for w, _, _ in firsts) * 1e3, "step_ms": steady * 1e3,
            "warm_cpu_ms": statistics.median(c for _, c, _ in firsts) * 1e3, "step_cpu_ms": steady_cpu * 1e3,
            "warm_user_ms": statistics.median(c - k for _, c, k in firsts) * 1e3,
            "warm_system_ms": [round(k * 1e3, 1) for _, _, k in firsts],
            "retrace_cpu_ms": statistics.median(retraces) * 1e3, "new_size_cpu_ms": statistics.median(sizes) * 1e3}


def child(case, args):
    if case.startswith("pytensor"):
        sys.path.insert(0, REPO)
        import pytensor as pt
        pt._core.set_num_threads(args.threads)
        if case == "pytensor-products":
            return {"us": measure(rnn_products_case(pt), args.min_time, args.repeats, clock=CLOCKS[args.clock]) * 1e6}
        if case == "pytensor-check":
            (check_pytensor_rnn if args.case == "rnn" else check_pytensor_bitwise)(pt)
            return {"ok": True}
        return library_case(pt, case == "pytensor-function", args)
    if case.startswith("tensorflow"):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        return dict(library_case(tf, case == "tensorflow-function", args), version=tf.__version__)
    if case == "torch":
        import torch
        torch.set_num_threads(args.threads)
        step = torch_rnn_case() if args.case == "rnn" else torch_case()[0]
        us = measure(step, args.min_time, args.repeats, clock=CLOCKS[args.clock]) * 1e6
        return {"us": us, "version": torch.__version__}
    raise SystemExit(f"unknown case {case}")


def library_case(tf, traced, args):
    """Times --case on `tf` (pytensor or TensorFlow), eager or traced; pytensor's steps report their peak memory."""
    if args.case == "trace":
        return trace_case(tf, args)
    if args.case == "overhead":
        return {"us": measure(overhead_case(tf), args.min_time, args.repeats, clock=CLOCKS[args.clock]) * 1e6}
    if args.case == "rnn":
        step, x = rnn_case(tf, traced)
        call = lambda: step(x)  # noqa: E731
    else:
        step, x, y, _ = keras_case(tf, traced)
        call = lambda: step(x, y)  # noqa: E731
    out = {"us": measure(call, args.min_time, args.repeats, clock=CLOCKS[args.clock]) * 1e6}
    core = getattr(tf, "_core", None)
    if core is not None and hasattr(core, "peak_bytes"):
        # Peak memory of one warm step: the most bytes the core held above what it held before the step.
        core.reset_peak_bytes()
        base = core.live_bytes()
        call()
        out["peak_kib"] = (core.peak_bytes() - base) / 1024
    return out


def run_child(python, case, args):
    result, error = run_worker(python, __file__, case, args.threads, ["--case", args.case, "--clock", args.clock,
                                                                      "--repeats", str(args.repeats),
                                                                      "--min-time", str(args.min_time)])
    return {"error": error} if error else result


CASE_TITLES = {
    "mlp": f"MLP {FEATURES}->{HIDDEN}->{CLASSES}, batch {BATCH}, Adam + 2 metrics",
    "rnn": f"RNN cell unrolled over {STEPS} steps, batch {BATCH}, width {WIDTH}, tape + Adam",
    "overhead": "call of a traced f(a, b, c, d) -> a, four float32 tensors of shape (2,)",
    "trace": "first call of seed 000's train_step (quickstart CNN, batch 32, Adam + 2 metrics)",
}


def run_case(args):
    """Runs --case in its children and prints its table."""
    if args.case in ("mlp", "rnn"):
        check = run_child(sys.executable, "pytensor-check", args)
        print(f"{args.case} check (tf.function vs eager losses, rtol 1e-5):", "passed" if check.get("ok") else check)
        cases = [("pytensor eager", sys.executable, "pytensor-eager"),
                 ("pytensor tf.function", sys.executable, "pytensor-function")]
        if args.case == "rnn":
            cases.append(("pytensor products alone", sys.executable, "pytensor-products"))
        peers = [("TensorFlow eager", args.peer_python, "tensorflow-eager"),
                 ("TensorFlow tf.function", args.peer_python, "tensorflow-function"),
                 ("PyTorch eager", args.peer_python, "torch")]
    else:
        cases = [("pytensor tf.function", sys.executable, "pytensor-function")]
        peers = [("TensorFlow tf.function", args.peer_python, "tensorflow-function")]
    if args.only != "pytensor":
        cases += peers
    results = {label: run_child(python, case, args) for label, python, case in cases}
    print(f"{CASE_TITLES[args.case]}; {args.threads} thread(s); median of {args.repeats}; {args.clock} time")
    ours = results["pytensor tf.function"].get("us")
    for label, r in results.items():
        version = f" ({r['version']})" if "version" in r else ""
        if "cold_ms" in r:
            print(f"  {label:24s} first call {r['cold_ms']:8.1f} ms cold, {r['warm_ms']:8.1f} ms warm; step "
                  f"{r['step_ms']:7.2f} ms; first call - step {r['warm_ms'] - r['step_ms']:8.1f} ms warm{version}")
            print(f"  {'':24s} in CPU time (steadier on a busy machine): first call {r['warm_cpu_ms']:8.1f} ms warm; "
                  f"step {r['step_cpu_ms']:7.2f} ms; first call - step {r['warm_cpu_ms'] - r['step_cpu_ms']:8.1f} ms")
            print(f"  {'':24s} of which in user space: first call {r['warm_user_ms']:8.1f} ms, - step "
                  f"{r['warm_user_ms'] - r['step_cpu_ms']:8.1f} ms; in the kernel (page faults) per first call: "
                  f"{r['warm_system_ms']} ms")
            print(f"  {'':24s} a retrace (a new batch size; variables and slots exist): first call "
                  f"{r['retrace_cpu_ms']:8.1f} ms CPU, - step {r['retrace_cpu_ms'] - r['step_cpu_ms']:8.1f} ms")
            print(f"  {'':24s} a new batch size under input_signature [None, ...] (after the traces it takes): first "
                  f"call {r['new_size_cpu_ms']:8.1f} ms CPU, - step {r['new_size_cpu_ms'] - r['step_cpu_ms']:8.1f} ms")
            continue
        if "us" not in r:
            print(f"  {label:24s} failed: {r.get('error')}")
            continue
        ratio = f"  tf.function is {r['us'] / ours:5.2f}x faster" if ours and label != "pytensor tf.function" else ""
        if label == "pytensor products alone" and "us" in results["pytensor eager"]:
            ratio = (f"  the floor: eager / products = {results['pytensor eager']['us'] / r['us']:4.2f}x, the most "
                     f"any traced step could gain")
        peak = f"  peak {r['peak_kib']:.1f} KiB above the start" if "peak_kib" in r else ""
        print(f"  {label:24s} {r['us']:9.1f} us/{'call' if args.case == 'overhead' else 'step'}{ratio}{version}"
              f"{peak}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--case", choices=list(CASE_TITLES) + ["all"], default="all")
    p.add_argument("--clock", choices=list(CLOCKS), default="wall")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--peer-python", default=PEER_PYTHON)
    p.add_argument("--only", choices=["pytensor"])
    args = p.parse_args()
    if args.worker:
        print(json.dumps(child(args.worker, args)))
        return
    for case in (list(CASE_TITLES) if args.case == "all" else [args.case]):
        run_case(argparse.Namespace(**dict(vars(args), case=case)))


if __name__ == "__main__":
    main()
