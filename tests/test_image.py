"""tf.image against real TF 2.21 outputs (tests/fixtures/image_tf.npz, made by fixtures/record_image.py), resize's
gradient against finite differences, and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "image_tf.npz")


@pytest.fixture(scope="module")
def recorded():
    with np.load(FIXTURE) as data:
        return {key: data[key] for key in data.files}


def _cases():
    with np.load(FIXTURE) as data:
        return sorted({key.split("/")[0] for key in data.files if key.endswith("/y")})


def _call(name):
    img = pt.image
    if name.startswith("rot90_") and name != "rot90_single":
        return lambda x: img.rot90(x, int(name[-1]))
    if name.startswith("resize_with_pad_") and name != "resize_with_pad_nearest":
        h, w = name.rsplit("_", 1)[1].split("x")
        return lambda x: img.resize_with_pad(x, int(h), int(w))
    if name.startswith("extract_patches_"):
        sizes, strides, rates, padding = {"valid": (2, 1, 1, "VALID"), "same": (3, 2, 1, "SAME"),
                                          "strided": (2, 3, 1, "VALID"), "dilated": (2, 1, 2, "SAME"),
                                          "wide": ((1, 3), 2, 1, "VALID")}[name.rsplit("_", 1)[1]]
        kh, kw = (sizes, sizes) if isinstance(sizes, int) else sizes
        return lambda x: img.extract_patches(x, [1, kh, kw, 1], [1, strides, strides, 1], [1, rates, rates, 1],
                                             padding)
    if name.startswith("resize_with_crop_or_pad_"):
        h, w = name.rsplit("_", 1)[1].split("x")
        return lambda x: img.resize_with_crop_or_pad(x, int(h), int(w))
    if name.startswith("resize_") and name.split("_")[1] in ("bilinear", "nearest", "bicubic", "area") \
            and "x" in name.rsplit("_", 1)[1]:
        method, size = name.split("_")[1:]
        h, w = size.split("x")
        return lambda x: img.resize(x, (int(h), int(w)), method=method)
    if name.startswith("central_crop_") and name != "central_crop_single":
        return lambda x: img.central_crop(x, float(name.rsplit("_", 1)[1]))
    table = {
        "resize_single_bilinear": lambda x: img.resize(x, (9, 5)),
        "resize_uint8_bilinear": lambda x: img.resize(x, (4, 9)),
        "resize_uint8_nearest": lambda x: img.resize(x, (4, 9), method="nearest"),
        "resize_uint8_bicubic": lambda x: img.resize(x, (4, 9), method="bicubic"),
        "resize_uint8_area": lambda x: img.resize(x, (4, 9), method="area"),
        "resize_aspect": lambda x: img.resize(x, (10, 10), preserve_aspect_ratio=True),
        "resize_aspect_single": lambda x: img.resize(x, (3, 10), preserve_aspect_ratio=True),
        "flip_left_right": img.flip_left_right,
        "flip_up_down": img.flip_up_down,
        "central_crop_single": lambda x: img.central_crop(x, 0.6),
        "crop_to_bounding_box": lambda x: img.crop_to_bounding_box(x, 1, 2, 3, 4),
        "pad_to_bounding_box": lambda x: img.pad_to_bounding_box(x, 1, 2, 9, 7),
        "convert_uint8_float32": lambda x: img.convert_image_dtype(x, pt.float32),
        "convert_float32_uint8": lambda x: img.convert_image_dtype(x, pt.uint8),
        "convert_uint8_int32": lambda x: img.convert_image_dtype(x, pt.int32),
        "convert_float32_float64": lambda x: img.convert_image_dtype(x, pt.float64),
        "per_image_standardization": img.per_image_standardization,
        "per_image_standardization_uint8": img.per_image_standardization,
        "per_image_standardization_flat": img.per_image_standardization,
        "rgb_to_grayscale": img.rgb_to_grayscale,
        "rgb_to_grayscale_uint8": img.rgb_to_grayscale,
        "adjust_brightness": lambda x: img.adjust_brightness(x, 0.2),
        "adjust_brightness_uint8": lambda x: img.adjust_brightness(x, 0.3),
        "adjust_contrast": lambda x: img.adjust_contrast(x, 1.7),
        "adjust_contrast_uint8": lambda x: img.adjust_contrast(x, 2.5),
        "rot90_single": lambda x: img.rot90(x, 3),
        "grayscale_to_rgb": img.grayscale_to_rgb,
        "resize_with_pad_nearest": lambda x: img.resize_with_pad(x, 9, 9, method="nearest"),
        "transpose": img.transpose,
        "transpose_single": img.transpose,
        "adjust_gamma": lambda x: img.adjust_gamma(x, 2.2, 0.8),
        "adjust_gamma_uint8": lambda x: img.adjust_gamma(x, 0.5, 1.3),
        "image_gradients_dy": lambda x: img.image_gradients(x)[0],
        "image_gradients_dx": lambda x: img.image_gradients(x)[1],
        "total_variation": img.total_variation,
        "total_variation_single": img.total_variation,
        "psnr": lambda x: img.psnr(x, pt.clip_by_value(x * 0.9 + 0.05, 0.0, 1.0), max_val=1.0),
        "psnr_uint8": lambda x: img.psnr(x, img.flip_left_right(x), max_val=255),
    }
    return table[name]


@pytest.mark.parametrize("name", _cases())
def test_matches_tf(recorded, name):
    got = _call(name)(pt.constant(recorded[f"{name}/x"]))
    want = recorded[f"{name}/y"]
    assert got.dtype.name == want.dtype.name, f"{name}: dtype {got.dtype.name}, TF {want.dtype}"
    assert tuple(got.shape) == want.shape, f"{name}: shape {tuple(got.shape)}, TF {want.shape}"
    if want.dtype.kind in "iu":
        np.testing.assert_array_equal(got.numpy(), want, err_msg=name)
    else:
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-5, err_msg=name)


def test_resize_float64_gives_float32_as_tf(recorded):
    got = pt.image.resize(pt.constant(np.ones((3, 4, 1))), (3, 4))
    assert got.dtype.name == str(recorded["resize_float64_dtype"])


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area"])
def test_resize_gradient_matches_finite_differences(method):
    # resize is linear in the image, so central differences with a unit step are exact up to float32 rounding.
    rng = np.random.default_rng(0)
    x = rng.random((1, 4, 5, 2)).astype(np.float32)
    r = pt.constant(rng.normal(size=(1, 7, 3, 2)).astype(np.float32))
    xt = pt.constant(x)

    def loss(value):
        return float(pt.reduce_sum(pt.image.resize(pt.constant(value), (7, 3), method=method) * r).numpy())

    with pt.GradientTape() as tape:
        tape.watch(xt)
        value = pt.reduce_sum(pt.image.resize(xt, (7, 3), method=method) * r)
    grad = tape.gradient(value, xt).numpy()
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += 1.0
        down[index] -= 1.0
        assert abs((loss(up) - loss(down)) / 2.0 - grad[index]) < 1e-4, index


def test_resize_in_a_trained_model():
    # A learnable input scaling in front of a resize: the loss falls as the gradient flows through the resize.
    pt.keras.utils.set_random_seed(0)
    model = pt.keras.Sequential([pt.keras.Input((6, 6, 1)), pt.keras.layers.Dense(1, use_bias=False),
                                 pt.keras.layers.Lambda(lambda t: pt.image.resize(t, (3, 3))),
                                 pt.keras.layers.Flatten()])
    model.compile(optimizer=pt.keras.optimizers.SGD(0.5), loss="mse")
    x = np.random.default_rng(1).random((16, 6, 6, 1)).astype(np.float32)
    y = 3.0 * pt.image.resize(pt.constant(x), (3, 3)).numpy().reshape(16, 9)
    history = model.fit(x, y, epochs=10, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


@pytest.mark.parametrize("flip, mirror", [(pt.image.random_flip_left_right, lambda a: a[:, ::-1]),
                                          (pt.image.random_flip_up_down, lambda a: a[::-1])])
def test_random_flips_each_image_with_probability_half(flip, mirror):
    x = np.random.default_rng(3).random((400, 3, 4, 2)).astype(np.float32)
    y = flip(pt.constant(x), seed=2).numpy()
    flipped = np.array([np.array_equal(out, mirror(img)) for out, img in zip(y, x)])
    assert all(f or np.array_equal(out, img) for f, out, img in zip(flipped, y, x))
    assert 0.375 < flipped.mean() < 0.625  # Binomial(400, 1/2): 5 standard deviations
    singles = {flip(pt.constant(x[0])).numpy().tobytes() for _ in range(40)}
    assert singles == {x[0].tobytes(), mirror(x[0]).tobytes()}


def test_random_brightness_and_contrast_draw_one_value_in_range():
    x = np.random.default_rng(4).random((2, 3, 4, 3)).astype(np.float32)
    deltas = np.array([(pt.image.random_brightness(pt.constant(x), 0.3).numpy() - x).ravel() for _ in range(200)])
    assert np.allclose(deltas, deltas[:, :1], atol=1e-6)  # one delta for the whole tensor
    assert deltas.min() >= -0.3 and deltas.max() < 0.3 and abs(deltas[:, 0].mean()) < 0.061  # 5 sd
    mean = x.mean(axis=(1, 2), keepdims=True)
    for _ in range(20):
        y = pt.image.random_contrast(pt.constant(x), 0.5, 1.5).numpy()
        factor = ((y - mean) * (x - mean)).sum() / ((x - mean) ** 2).sum()
        assert 0.5 <= factor < 1.5
        np.testing.assert_allclose(y, (x - mean) * factor + mean, atol=1e-5)


@pytest.mark.parametrize("op, args", [
    (pt.image.stateless_random_flip_left_right, ()), (pt.image.stateless_random_flip_up_down, ()),
    (pt.image.stateless_random_brightness, (0.3,)), (pt.image.stateless_random_contrast, (0.5, 1.5)),
    (pt.image.stateless_random_crop, ((2, 3, 4, 3),))])
def test_stateless_ops_are_fixed_by_their_seed(op, args):
    x = pt.constant(np.random.default_rng(6).random((8, 5, 6, 3)).astype(np.float32))
    outputs = {op(x, *args, seed=(s, 7)).numpy().tobytes() for s in range(12)}
    np.testing.assert_array_equal(op(x, *args, seed=(3, 7)).numpy(), op(x, *args, seed=(3, 7)).numpy())
    assert len(outputs) > 1  # other seeds, other draws


def test_random_crop_is_a_window_of_the_input():
    x = np.arange(5 * 6 * 2, dtype=np.float32).reshape(5, 6, 2)
    corners = set()
    for _ in range(150):  # a given offset is missed with probability (8/9)^150 < 1e-7
        y = pt.image.random_crop(pt.constant(x), (3, 4, 2)).numpy()
        top, left = np.argwhere(x[..., 0] == y[0, 0, 0])[0]
        np.testing.assert_array_equal(y, x[top:top + 3, left:left + 4])
        corners.add((top, left))
    assert corners == {(t, l) for t in range(3) for l in range(3)}  # every offset reachable


@pytest.mark.parametrize("call, message", [
    (lambda: pt.image.resize(pt.ones((4, 4)), (2, 2)), "3 or 4 dimensions"),
    (lambda: pt.image.resize(pt.ones((4, 4, 1)), (2, 2), method="lanczos3"),
     "'bilinear', 'nearest', 'bicubic' or 'area'"),
    (lambda: pt.image.resize(pt.ones((4, 4, 1)), (0, 2)), "positive"),
    (lambda: pt.image.central_crop(pt.ones((4, 4, 1)), 1.5), "within \\(0, 1\\]"),
    (lambda: pt.image.crop_to_bounding_box(pt.ones((4, 4, 1)), 2, 0, 3, 2), "height must be >= target"),
    (lambda: pt.image.pad_to_bounding_box(pt.ones((4, 4, 1)), 1, 0, 4, 4), "height must be <= target"),
    (lambda: pt.image.rgb_to_grayscale(pt.ones((4, 4, 2))), "must be 3"),
    (lambda: pt.image.grayscale_to_rgb(pt.ones((4, 4, 2))), "must be 1"),
    (lambda: pt.image.random_crop(pt.ones((4, 4, 1)), (5, 4, 1)), "size <= value.shape"),
    (lambda: pt.image.random_contrast(pt.ones((4, 4, 1)), 1.0, 0.5), "upper must be > lower"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_adjust_contrast_has_no_gradient_as_in_tensorflow():
    """TF registers no gradient for AdjustContrastv2: a tape through it raises LookupError (TF's autodiff guide)."""
    image = pt.Variable([[[0.5, 0.0, 0.0]]])
    delta = pt.Variable(0.1)
    with pt.GradientTape() as tape:
        new_image = pt.image.adjust_contrast(image, delta)
    with pytest.raises(LookupError, match="no entry for: AdjustContrastv2"):
        tape.gradient(new_image, [image, delta])
    np.testing.assert_allclose(pt.image.adjust_contrast(np.ones((2, 2, 1)) * [[[0.0]], [[1.0]]], 2.0).numpy(),
                               [[[-0.5], [-0.5]], [[1.5], [1.5]]])
