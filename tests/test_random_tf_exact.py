"""tf.random gives TensorFlow's numbers bit for bit: the stateless ops, tf.random.Generator (from a seed, a key and
counter, split, make_seeds, skip, reset) and Generators under a MirroredStrategy over logical CPU devices, each
compared with arrays recorded from real TensorFlow (tests/fixtures/tf_random.npz, made by
tests/fixtures/make_tf_random.py from the cases in tests/fixtures/tf_random_cases.py, run unchanged under both
libraries).

Also: logical CPU devices and the in-process MirroredStrategy (run once per replica, PerReplica results, reduce,
experimental_local_results) and the errors of both."""
import os
import sys

import numpy as np
import pytest

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tf_random.npz")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from tf_random_cases import CASES, LOGICAL_CPUS  # noqa: E402

# Cases whose float values may differ from TF's in the last bits (relative tolerances for float32, float64): the image
# ops' HSV round trips differ by a few ulps (their draws are the same); the gamma gradients' RandomGammaGrad is computed
# in float64 (TF's float32 kernel sums its series in float32, up to ~3e-4 off the true value at large alpha; pytensor's
# float32 values are the float64 ones rounded) and sums its series to convergence in an order of its own. Every other
# case is bit for bit, the philox_* ops' float32 normals (libm's logf and sincosf, as TF's kernel calls them) and the
# gamma, Poisson and binomial samplers' float64 steps (libm's log, log1p, pow, exp and lgamma, as TF's kernels call
# them) included.
INEXACT = {"image_stateless": (1e-6, 1e-15), "gamma_gradients": (2e-6, 1e-13)}




@pytest.fixture
def pt():
    import pytensor
    return pytensor


@pytest.fixture
def logical_cpus(pt):
    """The CPU split into LOGICAL_CPUS logical devices for one test (the split is process-wide)."""
    cpu = pt.config.list_physical_devices("CPU")[0]
    pt.config.set_logical_device_configuration(cpu, [pt.config.LogicalDeviceConfiguration()] * LOGICAL_CPUS)
    yield [d.name for d in pt.config.list_logical_devices("CPU")]
    pt.config.set_logical_device_configuration(cpu, None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name, pt, logical_cpus):
    recorded = np.load(FIXTURE)
    values = CASES[name](pt)
    keys = sorted((k for k in recorded.files if k.startswith(name + "/")), key=lambda k: int(k.split("/")[1]))
    assert len(values) == len(keys), f"{name}: {len(values)} values, TensorFlow recorded {len(keys)}"
    for key, value in zip(keys, values):
        want, got = recorded[key], np.asarray(value)
        assert got.dtype == want.dtype and got.shape == want.shape, f"{key}: {got.dtype}{got.shape} vs TF's " \
                                                                    f"{want.dtype}{want.shape}"
        if name in INEXACT:
            rtol = INEXACT[name][0] if want.dtype == np.float32 else INEXACT[name][1]
            np.testing.assert_allclose(got, want, rtol=rtol, atol=0, err_msg=key)
        else:
            np.testing.assert_array_equal(got, want, err_msg=key)


def test_generator_inside_tf_function_draws_on_every_call(pt):
    g = pt.random.Generator.from_seed(1)
    eager = [float(g.normal([])) for _ in range(3)]
    g.reset_from_seed(1)
    traced = pt.function(lambda: g.normal([]))
    assert [float(traced()) for _ in range(3)] == eager
    assert np.asarray(g.state).tolist() == [3 * 256 + 1, 0, 0]


def test_checkpoint_restores_a_generator(pt, tmp_path):
    g = pt.random.Generator.from_seed(4)
    checkpoint = pt.train.Checkpoint(generator=g)
    g.normal([2])
    path = checkpoint.write(str(tmp_path / "ckpt"))
    after = g.normal([3]).numpy()
    g.normal([5])
    checkpoint.restore(path)
    np.testing.assert_array_equal(g.normal([3]).numpy(), after)


def test_a_strategys_generator_traced_in_strategy_run_saves_as_tf(pt, logical_cpus, tmp_path):
    """TF saves a function that drew per replica inside strategy.run as a retrace outside it: the loaded function
    draws the primary key's stream from the saved state (TF 2.21's numbers, from its run of guide/random_numbers
    recorded in tests/programs/tf_results.json); saving leaves the replicas' streams where they were."""
    from test_random_philox_ops import GeneratorModule as Module
    strategy = pt.distribute.MirroredStrategy(devices=logical_cpus[:2])
    with strategy.scope():
        module = Module()
        first = strategy.experimental_local_results(strategy.run(module))
        module.state()
        pt.saved_model.save(module, str(tmp_path / "m"))
        after = strategy.experimental_local_results(strategy.run(module))
    assert [float(x) for x in first] == pytest.approx([-1.4154755, -0.11388441], rel=1e-6)
    assert [float(x) for x in after] == pytest.approx([-0.68758255, 0.8084062], rel=1e-6)
    loaded = pt.saved_model.load(str(tmp_path / "m"))
    assert np.asarray(loaded.state()).tolist() == [256, 0, 0]
    assert [float(loaded()) for _ in range(2)] == pytest.approx([-1.0359411, -0.064250775], rel=1e-6)
    assert np.asarray(loaded.state()).tolist() == [768, 0, 0]


def test_a_saved_retrace_keeps_the_traced_arguments(pt, logical_cpus, tmp_path):
    """The retrace a save makes of a function traced in strategy.run takes the trace's tensor arguments: the loaded
    function adds its argument to the primary stream's next draw (a generator outside any strategy, from the same
    state, draws that)."""
    class Module(pt.Module):
        def __init__(self):
            super().__init__()
            self.g = pt.random.Generator.from_seed(3)

        @pt.function
        def shifted(self, x, scale=2.0):
            return x + scale * self.g.normal([])

    strategy = pt.distribute.MirroredStrategy(devices=logical_cpus[:2])
    with strategy.scope():
        module = Module()
        strategy.run(module.shifted, args=(pt.constant([10.0, 20.0]),))
        saved_state = np.asarray(module.g.state)
        pt.saved_model.save(module, str(tmp_path / "m"))
    loaded = pt.saved_model.load(str(tmp_path / "m"))
    reference = pt.random.Generator.from_state(saved_state, "philox")
    got = loaded.shifted(pt.constant([1.0, 2.0])).numpy()
    np.testing.assert_array_equal(got, np.array([1.0, 2.0], np.float32) + np.float32(2.0) * reference.normal([]).numpy())


def test_logical_devices_are_named_as_tf(pt, logical_cpus):
    assert logical_cpus == ["/device:CPU:0", "/device:CPU:1", "/device:CPU:2"]
    cpu = pt.config.list_physical_devices("CPU")[0]
    assert len(pt.config.get_logical_device_configuration(cpu)) == LOGICAL_CPUS
    with pytest.raises(ValueError, match="memory limit"):
        pt.config.set_logical_device_configuration(cpu, [pt.config.LogicalDeviceConfiguration(memory_limit=10)])
    with pytest.raises(TypeError, match="LogicalDeviceConfiguration"):
        pt.config.set_logical_device_configuration(cpu, ["cpu:0"])


def test_mirrored_strategy_runs_once_per_replica(pt, logical_cpus):
    strategy = pt.distribute.MirroredStrategy(
        devices=["cpu:0", "/cpu:1", "/job:localhost/replica:0/task:0/device:CPU:2"])
    assert strategy.num_replicas_in_sync == 3
    seen = []

    def step(x):
        context = pt.distribute.get_replica_context()
        seen.append((context.replica_id_in_sync_group, context.num_replicas_in_sync))
        return {"double": x * 2.0, "id": pt.constant(context.replica_id_in_sync_group)}

    with strategy.scope():
        result = strategy.run(step, args=(pt.constant([1.0, 2.0]),))
    assert seen == [(0, 3), (1, 3), (2, 3)]
    assert [int(v) for v in strategy.experimental_local_results(result["id"])] == [0, 1, 2]
    assert "PerReplica:{\n  0: " in str(result["id"]) and "\n  2: " in str(result["id"])
    np.testing.assert_array_equal(strategy.reduce("SUM", result["double"], axis=None), [6.0, 12.0])
    np.testing.assert_array_equal(strategy.reduce(pt.distribute.ReduceOp.MEAN, result["double"], axis=None),
                                  [2.0, 4.0])
    assert float(strategy.reduce("MEAN", result["double"], axis=0)) == 3.0  # 18 over 6 elements
    ids = strategy.run(lambda: pt.distribute.get_replica_context().replica_id_in_sync_group)
    assert strategy.experimental_local_results(ids) == (0, 1, 2)
    # a PerReplica argument gives each replica its own value
    echoed = strategy.run(lambda v: v + 1, args=(ids,))
    assert strategy.experimental_local_results(echoed) == (1, 2, 3)
    values = strategy.experimental_distribute_values_from_function(
        lambda context: (context.replica_id_in_sync_group, context.num_replicas_in_sync))
    assert strategy.experimental_local_results(values) == ((0, 3), (1, 3), (2, 3))


def test_mirrored_strategy_refuses_what_sequential_replicas_cannot_do(pt, logical_cpus):
    strategy = pt.distribute.MirroredStrategy(devices=logical_cpus[:2])
    with pytest.raises(NotImplementedError, match="one after another"):
        strategy.run(lambda: pt.distribute.get_replica_context().all_reduce("SUM", pt.constant(1.0)))
    with pytest.raises(ValueError, match="set_logical_device_configuration"):
        pt.distribute.MirroredStrategy(devices=["cpu:0", "cpu:5"])
    with pytest.raises(ValueError, match="distinct"):
        pt.distribute.MirroredStrategy(devices=["cpu:0", "/device:CPU:0"])


def test_random_numbers_guide_agrees_with_tensorflow_up_to_its_saved_model(tmp_path):
    """TF's random-numbers guide (corpus program tf_guide_random_numbers) run up to its tf.saved_model.save (a
    Generator inside a saved function is not built): every number agrees with TF's recorded run, the trace counts
    included (a tf.function called with two tf.Variables of one dtype and shape traces once)."""
    import json
    import subprocess

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs"))
    import corpus

    program = corpus.BY_ID["tf_guide_random_numbers"]
    try:
        script = corpus.materialize(program)
    except FileNotFoundError as err:
        pytest.skip(f"source not available offline: {err}")
    text = open(script).read()
    cut = text.index("with strat.scope():\n  tf.saved_model.save(m, filename)")
    prefix = tmp_path / "guide_prefix.py"
    prefix.write_text(text[:cut])
    env = corpus.run_environment(corpus.keras_home(str(tmp_path / "keras_home"), program))
    result = subprocess.run([sys.executable, "-m", "pytensor.run", str(prefix)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=program.timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    ours = corpus.numbers(result.stdout)
    theirs = corpus.numbers(json.load(open(corpus.RESULTS))[program.id]["stdout"])
    assert len(ours) > 150
    differing = [(i, got, want) for i, (got, want) in enumerate(zip(ours, theirs))
                 if abs(got - want) > 1e-6 * (1 + abs(want))]
    assert differing == []
