"""Runs each corpus program with ``python -m pytensor.run`` and compares what it prints with real TensorFlow's
recorded output (tf_results.json, from record_tf.py). See corpus.py for the programs and their edits."""

import json
import math
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

PYTENSOR_VERSION = __import__("pytensor").__version__
RECORDED = json.load(open(corpus.RESULTS)) if os.path.exists(corpus.RESULTS) else {}


def _close(got, want, rtol=0.0, atol=0.0):
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return abs(got - want) <= atol + rtol * abs(want)


def compare(program, ours, theirs, versions=("", "")):
    """The differences between pytensor's and TensorFlow's printed results, as readable lines (empty: agree).

    `versions` (pytensor's, TensorFlow's) are removed first: a program printing tf.__version__ is not a
    difference."""
    problems = []
    if program.tf_only_lines:
        theirs = "".join(line for line in theirs.splitlines(keepends=True)
                         if not re.fullmatch(program.tf_only_lines, line.rstrip("\n")))
    if program.compare == "numbers":
        if all(versions):
            ours, theirs = ours.replace(versions[0], ""), theirs.replace(versions[1], "")
        got, want = corpus.numbers(ours), corpus.numbers(theirs)
        if len(got) != len(want):
            problems.append(f"printed {len(got)} numbers, TensorFlow printed {len(want)}")
        for index, (g, w) in enumerate(zip(got, want)):
            if not _close(g, w, rtol=program.rtol, atol=program.rtol):
                problems.append(f"number #{index}: {g} vs TensorFlow's {w}")
                break
        return problems
    got, want = corpus.metrics(ours), corpus.metrics(theirs)
    for key, tolerance in program.tolerances.items():
        if key not in want:
            problems.append(f"TensorFlow's output has no {key!r} (recording out of date?)")
        elif key not in got:
            problems.append(f"no {key!r} printed (TensorFlow printed {want[key]})")
        elif not _close(got[key], want[key], **tolerance):
            problems.append(f"{key} = {got[key]}, TensorFlow's {want[key]} (tolerance {tolerance})")
    return problems


# ``python -m pytensor.run script`` after seeding Python's, numpy's and pytensor's generators (the program's text
# is unchanged; its own seeding, if any, still applies). Most programs train unseeded for an epoch, and their
# metrics then vary from run to run: compared with TensorFlow's one recorded run within tolerances, an unseeded
# run passes or fails by chance. Seeded, each program is one fixed draw, so CI's verdict does not change between
# runs of the same tree.
SEEDED_RUN = ("import runpy, pytensor; pytensor.keras.utils.set_random_seed(1); "
              "runpy.run_module('pytensor.run', run_name='__main__', alter_sys=True)")

def _params():
    for program in corpus.PROGRAMS:
        marks = [pytest.mark.slow] if program.slow else []
        if program.needs:
            marks.append(pytest.mark.skip(reason=f"needs {program.needs}"))
        elif program.differs:
            marks.append(pytest.mark.xfail(reason=program.differs, strict=True))
        elif program.unsettled:
            marks.append(pytest.mark.xfail(reason=program.unsettled, strict=False))
        yield pytest.param(program, id=program.id, marks=marks)


@pytest.mark.parametrize("program", _params())
def test_program_matches_tensorflow(program, tmp_path):
    if corpus.missing_data(program):
        pytest.skip(f"data set missing from ../shared/data: {corpus.missing_data(program)}")
    if corpus.missing_tools(program):
        pytest.skip(f"not installed: {corpus.missing_tools(program)}")
    recorded = RECORDED.get(program.id)
    if recorded is None:
        pytest.fail(f"{program.id} has no TensorFlow recording: run tests/programs/record_tf.py {program.id}")
    assert recorded["returncode"] == 0, f"{program.id} failed under TensorFlow too; fix its edits first"
    try:
        script = corpus.materialize(program)
    except FileNotFoundError as err:
        pytest.skip(f"source not available offline: {err}")
    env = corpus.run_environment(corpus.keras_home(str(tmp_path / "keras_home"), program))
    result = subprocess.run([sys.executable, "-c", SEEDED_RUN, script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=program.timeout)
    assert result.returncode == 0, f"{program.id} exited with {result.returncode}:\n{result.stderr[-3000:]}"
    problems = compare(program, result.stdout, recorded["stdout"], (PYTENSOR_VERSION, recorded["tensorflow"]))
    assert not problems, f"{program.id} differs from TensorFlow:\n" + "\n".join(problems)


def test_comparison_detects_differences():
    """The comparison itself: agreeing outputs pass, a metric off by more than its tolerance or a changed number
    fails."""
    fit = corpus.Program(id="x", origin=corpus.TF_DOCS, path="p.py", url="", licence="",
                         tolerances={"loss": {"atol": 0.05}, "accuracy": {"atol": 0.02}})
    tf_out = "Epoch 1/1\n375/375 - 1s - 3ms/step - accuracy: 0.8612 - loss: 0.4801\nTest accuracy: 0.85\n"
    assert compare(fit, "375/375 - accuracy: 0.8700 - loss: 0.4500\n", tf_out) == []
    assert compare(fit, "375/375 - accuracy: 0.8000 - loss: 0.4500\n", tf_out) == [
        "accuracy = 0.8, TensorFlow's 0.8612 (tolerance {'atol': 0.02})"]
    assert "no 'loss' printed" in compare(fit, "accuracy: 0.86\n", tf_out)[0]
    exact = corpus.Program(id="y", origin=corpus.TF_DOCS, path="p.py", url="", licence="", compare="numbers")
    assert compare(exact, "pt.Tensor(6., shape=(), dtype=float32)\n[4. 108.]",
                   "tf.Tensor(6.0, shape=(), dtype=float32)\n[  4. 108.]") == []
    assert compare(exact, "pt.Tensor(6.5, shape=())", "tf.Tensor(6.0, shape=())") == [
        "number #0: 6.5 vs TensorFlow's 6.0"]
    assert compare(exact, "0.1.0\n3.0", "2.21.0\n3.0", versions=("0.1.0", "2.21.0")) == []
    logged = corpus.Program(id="z", origin=corpus.TF_DOCS, path="p.py", url="", licence="", compare="numbers",
                            tf_only_lines=r"\S+: \(\w+\): /job:\w+/device:CPU:\d+$")
    tf_log = "a: (_Arg): /job:localhost/device:CPU:0\n[22. 28.]\n"
    assert compare(logged, "[22. 28.]\n", tf_log) == []  # only TF's log lines are dropped, and only TF's
    assert compare(logged, "[22. 29.]\n", tf_log) == ["number #1: 29.0 vs TensorFlow's 28.0"]
    assert compare(logged, "a: (_Arg): /job:localhost/device:CPU:0\n[22. 28.]\n", tf_log)[0] == (
        "printed 3 numbers, TensorFlow printed 2")


def test_every_running_program_compares_something():
    """A program compared by metrics checks only the keys its tolerances name: one that runs (no `needs`) must name
    at least one, each printed by TensorFlow's recorded run, or its test could not fail on a wrong number."""
    for program in corpus.PROGRAMS:
        if program.needs or program.compare != "metrics":
            continue
        assert program.tolerances, f"{program.id}: compared by metrics but names no key in its tolerances"
        recorded = RECORDED.get(program.id)
        if recorded is not None:
            printed = corpus.metrics(recorded["stdout"])
            missing = [key for key in program.tolerances if key not in printed]
            assert not missing, f"{program.id}: TensorFlow's recorded run printed no {missing}"


def test_keras_home_holds_private_copies_of_the_shared_data(tmp_path):
    """A library that distrusts a cached file deletes it or downloads over it: the program's KERAS_HOME holds
    writable copies of the data sets it declares, never links into ../shared/data."""
    program = corpus.Program(id="x", origin=corpus.TF_DOCS, path="p.py", url="", licence="",
                             data=("mnist.npz", "fashion-mnist"))
    if corpus.missing_data(program):
        pytest.skip(f"data set missing from ../shared/data: {corpus.missing_data(program)}")
    datasets = os.path.join(corpus.keras_home(str(tmp_path / "home"), program), "datasets")
    assert sorted(os.listdir(datasets)) == ["fashion-mnist", "mnist.npz"]
    for root, folders, files in os.walk(datasets):
        for name in folders + files:
            assert not os.path.islink(os.path.join(root, name)), name
    copy = os.path.join(datasets, "mnist.npz")
    assert open(copy, "rb").read(64) == open(os.path.join(corpus.shared_data_dir(), "mnist.npz"), "rb").read(64)
    with open(copy, "wb") as f:  # writable, and writing it leaves the shared file alone
        f.write(b"replaced")
    os.remove(copy)
    assert os.path.getsize(os.path.join(corpus.shared_data_dir(), "mnist.npz")) > 1000


def test_a_program_skips_without_its_tools():
    program = corpus.Program(id="x", origin=corpus.TF_DOCS, path="p.py", url="", licence="",
                             tools=("sys", "sh", "surely_not_an_installed_tool_3141"))
    assert corpus.missing_tools(program) == ["surely_not_an_installed_tool_3141"]  # a module, a program, neither
