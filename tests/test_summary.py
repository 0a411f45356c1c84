"""tf.summary: event files that TensorBoard's own readers load, compared with what real TensorFlow writes.

References: tests/fixtures/tensorboard/ (made by make_tf_fixtures.py with TensorFlow 2.21 + tensorboard 2.21:
TF's histogram buckets and an event file with every summary kind), numpy, and TensorBoard's event readers.
"""
import glob
import io
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import wave

import numpy as np
import pytest

pytest.importorskip("tensorboard")

import pytensor as tf  # noqa: E402
from child_python import child_env  # noqa: E402
from tensorboard.backend.event_processing import event_accumulator, plugin_event_accumulator  # noqa: E402
from tensorboard.compat.proto.event_pb2 import Event  # noqa: E402
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tensorboard")
sys.path.insert(0, FIXTURES)
from make_tf_fixtures import histogram_cases, summaries  # noqa: E402


def event_file(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return path


def values_by_tag_and_step(path):
    """{(tag, step): Summary.Value} read with pytensor's summary_iterator."""
    return {(v.tag, e.step): v for e in tf.summary.summary_iterator(path) for v in e.summary.value}


def first_metadata(path):
    """{tag: SummaryMetadata} from each tag's first value (readers take a tag's plugin from there)."""
    out = {}
    for event in tf.summary.summary_iterator(path):
        for value in event.summary.value:
            out.setdefault(value.tag, value.metadata)
    return out


def all_values(path):
    """[(step, Summary.Value)] in file order."""
    return [(e.step, v) for e in tf.summary.summary_iterator(path) for v in e.summary.value]


def write_fixture_summaries(logdir):
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for kind, tag, step, data, extra in summaries():
            assert getattr(tf.summary, kind)(tag, data, step=step, **extra) is True
    writer.close()
    return event_file(logdir)


def decoded_png(data):
    from PIL import Image
    return np.array(Image.open(io.BytesIO(data)))


# ---- the same values as real TensorFlow ----

@pytest.mark.parametrize("case", range(len(histogram_cases())))
def test_histogram_buckets_equal_tensorflow(case):
    recorded = np.load(os.path.join(FIXTURES, "histograms.npz"))
    buckets = int(recorded[f"buckets_{case}"])
    from pytensor.summary._encode import histogram_buckets
    ours = histogram_buckets(recorded[f"data_{case}"], 30 if buckets < 0 else buckets)
    np.testing.assert_array_equal(ours, recorded[f"tf_{case}"])


def test_every_summary_kind_is_what_tensorflow_writes(tmp_path):
    ours_path = write_fixture_summaries(str(tmp_path))
    theirs_path = event_file(os.path.join(FIXTURES, "tf_logdir"))
    assert first_metadata(ours_path) == first_metadata(theirs_path)      # the plugins TensorBoard routes them to
    ours, theirs = values_by_tag_and_step(ours_path), values_by_tag_and_step(theirs_path)
    assert ours.keys() == theirs.keys()
    for key, expected in theirs.items():
        got = ours[key]
        assert got.tensor.dtype == expected.tensor.dtype, key
        assert got.tensor.tensor_shape == expected.tensor.tensor_shape, key
        a, b = tensor_util.make_ndarray(got.tensor), tensor_util.make_ndarray(expected.tensor)
        if key[0] in ("pictures", "gray"):   # [width, height, png...]: PNG bytes may differ, pixels may not
            assert list(a[:2]) == list(b[:2])
            for png, tf_png in zip(a[2:], b[2:]):
                np.testing.assert_array_equal(decoded_png(png), decoded_png(tf_png))
        else:                                 # scalars, buckets, text and the WAV bytes are identical
            np.testing.assert_array_equal(a, b)


def test_summary_iterator_reads_files_tensorflow_wrote():
    path = event_file(os.path.join(FIXTURES, "tf_logdir"))
    events = list(tf.summary.summary_iterator(path))
    assert events[0].file_version == "brain.Event:2"
    by_key = values_by_tag_and_step(path)
    for kind, tag, step, data, _ in summaries():
        if kind == "scalar":
            assert tensor_util.make_ndarray(by_key[(tag, step)].tensor) == np.float32(data)
        if kind == "text":
            assert tensor_util.make_ndarray(by_key[(tag, step)].tensor) == data.encode()


# ---- TensorBoard's readers ----

def test_tensorboard_readers_load_every_kind(tmp_path, rng):
    weights = rng.normal(size=(40, 25)).astype(np.float32)
    images = rng.integers(0, 256, size=(5, 7, 9, 3)).astype(np.uint8)
    clip = (0.5 * np.sin(np.arange(1600) / 7.0)).reshape(1, 800, 2).astype(np.float32)
    losses = [2.5, 1.25, 0.3, 0.1]
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step, loss in enumerate(losses):
            tf.summary.scalar("loss", tf.constant(loss), step=step)
        tf.summary.histogram("weights", tf.Variable(weights), step=0, buckets=12)
        tf.summary.image("samples", images, step=0, max_outputs=2)
        tf.summary.text("notes", ["a", "b"], step=0)
        tf.summary.audio("sound", clip, sample_rate=16000, step=0)
    writer.close()

    plugins = plugin_event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    plugins.Reload()
    assert plugins.PluginTagToContent("scalars").keys() == {"loss"}
    assert plugins.PluginTagToContent("histograms").keys() == {"weights"}
    assert plugins.PluginTagToContent("images").keys() == {"samples"}
    assert plugins.PluginTagToContent("text").keys() == {"notes"}
    assert plugins.PluginTagToContent("audio").keys() == {"sound"}

    legacy = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={event_accumulator.TENSORS: 0})
    legacy.Reload()
    scalars = legacy.Tensors("loss")
    assert [e.step for e in scalars] == [0, 1, 2, 3]
    assert [tensor_util.make_ndarray(e.tensor_proto).item() for e in scalars] == [float(np.float32(v))
                                                                                  for v in losses]
    buckets = tensor_util.make_ndarray(legacy.Tensors("weights")[0].tensor_proto)
    assert buckets.shape == (12, 3)
    edges = np.append(buckets[:, 0], buckets[-1, 1])
    np.testing.assert_array_equal(buckets[:, 2], np.histogram(weights.astype(np.float64), bins=edges)[0])
    assert buckets[0, 0] == weights.min() and buckets[-1, 1] == weights.max()
    image_tensor = tensor_util.make_ndarray(legacy.Tensors("samples")[0].tensor_proto)
    assert list(image_tensor[:2]) == [b"9", b"7"] and len(image_tensor) == 2 + 2   # width, height, 2 images
    for png, expected in zip(image_tensor[2:], images):
        np.testing.assert_array_equal(decoded_png(png), expected)
    np.testing.assert_array_equal(tensor_util.make_ndarray(legacy.Tensors("notes")[0].tensor_proto), [b"a", b"b"])
    audio = tensor_util.make_ndarray(legacy.Tensors("sound")[0].tensor_proto)
    assert audio.shape == (1, 2)
    with wave.open(io.BytesIO(audio[0, 0])) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes(), wav.getsampwidth()) == (2, 16000, 800, 2)
        samples = np.frombuffer(wav.readframes(800), "<i2").reshape(800, 2)
    np.testing.assert_allclose(samples / 32768.0, clip[0], atol=1 / 32768)


def test_float_images_are_scaled_like_tensorflow(tmp_path):
    pixels = np.array([0.0, 0.5, 1.0, 1.5, -0.2, 0.999], np.float32).reshape(1, 2, 3, 1)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        tf.summary.image("x", pixels, step=0)
    writer.close()
    (value,) = values_by_tag_and_step(event_file(str(tmp_path))).values()
    png = tensor_util.make_ndarray(value.tensor)[2]
    # convert_image_dtype(saturate=True): x * 255.5, clipped to [0, 255], truncated.
    np.testing.assert_array_equal(decoded_png(png), [[0, 127, 255], [255, 0, 255]])


def test_file_name_and_tfrecord_framing(tmp_path):
    path = write_fixture_summaries(str(tmp_path))
    name = os.path.basename(path)
    match = re.fullmatch(r"events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2", name)
    assert match, name
    assert abs(int(match.group(1)) - time.time()) < 600
    assert match.group(2) == socket.gethostname() and int(match.group(3)) == os.getpid()
    data = open(path, "rb").read()
    offset, values = 0, 0
    while offset < len(data):
        (length,) = struct.unpack("<Q", data[offset:offset + 8])
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        payload = data[offset + 12:offset + 12 + length]
        (payload_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
        assert length_crc == masked_crc32c(data[offset:offset + 8])
        assert payload_crc == masked_crc32c(payload)
        offset += 16 + length
        values += len(Event.FromString(payload).summary.value)
    assert offset == len(data) and values == len(summaries())


# ---- the writer thread, flushing, crashes ----

def test_a_summary_does_not_wait_for_the_disk(tmp_path, monkeypatch):
    from pytensor.io import TFRecordWriter
    disk_free = threading.Event()
    real_write = TFRecordWriter.write

    def slow_write(self, record):
        disk_free.wait(10)      # the disk is stuck until the test lets it go
        real_write(self, record)

    writer = tf.summary.create_file_writer(str(tmp_path))
    monkeypatch.setattr(TFRecordWriter, "write", slow_write)
    start = time.perf_counter()
    with writer._default(step=0):
        for i in range(20):
            tf.summary.scalar("loss", float(i))
    returned_after = time.perf_counter() - start
    disk_free.set()
    writer.close()
    assert returned_after < 5     # the calls did not block on the stuck disk (it would take 10 s)
    written = all_values(event_file(str(tmp_path)))
    assert [tensor_util.make_ndarray(v.tensor).item() for _, v in written] == list(range(20))


def test_max_queue_and_flush_millis(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path / "a"), max_queue=3, flush_millis=10 ** 7)
    path = event_file(str(tmp_path / "a"))
    header = os.path.getsize(path)
    with writer._default(step=0):
        tf.summary.scalar("x", 1.0)
        tf.summary.scalar("x", 2.0)
    time.sleep(0.3)
    assert os.path.getsize(path) == header        # 2 < max_queue: still buffered
    with writer._default(step=0):
        tf.summary.scalar("x", 3.0)
    deadline = time.time() + 10
    while os.path.getsize(path) == header and time.time() < deadline:
        time.sleep(0.02)
    assert os.path.getsize(path) > header         # the third one flushed all three
    writer.close()

    explicit = tf.summary.create_file_writer(str(tmp_path / "c"), max_queue=1000, flush_millis=10 ** 7)
    path = event_file(str(tmp_path / "c"))
    header = os.path.getsize(path)
    with explicit.as_default(step=0):
        tf.summary.scalar("x", 1.0)
        tf.summary.flush()                        # the default writer, synchronously
        assert os.path.getsize(path) > header
    explicit.close()

    timed = tf.summary.create_file_writer(str(tmp_path / "b"), max_queue=1000, flush_millis=50)
    path = event_file(str(tmp_path / "b"))
    header = os.path.getsize(path)
    with timed._default(step=0):
        tf.summary.scalar("x", 1.0)
    deadline = time.time() + 10
    while os.path.getsize(path) == header and time.time() < deadline:
        time.sleep(0.02)
    assert os.path.getsize(path) > header         # flushed by the timer, with no flush() call
    timed.close()


CRASHING_CHILD = r"""
import sys
import numpy as np
import pytensor as tf
writer = tf.summary.create_file_writer(sys.argv[1], max_queue=1)
with writer.as_default():
    for step in range(10 ** 6):
        tf.summary.scalar("loss", step * 0.5, step=step)
        tf.summary.histogram("w", np.random.randn(20000), step=step)
        if step == 50:
            writer.flush()
            print("flushed", flush=True)
"""


def test_killed_mid_write_leaves_flushed_records_whole(tmp_path):
    logdir = str(tmp_path / "run")
    child = subprocess.Popen([sys.executable, "-c", CRASHING_CHILD, logdir], stdout=subprocess.PIPE, cwd=tmp_path,
                             env=child_env())
    try:
        assert child.stdout.readline().strip() == b"flushed"
        time.sleep(1.0)                                   # let it get further (the writer polls every 0.5 s)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    acc = event_accumulator.EventAccumulator(logdir, size_guidance={event_accumulator.TENSORS: 0})
    acc.Reload()
    losses = acc.Tensors("loss")
    assert len(losses) >= 51
    for event in losses:
        assert tensor_util.make_ndarray(event.tensor_proto).item() == event.step * 0.5

    # Cut the file inside its last record: TensorBoard reads everything before it.
    path = event_file(logdir)
    data = open(path, "rb").read()
    offsets = [0]
    while offsets[-1] < len(data) - 12:
        (length,) = struct.unpack("<Q", data[offsets[-1]:offsets[-1] + 8])
        offsets.append(offsets[-1] + 16 + length)
    whole = [o for o in offsets if o <= len(data)]
    cut_dir = tmp_path / "cut"
    cut_dir.mkdir()
    (cut_dir / os.path.basename(path)).write_bytes(data[:whole[-2] + 20])
    acc = event_accumulator.EventAccumulator(str(cut_dir), size_guidance={event_accumulator.TENSORS: 0})
    acc.Reload()
    read = len(acc.Tensors("loss")) + len(acc.Tensors("w"))
    before_cut = [Event.FromString(data[start + 12:end - 4]) for start, end in zip(whole[:-2], whole[1:-1])]
    assert read == sum(len(e.summary.value) for e in before_cut) > 50    # all values but the cut record's


INTERRUPTED_FIT = r"""
import sys
import numpy as np
from pytensor import keras
x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")

def interrupt(batch, logs):
    if model.optimizer.iterations.numpy() == 12:
        raise KeyboardInterrupt   # Ctrl-C in the middle of the second epoch

model.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[
    keras.callbacks.TensorBoard(sys.argv[1], update_freq="batch"),
    keras.callbacks.LambdaCallback(on_train_batch_end=interrupt)])
"""


def test_keyboard_interrupt_mid_fit_keeps_what_was_written(tmp_path):
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_FIT, str(tmp_path)], cwd=tmp_path, env=child_env(),
                          capture_output=True,
                          timeout=300)
    assert b"KeyboardInterrupt" in done.stderr and done.returncode != 0
    acc = event_accumulator.EventAccumulator(str(tmp_path / "train"), size_guidance={event_accumulator.TENSORS: 0})
    acc.Reload()
    assert [e.step for e in acc.Tensors("batch_loss")] == list(range(1, 13))     # every batch up to the interrupt
    assert [e.step for e in acc.Tensors("epoch_loss")] == [0]                    # the one finished epoch


# ---- state: default writer, steps, record_if ----

def test_no_writer_noop_writer_and_record_if(tmp_path):
    assert tf.summary.scalar("x", 1.0, step=0) is False                # no default writer
    with tf.summary.create_noop_writer().as_default():
        assert tf.summary.scalar("x", 1.0, step=0) is False
    assert bool(tf.summary.should_record_summaries()) is False
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=7):
        assert bool(tf.summary.should_record_summaries()) is True
        assert tf.summary.experimental.get_step() == 7
        with tf.summary.record_if(False):
            assert bool(tf.summary.should_record_summaries()) is False
            assert tf.summary.scalar("skipped", 1.0) is False
        with tf.summary.record_if(lambda: tf.summary.experimental.get_step() % 2 == 0):
            for step in range(4):
                tf.summary.experimental.set_step(step)
                tf.summary.scalar("even", float(step))
        tf.summary.set_step(10)
        tf.summary.scalar("default_step", 1.0)
    assert tf.summary.experimental.get_step() is None                 # as_default restored it
    writer.close()
    keys = values_by_tag_and_step(event_file(str(tmp_path))).keys()
    assert sorted(keys) == [("default_step", 10), ("even", 0), ("even", 2)]


def test_step_from_a_variable(tmp_path):
    step = tf.Variable(3, dtype="int64")
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=step):
        tf.summary.scalar("x", 1.0)
        step.assign(4)
        tf.summary.scalar("x", 2.0)
    writer.close()
    assert sorted(values_by_tag_and_step(event_file(str(tmp_path)))) == [("x", 3), ("x", 4)]


# ---- bad input ----

def test_bad_input_errors_name_summary_tag_and_fix(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match=r"tf\.summary\.scalar\('loss'\): no step.*set_step"):
            tf.summary.scalar("loss", 1.0)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"scalar\('acc'\).*rank 0.*shape \(3,\)"):
            tf.summary.scalar("acc", [1.0, 2.0, 3.0], step=0)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"image\('pic'\).*rank-4.*\(28, 28\).*batch axis"):
            tf.summary.image("pic", np.zeros((28, 28), np.uint8), step=0)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"image\('pic'\).*channels.*\(1, 4, 4, 2\)"):
            tf.summary.image("pic", np.zeros((1, 4, 4, 2), np.uint8), step=0)
        with pytest.raises(TypeError, match=r"image\('pic'\).*uint8.*int32"):
            tf.summary.image("pic", np.zeros((1, 4, 4, 1), np.int32), step=0)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"audio\('a'\).*rank-3"):
            tf.summary.audio("a", np.zeros(10, np.float32), 8000, step=0)
        with pytest.raises(TypeError, match=r"text\('t'\).*strings"):
            tf.summary.text("t", 3.5, step=0)
    writer.close()
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError, match=r"create_file_writer: cannot write event files to log directory.*a_file"):
        tf.summary.create_file_writer(str(blocker / "logs"))


def test_without_tensorboard_the_error_says_what_to_install(monkeypatch):
    from pytensor.summary import _protos
    _protos.protos.cache_clear()
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    try:
        with pytest.raises(ImportError, match=r"pip install pytensor-tf\[tensorboard\]"):
            tf.summary.create_file_writer("never-created")
    finally:
        _protos.protos.cache_clear()
    assert not os.path.exists("never-created")


def test_trace_export_needs_graph_mode():
    with pytest.raises(tf.errors.UnimplementedError, match="graph mode"):
        tf.summary.trace_on(graph=True)


def test_tags_take_the_name_scope(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        with tf.name_scope("block"):
            with tf.name_scope("inner"):
                tf.summary.scalar("loss", 1.0)
            tf.summary.histogram("weights", [1.0, 2.0])
        tf.summary.text("notes", "top level")
    writer.close()
    assert sorted(tag for tag, _ in values_by_tag_and_step(event_file(str(tmp_path)))) == [
        "block/inner/loss", "block/weights", "notes"]
