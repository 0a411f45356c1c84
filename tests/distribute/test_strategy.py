"""tf.distribute in one process: the default strategy, MirroredStrategy, reduce / run, input splitting and
sharding, the loss helpers, and the errors TF raises. The multi-process behaviour is in test_mpi.py."""
import builtins

import numpy as np
import pytest

import pytensor as tf
from pytensor.distribute._comm import LocalComm
from pytensor.distribute._input import split_batch
from pytensor.distribute._strategy import _BucketedAllReduce


def test_default_strategy_outside_any_scope():
    strategy = tf.distribute.get_strategy()
    assert not tf.distribute.has_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert not tf.distribute.in_cross_replica_context()
    assert tf.distribute.get_replica_context().replica_id_in_sync_group == 0


def test_mirrored_strategy_scope_run_and_contexts():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        assert tf.distribute.has_strategy() and tf.distribute.get_strategy() is strategy
        assert tf.distribute.in_cross_replica_context() and tf.distribute.get_replica_context() is None
        variable = tf.Variable([1.0, 2.0])
    assert strategy._owns(variable) and not tf.distribute.has_strategy()

    def replica_fn(x):
        context = tf.distribute.get_replica_context()
        assert not tf.distribute.in_cross_replica_context()
        return context.all_reduce(tf.distribute.ReduceOp.SUM, x * 2.0), context.num_replicas_in_sync

    doubled, replicas = strategy.run(replica_fn, args=(tf.constant([1.0, 3.0]),))
    np.testing.assert_array_equal(doubled.numpy(), [2.0, 6.0])
    assert replicas == 1
    assert strategy.experimental_local_results(doubled)[0] is doubled


def test_strategies_do_not_nest():
    with tf.distribute.MirroredStrategy().scope():
        with pytest.raises(ValueError, match="Mixing different tf.distribute.Strategy"):
            with tf.distribute.MirroredStrategy().scope():
                pass


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reduce_sum_and_mean_match_numpy(axis, rng):
    strategy = tf.distribute.MirroredStrategy()
    value = rng.standard_normal((4, 3)).astype(np.float32)
    total = strategy.reduce(tf.distribute.ReduceOp.SUM, tf.constant(value), axis=axis).numpy()
    mean = strategy.reduce("MEAN", tf.constant(value), axis=axis).numpy()
    np.testing.assert_allclose(total, value if axis is None else value.sum(axis=axis), rtol=1e-6)
    np.testing.assert_allclose(mean, value if axis is None else value.mean(axis=axis), rtol=1e-6)
    assert total.shape == (value.shape if axis is None else value.sum(axis=axis).shape)


def test_reduce_rejects_unknown_op():
    with pytest.raises(ValueError, match="ReduceOp.SUM or MEAN"):
        tf.distribute.MirroredStrategy().reduce("MAX", tf.constant(1.0), axis=None)


def test_mirrored_strategy_rejects_several_devices():
    with pytest.raises(ValueError, match="MultiWorkerMirroredStrategy"):
        tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


def test_multi_worker_strategy_without_mpi4py_names_the_extra_and_mpirun(monkeypatch):
    real_import = builtins.__import__

    def no_mpi4py(name, *args, **kwargs):
        if name.startswith("mpi4py"):
            raise ImportError("No module named 'mpi4py'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mpi4py)
    with pytest.raises(ImportError, match=r"pytensor-tf\[mpi\].*mpirun"):
        tf.distribute.MultiWorkerMirroredStrategy()


def test_compute_average_loss_divides_by_the_global_batch():
    per_example = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    weights = np.array([1.0, 0.0, 2.0, 1.0], np.float32)
    assert float(tf.nn.compute_average_loss(per_example, global_batch_size=8)) == pytest.approx(10.0 / 8)
    assert float(tf.nn.compute_average_loss(per_example, sample_weight=weights, global_batch_size=8)) == \
        pytest.approx((1 + 6 + 4) / 8)
    assert float(tf.nn.compute_average_loss(per_example)) == pytest.approx(2.5)  # local batch x 1 replica
    with pytest.raises(TypeError, match="floating point"):
        tf.nn.compute_average_loss(np.array([1, 2], np.int32))
    with pytest.raises(ValueError, match="positive integer"):
        tf.nn.compute_average_loss(per_example, global_batch_size=0)
    assert float(tf.nn.scale_regularization_loss([tf.constant(1.5), tf.constant(0.5)])) == 2.0


def test_input_context_per_replica_batch_size():
    context = tf.distribute.InputContext(num_input_pipelines=2, input_pipeline_id=1, num_replicas_in_sync=4)
    assert (context.num_input_pipelines, context.input_pipeline_id) == (2, 1)
    assert context.get_per_replica_batch_size(64) == 16
    with pytest.raises(ValueError, match="is not divisible by `num_replicas_in_sync` 4"):
        context.get_per_replica_batch_size(66)


def test_split_batch_gives_each_worker_its_rows_as_evenly_as_possible():
    x = np.arange(14).reshape(7, 2)
    y = np.arange(7)
    parts = [split_batch((x, y, None), rank, 3) for rank in range(3)]
    assert [count for _, count, _ in parts] == [3, 2, 2] and {total for _, _, total in parts} == {7}
    np.testing.assert_array_equal(np.concatenate([p[0][0] for p in parts]), x)
    np.testing.assert_array_equal(np.concatenate([p[0][1] for p in parts]), y)
    assert all(p[0][2] is None for p in parts)


def test_bucketed_all_reduce_packs_and_unpacks_in_order(rng):
    """One process: the sum over one worker is the identity, so every tensor must come back in its place,
    whatever the bucket size splits it into (one tensor alone, several packed)."""
    shapes = [(3, 5), (7,), (), (2, 2, 2), (40,), (1, 1)]
    tensors = [tf.constant(rng.standard_normal(s).astype(np.float32)) for s in shapes]
    for bucket_bytes in (1, 64, 200, 2 ** 20):
        out = _BucketedAllReduce(LocalComm(), bucket_bytes)(tensors)
        for got, want in zip(out, tensors, strict=True):
            assert got.shape == want.shape
            np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_overlapped_all_reduce_returns_each_gradient_in_its_place_and_only_for_those_it_was_fed(rng):
    """The buckets the tape's gradient-ready callback fills in the sweep's order (last layer first) unpack into
    the right gradients; gradients other than those it was fed (here transformed) are left to the plain path."""
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in ((6, 5), (5,), (5, 3), (3,))]
    x = tf.constant(rng.standard_normal((4, 6)).astype(np.float32))
    for bucket_bytes in (1, 64, 2 ** 20):
        reducer = _BucketedAllReduce(LocalComm(), bucket_bytes)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.matmul(tf.nn.relu(tf.matmul(x, variables[0]) + variables[1]), variables[2])
                              + variables[3])
        tape._on_gradient_ready(reducer.overlapped(variables))
        grads = tape.gradient(y, variables)
        summed = reducer.collect(grads)
        for got, want in zip(summed, grads, strict=True):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert reducer.overlapped_calls == 1 and reducer.collect(grads) is None  # collected once
        tape2 = tf.GradientTape()
        with tape2:
            y = tf.reduce_sum(variables[0] * variables[0])
        tape2._on_gradient_ready(reducer.overlapped(variables[:1]))
        assert reducer.collect([g * 1.0 for g in tape2.gradient(y, variables[:1])]) is None


class _TwoEqualWorkers:
    """Two workers holding equal tensors, so every sum doubles; it keeps what MPI would have been handed."""

    rank, size = 0, 2

    def __init__(self):
        self.calls = []  # (send buffer or None for in place, receive buffer)

    def allreduce_sum_into(self, send, recv):
        self.calls.append((send, recv))
        np.multiply(recv if send is None else send.reshape(-1), 2, out=recv)

    def iallreduce_sum(self, send, recv):
        self.allreduce_sum_into(send, recv)

    def wait(self, requests):
        pass

    progress = wait

    def allreduce_max(self, array):
        return array


def test_a_large_gradient_travels_alone_from_its_own_memory_and_small_ones_are_reduced_in_place(rng):
    """A gradient of 1 MB or more is handed to MPI as the tensor's own memory (no copy into a bucket); the small
    ones share a bucket packed into the receive buffer and summed there (MPI_IN_PLACE); the plain path and the
    one fed by the backward sweep agree."""
    variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in ((6, 2 ** 16), (2 ** 16,), (4, 3))]
    x = tf.constant(rng.standard_normal((2, 6)).astype(np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, variables[0]) + variables[1])) + tf.reduce_sum(variables[2] ** 2)
    grads = tape.gradient(y, variables)
    for feed in ("plain", "sweep"):
        comm = _TwoEqualWorkers()
        reducer = _BucketedAllReduce(comm, 0)  # 25 MB buckets: all of it would fit in one
        if feed == "plain":
            summed = reducer(grads)
        else:
            callback = reducer.overlapped(variables)
            for i in (2, 1, 0):  # the order of a sweep
                callback(i, grads[i])
            summed = reducer.collect(grads)
        for got, g in zip(summed, grads, strict=True):
            np.testing.assert_array_equal(got.numpy(), 2 * g.numpy())
        sends = [send for send, _ in comm.calls]
        assert len(sends) == 2, feed
        alone = [send for send in sends if send is not None]
        assert len(alone) == 1 and np.shares_memory(alone[0], grads[0].numpy()), feed
        assert sum(send is None for send in sends) == 1, feed  # the two small gradients, reduced in place


def test_a_strided_tensor_alone_is_sent_from_a_contiguous_copy_never_in_place(rng):
    """Whether a bucket is reduced in place must not depend on one worker's memory layout (MPI_IN_PLACE is a
    choice every worker makes alike): a lone strided array goes from a contiguous copy."""
    strided = rng.standard_normal((5, 3)).astype(np.float32).T
    comm = _TwoEqualWorkers()
    summed = _BucketedAllReduce(comm, 0)([strided])
    np.testing.assert_array_equal(summed[0].numpy(), 2 * strided)
    (send, _), = comm.calls
    assert send is not None and send.flags.c_contiguous


def test_dataset_shard_matches_numpy_striding():
    ds = tf.data.Dataset.range(10)
    for index in range(3):
        shard = ds.shard(3, index)
        assert list(shard.as_numpy_iterator()) == list(range(10))[index::3]
        assert int(shard.cardinality()) == len(range(10)[index::3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="shard: index must be in"):
        ds.shard(2, 2)


def test_dataset_options_carry_the_auto_shard_policy():
    options = tf.data.Options()
    assert options.experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.AUTO
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = tf.data.Dataset.range(6).with_options(options).map(lambda v: v * 2).batch(2)
    assert ds.options().experimental_distribute.auto_shard_policy == tf.data.experimental.AutoShardPolicy.DATA
    assert list(map(list, ds.as_numpy_iterator())) == [[0, 2], [4, 6], [8, 10]]
    assert tf.data.Dataset.range(3).options().experimental_distribute.auto_shard_policy == 0
    with pytest.raises(AttributeError, match="no option 'experimental_distrib'"):
        options.experimental_distrib = None


def test_distribute_datasets_from_function_passes_the_input_context():
    strategy = tf.distribute.MirroredStrategy()
    seen = []

    def dataset_fn(context):
        seen.append((context.num_input_pipelines, context.input_pipeline_id, context.num_replicas_in_sync))
        return tf.data.Dataset.range(8).shard(context.num_input_pipelines, context.input_pipeline_id).batch(
            context.get_per_replica_batch_size(4))

    batches = [b.numpy().tolist() for b in strategy.distribute_datasets_from_function(dataset_fn)]
    assert seen == [(1, 0, 1)] and batches == [[0, 1, 2, 3], [4, 5, 6, 7]]
    whole = [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(tf.data.Dataset.range(4).batch(2))]
    assert whole == [[0, 1], [2, 3]]


def _model(units=4):
    return tf.keras.Sequential([tf.keras.layers.Input((3,)), tf.keras.layers.Dense(units)])


def test_optimizer_in_scope_rejects_variables_made_outside_it():
    model = _model()
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        optimizer = tf.keras.optimizers.SGD(0.1)
    grads = [tf.zeros_like(v) for v in model.trainable_variables]
    with pytest.raises(ValueError, match="was not created in the distribution strategy scope"):
        optimizer.apply_gradients(zip(grads, model.trainable_variables))


def test_fit_under_mirrored_strategy_equals_plain_fit(rng):
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = rng.standard_normal((40, 4)).astype(np.float32)
    results = []
    for strategy in (None, tf.distribute.MirroredStrategy()):
        tf.keras.utils.set_random_seed(3)
        with strategy.scope() if strategy else tf.name_scope(""):
            model = _model()
            model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        results.append((model.get_weights(), history.history))
    for a, b in zip(results[0][0], results[1][0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert results[0][1] == results[1][1]


def test_auto_shard_by_file_gives_each_worker_its_files_and_batch_share(tmp_path):
    from pytensor.distribute._input import _shard_by_file
    names = []
    for i in range(4):
        names.append(str(tmp_path / f"part{i}.txt"))
        with open(names[-1], "w") as f:
            f.write("".join(f"{i}-{j}\n" for j in range(3)))
    dataset = tf.data.TextLineDataset(names).batch(4)
    per_worker = [_shard_by_file(dataset, rank, 2) for rank in range(2)]
    lines = [[line.decode() for batch in ds.as_numpy_iterator() for line in batch] for ds in per_worker]
    assert lines[0] == [f"{i}-{j}" for i in (0, 2) for j in range(3)]
    assert lines[1] == [f"{i}-{j}" for i in (1, 3) for j in range(3)]
    assert [len(b) for b in per_worker[0].as_numpy_iterator()] == [2, 2, 2]  # the global batch of 4, halved
    assert [line.decode() for b in dataset.as_numpy_iterator() for line in b][:3] == ["0-0", "0-1", "0-2"]
    assert _shard_by_file(dataset, 0, 5) is None  # fewer files than workers: shard by data instead
    assert _shard_by_file(tf.data.Dataset.range(8).batch(4), 0, 2) is None


def test_compile_outside_the_scope_gives_the_optimizer_the_models_strategy():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = _model()
    optimizer = tf.keras.optimizers.SGD(0.1)
    model.compile(optimizer=optimizer, loss="mse")
    assert optimizer._distribute_strategy is strategy
    plain = _model()
    plain.compile(optimizer="sgd", loss="mse")
    assert plain.optimizer._distribute_strategy is None
