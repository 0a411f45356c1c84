"""``keras.optimizers``: SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Nadam, Adamax, Lion, Ftrl, Adafactor, ``get``
and ``schedules``."""
from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD
from ..serialization import unknown_identifier_error

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion",
           "Ftrl", "Adafactor", "schedules", "get", "serialize", "deserialize"]

_BY_NAME = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Nadam, Adamax, Lion,
                                                  Ftrl, Adafactor)}
# Keras 3 optimizers pytensor does not implement yet: get() says so instead of "unknown".
_NOT_IMPLEMENTED = ("muon", "schedulefreeadamw")


def serialize(optimizer):
    """``{"class_name": ..., "config": ...}`` for an optimizer."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """The optimizer a ``serialize`` dict (or a bare name) describes."""
    if isinstance(config, str):
        return get(config)
    name = str(config.get("class_name", ""))
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise unknown_identifier_error("optimizer", name.lower(), _BY_NAME, _NOT_IMPLEMENTED)
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """An optimizer from a name ("adam", case-insensitive), a config dict or an instance (returned as is).

    Raises:
        ValueError: for an unknown name or an identifier of another kind.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise unknown_identifier_error("optimizer", identifier.lower(), _BY_NAME, _NOT_IMPLEMENTED)
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}; pass an Optimizer instance, a "
                     f"config dict or one of {sorted(_BY_NAME)}")


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
