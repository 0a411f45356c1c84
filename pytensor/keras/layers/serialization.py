"""keras.layers.serialize / deserialize: a layer to and from Keras 3's config dict."""

__all__ = ["serialize", "deserialize"]


def serialize(layer):
    """Keras 3's dict for ``layer``: ``{"module", "class_name", "config", "registered_name"}`` (and
    ``build_config`` once built), as ``keras.saving.serialize_keras_object`` writes it."""
    from ..saving import serialize_keras_object
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer a :func:`serialize` dict (or a tf.keras 2.x ``{"class_name", "config"}`` dict) describes, built
    when the dict has a ``build_config``.

    Raises:
        ValueError: for a dict naming an unknown layer class (register custom classes with
            ``keras.saving.register_keras_serializable`` or pass ``custom_objects``).
    """
    from ..saving import deserialize_keras_object
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"keras.layers.deserialize: expected a dict with 'class_name' and 'config' (as "
                         f"keras.layers.serialize returns); received {config!r}.")
    layer = deserialize_keras_object(config, custom_objects=custom_objects)
    shape = (config.get("build_config") or {}).get("input_shape")
    if shape is not None and not layer.built:  # as Keras: a layer saved built comes back built
        layer._maybe_build(tuple(shape) if not isinstance(shape[0], list) else [tuple(s) for s in shape])
    return layer
