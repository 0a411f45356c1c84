"""``keras.optimizers``: SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Nadam, Adamax, Lion, Ftrl, Adafactor, Muon,
ScheduleFreeAdamW, ``get`` and ``schedules``."""
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
from .muon import Muon
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedule_free_adamw import ScheduleFreeAdamW
from .sgd import SGD
from ..serialization import deserialize_object, serialize_object, unknown_identifier_error

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Nadam", "Adamax", "Lion",
           "Ftrl", "Adafactor", "Muon", "ScheduleFreeAdamW",
           "schedules", "get", "serialize", "deserialize"]

_BY_NAME = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Nadam, Adamax, Lion,
                                                  Ftrl, Adafactor, Muon, ScheduleFreeAdamW)}


def serialize(optimizer):
    """Keras 3's ``{"module", "class_name", "config", "registered_name"}`` for an optimizer.

    A subclass that is not registered (TF1's ``tf.train.AdamOptimizer`` and the like) is written as the Keras
    optimizer it runs, with its hyperparameters, so Keras loads it too.
    """
    out = serialize_object(optimizer)
    if out["registered_name"] is None:
        keras_class = next(c for c in type(optimizer).__mro__ if c in _BY_NAME.values() or c is Optimizer)
        out["class_name"] = keras_class.__name__
    return {**out, "module": "keras.optimizers"}


def deserialize(config, custom_objects=None):
    """The optimizer a ``serialize`` dict (or a bare name) describes."""
    if isinstance(config, str):
        return get(config)
    return deserialize_object(config, {cls.__name__: cls for cls in _BY_NAME.values()}, "optimizer", custom_objects)


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
            raise unknown_identifier_error("optimizer", identifier.lower(), _BY_NAME)
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}; pass an Optimizer instance, a "
                     f"config dict or one of {sorted(_BY_NAME)}")


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
