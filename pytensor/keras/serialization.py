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


def unknown_identifier_error(kind, identifier, known, missing=()):
    """The error for a name no ``get`` knows: "did you mean" the closest known name.

    Args:
        kind: what was looked up, as the message names it ("loss", "metric", ...).
        identifier: the name asked for.
        known: every name ``get`` resolves.
        missing: names Keras 3 resolves that pytensor does not implement yet.

    Returns:
        NotImplementedError for a name in `missing` (saying that Keras has it), ValueError otherwise.
    """
    if identifier in missing:
        return NotImplementedError(f"The {kind} {identifier!r} is not implemented yet in pytensor (Keras 3 has "
                                   f"it); implemented {kind} names: {sorted(known)}.")
    import difflib

    close = difflib.get_close_matches(identifier, list(known) + list(missing), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(identifier.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
        close = [next(k for k in known if k.lower() == close[0])] if close else []
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind} {identifier!r}.{hint} Valid names: {sorted(known)}.")
