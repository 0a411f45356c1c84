"""The environment for a test's child Python process: it imports the pytensor under test (an installed copy, or a
built source tree), never an unbuilt source tree that happens to be its working directory. Children run with a
working directory outside the repository (tmp_path), since Python puts the working directory first on sys.path."""
import os

import pytensor

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pytensor.__file__)))


def child_env(*extra_paths, **variables):
    """os.environ with `variables` set and PYTHONPATH led by `extra_paths` and the folder holding pytensor."""
    env = dict(os.environ, **variables)
    env["PYTHONPATH"] = os.pathsep.join([*extra_paths, PACKAGE_ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env
