"""tf.image box ops and SSIM against TF 2.21's results (tests/fixtures/make_image_boxes.py recorded them)."""
import os

import numpy as np
import pytest

import pytensor as tf

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "image_boxes.npz"), allow_pickle=True)


def _f(name):
    return FIXTURE[name]


def test_non_max_suppression_matches_tf():
    boxes, scores = _f("boxes"), _f("scores")
    np.testing.assert_array_equal(tf.image.non_max_suppression(boxes, scores, 10, 0.3).numpy(), _f("nms"))
    np.testing.assert_array_equal(
        tf.image.non_max_suppression(boxes, scores, 20, 0.5, score_threshold=0.4).numpy(), _f("nms_thr"))


def test_soft_nms_matches_tf():
    idx, kept = tf.image.non_max_suppression_with_scores(_f("boxes"), _f("scores"), 10, 0.5, 0.05,
                                                         soft_nms_sigma=0.5)
    np.testing.assert_array_equal(idx.numpy(), _f("soft_idx"))
    np.testing.assert_allclose(kept.numpy(), _f("soft_scores"), rtol=1e-6)
    # Decayed scores differ from the input scores: soft-NMS did decay some.
    assert not np.allclose(kept.numpy(), _f("scores")[_f("soft_idx")])


def test_padded_and_overlaps_match_tf():
    boxes = _f("boxes")
    ordered = np.concatenate([np.minimum(boxes[:, :2], boxes[:, 2:]), np.maximum(boxes[:, :2], boxes[:, 2:])], 1)
    idx, valid = tf.image.non_max_suppression_padded(ordered, _f("scores"), 15, 0.3, pad_to_max_output_size=True)
    np.testing.assert_array_equal(idx.numpy(), _f("padded_idx"))
    assert int(valid.numpy()) == int(_f("padded_n"))
    batched, counts = tf.image.non_max_suppression_padded(np.stack([ordered] * 2), np.stack([_f("scores")] * 2), 15,
                                                          0.3)
    np.testing.assert_array_equal(batched.numpy(), np.stack([_f("padded_idx")] * 2))
    np.testing.assert_array_equal(counts.numpy(), [_f("padded_n")] * 2)
    np.testing.assert_array_equal(
        tf.image.non_max_suppression_overlaps(_f("overlaps"), _f("scores"), 8, 0.6, 0.2).numpy(), _f("nms_overlaps"))


@pytest.mark.parametrize("clip", [True, False])
def test_combined_nms_matches_tf(clip):
    out = tf.image.combined_non_max_suppression(_f("cboxes"), _f("cscores"), 4, 9, 0.4, 0.1, clip_boxes=clip)
    for value, key in zip(out, "bscv"):
        np.testing.assert_allclose(value.numpy(), _f(f"combined_{clip:d}_{key}"), rtol=1e-6)
    assert out[2].dtype == tf.float32 and out[3].dtype == tf.int32


def test_nms_bad_input():
    with pytest.raises(tf.errors.InvalidArgumentError, match="iou_threshold"):
        tf.image.non_max_suppression(_f("boxes"), _f("scores"), 3, 1.5)
    with pytest.raises(ValueError, match="scores must be of shape"):
        tf.image.non_max_suppression(_f("boxes"), _f("scores")[:3], 3)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_crop_and_resize_matches_tf(method):
    out = tf.image.crop_and_resize(_f("image"), _f("crop_boxes"), _f("box_ind"), (5, 4), method=method,
                                   extrapolation_value=-1.0)
    np.testing.assert_allclose(out.numpy(), _f(f"crop_{method}"), atol=1e-6)
    point = tf.image.crop_and_resize(_f("image"), [[0.5, 0.5, 0.5, 0.5]], [1], (1, 1))
    np.testing.assert_allclose(point.numpy(), _f("crop_point"), atol=1e-6)


def test_crop_and_resize_gradient_matches_tf():
    image = tf.constant(_f("image"))
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tf.reduce_sum(tf.image.crop_and_resize(image, _f("crop_boxes"), _f("box_ind"), (5, 4))
                             * _f("crop_weights"))
    np.testing.assert_allclose(tape.gradient(loss, image).numpy(), _f("crop_grad"), atol=1e-5)


def test_crop_and_resize_bad_box_index():
    with pytest.raises(tf.errors.InvalidArgumentError, match="box_indices"):
        tf.image.crop_and_resize(_f("image"), _f("crop_boxes"), [0, 5, 0], (2, 2))


def test_draw_bounding_boxes_matches_tf():
    drawn = tf.image.draw_bounding_boxes(_f("image"), _f("draw_boxes"), _f("draw_colors"))
    np.testing.assert_array_equal(drawn.numpy(), _f("drawn"))


def _floats(name):
    return _f(name).astype(np.float32) / 255


def test_ssim_matches_tf():
    a, b = _floats("ssim_a"), _floats("ssim_b")
    np.testing.assert_allclose(tf.image.ssim(a, b, 1.0).numpy(), _f("ssim"), rtol=1e-5)
    np.testing.assert_allclose(tf.image.ssim(a, b, 1.0, filter_size=7, filter_sigma=1.0, k1=0.02, k2=0.04).numpy(),
                               _f("ssim_small"), rtol=1e-5)
    # uint8 images with max_val 255 are the same measure.
    np.testing.assert_allclose(tf.image.ssim(_f("ssim_a"), _f("ssim_b"), 255).numpy(), _f("ssim"), rtol=1e-5)
    np.testing.assert_allclose(tf.image.ssim(a, a, 1.0).numpy(), [1.0, 1.0], rtol=1e-6)


def test_ssim_multiscale_matches_tf():
    np.testing.assert_allclose(tf.image.ssim_multiscale(_floats("ms_a"), _floats("ms_b"), 1.0).numpy(),
                               _f("ms_ssim"), rtol=2e-5)
    np.testing.assert_allclose(
        tf.image.ssim_multiscale(_floats("ssim_a"), _floats("ssim_b"), 1.0, power_factors=(0.3, 0.3, 0.4),
                                 filter_size=5).numpy(), _f("ms_ssim_3"), rtol=2e-5)


def test_ssim_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    a = tf.constant(rng.uniform(0, 1, (1, 12, 12, 1)))
    b = rng.uniform(0, 1, (1, 12, 12, 1))
    with tf.GradientTape() as tape:
        tape.watch(a)
        value = tf.reduce_sum(tf.image.ssim(a, b, 1.0, filter_size=5))
    grad = tape.gradient(value, a).numpy()
    base, eps = a.numpy(), 1e-3  # ssim computes in float32, as TF's does
    for index in [(0, 3, 4, 0), (0, 7, 9, 0)]:
        up, down = base.copy(), base.copy()
        up[index] += eps
        down[index] -= eps
        numeric = (tf.image.ssim(up, b, 1.0, filter_size=5).numpy() - tf.image.ssim(down, b, 1.0, filter_size=5)
                   .numpy()) / (2 * eps)
        np.testing.assert_allclose(grad[index], numeric[0], rtol=2e-3, atol=1e-5)


def test_ssim_too_small_image():
    with pytest.raises(tf.errors.InvalidArgumentError, match="filter_size"):
        tf.image.ssim(np.zeros((8, 8, 1), np.float32), np.zeros((8, 8, 1), np.float32), 1.0)


@pytest.mark.parametrize("stateless", [False, True])
def test_sample_distorted_bounding_box_properties(stateless):
    boxes = np.array([[[0.1, 0.2, 0.6, 0.7]]], np.float32)
    kwargs = dict(min_object_covered=0.3, aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 0.8))
    draws = []
    for k in range(40):
        if stateless:
            begin, size, box = tf.image.stateless_sample_distorted_bounding_box([60, 80, 3], boxes, seed=[k, 1],
                                                                                **kwargs)
        else:
            begin, size, box = tf.image.sample_distorted_bounding_box([60, 80, 3], boxes, seed=k + 1, **kwargs)
        (y, x, _), (h, w, c) = begin.numpy(), size.numpy()
        draws.append((y, x, h, w))
        assert c == -1 and 0 <= y and y + h <= 60 and 0 <= x and x + w <= 80
        assert 0.1 * 4800 <= h * w <= 0.8 * 4800
        assert 0.5 - 0.05 <= w / h <= 2.0 + 0.05
        inter = max(0, min(36, y + h) - max(6, y)) * max(0, min(56, x + w) - max(16, x))
        assert inter / (30 * 40) >= 0.3
        np.testing.assert_allclose(box.numpy(), [[[y / 60, x / 80, (y + h) / 60, (x + w) / 80]]], rtol=1e-6)
    assert len(set(draws)) > 10  # seeds give different crops
    if stateless:
        again = tf.image.stateless_sample_distorted_bounding_box([60, 80, 3], boxes, seed=[3, 1], **kwargs)
    else:
        again = tf.image.sample_distorted_bounding_box([60, 80, 3], boxes, seed=4, **kwargs)
    assert tuple(again[0].numpy()[:2]) + tuple(again[1].numpy()[:2]) == draws[3]


@pytest.mark.parametrize("centered", [True, False])
@pytest.mark.parametrize("normalized", [True, False])
def test_extract_glimpse_matches_tf(centered, normalized):
    offsets = [[0.1, -0.3], [-0.9, 0.8]] if normalized else [[2.0, 3.0], [7.6, -1.2]]
    out = tf.image.extract_glimpse(_f("image"), (4, 5), offsets, centered=centered, normalized=normalized,
                                   noise="zero")
    np.testing.assert_array_equal(out.numpy(), _f(f"glimpse_{centered:d}{normalized:d}"))


def test_extract_glimpse_uniform_noise():
    out = tf.image.extract_glimpse(_f("image"), (4, 5), [[0.1, -0.3], [-0.9, 0.8]], noise="uniform").numpy()
    reference = _f("glimpse_uniform")
    # The glimpse of item 1 starts at row -1, column 7: rows 1.. and columns ..3 are image pixels, as in TF.
    np.testing.assert_array_equal(out[0], reference[0])
    np.testing.assert_array_equal(out[1, 1:, :4], reference[1, 1:, :4])
    noise = np.concatenate([out[1, 0].reshape(-1), out[1, :, 4].reshape(-1)])
    image = _f("image")[1]
    assert noise.min() >= image.min() and noise.max() <= image.max() and np.ptp(noise) > 0


def test_sample_distorted_bounding_box_dtypes_and_fallback():
    begin, size, _ = tf.image.stateless_sample_distorted_bounding_box([10, 12, 3], np.zeros((1, 0, 4), np.float32),
                                                                      seed=[1, 2], use_image_if_no_bounding_boxes=True)
    assert begin.dtype == tf.int32 and size.dtype == tf.int32
    begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(tf.constant([10, 12, 3], tf.int64),
                                                                      [[[0.0, 0.0, 1.0, 1.0]]], seed=[1, 2])
    assert begin.dtype == tf.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match="use_image_if_no_bounding_boxes"):
        tf.image.stateless_sample_distorted_bounding_box([10, 12, 3], np.zeros((1, 0, 4), np.float32), seed=[1, 2])
    # An impossible request (an area above the image's) falls back to the whole image, as TF does.
    begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
        [10, 12, 3], [[[0.0, 0.0, 1.0, 1.0]]], seed=[3, 4], area_range=(1.5, 2.0), max_attempts=5)
    assert begin.numpy().tolist() == [0, 0, 0] and size.numpy().tolist() == [10, 12, -1]
    np.testing.assert_allclose(box.numpy(), [[[0, 0, 1, 1]]])
