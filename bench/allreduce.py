"""tf.distribute's all-reduce over MPI on this machine (2 workers over shared memory / loopback), and the
scale-out model of bench/README.md.

1. Bus bandwidth, 1 MB - 256 MB float32 buffers: pytensor's gradient all-reduce (`_BucketedAllReduce`, what
   `optimizer.apply_gradients` runs under MultiWorkerMirroredStrategy, on a tensor) and `strategy.reduce(SUM, t)`,
   against mpi4py's raw `comm.Allreduce(a, b, MPI.SUM)` on numpy arrays; each of ours interleaved with mpi4py's
   (each first in turn), median of --reps (times 16 / MB below 16 MB). Bus bandwidth = 2 (N - 1) / N * bytes / seconds (the
   ring all-reduce's traffic per link). Also the ratio of the fastest repetitions (both workers on a core
   throughout) and our own Python per call, with a communicator that moves nothing.
2. The MNIST MLP step (784 -> 512 relu -> 10, SGD, global batch 128: 64 per worker): median step time with 2
   workers and the fraction of it blocked in MPI waits, split with the workers' shared clock into waiting for
   the other worker to arrive and the transfer once both are there, with the buckets started after the backward
   or during it (from the tape's gradient-ready callback), for 25 MB and 64 KiB buckets, and how much backward
   was left to hide behind once a bucket started; and one process's step at batch 128 for comparison.
3. With --model: the step-time model for the MLP and the benchmark CNN on 1-64 machines at 10 and 100 Gbit/s,
   calibrated by one process's measured step times (the table in bench/README.md).

Run: python bench/allreduce.py [--reps 7] [--steps 30] [--model] [--rounds N]   (it launches `mpirun -n 2`;
--rounds 0 --model: only one process's steps and the model)
On a busy machine the two workers wait for each other's time slices: --rounds repeats the whole measurement and
prints each round, so the quiet rounds can be told apart.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES_MB = (1, 4, 16, 64, 256)


def _mlp(tf):
    return tf.keras.Sequential([tf.keras.layers.Input((784,)), tf.keras.layers.Dense(512, activation="relu"),
                                tf.keras.layers.Dense(10)])


def _cnn(tf):
    layers = tf.keras.layers
    return tf.keras.Sequential([layers.Input((28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),
                                layers.MaxPooling2D((2, 2)), layers.Conv2D(64, (3, 3), activation="relu"),
                                layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dense(10)])


class _CommLog:
    """Wraps a strategy's communicator to log when each bucket's all-reduce was started (and its bytes) and when each
    blocking call (a blocking all-reduce, the final wait) was entered and left, in perf_counter seconds: on one
    machine perf_counter is CLOCK_MONOTONIC, shared by the workers, so their logs line up."""

    def __init__(self, comm):
        self.started, self.blocked = [], []
        blocking, nonblocking, wait = comm.allreduce_sum_into, comm.iallreduce_sum, comm.wait

        def allreduce_sum_into(send, recv):
            enter = time.perf_counter()
            blocking(send, recv)
            self.started.append((enter, recv.nbytes))
            self.blocked.append((enter, time.perf_counter()))

        def iallreduce_sum(send, recv):
            self.started.append((time.perf_counter(), recv.nbytes))
            return nonblocking(send, recv)

        def waited(requests):
            enter = time.perf_counter()
            wait(requests)
            self.blocked.append((enter, time.perf_counter()))

        comm.allreduce_sum_into, comm.iallreduce_sum, comm.wait = allreduce_sum_into, iallreduce_sum, waited


def _step_times(tf, model, x, y, steps, strategy=None, log=None):
    """One record per custom-loop train step (forward, backward, apply_gradients), warm-up left out: its start
    ("t0", absolute), and relative to it the ends of the forward and of ``tape.gradient`` and of the step, and (with
    a _CommLog) the buckets' starts and the blocking calls of that step."""
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = model.optimizer
    marks = {}

    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        marks["forward"] = time.perf_counter()
        grads = tape.gradient(loss, model.trainable_variables)
        marks["backward"] = time.perf_counter()
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    records = []
    for step in range(steps + 3):
        if log is not None:
            log.started.clear()
            log.blocked.clear()
        start = time.perf_counter()
        if strategy is not None:
            strategy.run(train_step)
        else:
            train_step()
        end = time.perf_counter()
        if step >= 3:  # warm-up steps left out
            records.append({"t0": start, "step": end - start, "forward": marks["forward"] - start,
                            "backward": marks["backward"] - start,
                            "started": [(t - start, n) for t, n in log.started] if log else [],
                            "blocked": [(a - start, b - start) for a, b in log.blocked] if log else []})
    return records


def _waits(per_rank):
    """One step's blocking calls across the workers (their records of that step, in rank order): each call's
    time on each worker split into waiting for a later worker to arrive (its late start: scheduling and load,
    not communication) and the rest (the transfer once all are there). Returns (blocked, late, transfer), the
    workers' means, in seconds."""
    blocked = late = 0.0
    calls = [rec["blocked"] for rec in per_rank]
    assert len({len(c) for c in calls}) == 1, "the workers made different blocking calls"
    for k in range(len(calls[0])):
        enters = [rec["t0"] + rec["blocked"][k][0] for rec in per_rank]
        for rec, enter in zip(per_rank, enters):
            spent = rec["blocked"][k][1] - rec["blocked"][k][0]
            blocked += spent
            late += min(spent, max(enters) - enter)
    workers = len(per_rank)
    return blocked / workers, late / workers, (blocked - late) / workers


def _bandwidth(tf, MPI, strategy, mb, reps):
    """One buffer size's row: mpi4py's raw all-reduce beside each of ours (and, at 1 MB, the split)."""
    comm, rank, size = MPI.COMM_WORLD, strategy.cluster_resolver.task_id, strategy.num_replicas_in_sync
    n = mb * 2 ** 20 // 4
    array = np.full(n, rank + 1.0, np.float32)
    tensor = tf.constant(array)
    out = np.empty_like(array)
    calls = {"mpi4py": lambda: comm.Allreduce(array, out, op=MPI.SUM),
             "gradient_allreduce": lambda: strategy._reducer([tensor], reuse_buffers=True)[0],
             "strategy_reduce": lambda: strategy.reduce(tf.distribute.ReduceOp.SUM, tensor, axis=None),
             # Where the gradient all-reduce's time goes at 1 MB: MPI's call alone on the tensor's memory
             # (a view made once), then with the view made each call, as the all-reduce makes it.
             "mpi_on_tensor": lambda: strategy._comm.allreduce_sum_into(view, received),
             "mpi_on_tensor_numpy": lambda: strategy._comm.allreduce_sum_into(tensor.numpy(), received)}
    view, received = tensor.numpy(), np.empty_like(array)
    # Each keeps its own last result: the one it replaces is freed in its own timed call, never in another's.
    # strategy.reduce allocates its result every call, and its fresh pages slow whatever runs next (0.1x of
    # the gradient all-reduce at 1 MB when the three were interleaved): it is timed beside mpi4py apart.
    results = dict.fromkeys(calls)
    times = {}
    pairs = [("mpi4py", "gradient_allreduce"), ("mpi4py", "strategy_reduce")]
    if mb == 1:
        pairs += [("mpi4py", "mpi_on_tensor"), ("mpi4py", "mpi_on_tensor_numpy")]
    for pair in pairs:
        times[pair] = {name: [] for name in pair}
        for rep in range(reps * max(1, 16 // mb)):  # more repetitions of the quick small sizes
            for name in pair[rep % 2:] + pair[:rep % 2]:  # each goes first in turn
                comm.Barrier()
                start = time.perf_counter()
                results[name] = calls[name]()
                times[pair][name].append(time.perf_counter() - start)
    expected = size * (size + 1) / 2
    assert float(out[0]) == float(results["gradient_allreduce"].numpy()[0]) == expected
    assert float(results["strategy_reduce"].numpy()[0]) == expected
    ours, theirs = times[("mpi4py", "gradient_allreduce")], times[("mpi4py", "strategy_reduce")]
    bus = 2 * (size - 1) / size * array.nbytes / 1e9  # GB each worker sends and receives
    return {
        "MB": mb, "mpi4py_GBps": bus / statistics.median(ours["mpi4py"]),
        "gradient_allreduce_GBps": bus / statistics.median(ours["gradient_allreduce"]),
        # the fastest repetitions: both workers on a core throughout
        "best_ratio": min(ours["mpi4py"]) / min(ours["gradient_allreduce"]),
        "strategy_reduce_GBps": bus / statistics.median(theirs["strategy_reduce"]),
        "strategy_reduce_ratio": statistics.median(theirs["mpi4py"]) / statistics.median(theirs["strategy_reduce"]),
        "split": {pair[1]: statistics.median(times[pair]["mpi4py"]) / statistics.median(times[pair][pair[1]])
                  for pair in pairs}}


def worker(args):
    from mpi4py import MPI

    import pytensor as tf
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    comm, rank, size = MPI.COMM_WORLD, strategy.cluster_resolver.task_id, strategy.num_replicas_in_sync
    report = {"workers": size, "bandwidth": [], "mpi": MPI.Get_library_version().splitlines()[0]}
    for mb in SIZES_MB:
        report["bandwidth"].append(_bandwidth(tf, MPI, strategy, mb, args.reps))

    with np.load(os.path.join(HERE, os.pardir, os.pardir, "shared", "data", "mnist.npz")) as mnist:
        x_all = (mnist["x_train"][:128].reshape(128, 784) / 255.0).astype(np.float32)
        y_all = mnist["y_train"][:128].astype(np.int64)
    per_worker = 128 // size
    x, y = x_all[rank * per_worker:(rank + 1) * per_worker], y_all[rank * per_worker:(rank + 1) * per_worker]
    with strategy.scope():
        model = _mlp(tf)
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    # The gradient all-reduce started after the backward ("after") or from the tape's gradient-ready callback
    # during it ("overlapped"), with the default 25 MB bucket (the 1.6 MB kernel alone, the rest in one bucket)
    # and 64 KiB buckets; the four interleaved in blocks of 10 steps so that the machine's load falls on each alike.
    log = _CommLog(strategy._comm)
    samples = {}
    for block in range(max(1, args.steps // 10)):
        for bucket_bytes in (0, 2 ** 16):
            for overlap in (False, True):
                strategy._reducer.bucket_bytes = bucket_bytes or 25 * 2 ** 20
                strategy._overlap = overlap
                samples.setdefault((bucket_bytes, overlap), []).extend(
                    _step_times(tf, model, x, y, 10, strategy, log))
    everyone = comm.allgather(samples)
    report["mlp_step"] = []
    for (bucket_bytes, overlap), records in samples.items():
        steps = list(zip(*(ranks[(bucket_bytes, overlap)] for ranks in everyone)))
        split = [_waits(per_rank) for per_rank in steps]
        step = [statistics.mean(rec["step"] for rec in per_rank) for per_rank in steps]
        # The backward without communication in it (the "after" variant's): how much of it is left once a bucket
        # starts is all the time its transfer could hide behind.
        backward = statistics.median(rec["backward"] - rec["forward"] for rec in samples[(bucket_bytes, False)])
        window = [sum(n * max(0.0, backward - (t - rec["forward"])) for t, n in rec["started"]) /
                  max(1, sum(n for _, n in rec["started"])) for rec in records]
        report["mlp_step"].append({
            "bucket": "25 MB" if not bucket_bytes else f"{bucket_bytes // 1024} KiB", "overlap": overlap,
            "step_ms": statistics.median(step) * 1e3, "backward_ms": backward * 1e3,
            "buckets": statistics.median(len(rec["started"]) for rec in records),
            "window_ms": statistics.median(window) * 1e3,
            **{f"{name}_fraction": statistics.median(parts[k] / t for parts, t in zip(split, step))
               for k, name in enumerate(("blocked", "late", "transfer"))}})
    if rank == 0:
        print(json.dumps(report))


class _NoComm:
    """Two workers that exchange nothing: what is left of a gradient all-reduce's time is our own Python."""

    rank, size = 0, 2

    def allreduce_sum_into(self, send, recv):
        pass

    def iallreduce_sum(self, send, recv):
        return None

    def wait(self, requests):
        pass

    def allreduce_max(self, array):
        return array


def python_per_call():
    """Seconds of our own work per gradient all-reduce call (the no-op communicator's), for one 1 MB tensor and for
    the MNIST MLP's four gradients."""
    import pytensor as tf
    from pytensor.distribute._strategy import _BucketedAllReduce

    from _timing import measure
    result = {}
    for name, shapes in (("1 MB tensor", [(2 ** 18,)]), ("MLP gradients", [(784, 512), (512,), (512, 10), (10,)])):
        tensors = [tf.constant(np.ones(shape, np.float32)) for shape in shapes]
        reducer = _BucketedAllReduce(_NoComm(), 0)
        result[name] = measure(lambda: reducer(tensors, reuse_buffers=True))
    return result


def single(args):
    """One process, batch 128: the compute the model divides over workers (MLP and CNN)."""
    import pytensor as tf
    with np.load(os.path.join(HERE, os.pardir, os.pardir, "shared", "data", "mnist.npz")) as mnist:
        images = (mnist["x_train"][:128] / 255.0).astype(np.float32)
        labels = mnist["y_train"][:128].astype(np.int64)
    result = {}
    for name, build, x in (("mlp", _mlp, images.reshape(128, 784)), ("cnn", _cnn, images[..., None])):
        model = build(tf)
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
        step = statistics.median(rec["step"] for rec in _step_times(tf, model, x, labels, args.steps))
        result[name] = {"step_ms": step * 1e3, "params": int(sum(np.prod(v.shape) for v in model.trainable_variables))}
    return result


def scale_model(single_steps, alpha_s=50e-6):
    """Step time on N machines at a fixed global batch of 128 (strong scaling): compute / N, plus a ring
    all-reduce of the float32 gradients, 2 (N - 1) / N * bytes / bandwidth + 2 (N - 1) * alpha (alpha: one
    message's latency on the network, assumed 50 us over TCP), with no overlap of the two (the pessimistic case)."""
    rows = []
    for name, measured in single_steps.items():
        compute = measured["step_ms"] / 1e3
        grad_bytes = measured["params"] * 4
        for gbit in (10, 100):
            bandwidth = gbit * 1e9 / 8
            for n in (1, 2, 4, 8, 16, 32, 64):
                comm = 0.0 if n == 1 else 2 * (n - 1) / n * grad_bytes / bandwidth + 2 * (n - 1) * alpha_s
                step = compute / n + comm
                rows.append({"model": name, "Gbit/s": gbit, "machines": n, "step_ms": step * 1e3,
                             "comm_ms": comm * 1e3, "speedup": compute / step})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--model", action="store_true", help="also print the scale-out model")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the 2-worker measurement")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    launcher = shutil.which("mpirun") or shutil.which("mpiexec")
    if launcher is None:
        sys.exit("bench/allreduce.py needs mpirun (pip install 'pytensor-tf[mpi]')")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    ratios = {mb: [] for mb in SIZES_MB}
    best_ratios = {mb: [] for mb in SIZES_MB}
    for round_index in range(args.rounds):
        done = subprocess.run([launcher, "-n", "2", sys.executable, os.path.abspath(__file__), "--worker",
                               "--reps", str(args.reps), "--steps", str(args.steps)],
                              capture_output=True, text=True, env=env, cwd=HERE)
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
        report = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"round {round_index + 1}: {report['mpi'][:20]}; {report['workers']} workers on one machine; medians "
              f"of >= {args.reps}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'MB':>5} {'mpi4py GB/s':>12} {'ours (grad) GB/s':>17} {'ratio':>6} {'best-of ratio':>14} "
              f"{'strategy.reduce GB/s':>21} {'ratio':>6}")
        for row in report["bandwidth"]:
            raw, ours, red = row["mpi4py_GBps"], row["gradient_allreduce_GBps"], row["strategy_reduce_GBps"]
            ratios[row["MB"]].append(ours / raw)
            best_ratios[row["MB"]].append(row["best_ratio"])
            print(f"{row['MB']:>5} {raw:>12.2f} {ours:>17.2f} {ours / raw:>6.2f} {row['best_ratio']:>14.2f} "
                  f"{red:>21.2f} {row['strategy_reduce_ratio']:>6.2f}")
        split = report["bandwidth"][0]["split"]
        print(f"1 MB, each beside mpi4py (ratio of medians): MPI's call on the tensor's memory "
              f"{split['mpi_on_tensor']:.2f}, with Tensor.numpy() each call {split['mpi_on_tensor_numpy']:.2f}, the "
              f"gradient all-reduce {split['gradient_allreduce']:.2f}")
        print("MNIST MLP step, 2 workers x 64 (medians over steps; blocked = in MPI waits, split into waiting for "
              "the other worker to arrive and the transfer once both are there; window = backward time left after "
              "a bucket starts, bytes-weighted)")
        for mlp in report["mlp_step"]:
            print(f"  {mlp['bucket']:>6} buckets ({mlp['buckets']:.0f} a step), all-reduce "
                  f"{'during the backward' if mlp['overlap'] else 'after the backward':>19}: step {mlp['step_ms']:.2f} ms;"
                  f" blocked {100 * mlp['blocked_fraction']:.0f} % (other worker late {100 * mlp['late_fraction']:.0f}"
                  f" %, transfer {100 * mlp['transfer_fraction']:.0f} %); window {mlp['window_ms']:.2f} ms of a "
                  f"{mlp['backward_ms']:.2f} ms backward")
    if args.rounds > 1:
        print("ours / mpi4py, median over rounds (and range): " + ", ".join(
            f"{mb} MB {statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})" for mb, r in ratios.items()))
        print("ours / mpi4py of the best repetitions, median over rounds: " + ", ".join(
            f"{mb} MB {statistics.median(r):.2f}" for mb, r in best_ratios.items()))
    print("our Python per gradient all-reduce call (no-op communicator): " + ", ".join(
        f"{name} {seconds * 1e6:.1f} us" for name, seconds in python_per_call().items()))
    steps = single(args)
    for name, measured in steps.items():
        print(f"one process, batch 128, {name}: {measured['step_ms']:.2f} ms per step, {measured['params']} parameters "
              f"({measured['params'] * 4 / 1e6:.2f} MB of gradients)")
    if args.model:
        print(f"\n{'model':>5} {'Gbit/s':>6} {'machines':>8} {'step ms':>8} {'comm ms':>8} {'speedup':>8}")
        for row in scale_model(steps):
            print(f"{row['model']:>5} {row['Gbit/s']:>6} {row['machines']:>8} {row['step_ms']:>8.2f} "
                  f"{row['comm_ms']:>8.3f} {row['speedup']:>8.2f}")


if __name__ == "__main__":
    main()
