"""What ``saved_model.json`` holds and how its parts (call keys, output structures, tensor specs) map to JSON."""
import hashlib

import numpy as np

from .. import nest
from .._function import _is_string_key
from ..dtypes import DType, as_dtype

FORMAT = "pytensor.saved_model"
VERSION = 1
METADATA = "saved_model.json"
VARIABLES = "variables/variables"   # the checkpoint prefix; the file is VARIABLES + ".h5", or a tensor bundle
TENSOR_BUNDLE = "tensor_bundle"  # "variables_format" of SavedModels whose variables are TensorFlow's bundle
BUNDLE_DATA = ".data-00000-of-00001"  # a tensor bundle's data file (its index is <prefix>.index)
GRAPHS = "saved_model.graphs"  # every traced graph, one after another (offsets in METADATA)
KERAS_MODEL = "keras_model.keras"  # the whole Keras model, in a SavedModel from model.save(dir, save_format="tf")
TF_SAVED_MODEL = "saved_model.pb"  # TensorFlow's MetaGraph of a Keras model (_tf_export), beside pytensor's files
ENTRIES = frozenset({METADATA, GRAPHS, "variables", "assets", KERAS_MODEL, TF_SAVED_MODEL})  # what a SavedModel folder may hold


class Unsaveable(Exception):
    """A trace whose arguments or outputs have no saved form (a Variable or an arbitrary object as argument)."""


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def crc32c(array):
    """CRC-32C of an array's bytes (the core's hardware-accelerated checksum), as a variable's integrity check."""
    from .. import _core
    return _core._crc32c(np.ascontiguousarray(array).reshape(-1).view(np.uint8))


# ---- call keys: what _function._canonical makes of the arguments, as JSON and back -----------------------------

def key_to_json(key):
    """A function call key (tensor leaves ``(dtype, shape)``, containers ``(type, items)``, Python values
    ``("value", type, value)``) as JSON; Unsaveable for leaves that have none (Variables, arbitrary objects)."""
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], DType):
        return {"tensor": key[0].name, "shape": None if key[1] is None else list(key[1])}
    if _is_string_key(key):
        raise Unsaveable("a string tensor (string ops run in Python, and a saved graph holds only registry ops)")
    if isinstance(key, tuple) and len(key) == 3 and key[0] == "value":
        value = key[2]
        if type(value) not in (int, float, bool, str, type(None)):
            raise Unsaveable(f"a Python argument of type {type(value).__name__}")
        return {"value": value, "type": type(value).__name__}
    if isinstance(key, tuple) and len(key) == 2 and key[0] in (list, tuple):
        return {key[0].__name__: [key_to_json(k) for k in key[1]]}
    if isinstance(key, tuple) and len(key) == 2 and key[0] is dict:
        if not all(isinstance(k, str) for k, _ in key[1]):
            raise Unsaveable("a dict argument with keys that are not strings")
        return {"dict": [[k, key_to_json(v)] for k, v in key[1]]}
    if isinstance(key, tuple) and key and key[0] in ("Variable", "id"):
        raise Unsaveable("a Variable or object argument (captured by identity)")
    if isinstance(key, tuple) and key and isinstance(key[0], type):
        raise Unsaveable(f"an argument of type {key[0].__name__}")
    if isinstance(key, tuple):  # the top level: one key per positional argument
        return {"args": [key_to_json(k) for k in key]}
    raise Unsaveable(f"an argument key {key!r:.60}")


_VALUE_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "NoneType": type(None)}


def key_from_json(data):
    """The call key :func:`key_to_json` wrote (equal to the one a matching call makes; shapes may hold None)."""
    if "tensor" in data:
        return as_dtype(data["tensor"]), None if data["shape"] is None else tuple(data["shape"])
    if "value" in data:
        return "value", _VALUE_TYPES[data["type"]], data["value"]
    if "list" in data:
        return list, tuple(key_from_json(k) for k in data["list"])
    if "tuple" in data:
        return tuple, tuple(key_from_json(k) for k in data["tuple"])
    if "dict" in data:
        return dict, tuple((k, key_from_json(v)) for k, v in data["dict"])
    if "args" in data:
        return tuple(key_from_json(k) for k in data["args"])
    raise ValueError(f"unknown argument key {data!r:.80}")


def key_matches(saved, key):
    """True when call key `key` fits `saved` (whose tensor dimensions may be None: any size)."""
    if isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[0], DType):
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] == saved[0]):
            return False
        dims, actual = saved[1], key[1]
        return dims is None or (len(dims) == len(actual) and all(d is None or d == a for d, a in zip(dims, actual)))
    if isinstance(saved, tuple) and isinstance(key, tuple) and len(saved) == len(key):
        return all(key_matches(s, k) for s, k in zip(saved, key))
    return saved == key


def tensor_keys(key):
    """The ``(dtype, shape)`` leaves of a call key, in the order the function's graph takes its inputs."""
    if _is_string_key(key):
        return []
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], DType):
        return [key]
    if isinstance(key, tuple) and len(key) == 3 and key[0] == "value":
        return []
    if isinstance(key, tuple) and len(key) == 2 and key[0] in (list, tuple, dict):
        items = key[1] if key[0] is not dict else [v for _, v in key[1]]
        return [t for k in items for t in tensor_keys(k)]
    return [t for k in key for t in tensor_keys(k)]


def relaxed_key(a, b):
    """Key `a` with the tensor dimensions that differ from `b`'s (a trace of other sizes) replaced by None."""
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], DType):
        return a[0], tuple(x if x == y else None for x, y in zip(a[1], b[1]))
    if isinstance(a, tuple) and len(a) == 3 and a[0] == "value":
        return a
    if isinstance(a, tuple) and len(a) == 2 and a[0] in (list, tuple):
        return a[0], tuple(relaxed_key(x, y) for x, y in zip(a[1], b[1]))
    if isinstance(a, tuple) and len(a) == 2 and a[0] is dict:
        return dict, tuple((k, relaxed_key(x, y)) for (k, x), (_, y) in zip(a[1], b[1]))
    return tuple(relaxed_key(x, y) for x, y in zip(a, b))


# ---- output structures -------------------------------------------------------------------------------------------

def outputs_to_json(structured, leaves, tensor_slot):
    """A concrete function's output structure (tensor leaves marked `tensor_slot`) as JSON."""
    flat = iter(range(len(leaves)))

    def encode(value):
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise Unsaveable("a dict output with keys that are not strings")
            return {"dict": [[k, encode(value[k])] for k in sorted(value)]}
        if isinstance(value, (list, tuple)):
            return {"tuple" if isinstance(value, tuple) else "list": [encode(v) for v in value]}
        next(flat)
        if value is tensor_slot:
            return {"tensor": True}
        if type(value) not in (int, float, bool, str, type(None)):
            raise Unsaveable(f"an output of type {type(value).__name__}")
        return {"value": value}

    return encode(structured)


def outputs_from_json(data, tensor_slot):
    """(structured outputs, output leaves) as ConcreteFunction takes them, from :func:`outputs_to_json`."""
    def decode(d):
        if "dict" in d:
            return {k: decode(v) for k, v in d["dict"]}
        if "list" in d:
            return [decode(v) for v in d["list"]]
        if "tuple" in d:
            return tuple(decode(v) for v in d["tuple"])
        return tensor_slot if "tensor" in d else d["value"]

    structure = decode(data)
    return structure, nest.flatten(structure)


# ---- tensor specs -------------------------------------------------------------------------------------------------

def spec_to_json(spec):
    if isinstance(spec, (list, tuple)):
        return {"tuple" if isinstance(spec, tuple) else "list": [spec_to_json(s) for s in spec]}
    dims = None if spec.shape.rank is None else spec.shape.as_list()
    return {"shape": dims, "dtype": spec.dtype.name, "name": spec.name}


def spec_from_json(data):
    from ..data._types import TensorSpec
    if "list" in data:
        return [spec_from_json(s) for s in data["list"]]
    if "tuple" in data:
        return tuple(spec_from_json(s) for s in data["tuple"])
    return TensorSpec(data["shape"], data["dtype"], name=data["name"])
