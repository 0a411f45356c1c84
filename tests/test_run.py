"""``python -m pytensor.run script.py``: TF programs run unchanged, as ``python script.py`` runs them."""

import os
import subprocess
import sys
import textwrap

import pytest

from child_python import child_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _write(tmp_path, body, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def _run(args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=child_env(), capture_output=True, text=True,
                          timeout=120)


def _pytensor_run(path, *args):
    return _run(["-m", "pytensor.run", str(path), *args], cwd=path.parent)


def test_tensorflow_keras_and_tf_keras_resolve_to_pytensor_modules(tmp_path):
    prog = _write(tmp_path, """
        import sys
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers
        import tensorflow.keras.layers as tf_layers
        import keras as k3
        import keras.layers
        from keras import optimizers
        import tf_keras
        import pytensor, pytensor.keras, pytensor.keras.layers, pytensor.keras.optimizers
        assert tf is pytensor
        assert keras is pytensor.keras and tf.keras is pytensor.keras
        assert layers is tf_layers is pytensor.keras.layers is k3.layers
        assert k3 is tf_keras is pytensor.keras
        assert optimizers is pytensor.keras.optimizers
        assert sys.modules["tensorflow.keras.layers"] is pytensor.keras.layers
        assert pytensor.__name__ == "pytensor" and pytensor.keras.__spec__.name == "pytensor.keras"
        x = tf.constant([[1.0, 2.0]])
        print(float(tf.reduce_sum(layers.Dense(3, kernel_initializer="ones")(x))))
    """)
    result = _pytensor_run(prog)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "9.0"  # (1 + 2) summed into each of 3 units with ones weights


def test_script_sees_argv_main_file_and_path_as_under_python(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 7\n")
    prog = _write(tmp_path, """
        import json, os, pickle, sys
        import helper_mod  # found through sys.path[0], the script's directory

        class Point:
            def __init__(self, x):
                self.x = x

        if __name__ == "__main__":
            restored = pickle.loads(pickle.dumps(Point(3)))  # classes of __main__ pickle by reference
            print(json.dumps({"argv": sys.argv, "file": __file__, "path0": sys.path[0], "helper": helper_mod.VALUE,
                              "main": sys.modules["__main__"].__dict__ is globals(), "x": restored.x}))
    """)
    expected = json_of(_run([str(prog), "--epochs", "3", "x y"], cwd=tmp_path))
    got = json_of(_pytensor_run(prog, "--epochs", "3", "x y"))
    assert got == expected
    assert got["argv"] == [str(prog), "--epochs", "3", "x y"] and got["helper"] == 7 and got["x"] == 3


def json_of(result):
    import json
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("body, status", [
    ("import sys\nsys.exit(3)\n", 3),
    ("raise SystemExit('stopped')\n", 1),
    ("print('done')\n", 0),
])
def test_exit_status_is_the_scripts(tmp_path, body, status):
    prog = _write(tmp_path, body)
    assert _pytensor_run(prog).returncode == status == _run([str(prog)], cwd=tmp_path).returncode


def test_uncaught_error_traceback_matches_pythons(tmp_path):
    prog = _write(tmp_path, """
        def inner(n):
            return {}[n]

        def outer():
            inner("missing")

        outer()
    """)
    ours = _pytensor_run(prog)
    plain = _run([str(prog)], cwd=tmp_path)
    assert ours.returncode == plain.returncode == 1
    assert ours.stderr == plain.stderr  # same frames, no runner frames
    assert "KeyError: 'missing'" in ours.stderr


def test_syntax_error_reported_as_python_does(tmp_path):
    prog = _write(tmp_path, "x = (1,\n")
    ours = _pytensor_run(prog)
    assert ours.returncode == 1 and "SyntaxError" in ours.stderr and "pytensor" not in ours.stderr


def test_missing_script_and_usage(tmp_path):
    missing = _run(["-m", "pytensor.run", "nope.py"], cwd=tmp_path)
    assert missing.returncode == 2 and "can't open file" in missing.stderr and "nope.py" in missing.stderr
    usage = _run(["-m", "pytensor.run"], cwd=tmp_path)
    assert usage.returncode == 2 and "usage" in usage.stderr


def test_missing_pytensor_module_names_the_tf_module(tmp_path):
    prog = _write(tmp_path, "import tensorflow.python.framework.ops\n")
    result = _pytensor_run(prog)
    assert result.returncode == 1
    assert "ModuleNotFoundError: No module named 'tensorflow.python'" in result.stderr
    assert "'pytensor.python'" in result.stderr


def test_import_pytensor_installs_no_aliases(tmp_path):
    prog = _write(tmp_path, """
        import sys
        import pytensor
        from pytensor.run import AliasFinder
        assert not any(isinstance(f, AliasFinder) for f in sys.meta_path)
        assert "tensorflow" not in sys.modules and "keras" not in sys.modules
        print("ok")
    """)
    result = _run([str(prog)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_console_script_entry_point_is_main():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        scripts = tomllib.load(f)["project"]["scripts"]
    module_name, func_name = scripts["pytensor-run"].split(":")
    import importlib
    from pytensor import run
    assert getattr(importlib.import_module(module_name), func_name) is run.main
