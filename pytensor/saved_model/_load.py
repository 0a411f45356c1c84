"""``tf.saved_model.load``: rebuilds the saved objects, variables and functions; functions run their saved graphs in
the C++ executor (no Python source, no re-tracing)."""
import json
import os
import warnings

from .. import _core, _size_polymorphism, nest
from .._function import _TENSOR_SLOT, ConcreteFunction, Function, _is_string_key
from .._tensor_api import Variable
from . import _format

__all__ = ["load", "LoadOptions", "contains_saved_model"]


class LoadOptions:
    """Options of ``tf.saved_model.load``; accepted for TF's API (nothing in them changes pytensor's loading)."""

    def __init__(self, allow_partial_checkpoint=False, experimental_io_device=None, experimental_skip_checkpoint=False,
                 experimental_variable_policy=None, **kwargs):
        self.allow_partial_checkpoint = allow_partial_checkpoint
        self.experimental_skip_checkpoint = experimental_skip_checkpoint


def contains_saved_model(export_dir):
    """True when `export_dir` holds a SavedModel (pytensor's ``saved_model.json`` or TensorFlow's ``saved_model.pb``)."""
    export_dir = os.fspath(export_dir)
    return any(os.path.isfile(os.path.join(export_dir, name)) for name in (_format.METADATA, _format.TF_SAVED_MODEL))


def _error(path, what):
    from ..keras.saving._files import FileError  # Keras loads on first use, not with tf.saved_model
    return FileError(f"{path}: {what}")


def _read_metadata(export_dir):
    if not os.path.isdir(export_dir):
        if os.path.exists(export_dir):
            raise _error(export_dir, "is a file, not a SavedModel directory (a .keras or .h5 file loads with "
                                     "keras.models.load_model).")
        raise OSError(f"SavedModel file does not exist at: {export_dir}")
    path = os.path.join(export_dir, _format.METADATA)
    if not os.path.isfile(path):
        raise _error(export_dir, f"is not a SavedModel: it has no {_format.METADATA} (pytensor's) or "
                                 f"{_format.TF_SAVED_MODEL} (TensorFlow's).")
    try:
        with open(path, "rb") as f:
            metadata = json.loads(f.read())
    except ValueError as e:
        raise _error(path, f"is not valid JSON ({e}); the SavedModel is damaged or incomplete.") from None
    if not isinstance(metadata, dict) or metadata.get("format") != _format.FORMAT:
        raise _error(path, "is not a pytensor SavedModel description.")
    if metadata.get("version") != _format.VERSION:
        raise _error(path, f"has format version {metadata.get('version')}; this pytensor reads version "
                           f"{_format.VERSION}.")
    return metadata


def _read_variables(export_dir, entries, expected_size, variables_format):
    from ..keras.saving._files import open_h5
    from ..keras.saving._weights import read_array
    bundle = variables_format == _format.TENSOR_BUNDLE
    path = os.path.join(export_dir, _format.VARIABLES + (_format.BUNDLE_DATA if bundle else ".h5"))
    if not os.path.isfile(path):
        raise _error(path, "is missing; the SavedModel is incomplete.")
    if os.path.getsize(path) != expected_size:
        raise _error(path, f"has {os.path.getsize(path)} bytes, the SavedModel recorded {expected_size}: the file is "
                           f"truncated or was replaced.")
    if bundle:
        from ._tensor_bundle import read_bundle
        try:
            values = read_bundle(os.path.join(export_dir, _format.VARIABLES))
        except ValueError as e:
            raise _error(path, f"cannot be read: {e}") from None

        def read(key):
            if key not in values:
                raise _error(path, f"has no value '{key}'; the SavedModel is damaged.")
            return values[key]
        return _variables(entries, read, path)
    with open_h5(path, path, "SavedModel variables file") as f:
        return _variables(entries, lambda key: read_array(f, key, path), path)


def _variables(entries, read, path):
    """The saved variables, each value (``read(key)``) checked against its recorded shape, dtype and CRC-32C."""
    out = []
    for entry in entries:
        value = read(f"{entry['key']}/.ATTRIBUTES/VARIABLE_VALUE")
        if list(getattr(value, "shape", ())) != entry["shape"] or value.dtype.name != entry["dtype"]:
            raise _error(path, f"variable '{entry['key']}' has shape {list(value.shape)} and dtype "
                               f"{value.dtype.name}, the SavedModel recorded {entry['shape']} and {entry['dtype']}.")
        if _format.crc32c(value) != entry["crc32c"]:
            raise _error(path, f"variable '{entry['key']}' does not match its recorded CRC-32C: the file is "
                               f"damaged.")
        out.append(Variable(value, trainable=entry["trainable"], name=entry["name"]))
    return out


class _SavedTrace:
    """One saved graph of a function: the call key it answers and its ConcreteFunctions (one per input shape when
    the graph is size-polymorphic: its numbers are recomputed for the call's sizes, then decoded and checked)."""

    def __init__(self, name, key, polymorphic, data, graph, outputs, variables, path, gradient=None):
        self.key = key
        # the saved gradient graph (inputs + upstream -> input gradients) of a trace that ran a tf.custom_gradient,
        # at the trace's shapes
        self._gradient = None if gradient is None else (_core._Executor(gradient[0]), gradient[1])
        self._gradient_inputs = None if gradient is None else [tuple(s) for _, s in gradient[0].input_types()]
        self.polymorphic = polymorphic
        self._name = name
        self._data = data
        self._graph = graph
        self._outputs = outputs
        self._variables = variables  # the graph's variable nodes point at these: keep them alive with it
        self._path = path
        self._by_sizes = {}
        self.specs = _format.tensor_keys(key)

    def _sizes(self, shapes):
        sizes = []
        for group in self.polymorphic["groups"]:
            values = {shapes[i][d] for i, d in group}
            if len(values) != 1:
                raise ValueError(f"function '{self._name}': its inputs must share one batch size, got the shapes "
                                 f"{[shapes[i] for i, _ in group]}")
            sizes.append(values.pop())
        return tuple(sizes)

    def concrete(self, shapes=None):
        """The ConcreteFunction for inputs of `shapes` (None: the shapes the graph was traced for)."""
        sizes = None if shapes is None or not self.polymorphic else self._sizes(shapes)
        concrete = self._by_sizes.get(sizes)
        if concrete is None:
            from ..data._types import TensorSpec
            graph = self._graph
            if sizes is not None:
                data = _size_polymorphism.patched(self._data, self.polymorphic["numbers"], sizes)
                try:
                    graph = _core._deserialize_graph(data, self._variables)
                except (ValueError, TypeError) as e:
                    raise _error(self._path, f"the graph of '{self._name}' for sizes {sizes}: {e}") from None
            structure, leaves = self._outputs
            signature = tuple(TensorSpec(list(s), d) for (d, _), (_, s) in zip(self.specs, graph.input_types()))
            concrete = ConcreteFunction(self._name, graph, structure, leaves, signature, None)
            shapes = [tuple(s) for _, s in graph.input_types()]
            if self._gradient is not None and shapes == self._gradient_inputs[:len(shapes)]:
                concrete._gradient = self._gradient
            elif self._gradient is not None:
                warnings.warn(f"function '{self._name}': its custom gradient was saved for inputs of shapes "
                              f"{self._gradient_inputs[:len(shapes)]}; called with {shapes}, it differentiates its "
                              f"graph's ops (the plain gradient).", stacklevel=4)
            self._by_sizes[sizes] = concrete
        return concrete

    def run(self, tensors):
        return self.concrete([t._shape_tuple() for t in tensors])._run(tensors)


def _unrestorable(*args, **kwargs):
    raise RuntimeError("a loaded SavedModel function has no Python source to run")


class RestoredFunction:
    """A saved ``tf.function``: calls run the saved graph whose input signature matches the arguments."""

    def __init__(self, entry, traces):
        self._name = entry["name"]
        signature = None if entry["input_signature"] is None else _format.spec_from_json(entry["input_signature"])
        # The argument handling of the original function (input_signature binding, call keys) without its source.
        self._binder = Function(_unrestorable, input_signature=signature, name=self._name)
        self._binder._arg_names = list(entry["arg_names"])
        self._traces = traces
        self._exact = {t.key: t for t in traces if not t.polymorphic}

    @property
    def input_signature(self):
        return self._binder.input_signature

    @property
    def concrete_functions(self):
        """The saved graphs, as ConcreteFunctions at their traced shapes."""
        return [t.concrete() for t in self._traces]

    def _match(self, args, kwargs):
        tensors, spec_keys = [], []
        args, kwargs, key = self._binder._canonical_call(args, kwargs, tensors, spec_keys)
        trace = self._exact.get(key)
        if trace is None:
            trace = next((t for t in self._traces if t.polymorphic and _format.key_matches(t.key, key)), None)
        if trace is None:
            saved = "; ".join(_describe(t.key) for t in self._traces) or "none (it was never traced before saving)"
            raise ValueError(f"Could not find a saved trace of function '{self._name}' matching the arguments "
                             f"{_describe(key)}. The loaded function can be called only with the input signatures "
                             f"traced before saving (the Python source is not saved): {saved}.")
        return trace, tensors

    def __call__(self, *args, **kwargs):
        trace, tensors = self._match(args, kwargs)
        return trace.run(tensors)

    def get_concrete_function(self, *args, **kwargs):
        """The saved ConcreteFunction for these arguments (tensors or tf.TensorSpec); with none, the first one."""
        if not args and not kwargs:
            if not self._traces:
                raise ValueError(f"function '{self._name}' was saved without any trace")
            return self._traces[0].concrete()
        from ..data._types import TensorSpec
        from .._function import _placeholder
        args = nest.map_structure(lambda a: _placeholder(a) if isinstance(a, TensorSpec) else a, list(args))
        trace, tensors = self._match(tuple(args), kwargs)
        return trace.concrete([t._shape_tuple() for t in tensors])

    def __repr__(self):
        return f"<RestoredFunction {self._name} with {len(self._traces)} saved graph(s)>"


def _describe(key):
    if isinstance(key, tuple) and len(key) == 2 and not isinstance(key[0], (tuple, type)) and hasattr(key[0], "name"):
        dims = "?" if key[1] is None else "(" + ", ".join("None" if d is None else str(d) for d in key[1]) + ")"
        return f"{key[0].name}{dims}"
    if isinstance(key, tuple) and len(key) == 3 and key[0] == "value":
        return repr(key[2])
    if _is_string_key(key):
        return f"string{tuple(key[1])}"
    if isinstance(key, tuple) and len(key) == 2 and key[0] in (list, tuple, dict):
        items = key[1] if key[0] is not dict else [v for _, v in key[1]]
        return "[" + ", ".join(_describe(k) for k in items) + "]"
    return "(" + ", ".join(_describe(k) for k in key) + ")"


class SignatureFunction:
    """A signature (``loaded.signatures['serving_default']``): takes its inputs by name, returns a dict of outputs
    (a single output is ``output_0``; a dict output keeps its keys)."""

    def __init__(self, name, function, specs, input_names):
        self._name = name
        self._function = function
        self.structured_input_signature = ((), {n: s for n, s in zip(input_names, nest.flatten(specs))})
        self._specs = specs
        self._input_names = input_names

    def __call__(self, *args, **kwargs):
        from .._tensor_api import Tensor
        flat = list(args)
        for name in self._input_names[len(flat):]:
            if name not in kwargs:
                raise TypeError(f"signature '{self._name}' takes the inputs {self._input_names}; '{name}' is missing")
            flat.append(kwargs.pop(name))
        if kwargs:
            raise TypeError(f"signature '{self._name}' got unexpected inputs {sorted(kwargs)}; it takes "
                            f"{self._input_names}")
        specs = nest.flatten(self._specs)
        flat = [x if isinstance(x, Tensor) and x.dtype == s.dtype else _core.convert_to_tensor(x, dtype=s.dtype)
                for x, s in zip(flat, specs)]
        outputs = self._function(*nest.pack_sequence_as(self._specs, flat))
        if isinstance(outputs, dict):
            return dict(outputs)
        return {f"output_{i}": t for i, t in enumerate(nest.flatten(outputs))}

    def __repr__(self):
        return f"<SignatureFunction {self._name}({', '.join(self._input_names)})>"


class _SignatureMap(dict):
    """``loaded.signatures``: signature name -> SignatureFunction."""


class _UserObject:
    """A loaded object: the saved attributes (objects, variables, functions, lists, dicts) and, when it had one, a
    ``__call__`` function."""

    def __call__(self, *args, **kwargs):
        fn = self.__dict__.get("__call__")
        if fn is None:
            raise TypeError("this loaded SavedModel object is not callable: the saved object had no __call__ "
                            "tf.function")
        return fn(*args, **kwargs)

    @property
    def variables(self):
        """The saved ``variables`` list (Keras models), else the variables of everything this object holds."""
        return self.__dict__.get("variables") or _collect(self, lambda v: True)

    @property
    def trainable_variables(self):
        return self.__dict__.get("trainable_variables") or _collect(self, lambda v: v.trainable)


def _collect(root, keep):
    out, seen = [], set()

    def walk(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Variable):
            if keep(obj):
                out.append(obj)
        elif isinstance(obj, (list, tuple)):
            for x in obj:
                walk(x)
        elif isinstance(obj, dict):
            for x in obj.values():
                walk(x)
        elif isinstance(obj, _UserObject):
            for name, x in vars(obj).items():
                if name not in ("signatures",):
                    walk(x)

    walk(root)
    return out


def load(export_dir, tags=None, options=None):
    """Loads a SavedModel that ``tf.saved_model.save`` (or Keras's ``model.export``) wrote here.

    Returns the saved object: its attributes (sub-objects, variables, lists, dicts), its tf.functions (run from
    their saved graphs; callable with the input signatures traced before saving), and ``signatures``.

    A SavedModel written by TensorFlow (``saved_model.pb`` without pytensor's ``saved_model.json``) loads with
    its ``signatures``, the root's tf.functions (``serve``) and ``variables`` when its functions use only the ops
    :mod:`._tf_load` runs (what Keras 3 exports for MLPs and CNNs).

    Raises:
        OSError: no such directory.
        ValueError: a directory that is not a SavedModel or whose files are missing, truncated or damaged; the
            message names the file.
        NotImplementedError: a TensorFlow SavedModel using an op pytensor's loader does not run (named).
    """
    from ..keras.saving._files import FileError
    export_dir = os.fspath(export_dir)
    if (os.path.isdir(export_dir) and not os.path.isfile(os.path.join(export_dir, _format.METADATA))
            and os.path.isfile(os.path.join(export_dir, _format.TF_SAVED_MODEL))):
        from . import _tf_load
        return _tf_load.load(export_dir, tags)
    metadata = _read_metadata(export_dir)
    meta_path = os.path.join(export_dir, _format.METADATA)
    try:
        variables = _read_variables(export_dir, metadata["variables"], metadata["variables_file_size"],
                                    metadata.get("variables_format"))
        graphs = _read_graphs(export_dir)
        functions = [_load_function(graphs, entry, variables) for entry in metadata["functions"]]
        root = _build_objects(metadata["objects"], variables, functions)
        signatures = _SignatureMap()
        for name, sig in metadata["signatures"].items():
            signatures[name] = SignatureFunction(name, functions[sig["function"]],
                                                 _format.spec_from_json(sig["input_signature"]), sig["input_names"])
    except FileError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
        raise _error(meta_path, f"is inconsistent ({type(e).__name__}: {e}); the SavedModel is damaged.") from None
    if isinstance(root, _UserObject):
        root.signatures = signatures
    return root


def _read_graphs(export_dir):
    path = os.path.join(export_dir, _format.GRAPHS)
    try:
        with open(path, "rb") as f:
            return path, f.read()
    except OSError as e:
        raise _error(path, f"cannot be read ({e.strerror}); the SavedModel is incomplete.") from None


def _load_function(graphs, entry, variables):
    path, data = graphs

    def read_graph(where, what):
        graph_bytes = data[where["offset"]: where["offset"] + where["size"]]
        if len(graph_bytes) != where["size"] or _format.sha256(graph_bytes) != where["sha256"]:
            raise _error(path, f"the {what} at bytes {where['offset']}+{where['size']} does not match its recorded "
                               f"SHA-256: the file is damaged or truncated.")
        try:
            return graph_bytes, _core._deserialize_graph(graph_bytes, variables)
        except (ValueError, TypeError) as e:
            raise _error(path, f"the {what}: {e}") from None

    traces = []
    for c in entry["concretes"]:
        graph_bytes, graph = read_graph(c["graph"], f"graph of '{entry['name']}'")
        gradient = (read_graph(c["gradient"]["graph"], f"gradient graph of '{entry['name']}'")[1],
                    [variables[i] for i in c["gradient"]["variables"]]) if "gradient" in c else None
        outputs = _format.outputs_from_json(c["outputs"], _TENSOR_SLOT)
        traces.append(_SavedTrace(entry["name"], _format.key_from_json(c["key"]), c["polymorphic"], graph_bytes,
                                  graph, outputs, variables, path, gradient))
    return RestoredFunction(entry, traces)


def _build_objects(nodes, variables, functions):
    built = [None] * len(nodes)
    for i, node in enumerate(nodes):  # shells first: the object graph may have cycles
        kind = node["kind"]
        built[i] = (_UserObject() if kind == "object" else [] if kind in ("list", "tuple") else {} if kind == "dict"
                    else variables[node["variable"]] if kind == "variable" else functions[node["function"]])
    for i, node in enumerate(nodes):
        kind = node["kind"]
        if kind == "object":
            for name, child in node["children"].items():
                built[i].__dict__[name] = built[child]
        elif kind in ("list", "tuple"):
            built[i].extend(built[c] for c in node["items"])
        elif kind == "dict":
            built[i].update((k, built[c]) for k, c in node["items"])
    return built[0]
