"""Runs an existing TensorFlow program on pytensor, unchanged.

    python -m pytensor.run train.py --epochs 3
    pytensor-run train.py --epochs 3

Inside that process only, ``import tensorflow as tf``, ``from tensorflow import keras``, ``import keras`` and
``import tf_keras`` (and their submodules: ``tensorflow.keras.layers``, ``keras.layers``, ...) resolve to
pytensor's modules. The script runs as ``python train.py`` would run it: as ``__main__``, with its own
``sys.argv``, ``__file__``, ``sys.path[0]``, exit status and traceback.
"""

import importlib
import importlib.abc
import importlib.util
import os
import signal
import sys

# Import names a TF program uses, and the pytensor module each stands for.
ALIASES = {
    "tensorflow": "pytensor",
    "keras": "pytensor.keras",
    "tf_keras": "pytensor.keras",
}


def _target(fullname):
    """The pytensor module name `fullname` stands for, or None when it is not an aliased name."""
    top, dot, rest = fullname.partition(".")
    if top not in ALIASES:
        return None
    return ALIASES[top] + dot + rest


class _AliasLoader(importlib.abc.Loader):
    """Makes the aliased name refer to the pytensor module itself (one module object, not a copy)."""

    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return None  # a placeholder; exec_module swaps the real module in

    def exec_module(self, module):
        # The import system returns whatever sys.modules holds for the name after exec_module, so the
        # alias becomes the pytensor module without touching that module's own __spec__ or __name__.
        sys.modules[module.__name__] = self._module


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``tensorflow``, ``keras`` and ``tf_keras`` (and their submodules) to pytensor's modules."""

    def find_spec(self, fullname, path=None, target=None):
        pytensor_name = _target(fullname)
        if pytensor_name is None:
            return None
        try:
            module = importlib.import_module(pytensor_name)
        except ModuleNotFoundError as err:
            if err.name != pytensor_name:
                raise  # a missing module inside pytensor's own code: report it as it is
            raise ModuleNotFoundError(
                f"No module named '{fullname}': pytensor, running this program in TensorFlow's place, has no "
                f"'{pytensor_name}' module yet", name=fullname) from None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


def install_aliases():
    """Puts the alias finder first on ``sys.meta_path`` (so an installed TensorFlow is not picked up)."""
    if not any(isinstance(finder, AliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())


def _script_traceback(tb, filename):
    """`tb` from the script's first frame on, so the traceback reads as under ``python script.py``."""
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return tb


def _report(err, path):
    """Prints `err` as python prints an uncaught error: frames from the script's first one on."""
    tb = _script_traceback(err.__traceback__, os.path.abspath(path))
    sys.excepthook(type(err), err.with_traceback(tb), tb)


def run_script(path, args=()):
    """Runs the file `path` as ``__main__`` with ``sys.argv = [path, *args]``; exceptions propagate."""
    filename = os.path.abspath(path)
    with open(filename, "rb") as source_file:
        source = source_file.read()
    code = compile(source, filename, "exec", dont_inherit=True)
    main_module = type(sys)("__main__")
    main_module.__file__ = filename
    main_module.__builtins__ = __builtins__
    main_module.__spec__ = None
    main_module.__package__ = None
    main_module.__cached__ = None
    main_module.__loader__ = None
    sys.modules["__main__"] = main_module
    sys.argv[:] = [path, *args]
    sys.path[0] = os.path.dirname(filename)
    install_aliases()
    exec(code, main_module.__dict__)


_USAGE = "usage: python -m pytensor.run script.py [args ...]   (or: pytensor-run script.py [args ...])"


def main(argv=None):
    """Entry point of ``python -m pytensor.run`` and ``pytensor-run``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    path, args = argv[0], argv[1:]
    if not os.path.isfile(path):
        print(f"{sys.executable}: can't open file {os.path.abspath(path)!r}: [Errno 2] No such file or directory",
              file=sys.stderr)
        return 2  # python's own status for a missing script
    try:
        run_script(path, args)
    except SystemExit:
        raise
    except KeyboardInterrupt as err:
        _report(err, path)
        sys.stdout.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # die by SIGINT, as python does
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException as err:  # noqa: BLE001 - any uncaught error ends the script as python ends it
        _report(err, path)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
