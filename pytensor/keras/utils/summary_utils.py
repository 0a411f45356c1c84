"""``model.summary()`` as Keras 3 prints it: a box-drawn table (layer and type, output shape, parameter count, and
for a branching functional model the inbound layers), then the parameter totals with their memory size.

Keras 3 renders the table with the `rich` library; this module draws the same table itself: the column widths
come from ``line_length`` and ``positions`` as in Keras, are reduced to fit the table's width as rich reduces fixed
columns (the excess shared evenly, column by column, rounding each share), and cells wrap at spaces, a word too
long for its column ending in an ellipsis. Lines wider than the terminal are cut at its width, as rich's console
cuts them. Recorded Keras 3 output: tests/keras/fixtures/summary_keras3.json.
"""
import math
import re
import shutil

import pytensor as pt

__all__ = ["print_summary", "count_params", "weight_memory_size", "readable_memory_size"]

# rich's HEAVY_HEAD box: (left, fill, between, right) of the top, the header row, the header's rule, the body rows,
# the rules between body rows and the bottom.
_TOP, _HEAD, _HEAD_RULE = "┏━┳┓", "┃ ┃┃", "┡━╇┩"
_ROW, _ROW_RULE, _BOTTOM = "│ ││", "├─┼┤", "└─┴┘"


def count_params(weights):
    """The number of scalars in `weights`."""
    return int(sum(math.prod(tuple(w.shape)) for w in weights))


def weight_memory_size(weights):
    """The bytes `weights` take (each distinct variable once)."""
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(tuple(w.shape)) * pt.as_dtype(w.dtype).size for w in unique)


def readable_memory_size(size):
    """``size`` bytes with two decimals in the largest unit (1024 apart) that keeps it at 1 or more."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _reduce_widths(widths, excess):
    """Takes `excess` columns off `widths`: each column in turn gives its even share of what is left (rounded)."""
    remaining, left = excess, len(widths)
    reduced = []
    for width in widths:
        share = min(width, round(remaining / left)) if left else 0
        reduced.append(width - share)
        remaining -= share
        left -= 1
    return reduced


def _wrap(text, width):
    """`text` broken at spaces into lines of at most `width`; a longer word ends in an ellipsis."""
    lines, line = [], None
    for word in text.split(" "):
        candidate = word if line is None else f"{line} {word}"
        if line is None or len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line or "")
    return [ln if len(ln) <= width else ln[:width - 1] + "…" for ln in lines]


def _justify(text, width, how):
    if how == "right":
        return text.rjust(width)
    if how == "center":
        left = (width - len(text)) // 2
        return " " * left + text + " " * (width - len(text) - left)
    return text.ljust(width)


def _table(header, rows, widths, alignment):
    """The table's lines: `widths` include each cell's one-space padding on both sides."""
    def rule(box):
        return box[0] + box[2].join(box[1] * w for w in widths) + box[3]

    def cells(fields, box):
        wrapped = [_wrap(str(field), w - 2) for field, w in zip(fields, widths)]
        height = max(len(lines) for lines in wrapped)
        return [box[0] + box[2].join(" " + _justify(lines[i] if i < len(lines) else "", w - 2, how) + " "
                                     for lines, w, how in zip(wrapped, widths, alignment)) + box[3]
                for i in range(height)]

    lines = [rule(_TOP)] + cells(header, _HEAD) + [rule(_HEAD_RULE)]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule(_ROW_RULE))
        lines.extend(cells(row, _ROW))
    return lines + [rule(_BOTTOM)]


def _shape_text(structure):
    """Keras's rendering of output shapes: one shape as ``(None, 4)``; several as their list, unquoted."""
    formatted = _map_shapes(structure)
    if isinstance(formatted, str):
        return formatted
    flat = pt.nest.flatten(formatted)
    return flat[0] if len(flat) == 1 else str(formatted).replace("'", "")


def _map_shapes(structure):
    if isinstance(structure, dict):
        return {k: _map_shapes(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not (structure and all(d is None or isinstance(d, int)
                                                                       for d in structure)):
        return [_map_shapes(s) for s in structure]
    return "(" + ", ".join(str(d) for d in structure) + ")"


def _output_shape(layer, owner):
    """What Keras prints in the Output Shape column: from the layer's call in a functional or Sequential `owner`,
    else from the shape it was built for, else ``?``."""
    shape = owner._summary_shape(layer)
    if shape is not None:
        return _shape_text(shape)
    build_shape = getattr(layer, "_build_shape", None)
    if not getattr(layer, "built", False) or build_shape is None:
        return "?"
    try:
        return _shape_text(layer.compute_output_shape(build_shape))
    except NotImplementedError:
        return "?"


def _inbound(layer, owner):
    """The Connected-to cell: each input of the layer's call as ``name[node][tensor]``."""
    node = owner._node_of(layer)
    if node is None:
        return "-"
    names = []
    for tensor in node.inputs:
        source = tensor.node
        outputs = pt.nest.flatten(source.outputs) if source is not None else [tensor]
        index = next((i for i, t in enumerate(outputs) if t is tensor), 0)
        names.append(f"{source.layer.name if source is not None else tensor.name}[0][{index}]")
    return ", ".join(names) or "-"


def _is_sequential_like(model):
    """Keras prints three columns unless the functional graph branches: two calls at one depth (counted back from
    the outputs), a call with several inputs, or a layer called twice."""
    nodes = model._nodes
    if nodes is None:
        return True
    if any(len(node.inputs) > 1 for node in nodes) or len({id(n.layer) for n in nodes}) != len(nodes):
        return False
    depth = {}
    for node in reversed(nodes):
        depth.setdefault(id(node), 0)
        for tensor in node.inputs:
            source = tensor.node
            key = id(source) if source is not None else id(tensor)
            depth[key] = max(depth.get(key, 0), depth[id(node)] + 1)
    return len(set(depth.values())) == len(depth)


def _optimizer_variables(model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(optimizer, "built", False) or not getattr(model, "compiled", True):
        return None
    # Keras 3 counts its learning-rate variable among the optimizer's variables.
    learning_rate = [optimizer._lr_variable] if getattr(optimizer, "_lr_schedule", 1) is None else []
    return [optimizer.iterations] + learning_rate + list(optimizer._slot_list)


def _layer_range(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"summary: layer_range must be a list or tuple of two layer names (or regexes); got "
                         f"{layer_range!r}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(f"summary: layer_range {list(layer_range)} matches no layer name; the layers are "
                         f"{[layer.name for layer in layers]}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                  layer_range=None):
    """Prints Keras 3's summary of `model` (``model.summary``'s arguments); `print_fn` gets the whole text once."""
    layers = model.layers
    sequential_like = getattr(model, "_summary_sequential", False) or _is_sequential_like(model)
    if sequential_like:
        default_length, stops = 88, list(positions or (0.45, 0.80, 1.0))
        header, alignment = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default_length, stops = 108, list(positions or (0.3, 0.56, 0.74, 1.0))
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        stops = [p * 0.90 for p in stops] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    columns = shutil.get_terminal_size().columns
    line_length = line_length or min(default_length, columns - 4)
    widths, current = [], 0
    for stop in stops:
        width = int(stop * line_length) - current
        if width < 4:
            raise ValueError(f"summary: line_length={line_length} leaves a column {width} characters wide; "
                             f"use a larger line_length (at least 4 characters a column)")
        widths.append(width)
        current += width
    padded = [w + 2 for w in widths]
    widths = _reduce_widths(padded, max(0, sum(padded) - (line_length - len(padded) - 1)))

    def fields(layer, owner, prefix=""):
        if not hasattr(layer, "built"):
            params = "0"
        elif not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape(layer, owner), params]
        if not sequential_like:
            row.append(_inbound(layer, owner))
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if getattr(layer, "weights", None) else "-")
        return row

    def rows_of(layer, owner, level=0):
        rows = [fields(layer, owner, "   " * level + "└ " if level else "")]
        if expand_nested and getattr(layer, "layers", None) and hasattr(layer, "_summary_shape"):
            for inner in layer.layers:
                rows.extend(rows_of(inner, layer, level + 1))
        return rows

    start, stop = _layer_range(layers, layer_range)
    rows = [row for layer in layers[start:stop] for row in rows_of(layer, model)]
    lines = [f'Model: "{model.name}"'] + [line[:columns] for line in _table(header, rows, widths, alignment)]

    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    totals = [("Trainable params", trainable), ("Non-trainable params", non_trainable)]
    optimizer_variables = _optimizer_variables(model)
    if optimizer_variables is not None:
        totals.append(("Optimizer params", optimizer_variables))
    every = [w for _, weights in totals for w in weights]
    for label, weights in [("Total params", every)] + totals:
        lines.append(f" {label}: {count_params(weights):,} ({readable_memory_size(weight_memory_size(weights))})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)
