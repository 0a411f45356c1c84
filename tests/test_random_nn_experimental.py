"""tf.random.experimental (index_shuffle, stateless_shuffle, the stateless seed helpers, the Generator names) and
tf.nn.experimental (stateless_dropout, general_dropout): properties TF documents, hand-derived values."""

import numpy as np
import pytest

import pytensor as pt


@pytest.mark.parametrize("max_index", [0, 1, 9, 100, 1023, 5000])
def test_index_shuffle_is_a_seeded_bijection_of_the_range(max_index):
    index = pt.range(max_index + 1, dtype=pt.int64)
    out = pt.random.experimental.index_shuffle(index, seed=[5, 9], max_index=max_index)
    assert out.dtype == pt.int64 and out.shape == (max_index + 1,)
    np.testing.assert_array_equal(np.sort(out.numpy()), np.arange(max_index + 1))
    again = pt.random.experimental.index_shuffle(index, seed=[5, 9], max_index=max_index)
    np.testing.assert_array_equal(out.numpy(), again.numpy())
    if max_index >= 100:
        other = pt.random.experimental.index_shuffle(index, seed=[5, 10], max_index=max_index)
        assert not np.array_equal(out.numpy(), other.numpy())
        assert not np.array_equal(out.numpy(), np.arange(max_index + 1))
    scalar = pt.random.experimental.index_shuffle(pt.constant(max_index // 2), seed=[5, 9], max_index=max_index)
    assert scalar.dtype == pt.int32 and int(scalar) == out.numpy()[max_index // 2]


def test_index_shuffle_rejects_bad_input():
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"index_shuffle: every index must be in \[0, 3\]"):
        pt.random.experimental.index_shuffle(pt.constant([1, 4]), seed=[1, 2], max_index=3)
    with pytest.raises(TypeError, match="index_shuffle: index must be an integer tensor"):
        pt.random.experimental.index_shuffle(pt.constant([1.0]), seed=[1, 2], max_index=3)
    with pytest.raises(pt.errors.InvalidArgumentError, match="index_shuffle: seed must be a shape"):
        pt.random.experimental.index_shuffle(pt.constant([1]), seed=[1, 2, 3, 4], max_index=3)


def test_stateless_shuffle_permutes_rows_deterministically():
    v = pt.reshape(pt.range(40), (20, 2))
    out = pt.random.experimental.stateless_shuffle(v, seed=[8, 9])
    rows = sorted(map(tuple, out.numpy().tolist()))
    assert rows == sorted(map(tuple, v.numpy().tolist()))
    np.testing.assert_array_equal(out.numpy(), pt.random.experimental.stateless_shuffle(v, seed=[8, 9]).numpy())
    assert not np.array_equal(out.numpy(), pt.random.experimental.stateless_shuffle(v, seed=[8, 10]).numpy())


def test_seed_helpers_and_generator_names_are_tf_randoms():
    np.testing.assert_array_equal(pt.random.experimental.stateless_split([1, 2], 3).numpy(),
                                  pt.random.split([1, 2], 3).numpy())
    np.testing.assert_array_equal(pt.random.experimental.stateless_fold_in([1, 2], 7).numpy(),
                                  pt.random.fold_in([1, 2], 7).numpy())
    assert pt.random.experimental.Generator is pt.random.Generator
    assert pt.random.experimental.get_global_generator() is pt.random.get_global_generator()


def test_stateless_dropout_keeps_scaled_values_with_a_seeded_mask():
    x = pt.reshape(pt.range(1, 20001, dtype=pt.float32), (100, 200))
    out = pt.nn.experimental.stateless_dropout(x, rate=0.25, seed=[1, 0]).numpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], x.numpy()[kept] / 0.75, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.25) < 0.02
    np.testing.assert_array_equal(out, pt.nn.experimental.stateless_dropout(x, rate=0.25, seed=[1, 0]).numpy())
    assert not np.array_equal(out, pt.nn.experimental.stateless_dropout(x, rate=0.25, seed=[2, 0]).numpy())
    # a noise shape drops whole columns
    cols = pt.nn.experimental.stateless_dropout(pt.ones((4, 50)), 0.5, seed=[3, 4], noise_shape=[1, 50]).numpy()
    assert np.all(cols == cols[:1])
    np.testing.assert_array_equal(pt.nn.experimental.stateless_dropout(x, 0.0, seed=[1, 0]).numpy(), x.numpy())


def test_general_dropout_uses_the_given_sampler_and_its_gradient_is_the_mask():
    draws = np.array([0.1, 0.7, 0.5, 0.49, 0.9], np.float32)

    def sampler(shape, dtype):
        assert tuple(shape) == (5,) and dtype == pt.float32
        return pt.constant(draws)

    x = pt.constant([1.0, 2.0, 3.0, 4.0, 5.0])
    with pt.GradientTape() as tape:
        tape.watch(x)
        y = pt.nn.experimental.general_dropout(x, 0.5, sampler)
        total = pt.reduce_sum(y)
    np.testing.assert_allclose(y.numpy(), [0.0, 4.0, 6.0, 0.0, 10.0])  # kept where draw >= rate, scaled by 2
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), [0.0, 2.0, 2.0, 0.0, 2.0])
    with pytest.raises(ValueError, match=r"general_dropout: rate must be a scalar in \[0, 1\)"):
        pt.nn.experimental.general_dropout(x, 1.0, sampler)
