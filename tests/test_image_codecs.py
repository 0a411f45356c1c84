"""Image file codecs (tf.io / tf.image decode_* / encode_*, through Pillow) against what real TensorFlow decodes
from the same files (fixtures/make_image_codecs.py)."""

import os

import numpy as np
import pytest

import pytensor as tf

pytest.importorskip("PIL", reason="the image codecs need Pillow (pytensor's optional image extra)")
REC = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "image_codecs.npz"))


def data(key):
    return REC[key].tobytes()


@pytest.mark.parametrize("name", ["rgb", "rgba", "gray"])
@pytest.mark.parametrize("channels", [0, 1, 3, 4])
def test_decode_png_matches_tensorflow(name, channels):
    got = tf.io.decode_png(data(f"png_{name}"), channels=channels)
    assert got.dtype == tf.uint8
    if name == "rgba" and channels == 1:  # libpng rounds the gray of a pixel with alpha its own way: one level
        assert np.abs(got.numpy().astype(int) - REC[f"png_{name}_decoded_{channels}"]).max() <= 1
    else:
        np.testing.assert_array_equal(got.numpy(), REC[f"png_{name}_decoded_{channels}"])


@pytest.mark.parametrize("name", ["smooth", "gray"])
def test_decode_jpeg_matches_tensorflow(name):
    # libjpeg's accurate integer IDCT (Pillow's, and TF's INTEGER_ACCURATE) gives TF's pixels exactly; TF's default
    # is the fast IDCT, which gives some pixels a few levels apart
    decoded = tf.io.decode_jpeg(data(f"jpeg_{name}")).numpy()
    np.testing.assert_array_equal(decoded, REC[f"jpeg_{name}_decoded_accurate"])
    fast_gap = np.abs(decoded.astype(int) - REC[f"jpeg_{name}_decoded"])
    assert fast_gap.max() <= 6 and fast_gap.mean() < 1.5
    np.testing.assert_array_equal(tf.image.decode_jpeg(data(f"jpeg_{name}"), channels=3).numpy(),
                                  REC[f"jpeg_{name}_decoded_3"])
    np.testing.assert_array_equal(tf.io.extract_jpeg_shape(data(f"jpeg_{name}")).numpy(), REC[f"jpeg_{name}_shape"])
    assert bool(tf.io.is_jpeg(data(f"jpeg_{name}"))) and not bool(tf.io.is_jpeg(data("png_rgb")))


def test_jpeg_crop_and_ratio_match_tensorflow():
    np.testing.assert_array_equal(tf.io.decode_and_crop_jpeg(data("jpeg_smooth"), [2, 3, 10, 12]).numpy(),
                                  REC["jpeg_smooth_crop"])
    assert tf.io.decode_jpeg(data("jpeg_smooth"), ratio=2).shape == REC["jpeg_smooth_ratio2"].shape
    with pytest.raises(tf.errors.InvalidArgumentError, match="not inside"):
        tf.io.decode_and_crop_jpeg(data("jpeg_smooth"), [20, 3, 10, 12])


def test_gif_bmp_and_decode_image_match_tensorflow():
    np.testing.assert_array_equal(tf.io.decode_gif(data("gif")).numpy(), REC["gif_decoded"])
    np.testing.assert_array_equal(tf.io.decode_bmp(data("bmp")).numpy(), REC["bmp_decoded"])
    # TF's decoder scales to float one ulp differently from its convert_image_dtype (which pytensor's matches)
    np.testing.assert_allclose(tf.io.decode_image(data("png_rgb"), dtype=tf.float32).numpy(),
                               REC["decode_image_float"], rtol=3e-7)
    np.testing.assert_array_equal(tf.io.decode_image(data("gif"), expand_animations=False).numpy(),
                                  REC["decode_image_gif_first"])


def test_encode_png_is_lossless_and_jpeg_close():
    for key in ("rgb", "rgba", "gray"):
        image = REC[key]
        np.testing.assert_array_equal(tf.io.decode_png(tf.io.encode_png(image)).numpy(), image)
    ramp = np.linspace(0, 1, 32)
    smooth = (255 * np.stack([np.add.outer(ramp[:24], ramp) / 2, np.outer(ramp[:24], ramp), 1 - np.add.outer(
        ramp[:24], ramp) / 2], axis=-1)).astype(np.uint8)
    restored = tf.io.decode_jpeg(tf.io.encode_jpeg(smooth, quality=95)).numpy().astype(int)
    assert np.abs(restored - smooth).mean() < 2  # a smooth image survives JPEG at quality 95 nearly unchanged
    adjusted = tf.image.adjust_jpeg_quality(tf.image.convert_image_dtype(REC["smooth"], tf.float32), 90)
    assert adjusted.dtype == tf.float32 and adjusted.shape == REC["smooth"].shape


def test_bad_input_names_the_op():
    with pytest.raises(tf.errors.InvalidArgumentError, match="decode_png: the contents are not a valid PNG"):
        tf.io.decode_png(data("jpeg_smooth"))
    with pytest.raises(tf.errors.InvalidArgumentError, match="decode_image: unknown image format"):
        tf.io.decode_image(b"hello")
    with pytest.raises(TypeError, match="encode_png: image must be uint8"):
        tf.io.encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError, match="encode_jpeg: JPEG holds 1 or 3 channels"):
        tf.io.encode_jpeg(REC["rgba"])
