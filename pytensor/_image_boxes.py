"""tf.image's bounding-box ops and image-quality measures: non-max suppression (hard, soft, padded, on overlaps,
per class), crop_and_resize, draw_bounding_boxes, sampled distorted boxes, SSIM and multi-scale SSIM.

Selection ops (NMS, box sampling, drawing) work on host arrays and return constants, as TF's have no gradient.
crop_and_resize gathers the four neighbours of each sample point from the image and mixes them with constant
weights, and SSIM is built from depthwise convolutions, so both are differentiable in the image.
"""
import heapq

import numpy as np

import pytensor as pt

__all__ = ["non_max_suppression", "non_max_suppression_with_scores", "non_max_suppression_padded",
           "non_max_suppression_overlaps", "combined_non_max_suppression", "crop_and_resize",
           "draw_bounding_boxes", "sample_distorted_bounding_box", "stateless_sample_distorted_bounding_box",
           "ssim", "ssim_multiscale", "extract_glimpse"]


def _host(x, dtype=None):
    value = x.numpy() if hasattr(x, "numpy") else x
    return np.asarray(value, dtype) if dtype else np.asarray(value)


def _boxes_and_scores(boxes, scores, op):
    boxes, scores = _host(boxes, np.float32), _host(scores, np.float32)
    if boxes.ndim != 2 or boxes.shape[-1] != 4:
        raise ValueError(f"{op}: boxes must be of shape (num_boxes, 4); received {boxes.shape}.")
    if scores.shape != (boxes.shape[0],):
        raise ValueError(f"{op}: scores must be of shape (num_boxes,) = ({boxes.shape[0]},); received "
                         f"{scores.shape}.")
    return boxes, scores


def _iou_matrix(boxes):
    """IoU of every pair of boxes (corners in either order), in float32 as TF computes it; 0 where a box is
    empty."""
    lo, hi = np.minimum(boxes[:, :2], boxes[:, 2:]), np.maximum(boxes[:, :2], boxes[:, 2:])
    area = (hi[:, 0] - lo[:, 0]) * (hi[:, 1] - lo[:, 1])
    inter_lo, inter_hi = np.maximum(lo[:, None], lo[None]), np.minimum(hi[:, None], hi[None])
    extent = np.maximum(inter_hi - inter_lo, np.float32(0))
    inter = extent[..., 0] * extent[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area[:, None] + area[None] - inter)
    return np.where((area[:, None] > 0) & (area[None] > 0), iou, np.float32(0)).astype(np.float32)


def _check_threshold(iou_threshold, op):
    iou_threshold = float(_host(iou_threshold))
    if not 0.0 <= iou_threshold <= 1.0:
        raise pt.errors.InvalidArgumentError(f"{op}: iou_threshold must be in [0, 1]; received {iou_threshold}.")
    return iou_threshold


def _greedy_nms(similarity, scores, max_output_size, threshold, score_threshold, soft_nms_sigma=0.0):
    """TF's greedy selection: the best remaining candidate is kept unless a kept box overlaps it by more than
    ``threshold``. With ``soft_nms_sigma > 0`` overlaps below the threshold only decay its score by
    exp(-iou^2 / (2 sigma)); a decayed candidate goes back to the queue. Ties go to the lower index."""
    threshold, score_threshold = np.float32(threshold), np.float32(score_threshold)
    scale = np.float32(-0.5 / soft_nms_sigma) if soft_nms_sigma > 0 else np.float32(0)
    queue = [(-s, i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(queue)
    selected, selected_scores = [], []
    while len(selected) < max_output_size and queue:
        negative_score, index, begin = heapq.heappop(queue)
        original = score = np.float32(-negative_score)
        hard_suppressed = False
        for j in range(len(selected) - 1, begin - 1, -1):
            overlap = similarity[index, selected[j]]
            if overlap > threshold:
                hard_suppressed = True
                break
            score = np.float32(score * np.exp(np.float32(scale * overlap * overlap)))
            if score <= score_threshold:
                break
        if hard_suppressed:
            continue
        if score == original:
            selected.append(index)
            selected_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(queue, (-score, index, len(selected)))
    return np.asarray(selected, np.int32), np.asarray(selected_scores, np.float32)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                        name=None):
    """Indices (int32) of the boxes greedy non-max suppression keeps, best score first."""
    boxes, scores = _boxes_and_scores(boxes, scores, "non_max_suppression")
    threshold = _check_threshold(iou_threshold, "non_max_suppression")
    selected, _ = _greedy_nms(_iou_matrix(boxes), scores, int(_host(max_output_size)), threshold,
                              float(_host(score_threshold)))
    return pt.constant(selected)


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0, name=None):
    """(indices, scores): soft-NMS when ``soft_nms_sigma > 0`` (overlapping boxes' scores decay by a Gaussian of
    their IoU instead of being dropped), hard NMS when it is 0."""
    boxes, scores = _boxes_and_scores(boxes, scores, "non_max_suppression_with_scores")
    threshold = _check_threshold(iou_threshold, "non_max_suppression_with_scores")
    sigma = float(_host(soft_nms_sigma))
    if sigma < 0:
        raise pt.errors.InvalidArgumentError(f"non_max_suppression_with_scores: soft_nms_sigma must be >= 0; "
                                             f"received {sigma}.")
    selected, kept = _greedy_nms(_iou_matrix(boxes), scores, int(_host(max_output_size)), threshold,
                                 float(_host(score_threshold)), sigma)
    return pt.constant(selected), pt.constant(kept)


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                               pad_to_max_output_size=False, name=None, sorted_input=False,
                               canonicalized_coordinates=False, tile_size=512):
    """(indices, number valid): NMS whose indices are padded with zeros to ``max_output_size`` when
    ``pad_to_max_output_size``. Boxes may be batched (..., num_boxes, 4); then both outputs are batched."""
    boxes, scores = _host(boxes, np.float32), _host(scores, np.float32)
    size = int(_host(max_output_size))
    threshold = _check_threshold(iou_threshold, "non_max_suppression_padded")
    batch_shape = boxes.shape[:-2]
    flat_boxes, flat_scores = boxes.reshape((-1,) + boxes.shape[-2:]), scores.reshape((-1, scores.shape[-1]))
    indices, counts = [], []
    for one_boxes, one_scores in zip(flat_boxes, flat_scores):
        one_boxes, one_scores = _boxes_and_scores(one_boxes, one_scores, "non_max_suppression_padded")
        selected, _ = _greedy_nms(_iou_matrix(one_boxes), one_scores, size, threshold, float(_host(score_threshold)))
        counts.append(len(selected))
        indices.append(np.pad(selected, (0, size - len(selected))) if pad_to_max_output_size or batch_shape else
                       selected)
    if not batch_shape:
        return pt.constant(indices[0]), pt.constant(np.int32(counts[0]))
    return (pt.constant(np.stack(indices).reshape(batch_shape + (size,))),
            pt.constant(np.asarray(counts, np.int32).reshape(batch_shape)))


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """NMS on a given (num_boxes, num_boxes) overlap matrix instead of boxes' IoU."""
    overlaps, scores = _host(overlaps, np.float32), _host(scores, np.float32)
    if overlaps.ndim != 2 or overlaps.shape[0] != overlaps.shape[1] or scores.shape != overlaps.shape[:1]:
        raise ValueError(f"non_max_suppression_overlaps: overlaps must be square (num_boxes, num_boxes) and scores "
                         f"(num_boxes,); received {overlaps.shape} and {scores.shape}.")
    selected, _ = _greedy_nms(overlaps, scores, int(_host(max_output_size)), float(_host(overlap_threshold)),
                              float(_host(score_threshold)))
    return pt.constant(selected)


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold=0.5,
                                 score_threshold=float("-inf"), pad_per_class=False, clip_boxes=True, name=None):
    """NMS per class and per batch item, then the best ``max_total_size`` detections across classes:
    (nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections), zero-padded. ``boxes`` is (batch, num_boxes,
    q, 4) with q 1 (shared by all classes) or num_classes; ``scores`` is (batch, num_boxes, num_classes)."""
    boxes, scores = _host(boxes, np.float32), _host(scores, np.float32)
    op = "combined_non_max_suppression"
    if boxes.ndim != 4 or boxes.shape[-1] != 4 or scores.ndim != 3 or scores.shape[:2] != boxes.shape[:2] or \
            boxes.shape[2] not in (1, scores.shape[2]):
        raise ValueError(f"{op}: boxes must be (batch, num_boxes, q, 4) with q 1 or num_classes and scores (batch, "
                         f"num_boxes, num_classes); received {boxes.shape} and {scores.shape}.")
    threshold = _check_threshold(iou_threshold, op)
    per_class, total = int(_host(max_output_size_per_class)), int(_host(max_total_size))
    score_threshold = np.float32(_host(score_threshold))
    num_classes = scores.shape[2]
    per_batch = min(total, per_class * num_classes) if pad_per_class else total
    out_boxes = np.zeros((len(boxes), per_batch, 4), np.float32)
    out_scores, out_classes = np.zeros((2, len(boxes), per_batch), np.float32)
    valid = np.zeros(len(boxes), np.int32)
    for b in range(len(boxes)):
        detections = []  # (score, class, box)
        for c in range(num_classes):
            class_boxes = boxes[b, :, c if boxes.shape[2] > 1 else 0]
            selected, kept = _greedy_nms(_iou_matrix(class_boxes), scores[b, :, c],
                                         min(per_class, len(class_boxes)), threshold, score_threshold)
            detections += [(s, c, class_boxes[i]) for i, s in zip(selected, kept)]
        detections.sort(key=lambda d: -d[0])
        detections = detections[:per_batch]
        valid[b] = len(detections)
        for k, (s, c, box) in enumerate(detections):
            out_boxes[b, k] = np.clip(box, 0, 1) if clip_boxes else box
            out_scores[b, k], out_classes[b, k] = s, c
    return pt.constant(out_boxes), pt.constant(out_scores), pt.constant(out_classes), pt.constant(valid)


def _sample_positions(y1, y2, in_size, out_size):
    """Where TF's crop_and_resize samples (out_size points per box, in pixels) and whether each is inside."""
    if out_size > 1:
        scale = (y2 - y1) * np.float32(in_size - 1) / np.float32(out_size - 1)
        position = y1[:, None] * np.float32(in_size - 1) + np.arange(out_size, dtype=np.float32) * scale[:, None]
    else:
        position = (np.float32(0.5) * (y1 + y2) * np.float32(in_size - 1))[:, None]
    position = position.astype(np.float32)
    return position, (position >= 0) & (position <= in_size - 1)


def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear", extrapolation_value=0.0, name=None):
    """Crops (num_boxes, crop_height, crop_width, channels) from a batch of images at normalized boxes
    (y1, x1, y2, x2), resampled bilinearly or by nearest pixel; samples outside the image take
    ``extrapolation_value``. float32 output, differentiable in ``image``."""
    op = "crop_and_resize"
    image = image if isinstance(image, pt.Tensor) else pt.convert_to_tensor(image)
    if image.ndim != 4:
        raise ValueError(f"{op}: image must be (batch, height, width, channels); received shape "
                         f"{tuple(image.shape)}.")
    boxes, box_indices = _host(boxes, np.float32), _host(box_indices, np.int64)
    if boxes.ndim != 2 or boxes.shape[-1] != 4 or box_indices.shape != boxes.shape[:1]:
        raise ValueError(f"{op}: boxes must be (num_boxes, 4) and box_indices (num_boxes,); received {boxes.shape} "
                         f"and {box_indices.shape}.")
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: method must be 'bilinear' or 'nearest'; received {method!r}.")
    batch, height, width, channels = (int(d) for d in image.shape)
    if box_indices.size and (box_indices.min() < 0 or box_indices.max() >= batch):
        raise pt.errors.InvalidArgumentError(f"{op}: box_indices must be in [0, {batch}); received "
                                             f"{box_indices.tolist()}.")
    crop_h, crop_w = (int(v) for v in _host(crop_size).reshape(-1))
    ys, y_inside = _sample_positions(boxes[:, 0], boxes[:, 2], height, crop_h)
    xs, x_inside = _sample_positions(boxes[:, 1], boxes[:, 3], width, crop_w)
    inside = (y_inside[:, :, None] & x_inside[:, None, :])[..., None]  # (n, crop_h, crop_w, 1)
    flat = pt.reshape(pt.cast(image, "float32"), (batch * height * width, channels))
    base = (box_indices * height * width)[:, None, None]

    def pixels(rows, cols):
        rows, cols = np.clip(rows, 0, height - 1).astype(np.int64), np.clip(cols, 0, width - 1).astype(np.int64)
        return pt.gather(flat, (base + rows[:, :, None] * width + cols[:, None, :]).astype(np.int32))

    if method == "nearest":
        out = pixels(np.round(ys), np.round(xs))
    else:
        top, left = np.floor(ys), np.floor(xs)
        y_lerp = pt.constant(np.broadcast_to((ys - top)[:, :, None, None], inside.shape).astype(np.float32))
        x_lerp = pt.constant(np.broadcast_to((xs - left)[:, None, :, None], inside.shape).astype(np.float32))
        bottom, right = np.ceil(ys), np.ceil(xs)
        top_left, top_right = pixels(top, left), pixels(top, right)
        bottom_left, bottom_right = pixels(bottom, left), pixels(bottom, right)
        upper = top_left + (top_right - top_left) * x_lerp
        lower = bottom_left + (bottom_right - bottom_left) * x_lerp
        out = upper + (lower - upper) * y_lerp
    if inside.all():
        return out
    fill = pt.constant(np.full(inside.shape[:3] + (channels,), extrapolation_value, np.float32))
    return pt.where(pt.constant(np.broadcast_to(inside, fill.shape)), out, fill)


_DEFAULT_BOX_COLOURS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                                 [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]],
                                np.float32)


def draw_bounding_boxes(images, boxes, colors, name=None):
    """The images with each box's one-pixel outline drawn, box k in ``colors[k % len(colors)]`` (TF's default
    palette when ``colors`` is None or empty). Edges outside the image are not drawn."""
    op = "draw_bounding_boxes"
    tensor = images if isinstance(images, pt.Tensor) else pt.convert_to_tensor(images)
    canvas = np.array(tensor.numpy())
    if canvas.ndim != 4:
        raise ValueError(f"{op}: images must be (batch, height, width, depth); received shape {canvas.shape}.")
    boxes = _host(boxes, np.float32)
    if boxes.ndim != 3 or boxes.shape[0] != canvas.shape[0] or boxes.shape[-1] != 4:
        raise ValueError(f"{op}: boxes must be (batch, num_boxes, 4) with batch {canvas.shape[0]}; received "
                         f"{boxes.shape}.")
    colours = _DEFAULT_BOX_COLOURS if colors is None else _host(colors, np.float32).reshape(-1, np.shape(colors)[-1]
                                                                                          if np.size(colors) else 4)
    if not colours.size:
        colours = _DEFAULT_BOX_COLOURS
    height, width, depth = canvas.shape[1:]
    if colours.shape[1] < depth:
        raise ValueError(f"{op}: colors must have at least as many channels as the images ({depth}); received "
                         f"{colours.shape[1]}.")
    for b in range(canvas.shape[0]):
        for k, box in enumerate(boxes[b]):
            colour = colours[k % len(colours), :depth].astype(canvas.dtype)
            top, left = int(box[0] * (height - 1)), int(box[1] * (width - 1))
            bottom, right = int(box[2] * (height - 1)), int(box[3] * (width - 1))
            if top > bottom or left > right or top >= height or bottom < 0 or left >= width or right < 0:
                continue
            top_c, bottom_c = max(top, 0), min(bottom, height - 1)
            left_c, right_c = max(left, 0), min(right, width - 1)
            if top == top_c:
                canvas[b, top, left_c:right_c + 1] = colour
            if bottom == bottom_c:
                canvas[b, bottom, left_c:right_c + 1] = colour
            if left == left_c:
                canvas[b, top_c:bottom_c + 1, left] = colour
            if right == right_c:
                canvas[b, top_c:bottom_c + 1, right] = colour
    return pt.constant(canvas, dtype=tensor.dtype)


def _ssim_kernel(size, sigma, channels):
    """TF's Gaussian window: a softmax over -(dy^2 + dx^2) / (2 sigma^2), one per channel, for
    depthwise_conv2d."""
    coords = np.arange(size, dtype=np.float32) - np.float32(size - 1) / 2
    g = np.square(coords) * np.float32(-0.5 / sigma ** 2)
    g = (g[None, :] + g[:, None]).reshape(-1)
    g = np.exp(g - g.max())
    g = (g / g.sum()).astype(np.float32).reshape(size, size, 1, 1)
    return pt.constant(np.tile(g, (1, 1, channels, 1)))


def _ssim_maps(x, y, max_val, filter_size, filter_sigma, k1, k2):
    """(ssim, contrast-structure) at each valid-filtered position, per channel."""
    height, width, channels = (int(d) for d in x.shape[-3:])
    if height < filter_size or width < filter_size:
        raise pt.errors.InvalidArgumentError(f"ssim: images of size {height}x{width} are smaller than "
                                             f"filter_size {filter_size}; use a smaller filter_size.")
    kernel = _ssim_kernel(filter_size, filter_sigma, channels)
    lead = tuple(int(d) for d in x.shape[:-3])

    def reducer(t):
        filtered = pt.nn.depthwise_conv2d(pt.reshape(t, (-1, height, width, channels)), kernel, [1, 1, 1, 1],
                                          "VALID")
        return pt.reshape(filtered, lead + tuple(int(d) for d in filtered.shape[1:]))

    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean_x, mean_y = reducer(x), reducer(y)
    num0 = mean_x * mean_y * 2.0
    den0 = pt.square(mean_x) + pt.square(mean_y)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(x * y) * 2.0
    den1 = reducer(pt.square(x) + pt.square(y))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return luminance * cs, cs


def _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2):
    """(ssim, contrast-structure) per image and channel, averaged over positions."""
    ssim_map, cs = _ssim_maps(x, y, max_val, filter_size, filter_sigma, k1, k2)
    return pt.reduce_mean(ssim_map, [-3, -2]), pt.reduce_mean(cs, [-3, -2])


def _ssim_inputs(img1, img2, max_val, op):
    img1 = img1 if isinstance(img1, pt.Tensor) else pt.convert_to_tensor(img1)
    img2 = img2 if isinstance(img2, pt.Tensor) else pt.convert_to_tensor(img2)
    if tuple(img1.shape) != tuple(img2.shape) or img1.ndim < 3:
        raise ValueError(f"{op}: img1 and img2 must have the same shape (..., height, width, channels); received "
                         f"{tuple(img1.shape)} and {tuple(img2.shape)}.")
    if img1.dtype != img2.dtype:
        raise TypeError(f"{op}: img1 and img2 must have the same dtype; received {img1.dtype.name} and "
                        f"{img2.dtype.name}.")
    if img1.dtype.is_integer:  # TF scales max_val like the pixels: integer images become [0, 1] floats
        max_val = float(max_val) / int(img1.dtype.max)
    from .image import convert_image_dtype
    return convert_image_dtype(img1, "float32"), convert_image_dtype(img2, "float32"), float(max_val)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """The structural similarity of two images (or batches), averaged over positions and channels, with TF's
    Gaussian window of ``filter_size`` and ``filter_sigma``; ``return_index_map`` keeps the positions."""
    x, y, max_val = _ssim_inputs(img1, img2, _host(max_val), "ssim")
    if return_index_map:
        return pt.reduce_mean(_ssim_maps(x, y, max_val, filter_size, filter_sigma, k1, k2)[0], [-1])
    per_channel, _ = _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2)
    return pt.reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11, filter_sigma=1.5, k1=0.01,
                    k2=0.03):
    """Multi-scale SSIM: contrast-structure at each of len(power_factors) scales (2x2 average pooling between
    them, odd sizes padded by repeating the last row/column) and SSIM at the last, combined as a weighted
    geometric mean."""
    x, y, max_val = _ssim_inputs(img1, img2, _host(max_val), "ssim_multiscale")
    lead = tuple(int(d) for d in x.shape[:-3])
    images = [x, y]
    contrast = []
    for scale in range(len(power_factors)):
        if scale:
            height, width, channels = (int(d) for d in images[0].shape[-3:])
            flat = [pt.reshape(t, (-1, height, width, channels)) for t in images]
            if height % 2:
                flat = [pt.concat([t, t[:, -1:]], 1) for t in flat]
            if width % 2:
                flat = [pt.concat([t, t[:, :, -1:]], 2) for t in flat]
            pooled = [pt.nn.avg_pool(t, [1, 2, 2, 1], [1, 2, 2, 1], "VALID") for t in flat]
            images = [pt.reshape(t, lead + tuple(int(d) for d in t.shape[1:])) for t in pooled]
        ssim_per_channel, cs = _ssim_per_channel(*images, max_val, filter_size, filter_sigma, k1, k2)
        contrast.append(pt.nn.relu(cs))
    stacked = pt.stack(contrast[:-1] + [pt.nn.relu(ssim_per_channel)], axis=-1)
    weighted = pt.reduce_prod(pt.pow(stacked, pt.constant(np.asarray(power_factors, np.float32))), [-1])
    return pt.reduce_mean(weighted, [-1])


def _sample_box(rng, height, width, bounding_boxes, min_object_covered, aspect_ratio_range, area_range,
                max_attempts, use_image_if_no_bounding_boxes, op):
    """One box drawn as TF's SampleDistortedBoundingBox draws it: a random aspect ratio and area in range,
    placed at random, accepted when it covers at least ``min_object_covered`` of one of the given boxes."""
    boxes = _host(bounding_boxes, np.float32).reshape(-1, 4)
    if not len(boxes):
        if not use_image_if_no_bounding_boxes:
            raise pt.errors.InvalidArgumentError(f"{op}: no bounding boxes given; pass some or set "
                                                 f"use_image_if_no_bounding_boxes=True.")
        boxes = np.array([[0, 0, 1, 1]], np.float32)
    boxes = np.clip(boxes, 0, 1)
    pixel_boxes = boxes * np.array([height, width, height, width], np.float32)
    min_ratio, max_ratio = (float(v) for v in aspect_ratio_range)
    min_area, max_area = (float(v) * height * width for v in area_range)
    for _ in range(int(max_attempts)):
        ratio = rng.uniform(min_ratio, max_ratio)
        area = rng.uniform(min_area, max_area)
        h = int(round(np.sqrt(area / ratio)))
        w = int(round(h * ratio))
        if h < 1 or w < 1 or h > height or w > width or not min_area <= h * w <= max_area:
            continue
        y, x = int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1))
        inter_h = np.maximum(np.minimum(pixel_boxes[:, 2], y + h) - np.maximum(pixel_boxes[:, 0], y), 0)
        inter_w = np.maximum(np.minimum(pixel_boxes[:, 3], x + w) - np.maximum(pixel_boxes[:, 1], x), 0)
        object_area = np.maximum((pixel_boxes[:, 2] - pixel_boxes[:, 0]) * (pixel_boxes[:, 3] - pixel_boxes[:, 1]),
                                 1e-12)
        if np.any(inter_h * inter_w / object_area >= min_object_covered):
            return y, x, h, w
    return 0, 0, height, width  # TF falls back to the whole image


def _sampled_box_tensors(image_size, box, channels_dtype):
    height, width = image_size
    y, x, h, w = box
    begin = pt.constant(np.array([y, x, 0], channels_dtype))
    size = pt.constant(np.array([h, w, -1], channels_dtype))
    normalized = np.array([[[y / height, x / width, (y + h) / height, (x + w) / width]]], np.float32)
    return begin, size, pt.constant(normalized)


def _image_size(image_size, op):
    size = _host(image_size).reshape(-1)
    if size.size != 3:
        raise ValueError(f"{op}: image_size must be [height, width, channels]; received {size.tolist()}.")
    # begin and size take a tensor's integer dtype, int32 for Python numbers (as TF converts them)
    dtype = size.dtype if hasattr(image_size, "dtype") and size.dtype.kind in "iu" else np.int32
    return int(size[0]), int(size[1]), dtype


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=0, min_object_covered=0.1,
                                  aspect_ratio_range=None, area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """(begin, size, bboxes) of a random crop for data augmentation: aspect ratio and area fraction within the
    ranges, covering at least ``min_object_covered`` of one of ``bounding_boxes``, inside the image. The draws
    are pytensor's own (a given seed repeats them), not TF's."""
    op = "sample_distorted_bounding_box"
    height, width, dtype = _image_size(image_size, op)
    rng = np.random.default_rng(int(seed)) if seed else np.random.default_rng()
    box = _sample_box(rng, height, width, bounding_boxes, float(_host(min_object_covered)),
                      aspect_ratio_range or (0.75, 1.33), area_range or (0.05, 1.0), max_attempts or 100,
                      bool(use_image_if_no_bounding_boxes), op)
    return _sampled_box_tensors((height, width), box, dtype)


def stateless_sample_distorted_bounding_box(image_size, bounding_boxes, seed, min_object_covered=0.1,
                                            aspect_ratio_range=None, area_range=None, max_attempts=None,
                                            use_image_if_no_bounding_boxes=None, name=None):
    """``sample_distorted_bounding_box`` whose draw is fixed by ``seed`` (two integers)."""
    op = "stateless_sample_distorted_bounding_box"
    height, width, dtype = _image_size(image_size, op)
    seed = _host(seed, np.int64).reshape(-1)
    if seed.size != 2:
        raise ValueError(f"{op}: seed must be a shape [2] tensor of two integers; received {seed.tolist()}.")
    rng = np.random.default_rng([int(v) & 0xFFFFFFFF for v in seed])
    box = _sample_box(rng, height, width, bounding_boxes, float(_host(min_object_covered)),
                      aspect_ratio_range or (0.75, 1.33), area_range or (0.05, 1.0), max_attempts or 100,
                      bool(use_image_if_no_bounding_boxes), op)
    return _sampled_box_tensors((height, width), box, dtype)


def extract_glimpse(input, size, offsets, centered=True, normalized=True, noise="uniform", name=None):  # noqa: A002
    """A (height, width) window of each image at ``offsets`` (y, x) per batch item: normalized offsets scale by
    the image size, centered ones count from the image centre (with both, the offset is the window's centre;
    otherwise its upper-left corner, as TF's kernel places it). Pixels outside the image are uniform noise
    within the image's range, Gaussian noise of its mean and deviation, or zeros (``noise``)."""
    op = "extract_glimpse"
    images = _host(input, np.float32)
    if images.ndim != 4:
        raise ValueError(f"{op}: input must be (batch, height, width, channels); received shape {images.shape}.")
    offsets = _host(offsets, np.float32)
    if offsets.shape != (images.shape[0], 2):
        raise ValueError(f"{op}: offsets must be (batch, 2) = ({images.shape[0]}, 2); received {offsets.shape}.")
    if noise not in ("uniform", "gaussian", "zero"):
        raise ValueError(f"{op}: noise must be 'uniform', 'gaussian' or 'zero'; received {noise!r}.")
    glimpse_h, glimpse_w = (int(v) for v in _host(size).reshape(-1))
    batch, height, width, channels = images.shape
    rng = np.random.default_rng()
    out = np.empty((batch, glimpse_h, glimpse_w, channels), np.float32)
    for b in range(batch):
        y, x = np.float32(offsets[b, 0]), np.float32(offsets[b, 1])
        if normalized:
            y, x = y * np.float32(height), x * np.float32(width)
            if centered:
                y = y / 2 + np.float32(height / 2) - np.float32(glimpse_h / 2)
                x = x / 2 + np.float32(width / 2) - np.float32(glimpse_w / 2)
        elif centered:
            y, x = y + np.float32(height / 2), x + np.float32(width / 2)
        top, left = int(y), int(x)  # truncation toward zero, as TF's kernel casts
        if noise == "zero":
            out[b] = 0
        elif noise == "uniform":
            out[b] = rng.uniform(images[b].min(), images[b].max(), out[b].shape)
        else:
            out[b] = rng.normal(images[b].mean((0, 1)), images[b].std((0, 1)), out[b].shape)
        rows = slice(max(top, 0), min(top + glimpse_h, height))
        cols = slice(max(left, 0), min(left + glimpse_w, width))
        if rows.start < rows.stop and cols.start < cols.stop:
            out[b, rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = images[b, rows, cols]
    return pt.constant(out)
