"""tf.compat.v1 Session.run on pytensor vs TensorFlow's, side by side in one run.

    python3 bench/tf1_session.py                    # pytensor and TensorFlow (from /work/peers-venv)
    python3 bench/tf1_session.py --only pytensor
    python3 bench/tf1_session.py --repeats 15 --min-time 0.3 --peer-python /path/to/python

Cases, each a TF1 program's hot call with eager execution disabled:
  seed_add   the seed's `sess.run(a + b, feed_dict={a: 4, b: 5})` (all overhead: feeds, fetch, one add)
  mlp_step   `sess.run([train_op, loss], feed_dict)` for 784 -> dense(128, relu) -> dense(10), softmax
             cross-entropy, AdamOptimizer, a batch of 100 (tf.layers.dense; TF needs TF_USE_LEGACY_KERAS=1)
Each library runs in its own subprocess. Reported: median µs per call over --repeats repeats (each calibrated to
last >= --min-time) and pytensor's speed-up over TensorFlow. The machine is shared: read medians, rerun when a
figure looks off.
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


def cases(tf, np):
    """{name: zero-argument function running the case once} for `tf` (a tf.compat.v1 module)."""
    tf.disable_eager_execution()
    out = {}
    a = tf.placeholder(tf.float32, name="a")
    b = tf.placeholder(tf.float32, name="b")
    y = a + b
    seed_session = tf.Session()
    assert seed_session.run(y, feed_dict={a: 4, b: 5}) == 9.0
    out["seed_add"] = lambda: seed_session.run(y, feed_dict={a: 4, b: 5})

    rng = np.random.RandomState(0)
    xb = rng.rand(100, 784).astype(np.float32)
    yb = np.eye(10, dtype=np.float32)[rng.randint(0, 10, 100)]
    x = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.float32, [None, 10])
    hidden = tf.layers.dense(x, 128, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    session = tf.Session()
    session.run(tf.global_variables_initializer())
    out["mlp_step"] = lambda: session.run([train_op, loss], feed_dict={x: xb, labels: yb})
    return out


def run_cases(library, repeats, min_time):
    import numpy as np
    if library == "pytensor":
        sys.path.insert(0, REPO)
        import pytensor.compat.v1 as tf
    else:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow.compat.v1 as tf
    return {name: measure(fn, min_time=min_time, repeats=repeats) for name, fn in cases(tf, np).items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["pytensor", "tensorflow"])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--peer-python", default=PEER_PYTHON)
    parser.add_argument("--child", choices=["pytensor", "tensorflow"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_cases(args.child, args.repeats, args.min_time)))
        return
    results = {}
    for library in ("pytensor", "tensorflow"):
        if args.only and args.only != library:
            continue
        python = sys.executable if library == "pytensor" else args.peer_python
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        out = subprocess.run([python, __file__, "--child", library, "--repeats", str(args.repeats), "--min-time",
                              str(args.min_time)], capture_output=True, text=True, env=env, cwd=HERE)
        if out.returncode:
            print(f"{library}: failed\n{out.stderr[-2000:]}")
            continue
        results[library] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{'case':10} " + " ".join(f"{lib + ' µs':>16}" for lib in results) + "   pytensor speed-up")
    for case in ("seed_add", "mlp_step"):
        row = [results[lib][case] * 1e6 for lib in results]
        ratio = (f"{results['tensorflow'][case] / results['pytensor'][case]:.2f}x"
                 if len(results) == 2 else "")
        print(f"{case:10} " + " ".join(f"{t:16.1f}" for t in row) + f"   {ratio:>10}")


if __name__ == "__main__":
    main()
