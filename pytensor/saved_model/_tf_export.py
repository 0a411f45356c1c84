"""The TensorFlow side of a SavedModel pytensor writes: ``saved_model.pb`` (a ``SavedModel`` protocol buffer with
one TF1-style ``MetaGraphDef`` tagged ``serve``) and ``variables/variables.{index,data-00000-of-00001}`` (a tensor
bundle), beside pytensor's own files, so real TensorFlow's ``tf.saved_model.load(dir)`` loads the model and its
``signatures["serving_default"]`` predicts what pytensor predicts.

pytensor's own loader reads the same bundle (its keys are tf.train.Checkpoint's, as variables.h5's are in the
SavedModels without a TensorFlow graph). The graph is built from the Keras layers (not from pytensor's traced graphs): a ``Placeholder`` per input, each
variable a ``VarHandleOp`` read by ``ReadVariableOp``, the layers' TensorFlow ops, an ``Identity`` per output, and
a ``save/`` subgraph (``RestoreV2`` + ``AssignVariableOp``, ``SaveV2``) that the ``SaverDef`` names, as
``tf.compat.v1.saved_model.Builder`` writes it. TensorFlow loads such a MetaGraph with ``load_v1_in_v2``.

Covered: Sequential models, and functional models of one input and one output (with the merges Add, Subtract,
Multiply, Concatenate), of InputLayer, Flatten, Dense, Dropout (inference: nothing), Activation / ReLU /
Softmax (last axis), Conv2D and MaxPooling2D / AveragePooling2D / GlobalAveragePooling2D (channels_last, one
group), BatchNormalization (last axis; inference: the moving statistics), with the activations
linear, relu, sigmoid, tanh, softmax, elu, selu, softplus. Anything else raises :class:`Unsupported` naming it;
the save then writes pytensor's files only.
"""
import numpy as np

from . import _protobuf as pb
from ._tensor_bundle import dtype_enum, shape_proto

__all__ = ["Unsupported", "build", "write"]

_FLOAT = 1
_STRING = 7
_INT32 = 3
_GRAPH_DEF_PRODUCER = 1882  # the GraphDef version recorded; TensorFlow 2.21 (which writes 2474) reads it
_ACTIVATIONS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax", "elu": "Elu",
                "selu": "Selu", "softplus": "Softplus"}


class Unsupported(Exception):
    """A model this writer has no TensorFlow graph for (the message names the layer or setting)."""


def _type_attr(enum):
    return pb.message([pb.varint_field(6, enum)])


def _shape_attr(dims):
    return pb.message([pb.message_field(7, shape_proto(dims))])


def _ints_attr(values):
    return pb.message([pb.message_field(1, [pb.packed_varints(3, values)])])


def _types_attr(enums):
    return pb.message([pb.message_field(1, [pb.packed_varints(6, enums)])])


def _string_attr(text):
    return pb.message([pb.bytes_field(2, text.encode("utf8"))])


def _bool_attr(value):
    return pb.message([pb.varint_field(5, value)])


def _tensor_attr(array):
    """A constant: numbers as raw little-endian bytes (tensor_content), strings as string_val."""
    array = np.asarray(array)
    if array.dtype.kind in "US":
        fields = [pb.varint_field(1, _STRING), pb.message_field(2, shape_proto(array.shape))]
        fields += [pb.bytes_field(8, str(s).encode("utf8")) for s in array.reshape(-1)]
    else:
        fields = [pb.varint_field(1, dtype_enum(array.dtype)), pb.message_field(2, shape_proto(array.shape)),
                  pb.bytes_field(4, np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())]
    return pb.message([pb.message_field(8, fields)])


class _Graph:
    """GraphDef nodes, added in order (inputs before the nodes that read them)."""

    def __init__(self):
        self.nodes = []
        self.names = set()

    def add(self, name, op, inputs=(), **attrs):
        if name in self.names:
            raise Unsupported(f"two graph nodes named {name!r}")
        self.names.add(name)
        fields = [pb.string_field(1, name), pb.string_field(2, op)]
        fields += [pb.string_field(3, i) for i in inputs]
        fields += pb.map_entries(5, attrs, lambda value: value)
        self.nodes.append(pb.message(fields))
        return name

    def const(self, name, array):
        array = np.asarray(array)
        dtype = _STRING if array.dtype.kind in "US" else dtype_enum(array.dtype)
        return self.add(name, "Const", value=_tensor_attr(array), dtype=_type_attr(dtype))


def _activation(graph, scope, x, activation, layer):
    from ..keras import activations
    name = activations.serialize(activation) if callable(activation) else activation
    if name in (None, "linear"):
        return x
    if name not in _ACTIVATIONS:
        raise Unsupported(f"layer '{layer.name}': activation {name!r} (supported: linear, {', '.join(_ACTIVATIONS)})")
    op = _ACTIVATIONS[name]
    return graph.add(f"{scope}/{op}", op, [x], T=_type_attr(_FLOAT))


def _conv_settings(layer, kind):
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise Unsupported(f"{kind} layer '{layer.name}': data_format={layer.data_format!r} (channels_last only)")
    if str(layer.padding).lower() not in ("valid", "same"):
        raise Unsupported(f"{kind} layer '{layer.name}': padding={layer.padding!r}")
    return str(layer.padding).upper()


class _Builder:
    """Adds each layer's ops to the graph; collects the variables (VarHandleOp name -> key in the bundle)."""

    def __init__(self, key_of):
        self.graph = _Graph()
        self.variables = {}
        self._key_of = key_of  # id(Variable) -> its key in the bundle pytensor writes

    def read(self, scope, layer, variable, what):
        handle = f"{layer.name}/{what}"
        if handle not in self.variables:
            if variable.dtype.name != "float32":
                raise Unsupported(f"layer '{layer.name}': a {variable.dtype.name} variable (float32 only)")
            if id(variable) not in self._key_of:
                raise Unsupported(f"layer '{layer.name}': variable '{variable.name}' is not among the saved ones")
            self.graph.add(handle, "VarHandleOp", dtype=_type_attr(_FLOAT), shape=_shape_attr(list(variable.shape)),
                           shared_name=_string_attr(handle))
            self.variables[handle] = f"{self._key_of[id(variable)]}/.ATTRIBUTES/VARIABLE_VALUE"
        return self.graph.add(f"{scope}/ReadVariableOp", "ReadVariableOp", [handle], dtype=_type_attr(_FLOAT))

    def layer(self, layer, x, shape):
        from ..keras import layers
        g, name, kind = self.graph, layer.name, type(layer).__name__
        if isinstance(layer, (layers.InputLayer, layers.Dropout)) or kind in ("SpatialDropout1D", "SpatialDropout2D",
                                                                              "GaussianDropout", "GaussianNoise"):
            return x
        if isinstance(layer, layers.Flatten):
            features = int(np.prod(shape[1:]))
            return g.add(f"{name}/Reshape", "Reshape", [x, g.const(f"{name}/Const", np.array([-1, features], "int32"))],
                         T=_type_attr(_FLOAT), Tshape=_type_attr(_INT32))
        if isinstance(layer, layers.Dense):
            if len(shape) != 2:
                raise Unsupported(f"Dense layer '{name}' on a rank-{len(shape)} input (rank 2 only)")
            y = g.add(f"{name}/MatMul", "MatMul", [x, self.read(f"{name}/MatMul", layer, layer.kernel, "kernel")],
                      T=_type_attr(_FLOAT))
            return _activation(g, name, self._bias(layer, y, "BiasAdd"), layer.activation, layer)
        if kind == "Conv2D":
            if layer.groups != 1:
                raise Unsupported(f"Conv2D layer '{name}': groups={layer.groups}")
            padding = _conv_settings(layer, kind)
            y = g.add(f"{name}/convolution", "Conv2D",
                      [x, self.read(f"{name}/convolution", layer, layer.kernel, "kernel")], T=_type_attr(_FLOAT),
                      strides=_ints_attr([1, *layer.strides, 1]), dilations=_ints_attr([1, *layer.dilation_rate, 1]),
                      padding=_string_attr(padding), data_format=_string_attr("NHWC"))
            return _activation(g, name, self._bias(layer, y, "BiasAdd"), layer.activation, layer)
        if kind in ("MaxPooling2D", "AveragePooling2D"):
            op = "MaxPool" if kind == "MaxPooling2D" else "AvgPool"
            return g.add(f"{name}/{op}", op, [x], T=_type_attr(_FLOAT), ksize=_ints_attr([1, *layer.pool_size, 1]),
                         strides=_ints_attr([1, *layer.strides, 1]), padding=_string_attr(_conv_settings(layer, kind)),
                         data_format=_string_attr("NHWC"))
        if isinstance(layer, layers.BatchNormalization):
            return self._batch_normalization(layer, x, shape)
        if kind == "GlobalAveragePooling2D":
            if layer.data_format != "channels_last":
                raise Unsupported(f"{kind} layer '{name}': data_format={layer.data_format!r} (channels_last only)")
            return g.add(f"{name}/Mean", "Mean", [x, g.const(f"{name}/Mean/reduction_indices",
                                                             np.array([1, 2], "int32"))],
                         T=_type_attr(_FLOAT), Tidx=_type_attr(_INT32), keep_dims=_bool_attr(bool(layer.keepdims)))
        if isinstance(layer, layers.Activation):
            return _activation(g, name, x, layer.activation, layer)
        if isinstance(layer, layers.Softmax):
            if layer.axis not in (-1, len(shape) - 1):
                raise Unsupported(f"Softmax layer '{name}': axis={layer.axis} (the last axis only)")
            return g.add(f"{name}/Softmax", "Softmax", [x], T=_type_attr(_FLOAT))
        if isinstance(layer, layers.ReLU):
            if layer.max_value is not None or layer.negative_slope or layer.threshold:
                raise Unsupported(f"ReLU layer '{name}' with max_value / negative_slope / threshold")
            return g.add(f"{name}/Relu", "Relu", [x], T=_type_attr(_FLOAT))
        raise Unsupported(f"layer '{name}' ({kind})")

    def functional(self, model, x, shape):
        """A functional model's nodes in order: layers of one input, and the merges Add / Subtract / Multiply /
        Concatenate of several; returns the output's graph tensor and shape."""
        from ..keras import layers
        tensors = {id(model.inputs[0]): (x, shape)}
        for node in model._nodes:
            layer, outputs = node.layer, node.outputs
            if set(node.kwargs) - {"training", "mask"} or not hasattr(outputs, "shape"):
                raise Unsupported(f"layer '{layer.name}' called with {sorted(node.kwargs)} or several outputs")
            inputs = [tensors[id(t)] for t in node.inputs]
            merges = {layers.Add: "AddV2", layers.Subtract: "Sub", layers.Multiply: "Mul"}
            if len(inputs) == 1:
                y = self.layer(layer, *inputs[0])
            elif type(layer) in merges:
                op, y = merges[type(layer)], inputs[0][0]
                for i, (other, _) in enumerate(inputs[1:]):
                    y = self.graph.add(f"{layer.name}/{op}" + (f"_{i}" if i else ""), op, [y, other],
                                       T=_type_attr(_FLOAT))
            elif isinstance(layer, layers.Concatenate):
                axis = self.graph.const(f"{layer.name}/concat/axis", np.array(layer.axis, "int32"))
                y = self.graph.add(f"{layer.name}/concat", "ConcatV2", [t for t, _ in inputs] + [axis],
                                   T=_type_attr(_FLOAT), N=pb.message([pb.varint_field(3, len(inputs))]),
                                   Tidx=_type_attr(_INT32))
            else:
                raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}) with {len(inputs)} inputs")
            tensors[id(outputs)] = (y, tuple(outputs.shape))
        return tensors[id(model.outputs[0])]

    def _batch_normalization(self, layer, x, shape):
        """Inference: ``x * scale + offset`` with ``scale = gamma * rsqrt(moving_variance + epsilon)`` and
        ``offset = beta - moving_mean * scale``, from the variables (as Keras 3's export computes it)."""
        g, name = self.graph, layer.name
        if layer.axis not in (-1, len(shape) - 1):
            raise Unsupported(f"BatchNormalization layer '{name}': axis={layer.axis} (the last axis only)")
        variance = self.read(f"{name}/moments/variance", layer, layer.moving_variance, "moving_variance")
        epsilon = g.const(f"{name}/add/y", np.array(layer.epsilon, "float32"))
        scale = g.add(f"{name}/Rsqrt", "Rsqrt", [g.add(f"{name}/add", "AddV2", [variance, epsilon],
                                                       T=_type_attr(_FLOAT))], T=_type_attr(_FLOAT))
        if layer.gamma is not None:
            scale = g.add(f"{name}/mul", "Mul", [scale, self.read(f"{name}/mul", layer, layer.gamma, "gamma")],
                          T=_type_attr(_FLOAT))
        mean = self.read(f"{name}/moments/mean", layer, layer.moving_mean, "moving_mean")
        offset = g.add(f"{name}/Neg", "Neg", [g.add(f"{name}/mul_1", "Mul", [mean, scale], T=_type_attr(_FLOAT))],
                       T=_type_attr(_FLOAT))
        if layer.beta is not None:
            offset = g.add(f"{name}/add_1", "AddV2", [offset, self.read(f"{name}/add_1", layer, layer.beta, "beta")],
                           T=_type_attr(_FLOAT))
        y = g.add(f"{name}/mul_2", "Mul", [x, scale], T=_type_attr(_FLOAT))
        return g.add(f"{name}/add_2", "AddV2", [y, offset], T=_type_attr(_FLOAT))

    def _bias(self, layer, y, op):
        if not layer.use_bias:
            return y
        scope = f"{layer.name}/{op}"
        return self.graph.add(scope, "BiasAdd", [y, self.read(scope, layer, layer.bias, "bias")],
                              T=_type_attr(_FLOAT), data_format=_string_attr("NHWC"))

    def saver(self):
        """TF1's Saver subgraph for the variables: save/Const (the checkpoint prefix), SaveV2, RestoreV2 and one
        AssignVariableOp per variable, grouped by save/restore_all."""
        g, names = self.graph, sorted(self.variables)
        keys = [self.variables[n] for n in names]
        count = len(names)
        dtypes = _types_attr([_FLOAT] * count)
        g.const("save/filename/input", np.array("model"))
        g.add("save/filename", "PlaceholderWithDefault", ["save/filename/input"], dtype=_type_attr(_STRING),
              shape=_shape_attr([]))
        g.add("save/Const", "PlaceholderWithDefault", ["save/filename"], dtype=_type_attr(_STRING),
              shape=_shape_attr([]))
        reads = [g.add(f"save/Read_{i}", "ReadVariableOp", [n], dtype=_type_attr(_FLOAT)) for i, n in enumerate(names)]
        g.const("save/SaveV2/tensor_names", np.array(keys))
        g.const("save/SaveV2/shape_and_slices", np.array([""] * count))
        g.add("save/SaveV2", "SaveV2", ["save/Const", "save/SaveV2/tensor_names", "save/SaveV2/shape_and_slices",
                                        *reads], dtypes=dtypes)
        g.add("save/control_dependency", "Identity", ["save/Const", "^save/SaveV2"], T=_type_attr(_STRING))
        g.const("save/RestoreV2/tensor_names", np.array(keys))
        g.const("save/RestoreV2/shape_and_slices", np.array([""] * count))
        g.add("save/RestoreV2", "RestoreV2", ["save/Const", "save/RestoreV2/tensor_names",
                                              "save/RestoreV2/shape_and_slices"], dtypes=dtypes)
        assigns = []
        for i, name in enumerate(names):
            value = g.add(f"save/Identity_{i}", "Identity", [f"save/RestoreV2:{i}"], T=_type_attr(_FLOAT))
            assigns.append(g.add(f"save/AssignVariableOp_{i}", "AssignVariableOp", [name, value],
                                 dtype=_type_attr(_FLOAT)))
        g.add("save/restore_all", "NoOp", [f"^{a}" for a in assigns])
        return pb.message([pb.string_field(1, "save/Const:0"), pb.string_field(2, "save/control_dependency:0"),
                           pb.string_field(3, "save/restore_all"), pb.varint_field(4, 5), pb.varint_field(7, 2)])


def _tensor_info(name, dims):
    return pb.message([pb.string_field(1, f"{name}:0"), pb.varint_field(2, _FLOAT),
                       pb.message_field(3, shape_proto(dims))])


def build(model, spec, input_name, key_of):
    """The SavedModel protocol buffer (bytes) of `model` served on one float32 input of TensorSpec `spec`, called
    `input_name` in the ``serving_default`` signature; its Saver restores each variable from the bundle key
    ``<key_of[id(variable)]>/.ATTRIBUTES/VARIABLE_VALUE`` (the keys pytensor's own loader reads too).

    Raises:
        Unsupported: a model that is not Sequential, or a layer or setting without a TensorFlow graph here.
    """
    from ..keras.models import Sequential
    if spec.dtype.name != "float32":
        raise Unsupported(f"a {spec.dtype.name} input (float32 only)")
    builder = _Builder(key_of)
    shape = tuple(spec.shape.as_list())
    x = builder.graph.add(input_name, "Placeholder", dtype=_type_attr(_FLOAT), shape=_shape_attr(shape))
    if isinstance(model, Sequential):
        for layer in model.layers:
            x = builder.layer(layer, x, shape)
            shape = tuple(layer.compute_output_shape(shape))
    elif getattr(model, "_nodes", None) is not None and len(model.inputs) == 1 and len(model.outputs) == 1:
        x, shape = builder.functional(model, x, shape)
    else:
        raise Unsupported(f"model '{model.name}' ({type(model).__name__}: Sequential models and functional models "
                          f"with one input and one output only)")
    builder.graph.add("Identity", "Identity", [x], T=_type_attr(_FLOAT))
    saver = builder.saver()
    graph = pb.message([*(pb.bytes_field(1, n) for n in builder.graph.nodes),
                        pb.message_field(4, [pb.varint_field(1, _GRAPH_DEF_PRODUCER)])])
    signature = pb.message([*pb.map_entries(1, {input_name: _tensor_info(input_name, spec.shape.as_list())}, bytes),
                            *pb.map_entries(2, {"output_0": _tensor_info("Identity", shape)}, bytes),
                            pb.string_field(3, "tensorflow/serving/predict")])
    meta_graph = [pb.message_field(1, [pb.string_field(4, "serve")]), pb.bytes_field(2, graph), pb.bytes_field(3, saver),
                  # "serve" too, as Keras 3's export has it: keras.layers.TFSMLayer's default endpoint
                  *pb.map_entries(5, {"serve": signature, "serving_default": signature}, bytes)]
    return pb.message([pb.varint_field(1, 1), pb.message_field(2, meta_graph)])
