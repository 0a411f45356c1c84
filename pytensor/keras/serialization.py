"""Keras's ``{"class_name": ..., "config": ...}`` form of configurable objects (initializers, regularizers, ...)."""


def serialize_object(obj):
    """``{"class_name": ..., "config": obj.get_config()}``; None stays None."""
    if obj is None:
        return None
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def deserialize_object(config, classes, kind):
    """Rebuilds an object from its serialized form, looking its class up in `classes` (name -> class).

    Raises:
        ValueError: for an unknown class name, naming the `kind` of object and listing the known classes.
    """
    cls = classes.get(config["class_name"])
    if cls is None:
        raise ValueError(f"Unknown {kind} class {config['class_name']!r}; known: {sorted(classes)}.")
    return cls.from_config(config.get("config", {}))
