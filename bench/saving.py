"""Save and load times of Keras models, and save throughput against the disk's sequential write speed.

    python3 bench/saving.py                 # MNIST MLP save/load (.keras, .h5, .weights.h5) and a ~100 MB model
    python3 bench/saving.py --dir /tmp/x    # where the files go (default: a temporary folder on /tmp)

Cases: the lecture notes' MNIST MLP (784-512-10, compiled with Adam and trained one step, so the file holds the
optimizer's slots too): median wall time of ``model.save`` / ``keras.models.load_model`` / ``save_weights`` /
``load_weights`` over 9 runs (each ``load_model`` builds the model from its config, then reads the weights).
SavedModel: ``tf.saved_model.save`` of the MLP into a new folder and over an existing SavedModel (pytensor then
also deletes the old folder), ``tf.saved_model.load`` (reads the variables and decodes the graphs) and load plus
the first ``serving_default`` call (which optimises the graph), one call on 32 rows, and ``model.export`` (median
of 9 each).
A 100 MB model (Dense 5000x5000 float32, uncompiled): ``model.save(".keras")``, ``save_weights`` and
``tf.saved_model.save`` (each fsyncs what it writes and the folder before and after the rename) in MB/s,
against ``dd if=/dev/zero of=<file> bs=1M count=100 conv=fsync`` on the same folder (the issue's target:
>= 0.5x dd). dd's speed is quoted with and without fsync; pytensor's saves fsync, so compare with the first.
With Keras 3 importable (``KERAS_BACKEND=tensorflow``), the same cases run in Keras for comparison.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def _median_ms(fn, repeats=9):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _mlp(keras):
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).random((128, 784), dtype=np.float32)
    model.fit(x, np.zeros(128, "int64"), batch_size=128, epochs=1, verbose=0)
    return model


def _dd(folder, fsync):
    path = os.path.join(folder, "dd.bin")
    args = ["dd", "if=/dev/zero", f"of={path}", "bs=1M", "count=100"] + (["conv=fsync"] if fsync else [])
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    os.remove(path)
    return 100 * 1.048576 / seconds


def run(keras, name, folder, tf):
    print(f"== {name}")
    mlp = _mlp(keras)
    for ext in (".keras", ".h5"):
        path = os.path.join(folder, "mlp" + ext)
        save = _median_ms(lambda p=path: mlp.save(p))
        load = _median_ms(lambda p=path: keras.models.load_model(p))
        print(f"mnist_mlp {ext:11s} save {save:7.1f} ms   load_model {load:7.1f} ms   "
              f"({os.path.getsize(path) / 1e6:.1f} MB)")
    path = os.path.join(folder, "mlp.weights.h5")
    save = _median_ms(lambda: mlp.save_weights(path))
    load = _median_ms(lambda: mlp.load_weights(path))
    print(f"mnist_mlp .weights.h5 save {save:7.1f} ms   load_weights {load:7.1f} ms")
    path = os.path.join(folder, "mlp_saved_model")
    fresh = iter(range(100))
    first = _median_ms(lambda: tf.saved_model.save(mlp, f"{path}_{next(fresh)}"))
    save = _median_ms(lambda: tf.saved_model.save(mlp, path))
    load = _median_ms(lambda: tf.saved_model.load(path))
    x = tf.constant(np.ones((32, 784), "float32"))
    load_call = _median_ms(lambda: tf.saved_model.load(path).signatures["serving_default"](x))
    loaded = tf.saved_model.load(path)
    call = _median_ms(lambda: loaded.signatures["serving_default"](x), repeats=31)
    print(f"mnist_mlp SavedModel  save {first:7.1f} ms (new folder), {save:7.1f} ms (replacing one)   "
          f"saved_model.load {load:7.1f} ms   load + first call {load_call:7.1f} ms   "
          f"serving_default(32 rows) {call:5.2f} ms")
    path = os.path.join(folder, "mlp_export")
    export = _median_ms(lambda: mlp.export(path, verbose=False))
    print(f"mnist_mlp model.export {export:7.1f} ms")
    big = keras.Sequential([keras.Input((5000,)), keras.layers.Dense(5000)])
    size = sum(int(np.prod(w.shape)) * 4 for w in big.weights) / 1e6
    for label, fn, path in (("save .keras", lambda p: big.save(p), "big.keras"),
                            ("save_weights", lambda p: big.save_weights(p), "big.weights.h5")):
        target = os.path.join(folder, path)
        ms = _median_ms(lambda f=fn, t=target: f(t), repeats=3)
        print(f"big_{size:.0f}MB {label:13s} {ms:7.1f} ms = {size / ms * 1e3:6.0f} MB/s")
    target = os.path.join(folder, "big_saved_model")
    ms = _median_ms(lambda: tf.saved_model.save(big, target), repeats=3)
    print(f"big_{size:.0f}MB {'SavedModel':13s} {ms:7.1f} ms = {size / ms * 1e3:6.0f} MB/s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    folder = args.dir or tempfile.mkdtemp(prefix="bench_saving_")
    os.makedirs(folder, exist_ok=True)
    print(f"files in {folder}; dd 100 MB: {_dd(folder, True):.0f} MB/s with fsync, "
          f"{_dd(folder, False):.0f} MB/s without")
    import pytensor
    run(pytensor.keras, "pytensor", folder, pytensor)
    try:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import keras
        import tensorflow
    except ImportError:
        return
    run(keras, f"keras {keras.__version__}", folder, tensorflow)


if __name__ == "__main__":
    main()
