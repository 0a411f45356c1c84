"""tf.distribute's all-reduce over MPI on this machine (2 workers over shared memory / loopback), and the
scale-out model of bench/README.md.

1. Bus bandwidth, 1 MB - 256 MB float32 buffers: pytensor's gradient all-reduce (`_BucketedAllReduce`, what
   `optimizer.apply_gradients` runs under MultiWorkerMirroredStrategy, on a tensor) and `strategy.reduce(SUM, t)`,
   against mpi4py's raw `comm.Allreduce(a, b, MPI.SUM)` on numpy arrays; the three interleaved (each first in
   turn), median of --reps (times 16 / MB below 16 MB). Bus bandwidth = 2 (N - 1) / N * bytes / seconds (the
   ring all-reduce's traffic per link).
2. The MNIST MLP step (784 -> 512 relu -> 10, SGD, global batch 128: 64 per worker): median step time with 2
   workers, the time spent in the gradient all-reduce (packing + waiting) and blocked waiting on it, as
   fractions of the step, with the buckets started after the backward or during it (from the tape's
   gradient-ready callback), for 25 MB and 64 KiB buckets; and one process's step at batch 128 for comparison.
3. With --model: the step-time model for the MLP and the benchmark CNN on 1-64 machines at 10 and 100 Gbit/s,
   calibrated by one process's measured step times (the table in bench/README.md).

Run: python bench/allreduce.py [--reps 7] [--steps 30] [--model] [--rounds N]   (it launches `mpirun -n 2`)
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


def _step_times(tf, model, x, y, steps, strategy=None):
    """Seconds of each custom-loop train step (forward, backward, apply_gradients) and, under a multi-worker
    strategy, of each step's time inside the all-reduce and blocked in its wait (three lists, warm-up left out)."""
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = model.optimizer
    total, inside, waiting = [], [], []
    reducer = strategy._reducer if strategy is not None else None

    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    for step in range(steps + 3):
        call_before = reducer.call_seconds if reducer is not None else 0.0
        wait_before = reducer.wait_seconds if reducer is not None else 0.0
        start = time.perf_counter()
        if strategy is not None:
            strategy.run(train_step)
        else:
            train_step()
        elapsed = time.perf_counter() - start
        if step >= 3:  # warm-up steps left out
            total.append(elapsed)
            inside.append((reducer.call_seconds if reducer is not None else 0.0) - call_before)
            waiting.append((reducer.wait_seconds if reducer is not None else 0.0) - wait_before)
    return total, inside, waiting


def worker(args):
    from mpi4py import MPI

    import pytensor as tf
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    comm, rank, size = MPI.COMM_WORLD, strategy.cluster_resolver.task_id, strategy.num_replicas_in_sync
    report = {"workers": size, "bandwidth": [], "mpi": MPI.Get_library_version().splitlines()[0]}
    for mb in SIZES_MB:
        n = mb * 2 ** 20 // 4
        array = np.full(n, rank + 1.0, np.float32)
        tensor = tf.constant(array)
        out = np.empty_like(array)
        times = {"mpi4py": [], "gradient_allreduce": [], "strategy_reduce": []}
        names = list(times)
        for rep in range(args.reps * max(1, 16 // mb)):  # more repetitions of the quick small sizes
            for name in names[rep % 3:] + names[:rep % 3]:  # each goes first in turn
                comm.Barrier()
                start = time.perf_counter()
                if name == "mpi4py":
                    comm.Allreduce(array, out, op=MPI.SUM)
                elif name == "gradient_allreduce":
                    result = strategy._reducer([tensor], reuse_buffers=True)[0]
                else:
                    result = strategy.reduce(tf.distribute.ReduceOp.SUM, tensor, axis=None)
                times[name].append(time.perf_counter() - start)
        assert float(out[0]) == float(result.numpy()[0]) == size * (size + 1) / 2
        bus = {name: 2 * (size - 1) / size * array.nbytes / statistics.median(t) / 1e9 for name, t in times.items()}
        report["bandwidth"].append({"MB": mb, **{f"{k}_GBps": round(v, 3) for k, v in bus.items()}})
        del array, tensor, out, result

    with np.load(os.path.join(HERE, os.pardir, os.pardir, "shared", "data", "mnist.npz")) as mnist:
        x_all = (mnist["x_train"][:128].reshape(128, 784) / 255.0).astype(np.float32)
        y_all = mnist["y_train"][:128].astype(np.int64)
    per_worker = 128 // size
    x, y = x_all[rank * per_worker:(rank + 1) * per_worker], y_all[rank * per_worker:(rank + 1) * per_worker]
    with strategy.scope():
        model = _mlp(tf)
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    # The gradient all-reduce started after the backward ("after") or from the tape's gradient-ready callback
    # during it ("overlapped"), with the default 25 MB bucket (one bucket: the whole 1.6 MB) and 64 KiB buckets;
    # the four interleaved in blocks of 10 steps so that the machine's load falls on each alike.
    report["mlp_step"] = []
    samples = {}
    for block in range(max(1, args.steps // 10)):
        for bucket_bytes in (0, 2 ** 16):
            for overlap in (False, True):
                strategy._reducer.bucket_bytes = bucket_bytes or 25 * 2 ** 20
                strategy._overlap = overlap
                times = _step_times(tf, model, x, y, 10, strategy)
                for kept, new in zip(samples.setdefault((bucket_bytes, overlap), ([], [], [])), times):
                    kept.extend(new)
    for (bucket_bytes, overlap), (total, inside, waiting) in samples.items():
        step, inside, waiting = (statistics.median(v) for v in (total, inside, waiting))
        report["mlp_step"].append({"bucket": "25 MB" if not bucket_bytes else f"{bucket_bytes // 1024} KiB",
                                   "overlap": overlap, "step_ms": step * 1e3, "allreduce_ms": inside * 1e3,
                                   "wait_ms": waiting * 1e3, "allreduce_fraction": inside / step,
                                   "wait_fraction": waiting / step})
    if rank == 0:
        print(json.dumps(report))


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
        step = statistics.median(_step_times(tf, model, x, labels, args.steps)[0])
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
    for round_index in range(args.rounds):
        done = subprocess.run([launcher, "-n", "2", sys.executable, os.path.abspath(__file__), "--worker",
                               "--reps", str(args.reps), "--steps", str(args.steps)],
                              capture_output=True, text=True, env=env, cwd=HERE)
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
        report = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"round {round_index + 1}: {report['mpi'][:20]}; {report['workers']} workers on one machine; medians "
              f"of >= {args.reps}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'MB':>5} {'mpi4py GB/s':>12} {'ours (grad) GB/s':>17} {'ratio':>6} {'strategy.reduce GB/s':>21} "
              f"{'ratio':>6}")
        for row in report["bandwidth"]:
            raw, ours, red = row["mpi4py_GBps"], row["gradient_allreduce_GBps"], row["strategy_reduce_GBps"]
            ratios[row["MB"]].append(ours / raw)
            print(f"{row['MB']:>5} {raw:>12.2f} {ours:>17.2f} {ours / raw:>6.2f} {red:>21.2f} {red / raw:>6.2f}")
        for mlp in report["mlp_step"]:
            print(f"MNIST MLP step, 2 workers x 64, {mlp['bucket']} buckets, all-reduce "
                  f"{'overlapped with the backward' if mlp['overlap'] else 'after the backward':>28}: "
                  f"{mlp['step_ms']:.2f} ms; in the all-reduce {mlp['allreduce_ms']:.2f} ms "
                  f"({100 * mlp['allreduce_fraction']:.0f} % of the step), blocked waiting {mlp['wait_ms']:.2f} ms "
                  f"({100 * mlp['wait_fraction']:.0f} %)")
    if args.rounds > 1:
        print("ours / mpi4py, median over rounds: " + ", ".join(
            f"{mb} MB {statistics.median(r):.2f}" for mb, r in ratios.items()))
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
