"""keras.utils dataset helpers against real Keras 3 (fixtures/record_dataset_utils.py on the folders of
fixtures/dataset_trees.py): image_dataset_from_directory, text_dataset_from_directory,
timeseries_dataset_from_array, split_dataset, load_img / img_to_array / array_to_img / save_img; PyDataset /
Sequence in fit, evaluate and predict.

The seeded shuffle of the file list, the validation split and split_dataset's shuffle use numpy's / Python's
generators as Keras does, so they are compared exactly; the per-epoch element shuffle uses TF's generator in Keras
and pytensor's own here, so for it the tests check invariants (each element once, labels stay with their files).
"""
import os
import sys
import threading

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
sys.path.insert(0, FIXTURES)
from dataset_trees import build_image_tree, build_text_tree  # noqa: E402

pytest.importorskip("PIL")
REFERENCE = np.load(os.path.join(FIXTURES, "dataset_utils_keras3.npz"))


@pytest.fixture(scope="module")
def image_dir(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("images"))
    build_image_tree(root)
    return root


@pytest.fixture(scope="module")
def text_dir(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("texts"))
    build_text_tree(root)
    return root


def relative(paths, root):
    return [os.path.relpath(p, root) for p in paths]


def elements(ds):
    items = list(ds.as_numpy_iterator())
    if isinstance(items[0], tuple):
        return [np.stack([item[i] for item in items]) for i in range(len(items[0]))]
    return [np.stack(items)]


# ---- image_dataset_from_directory ----
IMAGE_CASES = {
    "bilinear": dict(image_size=(4, 6)),
    "upsample": dict(image_size=(9, 11)),
    "nearest": dict(image_size=(4, 6), interpolation="nearest"),
    "nearest_up": dict(image_size=(9, 11), interpolation="nearest"),
    "crop": dict(image_size=(4, 6), crop_to_aspect_ratio=True),
    "pad": dict(image_size=(4, 6), pad_to_aspect_ratio=True),
    "rgba": dict(image_size=(4, 6), color_mode="rgba", class_names=["dogs", "zebras"]),
    "categorical": dict(image_size=(3, 3), label_mode="categorical"),
    "binary_two_classes": dict(image_size=(3, 3), label_mode="binary", class_names=["zebras", "cats"]),
    "no_labels": dict(image_size=(3, 3), labels=None),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_image_dataset_matches_keras(image_dir, case):
    ds = keras.utils.image_dataset_from_directory(image_dir, shuffle=False, batch_size=None, verbose=False,
                                                  **IMAGE_CASES[case])
    assert relative(ds.file_paths, image_dir) == REFERENCE[f"image/{case}/paths"].tolist()
    assert list(ds.class_names or []) == REFERENCE[f"image/{case}/class_names"].tolist()
    got = elements(ds)
    assert len(got) == (1 if case == "no_labels" else 2)
    for i, value in enumerate(got):
        expected = REFERENCE[f"image/{case}/{i}"]
        assert value.dtype == expected.dtype, (i, value.dtype, expected.dtype)
        if i > 0:
            np.testing.assert_array_equal(value, expected)
            continue
        # PNG pixels and the resizing arithmetic agree to float32 rounding; TF's and Pillow's JPEG decoders (both
        # libjpeg, different IDCT settings) differ by a few grey levels.
        jpeg = np.array([p.endswith(".jpg") for p in ds.file_paths])
        np.testing.assert_allclose(value[~jpeg], expected[~jpeg], atol=1e-4, rtol=2e-6)
        np.testing.assert_allclose(value[jpeg], expected[jpeg], atol=4.0, rtol=0)


def test_image_dataset_grayscale_of_colour_images_is_close_to_keras(image_dir):
    """Pillow's luma weights (299, 587, 114) / 1000 round differently from TF's: one grey level apart at most for
    PNGs, a few more for the JPEG (the decoders differ too)."""
    ds = keras.utils.image_dataset_from_directory(image_dir, shuffle=False, batch_size=None, verbose=False,
                                                  image_size=(4, 6), color_mode="grayscale")
    images, labels = elements(ds)
    assert images.shape == (12, 4, 6, 1)
    jpeg = np.array([p.endswith(".jpg") for p in ds.file_paths])
    np.testing.assert_allclose(images[~jpeg], REFERENCE["image/grayscale/0"][~jpeg], atol=1.001, rtol=0)
    np.testing.assert_allclose(images[jpeg], REFERENCE["image/grayscale/0"][jpeg], atol=5.0, rtol=0)
    np.testing.assert_array_equal(labels, REFERENCE["image/grayscale/1"])


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_image_dataset_seeded_split_matches_keras(image_dir, subset):
    ds = keras.utils.image_dataset_from_directory(image_dir, image_size=(3, 3), seed=7, validation_split=0.25,
                                                  subset=subset, batch_size=4, verbose=False)
    assert relative(ds.file_paths, image_dir) == REFERENCE[f"image/split_{subset}/paths"].tolist()
    # Each epoch reshuffles the elements (pytensor's generator): the subset's images once each, with their labels.
    every_file = keras.utils.image_dataset_from_directory(image_dir, image_size=(3, 3), shuffle=False,
                                                          batch_size=None, verbose=False)
    all_images, all_labels = elements(every_file)
    label_of = {image.tobytes(): int(label) for image, label in zip(all_images, all_labels)}
    in_subset = sorted(image.tobytes() for path, image in zip(every_file.file_paths, all_images)
                       if path in set(ds.file_paths))
    for _ in range(2):
        images, labels = elements(ds.unbatch())
        assert [label_of[image.tobytes()] for image in images] == labels.tolist()
        assert sorted(image.tobytes() for image in images) == in_subset


def test_image_dataset_subset_both_matches_keras(image_dir):
    train, val = keras.utils.image_dataset_from_directory(image_dir, image_size=(3, 3), seed=11, validation_split=0.4,
                                                          subset="both", label_mode="categorical", verbose=False)
    assert relative(train.file_paths, image_dir) == REFERENCE["image/both_training/paths"].tolist()
    assert relative(val.file_paths, image_dir) == REFERENCE["image/both_validation/paths"].tolist()
    images, labels = elements(val.unbatch())  # not shuffled: Keras's order
    np.testing.assert_allclose(images, REFERENCE["image/both_validation/0"], atol=1e-4)
    np.testing.assert_array_equal(labels, REFERENCE["image/both_validation/1"])
    assert not set(train.file_paths) & set(val.file_paths)
    assert next(iter(train))[0].shape == (8, 3, 3, 3)


def test_image_dataset_explicit_labels_and_training(image_dir):
    files = 13  # labels given: the whole tree is indexed, the hidden folder's image too (as Keras)
    ds = keras.utils.image_dataset_from_directory(image_dir, labels=[i % 2 for i in range(files)],
                                                  image_size=(8, 8), batch_size=4, seed=1, verbose=False)
    assert ds.class_names == ["0", "1"]
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Lambda(lambda x: x / 255.0),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_image_dataset_bad_arguments(image_dir, tmp_path):
    make = keras.utils.image_dataset_from_directory
    with pytest.raises(ValueError, match="color_mode"):
        make(image_dir, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        make(image_dir, interpolation="bicubic")
    with pytest.raises(ValueError, match="seed"):
        make(image_dir, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="subset"):
        make(image_dir, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="exactly 2"):
        make(image_dir, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="class_names"):
        make(image_dir, class_names=["cats", "horses"], verbose=False)
    with pytest.raises(ValueError, match="lengths of `labels`"):
        make(image_dir, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match="does not exist"):
        make(str(tmp_path / "missing"))
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(ValueError, match="no files found"):
        make(str(tmp_path / "empty"), verbose=False)


def test_image_dataset_without_pillow_names_the_extra(image_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pytensor-tf\[image\]"):
        keras.utils.image_dataset_from_directory(image_dir)


# ---- load_img / img_to_array / array_to_img / save_img ----
IMAGE_FILE_CASES = {
    "default": ("zebras/zebras_0.png", {}),
    "bilinear": ("cats/cats_0.png", dict(target_size=(5, 3), interpolation="bilinear")),
    "lanczos_aspect": ("dogs/dogs_0.png", dict(target_size=(4, 7), interpolation="lanczos", keep_aspect_ratio=True)),
    "grayscale": ("cats/cats_3.jpg", dict(color_mode="grayscale", target_size=(6, 6))),
    "rgba_of_grey": ("dogs/dogs_1.png", dict(color_mode="rgba")),
}


@pytest.mark.parametrize("case", sorted(IMAGE_FILE_CASES))
def test_load_img_matches_keras(image_dir, case):
    file, kwargs = IMAGE_FILE_CASES[case]
    array = keras.utils.img_to_array(keras.utils.load_img(os.path.join(image_dir, file), **kwargs))
    np.testing.assert_array_equal(array, REFERENCE[f"load_img/{case}"])  # both Pillow: identical pixels


def test_array_to_img_and_save_img_match_keras(tmp_path):
    array = REFERENCE["array_to_img/x"]
    np.testing.assert_array_equal(keras.utils.img_to_array(keras.utils.array_to_img(array)),
                                  REFERENCE["array_to_img/scaled"])
    channels_first = keras.utils.array_to_img(array.transpose(2, 0, 1), data_format="channels_first")
    np.testing.assert_array_equal(keras.utils.img_to_array(channels_first, data_format="channels_first"),
                                  REFERENCE["array_to_img/channels_first"])
    keras.utils.save_img(str(tmp_path / "out.png"), array)
    np.testing.assert_array_equal(keras.utils.img_to_array(keras.utils.load_img(str(tmp_path / "out.png"))),
                                  REFERENCE["array_to_img/scaled"])
    with pytest.warns(UserWarning, match="RGBA"):
        keras.utils.save_img(str(tmp_path / "out.jpg"), np.ones((2, 2, 4)) * 200, scale=False)
    assert keras.utils.load_img(str(tmp_path / "out.jpg")).size == (2, 2)
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="channels"):
        keras.utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="interpolation"):
        keras.utils.load_img(str(tmp_path / "out.png"), target_size=(3, 3), interpolation="cubic")
    with pytest.raises(TypeError, match="path"):
        keras.utils.load_img(3)


# ---- text_dataset_from_directory ----
def test_text_dataset_matches_keras(text_dir):
    ds = keras.utils.text_dataset_from_directory(text_dir, shuffle=False, batch_size=None, max_length=12,
                                                 verbose=False)
    assert ds.class_names == ["neg", "pos"]
    texts, labels = elements(ds)
    assert texts.tolist() == REFERENCE["text/max_length/texts"].tolist()
    np.testing.assert_array_equal(labels, REFERENCE["text/max_length/labels"])
    texts, labels = elements(keras.utils.text_dataset_from_directory(text_dir, shuffle=False, batch_size=3,
                                                                     verbose=False).unbatch())
    assert texts.tolist() == REFERENCE["text/full/texts"].tolist()
    np.testing.assert_array_equal(labels, REFERENCE["text/full/labels"])


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_text_dataset_seeded_split_matches_keras(text_dir, subset):
    ds = keras.utils.text_dataset_from_directory(text_dir, seed=3, validation_split=0.3, subset=subset,
                                                 verbose=False)
    texts, labels = elements(ds.unbatch())
    assert sorted(texts.tolist()) == REFERENCE[f"text/split_{subset}/texts"].tolist()
    # A text's label is its folder, which the text starts with.
    assert [t.split(b" ")[0].decode() for t in texts] == [["neg", "pos"][i] for i in labels]


# ---- timeseries_dataset_from_array ----
SERIES = np.arange(100, dtype=np.float32).reshape(50, 2) * np.array([1.0, -0.5], np.float32)
SERIES_TARGETS = np.arange(50, dtype=np.int64) * 10
TIMESERIES_CASES = {
    "basic": dict(sequence_length=5, batch_size=4),
    "stride_rate": dict(sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=5),
    "window": dict(sequence_length=3, sampling_rate=3, start_index=6, end_index=40, batch_size=None),
    "targets": dict(sequence_length=6, sequence_stride=2, batch_size=8, targets=SERIES_TARGETS),
    "short_targets": dict(sequence_length=3, batch_size=7, targets=SERIES_TARGETS[:20]),
}


@pytest.mark.parametrize("case", sorted(TIMESERIES_CASES))
def test_timeseries_matches_keras(case):
    kwargs = dict(TIMESERIES_CASES[case])
    targets = kwargs.pop("targets", None)
    batches = list(keras.utils.timeseries_dataset_from_array(SERIES, targets, **kwargs).as_numpy_iterator())
    first = [b[0] for b in batches] if targets is not None else batches
    if kwargs["batch_size"] is None:
        np.testing.assert_array_equal(np.stack(first), REFERENCE[f"timeseries/{case}/x"])
        assert len(batches) == len(REFERENCE[f"timeseries/{case}/sizes"])
        return
    assert [len(b) for b in first] == REFERENCE[f"timeseries/{case}/sizes"].tolist()
    np.testing.assert_array_equal(np.concatenate(first), REFERENCE[f"timeseries/{case}/x"])
    if targets is not None:
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), REFERENCE[f"timeseries/{case}/y"])


@pytest.mark.parametrize("batch_size", [4, None])
def test_timeseries_shuffle_is_seeded_and_keeps_windows_with_targets(batch_size):
    def run(seed):
        ds = keras.utils.timeseries_dataset_from_array(SERIES, SERIES_TARGETS, sequence_length=5, sequence_stride=2,
                                                       batch_size=batch_size, shuffle=True, seed=seed)
        pairs = list(ds.as_numpy_iterator())
        if batch_size is not None:
            pairs = [(x, y) for bx, by in pairs for x, y in zip(bx, by)]
        return pairs
    first, again, other = run(3), run(3), run(4)
    def start(window):
        return int(window[0, 0]) // 2  # SERIES[row, 0] is 2 * row

    starts = [start(x) for x, _ in first]
    assert sorted(starts) == list(range(0, 46, 2))  # every window once (46 = 50 - 4 rows of the last window)
    assert starts == [start(x) for x, _ in again] != [start(x) for x, _ in other]
    for x, y in first:  # each window with its own rows and target
        np.testing.assert_array_equal(x, SERIES[start(x):start(x) + 5])
        assert y == SERIES_TARGETS[start(x)]


def test_timeseries_bad_arguments():
    make = keras.utils.timeseries_dataset_from_array
    with pytest.raises(ValueError, match="start_index"):
        make(SERIES, None, 3, start_index=60)
    with pytest.raises(ValueError, match="end_index"):
        make(SERIES, None, 3, start_index=10, end_index=5)
    with pytest.raises(ValueError, match="sampling_rate"):
        make(SERIES, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="sequence_stride"):
        make(SERIES, None, 3, sequence_stride=50)


# ---- split_dataset ----
SAMPLES = np.arange(30, dtype=np.int64).reshape(10, 3)


def test_split_dataset_matches_keras():
    left, right = keras.utils.split_dataset(SAMPLES, left_size=0.7, shuffle=True, seed=5)
    np.testing.assert_array_equal(elements(left)[0], REFERENCE["split/array/left"])
    np.testing.assert_array_equal(elements(right)[0], REFERENCE["split/array/right"])
    left, right = keras.utils.split_dataset((SAMPLES, SAMPLES[:, 0] * 7 // 3), right_size=3, shuffle=True, seed=2)
    for name, ds in (("left", left), ("right", right)):
        x, y = elements(ds)
        np.testing.assert_array_equal(x, REFERENCE[f"split/tuple/{name}_x"])
        np.testing.assert_array_equal(y, REFERENCE[f"split/tuple/{name}_y"])
    left, right = keras.utils.split_dataset(pt.data.Dataset.from_tensor_slices(SAMPLES).batch(4), left_size=6)
    assert [len(b) for b in left.as_numpy_iterator()] == REFERENCE["split/batched/left_sizes"].tolist()
    np.testing.assert_array_equal(np.concatenate(list(right.as_numpy_iterator())), REFERENCE["split/batched/right"])


def test_split_dataset_bad_sizes():
    with pytest.raises(ValueError, match="at least one"):
        keras.utils.split_dataset(SAMPLES)
    with pytest.raises(ValueError, match="left_size"):
        keras.utils.split_dataset(SAMPLES, left_size=10)
    with pytest.raises(ValueError, match="greater than 1"):
        keras.utils.split_dataset(SAMPLES, left_size=0.6, right_size=0.6)
    with pytest.raises(TypeError, match="right_size"):
        keras.utils.split_dataset(SAMPLES, right_size="3")
    with pytest.raises(TypeError, match="dataset"):
        keras.utils.split_dataset({"a": 1}, left_size=1)


# ---- PyDataset / Sequence ----
class LinearBatches(keras.utils.PyDataset):
    """Batches of y = 2 x0 - x1 + 0.5, with a record of the calls fit makes."""

    def __init__(self, batches=6, batch_size=16, **kwargs):
        super().__init__(**kwargs)
        rng = np.random.RandomState(0)
        self.x = rng.normal(size=(batches * batch_size, 2)).astype(np.float32)
        self.y = (self.x @ np.array([[2.0], [-1.0]], np.float32) + 0.5).astype(np.float32)
        self.batch_size, self.batches = batch_size, batches
        self.indices_seen, self.epochs_ended, self.epochs_begun = [], 0, 0
        self.threads = set()

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        self.indices_seen.append(index)
        self.threads.add(threading.get_ident())
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


def linear_model():
    pt.random.set_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def test_fit_on_pydataset_trains_and_calls_epoch_hooks():
    data = LinearBatches()
    model = linear_model()
    history = model.fit(data, epochs=3, shuffle=False, verbose=0)
    assert data.indices_seen == list(range(6)) * 3
    assert data.epochs_begun == data.epochs_ended == 3
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(kernel.ravel(), [2.0, -1.0], atol=0.1)
    np.testing.assert_allclose(bias, [0.5], atol=0.1)
    # predict reads the batches in order; evaluate's loss is the MSE of those predictions.
    predictions = model.predict(LinearBatches(), verbose=0)
    np.testing.assert_allclose(predictions, data.x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert model.evaluate(data, verbose=0) == pytest.approx(float(np.mean((predictions - data.y) ** 2)), rel=1e-4)


def test_fit_on_pydataset_shuffles_batch_order_and_respects_steps():
    data = LinearBatches(batches=8)
    linear_model().fit(data, epochs=2, verbose=0)  # shuffle=True by default: batch order permuted per epoch
    first, second = data.indices_seen[:8], data.indices_seen[8:]
    assert sorted(first) == sorted(second) == list(range(8))
    assert first != list(range(8)) or second != list(range(8))
    data = LinearBatches(batches=8)
    linear_model().fit(data, epochs=1, steps_per_epoch=3, shuffle=False, verbose=0)
    assert data.indices_seen == [0, 1, 2]


def test_pydataset_workers_use_a_thread_pool_and_keep_order():
    data = LinearBatches(batches=10, workers=3, use_multiprocessing=True, max_queue_size=4)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (3, True, 4)
    model = linear_model()
    model.fit(data, epochs=1, shuffle=False, verbose=0, validation_data=LinearBatches(batches=2))
    assert sorted(data.indices_seen) == list(range(10))
    assert threading.get_ident() not in data.threads
    sequential = linear_model()
    sequential.fit(LinearBatches(batches=10), epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], sequential.layers[0].get_weights()[0], rtol=1e-6)


def test_fit_workers_argument_of_tf_keras_2_fetches_in_threads():
    data = LinearBatches(batches=6)
    linear_model().fit(data, epochs=1, shuffle=False, verbose=0, workers=2, use_multiprocessing=False,
                       max_queue_size=2)
    assert sorted(data.indices_seen) == list(range(6)) and threading.get_ident() not in data.threads
    data = LinearBatches(batches=2)
    linear_model().fit(data, epochs=1, verbose=0)
    assert data.threads == {threading.get_ident()}  # one worker: fetched in the training loop


def test_sequence_is_pydataset_and_subclass_without_super_init_works():
    assert keras.utils.Sequence is keras.utils.PyDataset

    class NoInit(keras.utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.full((3, 2), index, np.float32), np.full((3, 1), index, np.float32)

    assert [x[0, 0] for x, _ in NoInit()] == [0.0, 1.0]
    linear_model().fit(NoInit(), epochs=1, verbose=0)


def test_fit_on_pydataset_errors():
    model = linear_model()
    with pytest.raises(ValueError, match="y must not be given"):
        model.fit(LinearBatches(), np.zeros(3), verbose=0)

    class Endless(keras.utils.PyDataset):
        num_batches = None

        def __getitem__(self, index):
            return np.ones((2, 2), np.float32), np.ones((2, 1), np.float32)

    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(Endless(), verbose=0)
    model.fit(Endless(), steps_per_epoch=2, epochs=2, verbose=0)
    with pytest.raises(NotImplementedError, match="__getitem__"):
        keras.utils.PyDataset()[0]
