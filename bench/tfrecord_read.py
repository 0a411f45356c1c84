"""TFRecord read time and peak memory: one record of --mib MiB, the same bytes as 1 KiB records, and a header claiming
2**60 bytes followed by --mib MiB (the time until the DataLossError).

Reading is linear: a record longer than the 16 MiB read chunk is read by itself, once (the reader before issue 21
re-concatenated and re-scanned the pending bytes at every chunk: quadratic, and a huge claimed length read the whole
file before failing). The files are written by a child process, so the peak RSS printed is the reading's. To
compare with another tree, point PYTHONPATH at it.

Run: python3 bench/tfrecord_read.py [--mib 128] [--repeats 3]
"""
import argparse
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time

if not os.environ.get("PYTHONPATH"):  # else the tree PYTHONPATH names
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pytensor as tf  # noqa: E402


def write_files(directory, mib):
    size = mib << 20
    with tf.io.TFRecordWriter(os.path.join(directory, "big")) as w:
        w.write(os.urandom(size))
    with tf.io.TFRecordWriter(os.path.join(directory, "small")) as w:
        block = os.urandom(1024)
        for _ in range(size // 1024):
            w.write(block)
    header = struct.pack("<Q", 1 << 60)
    with open(os.path.join(directory, "lying"), "wb") as f:
        f.write(header + struct.pack("<I", tf.io.masked_crc32c(header)))
        for _ in range(mib):
            f.write(bytes(1 << 20))


def read_seconds(path, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            outcome = f"{sum(1 for _ in tf.data.TFRecordDataset(path).as_numpy_iterator())} records"
        except tf.errors.DataLossError:
            outcome = "DataLossError"
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        return write_files(args.write, args.mib)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, os.path.abspath(__file__), "--write", d, "--mib", str(args.mib)], check=True)
        print(f"pytensor from {os.path.dirname(tf.__file__)}")
        for label, name in ((f"one {args.mib} MiB record", "big"), (f"{args.mib} MiB as 1 KiB records", "small"),
                            (f"2**60 claimed, {args.mib} MiB there", "lying")):
            seconds, outcome = read_seconds(os.path.join(d, name), args.repeats)
            print(f"{label:30s} {seconds:7.3f} s  ({outcome}, median of {args.repeats})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
