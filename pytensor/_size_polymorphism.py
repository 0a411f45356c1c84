"""Graphs that are one program for every size of a ``None`` dimension, up to numbers that follow the sizes.

A graph serialised with its numbers listed (``_core._serialize_graph_numbers``: attributes' integers and floats,
value shapes, scalar constants, short integer constants such as a traced ``tf.shape``) is compared across traces
at several sizes of the free dimensions, grouped (the batch dimension of every input takes one size; each other
free dimension its own). When the traces are byte for byte the same outside their numbers, and each number that
differs is ``base + sum(c * n)`` ("affine": shapes, a reshape's target) or, for floats, ``base + sum(c / n)``
("inverse": a mean's 1 / batch size) in the groups' sizes ``n``, the graph for any other sizes is the bytes with
those numbers recomputed (``patched``), decoded and checked as any saved graph.

Used by ``tf.saved_model.save`` (it traces at sample sizes) and by ``tf.function`` under an input_signature with
``None`` dimensions or ``reduce_retracing`` (it fits the traces its calls made, and stops running the Python
function for new sizes once they show the program).
"""
import numpy as np

# The sizes a fit may use: a size of 1 (or 0) broadcasts, which can make another program.
MIN_SAMPLE_SIZE = 2


def number_at(data, offset, dtype):
    return np.frombuffer(data, dtype, count=1, offset=offset)[0].item()


def patched(data, numbers, sizes):
    """`data` with every recorded number recomputed for the size groups' values `sizes`."""
    out = bytearray(data)
    for offset, dtype, model, base, coefficients in numbers:
        # An empty batch: the mean's 1 / 0 is what a trace at that size would hold (inf, or nan for 0 / 0).
        terms = [c * n if model == "affine" else c / n if n else c * float("inf") if c else 0.0
                 for c, n in zip(coefficients, sizes)]
        value = base + sum(terms)
        if np.dtype(dtype).kind == "i":
            value = int(round(value))
        encoded = np.array(value, dtype).tobytes()
        out[offset: offset + len(encoded)] = encoded
    return bytes(out)


def _close(predicted, actual, dtype):
    if np.dtype(dtype).kind == "i":
        return round(predicted) == actual
    return abs(predicted - actual) <= 1e-6 * max(abs(actual), 1e-30)


def _solve(columns, values, dtype):
    """[base, coefficients...] of the model whose `columns` (one row a sample: 1, then a term per group) give
    `values` in every sample; None when no such model does."""
    solution = np.linalg.lstsq(columns, np.asarray(values, np.float64), rcond=None)[0]
    predicted = columns @ solution
    if not all(_close(p, v, dtype) for p, v in zip(predicted, values)):
        return None
    return [float(s) for s in solution]


def fit(samples):
    """The numbers (see `patched`) of the program that `samples`, [(sizes per group, (data, fields))] each traced at
    sizes of at least MIN_SAMPLE_SIZE, are traces of; None when they are not one program up to such numbers, or
    do not pin its numbers down yet.

    With one sample more than a group count, the samples determine an affine model exactly, so only output-type
    dimensions may differ (the same ops, attributes and constants: one program). With more, any number may, and
    each must fit every sample.
    """
    sizes = np.array([s for s, _ in samples], np.float64)
    groups = sizes.shape[1]
    if len(samples) < groups + 1 or sizes.min() < MIN_SAMPLE_SIZE:
        return None
    ones = np.ones((len(samples), 1))
    affine = np.hstack([ones, sizes])
    if np.linalg.matrix_rank(affine) < groups + 1:  # the sizes do not tell the groups apart
        return None
    inverse = np.hstack([ones, 1 / sizes])
    checked = len(samples) > groups + 1
    data, fields = samples[0][1]
    traces = [d for _, (d, _) in samples[1:]]
    if any(len(d) != len(data) for d in traces):
        return None
    array = np.frombuffer(data, np.uint8)
    differs = np.zeros(len(data), bool)
    for d in traces:
        differs |= np.frombuffer(d, np.uint8) != array
    numbers = []
    for offset, dtype, type_dim in fields:
        end = offset + np.dtype(dtype).itemsize
        if not differs[offset:end].any():
            continue
        if not checked and not type_dim:
            return None
        differs[offset:end] = False
        values = [number_at(d, offset, dtype) for _, (d, _) in samples]
        solution = _solve(affine, values, dtype)
        model = "affine"
        if solution is None and np.dtype(dtype).kind == "f":
            solution, model = _solve(inverse, values, dtype), "inverse"
        if solution is None:
            return None
        numbers.append([offset, dtype, model, solution[0], solution[1:]])
    if differs.any():  # bytes outside the numbers differ: the traces are not one program
        return None
    return numbers


def size_groups(free):
    """The free dimensions [(input index, dimension)] as size groups: every input's batch dimension together, then
    each other free dimension alone."""
    batch = [p for p in free if p[1] == 0]
    return ([batch] if batch else []) + [[p] for p in free if p[1] != 0]


def group_sizes(groups, shapes):
    """The size of each group for inputs of `shapes`; None when a group's dimensions differ (or are missing)."""
    sizes = []
    for group in groups:
        values = {shapes[i][d] if i < len(shapes) and shapes[i] is not None and d < len(shapes[i]) else None
                  for i, d in group}
        if len(values) != 1 or None in values:
            return None
        sizes.append(values.pop())
    return tuple(sizes)
