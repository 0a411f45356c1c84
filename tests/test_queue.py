"""tf.queue against real TensorFlow's recorded results (fixtures/make_tf_modules.py) and hand-derived orders:
blocking, closing, thread safety."""

import json
import os
import threading
import time

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_modules.json")) as f:
    REC = json.load(f)["results"]


def plain(t):
    a = t.numpy() if hasattr(t, "numpy") else t
    if isinstance(a, bytes):
        return a.decode()
    a = np.asarray(a)
    return [plain(v) for v in a] if a.dtype == object and a.ndim else a.tolist()


def test_fifo_queue_as_tf():
    q = tf.queue.FIFOQueue(10, [tf.int32, tf.float32], shapes=[[], [2]])
    q.enqueue_many(([1, 2, 3], [[1., 2.], [3., 4.], [5., 6.]]))
    q.enqueue((4, [7., 8.]))
    assert [plain(t) for t in q.dequeue_many(2)] == REC["fifo_dequeue_many"]
    assert int(q.size()) == REC["fifo_size"] and not bool(q.is_closed())
    q.close()
    assert bool(q.is_closed())
    assert [plain(t) for t in q.dequeue_up_to(5)] == REC["fifo_dequeue_up_to"]
    with pytest.raises(tf.errors.OutOfRangeError, match="closed"):
        q.dequeue()
    assert REC["fifo_closed_error"] == "OutOfRangeError"
    with pytest.raises(tf.errors.CancelledError, match="closed"):
        q.enqueue((5, [1., 1.]))
    assert q.dtypes == [tf.int32, tf.float32] and [s.as_list() for s in q.shapes] == [[], [2]]


def test_single_component_queue_returns_tensors():
    q = tf.queue.FIFOQueue(3, tf.float32)
    q.enqueue_many([[1.0, 2.0]])  # one component: a batch of two scalars
    q.enqueue(3.0)
    assert float(q.dequeue()) == 1.0
    assert plain(q.dequeue_many(2)) == [2.0, 3.0]


def test_priority_queue_as_tf():
    pq = tf.queue.PriorityQueue(10, [tf.string], shapes=[[]])
    pq.enqueue_many(([5, 1, 3, 1], ["five", "one", "three", "uno"]))
    got = pq.dequeue_many(4)
    assert [plain(got[0]), plain(got[1])] == REC["priority"]
    assert pq.dtypes == [tf.int64, tf.string]


def test_padding_fifo_queue_as_tf():
    pad = tf.queue.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    for row in ([1, 2, 3], [4], [5, 6]):
        pad.enqueue([row])
    assert plain(pad.dequeue_many(3)) == REC["padding_dequeue_many"]
    with pytest.raises(ValueError, match="known rank"):
        tf.queue.PaddingFIFOQueue(5, [tf.int32, tf.int32], shapes=[[2], None])
    strings = tf.queue.PaddingFIFOQueue(5, [tf.string], shapes=[[None]])
    strings.enqueue([["a", "b"]])
    strings.enqueue([["c"]])
    assert plain(strings.dequeue_many(2)) == [["a", "b"], ["c", ""]]


def test_named_components_as_tf():
    named = tf.queue.FIFOQueue(3, [tf.int32, tf.string], shapes=[[], []], names=["n", "s"])
    named.enqueue({"n": 1, "s": "x"})
    assert {k: plain(v) for k, v in named.dequeue().items()} == REC["named"]
    with pytest.raises(ValueError, match="enqueue a dict"):
        named.enqueue((1, "x"))


def test_bad_elements():
    q = tf.queue.FIFOQueue(3, [tf.int32], shapes=[[2]])
    with pytest.raises(ValueError, match="shape \\[3\\].*shape \\(2,\\)|shape \\[3\\]"):
        q.enqueue([[1, 2, 3]])
    with pytest.raises(TypeError, match="must be .*int32, got .*float32"):
        q.enqueue([tf.constant([1.0, 2.0])])
    with pytest.raises(ValueError, match="expected 1 components"):
        q.enqueue([1, 2])
    unknown = tf.queue.FIFOQueue(3, tf.int32)
    unknown.enqueue([[1, 2]])
    unknown.enqueue([[1]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="PaddingFIFOQueue"):
        unknown.dequeue_many(2)


def test_dequeue_blocks_until_an_enqueue():
    q = tf.queue.FIFOQueue(2, tf.int32)
    out = []
    reader = threading.Thread(target=lambda: out.append(int(q.dequeue())))
    reader.start()
    time.sleep(0.2)
    assert reader.is_alive() and not out  # blocked on the empty queue
    q.enqueue(7)
    reader.join(5)
    assert out == [7]


def test_enqueue_blocks_while_full_and_close_cancels():
    q = tf.queue.FIFOQueue(1, tf.int32)
    q.enqueue(1)
    done = []
    writer = threading.Thread(target=lambda: (q.enqueue(2), done.append(True)))
    writer.start()
    time.sleep(0.2)
    assert writer.is_alive() and not done  # blocked on the full queue
    assert int(q.dequeue()) == 1
    writer.join(5)
    assert done and int(q.dequeue()) == 2
    q.enqueue(3)
    errors = []

    def blocked():
        try:
            q.enqueue(4)
        except tf.errors.CancelledError as e:
            errors.append(e)

    writer = threading.Thread(target=blocked)
    writer.start()
    time.sleep(0.2)
    q.close(cancel_pending_enqueues=True)
    writer.join(5)
    assert len(errors) == 1


def test_close_wakes_a_blocked_dequeue_many():
    q = tf.queue.FIFOQueue(5, tf.int32)
    q.enqueue(1)
    caught = []

    def take():
        try:
            q.dequeue_many(3)
        except tf.errors.OutOfRangeError as e:
            caught.append(e)

    reader = threading.Thread(target=take)
    reader.start()
    time.sleep(0.2)
    q.close()
    reader.join(5)
    assert len(caught) == 1 and plain(q.dequeue_up_to(3)) == [1]


def test_many_threads_lose_and_duplicate_nothing():
    q = tf.queue.FIFOQueue(8, tf.int32)
    got, lock = [], threading.Lock()

    def produce(start):
        for i in range(start, start + 50):
            q.enqueue(i)

    def consume():
        while True:
            try:
                v = int(q.dequeue())
            except tf.errors.OutOfRangeError:
                return
            with lock:
                got.append(v)

    producers = [threading.Thread(target=produce, args=(s,)) for s in (0, 50, 100)]
    consumers = [threading.Thread(target=consume) for _ in range(3)]
    for t in producers + consumers:
        t.start()
    for t in producers:
        t.join()
    q.close()
    for t in consumers:
        t.join(10)
    assert sorted(got) == list(range(150))


def test_random_shuffle_queue():
    tf.random.set_seed(3)
    q = tf.queue.RandomShuffleQueue(20, min_after_dequeue=4, dtypes=[tf.int32], seed=5)
    q.enqueue_many([list(range(10))])
    first = plain(q.dequeue_many(6))  # 10 - 6 = min_after_dequeue: served at once
    waiter = []
    t = threading.Thread(target=lambda: waiter.append(plain(q.dequeue())))
    t.start()
    time.sleep(0.2)
    assert t.is_alive()  # one more would leave fewer than min_after_dequeue
    q.close()  # closing lets the rest drain
    t.join(5)
    rest = plain(q.dequeue_up_to(10))
    assert sorted(first + waiter + rest) == list(range(10))
    assert first != list(range(6))  # shuffled (a seeded order; sorted would be a 1 in 5040 chance)
    tf.random.set_seed(3)
    again = tf.queue.RandomShuffleQueue(20, 4, [tf.int32], seed=5)
    again.enqueue_many([list(range(10))])
    assert plain(again.dequeue_many(6)) == first  # the same seeds give the same order
    with pytest.raises(ValueError, match="smaller than capacity"):
        tf.queue.RandomShuffleQueue(4, 4, tf.int32)


def test_from_list_and_queue_inside_tf_function():
    a, b = tf.queue.FIFOQueue(3, tf.int32), tf.queue.FIFOQueue(3, tf.int32)
    assert tf.queue.QueueBase.from_list(1, [a, b]) is b
    with pytest.raises(TypeError, match="same dtypes"):
        tf.queue.QueueBase.from_list(0, [a, tf.queue.FIFOQueue(3, tf.float32)])
    q = tf.queue.FIFOQueue(10, tf.float32, shapes=[[]])

    @tf.function
    def push_and_pop(x):
        q.enqueue(x * 2.0)
        return q.dequeue() + 1.0

    assert float(push_and_pop(tf.constant(1.0))) == 3.0
    assert float(push_and_pop(tf.constant(5.0))) == 11.0  # the graph's host calls run on every call
    assert int(q.size()) == 0
