"""tf.train.ExponentialMovingAverage and ClusterSpec against TF 2.21 (tests/fixtures/make_train_more.py recorded
them); Coordinator by its contract."""
import json
import os
import threading

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "train_more.json")) as f:
    TF = json.load(f)


def test_exponential_moving_average_matches_tf():
    v, w = tf.Variable([1.0, 2.0], name="v"), tf.Variable(3.0, name="w")
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([v, w])
    assert [ema.average_name(v), ema.average_name(w), ema.average(v).name, ema.name] == TF["names"]
    for expected_v, expected_w in TF["steps"]:
        v.assign_add([0.5, -1.0])
        w.assign(w * 2.0)
        ema.apply([v, w])
        np.testing.assert_allclose(ema.average(v).numpy(), expected_v, rtol=1e-6)
        np.testing.assert_allclose(ema.average(w).numpy(), expected_w, rtol=1e-6)
    assert sorted(ema.variables_to_restore()) == TF["restore"]
    assert ema.variables_to_restore()["v/ExponentialMovingAverage"] is v
    assert not ema.average(v).trainable


def test_exponential_moving_average_num_updates_matches_tf():
    count, x = tf.Variable(0, dtype=tf.int64), tf.Variable(10.0, name="x")
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=count)
    for expected in TF["num_updates_steps"]:
        x.assign_add(1.0)
        count.assign_add(1)
        ema.apply([x])
        np.testing.assert_allclose(ema.average(x).numpy(), expected, rtol=1e-6)


def test_exponential_moving_average_bad_input():
    ema = tf.train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match="Variables"):
        ema.apply([tf.constant(1.0)])
    with pytest.raises(TypeError, match="float"):
        ema.apply([tf.Variable(1)])


def test_cluster_spec_matches_tf():
    cluster = tf.train.ClusterSpec({"worker": ["w0:2222", "w1:2222"], "ps": {3: "p3:2222"}})
    expected = TF["cluster"]
    assert cluster.jobs == expected["jobs"]
    assert cluster.num_tasks("ps") == expected["num_ps"] and cluster.task_indices("ps") == expected["ps_indices"]
    assert cluster.task_address("worker", 1) == expected["w1"]
    as_dict = cluster.as_dict()
    assert as_dict["worker"] == expected["as_dict"]["worker"] and as_dict["ps"] == {3: "p3:2222"}
    assert cluster.job_tasks("worker") == expected["worker_tasks"] and cluster.job_tasks("ps") == expected["ps_tasks"]
    assert tf.train.ClusterSpec(cluster) == cluster and bool(cluster) and not tf.train.ClusterSpec({})
    with pytest.raises(ValueError, match="no such job"):
        cluster.num_tasks("chief")


def test_coordinator_stops_threads_and_reraises():
    coord = tf.train.Coordinator()
    counts = [0, 0]

    def work(k):
        with coord.stop_on_exception():
            while not coord.should_stop():
                counts[k] += 1
                if k == 1 and counts[k] == 50:
                    raise ValueError("worker 1 failed")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    with pytest.raises(ValueError, match="worker 1 failed"):
        coord.join(threads, stop_grace_period_secs=10)
    assert coord.should_stop() and coord.joined and counts[1] == 50
    assert not any(t.is_alive() for t in threads)
    coord.clear_stop()
    assert not coord.should_stop() and not coord.wait_for_stop(0.01)
    coord.request_stop()
    coord.join([])  # a clean stop raises nothing


def test_debugging_dtype_and_iterable_checks():
    assert tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant([2.0])]) == tf.float32
    assert tf.debugging.assert_same_float_dtype(None, tf.float64) == tf.float64
    assert tf.debugging.assert_same_float_dtype() == tf.float32
    with pytest.raises(ValueError, match="Expected float32, got float64"):
        tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(1.0, tf.float64)])
    with pytest.raises(ValueError, match="floating point"):
        tf.debugging.assert_same_float_dtype([tf.constant(1)])
    tf.debugging.assert_proper_iterable([1, 2])
    for bad in (tf.constant([1, 2]), np.zeros(2), "ab", b"ab", 3):
        with pytest.raises(TypeError, match="iterable"):
            tf.debugging.assert_proper_iterable(bad)
    assert tf.debugging.is_numeric_tensor(tf.constant([1.5])) and tf.debugging.is_numeric_tensor(tf.Variable(2))
    assert not tf.debugging.is_numeric_tensor(tf.constant([True])) and not tf.debugging.is_numeric_tensor(1.0)
    tf.debugging.set_log_device_placement(True)
    assert tf.debugging.get_log_device_placement()
    tf.debugging.set_log_device_placement(False)
    assert not tf.debugging.get_log_device_placement()


def test_debugging_traceback_filtering_switch():
    assert tf.debugging.is_traceback_filtering_enabled()  # TF's default
    tf.debugging.disable_traceback_filtering()
    try:
        assert not tf.debugging.is_traceback_filtering_enabled()
    finally:
        tf.debugging.enable_traceback_filtering()
    assert tf.debugging.is_traceback_filtering_enabled()
