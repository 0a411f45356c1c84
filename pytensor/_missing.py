"""What a TensorFlow name pytensor lacks says: ``pytensor.X is not implemented yet (TensorFlow has tf.X)``.

Each public module installs ``__getattr__ = missing_attribute_hook(__name__)``. Python calls it only for names
the module does not have, so the TensorFlow name list (``_tf_api_names.json``, recorded from TensorFlow 2.21 by
tests/fixtures/record_tf_api_names.py) is read on the first miss, never at import.
"""
import functools
import os


class NotImplementedYetError(AttributeError, NotImplementedError):
    """A TensorFlow name pytensor does not implement yet. An AttributeError, so ``hasattr`` stays False."""


@functools.lru_cache(maxsize=1)
def _tf_names():
    import json

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_tf_api_names.json")) as f:
        return {module: frozenset(names) for module, names in json.load(f)["modules"].items()}


def missing_attribute_error(module_name, name):
    """The AttributeError for ``module_name.name``: NotImplementedYetError when TensorFlow's matching module
    (``pytensor.nn`` -> ``tf.nn``) has the name, a plain AttributeError otherwise."""
    tf_module = "tf" + module_name[len("pytensor"):]
    if not name.startswith("_") and name in _tf_names().get(tf_module, ()):
        return NotImplementedYetError(
            f"{module_name}.{name} is not implemented yet (TensorFlow has {tf_module}.{name}); the README's "
            f"'Not built yet' list says what pytensor lacks.", name=name)
    return AttributeError(f"module {module_name!r} has no attribute {name!r}", name=name)


def missing_attribute_hook(module_name):
    """A module-level ``__getattr__`` that raises :func:`missing_attribute_error`."""

    def __getattr__(name):
        raise missing_attribute_error(module_name, name)

    return __getattr__
