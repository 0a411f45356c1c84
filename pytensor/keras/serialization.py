"""Keras's serialized form of configurable objects and the registry of user classes.

Objects serialize as Keras 3 writes them: ``{"module": ..., "class_name": ..., "config": obj.get_config(),
"registered_name": ...}``. Reading also accepts tf.keras 2.x's ``{"class_name", "config"}`` dicts and its
``"Custom>Adam"`` names. User classes are found through ``custom_objects=`` arguments, ``custom_object_scope``
and ``register_keras_serializable``; nothing is ever imported or executed from a file's contents.
"""
import contextlib
import inspect
import threading

__all__ = ["serialize_object", "deserialize_object", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "fit_config"]

# registered name ("package>Name") -> class or function, and the reverse (id of the object -> name).
_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_scopes = threading.local()

# Keras's public module of each pytensor module, for the "module" field Keras 3 writes.
_PUBLIC_MODULES = {
    "pytensor.keras.initializers": "keras.initializers", "pytensor.keras.regularizers": "keras.regularizers",
    "pytensor.keras.losses": "keras.losses", "pytensor.keras.metrics": "keras.metrics",
    "pytensor.keras.optimizers.schedules": "keras.optimizers.schedules",
}

# Config keys Keras writes that change nothing in pytensor whatever their value (settings of features that are
# off or meaningless here: EMA parameters, XLA, cuDNN kernel choice, renormalization's momentum without renorm).
# Other unknown keys are dropped only when None or False (the feature is off).
_IGNORED_KEYS = frozenset({"ema_momentum", "ema_overwrite_frequency", "is_legacy_optimizer", "jit_compile",
                           "use_cudnn", "implementation", "shared_object_id", "autocast", "renorm_momentum"})


def _scope_stack():
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under ``"package>name"`` so saved models find it on load.

    Example:
        >>> @keras.saving.register_keras_serializable(package="my_package")
        ... class Scale(keras.layers.Layer):
        ...     ...

    Raises:
        ValueError: if ``package`` contains ``>``, or the class has no ``get_config``.
    """
    if ">" in str(package):
        raise ValueError(f"register_keras_serializable: package {package!r} must not contain '>'.")

    def decorator(obj):
        registered_name = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__} cannot be registered because it has no "
                             f"get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj
    return decorator


def get_registered_name(obj):
    """The name ``obj`` was registered under (``"package>Name"``), else its ``__name__``."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_custom_objects():
    """The global registry dict (``name -> object``); adding to it registers objects, as in Keras."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with custom_object_scope({"MyLayer": MyLayer}):`` makes the objects known to loading within the block."""

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


@contextlib.contextmanager
def loading_scope(custom_objects):
    """The scope a load runs in: ``custom_objects=`` of ``load_model`` joins the lookup for its duration."""
    with CustomObjectScope(custom_objects or {}):
        yield


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function called ``name``: ``custom_objects``, then the active scopes (innermost first), the
    registry, and ``module_objects``; ``"Custom>Adam"`` (tf.keras) also matches ``"Adam"``. None if unknown."""
    if name is None:
        return None
    candidates = [name]
    if isinstance(name, str) and ">" in name:
        candidates.append(name.split(">", 1)[1])
    for candidate in candidates:
        for table in [custom_objects or {}] + list(reversed(_scope_stack())) + [_GLOBAL_CUSTOM_OBJECTS]:
            if candidate in table:
                return table[candidate]
    for candidate in candidates:
        if module_objects and candidate in module_objects:
            return module_objects[candidate]
    return None


def _public_module(obj):
    module = type(obj).__module__
    if module in _PUBLIC_MODULES:
        return _PUBLIC_MODULES[module]
    if module.startswith("pytensor.keras.layers"):
        return "keras.layers"
    if module.startswith("pytensor.keras.optimizers"):
        return "keras.optimizers"
    return None if type(obj) in _GLOBAL_CUSTOM_NAMES else module


def serialize_object(obj):
    """Keras 3's ``{"module", "class_name", "config", "registered_name"}`` for an object; None stays None."""
    if obj is None:
        return None
    if inspect.isfunction(obj) and obj.__name__ != "<lambda>":
        # A plain function (kernel_initializer=tf.random.normal): by module and name, as Keras 3 writes it.
        return {"module": obj.__module__, "class_name": "function", "config": obj.__name__,
                "registered_name": get_registered_name(obj)}
    cls = getattr(obj, "_serialized_class", type(obj))
    return {"module": _public_module(obj), "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": _GLOBAL_CUSTOM_NAMES.get(cls)}


def dtype_name(value):
    """A dtype from a config: a name, or Keras 3's ``DTypePolicy`` dict (``mixed_*`` policies compute in float32
    here)."""
    if isinstance(value, dict):
        value = value.get("config", {}).get("name", "float32")
    if isinstance(value, str) and value.startswith("mixed_"):
        return "float32"
    return value


def _accepted_arguments(cls):
    """The keyword arguments ``cls(...)`` takes, following ``**kwargs`` into the base classes; None if any."""
    from .layers.layer import _ALLOWED_KWARGS, Layer
    from .optimizers import Optimizer
    extra = {Layer: set(_ALLOWED_KWARGS), Optimizer: {"lr", "use_ema", "jit_compile"}}
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            return None
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        if "<locals>" in init.__qualname__:
            return None  # a generated class (losses, metrics) whose constructor checks its own arguments
        names.update(n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if klass in extra:
            return names | extra[klass]
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return names
    return None


def fit_config(cls, config, what):
    """Adapts a config written by Keras 3 or tf.keras 2.x to pytensor's built-in class ``cls``.

    Dtype policies become dtype names, Keras 3's ``batch_shape`` becomes ``batch_input_shape``, and keys for
    features that are off (None / False) or change nothing here are dropped.

    Raises:
        ValueError: for a setting pytensor's class does not have, naming the class, the key and its value.
    """
    config = dict(config)
    if "dtype" in config:
        config["dtype"] = dtype_name(config["dtype"])
    accepted = _accepted_arguments(cls)
    if accepted is None:
        return config
    if "batch_shape" in config and "batch_shape" not in accepted:
        config["batch_input_shape"] = config.pop("batch_shape")
    for key in list(config):
        if key in accepted:
            continue
        value = config.pop(key)
        if key in _IGNORED_KEYS or value is None or value is False:
            continue
        raise ValueError(f"Cannot load {what} {cls.__name__}: its config has {key}={value!r}, a setting pytensor's "
                         f"{cls.__name__} does not support. Remove it from the model, or pass a replacement class "
                         f"with custom_objects={{'{cls.__name__}': ...}}.")
    return config


def deserialize_object(config, classes, kind, custom_objects=None):
    """Rebuilds an object from its serialized form (Keras 3 or tf.keras 2.x), looking its class up among the
    custom objects (``custom_objects``, scopes, registry) and then in ``classes`` (name -> built-in class).

    Raises:
        ValueError: for an unknown class name, naming the `kind` of object and listing the known classes.
    """
    class_name = config.get("class_name")
    custom = get_registered_object(config.get("registered_name"), custom_objects) or \
        get_registered_object(class_name, custom_objects)
    inner = config.get("config", {})
    if custom is not None:
        if isinstance(inner, dict) and "dtype" in inner:
            inner = {**inner, "dtype": dtype_name(inner["dtype"])}
        return custom.from_config(inner)
    name = class_name.split(">", 1)[1] if isinstance(class_name, str) and ">" in class_name else class_name
    cls = classes.get(name)
    if cls is None:
        raise ValueError(f"Unknown {kind} class {class_name!r}; known: {sorted(classes)}. For your own class, pass "
                         f"custom_objects={{'{name}': {name}}} or register it with "
                         f"@keras.saving.register_keras_serializable().")
    return cls.from_config(fit_config(cls, inner, kind))


def unknown_identifier_error(kind, identifier, known):
    """The ValueError for a name no ``get`` knows, with "did you mean" the closest known name (difflib).

    Args:
        kind: what was looked up, as the message names it ("loss", "metric", ...).
        identifier: the name asked for.
        known: every name ``get`` resolves.
    """
    import difflib

    close = difflib.get_close_matches(identifier, list(known), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(identifier.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
        close = [next(k for k in known if k.lower() == close[0])] if close else []
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind} {identifier!r}.{hint} Valid names: {sorted(known)}.")
