"""Runs every corpus program under real TensorFlow and stores what it printed in tf_results.json.

Run once with TensorFlow installed (never a dependency of pytensor or its tests):
    /work/peers-venv/bin/python tests/programs/record_tf.py [ID ...]
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


# The shared data sets hold Keras's arrays but were re-compressed, so Keras's check of its published file hash
# would reject them and try to download; the recording accepts the local copy (as pytensor checks contents).
_LAUNCH = """
import runpy, sys
from keras.src.utils import file_utils
file_utils.validate_file = lambda *args, **kwargs: True
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def record(program):
    script = corpus.materialize(program)
    with tempfile.TemporaryDirectory() as work:
        env = corpus.run_environment(corpus.keras_home(os.path.join(work, "keras_home"), program))
        env["PYTHONHASHSEED"] = "0"
        try:
            result = subprocess.run([sys.executable, "-c", _LAUNCH, script], cwd=work, env=env, capture_output=True,
                                    text=True, timeout=program.timeout * 4)
        except subprocess.TimeoutExpired as err:
            # the output captured before a timeout comes as bytes even with text=True
            partial = err.stdout.decode("utf-8", "replace") if isinstance(err.stdout, bytes) else err.stdout or ""
            return {"returncode": "timeout", "stdout": partial, "stderr_tail": f"timed out after {err.timeout} s"}
    entry = {"returncode": result.returncode, "stdout": result.stdout}
    if result.returncode:
        entry["stderr_tail"] = result.stderr[-2000:]
    return entry


def main(ids):
    import tensorflow as tf

    results = json.load(open(corpus.RESULTS)) if os.path.exists(corpus.RESULTS) else {}
    for program_id in ids or list(corpus.BY_ID):
        entry = record(corpus.BY_ID[program_id])
        entry["tensorflow"] = tf.__version__
        results[program_id] = entry
        print(f"{program_id}: exit {entry['returncode']}", flush=True)
        # after each program (a long recording keeps what it has done), written whole and renamed into place
        with open(corpus.RESULTS + ".tmp", "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        os.replace(corpus.RESULTS + ".tmp", corpus.RESULTS)


if __name__ == "__main__":
    main(sys.argv[1:])
