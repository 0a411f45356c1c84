"""Text models with recurrent layers: pytensor's Keras `fit` vs PyTorch (hand loop) vs TF 2.21 / Keras 3 `fit`,
side by side in one run (issue 26's table).

Data: 2 048 sequences of 100 tokens (vocabulary 10 000), binary labels; model: Embedding(10000, 64) -> layer ->
Dense(1, sigmoid), binary cross-entropy, Adam(1e-3), batch 64. Layers: LSTM(64), GRU(64), Bidirectional(LSTM(32)),
Conv1D(64, 5) + GlobalMaxPooling1D. With --masked: Embedding(mask_zero=True) and zero-padded sequences of
random lengths 20..100 (PyTorch packs them with pack_padded_sequence; its Conv1D row ignores the padding).

Each framework runs all models in its own subprocess with 2 threads (PyTorch and TF from the peers venv,
/work/peers-venv); the figure is the median of the epochs after the first (which includes tracing / warm-up).
Prints seconds per epoch and the speed ratio of the faster peer to pytensor (> 1: pytensor faster).
A row's time can depend on the rows run before it in the same process: PyTorch's Bidirectional(LSTM(32)) epoch
measured 0.78 CPU s after its LSTM, GRU rows and 1.09 s in a process of its own (1 thread; cause not found). With
--isolate, every framework x model runs in a fresh subprocess of its own (the frameworks interleaved model by
model), as a program that trains one model does: the comparison to report.

With --cpu-time: process CPU seconds per epoch instead (for a busy machine, with --threads 1).

With --step-by-step: the per-step cost of text generation instead, µs per timestep of batch 1 (median of 7
repeats): a stateful LSTM(64) layer called on one timestep (PyTorch: nn.LSTM carrying (h, c)), and an
LSTMCell(64) called in a Python loop (PyTorch: nn.LSTMCell), eagerly, without a tape.

With --embedding: a 100 000-word vocabulary instead, where the embedding's gradient dominates:
Embedding(100000, 64) -> GlobalAveragePooling1D -> Dense(1, sigmoid), SGD and Adam, batch 64 of 100 tokens (at most
6 400 of the 100 000 rows touched per step); ms per training step (median of 50 after 5 warm-up steps) and the growth
of the worker's peak resident memory over the run (MB), one worker process per case. TF's and pytensor's gradient is
an IndexedSlices: "rows" applies it as rows, as Keras 3 on TF does (SGD: a scatter into the touched rows; Adam: every
row's moments decay, so its update stays a pass over the whole table, without a dense gradient); pytensor's "dense"
converts it to its dense tensor first (its optimizers before row updates). PyTorch: a dense gradient, and row
gradients (nn.Embedding(sparse=True) with SGD, or SparseAdam, which updates only the touched rows' moments: lazy,
not Adam's numbers). Then, for pytensor and TF, the Embedding's gradient alone (tape.gradient of the summed lookup of
one batch): as rows, and converted to its dense tensor; there the MB column is the gradient's size.

Run: python3 bench/rnn.py [--epochs 4] [--threads 2] [--masked] [--models lstm,gru,bilstm,conv1d]
     [--peer-python /work/peers-venv/bin/python] [--only pytensor,torch,tf] [--step-by-step] [--embedding]
     [--cpu-time] [--isolate]
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

MODELS = {"lstm": "LSTM(64)", "gru": "GRU(64)", "bilstm": "Bidirectional(LSTM(32))",
          "conv1d": "Conv1D(64, 5) + GlobalMaxPooling1D"}
VOCAB, SAMPLES, STEPS, BATCH = 10000, 2048, 100, 64


def data(masked):
    """Tokens (int32, zero-padded at the end when masked), lengths and float labels, the same in every worker."""
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, VOCAB, (SAMPLES, STEPS)).astype(np.int32)
    lengths = rng.integers(20, STEPS + 1, SAMPLES) if masked else np.full(SAMPLES, STEPS)
    tokens[np.arange(STEPS)[None, :] >= lengths[:, None]] = 0
    labels = rng.integers(0, 2, SAMPLES).astype(np.float32)
    return tokens, lengths, labels


def clock(args):
    """Seconds: wall-clock, or with --cpu-time the process's CPU time (all its threads), which a busy machine
    inflates far less than the wall clock (use --threads 1, so no framework counts threads spin-waiting)."""
    return time.process_time() if args.cpu_time else time.perf_counter()


def keras_model(keras, name, masked, run_eagerly=False):
    """The model in Keras's API (pytensor's and TF's)."""
    layers = keras.layers
    middle = {"lstm": lambda: [layers.LSTM(64)], "gru": lambda: [layers.GRU(64)],
              "bilstm": lambda: [layers.Bidirectional(layers.LSTM(32))],
              "conv1d": lambda: [layers.Conv1D(64, 5), layers.GlobalMaxPooling1D()]}[name]()
    model = keras.Sequential([keras.Input(shape=(STEPS,), dtype="int32"),
                              layers.Embedding(VOCAB, 64, mask_zero=masked), *middle,
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", run_eagerly=run_eagerly)
    return model


def run_keras(keras, args, name):
    tokens, _, labels = data(args.masked)
    model = keras_model(keras, name, args.masked, args.run_eagerly)
    times = []
    for _ in range(args.epochs):
        start = clock(args)
        model.fit(tokens, labels, epochs=1, batch_size=BATCH, shuffle=True, verbose=0)
        times.append(clock(args) - start)
    return times


def run_pytensor(args, name):
    import pytensor as tf
    from pytensor import keras

    tf._core.set_num_threads(args.threads)
    keras.utils.set_random_seed(0)
    return run_keras(keras, args, name)


def run_tf(args, name):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    import keras

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(0)
    return run_keras(keras, args, name)


def run_torch(args, name):
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    tokens, lengths, labels = data(args.masked)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, 64, padding_idx=0 if args.masked else None)
            if name == "conv1d":
                self.body = nn.Conv1d(64, 64, 5)
                width = 64
            else:
                cls = nn.GRU if name == "gru" else nn.LSTM
                self.body = cls(64, 32 if name == "bilstm" else 64, batch_first=True, bidirectional=name == "bilstm")
                width = 64
            self.head = nn.Linear(width, 1)

        def forward(self, x, lengths):
            e = self.embedding(x)
            if name == "conv1d":
                return self.head(self.body(e.transpose(1, 2)).amax(dim=2))
            if args.masked:
                e = nn.utils.rnn.pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
            _, state = self.body(e)
            h = state[0] if name != "gru" else state
            return self.head(torch.cat([h[-2], h[-1]], 1) if name == "bilstm" else h[-1])

    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    x, y, n = torch.from_numpy(tokens).long(), torch.from_numpy(labels)[:, None], torch.from_numpy(lengths)
    times = []
    for _ in range(args.epochs):
        start = clock(args)
        order = torch.randperm(SAMPLES)
        for i in range(0, SAMPLES, BATCH):
            batch = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[batch], n[batch]), y[batch])
            loss.backward()
            optimizer.step()
        times.append(clock(args) - start)
    return times


def per_step_us(step, steps=200, repeats=7):
    """Median µs per call of step(t) over `repeats` runs of `steps` calls."""
    step(0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for t in range(steps):
            step(t)
        times.append((time.perf_counter() - start) / steps * 1e6)
    return statistics.median(times)


def step_by_step(framework, args):
    """{"stateful layer": µs, "cell loop": µs} for batch 1, 64 features, 64 units."""
    x = np.random.default_rng(0).normal(size=(1, 200, 64)).astype(np.float32)
    if framework == "torch":
        import torch
        from torch import nn

        torch.set_num_threads(args.threads)
        lstm, cell = nn.LSTM(64, 64, batch_first=True), nn.LSTMCell(64, 64)
        xt = torch.from_numpy(x)
        carried = [None, (torch.zeros(1, 64), torch.zeros(1, 64))]

        def layer_step(t):
            _, carried[0] = lstm(xt[:, t:t + 1], carried[0])

        def cell_step(t):
            carried[1] = cell(xt[:, t], carried[1])
        with torch.no_grad():
            return {"stateful layer": per_step_us(layer_step), "cell loop": per_step_us(cell_step)}
    if framework == "tf":
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import tensorflow as tf
        import keras
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    else:
        import pytensor as tf
        from pytensor import keras
        tf._core.set_num_threads(args.threads)
    layer = keras.layers.LSTM(64, stateful=True)
    layer.build((1, 1, 64))
    cell = keras.layers.LSTMCell(64)
    cell.build((1, 64))
    steps = [tf.constant(x[:, t:t + 1]) for t in range(x.shape[1])]
    carried = [[tf.zeros((1, 64)), tf.zeros((1, 64))]]

    def cell_step(t):
        _, carried[0] = cell(steps[t][:, 0], carried[0])
    return {"stateful layer": per_step_us(lambda t: layer(steps[t])), "cell loop": per_step_us(cell_step)}


BIG_VOCAB = 100000


def peak_rss_mb():
    """The process's peak resident memory so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_ms(args, step, warmup=5, steps=50):
    """Median ms of step(i) over `steps` calls after `warmup` calls."""
    times = []
    for i in range(warmup + steps):
        start = clock(args)
        step(i)
        if i >= warmup:
            times.append((clock(args) - start) * 1e3)
    return statistics.median(times)


# --embedding cases, one worker process each (peak memory only grows): "<optimizer> rows" trains with the Embedding's
# gradient applied as rows; "<optimizer> dense" (pytensor) as the dense tensor it stands for, the update before row
# updates; PyTorch's rows are nn.Embedding(sparse=True) with SparseAdam / SGD. "gradient" times the gradient alone.
EMBEDDING_CASES = {"pytensor": ["SGD rows", "SGD dense", "Adam rows", "Adam dense", "gradient"],
                   "tf": ["SGD rows", "Adam rows", "gradient"],
                   "torch": ["SGD rows", "SGD dense", "Adam rows", "Adam dense"]}


def big_embedding(framework, args):
    """{case: [ms per step, peak RSS growth MB]} for the 100 000-word Embedding model, case args.embedding_case."""
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, BIG_VOCAB, (BATCH * 8, STEPS)).astype(np.int32)
    labels = rng.integers(0, 2, (BATCH * 8, 1)).astype(np.float32)
    batches = [(tokens[i:i + BATCH], labels[i:i + BATCH]) for i in range(0, len(tokens), BATCH)]
    case = args.embedding_case
    optimizer, _, how = case.partition(" ")
    if framework == "torch":
        import torch
        from torch import nn

        torch.set_num_threads(args.threads)
        torch.manual_seed(0)
        sparse = how == "rows"
        before = peak_rss_mb()
        embedding, head = nn.Embedding(BIG_VOCAB, 64, sparse=sparse), nn.Linear(64, 1)
        if optimizer == "SGD":  # torch's SGD takes sparse gradients itself
            optimizers = [torch.optim.SGD([*embedding.parameters(), *head.parameters()], 1e-3)]
        elif sparse:
            optimizers = [torch.optim.SparseAdam(embedding.parameters(), 1e-3), torch.optim.Adam(head.parameters())]
        else:
            optimizers = [torch.optim.Adam([*embedding.parameters(), *head.parameters()], 1e-3)]
        data = [(torch.from_numpy(x).long(), torch.from_numpy(y)) for x, y in batches]

        def step(i):
            x, y = data[i % len(data)]
            for opt in optimizers:
                opt.zero_grad()
            nn.functional.binary_cross_entropy_with_logits(head(embedding(x).mean(1)), y).backward()
            for opt in optimizers:
                opt.step()
        return {case: [step_ms(args, step), peak_rss_mb() - before]}
    if framework == "tf":
        import tensorflow as tf
        import keras
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    else:
        import pytensor as tf
        from pytensor import keras
        tf._core.set_num_threads(args.threads)
    before = peak_rss_mb()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(STEPS,), dtype="int32"), keras.layers.Embedding(BIG_VOCAB, 64),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
    data = [(tf.constant(x), tf.constant(y)) for x, y in batches]
    if case != "gradient":
        opt = getattr(keras.optimizers, optimizer)(1e-3)
        if how == "dense":
            opt._row_updates = False  # pytensor's update before row updates: the gradient densified first
        model.compile(optimizer=opt, loss="binary_crossentropy")
        return {case: [step_ms(args, lambda i: model.train_on_batch(*data[i % len(data)])), peak_rss_mb() - before]}
    embedding = model.layers[0]
    table = embedding.embeddings

    def rows(i):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(embedding(data[i % len(data)][0]))
        return tape.gradient(y, table)

    # The Embedding's gradient alone, as rows and as the dense tensor they stand for (MB: the gradient's size)
    g = rows(0)
    result = {"gradient: rows": [step_ms(args, rows), (g.values.numpy().nbytes + g.indices.numpy().nbytes) / 1e6]}
    dense = tf.convert_to_tensor(g)
    result["gradient: dense"] = [step_ms(args, lambda i: tf.convert_to_tensor(rows(i))), dense.numpy().nbytes / 1e6]
    return result


def worker(args):
    if args.embedding:
        print(json.dumps(big_embedding(args.worker, args)))
        return
    if args.step_by_step:
        print(json.dumps(step_by_step(args.worker, args)))
        return
    run = {"pytensor": run_pytensor, "torch": run_torch, "tf": run_tf}[args.worker]
    print(json.dumps({name: run(args, name) for name in args.models.split(",")}))


def spawn(python, framework, args, extra=(), models=None):
    flags = [*extra, "--epochs", str(args.epochs), "--models", models or args.models] + \
        (["--masked"] if args.masked else []) + \
        (["--run-eagerly"] if args.run_eagerly else []) + (["--cpu-time"] if args.cpu_time else []) + \
        (["--step-by-step"] if args.step_by_step else []) + (["--embedding"] if args.embedding else [])
    return run_worker(python, __file__, framework, args.threads, flags,
                      env={"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--masked", action="store_true", help="mask_zero=True and padded variable-length sequences")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--peer-python", default="/work/peers-venv/bin/python")
    ap.add_argument("--only", default="pytensor,torch,tf")
    ap.add_argument("--run-eagerly", action="store_true", help="Keras fit step by step (default: a traced train_step)")
    ap.add_argument("--step-by-step", action="store_true", help="µs per timestep of batch-1 generation instead")
    ap.add_argument("--cpu-time", action="store_true",
                    help="CPU seconds per epoch instead of wall seconds (a busy machine; with --threads 1)")
    ap.add_argument("--embedding", action="store_true",
                    help="step time and peak memory of a 100 000-word Embedding model instead")
    ap.add_argument("--isolate", action="store_true",
                    help="each framework x model in a fresh process (a row's time can depend on the rows before it)")
    ap.add_argument("--embedding-case", default="Adam rows", help=argparse.SUPPRESS)
    ap.add_argument("--worker", choices=["pytensor", "torch", "tf"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    frameworks = [f for f in ("pytensor", "torch", "tf") if f in args.only.split(",")]
    if args.embedding:
        print(f"Embedding({BIG_VOCAB}, 64) -> GlobalAveragePooling1D -> Dense(1, sigmoid), batch {BATCH} x "
              f"{STEPS} tokens, {args.threads} threads; {'CPU ' if args.cpu_time else ''}ms per step (median of 50), "
              f"peak RSS growth (MB)")
        # Peers interleaved case by case, so that a busy machine weighs on every framework alike
        for case in dict.fromkeys(c for f in frameworks for c in EMBEDDING_CASES[f]):
            for framework in frameworks:
                if case not in EMBEDDING_CASES[framework]:
                    continue
                result, error = spawn(sys.executable if framework == "pytensor" else args.peer_python, framework,
                                      args, ["--embedding-case", case])
                if result is None:
                    print(f"{framework:10s} {case:16s} failed: {error}")
                    continue
                for name, (ms, mb) in result.items():
                    print(f"{framework:10s} {name:16s} {ms:8.2f} ms {mb:8.1f} MB", flush=True)
        return
    def python(framework):
        return sys.executable if framework == "pytensor" else args.peer_python

    results = {}
    if args.isolate and not args.step_by_step:
        # results[framework] = ({model: epoch times}, the last failure or None), one process per (model, framework)
        results = {framework: ({}, None) for framework in frameworks}
        for name in args.models.split(","):
            for framework in frameworks:
                result, error = spawn(python(framework), framework, args, models=name)
                if result is None:
                    results[framework] = (results[framework][0], error)
                else:
                    results[framework][0].update(result)
    else:
        for framework in frameworks:
            results[framework] = spawn(python(framework), framework, args)
    if args.step_by_step:
        print(f"batch 1, LSTM(64) on 64 features, {args.threads} threads; µs per timestep (median of 7 x 200 steps)")
        print(f"{'':16s}" + "".join(f"{f:>10s}" for f in frameworks))
        for case in ("stateful layer", "cell loop"):
            print(f"{case:16s}" + "".join(f"{results[f][0][case]:10.1f}" if results[f][0] else f"{'failed':>10s}"
                                          for f in frameworks))
        for framework in frameworks:
            if results[framework][0] is None:
                print(f"{framework} failed: {results[framework][1]}")
        return
    print(f"{SAMPLES} sequences x {STEPS} tokens, Embedding({VOCAB}, 64{', mask_zero' if args.masked else ''}) -> "
          f"layer -> Dense(1, sigmoid), batch {BATCH}, Adam, {args.threads} threads; {'CPU ' if args.cpu_time else ''}seconds per epoch (median of "
          f"epochs 2..{args.epochs}); " + ("each row in a fresh process per framework" if args.isolate else
                                           "all rows in one process per framework (a row's time may depend on the "
                                           "rows before it: --isolate)"))
    print(f"{'layer':38s}" + "".join(f"{f:>10s}" for f in frameworks) + "   faster peer / pytensor")
    for name in args.models.split(","):
        row, medians = f"{MODELS[name]:38s}", {}
        for framework in frameworks:
            result, error = results[framework]
            if result is None or name not in result:
                row += f"{'failed':>10s}"
                continue
            times = result[name]
            medians[framework] = statistics.median(times[1:]) if len(times) > 1 else times[0]
            row += f"{medians[framework]:10.3f}"
        peers = [medians[f] for f in ("torch", "tf") if f in medians]
        if "pytensor" in medians and peers:
            row += f"   {min(peers) / medians['pytensor']:5.2f}x"
        print(row)
    for framework in frameworks:
        if results[framework][1] is not None:
            print(f"{framework} failed: {results[framework][1]}")


if __name__ == "__main__":
    main()
