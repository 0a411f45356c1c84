"""Real Keras 3 outputs of layers (tests/keras/fixtures/layers_keras3.npz, made by fixtures/record_layers.py, and
layers_keras3_part2.npz, made by fixtures/record_layers_part2.py) and the checks that compare pytensor's layers with them: forward outputs for the same weights, and weight gradients
against central finite differences in float64."""
import os

import numpy as np

import pytensor as pt

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3.npz")
PART2 = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_part2.npz")
_cache = {}


def reference(fixture=FIXTURE):
    """The recorded arrays of ``fixture`` (loaded once)."""
    if fixture not in _cache:
        with np.load(fixture) as data:
            _cache[fixture] = {key: data[key] for key in data.files}
    return _cache[fixture]


def _numbered(prefix, fixture=FIXTURE):
    data, out, i = reference(fixture), [], 0
    while f"{prefix}{i}" in data:
        out.append(data[f"{prefix}{i}"])
        i += 1
    return out


def run_case(name, layer, fixture=FIXTURE, positional=False, **call_kwargs):
    """Builds ``layer`` for case ``name``'s inputs, loads Keras's weights with ``set_weights`` (checking the
    weight layout), calls it (with the recorded mask / states / array call arguments; ``positional=True`` calls
    ``layer(*inputs)``, as the attention layers take ``(query, value, key)``) and returns ``(outputs, expected)``
    as lists."""
    data = reference(fixture)
    inputs = _numbered(f"{name}/x", fixture)
    weights = _numbered(f"{name}/w", fixture)
    if weights:
        shapes = [x.shape for x in inputs]
        if positional:
            layer.build(*shapes)
        else:
            layer.build(shapes[0] if len(inputs) == 1 else shapes)
        layer.set_weights(weights)
    if f"{name}/mask" in data:
        call_kwargs["mask"] = pt.constant(data[f"{name}/mask"])
    prefix = f"{name}/kw/"
    call_kwargs.update({key[len(prefix):]: pt.constant(value) for key, value in data.items()
                        if key.startswith(prefix)})
    states = _numbered(f"{name}/s", fixture)
    args = ([pt.constant(s) for s in states],) if states else ()
    x = [pt.constant(v) for v in inputs]
    if positional:
        outputs = layer(*x, *args, **call_kwargs)
    else:
        outputs = layer(x[0] if len(x) == 1 else x, *args, **call_kwargs)
    flat = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    return [np.asarray(pt.nest.map_structure(lambda t: t.numpy(), o)) for o in flat], _numbered(f"{name}/y", fixture)


def assert_matches_keras(name, layer, atol=1e-5, fixture=FIXTURE, positional=False, **call_kwargs):
    """``run_case`` and an elementwise comparison of every output with Keras's (absolute tolerance ``atol``);
    returns the pytensor outputs."""
    outputs, expected = run_case(name, layer, fixture, positional, **call_kwargs)
    assert len(outputs) == len(expected), f"{name}: {len(outputs)} outputs, Keras gave {len(expected)}"
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape, f"{name}: shape {got.shape}, Keras {want.shape}"
        np.testing.assert_allclose(got, want, rtol=0, atol=atol, err_msg=name)
    return outputs


def check_weight_gradients(layer, x, eps=1e-6, tol=1e-6, max_entries=24, call=None):
    """Compares the tape's gradients of ``sum(layer(x) * r)`` (fixed random ``r``) with respect to every weight
    with central finite differences, on up to ``max_entries`` entries per weight. ``layer`` must be float64."""
    call = call or layer
    rng = np.random.default_rng(0)
    x = pt.constant(x)
    first = call(x)
    first = first[0] if isinstance(first, (list, tuple)) else first
    r = pt.constant(rng.normal(size=tuple(first.shape)))

    def loss():
        out = call(x)
        out = out[0] if isinstance(out, (list, tuple)) else out
        return pt.reduce_sum(out * r)

    with pt.GradientTape() as tape:
        value = loss()
    grads = tape.gradient(value, layer.trainable_weights)
    assert layer.trainable_weights, "the layer has no weights to check"
    for weight, grad in zip(layer.trainable_weights, grads):
        assert grad is not None, f"no gradient for {weight.name}"
        grad = grad.numpy()
        base = weight.numpy()
        flat_indices = rng.choice(base.size, size=min(max_entries, base.size), replace=False)
        for flat in flat_indices:
            index = np.unravel_index(flat, base.shape)
            shifted = base.copy()
            shifted[index] += eps
            weight.assign(shifted)
            up = float(loss().numpy())
            shifted[index] -= 2 * eps
            weight.assign(shifted)
            down = float(loss().numpy())
            weight.assign(base)
            numeric = (up - down) / (2 * eps)
            assert abs(numeric - grad[index]) <= tol * max(1.0, abs(numeric)), \
                f"{weight.name}{index}: tape {grad[index]}, finite differences {numeric}"
