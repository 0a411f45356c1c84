"""keras.ops against real Keras 3 (fixtures/keras_ops_keras3.npz, made by fixtures/record_keras_ops.py from the
calls in fixtures/keras_ops_cases.py), gradients through a sample of ops by central finite differences in float64,
control flow by hand-derived values, and a Keras-3-style custom layer written only with keras.ops trained by fit."""
import functools
import json
import os
import sys

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import ops

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from keras_ops_cases import cases  # noqa: E402

with np.load(os.path.join(HERE, "fixtures", "keras_ops_keras3.npz")) as _data:
    RECORDED = {key: _data[key] for key in _data.files}
# Keras 3.15's TF-backend rot90 scrambles a half turn (k=2) of a matrix; checked against numpy instead.
KERAS_WRONG = {"rot90#2"}
CASES = [case for case in cases() if f"{case[0]}/error" not in RECORDED and case[0] not in KERAS_WRONG]


def _check(actual, expected, key):
    actual = np.asarray(actual.numpy() if isinstance(actual, pt.Tensor) else actual)
    if key.startswith("eigh") and key.endswith("/1"):
        # An eigenvector's sign is arbitrary (LAPACK's too): align each column with Keras's before comparing.
        signs = np.sign(np.sum(actual * expected, axis=-2, keepdims=True))
        actual = actual * np.where(signs == 0, 1, signs)
    assert actual.shape == expected.shape, f"{key}: shape {actual.shape} != Keras's {expected.shape}"
    if expected.dtype.kind == "f":
        ordinary = np.abs(expected[np.isfinite(expected) & (np.abs(expected) < 1e30)])  # not inf or the dtype's min
        scale = max(float(ordinary.max(initial=0.0)), 1.0)
        # float32: relative 1e-6 of the output's magnitude (a few ulps; Eigen's and TF's exp/log/erf differ there).
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=2e-6 * scale, err_msg=key)
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=key)


@pytest.mark.parametrize("key,op,args,kwargs", CASES, ids=[case[0] for case in CASES])
def test_matches_keras3(key, op, args, kwargs):
    result = functools.reduce(getattr, op.split("."), ops)(*args, **kwargs)
    if op == "svd" and isinstance(result, tuple):
        # Singular vectors' signs are arbitrary (LAPACK's too): flip u's columns and vh's rows together to
        # Keras's before comparing.
        u, s, vh = (r.numpy().copy() for r in result)
        k = s.shape[-1]
        signs = np.sign(np.sum(u[..., :, :k] * RECORDED[f"{key}/0"][..., :, :k], axis=-2))
        signs = np.where(signs == 0, 1, signs)
        u[..., :, :k] *= signs[..., None, :]
        vh[..., :k, :] *= signs[..., :, None]
        result = (pt.constant(u), result[1], pt.constant(vh))
    if isinstance(result, (tuple, list)):
        for i, value in enumerate(result):
            _check(value, RECORDED[f"{key}/{i}"], f"{key}/{i}")
        first = result[0]
    else:
        _check(result, RECORDED[key], key)
        first = result
    dtype = first.dtype.name if isinstance(first, pt.Tensor) else np.asarray(first).dtype.name
    assert dtype == str(RECORDED[f"{key}/dtype"]), f"{key}: dtype {dtype} != Keras's {RECORDED[f'{key}/dtype']}"


def test_every_op_is_recorded():
    """Every name of keras.ops that pytensor implements has at least one recorded Keras 3 case (or a
    hand-derived test below)."""
    names = json.load(open(os.path.join(HERE, "..", "..", "pytensor", "_tf_api_names.json")))["modules"]["tf.keras.ops"]
    implemented = {name for name in names if callable(getattr(ops, name, None))}
    recorded = {case[1] for case in CASES}
    by_hand = {"cond", "fori_loop", "while_loop", "scan", "map", "vectorized_map", "switch", "custom_gradient",
               "associative_scan",
               "convert_to_numpy", "is_tensor", "shape", "dtype", "size", "ndim", "get_item", "empty", "empty_like",
               "saturate_cast", "rsqrt"}
    # the Fourier ops: against Keras 3's values in tests/test_signal_fft.py (fixtures/signal_fft.npz)
    by_hand |= {"fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft"}
    # Keras 3.15's TF-backend sparsemax is wrong (its outputs do not sum to 1); ops.sparsemax is
    # keras.activations.sparsemax, checked against the definition in test_identifiers.py.
    assert ops.nn.sparsemax is keras.activations.sparsemax
    by_hand.add("sparsemax")
    assert sorted(implemented - recorded - by_hand) == []


def test_rot90_half_turn_matches_numpy():
    x = np.arange(12.0).reshape(3, 4)
    for k in range(-1, 5):
        np.testing.assert_array_equal(ops.rot90(x, k).numpy(), np.rot90(x, k))
    m = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.rot90(m, 2, axes=(1, 2)).numpy(), np.rot90(m, 2, axes=(1, 2)))


def test_not_built_ops_say_so():
    from pytensor._missing import NotImplementedYetError

    for name in ["eig", "polar", "fold"]:
        with pytest.raises(NotImplementedYetError, match=f"keras.ops.{name} is not implemented yet"):
            getattr(ops, name)
    with pytest.raises(AttributeError):
        ops.no_such_op


def test_shape_dtype_and_conversions():
    x = ops.ones((2, 3), dtype="int32")
    assert ops.shape(x) == (2, 3) and ops.dtype(x) == "int32" and ops.size(x) == 6 and ops.ndim(x) == 2
    assert ops.is_tensor(x) and not ops.is_tensor(np.ones(2))
    np.testing.assert_array_equal(ops.convert_to_numpy(x), np.ones((2, 3), np.int32))
    assert ops.empty((2,)).shape == (2,) and ops.empty_like(x).dtype.name == "int32"
    np.testing.assert_array_equal(ops.saturate_cast(np.array([-3.0, 300.0, 7.6], np.float32), "uint8").numpy(),
                                  [0, 255, 7])
    np.testing.assert_allclose(ops.rsqrt(np.array([4.0], np.float32)).numpy(), [0.5])
    np.testing.assert_array_equal(ops.get_item(ops.arange(6), 2).numpy(), 2)


def test_control_flow_runs_eagerly():
    assert ops.cond(ops.convert_to_tensor(True), lambda: 1, lambda: 2) == 1
    assert int(ops.fori_loop(0, 5, lambda i, v: v + i, ops.convert_to_tensor(0))) == 10
    i, total = ops.while_loop(lambda i, t: i < 4, lambda i, t: (i + 1, t * 2), (0, ops.convert_to_tensor(1)))
    assert i == 4 and int(total) == 16
    assert int(ops.while_loop(lambda v: v < 100, lambda v: v * 3, 1, maximum_iterations=2)) == 9
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(1, 5, dtype=np.float32))
    assert float(carry) == 10.0
    np.testing.assert_allclose(ys.numpy(), [0.0, 2.0, 9.0, 24.0])
    np.testing.assert_allclose(ops.map(lambda r: ops.sum(r), np.arange(6.0).reshape(3, 2)).numpy(), [1, 5, 9])
    np.testing.assert_allclose(ops.vectorized_map(lambda r: r * 2, np.ones((2, 2))).numpy(), 2 * np.ones((2, 2)))
    assert ops.switch(5, [lambda v: v + 1, lambda v: v * 10], 3) == 30  # index clamped to the last branch
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a + b, np.arange(5.0)).numpy(), [0, 1, 3, 6, 10])
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a * b, np.arange(1.0, 5.0), reverse=True).numpy(),
                               [24, 24, 12, 4])
    pairs = ops.associative_scan(lambda a, b: (a[0] + b[0], ops.maximum(a[1], b[1])),
                                 (np.ones((3, 2)), np.array([[1.0, 5.0], [3.0, 2.0], [0.0, 9.0]])), axis=0)
    np.testing.assert_allclose(pairs[0].numpy(), [[1, 1], [2, 2], [3, 3]])
    np.testing.assert_allclose(pairs[1].numpy(), [[1, 5], [3, 5], [3, 9]])


def test_custom_gradient_and_stop_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return ops.clip(upstream, -0.5, 0.5)
        return x, grad

    x = pt.constant([1.0, 2.0])
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(clipped_identity(x) * 3.0) + ops.sum(ops.stop_gradient(x) * 5.0)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [0.5, 0.5])


def _weighted_sum(fn, arrays):
    """``sum(fn(*arrays) * w)`` with fixed, non-uniform weights ``w``, so the check sees every output element."""
    out = fn(*[pt.constant(a) if not isinstance(a, pt.Tensor) else a for a in arrays])
    weights = np.linspace(0.5, 1.5, max(int(np.prod(out.shape)), 1)).reshape(out.shape)
    return ops.sum(out * pt.constant(weights))


def _finite_difference_check(fn, *arrays, eps=1e-6):
    tensors = [pt.constant(a) for a in arrays]
    with pt.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        loss = _weighted_sum(fn, tensors)
    grads = tape.gradient(loss, tensors)
    for i, (a, g) in enumerate(zip(arrays, grads)):
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus, minus = [v.copy() for v in arrays], [v.copy() for v in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            numeric[idx] = (float(_weighted_sum(fn, plus)) - float(_weighted_sum(fn, minus))) / (2 * eps)
        np.testing.assert_allclose(g.numpy(), numeric, rtol=1e-5, atol=1e-7)


_rng = np.random.default_rng(7)
GRADIENT_CASES = {
    "matmul": (ops.matmul, _rng.normal(size=(3, 4)), _rng.normal(size=(4, 2))),
    "einsum": (lambda a, b: ops.einsum("bij,bkj->bik", a, b), _rng.normal(size=(2, 2, 3)),
               _rng.normal(size=(2, 2, 3))),
    "softmax": (lambda a: ops.softmax(a, axis=(0, 1)), _rng.normal(size=(2, 3))),
    "log_softmax": (ops.log_softmax, _rng.normal(size=(2, 3))),
    "mean_var_std": (lambda a: ops.mean(a, axis=0) + ops.var(a, axis=0) + ops.std(a, axis=0), _rng.normal(size=(3, 4))),
    "cumsum": (lambda a: ops.cumsum(a, axis=0), _rng.normal(size=(3, 4))),
    "cumprod": (lambda a: ops.cumprod(a, axis=1), _rng.normal(size=(2, 4))),
    "sort": (lambda a: ops.sort(a, axis=0), _rng.normal(size=(4, 3))),
    "top_k": (lambda a: ops.top_k(a, 2)[0], _rng.normal(size=(3, 5))),
    "take_along_axis": (lambda a: ops.take_along_axis(a, np.array([[2, 0], [1, 1]]), axis=1), _rng.normal(size=(2, 3))),
    "take": (lambda a: ops.take(a, np.array([0, -1, 0]), axis=1), _rng.normal(size=(2, 3))),
    "arctan2": (ops.arctan2, _rng.normal(size=(5,)), _rng.normal(size=(5,))),
    "arcsin": (ops.arcsin, _rng.uniform(-0.9, 0.9, size=(5,))),
    "logaddexp": (ops.logaddexp, _rng.normal(size=(4,)), _rng.normal(size=(4,))),
    "normalize": (ops.normalize, _rng.normal(size=(2, 3))),
    "categorical_crossentropy": (lambda a: ops.categorical_crossentropy(np.eye(3)[[0, 2]], a, from_logits=True),
                                 _rng.normal(size=(2, 3))),
    "binary_crossentropy": (lambda a: ops.binary_crossentropy(np.array([[0.0, 1.0, 1.0]]), ops.sigmoid(a)),
                            _rng.normal(size=(1, 3))),
    "conv": (lambda a, k: ops.conv(a, k, padding="same"), _rng.normal(size=(1, 4, 4, 2)),
             _rng.normal(size=(3, 3, 2, 2))),
    "max_pool": (lambda a: ops.max_pool(a, 2), _rng.normal(size=(1, 4, 4, 1))),
    "repeat_tile_roll": (lambda a: ops.roll(ops.tile(ops.repeat(a, 2, axis=1), (2, 1)), 1, axis=1),
                         _rng.normal(size=(2, 3))),
    "slice_update": (lambda a, u: ops.slice_update(a, (1, 0), u), _rng.normal(size=(3, 3)), _rng.normal(size=(2, 2))),
    "kron": (ops.kron, _rng.normal(size=(2, 2)), _rng.normal(size=(2, 1))),
    "det": (ops.det, _rng.normal(size=(2, 3, 3))),
    "inv": (ops.inv, _rng.normal(size=(3, 3)) + 2 * np.eye(3)),
    "solve": (ops.solve, _rng.normal(size=(3, 3)) + 2 * np.eye(3), _rng.normal(size=(3, 2))),
    "cholesky_logdet": (lambda a: ops.cholesky(ops.matmul(a, ops.transpose(a)) + 3 * np.eye(3))
                        + ops.logdet(ops.matmul(a, ops.transpose(a)) + 3 * np.eye(3)), _rng.normal(size=(3, 3))),
    "quantile": (lambda a: ops.quantile(a, np.array([0.3, 0.8]), axis=1), _rng.normal(size=(2, 5))),
    "dot_product_attention": (lambda q, k: ops.dot_product_attention(q, k, k, is_causal=True),
                              _rng.normal(size=(1, 3, 2, 2)), _rng.normal(size=(1, 3, 2, 2))),
    "layer_normalization": (lambda a, g: ops.layer_normalization(a, gamma=g), _rng.normal(size=(2, 4)),
                            _rng.normal(size=(4,))),
    "conv_transpose": (lambda a, k: ops.conv_transpose(a, k, strides=2, padding="same"),
                       _rng.normal(size=(1, 3, 3, 2)), _rng.normal(size=(3, 3, 1, 2))),
    "segment_max": (lambda a: ops.segment_max(a, np.array([0, 0, 1, 1])), _rng.normal(size=(4, 2))),
    "qr": (lambda a: ops.qr(a)[0] + ops.qr(a)[1][..., :1, :1], _rng.normal(size=(4, 3))),
    "lstsq": (lambda a, b: ops.lstsq(a, b), _rng.normal(size=(5, 3)), _rng.normal(size=(5, 2))),
    "image.resize": (lambda a: ops.image.resize(a, (5, 3)), _rng.normal(size=(1, 3, 4, 1))),
    "image.extract_patches": (lambda a: ops.image.extract_patches(a, 2, strides=1), _rng.normal(size=(1, 3, 3, 1))),
    "adaptive_pools": (lambda a: ops.adaptive_average_pool(a, (2, 3)) + ops.adaptive_max_pool(a, (2, 3)),
                       _rng.normal(size=(1, 5, 4, 1))),
    "erfc_erfinv": (lambda a: ops.erfc(a * 3.0) + ops.erfinv(a * 0.9), _rng.uniform(-1, 1, size=(6,))),
    "eigh_values": (lambda a: ops.eigh(a + ops.transpose(a))[0], _rng.normal(size=(3, 3))),
    "svd_values_pinv": (lambda a: ops.concatenate([ops.svd(a, compute_uv=False), ops.ravel(ops.pinv(a))]),
                        _rng.normal(size=(4, 3))),
    "correlate": (lambda a, b: ops.correlate(a, b, mode="full"), _rng.normal(size=(5,)), _rng.normal(size=(3,))),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients_by_finite_differences(name):
    fn, *arrays = GRADIENT_CASES[name]
    _finite_difference_check(fn, *arrays)


def test_ops_on_functional_inputs_become_layers():
    """Keras 3 programs apply ops to keras.Input in functional models; each call becomes a layer of the model."""
    inputs = keras.Input((6,))
    assert ops.shape(inputs) == (None, 6) and ops.ndim(inputs) == 2 and ops.dtype(inputs) == "float32"
    expanded = ops.expand_dims(inputs, -1)
    halves = ops.split(ops.relu(inputs), 2, axis=1)
    outputs = ops.concatenate([ops.sum(expanded, axis=-1), halves[0] * 2.0, halves[1]], axis=1)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(3).normal(size=(4, 6)).astype(np.float32)
    relu = np.maximum(x, 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), np.concatenate([x, relu[:, :3] * 2, relu[:, 3:]], 1),
                               rtol=1e-6)
    assert model.output_shape == (None, 12)


def test_keras3_style_custom_layer_trains():
    """A custom layer written only with keras.ops (as Keras 3's guides write them), trained with fit."""

    class OpsDense(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, x):
            return ops.gelu(ops.add(ops.matmul(x, self.w), self.b))

    class OpsSoftmaxHead(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 3), initializer="glorot_uniform")

        def call(self, x):
            return ops.softmax(ops.einsum("bi,ij->bj", ops.normalize(x, axis=-1), self.w) * 4.0)

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype(np.float32)
    y = np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)
    model = keras.Sequential([keras.Input((4,)), OpsDense(16), OpsSoftmaxHead()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0).history
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert history["accuracy"][-1] > 0.8
