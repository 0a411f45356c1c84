"""``keras.models``: ``Model``, ``Sequential``, ``load_model`` / ``save_model``, ``model_from_json`` /
``model_from_config`` and ``clone_model``."""
import json

import pytensor as pt

from .keras_tensor import KerasTensor
from .layers.input_layer import Input, InputLayer
from .model import Model
from .saving import load_model, save_model
from .saving import _config
from .sequential import Sequential
from .serialization import loading_scope

__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_json", "model_from_config", "clone_model"]


def model_from_config(config, custom_objects=None):
    """A model (fresh weights) from ``{"class_name": ..., "config": ...}``, as ``model.to_json`` writes it."""
    with loading_scope(custom_objects):
        return _config.model_from_config(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    """A model (fresh weights) from ``model.to_json()``'s string.

    Raises:
        ValueError: for a string that is not JSON.
    """
    try:
        config = json.loads(json_string)
    except ValueError as e:
        raise ValueError(f"model_from_json: the string is not valid JSON ({e}).") from None
    return model_from_config(config, custom_objects)


def _clone_layer(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model of the same architecture with new layers (fresh weights, the same names).

    Args:
        model: a Sequential, functional or subclassed model.
        input_tensors: ``keras.Input`` tensors to build the clone on (functional and Sequential models).
        clone_function: ``f(layer) -> new layer`` (default: ``layer.__class__.from_config(layer.get_config())``).

    Raises:
        ValueError: for ``input_tensors`` that do not match the model's inputs.
    """
    if kwargs:
        raise TypeError(f"clone_model: unexpected arguments {sorted(kwargs)}.")
    clone = clone_function or _clone_layer
    if isinstance(model, Sequential):
        layers = [clone(layer) for layer in model.layers]
        if input_tensors is not None:
            first = pt.nest.flatten(input_tensors)[0]
            return Sequential([first] + layers, name=model.name)
        if model._input_layer is not None:
            source = model._input_layer
            layers = [InputLayer(batch_input_shape=source._batch_input_shape, dtype=source.dtype,
                                 name=source.name)] + layers
        return Sequential(layers, name=model.name)
    if model._nodes is None:
        return type(model).from_config(model.get_config())
    tensors = {}
    new_inputs = pt.nest.flatten(input_tensors) if input_tensors is not None else \
        [Input(batch_shape=t.shape, dtype=t.dtype.name, name=t.node.layer.name) for t in model.inputs]
    if len(new_inputs) != len(model.inputs):
        raise ValueError(f"clone_model: the model has {len(model.inputs)} inputs, received {len(new_inputs)} "
                         f"input_tensors.")
    for old, new in zip(model.inputs, new_inputs):
        tensors[id(old)] = new
    clones = {}

    def lookup(value):
        return tensors[id(value)] if isinstance(value, KerasTensor) else value
    for node in model._nodes:
        layer = clones.setdefault(id(node.layer), clone(node.layer))
        args = [pt.nest.map_structure(lookup, a) if pt.nest.is_nested(a) else lookup(a) for a in node.args]
        kwargs = {k: pt.nest.map_structure(lookup, v) if pt.nest.is_nested(v) else lookup(v)
                  for k, v in node.kwargs.items()}
        outputs = layer(*args, **kwargs)
        for old, new in zip(pt.nest.flatten(node.outputs), pt.nest.flatten(outputs)):
            tensors[id(old)] = new
    inputs = pt.nest.pack_sequence_as(model._inputs_struct, new_inputs) if pt.nest.is_nested(model._inputs_struct) \
        else new_inputs[0]
    outputs = pt.nest.map_structure(lookup, model._outputs_struct)
    return Model(inputs, outputs, name=model.name)


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
