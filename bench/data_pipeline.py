"""tf.data throughput: MNIST slices -> shuffle -> batch, a parallel map, and reading TFRecords.

Run: python3 bench/data_pipeline.py [--mb 100]. Run it with a Python that also has tensorflow-cpu (a throwaway
venv: `/tmp/tf-peers/bin/python bench/data_pipeline.py`) to time tf.data side by side on the same arrays and the
same TFRecord file (which TF then also reads: the formats are the same). The issue's targets: >= 1.5x tf.data's
batches/s for the first figure, >= 0.8x its MB/s for TFRecords.
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pytensor as tf  # noqa: E402 - the in-tree build


try:
    import tensorflow as real_tf
except ImportError:
    real_tf = None


def mnist_arrays():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist.npz")
    if not os.path.exists(path):
        path = os.path.join(os.path.dirname(__file__), "..", "examples", "data", "mnist_sample.npz")
    with np.load(path) as f:
        return f["x_train"], f["y_train"]


def timed(dataset, epochs=1):
    start = time.perf_counter()
    n = 0
    for _ in range(epochs):
        for _ in dataset:
            n += 1
    return n / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100, help="MB of TFRecords to write and read")
    args = parser.parse_args()
    x, y = mnist_arrays()
    libraries = [("pytensor", tf)] + ([("tf.data", real_tf)] if real_tf is not None else [])
    for images, what in ((x, "uint8"), (x / np.float32(255), "float32")):
        rates = {}
        for name, lib in libraries:
            ds = lib.data.Dataset.from_tensor_slices((images, y)).shuffle(10000).batch(128)
            rates[name] = timed(ds, 3)
        ratio = f"  ratio {rates['pytensor'] / rates['tf.data']:.2f}x" if "tf.data" in rates else ""
        print(f"from_tensor_slices({x.shape} {what}).shuffle(10000).batch(128): "
              + ", ".join(f"{name} {rate:7.0f} batches/s" for name, rate in rates.items()) + ratio)

    def decode(v):  # ~1 ms of numpy work that releases the GIL, standing in for image decoding
        return np.sort(np.tile(np.asarray(v), 64))[::64]
    base = tf.data.Dataset.from_tensor_slices(x[:1024].reshape(1024, -1).astype(np.float32))
    serial = None
    for calls in (None, 2, tf.data.AUTOTUNE):
        rate = timed(base.map(decode, num_parallel_calls=calls).batch(128)) * 128
        serial = serial or rate
        print(f"map(decode, num_parallel_calls={calls}).batch(128): {rate:8.0f} elements/s ({rate / serial:.2f}x)")

    def wait_io(v):  # 2 ms of waiting with the GIL released, standing in for reading a file or a URL
        time.sleep(0.002)
        return v
    base = tf.data.Dataset.range(400)
    serial = None
    for calls in (None, 4, tf.data.AUTOTUNE):
        rate = timed(base.map(wait_io, num_parallel_calls=calls))
        serial = serial or rate
        print(f"map(wait_io, num_parallel_calls={calls}): {rate:8.0f} elements/s ({rate / serial:.2f}x)")

    record = os.urandom(100_000)
    count = args.mb * 10
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.tfrecord")
        start = time.perf_counter()
        with tf.io.TFRecordWriter(path) as writer:
            for _ in range(count):
                writer.write(record)
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        n = sum(1 for _ in tf.data.TFRecordDataset(path).as_numpy_iterator())
        read_s = time.perf_counter() - start
        size = os.path.getsize(path) / 1e6
        assert n == count
        print(f"TFRecord {size:.0f} MB of 100 kB records: write {size / write_s:7.0f} MB/s, read (CRC checked) "
              f"{size / read_s:7.0f} MB/s")
        if real_tf is not None:
            start = time.perf_counter()
            n = sum(1 for _ in real_tf.data.TFRecordDataset(path))
            tf_read_s = time.perf_counter() - start
            assert n == count
            print(f"  tf.data reading the same file: {size / tf_read_s:7.0f} MB/s; ratio pytensor / tf.data "
                  f"{tf_read_s / read_s:.2f}x")


if __name__ == "__main__":
    main()
