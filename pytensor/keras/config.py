"""``keras.config``: Keras 3's global settings (float type, epsilon, image layout, traceback filtering, logging)."""
from .backend import epsilon, floatx, image_data_format, set_epsilon, set_floatx

__all__ = ["backend", "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "set_image_data_format", "enable_traceback_filtering", "disable_traceback_filtering",
           "is_traceback_filtering_enabled", "enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled", "enable_unsafe_deserialization"]

_settings = {"traceback_filtering": True, "interactive_logging": True}


def backend():
    """The backend's name: ``"tensorflow"`` (pytensor stands in for TensorFlow's backend)."""
    return "tensorflow"


def set_image_data_format(data_format):
    """Sets the image layout; pytensor's layers compute in ``"channels_last"`` (NHWC) only.

    Raises:
        ValueError: for anything but ``"channels_last"``, naming the supported layout.
    """
    if data_format != "channels_last":
        raise ValueError(f"set_image_data_format: pytensor supports 'channels_last' (NHWC) only, received "
                         f"{data_format!r}; transpose channels-first arrays with tf.transpose(x, [0, 2, 3, 1]).")


def enable_traceback_filtering():
    """Keras hides its own frames from tracebacks; pytensor's tracebacks are short already (a flag only)."""
    _settings["traceback_filtering"] = True


def disable_traceback_filtering():
    """Shows every frame in tracebacks (pytensor never hides frames; the flag is kept for
    ``is_traceback_filtering_enabled``)."""
    _settings["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    return _settings["traceback_filtering"]


def enable_interactive_logging():
    """Progress output goes to stdout (the default)."""
    _settings["interactive_logging"] = True


def disable_interactive_logging():
    """Flag only: pytensor's progress bars always print to stdout."""
    _settings["interactive_logging"] = False


def is_interactive_logging_enabled():
    return _settings["interactive_logging"]


def enable_unsafe_deserialization():
    """Keras's switch allowing Lambda layers' bytecode to load: pass ``safe_mode=False`` to
    ``keras.models.load_model`` instead, per call.

    Raises:
        NotImplementedError: always; a global switch that runs code stored in files is not built.
    """
    raise NotImplementedError("enable_unsafe_deserialization: pytensor has no global switch; pass safe_mode=False "
                              "to keras.models.load_model for a file you trust.")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
