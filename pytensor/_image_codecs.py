"""Image file codecs of ``tf.io`` / ``tf.image``: PNG, JPEG, BMP, GIF and WebP decoding and PNG / JPEG encoding,
through Pillow (the optional ``image`` extra: ``pip install pytensor-tf[image]``).

Decoded images are uint8 [height, width, channels] tensors (GIFs [frames, height, width, 3]), channels as the file
has them unless `channels` asks for 1 (gray), 3 (RGB) or 4 (RGBA), as TF's decoders do. JPEG is decoded with
libjpeg's accurate integer IDCT (TF's dct_method="INTEGER_ACCURATE", whose pixels it gives exactly); TF's default
fast IDCT differs from it by a level or two in some pixels. `dct_method` is accepted and not used.
"""

import io

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import StringTensor
from .errors import InvalidArgumentError

__all__ = ["decode_png", "decode_jpeg", "decode_bmp", "decode_gif", "decode_webp", "decode_image",
           "decode_and_crop_jpeg", "encode_png", "encode_jpeg", "is_jpeg", "extract_jpeg_shape",
           "adjust_jpeg_quality", "random_jpeg_quality", "stateless_random_jpeg_quality"]

_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _pillow(op):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{op} needs Pillow, pytensor's optional image extra: pip install 'pytensor-tf[image]' "
                          "(or pip install Pillow)") from None
    return Image


def _contents(contents, op):
    if isinstance(contents, StringTensor):
        contents = contents.numpy()
    if isinstance(contents, np.ndarray) and contents.ndim == 0:
        contents = contents.item()
    if not isinstance(contents, bytes):
        raise TypeError(f"{op}: contents must be a scalar string tensor of the file's bytes, got "
                        f"{type(contents).__name__}")
    return contents


def _open(contents, op, formats=None, scale=1):
    """The decoded Pillow image (JPEGs decoded at 1/`scale` size by libjpeg itself, as TF's `ratio`)."""
    Image = _pillow(op)
    data = _contents(contents, op)
    try:
        image = Image.open(io.BytesIO(data), formats=formats)
        if scale > 1:
            image.draft(image.mode, (-(-image.size[0] // scale), -(-image.size[1] // scale)))
        image.load()
    except Exception as err:  # noqa: BLE001 - Pillow raises several kinds for a bad file
        kinds = "/".join(formats) if formats else "image"
        raise InvalidArgumentError(f"{op}: the contents are not a valid {kinds} file ({err})") from None
    return image


def _channels_of(image):
    return {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "1": 1, "I;16": 1, "I": 1, "P": 3}.get(image.mode, 3)


def _as_array(image, channels, op):
    """The pixels as uint8 [h, w, c]: the file's own channels for 0, else converted to 1/3/4 (TF's rule)."""
    if channels not in (0, 1, 2, 3, 4):
        raise ValueError(f"{op}: channels must be 0, 1, 2, 3 or 4, got {channels}")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if channels == 1 and image.mode in ("RGB", "RGBA"):
        # libpng's and libjpeg's gray: (9798 R + 19235 G + 3735 B) >> 15, truncated (Pillow's rounds)
        rgb = np.asarray(image.convert("RGB"), np.int64)
        gray = (9798 * rgb[..., 0] + 19235 * rgb[..., 1] + 3735 * rgb[..., 2]) >> 15
        return gray.astype(np.uint8)[..., None]
    target = _MODES[channels] if channels else _MODES[_channels_of(image)] if image.mode in (
        "L", "LA", "RGB", "RGBA", "1") else "RGB"
    if image.mode != target:
        image = image.convert(target)
    return np.asarray(image, np.uint8).reshape(image.size[1], image.size[0], len(target))


def decode_png(contents, channels=0, dtype="uint8", name=None):
    """The pixels of a PNG file: uint8 [height, width, channels]."""
    if getattr(dtype, "name", dtype) != "uint8":
        raise NotImplementedError(f"decode_png: dtype {getattr(dtype, 'name', dtype)} (16-bit output) is not "
                                  "supported; decode as uint8")
    return _core.constant(_as_array(_open(contents, "decode_png", ["PNG"]), channels, "decode_png"))


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """The pixels of a JPEG file: uint8 [height, width, channels] (`ratio` 1, 2, 4 or 8 downscales)."""
    if ratio not in (1, 2, 4, 8):
        raise InvalidArgumentError(f"decode_jpeg: ratio must be 1, 2, 4 or 8, got {ratio}")
    image = _open(contents, "decode_jpeg", ["JPEG"], scale=ratio)
    return _core.constant(_as_array(image, channels, "decode_jpeg"))


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """decode_jpeg of the window [y, x, height, width] only."""
    y, x, h, w = (int(v) for v in np.asarray(crop_window.numpy() if isinstance(crop_window, (Tensor, Variable))
                                              else crop_window))
    pixels = decode_jpeg(contents, channels, ratio).numpy()
    if y < 0 or x < 0 or y + h > pixels.shape[0] or x + w > pixels.shape[1]:
        raise InvalidArgumentError(f"decode_and_crop_jpeg: crop window [{y}, {x}, {h}, {w}] is not inside the "
                                   f"{pixels.shape[0]}x{pixels.shape[1]} image")
    return _core.constant(pixels[y:y + h, x:x + w])


def decode_bmp(contents, channels=0, name=None):
    """The pixels of a BMP file: uint8 [height, width, channels]."""
    return _core.constant(_as_array(_open(contents, "decode_bmp", ["BMP"]), channels, "decode_bmp"))


def decode_webp(contents, channels=0, name=None):
    """The pixels of a WebP file: uint8 [height, width, channels]."""
    return _core.constant(_as_array(_open(contents, "decode_webp", ["WEBP"]), channels, "decode_webp"))


def decode_gif(contents, name=None):
    """Every frame of a GIF: uint8 [frames, height, width, 3]."""
    image = _open(contents, "decode_gif", ["GIF"])
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(np.asarray(image.convert("RGB"), np.uint8))
    return _core.constant(np.stack(frames))


def _format(data):
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:2] == b"BM":
        return "BMP"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def decode_image(contents, channels=None, dtype="uint8", name=None, expand_animations=True):
    """Any of PNG, JPEG, BMP, GIF or WebP by its signature; float dtypes scale to [0, 1] as convert_image_dtype.
    A GIF is [frames, h, w, 3] (its first frame [h, w, 3] without `expand_animations`)."""
    data = _contents(contents, "decode_image")
    kind = _format(data)
    if kind is None:
        raise InvalidArgumentError("decode_image: unknown image format; expected JPEG, PNG, GIF, BMP or WebP")
    if kind == "GIF":
        pixels = decode_gif(data)
        if not expand_animations:
            pixels = pixels[0]
        if channels not in (None, 0, 3):
            raise InvalidArgumentError(f"decode_image: a GIF has 3 channels, got channels={channels}")
    else:
        decoder = {"JPEG": decode_jpeg, "PNG": decode_png, "BMP": decode_bmp, "WEBP": decode_webp}[kind]
        pixels = decoder(data, channels or 0)
    target = getattr(dtype, "name", dtype)
    if target == "uint8":
        return pixels
    from .image import convert_image_dtype

    return convert_image_dtype(pixels, target)


def _pixels(image, op):
    array = np.asarray(image.numpy() if isinstance(image, (Tensor, Variable)) else image)
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"{op}: image must be [height, width, channels] with 1-4 channels, got shape "
                         f"{list(array.shape)}")
    if array.dtype != np.uint8:
        raise TypeError(f"{op}: image must be uint8, got {array.dtype}; convert with "
                        "tf.image.convert_image_dtype(image, tf.uint8)")
    return array


def _save(array, fmt, **options):
    Image = _pillow(f"encode_{fmt.lower()}")
    mode = _MODES[array.shape[2]]
    buffer = io.BytesIO()
    Image.fromarray(array if array.shape[2] > 1 else array[:, :, 0], mode).save(buffer, fmt, **options)
    return StringTensor(buffer.getvalue())


def encode_png(image, compression=-1, name=None):
    """The bytes of a PNG file of a uint8 [height, width, channels] image (lossless)."""
    level = 6 if compression == -1 else int(compression)
    if not 0 <= level <= 9:
        raise ValueError(f"encode_png: compression must be -1 or 0-9, got {compression}")
    return _save(_pixels(image, "encode_png"), "PNG", compress_level=level)


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,  # noqa: A002 - TF's name
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300, xmp_metadata="",
                name=None):
    """The bytes of a JPEG file of a uint8 [height, width, 1 or 3] image at `quality` (0-100)."""
    array = _pixels(image, "encode_jpeg")
    if array.shape[2] not in (1, 3):
        raise ValueError(f"encode_jpeg: JPEG holds 1 or 3 channels, got {array.shape[2]}")
    if format == "grayscale" and array.shape[2] == 3:
        raise ValueError("encode_jpeg: format='grayscale' needs a 1-channel image")
    if not 0 <= int(quality) <= 100:
        raise ValueError(f"encode_jpeg: quality must be in [0, 100], got {quality}")
    return _save(array, "JPEG", quality=int(quality), progressive=bool(progressive), optimize=bool(optimize_size),
                 subsampling=2 if chroma_downsampling else 0, dpi=(int(x_density), int(y_density)))


def is_jpeg(contents, name=None):
    """True when the bytes start as a JPEG file does."""
    return _core.constant(_format(_contents(contents, "is_jpeg")) == "JPEG")


def extract_jpeg_shape(contents, output_type="int32", name=None):
    """[height, width, channels] of a JPEG file, read from its header."""
    image = _open(contents, "extract_jpeg_shape", ["JPEG"])
    return _core.constant(np.asarray([image.size[1], image.size[0], _channels_of(image)],
                                     getattr(output_type, "name", output_type)))


def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """The image after a JPEG encode at `jpeg_quality` and decode (its artefacts), in the input's dtype."""
    from .image import convert_image_dtype

    x = image if isinstance(image, (Tensor, Variable)) else _core.convert_to_tensor(image)
    kind = x.dtype.name
    pixels = x if kind == "uint8" else convert_image_dtype(x, "uint8", saturate=True)
    decoded = decode_jpeg(encode_jpeg(pixels, quality=int(np.asarray(jpeg_quality))))
    return decoded if kind == "uint8" else convert_image_dtype(decoded, kind)


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """adjust_jpeg_quality at a quality drawn from [min, max) under TF's seed rules."""
    if not 0 <= min_jpeg_quality < max_jpeg_quality <= 100:
        raise ValueError(f"random_jpeg_quality: need 0 <= min ({min_jpeg_quality}) < max ({max_jpeg_quality}) "
                         "<= 100")
    quality = int(np.asarray(_core.random_uniform((), min_jpeg_quality, max_jpeg_quality, "int32", seed)))
    return adjust_jpeg_quality(image, quality)


def stateless_random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed):
    """adjust_jpeg_quality at a quality drawn from [min, max) as a function of `seed` (shape [2])."""
    from .random import stateless_uniform

    if not 0 <= min_jpeg_quality < max_jpeg_quality <= 100:
        raise ValueError(f"stateless_random_jpeg_quality: need 0 <= min ({min_jpeg_quality}) < max "
                         f"({max_jpeg_quality}) <= 100")
    quality = int(np.asarray(stateless_uniform((), seed, min_jpeg_quality, max_jpeg_quality, dtype="int32")))
    return adjust_jpeg_quality(image, quality)
