"""More of ``tf.io``: TensorProto serialization (byte for byte TF's, so files round-trip with TF), sparse
tensors serialized as three TensorProtos, web-safe base64, CSV records, compressed strings, file matching and a
traced graph written as text.
"""
import base64
import binascii
import csv
import glob as _glob
import gzip
import json
import math
import os
import zlib

import numpy as np

from .. import _core, errors
from ..data._types import SparseTensor, StringTensor, as_dtype, as_string_array, to_tensor
from ..saved_model import _protobuf as pb
from ..saved_model._tensor_bundle import dtype_enum

__all__ = ["serialize_tensor", "parse_tensor", "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse",
           "encode_base64", "decode_base64", "decode_csv", "decode_compressed", "matching_files", "write_graph",
           "decode_json_example"]


def _array(value):
    if isinstance(value, StringTensor):
        return np.asarray(value.numpy(), dtype=object)
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    array = np.asarray(value)
    # strings through an object array: numpy's fixed-width bytes would drop trailing NUL bytes
    return as_string_array(np.asarray(value, dtype=object)) if array.dtype.kind in "USO" else array


def _tensor_proto(array):
    """TF's TensorProto bytes of a numpy array: dtype, shape (a zero dimension's size omitted, as proto3 does),
    then numbers as little-endian tensor_content or strings as string_val."""
    is_string = array.dtype == object
    fields = [pb.varint_field(1, dtype_enum("string" if is_string else array.dtype))]
    fields.append(pb.message_field(2, [pb.message_field(2, [pb.varint_field(1, d)] if d else [])
                                       for d in array.shape]))
    if is_string:
        fields += [pb.bytes_field(8, bytes(v)) for v in array.reshape(-1)]
    elif array.size:
        fields.append(pb.bytes_field(4, np.ascontiguousarray(array, array.dtype.newbyteorder("<")).tobytes()))
    return pb.message(fields)


def serialize_tensor(tensor, name=None):
    """The tensor as a serialized TensorProto (a scalar string tensor), readable by TF's ``parse_tensor``."""
    return StringTensor(_tensor_proto(_array(tensor)))


def _parse(data, out_type, op):
    from ..saved_model._tf_load import _tensor

    try:
        message = pb.Message(bytes(data))
        array = _tensor(message)
    except (pb.DecodeError, ValueError, KeyError) as err:
        raise errors.InvalidArgumentError(f"{op}: could not parse a serialized TensorProto ({err}).") from None
    expected = as_dtype(out_type)
    actual = "string" if array.dtype == object else array.dtype.name
    if actual != expected.name:
        raise errors.InvalidArgumentError(f"{op}: the serialized tensor has type {actual}, but out_type is "
                                          f"{expected.name}.")
    return array


def parse_tensor(serialized, out_type, name=None):
    """The tensor a serialized TensorProto holds; ``out_type`` must be its dtype (InvalidArgumentError
    otherwise)."""
    data = _array(serialized)
    if data.shape != ():
        raise errors.InvalidArgumentError(f"parse_tensor: serialized must be a scalar string; received shape "
                                          f"{data.shape}.")
    return to_tensor(_parse(data[()], out_type, "parse_tensor"))


def _sparse_parts(sp_input, op):
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"{op}: expected a SparseTensor; received {type(sp_input).__name__}.")
    return sp_input.indices.numpy(), _array(sp_input.values), sp_input.dense_shape.numpy()


def serialize_sparse(sp_input, out_type="string", name=None):
    """A string vector of 3: the serialized indices, values and dense_shape of a SparseTensor."""
    indices, values, shape = _sparse_parts(sp_input, "serialize_sparse")
    return StringTensor(np.array([_tensor_proto(indices), _tensor_proto(values), _tensor_proto(shape)], object))


def serialize_many_sparse(sp_input, out_type="string", name=None):
    """(N, 3) strings: serialize_sparse of each of the N entries along a SparseTensor's first dimension."""
    indices, values, shape = _sparse_parts(sp_input, "serialize_many_sparse")
    if len(shape) < 2:
        raise errors.InvalidArgumentError(f"serialize_many_sparse: the SparseTensor must have rank >= 2; received "
                                          f"rank {len(shape)}.")
    rows = []
    for entry in range(int(shape[0])):
        mine = indices[:, 0] == entry
        rows.append([_tensor_proto(indices[mine, 1:].astype(np.int64)), _tensor_proto(values[mine]),
                     _tensor_proto(shape[1:].astype(np.int64))])
    return StringTensor(np.array(rows, object).reshape(len(rows), 3))


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """The SparseTensor of N stacked entries from serialize_many_sparse's (N, 3) strings; the dense shape is
    the largest of each dimension."""
    op = "deserialize_many_sparse"
    rows = _array(serialized_sparse)
    if rows.ndim != 2 or rows.shape[1] != 3:
        raise errors.InvalidArgumentError(f"{op}: serialized_sparse must be (N, 3); received shape {rows.shape}.")
    all_indices, all_values, shapes = [], [], []
    for entry, (indices, values, shape) in enumerate(rows):
        indices, shape = _parse(indices, "int64", op), _parse(shape, "int64", op)
        values = _parse(values, dtype, op)
        if rank is not None and len(shape) + 1 != int(rank):
            raise errors.InvalidArgumentError(f"{op}: entry {entry} has rank {len(shape) + 1}, expected {rank}.")
        all_indices.append(np.concatenate([np.full((len(indices), 1), entry, np.int64), indices.reshape(
            len(indices), len(shape))], 1))
        all_values.append(values)
        shapes.append(shape)
    if len({len(s) for s in shapes}) > 1:
        raise errors.InvalidArgumentError(f"{op}: the entries have different ranks {[len(s) for s in shapes]}.")
    inner = np.max(np.stack(shapes), 0) if shapes else np.zeros(0, np.int64)
    indices = np.concatenate(all_indices) if all_indices else np.zeros((0, 1 + len(inner)), np.int64)
    values = np.concatenate(all_values) if all_values else np.zeros(0, as_dtype(dtype).as_numpy_dtype)
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
    return SparseTensor(indices[order], to_tensor(values[order]), [len(rows)] + [int(d) for d in inner])


def _map_bytes(fn, value, op):
    array = _array(value)
    if array.dtype != object:
        raise TypeError(f"{op}: expected a string tensor; received dtype {array.dtype}.")
    flat = np.empty(array.size, dtype=object)
    flat[:] = [fn(v) for v in array.reshape(-1)]
    return StringTensor(flat.reshape(array.shape))


def encode_base64(input, pad=False, name=None):  # noqa: A002 - TF's name
    """Each string in web-safe base64 ('-' and '_' for '+' and '/'), '=' padding only when ``pad``."""
    return _map_bytes(lambda v: base64.urlsafe_b64encode(v) if pad else base64.urlsafe_b64encode(v).rstrip(b"="),
                      input, "encode_base64")


def decode_base64(input, name=None):  # noqa: A002 - TF's name
    """Each web-safe base64 string decoded (padding optional); InvalidArgumentError for an invalid one."""
    def decode(v):
        try:
            return base64.urlsafe_b64decode(v.rstrip(b"=") + b"=" * (-len(v.rstrip(b"=")) % 4))
        except (binascii.Error, ValueError):
            raise errors.InvalidArgumentError(f"decode_base64: invalid base64 data {v[:40]!r}") from None

    return _map_bytes(decode, input, "decode_base64")


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TF's name
    """Each string decompressed from ZLIB or GZIP ('' leaves them as they are)."""
    kind = (compression_type or "").upper()
    if kind not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(f"decode_compressed: compression_type must be '', 'ZLIB' or 'GZIP'; "
                                          f"received {compression_type!r}.")

    def decode(v):
        try:
            return v if not kind else zlib.decompress(v) if kind == "ZLIB" else gzip.decompress(v)
        except (zlib.error, OSError, EOFError) as err:
            raise errors.InvalidArgumentError(f"decode_compressed: invalid {kind} data ({err}).") from None

    return _map_bytes(decode, bytes, "decode_compressed")


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="", select_cols=None,
               name=None):
    """The columns of CSV records: one tensor per ``record_defaults`` entry, of its dtype; an empty field (or
    ``na_value``) takes the default, and a column whose default is empty is required."""
    op = "decode_csv"
    lines = _array(records)
    defaults = []
    for k, default in enumerate(record_defaults):
        if hasattr(default, "dtype") and not isinstance(default, np.ndarray):
            array, dtype = _array(default).reshape(-1), as_dtype(default.dtype)
        else:
            array = np.asarray(default).reshape(-1)
            dtype = as_dtype("string" if array.dtype.kind in "USO" else "int32" if array.dtype.kind == "i"
                             else "float32" if array.dtype.kind == "f" else array.dtype.name)
        if dtype.name not in ("float32", "float64", "int32", "int64", "string"):
            raise TypeError(f"{op}: record_defaults[{k}] has dtype {dtype.name}; use float32, float64, int32, "
                            f"int64 or string.")
        defaults.append((dtype, array[0] if array.size else None))
    if select_cols is not None and len(select_cols) != len(defaults):
        raise ValueError(f"{op}: select_cols has {len(select_cols)} entries for {len(defaults)} record_defaults.")
    columns = [[] for _ in defaults]
    na = na_value.encode("utf-8") if isinstance(na_value, str) else na_value
    for line in lines.reshape(-1):
        text = line.decode("utf-8")
        reader = csv.reader([text], delimiter=field_delim, quotechar='"' if use_quote_delim else None,
                            quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE, strict=True)
        try:
            fields = next(reader) if text else [""]
        except csv.Error as err:
            raise errors.InvalidArgumentError(f"{op}: malformed record {text[:60]!r} ({err}).") from None
        if select_cols is not None:
            if max(select_cols) >= len(fields):
                raise errors.InvalidArgumentError(f"{op}: record {text[:60]!r} has {len(fields)} fields; "
                                                  f"select_cols needs column {max(select_cols)}.")
            fields = [fields[c] for c in select_cols]
        if len(fields) != len(defaults):
            raise errors.InvalidArgumentError(f"{op}: expected {len(defaults)} fields but have {len(fields)} in "
                                              f"record {text[:60]!r}.")
        for k, (field, (dtype, default)) in enumerate(zip(fields, defaults)):
            raw = field.encode("utf-8")
            if raw == b"" or raw == na:
                if default is None:
                    raise errors.InvalidArgumentError(f"{op}: field {k} is required but missing in record "
                                                      f"{text[:60]!r}.")
                columns[k].append(default)
                continue
            try:
                columns[k].append(raw if dtype.name == "string" else int(field) if dtype.is_integer else float(field))
            except ValueError:
                raise errors.InvalidArgumentError(f"{op}: field {k} in record {text[:60]!r} is not a valid "
                                                  f"{dtype.name}: {field!r}.") from None
    out = []
    for (dtype, _), values in zip(defaults, columns):
        if dtype.name == "string":
            array = np.empty(len(values), object)
            array[:] = values
            out.append(StringTensor(array.reshape(lines.shape)))
        else:
            out.append(_core.constant(np.asarray(values, dtype.as_numpy_dtype).reshape(lines.shape), dtype.name))
    return out


_JSON_LISTS = {"int64List": "int64_list", "int64_list": "int64_list", "floatList": "float_list",
               "float_list": "float_list", "bytesList": "bytes_list", "bytes_list": "bytes_list"}
_JSON_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _json_feature(key, spec):
    """A tf.train.Feature from its protobuf-JSON form (lists by camelCase or field name; int64s as numbers or
    decimal strings; bytes in base64)."""
    from ..train import BytesList, Feature, FloatList, Int64List

    if not isinstance(spec, dict) or len(spec) > 1 or any(k not in _JSON_LISTS for k in spec):
        raise ValueError(f"feature {key!r}: expected one of {sorted(set(_JSON_LISTS))}; received {spec!r:.80}")
    if not spec:
        return Feature()
    (name, body), = spec.items()
    values = (body or {}).get("value", [])
    kind = _JSON_LISTS[name]
    if kind == "int64_list":
        return Feature(int64_list=Int64List(value=[int(v) for v in values]))
    if kind == "float_list":
        return Feature(float_list=FloatList(value=[_JSON_FLOATS.get(v, v) if isinstance(v, str) and v in
                                                   _JSON_FLOATS else float(v) for v in values]))
    return Feature(bytes_list=BytesList(value=[base64.b64decode(v, validate=True) for v in values]))


def decode_json_example(json_examples, name=None):
    """Each tf.train.Example in protobuf's JSON form as the serialized Example proto."""
    from ..train import Example, Features

    def decode(text):
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError(f"expected a JSON object; received {data!r:.40}")
            if set(data) - {"features"}:
                raise ValueError(f"no such field: {sorted(set(data) - {'features'})}")
            features = data.get("features") or {}
            if set(features) - {"feature"}:
                raise ValueError(f"no such field in features: {sorted(set(features) - {'feature'})}")
            feature = {key: _json_feature(key, spec) for key, spec in (features.get("feature") or {}).items()}
            return Example(features=Features(feature=feature)).SerializeToString() if feature else b""
        except (ValueError, TypeError, binascii.Error) as err:
            raise errors.InvalidArgumentError(f"decode_json_example: invalid JSON Example {text[:60]!r}: {err}") \
                from None

    return _map_bytes(decode, json_examples, "decode_json_example")


def matching_files(pattern, name=None):
    """The sorted paths matching one glob pattern (or each of a vector of them), as a string vector."""
    patterns = _array(pattern).reshape(-1)
    found = sorted({p for one in patterns for p in _glob.glob(one.decode("utf-8"))})
    array = np.empty(len(found), object)
    array[:] = [p.encode("utf-8") for p in found]
    return StringTensor(array)


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph to ``logdir/name`` and returns the path: a traced function's graph (a FuncGraph, or a
    ConcreteFunction's) as its text listing; with ``as_text=False``, serialized GraphDef bytes (bytes, or an
    object with SerializeToString)."""
    graph = getattr(graph_or_graph_def, "graph", graph_or_graph_def)  # a ConcreteFunction's FuncGraph
    if as_text:
        data = (graph.pretty_printed() if hasattr(graph, "pretty_printed") else str(graph)).encode("utf-8")
    elif hasattr(graph_or_graph_def, "SerializeToString"):
        data = graph_or_graph_def.SerializeToString()
    elif isinstance(graph_or_graph_def, (bytes, bytearray)):
        data = bytes(graph_or_graph_def)
    else:
        raise TypeError(f"write_graph: as_text=False needs serialized GraphDef bytes (or an object with "
                        f"SerializeToString); received {type(graph_or_graph_def).__name__}. Use as_text=True for "
                        f"a traced graph's text.")
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path
