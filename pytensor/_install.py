"""Checks at `import pytensor` that the package folder holds this library, built, and nothing else.

PyPI's `pytensor` (PyMC's unrelated library) has the same import name as this one (distribution `pytensor-tf`).
Installed into one environment, the second install writes its files into the first one's `pytensor/` folder and
both break, while pip reports success; `check_folder` says so instead of failing somewhere later.
"""
import os

# Files of PyMC's pytensor that this library does not have: its configuration module, its graph and scan packages.
# Wherever this file can run, they are there too (uninstalling PyMC's removes the shared __init__.py as well).
FOREIGN_MARKERS = ("configdefaults.py", os.path.join("graph", "basic.py"), os.path.join("scan", "op.py"))
_FOREIGN_DISTRIBUTION = "pytensor"  # PyMC's distribution name; ours is pytensor-tf


def foreign_files(package_dir):
    """PyMC's pytensor in `package_dir`: its marker files there and, if any, its metadata folders beside it."""
    found = [name for name in FOREIGN_MARKERS if os.path.exists(os.path.join(package_dir, name))]
    if not found:
        return found
    prefix = _FOREIGN_DISTRIBUTION + "-"  # pytensor-2.31.0.dist-info; ours is pytensor_tf-0.1.0.dist-info
    try:
        with os.scandir(os.path.dirname(os.path.abspath(package_dir))) as entries:
            found += sorted(e.name for e in entries
                            if e.name.startswith(prefix) and e.name.endswith((".dist-info", ".egg-info")))
    except OSError:
        pass
    return found


def check_folder(package_dir):
    """Raises ImportError when PyMC's pytensor shares `package_dir` with this library."""
    found = foreign_files(package_dir)
    if not found:
        return
    raise ImportError(
        f"{package_dir} holds two different libraries named pytensor: this one (pip package pytensor-tf, the "
        f"TensorFlow / Keras API) and PyMC's pytensor (pip package pytensor; found {', '.join(found)}). One was "
        "installed over the other, so both are broken. Repair this environment with "
        "`pip uninstall -y pytensor pytensor-tf`, then install the one you need (`pip install pytensor-tf`, or "
        "`pip install .` in its source tree); give the other its own virtual environment.")
