"""Memory of graph mode: a trace holds no more than the eager run it records, a run leaves no buffer behind,
Keras's traced evaluate peaks no higher than its eager loop (measured with _core's allocation counters), and the
block cache does not grow the process when a graph's buffer sizes follow the eager trace's."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pytensor as tf
from child_python import child_env
from pytensor import _core

MIB = 1 << 20


def _peak_of(fn, *args):
    """Bytes allocated above the live ones at the start while fn(*args) runs (its result dropped)."""
    _core.reset_peak_bytes()
    base = _core.live_bytes()
    fn(*args)
    return _core.peak_bytes() - base


def _chain(x):
    # Each intermediate (4 MiB) dies as soon as the next one is made: eager holds two or three at a time.
    for _ in range(12):
        x = tf.nn.relu(x * 2.0 - 1.0)
    return tf.reduce_sum(x)


def test_trace_keeps_no_dead_intermediate_alive():
    x = tf.constant(np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32))
    eager = _peak_of(_chain, x)
    assert eager < 6 * 4 * MIB, eager  # the reference: a few live intermediates, not all 36
    traced = tf.function(_chain)
    first = _peak_of(traced, x)  # the trace: _chain runs eagerly while its ops are recorded
    assert first <= eager + MIB, (first, eager)
    assert _peak_of(traced, x) <= eager, eager  # the executor, by liveness


def test_run_leaves_no_buffer_behind():
    x = tf.constant(np.ones((256, 256), np.float32))
    traced = tf.function(_chain)
    traced(x)
    live = _core.live_bytes()
    for _ in range(3):
        traced(x)
    assert _core.live_bytes() == live


def test_trace_of_a_reused_address_is_still_the_right_value():
    # Intermediates are not kept alive, so a constant made later may sit at a dead one's address: it must be traced
    # as the constant it is, not as the dead tensor's edge.
    @tf.function
    def f(x):
        total = tf.zeros_like(x)
        for k in range(20):
            total = total + tf.exp(x * float(k)) * 0.0 + tf.constant(np.full(4, k, np.float32))
        return total

    x = tf.constant(np.arange(4, dtype=np.float32))
    np.testing.assert_array_equal(f(x).numpy(), np.full(4, sum(range(20)), np.float32))
    np.testing.assert_array_equal(f(x + 1.0).numpy(), np.full(4, sum(range(20)), np.float32))


def test_keras_traced_evaluate_peaks_no_higher_than_eager():
    rng = np.random.default_rng(1)
    x = rng.random((512, 28, 28, 1), np.float32)
    y = rng.integers(0, 10, 512)
    peaks = []
    for run_eagerly in (True, False):
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28, 1)),
                                     tf.keras.layers.Conv2D(16, 3, activation="relu"),
                                     tf.keras.layers.MaxPooling2D(), tf.keras.layers.Flatten(),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=run_eagerly)
        # The first evaluate traces test_step at batch 512 (its conv output alone is 21 MiB).
        peaks.append(_peak_of(lambda: model.evaluate(x, y, batch_size=512, verbose=0)))
    eager, traced = peaks
    assert traced <= eager + MIB, (traced / MIB, eager / MIB)


@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="resident memory is ASan's under the sanitizers (its allocator holds freed memory)")
def test_block_cache_gives_back_blocks_of_another_size_rather_than_grow(tmp_path):
    # The eager trace frees blocks of its sizes into the cache; the graph then needs other sizes. Resident memory
    # must stay near the peak of live bytes (95 MiB here), not add the second phase's on top of the cache.
    script = textwrap.dedent("""
        import pytensor as tf
        from pytensor import _core

        def rss_mib():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096 / (1 << 20)

        base = rss_mib()
        for mib in (8, 9.5):  # two size classes of the cache (8 per power of two)
            held = [tf.fill([int(mib * (1 << 18))], float(k)) for k in range(10)]
            del held
        print(rss_mib() - base, _core.live_bytes())
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=child_env(), capture_output=True,
                         text=True, check=True).stdout.split()
    grown, live = float(out[0]), int(out[1])
    assert live < 1 << 20, live
    assert grown < 110, grown  # the larger phase's ten 10 MiB blocks (9.5 MiB rounded to its size class); was 180
