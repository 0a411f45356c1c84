"""``tf.saved_model.load`` of SavedModels that TensorFlow wrote (``saved_model.pb`` + the variables' tensor
bundle), for models whose serving functions use the ops in :data:`OPS` (what Keras 3's ``model.export`` writes for
Sequential MLPs and CNNs: MatMul, BiasAdd, Conv2D, MaxPool, Reshape, activations, and the shape arithmetic around
them).

TF2 SavedModels are read through their object graph (``MetaGraphDef.object_graph_def``): the signature
``serving_default`` (and the root's tf.functions such as ``serve``) name a concrete function in the graph's
function library, and its captured inputs (``bound_inputs``) name variable objects, whose values come from the
bundle by the keys of the checkpoint's object graph. A function's nodes are run one by one with pytensor's ops
(eagerly; nothing in the file is executed as code). A TF1 SavedModel (no object graph, as pytensor's own
``saved_model.pb`` is) is run from its GraphDef, each VarHandleOp fed the bundle value its Saver restores.

Layout of the messages: tensorflow/core/protobuf/{saved_model,meta_graph,saved_object_graph,
trackable_object_graph}.proto and tensorflow/core/framework/{graph,function,node_def,attr_value,tensor}.proto.
"""
import os
import struct

import numpy as np

import pytensor as pt

from . import _format, _protobuf as pb
from ._tensor_bundle import numpy_dtype, read_bundle

__all__ = ["load", "OPS"]


def _error(path, what):
    from ..keras.saving._files import FileError
    return FileError(f"{path}: {what}")


# ---- attribute and constant decoding ------------------------------------------------------------------------------

def _tensor(proto):
    """A TensorProto as a numpy array (tensor_content, or the typed value lists, a single value filling the shape)."""
    dtype = numpy_dtype(proto.int(1))
    shape = [d.int(1) for d in proto.message(2).messages(2)]
    count = int(np.prod(shape, dtype=np.int64))
    if proto.has(4):
        return np.frombuffer(proto.bytes(4), dtype.newbyteorder("<")).astype(dtype).reshape(shape)
    if dtype == object:
        values = np.array(proto.repeated_bytes(8), object)
    elif dtype.kind == "f" and dtype.itemsize == 4:
        values = _floats(proto.fields.get(5, ()), "<f4")
    elif dtype.kind == "f" and dtype.itemsize == 8:
        values = _floats(proto.fields.get(6, ()), "<f8")
    elif dtype == np.int64:
        values = np.array(proto.ints(10), np.int64)
    elif dtype == np.bool_:
        values = np.array(proto.ints(11), bool)
    else:
        values = np.array(proto.ints(7), np.int64).astype(dtype)
    if values.size == count:
        return values.astype(dtype).reshape(shape)
    if values.size == 1:
        return np.full(shape, values[0], dtype)
    if values.size == 0:
        return np.zeros(shape, dtype)
    raise ValueError(f"a constant of shape {shape} holds {values.size} values")


def _floats(raw_values, dtype):
    """Packed (bytes) or unpacked (one fixed-size int each) float / double fields."""
    single = dtype == "<f4"
    out = []
    for raw in raw_values:
        if isinstance(raw, bytes):
            out.extend(np.frombuffer(raw, dtype).tolist())
        else:
            out.append(struct.unpack("<f" if single else "<d", struct.pack("<I" if single else "<Q", raw))[0])
    return np.array(out, dtype)


class _Attrs:
    """A node's attributes by name, decoded on access."""

    def __init__(self, node):
        self._raw = node.map(5)

    def has(self, name):
        return name in self._raw

    def ints(self, name, default=()):
        return self._raw[name].message(1).ints(3) if name in self._raw else list(default)

    def int(self, name, default=0):
        return self._raw[name].int(3) if name in self._raw else default

    def string(self, name, default=""):
        return self._raw[name].bytes(2).decode() if name in self._raw else default

    def bool(self, name, default=False):
        return bool(self._raw[name].int(5)) if name in self._raw else default

    def float(self, name, default=0.0):
        return self._raw[name].float(4) if name in self._raw else default

    def type(self, name):
        return numpy_dtype(self._raw[name].int(6))

    def tensor(self, name):
        return _tensor(self._raw[name].message(8))

    def func(self, name):
        return self._raw[name].message(10).string(1)


# ---- the ops ------------------------------------------------------------------------------------------------------

def _numpy(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _padding(attrs, op):
    padding = attrs.string("padding")
    if padding not in ("VALID", "SAME"):
        raise NotImplementedError(f"{op} with padding {padding!r}")
    return padding


def _nhwc(attrs, op):
    data_format = attrs.string("data_format", "NHWC")
    if data_format != "NHWC":
        raise NotImplementedError(f"{op} with data_format {data_format!r}")
    return data_format


def _strided_slice(attrs, x, begin, end, strides):
    return pt.strided_slice(x, _numpy(begin), _numpy(end), _numpy(strides),
                            begin_mask=attrs.int("begin_mask"), end_mask=attrs.int("end_mask"),
                            ellipsis_mask=attrs.int("ellipsis_mask"), new_axis_mask=attrs.int("new_axis_mask"),
                            shrink_axis_mask=attrs.int("shrink_axis_mask"))


def _unary(fn):
    return lambda attrs, x: fn(x)


def _binary(fn):
    return lambda attrs, x, y: fn(x, y)


# op name -> fn(attrs, *inputs) returning one tensor (or a list for several outputs). Resource inputs are the
# pytensor Variables themselves.
OPS = {
    "Identity": lambda attrs, x: x,
    "StopGradient": lambda attrs, x: x,
    "IdentityN": lambda attrs, *xs: list(xs),
    "NoOp": lambda attrs, *xs: [],
    "ReadVariableOp": lambda attrs, v: v.read_value() if hasattr(v, "read_value") else pt.identity(v),
    "Const": lambda attrs: pt.constant(attrs.tensor("value")),
    "MatMul": lambda attrs, a, b: pt.matmul(a, b, transpose_a=attrs.bool("transpose_a"),
                                            transpose_b=attrs.bool("transpose_b")),
    "BatchMatMulV2": lambda attrs, a, b: pt.matmul(a, b, adjoint_a=attrs.bool("adj_x"), adjoint_b=attrs.bool("adj_y")),
    "BiasAdd": lambda attrs, x, b: pt.nn.bias_add(x, b, data_format=_nhwc(attrs, "BiasAdd") if len(x.shape) == 4
                                                  else None),
    "Add": _binary(pt.add), "AddV2": _binary(pt.add), "Sub": _binary(pt.subtract), "Mul": _binary(pt.multiply),
    "RealDiv": _binary(pt.divide), "Maximum": _binary(pt.maximum), "Minimum": _binary(pt.minimum),
    "Relu": _unary(pt.nn.relu), "Relu6": _unary(pt.nn.relu6), "Sigmoid": _unary(pt.sigmoid), "Tanh": _unary(pt.tanh),
    "Elu": _unary(pt.nn.elu), "Selu": _unary(pt.nn.selu), "Softplus": _unary(pt.nn.softplus),
    "Softmax": _unary(pt.nn.softmax), "LogSoftmax": _unary(pt.nn.log_softmax), "Exp": _unary(pt.exp),
    "Rsqrt": _unary(pt.math.rsqrt), "Sqrt": _unary(pt.sqrt), "Square": _unary(pt.square), "Neg": _unary(pt.negative),
    "LeakyRelu": lambda attrs, x: pt.nn.leaky_relu(x, alpha=attrs.float("alpha", 0.2)),
    "Conv2D": lambda attrs, x, w: pt.nn.conv2d(x, w, attrs.ints("strides"), _padding(attrs, "Conv2D"),
                                               data_format=_nhwc(attrs, "Conv2D"),
                                               dilations=attrs.ints("dilations", (1, 1, 1, 1))),
    "MaxPool": lambda attrs, x: pt.nn.max_pool2d(x, attrs.ints("ksize"), attrs.ints("strides"),
                                                 _padding(attrs, "MaxPool"), data_format=_nhwc(attrs, "MaxPool")),
    "AvgPool": lambda attrs, x: pt.nn.avg_pool2d(x, attrs.ints("ksize"), attrs.ints("strides"),
                                                 _padding(attrs, "AvgPool"), data_format=_nhwc(attrs, "AvgPool")),
    "Reshape": lambda attrs, x, shape: pt.reshape(x, _numpy(shape).tolist()),
    "Squeeze": lambda attrs, x: pt.squeeze(x, axis=attrs.ints("squeeze_dims") or None),
    "ExpandDims": lambda attrs, x, axis: pt.expand_dims(x, int(_numpy(axis))),
    "Shape": lambda attrs, x: pt.constant(np.array(x.shape, attrs.type("out_type") if attrs.has("out_type")
                                                   else np.int32)),
    "StridedSlice": _strided_slice,
    "Pack": lambda attrs, *xs: pt.stack(list(xs), axis=attrs.int("axis")),
    "ConcatV2": lambda attrs, *xs: pt.concat(list(xs[:-1]), axis=int(_numpy(xs[-1]))),
    "Transpose": lambda attrs, x, perm: pt.transpose(x, _numpy(perm).tolist()),
    "Cast": lambda attrs, x: pt.cast(x, attrs.type("DstT").name),
    "Mean": lambda attrs, x, axis: pt.reduce_mean(x, axis=_numpy(axis).tolist(), keepdims=attrs.bool("keep_dims")),
    "Sum": lambda attrs, x, axis: pt.reduce_sum(x, axis=_numpy(axis).tolist(), keepdims=attrs.bool("keep_dims")),
}
_CALLS = ("StatefulPartitionedCall", "PartitionedCall")


# ---- functions ----------------------------------------------------------------------------------------------------

class _GraphFunction:
    """A FunctionDef of the library (or a GraphDef's nodes): runs the nodes its outputs need with pytensor ops."""

    def __init__(self, name, inputs, nodes, outputs, library, path, input_types=()):
        self.name = name
        self.inputs = inputs    # input names, in call order
        self.input_types = input_types  # their DataType enum values (functions only)
        self.nodes = {n.string(1): n for n in nodes}
        self.outputs = outputs  # tensor references ("node:arg:index" in functions, "node:index" in graphs)
        self._library = library
        self._path = path
        self._needed = None

    @classmethod
    def from_function_def(cls, fdef, library, path):
        signature = fdef.message(1)
        ret = {entry.string(1): entry.string(2) for entry in fdef.messages(4)}
        arguments = signature.messages(2)
        return cls(signature.string(1), [a.string(1) for a in arguments], fdef.messages(3),
                   [ret[a.string(1)] for a in signature.messages(3)], library, path, [a.int(3) for a in arguments])

    def check(self, seen):
        """Raises NotImplementedError naming the first op (here or in a function it calls) pytensor cannot run."""
        if self.name in seen:
            return
        seen.add(self.name)
        for name in self._order():
            node = self.nodes[name]
            op = node.string(2)
            for reference in node.repeated_bytes(3):
                parts = reference.decode().lstrip("^").split(":")
                if parts[0] not in self.nodes and parts[0] not in self.inputs or \
                        len(parts) > 1 and not parts[-1].isdigit():
                    raise ValueError(f"node '{name}' of function '{self.name}' has the input {reference!r}, which "
                                     f"names no node or input")
            if op in _CALLS:
                self._library.get(_Attrs(node).func("f"), name).check(seen)
            elif op not in OPS and op not in ("Placeholder", "VarHandleOp"):
                raise NotImplementedError(
                    f"{self._path}: TensorFlow op '{op}' (node '{name}' of function '{self.name}') is not supported "
                    f"by pytensor's loader of TensorFlow SavedModels. Supported ops: {', '.join(sorted(OPS))}. "
                    f"Save the model as a .keras file in TensorFlow instead; pytensor loads those.")

    def _node_of(self, reference):
        return reference.lstrip("^").split(":")[0]

    def _order(self):
        """The nodes the outputs depend on (data inputs only), in an order where inputs come first (computed once).

        Raises:
            ValueError: a reference to a missing node, or a cycle.
        """
        if self._needed is not None:
            return self._needed
        order, state = [], {}
        for reference in self.outputs:
            stack = [(self._node_of(reference), False)]
            while stack:
                name, expanded = stack.pop()
                if name in self.inputs or state.get(name) == "done":
                    continue
                if name not in self.nodes:
                    raise ValueError(f"function '{self.name}' refers to a missing node '{name}'")
                if expanded:
                    state[name] = "done"
                    order.append(name)
                    continue
                if state.get(name) == "visiting":
                    raise ValueError(f"function '{self.name}' has a cycle through node '{name}'")
                state[name] = "visiting"
                stack.append((name, True))
                for reference in self.nodes[name].repeated_bytes(3):
                    reference = reference.decode()
                    if not reference.startswith("^"):
                        stack.append((self._node_of(reference), False))
        self._needed = order
        return order

    def __call__(self, args, feeds=None):
        values = dict(zip(self.inputs, args))
        results = {}

        def value(reference):
            if reference in values:
                return values[reference]
            parts = reference.split(":")
            outputs = results[parts[0]]
            index = int(parts[-1]) if len(parts) > 1 else 0
            return outputs[index] if isinstance(outputs, list) else outputs

        for name in self._order():
            node = self.nodes[name]
            op = node.string(2)
            try:
                inputs = [value(r.decode()) for r in node.repeated_bytes(3) if not r.startswith(b"^")]
                if op in ("Placeholder", "VarHandleOp"):
                    results[name] = feeds[name]
                elif op in _CALLS:
                    results[name] = self._library.get(_Attrs(node).func("f"), name)(inputs)
                else:
                    results[name] = OPS[op](_Attrs(node), *inputs)
            except (KeyError, IndexError, TypeError, struct.error, pb.DecodeError, UnicodeDecodeError) as e:
                # what a damaged node gives (missing attribute or input, wrong input count, bad encoding)
                raise ValueError(f"{self._path}: node '{name}' ({op}) of function '{self.name}' cannot run: "
                                 f"{type(e).__name__}: {e}. The SavedModel is damaged.") from None
        try:
            return [value(reference) for reference in self.outputs]
        except (IndexError, ValueError) as e:
            raise ValueError(f"{self._path}: function '{self.name}' returns {self.outputs}, which its nodes do not "
                             f"produce ({e}). The SavedModel is damaged.") from None


class _Library:
    def __init__(self, graph_def, path):
        self._defs = {f.message(1).string(1): f for f in graph_def.message(2).messages(1)}
        self._functions = {}
        self._path = path

    def get(self, name, caller=""):
        if name not in self._functions:
            if name not in self._defs:
                raise ValueError(f"{self._path}: node '{caller}' calls '{name}', which the function library lacks")
            self._functions[name] = _GraphFunction.from_function_def(self._defs[name], self, self._path)
        return self._functions[name]


# ---- the loaded object --------------------------------------------------------------------------------------------

class _Endpoint:
    """A tf.function of the saved object (``loaded.serve``): takes its inputs positionally, returns its output
    (a list when there are several)."""

    def __init__(self, function, captured, input_count):
        self._function = function
        self._captured = captured
        self._input_count = input_count

    def __call__(self, *args):
        if len(args) != self._input_count:
            raise TypeError(f"{self._function.name} takes {self._input_count} inputs, got {len(args)}")
        dtypes = [numpy_dtype(enum).name for enum in self._function.input_types[: len(args)]]
        outputs = self._function([pt.convert_to_tensor(a, dtype=d) for a, d in zip(args, dtypes)] + self._captured)
        return outputs[0] if len(outputs) == 1 else outputs


def _signature(name, run, inputs, output_keys):
    """A SignatureFunction over `run(list of input tensors) -> list of outputs`, whose outputs are keyed by
    `output_keys` (key -> output index)."""
    from ..data._types import TensorSpec
    from ._load import SignatureFunction
    names = sorted(inputs)  # TensorFlow orders a signature's inputs by name

    def call(*tensors):
        outputs = run(list(tensors))
        return {key: outputs[index] for key, index in sorted(output_keys.items())}

    specs = [TensorSpec(inputs[n][1], inputs[n][0].name, name=n) for n in names]
    return SignatureFunction(name, call, specs, names)


def _tensor_info(info):
    dims = info.message(3)
    shape = None if dims.int(3) else [None if d.int(1) < 0 else d.int(1) for d in dims.messages(2)]
    return numpy_dtype(info.int(2)), shape


class _LoadedModel:
    """What ``tf.saved_model.load`` returns for a TensorFlow SavedModel: ``signatures``, the root's tf.functions
    (``serve``, ``__call__`` when saved), ``variables`` and ``trainable_variables``."""

    def __init__(self, signatures, endpoints, variables):
        from ._load import _SignatureMap
        self.signatures = _SignatureMap(signatures)
        self.__dict__.update(endpoints)
        self.variables = variables
        self.trainable_variables = [v for v in variables if v.trainable]

    def __call__(self, *args):
        if "__call__" not in self.__dict__:
            raise TypeError("this loaded SavedModel is not callable: it saved no __call__ function; use "
                            "loaded.signatures['serving_default'] or loaded.serve")
        return self.__dict__["__call__"](*args)


def _checkpoint_keys(values, nodes_count):
    """Object-graph node id -> the bundle key of its value, from the checkpoint's own object graph."""
    graph = values.get("_CHECKPOINTABLE_OBJECT_GRAPH")
    if graph is None:
        return {}
    out = {}
    for node_id, node in enumerate(pb.Message(graph.reshape(-1)[0]).messages(1)[:nodes_count]):
        for attribute in node.messages(2):
            if attribute.string(1) == "VARIABLE_VALUE":
                out[node_id] = attribute.string(3)
    return out


def _load_v2(meta_graph, values, path):
    """A TF2 MetaGraph: signatures and the root's functions from the object graph, variables by its node ids."""
    library = _Library(meta_graph.message(2), path)
    object_graph = meta_graph.message(7)
    nodes = object_graph.messages(1)
    concrete = object_graph.map(2)
    keys = _checkpoint_keys(values, len(nodes))
    variables = {}

    def variable(node_id):
        if node_id not in variables:
            saved = nodes[node_id].message(7)
            if node_id not in keys or keys[node_id] not in values:
                raise ValueError(f"variable '{saved.string(6)}' (object {node_id}) has no value in the checkpoint")
            variables[node_id] = pt.Variable(values[keys[node_id]], trainable=bool(saved.int(3)),
                                             name=saved.string(6) or None)
        return variables[node_id]

    def function(name):
        fn = library.get(name)
        fn.check(set())
        captured = [variable(i) for i in concrete[name].ints(2)] if name in concrete else []
        return fn, captured

    children = {c.string(2): c.int(1) for c in nodes[0].messages(1)}
    signatures = {}
    signature_defs = meta_graph.map(5)
    if "signatures" in children:
        for entry in nodes[children["signatures"]].messages(1):
            key = entry.string(2)
            bare = nodes[entry.int(1)].message(8)
            fn, captured = function(bare.string(1))
            keywords = [k.decode() for k in bare.repeated_bytes(2)]
            definition = signature_defs.get(key)
            inputs = {name: _tensor_info(info) for name, info in definition.map(1).items()} if definition else {}
            outputs = {name: int(info.string(1).rsplit(":", 1)[-1]) for name, info in definition.map(2).items()} \
                if definition else {f"output_{i}": i for i in range(len(fn.outputs))}
            if sorted(keywords) != sorted(inputs) or len(keywords) + len(captured) != len(fn.inputs) or \
                    any(not 0 <= i < len(fn.outputs) for i in outputs.values()):
                raise ValueError(f"signature '{key}' (inputs {sorted(inputs)}, outputs {outputs}) does not match its "
                                 f"function '{fn.name}' (arguments {keywords} and {len(captured)} captures, "
                                 f"{len(fn.outputs)} outputs)")

            def run(tensors, fn=fn, captured=captured, keywords=keywords, names=sorted(inputs)):
                by_name = dict(zip(names, tensors))
                return fn([by_name[k] for k in keywords] + captured)

            signatures[key] = _signature(key, run, inputs, outputs)
    endpoints = {}
    for name, node_id in children.items():
        saved = nodes[node_id]
        if saved.has(6) and saved.message(6).repeated_bytes(1):
            fn, captured = function(saved.message(6).repeated_bytes(1)[0].decode())
            endpoints[name] = _Endpoint(fn, captured, len(fn.inputs) - len(captured))
    return _LoadedModel(signatures, endpoints, list(variables.values()))


def _saver_keys(nodes):
    """VarHandleOp name -> its key in the bundle, from the Saver's nodes: AssignVariableOp(handle, Identity(...
    RestoreV2:i)) restores tensor_names[i]."""
    by_name = {n.string(1): n for n in nodes}

    def inputs(node):
        return [r.decode().split(":") for r in node.repeated_bytes(3) if not r.startswith(b"^")]

    out = {}
    for node in nodes:
        if node.string(2) != "AssignVariableOp" or len(inputs(node)) != 2:
            continue
        (handle, *_), source = inputs(node)
        while source[0] in by_name and by_name[source[0]].string(2) == "Identity":
            source = inputs(by_name[source[0]])[0]
        restore = by_name.get(source[0])
        if restore is not None and restore.string(2) == "RestoreV2":
            keys = _Attrs(by_name[inputs(restore)[1][0]]).tensor("value").reshape(-1)
            out[handle] = keys[int(source[-1]) if len(source) > 1 else 0].decode()
    return out


def _load_v1(meta_graph, values, path):
    """A TF1 MetaGraph: the signatures' outputs computed from the GraphDef's nodes, each VarHandleOp fed the value
    its Saver restores (by its own name when no Saver node names it, as TF1's Saver keys them)."""
    graph_def = meta_graph.message(2)
    library = _Library(graph_def, path)
    nodes = graph_def.messages(1)
    keys = _saver_keys(nodes)
    handles = {n.string(1): keys.get(n.string(1), n.string(1)) for n in nodes if n.string(2) == "VarHandleOp"}
    missing = [key for key in handles.values() if key not in values]
    if missing:
        raise ValueError(f"variables {missing} have no value in the checkpoint")
    variables = {name: pt.Variable(values[key], name=name) for name, key in handles.items()}
    signatures = {}
    for key, definition in meta_graph.map(5).items():
        inputs = {name: _tensor_info(info) for name, info in definition.map(1).items()}
        placeholders = {name: info.string(1).split(":")[0] for name, info in definition.map(1).items()}
        outputs = sorted(definition.map(2).items())
        fn = _GraphFunction(key, [], nodes, [info.string(1) for _, info in outputs], library, path)
        fn.check(set())

        def run(tensors, fn=fn, names=sorted(inputs), placeholders=placeholders):
            return fn([], {**variables, **{placeholders[n]: t for n, t in zip(names, tensors)}})

        signatures[key] = _signature(key, run, inputs, {name: i for i, (name, _) in enumerate(outputs)})
    return _LoadedModel(signatures, {}, list(variables.values()))


def load(export_dir, tags=None):
    """Loads the TensorFlow SavedModel in `export_dir` (its MetaGraph tagged `tags`, default ``serve``).

    Raises:
        ValueError: a damaged file, a MetaGraph with other tags, a variable the checkpoint lacks, naming the file.
        NotImplementedError: an op pytensor's loader does not run, naming the op, its node and function.
    """
    from ..keras.saving._files import FileError
    path = os.path.join(export_dir, _format.TF_SAVED_MODEL)
    wanted = {tags} if isinstance(tags, str) else set(tags or ["serve"])
    try:
        with open(path, "rb") as f:
            saved_model = pb.Message(f.read())
        meta_graphs = saved_model.messages(2)
        chosen = [m for m in meta_graphs if set(t.decode() for t in m.message(1).repeated_bytes(4)) == wanted]
        if not chosen:
            found = [sorted(t.decode() for t in m.message(1).repeated_bytes(4)) for m in meta_graphs]
            raise ValueError(f"has no MetaGraph tagged {sorted(wanted)} (it has {found})")
        meta_graph = chosen[0]
        values = read_bundle(os.path.join(export_dir, "variables", "variables"))
        return (_load_v2 if meta_graph.has(7) else _load_v1)(meta_graph, values, path)
    except NotImplementedError:
        raise
    except FileError:
        raise
    except (ValueError, KeyError, IndexError, pb.DecodeError) as e:
        raise _error(path, f"cannot be loaded: {e}") from None
