"""``keras.backend``: session state (unique layer names), float type and epsilon."""
import collections
import re

__all__ = ["clear_session", "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "unique_object_name", "to_snake_case"]

_name_counts = collections.Counter()
_config = {"floatx": "float32", "epsilon": 1e-7}


def to_snake_case(name):
    """Keras's class-name to layer-name rule: ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower().lstrip("_")


def unique_object_name(prefix):
    """Returns ``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ... until :func:`clear_session`."""
    count = _name_counts[prefix]
    _name_counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Resets the layer-name counters (the next Dense is ``dense`` again)."""
    _name_counts.clear()


def floatx():
    """The default float type, ``"float32"``."""
    return _config["floatx"]


def set_floatx(value):
    """Sets the default float type (``"float32"`` or ``"float64"``)."""
    if value not in ("float32", "float64"):
        raise ValueError(f"set_floatx: expected 'float32' or 'float64', received {value!r}.")
    _config["floatx"] = value


def epsilon():
    """The fuzz factor used to avoid division by zero, ``1e-7``."""
    return _config["epsilon"]


def set_epsilon(value):
    """Sets the fuzz factor."""
    _config["epsilon"] = float(value)


def image_data_format():
    """Always ``"channels_last"`` (NHWC), TensorFlow's default."""
    return "channels_last"

from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
