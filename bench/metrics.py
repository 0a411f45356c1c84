"""Metric update timings: keras.metrics.AUC (200 thresholds) with a batch of 10 000 predictions, and the per-batch
metrics of an MNIST train loop (SparseCategoricalAccuracy, Mean), median over repeats.

    python bench/metrics.py                # 2 threads
    python bench/metrics.py --threads 1

Run with a Python that also has tensorflow-cpu (a throwaway venv: `PYTHONPATH=. /tmp/tf-peers/bin/python
bench/metrics.py`) to time Keras's AUC on TensorFlow side by side; a numpy version of the same exact threshold
counting (the naive (N, T) comparison) is timed as a reference point either way.
"""
import statistics
import sys
import time

from _threads import THREADS, pt  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402

from pytensor.keras import metrics  # noqa: E402


def median_ms(fn, repeats=30, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main():
    rng = np.random.default_rng(0)
    n = 10_000
    y_true = pt.constant((rng.random(n) > 0.5).astype(np.float32))
    y_pred = pt.constant(rng.random(n).astype(np.float32))
    auc = metrics.AUC(num_thresholds=200)
    t_auc = median_ms(lambda: auc.update_state(y_true, y_pred))
    thresholds = np.array(auc.thresholds, np.float32)
    yt, yp = y_true.numpy().astype(bool), y_pred.numpy()

    def numpy_counts():
        above = yp[:, None] > thresholds[None, :]
        return (above & yt[:, None]).sum(0), (above & ~yt[:, None]).sum(0)
    t_np = median_ms(numpy_counts)
    t_result = median_ms(auc.result)
    t_tf = None
    try:
        import tensorflow as tf
    except ImportError:
        tf = None
    if tf is not None:
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf_auc = tf.keras.metrics.AUC(num_thresholds=200)
        tf_true, tf_pred = tf.constant(y_true.numpy()), tf.constant(y_pred.numpy())
        t_tf = median_ms(lambda: tf_auc.update_state(tf_true, tf_pred))
        assert abs(float(tf_auc.result()) - float(auc.result())) < 1e-3, "AUC differs from TF's"

    labels = pt.constant(rng.integers(0, 10, 128).astype(np.int32))
    probs = pt.constant(rng.random((128, 10)).astype(np.float32))
    acc = metrics.SparseCategoricalAccuracy()
    t_acc = median_ms(lambda: acc.update_state(labels, probs), repeats=200)
    mean = metrics.Mean()
    loss = pt.constant(0.5)
    t_mean = median_ms(lambda: mean.update_state(loss), repeats=200)

    print(f"threads={THREADS}")
    print(f"AUC(200 thresholds).update_state, 10 000 predictions: {t_auc:.3f} ms "
          f"(numpy naive (N,T) counting: {t_np:.3f} ms)")
    if t_tf is None:
        print("TF's AUC: not measured (tensorflow not importable in this Python)")
    else:
        print(f"TF keras.metrics.AUC(200).update_state: {t_tf:.3f} ms; ratio TF / pytensor {t_tf / t_auc:.1f}x")
    print(f"AUC.result(): {t_result:.3f} ms")
    print(f"SparseCategoricalAccuracy.update_state, batch 128x10: {1e3 * t_acc:.1f} us")
    print(f"Mean.update_state(scalar): {1e3 * t_mean:.1f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
