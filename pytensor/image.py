"""tf.image: resizing, flips, crops and pads, dtype conversion and colour adjustments of NHWC images.

Every function takes one image ``(height, width, channels)`` or a batch ``(batch, height, width, channels)``, as
TF's do. Resizing multiplies the image by interpolation matrices along the height and the width axes (nearest
neighbour gathers rows and columns), so gradients flow through the existing ops.
"""
import numpy as np

import pytensor as pt

__all__ = ["ResizeMethod", "resize", "flip_left_right", "flip_up_down", "central_crop", "crop_to_bounding_box",
           "pad_to_bounding_box", "resize_with_crop_or_pad", "convert_image_dtype", "per_image_standardization",
           "rgb_to_grayscale", "adjust_brightness", "adjust_contrast", "rot90", "grayscale_to_rgb", "resize_with_pad",
           "random_flip_left_right", "random_flip_up_down", "random_brightness", "random_contrast", "random_crop",
           "transpose", "adjust_gamma", "image_gradients", "total_variation", "psnr", "extract_patches",
           "stateless_random_flip_left_right", "stateless_random_flip_up_down", "stateless_random_brightness",
           "stateless_random_contrast", "stateless_random_crop", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yiq",
           "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb", "adjust_saturation", "adjust_hue", "random_saturation",
           "random_hue", "stateless_random_saturation", "stateless_random_hue", "sobel_edges"]


class ResizeMethod:
    """The names ``tf.image.resize``'s ``method`` accepts (bilinear, nearest, bicubic and area are built here)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_BUILT_METHODS = (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR, ResizeMethod.BICUBIC, ResizeMethod.AREA)


def _as_image(image, op):
    """``image`` as a tensor of rank 3 or 4 (TF's ValueError otherwise)."""
    image = image if isinstance(image, pt.Tensor) else pt.convert_to_tensor(image)
    if image.ndim not in (3, 4):
        raise ValueError(f"{op}: 'image' must have either 3 or 4 dimensions (height, width, channels) or (batch, "
                         f"height, width, channels); received shape {tuple(image.shape)}.")
    return image


def _hw(image):
    return int(image.shape[-3]), int(image.shape[-2])


def _bilinear_matrix(in_size, out_size):
    """(out_size, in_size) weights of TF 2's half-pixel bilinear resize along one axis."""
    scale = np.float32(in_size) / np.float32(out_size)
    centres = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    floor = np.floor(centres)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(centres), in_size - 1).astype(np.int64)
    lerp = centres - floor
    weights = np.zeros((out_size, in_size), np.float64)
    rows = np.arange(out_size)
    np.add.at(weights, (rows, lower), 1.0 - lerp)
    np.add.at(weights, (rows, upper), lerp)
    return weights


def _keys_cubic_table(a=-0.5, size=1024):
    """TF's tabulated Keys cubic kernel: row i holds the weights of the two nearest and the two outer taps at
    offset i / size."""
    x = np.arange(size + 1, dtype=np.float64) / size
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x = x + 1.0
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([near, far], axis=1).astype(np.float32)


def _bicubic_matrix(in_size, out_size):
    """(out_size, in_size) weights of TF 2's half-pixel bicubic resize (Keys, a = -0.5) along one axis: taps outside
    the image get no weight and the rest are renormalised, as TF does."""
    table, size = _keys_cubic_table(), 1024
    scale = np.float32(in_size) / np.float32(out_size)
    weights = np.zeros((out_size, in_size), np.float64)
    for out in range(out_size):
        centre = (np.float32(out) + np.float32(0.5)) * scale - np.float32(0.5)
        start = int(np.floor(centre))
        offset = int(np.rint((centre - start) * size))
        taps = [(start - 1, table[offset, 1]), (start, table[offset, 0]), (start + 1, table[size - offset, 0]),
                (start + 2, table[size - offset, 1])]
        taps = [(index, weight) for index, weight in taps if 0 <= index < in_size]
        total = np.float32(sum(weight for _, weight in taps))
        for index, weight in taps:
            weights[out, index] += np.float32(weight) / total
    return weights


def _area_matrix(in_size, out_size):
    """(out_size, in_size) weights of TF's area resize along one axis: each output averages the input pixels its
    span ``[i * scale, (i + 1) * scale)`` covers, weighted by the covered length."""
    scale = np.float32(in_size) / np.float32(out_size)
    weights = np.zeros((out_size, in_size), np.float64)
    for out in range(out_size):
        low, high = np.float32(out) * scale, np.float32(out + 1) * scale
        for index in range(int(np.floor(low)), int(np.ceil(high))):
            covered = min(index + 1.0, high) - max(float(index), low)
            weights[out, min(index, in_size - 1)] += covered / scale
    return weights


def _nearest_indices(in_size, out_size):
    """Source index of each output position in TF 2's half-pixel nearest-neighbour resize."""
    scale = np.float32(in_size) / np.float32(out_size)
    source = np.floor((np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale)
    return np.clip(source, 0, in_size - 1).astype(np.int32)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False, name=None):
    """Resizes images to ``size = (new_height, new_width)`` with TF 2's half-pixel centres.

    Bilinear, bicubic and area return float32 (as TF, also for float64 images); nearest keeps the input dtype.
    ``preserve_aspect_ratio`` scales both sides by the smaller of the two ratios, so the result fits inside ``size``.

    Example:
        >>> tf.image.resize(tf.ones((4, 4, 3)), (2, 8)).shape
        TensorShape([2, 8, 3])
    """
    images = _as_image(images, "resize")
    method = getattr(method, "value", method)
    if method not in _BUILT_METHODS:
        raise ValueError(f"resize: method {method!r} is not supported here; use 'bilinear', 'nearest', 'bicubic' "
                         f"or 'area'.")
    if antialias:
        raise ValueError("resize: antialias=True is not supported here; pass antialias=False (TF's default).")
    size = [int(s) for s in (size.numpy() if isinstance(size, pt.Tensor) else size)]
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(f"resize: 'size' must be two positive integers (new_height, new_width); received {size}.")
    height, width = _hw(images)
    if preserve_aspect_ratio:
        ratio = min(np.float32(size[0]) / np.float32(height), np.float32(size[1]) / np.float32(width))
        size = [int(np.round(ratio * np.float32(height))), int(np.round(ratio * np.float32(width)))]
    rank3 = images.ndim == 3
    batch = pt.expand_dims(images, 0) if rank3 else images
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        out = pt.gather(batch, _nearest_indices(height, size[0]), axis=1)
        out = pt.gather(out, _nearest_indices(width, size[1]), axis=2)
    else:
        matrix = {ResizeMethod.BILINEAR: _bilinear_matrix, ResizeMethod.BICUBIC: _bicubic_matrix,
                  ResizeMethod.AREA: _area_matrix}[method]
        batch = pt.cast(batch, pt.float32)
        rows = pt.constant(matrix(height, size[0]).astype(np.float32))
        cols = pt.constant(matrix(width, size[1]).astype(np.float32))
        out = pt.transpose(pt.tensordot(rows, batch, [[1], [1]]), (1, 0, 2, 3))
        out = pt.transpose(pt.tensordot(cols, out, [[1], [2]]), (1, 2, 0, 3))
    return out[0] if rank3 else out


def flip_left_right(image):
    """Reverses the width axis."""
    image = _as_image(image, "flip_left_right")
    return pt.gather(image, np.arange(_hw(image)[1] - 1, -1, -1, dtype=np.int32), axis=image.ndim - 2)


def flip_up_down(image):
    """Reverses the height axis."""
    image = _as_image(image, "flip_up_down")
    return pt.gather(image, np.arange(_hw(image)[0] - 1, -1, -1, dtype=np.int32), axis=image.ndim - 3)


def _crop(image, top, left, height, width):
    if image.ndim == 3:
        return image[top:top + height, left:left + width, :]
    return image[:, top:top + height, left:left + width, :]


def central_crop(image, central_fraction):
    """Keeps the central ``central_fraction`` of the height and the width (TF's rounding of the offsets).

    Example:
        >>> tf.image.central_crop(tf.ones((10, 10, 3)), 0.5).shape
        TensorShape([6, 6, 3])
    """
    image = _as_image(image, "central_crop")
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"central_crop: central_fraction must be within (0, 1]; received {central_fraction}.")
    if central_fraction == 1.0:
        return image
    height, width = _hw(image)
    top = int((height - height * central_fraction) / 2)
    left = int((width - width * central_fraction) / 2)
    return _crop(image, top, left, height - 2 * top, width - 2 * left)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height x target_width`` window whose top-left corner is at ``(offset_height, offset_width)``."""
    image = _as_image(image, "crop_to_bounding_box")
    height, width = _hw(image)
    checks = [(offset_width >= 0, "offset_width must be >= 0."), (offset_height >= 0, "offset_height must be >= 0."),
              (target_width > 0, "target_width must be > 0."), (target_height > 0, "target_height must be > 0."),
              (width >= target_width + offset_width, "width must be >= target + offset."),
              (height >= target_height + offset_height, "height must be >= target + offset.")]
    for ok, message in checks:
        if not ok:
            raise ValueError(f"crop_to_bounding_box: {message} Image shape {tuple(image.shape)}, offsets "
                             f"({offset_height}, {offset_width}), target ({target_height}, {target_width}).")
    return _crop(image, offset_height, offset_width, target_height, target_width)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pads to ``target_height x target_width`` with the image's top-left corner at the offsets."""
    image = _as_image(image, "pad_to_bounding_box")
    height, width = _hw(image)
    after_h, after_w = target_height - offset_height - height, target_width - offset_width - width
    checks = [(offset_height >= 0, "offset_height must be >= 0"), (offset_width >= 0, "offset_width must be >= 0"),
              (after_h >= 0, "height must be <= target - offset"), (after_w >= 0, "width must be <= target - offset")]
    for ok, message in checks:
        if not ok:
            raise ValueError(f"pad_to_bounding_box: {message}. Image shape {tuple(image.shape)}, offsets "
                             f"({offset_height}, {offset_width}), target ({target_height}, {target_width}).")
    paddings = [[offset_height, after_h], [offset_width, after_w], [0, 0]]
    return pt.pad(image, paddings if image.ndim == 3 else [[0, 0]] + paddings)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """Resizes to fit inside ``target_height x target_width`` keeping the aspect ratio, then zero-pads centrally
    (TF's float32 arithmetic for the scaled size and the offsets)."""
    image = _as_image(image, "resize_with_pad")
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"resize_with_pad: target_height and target_width must be > 0; received "
                         f"({target_height}, {target_width}).")
    height, width = (np.float32(d) for d in _hw(image))
    ratio = max(width / np.float32(target_width), height / np.float32(target_height))
    scaled_height, scaled_width = height / ratio, width / ratio
    pad_top = max(0, int(np.floor((np.float32(target_height) - scaled_height) / np.float32(2))))
    pad_left = max(0, int(np.floor((np.float32(target_width) - scaled_width) / np.float32(2))))
    resized = resize(image, (int(np.floor(scaled_height)), int(np.floor(scaled_width))), method=method,
                     antialias=antialias)
    return pad_to_bounding_box(resized, pad_top, pad_left, target_height, target_width)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops and/or zero-pads to the target size (TF's offsets: the extra pixel goes bottom/right)."""
    image = _as_image(image, "resize_with_crop_or_pad")
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"resize_with_crop_or_pad: target_height and target_width must be > 0; received "
                         f"({target_height}, {target_width}).")
    height, width = _hw(image)
    dh, dw = target_height - height, target_width - width
    cropped = crop_to_bounding_box(image, max(-dh // 2, 0), max(-dw // 2, 0),
                                   min(target_height, height), min(target_width, width))
    return pad_to_bounding_box(cropped, max(dh // 2, 0), max(dw // 2, 0), target_height, target_width)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts between integer images (0..dtype.max) and float images (0..1), scaling as TF does."""
    image = image if isinstance(image, pt.Tensor) else pt.convert_to_tensor(image)
    dtype = pt.as_dtype(dtype)
    source = image.dtype
    if source == dtype:
        return image
    if source.is_integer and dtype.is_integer:
        in_max, out_max = int(source.max), int(dtype.max)
        if in_max > out_max:
            return pt.cast(image // ((in_max + 1) // (out_max + 1)), dtype)
        return pt.cast(image, dtype) * pt.cast((out_max + 1) // (in_max + 1), dtype)
    if source.is_floating and dtype.is_floating:
        return pt.cast(image, dtype)
    if source.is_integer:
        return pt.cast(image, dtype) * (1.0 / int(source.max))
    scaled = image * (float(dtype.max) + 0.5)
    if saturate:
        scaled = pt.clip_by_value(scaled, float(dtype.min), float(dtype.max))
    return pt.cast(scaled, dtype)


def _to_float(image, op):
    image = image if isinstance(image, pt.Tensor) else pt.convert_to_tensor(image)
    if not (image.dtype.is_integer or image.dtype.is_floating):
        raise TypeError(f"{op}: expected an integer or float image; received dtype {image.dtype.name}.")
    return image, (image if image.dtype.is_floating else convert_image_dtype(image, pt.float32))


def per_image_standardization(image):
    """``(x - mean) / max(stddev, 1 / sqrt(num_pixels))`` over each image's height, width and channels (float32 for
    integer images)."""
    image = _as_image(image, "per_image_standardization")
    if not image.dtype.is_floating:
        image = pt.cast(image, pt.float32)
    axes = [-1, -2, -3]
    pixels = int(np.prod(image.shape[-3:]))
    mean = pt.reduce_mean(image, axis=axes, keepdims=True)
    stddev = pt.sqrt(pt.reduce_mean(pt.square(image - mean), axis=axes, keepdims=True))
    return (image - mean) / pt.maximum(stddev, 1.0 / float(np.sqrt(pixels)))


def rgb_to_grayscale(images, name=None):
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B`` with one channel kept; integer images come back in their dtype."""
    original, flt = _to_float(images, "rgb_to_grayscale")
    if int(flt.shape[-1]) != 3:
        raise ValueError(f"rgb_to_grayscale: the last dimension must be 3 (RGB); received shape "
                         f"{tuple(flt.shape)}.")
    weights = pt.constant(np.array([[0.2989], [0.5870], [0.1140]], flt.dtype.as_numpy_dtype))
    gray = pt.tensordot(flt, weights, [[flt.ndim - 1], [0]])
    return convert_image_dtype(gray, original.dtype)


def adjust_brightness(image, delta):
    """Adds ``delta`` (in the [0, 1] scale for integer images)."""
    original, flt = _to_float(image, "adjust_brightness")
    return convert_image_dtype(flt + delta, original.dtype, saturate=True)


def _without_gradient(op_type):
    """Marks a function's result as having no gradient, as TF's kernel `op_type` has none registered: a tape that
    differentiates through it raises TF's LookupError (programs catch it; TF's autodiff guide shows it)."""
    def mark(fn):
        def wrapped(*args):
            def no_gradient(*upstream):
                raise LookupError(f"gradient registry has no entry for: {op_type}")

            return pt.custom_gradient(lambda *inputs: (fn(*inputs), no_gradient))(*args)

        wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
        return wrapped

    return mark


@_without_gradient("AdjustContrastv2")
def _adjust_contrast(images, contrast_factor):
    original, flt = _to_float(images, "adjust_contrast")
    _as_image(flt, "adjust_contrast")
    mean = pt.reduce_mean(flt, axis=[-3, -2], keepdims=True)
    return convert_image_dtype((flt - mean) * contrast_factor + mean, original.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """``(x - mean) * contrast_factor + mean`` with the mean of each image and channel over height and width.
    Not differentiable, as in TF: a tape through it raises LookupError."""
    return _adjust_contrast(images, contrast_factor)


def rot90(image, k=1, name=None):
    """Rotates by ``k`` quarter turns counter-clockwise (height and width swap for odd ``k``)."""
    image = _as_image(image, "rot90")
    h_axis, w_axis = image.ndim - 3, image.ndim - 2
    perm = list(range(image.ndim))
    perm[h_axis], perm[w_axis] = w_axis, h_axis
    k = int(k) % 4
    if k == 1:
        return pt.transpose(flip_left_right(image), perm)
    if k == 2:
        return flip_up_down(flip_left_right(image))
    if k == 3:
        return flip_left_right(pt.transpose(image, perm))
    return image


def grayscale_to_rgb(images, name=None):
    """Repeats the single channel three times."""
    images = images if isinstance(images, pt.Tensor) else pt.convert_to_tensor(images)
    if images.ndim < 2 or int(images.shape[-1]) != 1:
        raise ValueError(f"grayscale_to_rgb: the last dimension must be 1 (one channel); received shape "
                         f"{tuple(images.shape)}.")
    return pt.tile(images, [1] * (images.ndim - 1) + [3])


def _random_flip(image, seed, flip, op):
    image = _as_image(image, op)
    if image.ndim == 3:
        return flip(image) if float(pt.random.uniform((), seed=seed).numpy()) < 0.5 else image
    flips = pt.random.uniform((int(image.shape[0]), 1, 1, 1), seed=seed) < 0.5
    return pt.where(flips, flip(image), image)


def random_flip_left_right(image, seed=None):
    """Flips each image left-right with probability 1/2 (each image of a batch on its own draw)."""
    return _random_flip(image, seed, flip_left_right, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Flips each image upside down with probability 1/2 (each image of a batch on its own draw)."""
    return _random_flip(image, seed, flip_up_down, "random_flip_up_down")


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by one delta drawn uniformly from ``[-max_delta, max_delta)``."""
    if max_delta < 0:
        raise ValueError(f"random_brightness: max_delta must be non-negative; received {max_delta}.")
    delta = float(pt.random.uniform((), -max_delta, max_delta, seed=seed).numpy())
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """``adjust_contrast`` by one factor drawn uniformly from ``[lower, upper)``."""
    if upper <= lower:
        raise ValueError(f"random_contrast: upper must be > lower; received lower={lower}, upper={upper}.")
    if lower < 0:
        raise ValueError(f"random_contrast: lower must be non-negative; received lower={lower}.")
    return adjust_contrast(image, float(pt.random.uniform((), lower, upper, seed=seed).numpy()))


def random_crop(value, size, seed=None, name=None):
    """A window of shape ``size`` at a uniformly random offset (any rank; ``size`` at most the shape)."""
    value = value if isinstance(value, pt.Tensor) else pt.convert_to_tensor(value)
    shape = [int(d) for d in value.shape]
    size = [int(d) for d in (size.numpy() if isinstance(size, pt.Tensor) else size)]
    if len(size) != len(shape) or any(s > d or s < 0 for s, d in zip(size, shape)):
        raise ValueError(f"random_crop: need 0 <= size <= value.shape per dimension; received size={size} for "
                         f"shape {tuple(shape)}.")
    draws = pt.random.uniform((len(shape),), seed=seed).numpy()
    offsets = [min(int(u * (d - s + 1)), d - s) for u, d, s in zip(draws, shape, size)]
    return value[tuple(slice(o, o + s) for o, s in zip(offsets, size))]


def transpose(image, name=None):
    """Swaps the height and width axes."""
    image = _as_image(image, "transpose")
    perm = [1, 0, 2] if image.ndim == 3 else [0, 2, 1, 3]
    return pt.transpose(image, perm)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * x ** gamma`` on the [0, 1] scale of integer images (back in their dtype, saturated)."""
    if gamma < 0:
        raise pt.errors.InvalidArgumentError(f"adjust_gamma: Gamma should be a non-negative real number; received "
                                             f"gamma={gamma}.")
    original, flt = _to_float(image, "adjust_gamma")
    if flt.dtype == pt.float64:
        flt = pt.cast(flt, pt.float32)  # as TF: float64 images are adjusted in float32
    return convert_image_dtype(pt.pow(flt, float(gamma)) * float(gain), original.dtype, saturate=True)


def image_gradients(image):
    """``(dy, dx)``: forward differences along height and width of a batch, zero in the last row / column."""
    image = _as_image(image, "image_gradients")
    if image.ndim != 4:
        raise ValueError(f"image_gradients: expects a 4-D tensor (batch, height, width, channels); received shape "
                         f"{tuple(image.shape)}.")
    dy = image[:, 1:] - image[:, :-1]
    dx = image[:, :, 1:] - image[:, :, :-1]
    return pt.pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]]), pt.pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]])


def total_variation(images, name=None):
    """Sum of absolute differences of neighbouring pixels: a scalar for one image, one value per image of a batch."""
    images = _as_image(images, "total_variation")
    h_axis = images.ndim - 3
    rows = pt.gather(images, np.arange(1, _hw(images)[0]), axis=h_axis) - pt.gather(
        images, np.arange(_hw(images)[0] - 1), axis=h_axis)
    cols = pt.gather(images, np.arange(1, _hw(images)[1]), axis=h_axis + 1) - pt.gather(
        images, np.arange(_hw(images)[1] - 1), axis=h_axis + 1)
    axes = None if images.ndim == 3 else [1, 2, 3]
    return pt.reduce_sum(pt.abs(rows), axis=axes) + pt.reduce_sum(pt.abs(cols), axis=axes)


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mse)`` per image (float32, as TF)."""
    a = a if isinstance(a, pt.Tensor) else pt.convert_to_tensor(a)
    b = b if isinstance(b, pt.Tensor) else pt.convert_to_tensor(b)
    if a.dtype != b.dtype or tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"psnr: a and b must have the same dtype and shape; received {a.dtype.name} "
                         f"{tuple(a.shape)} and {b.dtype.name} {tuple(b.shape)}.")
    scale = float(max_val) / (float(a.dtype.max) if a.dtype.is_integer else 1.0)
    a, b = convert_image_dtype(a, pt.float32), convert_image_dtype(b, pt.float32)
    mse = pt.reduce_mean(pt.square(a - b), axis=[-3, -2, -1])
    return 20.0 * float(np.log(np.float32(scale)) / np.log(10.0)) - float(np.float32(10 / np.log(10))) * pt.log(mse)


def extract_patches(images, sizes, strides, rates, padding):
    """Patches of ``sizes[1] x sizes[2]`` pixels every ``strides`` (dilated by ``rates``), each flattened in
    (row, column, channel) order into the last axis: ``(batch, out_rows, out_cols, rows * cols * channels)``;
    ``padding`` ``"VALID"`` or ``"SAME"`` (zeros)."""
    images = _as_image(images, "extract_patches")
    if images.ndim != 4:
        raise ValueError(f"extract_patches: expects a 4-D tensor (batch, height, width, channels); received shape "
                         f"{tuple(images.shape)}.")
    if str(padding).upper() not in ("VALID", "SAME"):
        raise ValueError(f"extract_patches: padding must be 'VALID' or 'SAME'; received {padding!r}.")
    (kh, kw), (sh, sw), (rh, rw) = ([int(v[1]), int(v[2])] for v in (sizes, strides, rates))
    batch, height, width, channels = (int(d) for d in images.shape)
    eff_h, eff_w = (kh - 1) * rh + 1, (kw - 1) * rw + 1
    if str(padding).upper() == "SAME":
        out_h, out_w = -(-height // sh), -(-width // sw)
        pad_h = max((out_h - 1) * sh + eff_h - height, 0)
        pad_w = max((out_w - 1) * sw + eff_w - width, 0)
        images = pt.pad(images, [[0, 0], [pad_h // 2, pad_h - pad_h // 2], [pad_w // 2, pad_w - pad_w // 2], [0, 0]])
        height, width = height + pad_h, width + pad_w
    else:
        out_h, out_w = (height - eff_h) // sh + 1, (width - eff_w) // sw + 1
    if out_h <= 0 or out_w <= 0:
        return pt.zeros((batch, max(out_h, 0), max(out_w, 0), kh * kw * channels), dtype=images.dtype)
    rows = (np.arange(out_h) * sh)[:, None, None, None] + (np.arange(kh) * rh)[None, None, :, None]
    cols = (np.arange(out_w) * sw)[None, :, None, None] + (np.arange(kw) * rw)[None, None, None, :]
    index = (rows * width + cols).reshape(-1).astype(np.int32)  # (out_h, out_w, kh, kw) pixel positions
    flat = pt.reshape(images, (batch, height * width, channels))
    patches = pt.gather(flat, index, axis=1)
    return pt.reshape(patches, (batch, out_h, out_w, kh * kw * channels))


def _stateless_uniform(seed, shape, low=0.0, high=1.0, dtype="float32"):
    """TF's stateless_random_uniform draws for ``seed`` (two integers), as TF's stateless image ops draw them."""
    from ._random_ops import stateless_uniform

    values = np.asarray(seed.numpy() if isinstance(seed, pt.Tensor) else seed).reshape(-1)
    if values.size != 2:
        raise ValueError(f"stateless random image ops: seed must be a shape [2] tensor of two integers; received "
                         f"{values.tolist()}.")
    return np.asarray(stateless_uniform(shape, values.astype(np.int64), minval=low, maxval=high, dtype=dtype))


def _stateless_flip(image, seed, flip, op):
    image = _as_image(image, op)
    if image.ndim == 3:
        return flip(image) if _stateless_uniform(seed, ())[()] < 0.5 else image
    # a batch flips where its draw rounds to 1 (a single image where the draw is below 0.5), as TF's kernel
    flips = pt.constant(np.round(_stateless_uniform(seed, (int(image.shape[0]),))).reshape(-1, 1, 1, 1) == 1.0)
    return pt.where(flips, flip(image), image)


def stateless_random_flip_left_right(image, seed):
    """``random_flip_left_right`` whose draws are fixed by ``seed``."""
    return _stateless_flip(image, seed, flip_left_right, "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed):
    """``random_flip_up_down`` whose draws are fixed by ``seed``."""
    return _stateless_flip(image, seed, flip_up_down, "stateless_random_flip_up_down")


def stateless_random_brightness(image, max_delta, seed):
    """``random_brightness`` whose delta is fixed by ``seed``."""
    if max_delta < 0:
        raise ValueError(f"stateless_random_brightness: max_delta must be non-negative; received {max_delta}.")
    return adjust_brightness(image, float(_stateless_uniform(seed, (), -max_delta, max_delta)))


def stateless_random_contrast(image, lower, upper, seed):
    """``random_contrast`` whose factor is fixed by ``seed``."""
    if upper <= lower or lower < 0:
        raise ValueError(f"stateless_random_contrast: need 0 <= lower < upper; received lower={lower}, "
                         f"upper={upper}.")
    return adjust_contrast(image, float(_stateless_uniform(seed, (), lower, upper)))


def stateless_random_crop(value, size, seed):
    """``random_crop`` whose offsets are fixed by ``seed``."""
    value = value if isinstance(value, pt.Tensor) else pt.convert_to_tensor(value)
    shape = [int(d) for d in value.shape]
    size = [int(d) for d in (size.numpy() if isinstance(size, pt.Tensor) else size)]
    if len(size) != len(shape) or any(s > d or s < 0 for s, d in zip(size, shape)):
        raise ValueError(f"stateless_random_crop: need 0 <= size <= value.shape per dimension; received size={size} "
                         f"for shape {tuple(shape)}.")
    draws = _stateless_uniform(seed, (len(shape),), 0, 2 ** 31 - 1, "int32")  # TF's: int32 draws modulo the range
    offsets = [int(u) % (d - s + 1) for u, d, s in zip(draws, shape, size)]
    return value[tuple(slice(o, o + s) for o, s in zip(offsets, size))]


# --- colour spaces (HSV by TF's kernel formulas; YIQ / YUV as TF's 3x3 matrices) -------------------------------


def _rgb(images, op):
    images = images if isinstance(images, pt.Tensor) else pt.convert_to_tensor(images, dtype_hint="float32")
    if not images.dtype.is_floating:
        raise TypeError(f"{op}: expected a float image in [0, 1]; received dtype {images.dtype.name} (convert it with "
                        "tf.image.convert_image_dtype).")
    if images.ndim < 1 or images.shape[-1] != 3:
        raise ValueError(f"{op}: the last dimension must be 3 (RGB or a 3-channel colour space); received shape "
                         f"{tuple(images.shape)}.")
    return images


def rgb_to_hsv(images, name=None):
    """Hue, saturation and value of RGB images in [0, 1] (hue in [0, 1), 0 for greys)."""
    images = _rgb(images, "rgb_to_hsv")
    red, green, blue = images[..., 0], images[..., 1], images[..., 2]
    value = pt.maximum(pt.maximum(red, green), blue)
    spread = value - pt.minimum(pt.minimum(red, green), blue)
    zero = pt.zeros_like(value)
    saturation = pt.where(value > 0.0, spread / pt.where(value > 0.0, value, pt.ones_like(value)), zero)
    norm = 1.0 / (6.0 * pt.where(spread > 0.0, spread, pt.ones_like(spread)))
    hue = pt.where(pt.equal(value, red), norm * (green - blue),
                   pt.where(pt.equal(value, green), norm * (blue - red) + 2.0 / 6.0, norm * (red - green) + 4.0 / 6.0))
    hue = pt.where(spread > 0.0, hue, zero)
    hue = pt.where(hue < 0.0, hue + 1.0, hue)
    return pt.stack([hue, saturation, value], -1)


def hsv_to_rgb(images, name=None):
    """RGB in [0, 1] of HSV images."""
    images = _rgb(images, "hsv_to_rgb")
    hue, saturation, value = images[..., 0], images[..., 1], images[..., 2]
    sixth = hue * 6.0
    channels = [pt.clip_by_value(pt.abs(sixth - 3.0) - 1.0, 0.0, 1.0),
                pt.clip_by_value(2.0 - pt.abs(sixth - 2.0), 0.0, 1.0),
                pt.clip_by_value(2.0 - pt.abs(sixth - 4.0), 0.0, 1.0)]
    return pt.stack([value * ((1.0 - saturation) + saturation * c) for c in channels], -1)


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _colour_matrix(images, kernel, op):
    images = _rgb(images, op)
    return pt.tensordot(images, pt.constant(np.asarray(kernel, images.dtype.name)), axes=[[images.ndim - 1], [0]])


def rgb_to_yiq(images):
    """YIQ of RGB images (TF's matrix)."""
    return _colour_matrix(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    """RGB of YIQ images (TF's matrix)."""
    return _colour_matrix(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    """YUV of RGB images (TF's matrix)."""
    return _colour_matrix(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    """RGB of YUV images (TF's matrix)."""
    return _colour_matrix(images, _YUV_TO_RGB, "yuv_to_rgb")


def _adjust_hsv(image, op, change):
    original, flt = _to_float(image, op)
    hsv = rgb_to_hsv(flt)
    return convert_image_dtype(hsv_to_rgb(change(hsv)), original.dtype, saturate=True)


def adjust_saturation(image, saturation_factor, name=None):
    """Saturation multiplied by `saturation_factor` (clipped to [0, 1]) in HSV."""
    return _adjust_hsv(image, "adjust_saturation", lambda hsv: pt.stack(
        [hsv[..., 0], pt.clip_by_value(hsv[..., 1] * saturation_factor, 0.0, 1.0), hsv[..., 2]], -1))


def adjust_hue(image, delta, name=None):
    """Hue rotated by `delta` (in [-1, 1]; hue wraps around) in HSV."""
    if not -1.0 <= float(delta) <= 1.0:
        raise ValueError(f"adjust_hue: delta must be in [-1, 1]; received {delta}.")

    def rotate(hsv):
        hue = pt.math.floormod(hsv[..., 0] + delta, 1.0)
        return pt.stack([hue, hsv[..., 1], hsv[..., 2]], -1)

    return _adjust_hsv(image, "adjust_hue", rotate)


def _check_saturation_range(lower, upper, op):
    if upper <= lower or lower < 0:
        raise ValueError(f"{op}: need 0 <= lower < upper; received lower={lower}, upper={upper}.")


def random_saturation(image, lower, upper, seed=None):
    """``adjust_saturation`` by one factor drawn uniformly from ``[lower, upper)``."""
    _check_saturation_range(lower, upper, "random_saturation")
    return adjust_saturation(image, float(pt.random.uniform((), lower, upper, seed=seed).numpy()))


def random_hue(image, max_delta, seed=None):
    """``adjust_hue`` by one delta drawn uniformly from ``[-max_delta, max_delta)`` (max_delta <= 0.5)."""
    if not 0 <= max_delta <= 0.5:
        raise ValueError(f"random_hue: max_delta must be in [0, 0.5]; received {max_delta}.")
    return adjust_hue(image, float(pt.random.uniform((), -max_delta, max_delta, seed=seed).numpy()))


def stateless_random_saturation(image, lower, upper, seed):
    """``random_saturation`` whose factor is fixed by ``seed``."""
    _check_saturation_range(lower, upper, "stateless_random_saturation")
    return adjust_saturation(image, float(_stateless_uniform(seed, (), lower, upper)))


def stateless_random_hue(image, max_delta, seed):
    """``random_hue`` whose delta is fixed by ``seed``."""
    if not 0 <= max_delta <= 0.5:
        raise ValueError(f"stateless_random_hue: max_delta must be in [0, 0.5]; received {max_delta}.")
    return adjust_hue(image, float(_stateless_uniform(seed, (), -max_delta, max_delta)))


def sobel_edges(image):
    """The vertical and horizontal Sobel responses of each channel: (batch, height, width, channels, 2), with the
    image padded by reflection as TF does."""
    image = image if isinstance(image, pt.Tensor) else pt.convert_to_tensor(image)
    if image.ndim != 4:
        raise ValueError(f"sobel_edges: expected a batch of images (batch, height, width, channels); received shape "
                         f"{tuple(image.shape)}.")
    kernels = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]],
                       image.dtype.name)  # (2, 3, 3): d/dy, d/dx
    channels = int(image.shape[-1])
    filters = np.zeros((3, 3, channels, 2 * channels), image.dtype.name)
    for c in range(channels):
        filters[:, :, c, 2 * c] = kernels[0]
        filters[:, :, c, 2 * c + 1] = kernels[1]
    padded = pt.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = pt.nn.conv2d(padded, pt.constant(filters), strides=1, padding="VALID")
    return pt.reshape(out, tuple(out.shape[:3]) + (channels, 2))


from ._image_codecs import (  # noqa: E402,F401  file codecs (Pillow, the optional image extra)
    adjust_jpeg_quality, decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png,
    decode_webp, encode_jpeg, encode_png, extract_jpeg_shape, is_jpeg, random_jpeg_quality,
    stateless_random_jpeg_quality)
from ._image_boxes import (  # noqa: E402,F401  bounding-box ops and SSIM
    combined_non_max_suppression, crop_and_resize, draw_bounding_boxes, non_max_suppression,
    non_max_suppression_overlaps, non_max_suppression_padded, non_max_suppression_with_scores,
    sample_distorted_bounding_box, ssim, ssim_multiscale, stateless_sample_distorted_bounding_box, extract_glimpse)

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
