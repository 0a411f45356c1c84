"""tf.data throughput: MNIST slices -> shuffle -> batch, a parallel map, and reading TFRecords.

Run: python3 bench/data_pipeline.py [--mb 100]. TensorFlow is not installed here; the issue's targets compare
against tf.data measured elsewhere (>= 1.5x its batches/s for the first figure, >= 0.8x its MB/s for TFRecords).
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pytensor as tf  # noqa: E402 - the in-tree build


def mnist_arrays():
    path = "/work/shared/data/mnist.npz"
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
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(128)
    print(f"from_tensor_slices({x.shape}).shuffle(10000).batch(128): {timed(ds, 3):9.0f} batches/s")
    ds = tf.data.Dataset.from_tensor_slices((x / np.float32(255), y)).shuffle(10000).batch(128)
    print(f"  same, float32 images:                                {timed(ds, 3):9.0f} batches/s")

    def decode(v):  # ~1 ms of numpy work that releases the GIL, standing in for image decoding
        return np.sort(np.tile(np.asarray(v), 64))[::64]
    base = tf.data.Dataset.from_tensor_slices(x[:1024].reshape(1024, -1).astype(np.float32))
    serial = None
    for calls in (None, 2, tf.data.AUTOTUNE):
        rate = timed(base.map(decode, num_parallel_calls=calls).batch(128)) * 128
        serial = serial or rate
        print(f"map(decode, num_parallel_calls={calls}).batch(128): {rate:8.0f} elements/s ({rate / serial:.2f}x)")

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


if __name__ == "__main__":
    main()
