"""TFRecord read time and peak memory: one record of --mib MiB, and the same bytes as 1 KiB records.

Reading is linear: a record longer than the 16 MiB read chunk is completed by one read of its missing bytes (the
reader before issue 21 re-concatenated and re-scanned the pending bytes at every chunk: quadratic). To compare with
another tree, point PYTHONPATH at it.

Run: python3 bench/tfrecord_read.py [--mib 128] [--repeats 3]
"""
import argparse
import os
import resource
import statistics
import sys
import tempfile
import time

if not os.environ.get("PYTHONPATH"):  # else the tree PYTHONPATH names
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pytensor as tf  # noqa: E402


def read_seconds(path, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        count = sum(1 for _ in tf.data.TFRecordDataset(path).as_numpy_iterator())
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    size = args.mib << 20
    with tempfile.TemporaryDirectory() as d:
        big, small = os.path.join(d, "big"), os.path.join(d, "small")
        with tf.io.TFRecordWriter(big) as w:
            w.write(os.urandom(size))
        with tf.io.TFRecordWriter(small) as w:
            block = os.urandom(1024)
            for _ in range(size // 1024):
                w.write(block)
        print(f"pytensor from {os.path.dirname(tf.__file__)}")
        for label, path in ((f"one {args.mib} MiB record", big), (f"{size // 1024} records of 1 KiB", small)):
            seconds, count = read_seconds(path, args.repeats)
            print(f"{label:28s} {seconds:7.2f} s  ({count} records, median of {args.repeats})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
