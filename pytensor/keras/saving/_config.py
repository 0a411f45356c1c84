"""Configs of layers and models as Keras 3 writes them (``config.json`` of a ``.keras`` file, ``model_config`` of a
``.h5`` file, ``to_json``), and models rebuilt from them, Keras 3's and tf.keras 2.x's alike."""
import base64
import marshal
import types

import pytensor as pt

from .. import layers as layers_module
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..keras_tensor import KerasTensor
from ..layers.input_layer import InputLayer
from ..layers.lambda_layer import Lambda
from ..layers.layer import Layer
from ..serialization import (deserialize_object, dtype_name, fit_config, get_registered_name, get_registered_object,
                             serialize_object)

__all__ = ["serialize_layer", "deserialize_layer", "model_config", "model_from_config", "compile_config",
           "compile_from_config"]


def _layer_classes():
    """Every built-in layer class by name (read from ``keras.layers``, so new layers are found)."""
    classes = {name: obj for name, obj in vars(layers_module).items()
               if isinstance(obj, type) and issubclass(obj, Layer)}
    from ..model import Model
    from ..sequential import Sequential
    classes.update({"Sequential": Sequential, "Functional": Model, "Model": Model})
    return classes


def _json_value(value, where):
    """``value`` as JSON (tuples become lists); anything else raises a TypeError naming ``where``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v, where) for k, v in value.items()}
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if hasattr(value, "get_config"):
        return serialize_object(value)
    if hasattr(value, "name") and hasattr(value, "as_numpy_dtype"):
        return value.name
    raise TypeError(f"Cannot serialize {where}: its config holds {value!r} of type {type(value).__name__}, which "
                    f"is not JSON. Return plain values (numbers, strings, lists, dicts) from get_config().")


def _serialize_function(fn, where):
    if get_registered_object(get_registered_name(fn)) is fn or fn.__name__ != "<lambda>" and \
            not fn.__code__.co_freevars and fn.__module__ not in (None, "__main__"):
        return {"module": fn.__module__, "class_name": "function", "config": get_registered_name(fn),
                "registered_name": "function"}
    if fn.__code__.co_freevars:
        raise TypeError(f"Cannot serialize {where}: its function {fn.__name__} uses variables of an enclosing scope "
                        f"{list(fn.__code__.co_freevars)}. Use a module-level function registered with "
                        f"@keras.saving.register_keras_serializable(), or a custom layer.")
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {"module": "builtins", "class_name": "__lambda__",
            "config": {"code": code, "defaults": _json_value(fn.__defaults__, where), "closure": None},
            "registered_name": None}


def _deserialize_function(spec, where, safe_mode):
    if isinstance(spec, str):
        spec = {"class_name": "function", "config": spec}
    if spec.get("class_name") == "__lambda__":
        if safe_mode:
            raise ValueError(f"Requested the deserialization of {where}, whose function is Python bytecode stored in "
                             f"the file. Running it could execute arbitrary code, so it is disallowed by default. If "
                             f"you trust the file, pass safe_mode=False to load it.")
        config = spec["config"]
        code = marshal.loads(base64.b64decode(config["code"]))
        defaults = tuple(config["defaults"]) if config.get("defaults") else None
        return types.FunctionType(code, {"pt": pt, "tf": pt, **vars(pt)}, argdefs=defaults)
    name = spec.get("config")
    fn = get_registered_object(name) or get_registered_object(spec.get("registered_name"))
    if fn is None:
        raise ValueError(f"Cannot load {where}: its function {name!r} is not known. Pass it with "
                         f"custom_objects={{'{name}': {name}}} or register it with "
                         f"@keras.saving.register_keras_serializable().")
    return fn


def _layer_config(layer):
    config = _json_value(layer.get_config(), f"layer '{layer.name}'")
    if "dtype" in config and not isinstance(config["dtype"], (str, type(None))):
        config["dtype"] = dtype_name(config["dtype"])
    if isinstance(layer, InputLayer):
        config["batch_shape"] = config.pop("batch_input_shape")
    else:
        config.pop("batch_input_shape", None)  # the model's InputLayer carries the input shape
    if isinstance(layer, Lambda):
        config["function"] = _serialize_function(layer.function, f"Lambda layer '{layer.name}'")
    classes = _layer_classes()
    for key, value in config.items():  # wrapped layers (Bidirectional's): Keras 3 needs their module
        if isinstance(value, dict) and value.get("class_name") in classes and "module" not in value:
            config[key] = {"module": "keras.layers", **value, "registered_name": None}
    return config


def _registered(obj):
    return get_registered_object(get_registered_name(type(obj))) is type(obj)


def serialize_layer(layer):
    """Keras 3's dict for a layer or model: module, class name, config, registered name and build config."""
    registered = get_registered_name(type(layer)) if _registered(layer) else None
    if _is_builtin_model(layer):
        config, module = model_config(layer), "keras"
        if _class_name(layer) == "Functional":
            module, registered = "keras.src.models.functional", "Functional"  # as Keras 3 writes it
    else:
        config = _layer_config(layer)
        module = None if registered else \
            "keras.layers" if type(layer).__module__.startswith("pytensor.keras.layers") else type(layer).__module__
    out = {"module": module, "class_name": _class_name(layer), "config": config, "registered_name": registered}
    if layer.built and layer._build_shape is not None and not isinstance(layer, InputLayer):
        out["build_config"] = {"input_shape": _json_value(layer._build_shape, f"layer '{layer.name}'")}
    return out


def _class_name(layer):
    from ..model import Model
    from ..sequential import Sequential
    if type(layer) is Model:
        return "Functional"
    if type(layer) is Sequential:
        return "Sequential"
    return type(layer).__name__


def _is_builtin_model(model):
    from ..model import Model
    from ..sequential import Sequential
    return type(model) in (Model, Sequential)


def deserialize_layer(config, custom_objects=None, safe_mode=True):
    """The layer (or model) a :func:`serialize_layer` dict describes, from Keras 3's or tf.keras's config."""
    class_name = config.get("class_name")
    if class_name in ("Sequential", "Functional", "Model") and \
            get_registered_object(config.get("registered_name") or class_name, custom_objects) is None:
        return model_from_config(config, custom_objects, safe_mode)
    inner = dict(config.get("config", {}))
    if class_name == "TFOpLambda":
        raise ValueError(f"Cannot load layer {inner.get('name')!r}: it is a tf.keras TFOpLambda (a TensorFlow op "
                         f"applied to a symbolic tensor), which pytensor cannot rebuild. Wrap the op in a Lambda "
                         f"layer or a custom layer.")
    if class_name == "Lambda":
        function = inner.pop("function")
        if isinstance(function, list):  # tf.keras 2.x: [base64 bytecode, defaults, closure] or a name
            function = {"class_name": "__lambda__", "config": {"code": function[0], "defaults": function[1]}} \
                if inner.get("function_type") == "lambda" else function[0]
        for key in ("function_type", "output_shape_type", "output_shape_module", "module"):
            inner.pop(key, None)
        inner["function"] = _deserialize_function(function, f"Lambda layer {inner.get('name')!r}", safe_mode)
        return Lambda.from_config(fit_config(Lambda, inner, "layer"))
    if class_name == "BatchNormalization" and isinstance(inner.get("axis"), list) and len(inner["axis"]) == 1:
        inner["axis"] = inner["axis"][0]  # tf.keras 2.x writes the axis as a one-element list
    if class_name == "Bidirectional":
        for key in ("layer", "backward_layer"):
            if isinstance(inner.get(key), dict):
                inner[key] = {"class_name": inner[key]["class_name"],
                              "config": fit_config(_layer_classes()[inner[key]["class_name"]], inner[key]["config"],
                                                   "layer")}
    layer = deserialize_object({**config, "config": inner}, _layer_classes(), "layer", custom_objects)
    return layer


def _tensor_ref(tensor, node_index_of):
    node = tensor.node
    index = [id(t) for t in pt.nest.flatten(node.outputs)].index(id(tensor))
    return [node.layer.name, node_index_of[id(node)], index]


def _functional_config(model):
    node_index_of = {}
    counts = {}
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            node_index_of[id(layer.output.node)] = 0
    for node in model._nodes:
        node_index_of[id(node)] = counts.get(id(node.layer), 0)
        counts[id(node.layer)] = node_index_of[id(node)] + 1

    def encode(value):
        if isinstance(value, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(value.shape), "dtype": value.dtype.name,
                               "keras_history": _tensor_ref(value, node_index_of)}}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        return _json_value(value, f"model '{model.name}'")
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [{"args": encode(list(node.args)), "kwargs": encode(node.kwargs)}
                                  for node in model._nodes if node.layer is layer]
        layers.append(entry)
    inputs = [_tensor_ref(t, node_index_of) for t in model.inputs]
    outputs = [_tensor_ref(t, node_index_of) for t in model.outputs]
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": inputs if len(inputs) > 1 or pt.nest.is_nested(model._inputs_struct) else inputs[0],
            "output_layers": outputs if len(outputs) > 1 or pt.nest.is_nested(model._outputs_struct) else outputs[0]}


def model_config(model):
    """The ``config`` of a Sequential (its InputLayer first, as Keras 3 writes it) or functional model."""
    from ..sequential import Sequential
    if isinstance(model, Sequential):
        entries = [serialize_layer(model._input_layer)] if model._input_layer is not None else []
        entries += [serialize_layer(layer) for layer in model.layers]
        config = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype, "layers": entries}
        if model.built and model._build_shape is not None:
            config["build_input_shape"] = list(model._build_shape)
        return config
    if model._nodes is not None:
        return _functional_config(model)
    return _json_value(model.get_config(), f"model '{model.name}'")


def _single_ref(refs):
    return refs and isinstance(refs[0], str)


def _rebuild_functional(config, custom_objects, safe_mode):
    from ..model import Model
    layers, pending = {}, []
    for entry in config["layers"]:
        layer = deserialize_layer(entry, custom_objects, safe_mode)
        name = entry.get("name") or entry["config"].get("name")
        layers[name] = layer
        pending.append((name, layer, list(entry.get("inbound_nodes", []))))
    produced = {}  # (layer name, node index) -> outputs
    for name, layer in layers.items():
        if isinstance(layer, InputLayer):
            produced[(name, 0)] = layer.output

    def tensor(ref):
        name, node_index, tensor_index = ref[0], ref[1], ref[2]
        outputs = produced.get((name, node_index))
        if outputs is None:
            raise LookupError
        return pt.nest.flatten(outputs)[tensor_index]

    def decode(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return tensor(value["config"]["keras_history"])
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    def call(layer, node):
        if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
            args = decode(node.get("args", []))
            kwargs = decode(node.get("kwargs", {}))
            return layer(*args, **kwargs)
        # tf.keras 2.x: [[layer name, node index, tensor index, kwargs], ...]
        inputs = [tensor(entry) for entry in node]
        kwargs = decode(node[0][3]) if len(node[0]) > 3 else {}
        return layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)

    progress = True
    while progress and any(nodes for _, _, nodes in pending):
        progress = False
        for name, layer, nodes in pending:
            while nodes:
                try:
                    outputs = call(layer, nodes[0])
                except LookupError:
                    break
                # keyed by the config's name: a layer whose get_config leaves its name out is named afresh
                index = sum(1 for key in produced if key[0] == name)
                produced[(name, index)] = outputs
                nodes.pop(0)
                progress = True
    stuck = [name for name, _, nodes in pending if nodes]
    if stuck:
        raise ValueError(f"Cannot rebuild model {config.get('name')!r}: the inputs of layers {stuck} are never "
                         f"produced (the config's graph is incomplete).")
    input_refs = config["input_layers"]
    output_refs = config["output_layers"]
    if any(isinstance(node, list) for entry in config["layers"] for node in entry.get("inbound_nodes", [])):
        # tf.keras 2.x lists every model's inputs and outputs, and a model of one output returns it unwrapped.
        input_refs = input_refs[0] if len(input_refs) == 1 else input_refs
        output_refs = output_refs[0] if len(output_refs) == 1 else output_refs
    inputs = tensor(input_refs) if _single_ref(input_refs) else [tensor(r) for r in input_refs]
    outputs = tensor(output_refs) if _single_ref(output_refs) else [tensor(r) for r in output_refs]
    return Model(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def model_from_config(config, custom_objects=None, safe_mode=True):
    """A model from ``{"class_name": "Sequential" | "Functional" | <subclass>, "config": ...}``; weights are fresh.

    Raises:
        ValueError: for an unknown class, naming it and how to provide it.
    """
    from ..sequential import Sequential
    class_name = config.get("class_name")
    inner = config.get("config", {})
    custom = get_registered_object(config.get("registered_name") or class_name, custom_objects)
    if custom is not None and class_name not in ("Sequential", "Functional", "Model"):
        try:
            model = custom.from_config(inner)
        except TypeError as e:
            raise TypeError(f"Cannot rebuild model class {class_name} from its config {sorted(inner)}: {e}. A "
                            f"subclassed model whose constructor takes arguments must return them from get_config() "
                            f"(and accept them in __init__ or from_config).") from e
    elif class_name == "Sequential":
        model = Sequential(name=inner.get("name"), trainable=inner.get("trainable", True))
        for entry in inner.get("layers", []):
            model.add(deserialize_layer(entry, custom_objects, safe_mode))
        shape = inner.get("build_input_shape")
        if not model.built and shape is not None and model.layers:
            model.build(tuple(shape))
    elif class_name in ("Functional", "Model") and "layers" in inner:
        model = _rebuild_functional(inner, custom_objects, safe_mode)
    else:
        raise ValueError(f"Cannot rebuild model class {class_name!r}: it is not Sequential or functional, and no "
                         f"class of that name is known. Pass custom_objects={{'{class_name}': {class_name}}} or "
                         f"register the class with @keras.saving.register_keras_serializable().")
    build = config.get("build_config") or {}
    if not model.built and build.get("input_shape") is not None:
        shape = build["input_shape"]
        model.build(tuple(shape) if not isinstance(shape[0], list) else [tuple(s) for s in shape])
    return model


def _serialize_spec(spec, serialize):
    if spec is None or isinstance(spec, str):
        return spec
    if isinstance(spec, (list, tuple)):
        return [_serialize_spec(s, serialize) for s in spec]
    if isinstance(spec, dict):
        return {k: _serialize_spec(v, serialize) for k, v in spec.items()}
    return serialize(spec)


def compile_config(model):
    """Keras 3's ``compile_config``: the optimizer, losses and metrics given to ``compile``."""
    return {"optimizer": optimizers_module.serialize(model.optimizer),
            "loss": _serialize_spec(model._loss_spec, losses_module.serialize),
            "loss_weights": _json_value(model._loss_weights_spec, "loss_weights"),
            "metrics": _serialize_spec(model._metrics_spec, metrics_module.serialize),
            "weighted_metrics": _serialize_spec(model._weighted_metrics_spec, metrics_module.serialize),
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def _deserialize_spec(spec, deserialize):
    if spec is None or isinstance(spec, str):
        return get_registered_object(spec) or spec if isinstance(spec, str) else spec
    if isinstance(spec, list):
        return [_deserialize_spec(s, deserialize) for s in spec]
    if isinstance(spec, dict) and "class_name" not in spec:
        return {k: _deserialize_spec(v, deserialize) for k, v in spec.items()}
    if spec.get("class_name") == "MeanMetricWrapper" and isinstance(spec.get("config", {}).get("fn"), str):
        return spec["config"]["name"]  # tf.keras's wrapped "accuracy": compile resolves the name again
    if spec.get("class_name") == "function":
        return get_registered_object(spec.get("config")) or spec.get("config")
    return deserialize(spec)


def compile_from_config(model, config):
    """Compiles ``model`` as ``compile_config`` (Keras 3) or ``training_config`` (legacy ``.h5``) describes."""
    optimizer = config.get("optimizer") or config.get("optimizer_config")
    model.compile(optimizer=optimizers_module.deserialize(optimizer) if optimizer else "rmsprop",
                  loss=_deserialize_spec(config.get("loss"), losses_module.deserialize),
                  metrics=_deserialize_spec(config.get("metrics"), metrics_module.get),
                  loss_weights=config.get("loss_weights"),
                  weighted_metrics=_deserialize_spec(config.get("weighted_metrics"), metrics_module.get))
