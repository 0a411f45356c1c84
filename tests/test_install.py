"""Import-time checks of the package folder (pytensor/_install.py, pytensor/_isa.py): PyMC's pytensor installed
into the same folder, and a source tree whose C++ extension is not built. Each case imports a copy of pytensor's
startup files from a folder under tmp_path in a fresh interpreter."""
import os
import shutil
import subprocess
import sys

import pytensor
from pytensor import _install

PACKAGE_DIR = os.path.dirname(pytensor.__file__)
STARTUP_FILES = ("__init__.py", "_install.py", "_isa.py")


def make_package(site, pymc_files=(), pymc_metadata=None):
    """site/pytensor with pytensor's startup files (no _core) and the given files of PyMC's pytensor."""
    package = site / "pytensor"
    package.mkdir(parents=True)
    for name in STARTUP_FILES:
        shutil.copy(os.path.join(PACKAGE_DIR, name), package / name)
    for name in pymc_files:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("# PyMC's\n")
    if pymc_metadata:
        (site / pymc_metadata).mkdir()
        (site / pymc_metadata / "METADATA").write_text("Name: pytensor\n")
    return package


def import_error(site, cwd):
    """The message of the exception `import pytensor` raises with `site` first on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTENSOR_ISA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run([sys.executable, "-c", "import pytensor"], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_pymc_pytensor_in_the_same_folder_is_reported_with_the_repair(tmp_path):
    site = tmp_path / "site-packages"
    make_package(site, pymc_files=("configdefaults.py", "graph/basic.py", "scan/op.py"),
                 pymc_metadata="pytensor-2.31.7.dist-info")
    (site / "pytensor_tf-0.1.0.dist-info").mkdir()  # ours: not evidence of PyMC's
    message = import_error(site, tmp_path)
    assert message.startswith("ImportError: ")
    assert f"{site / 'pytensor'} holds two different libraries named pytensor" in message
    assert ("found configdefaults.py, graph/basic.py, scan/op.py, pytensor-2.31.7.dist-info)" in message)
    assert "pip uninstall -y pytensor pytensor-tf" in message


def test_one_pymc_file_is_enough(tmp_path):
    package = make_package(tmp_path / "site", pymc_files=("scan/op.py",))
    assert _install.foreign_files(str(package)) == [os.path.join("scan", "op.py")]


def test_our_own_folder_and_metadata_are_not_foreign(tmp_path):
    assert _install.foreign_files(PACKAGE_DIR) == []
    # PyMC's metadata without its files: PyMC's pytensor was uninstalled, or lives in another folder.
    package = make_package(tmp_path / "site", pymc_metadata="pytensor-2.31.7.dist-info")
    assert _install.foreign_files(str(package)) == []
    _install.check_folder(str(package))


def test_source_tree_without_the_extension_says_how_to_build(tmp_path):
    tree = tmp_path / "pytensor-src"
    make_package(tree)
    (tree / "CMakeLists.txt").write_text("project(pytensor)\n")
    message = import_error(tree, tree)
    assert message.startswith("ImportError: pytensor's C++ extension pytensor._core is not built in "
                              f"{tree / 'pytensor'}. This is pytensor's source tree")
    assert "`pip install .`" in message and "./.ci/dev_build.sh" in message


def test_installed_package_without_the_extension_says_reinstall(tmp_path):
    site = tmp_path / "site-packages"
    make_package(site)
    message = import_error(site, tmp_path)
    assert "pytensor._core is not built" in message
    assert "pip install --force-reinstall pytensor-tf" in message
