"""``tf.saved_model.save``: the object graph, the traced graphs of its functions and its variables, written to a
temporary directory beside the target, fsynced and renamed into place."""
import contextlib
import json
import os
import shutil
import tempfile
import warnings

from .. import _core, _size_polymorphism, errors, nest
from .._function import _TENSOR_SLOT, ConcreteFunction, Function
from .._tensor_api import Tensor, Variable
from . import _format

__all__ = ["save", "SaveOptions"]


class SaveOptions:
    """Options of ``tf.saved_model.save``; accepted for TF's API (pytensor's SavedModels have no device placement,
    namespace whitelist or custom-gradient records to choose)."""

    def __init__(self, namespace_whitelist=None, save_debug_info=False, function_aliases=None,
                 experimental_io_device=None, experimental_variable_policy=None, experimental_custom_gradients=True,
                 **kwargs):
        self.namespace_whitelist = namespace_whitelist
        self.save_debug_info = save_debug_info
        self.function_aliases = function_aliases
        self.experimental_custom_gradients = experimental_custom_gradients


def _keras_layer_class():
    import sys
    module = sys.modules.get("pytensor.keras.layers.layer")  # Keras objects exist only once Keras is imported
    return module.Layer if module is not None else None


def _keras_serve_function(model):
    """``serve``: the model's inference call (training=False) with a batch-polymorphic input signature, as Keras 3's
    ``model.export`` makes it."""
    from ..data._types import TensorSpec
    if not model.built:
        raise ValueError(f"Cannot save model '{model.name}': it is not built, so it has no weights yet. Call it on "
                         f"data or model.build(input_shape) first.")
    shape = getattr(model, "_build_shape", None)
    symbolic = list(getattr(model, "inputs", None) or [])
    if symbolic:
        specs = [TensorSpec([None] + list(t.shape)[1:], getattr(t, "dtype", "float32"), name=_input_name(t, i))
                 for i, t in enumerate(symbolic)]
    elif shape is not None:
        shapes = shape if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)) else [shape]
        specs = [TensorSpec([None] + list(s)[1:], "float32", name=f"inputs_{i}" if len(shapes) > 1 else "inputs")
                 for i, s in enumerate(shapes)]
    else:
        raise ValueError(f"Cannot save model '{model.name}': its input shape is unknown. Call it on data or "
                         f"model.build(input_shape) first.")
    signature = specs if len(specs) == 1 else [specs]

    def serve(inputs):
        return model(inputs, training=False)

    return Function(serve, input_signature=signature, name="serve")


def _input_name(tensor, index):
    node = getattr(tensor, "node", None)
    layer = getattr(node, "layer", None)
    return getattr(layer, "name", None) or f"inputs_{index}"


class _Writer:
    """Collects the object graph, functions and variables of one save."""

    def __init__(self):
        self.nodes = []        # the object graph, JSON-ready
        self.node_of = {}      # id(object) -> node index
        self.variables = []    # the variable table (graph nodes refer to it by index)
        self.variable_index = {}
        self.functions = []    # Function objects, by function index
        self.function_index = {}
        self.keep = []         # objects whose id() is a key above, kept alive for the save

    def variable(self, v):
        if id(v) not in self.variable_index:
            self.variable_index[id(v)] = len(self.variables)
            self.variables.append(v)
        return self.variable_index[id(v)]

    def function(self, fn):
        if id(fn) not in self.function_index:
            self.function_index[id(fn)] = len(self.functions)
            self.functions.append(fn)
        return self.function_index[id(fn)]

    def visit(self, obj, extra=None):
        """The node index of `obj` (added with its children on first sight)."""
        if id(obj) in self.node_of:
            return self.node_of[id(obj)]
        self.keep.append(obj)
        index = len(self.nodes)
        self.node_of[id(obj)] = index
        self.nodes.append(None)
        if isinstance(obj, Variable):
            node = {"kind": "variable", "variable": self.variable(obj)}
        elif isinstance(obj, Function):
            node = {"kind": "function", "function": self.function(obj)}
        elif isinstance(obj, (list, tuple)):
            node = {"kind": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.visit(x) for x in obj if _trackable(x)]}
        elif isinstance(obj, dict):
            node = {"kind": "dict", "items": [[k, self.visit(v)] for k, v in obj.items()
                                              if isinstance(k, str) and _trackable(v)]}
        else:
            children = {}
            for name, value in _attributes(obj):
                children[name] = self.visit(value)
            for name, value in (extra or {}).items():
                children[name] = self.visit(value)
            node = {"kind": "object", "children": children}
        self.nodes[index] = node
        return index


def _attributes(obj):
    """The trackable public attributes of `obj`: instance attributes, then tf.functions defined on its class."""
    out = []
    for name, value in vars(obj).items():
        if not name.startswith("_") and _trackable(value):
            out.append((name, value))
    layer = _keras_layer_class()
    if layer is not None and isinstance(obj, layer):  # as TF restores Keras objects: their weights by kind
        out += [("variables", list(obj.weights)), ("trainable_variables", list(obj.trainable_weights)),
                ("non_trainable_variables", list(obj.non_trainable_weights))]
    seen = {name for name, _ in out}
    for klass in type(obj).__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, Function) and name not in seen and (name == "__call__" or not name.startswith("_")):
                seen.add(name)
                out.append((name, getattr(obj, name)))
    return out


def _trackable(obj, depth=0):
    """True for what a SavedModel keeps: variables, tf.functions, and objects or containers holding them."""
    if isinstance(obj, (Variable, Function)):
        return True
    if depth > 4 or isinstance(obj, (str, bytes, int, float, type)) or callable(obj) and not hasattr(obj, "__dict__"):
        return False
    if isinstance(obj, dict):
        return any(_trackable(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(_trackable(v, depth + 1) for v in obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        layer = _keras_layer_class()
        if layer is not None and isinstance(obj, layer):
            return True
        return any(_trackable(v, depth + 1) for k, v in vars(obj).items() if not k.startswith("_")) or any(
            isinstance(v, Function) for klass in type(obj).__mro__ for v in vars(klass).values())
    return False


def _size_groups(fn):
    """The input_signature's None dimensions as groups of (flat spec index, dimension) that take one size: the
    batch dimension of every input together, then each other None dimension alone; and {(index, dimension): size}
    for the non-batch ones the latest call fixed (features: a model takes one number of them)."""
    flat = nest.flatten(list(fn.input_signature))
    free = [(i, d) for i, s in enumerate(flat) if s.shape.rank is not None
            for d, n in enumerate(s.shape.as_list()) if n is None]
    fixed = {}
    if fn._last_key is not None:  # the latest call's sizes
        shapes = [shape for _, shape in _format.tensor_keys(fn._last_key[0])]
        fixed = {(i, d): shapes[i][d] for i, d in free if d != 0 and i < len(shapes) and d < len(shapes[i])}
    return _size_polymorphism.size_groups([p for p in free if p not in fixed]), fixed


def _trace_at(fn, groups, sizes, fixed):
    from ..data._types import TensorSpec
    flat = nest.flatten(list(fn.input_signature))
    dims = [s.shape.as_list() for s in flat]
    for (i, d), size in fixed.items():
        dims[i][d] = size
    for group, size in zip(groups, sizes):
        for i, d in group:
            dims[i][d] = size
    specs = [TensorSpec(shape, s.dtype) for shape, s in zip(dims, flat)]
    concrete = fn.get_concrete_function(*nest.pack_sequence_as(list(fn.input_signature), specs))
    return next(k for k, c in fn._concrete.items() if c is concrete), concrete


def _polymorphic_trace(fn, table):
    """For a function whose input_signature has None dimensions: (relaxed key, concrete function, size groups,
    numbers) when its graph is the same for every size up to numbers that follow the sizes (shapes, a reshape's
    target, a mean's 1 / n: fitted on traces at sizes 2 and 3, and checked on a trace at other sizes unless only
    output types differ); else None (the function then answers only the shapes it was traced for)."""
    groups, fixed = _size_groups(fn)
    if not groups:
        return None

    def numbers_of(concrete):
        return _core._serialize_graph_numbers(concrete._unoptimized, table(concrete))

    # Every group at 2, then each group at 3 in turn: enough when only value shapes differ; else one trace more,
    # at other sizes of every group, checks the numbers' models.
    sample_sizes = [tuple(3 if k == j else 2 for k in range(len(groups))) for j in range(-1, len(groups))]
    check_sizes = tuple(5 + 2 * j for j in range(len(groups)))
    try:
        key, base = _trace_at(fn, groups, sample_sizes[0], fixed)
        steps = [_trace_at(fn, groups, sizes, fixed) for sizes in sample_sizes[1:]]
        samples = [(sizes, numbers_of(c)) for sizes, c in zip(sample_sizes, [base] + [c for _, c in steps])]
        numbers = _size_polymorphism.fit(samples)
        if numbers is None:
            check_key, check = _trace_at(fn, groups, check_sizes, fixed)
            numbers = _size_polymorphism.fit(samples + [(check_sizes, numbers_of(check))])
            steps.append((check_key, check))
    except (ValueError, TypeError) as e:
        warnings.warn(f"tf.saved_model.save: '{fn._name}' could not be traced at sample sizes for the None "
                      f"dimensions of its input_signature ({e}); only the shapes it was called with are saved.",
                      stacklevel=5)
        return None
    if numbers is None:
        warnings.warn(f"tf.saved_model.save: the graph of '{fn._name}' depends on the sizes its input_signature "
                      f"leaves open in a way pytensor cannot follow, so the loaded function answers only the shapes "
                      f"it was traced for.", stacklevel=5)
        return None
    for step_key, _ in steps:
        key = _format.relaxed_key(key, step_key)
    return key, base, groups, numbers


def _sample_spec(spec):
    from ..data._types import TensorSpec
    dims = [] if spec.shape.rank is None else [1 if d is None else d for d in spec.shape.as_list()]
    return TensorSpec(dims, spec.dtype)


def _concretes(fn, table):
    """[(key, concrete function, polymorphism or None)] to save for `fn`: the size-polymorphic trace of its
    input_signature when there is one ({"groups", "numbers"}), and every trace the function has made."""
    out = []
    if fn.input_signature is not None:
        # The sample-size traces are the save's own: the function's cache and tracing count stay as they were.
        state = dict(fn._concrete), dict(fn._string_generic), list(fn._signatures), fn._last_key
        generic = _polymorphic_trace(fn, table)
        fn._concrete, fn._string_generic, fn._signatures, fn._last_key = state
        if generic is not None:
            key, concrete, groups, numbers = generic
            out.append((key, concrete, {"groups": groups, "numbers": numbers}))
        elif not fn._concrete:
            try:  # the signature's own trace: None dimensions traced as 1, an unknown rank as a scalar
                fn.get_concrete_function(*nest.map_structure(_sample_spec, list(fn.input_signature)))
            except (ValueError, TypeError) as e:
                warnings.warn(f"tf.saved_model.save: '{fn._name}' is saved without a graph: it was never called "
                              f"and cannot be traced with 1 for its None dimensions ({e}). Call it once before "
                              f"saving.", stacklevel=4)
    for key, concrete in list(fn._concrete.items()):
        if not any(poly and _format.key_matches(k, key) for k, _, poly in out):
            out.append((key, concrete, None))
    return out


def _write_file(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _fsync_tree(folder):
    """fsyncs every file under `folder` (concurrently: the disk merges the flushes, one after another each waits
    for its own), then the folders, deepest first."""
    from concurrent.futures import ThreadPoolExecutor

    from ..keras.saving._files import fsync_path
    files, folders = [], []
    for root, _, names in os.walk(folder):
        folders.append(root)
        files += [os.path.join(root, name) for name in names]
    with ThreadPoolExecutor(max_workers=min(8, len(files) or 1)) as pool:
        list(pool.map(fsync_path, files))
    for path in reversed(folders):
        fsync_path(path)


def save(obj, export_dir, signatures=None, options=None):
    """Saves `obj` (a ``tf.Module``, a Keras model or layer, or any object holding variables and tf.functions) with
    its traced functions to the SavedModel directory `export_dir` (pytensor's format; see the package docstring).

    Functions keep every graph they have traced; a function with an ``input_signature`` is traced for it, and when
    its graph does not depend on the sizes the signature leaves as None, the loaded function accepts every size.
    A Keras model gets ``serve`` (its inference call) as ``__call__`` and the ``serving_default`` signature.

    Args:
        obj: the object to save.
        export_dir: the directory (created; an existing SavedModel there is replaced only once the new one is
            complete; other files in an existing folder are kept).
        signatures: a tf.function with an input_signature, a ConcreteFunction, or a dict of them by signature name
            (``serving_default`` when a single one is given).
        options: a ``tf.saved_model.SaveOptions``: ``experimental_custom_gradients`` (default True) saves, for each
            graph that ran a ``tf.custom_gradient``, its gradient graph, which the loaded function differentiates
            with; the other options change nothing in pytensor's format.

    Raises:
        ValueError: an unbuilt Keras model, a signature that is not a traced function, or a target that is a
            file.
    """
    write(obj, export_dir, signatures,
          custom_gradients=True if options is None else bool(options.experimental_custom_gradients))


def write(obj, export_dir, signatures=None, extra_files=None, keras_model=None, custom_gradients=True):
    """:func:`save`; ``extra_files(folder)`` may add files to the SavedModel before it is committed. A Keras model
    (`obj`, or `keras_model` when `obj` wraps one) also gets TensorFlow's files where :mod:`._tf_export` covers it."""
    export_dir = os.fspath(export_dir)
    extra = {}
    layer = _keras_layer_class()
    if layer is not None and isinstance(obj, layer) and not isinstance(getattr(type(obj), "__call__", None), Function):
        keras_model = obj
        serve = _keras_serve_function(obj)
        extra = {"serve": serve, "__call__": serve}
        if signatures is None:
            signatures = serve
    writer = _Writer()
    writer.visit(obj, extra)
    if signatures is None:
        signatures = _default_signature(writer.functions)
    if signatures is not None and not isinstance(signatures, dict):
        signatures = {"serving_default": signatures}
    for name, sig in (signatures or {}).items():
        if isinstance(sig, ConcreteFunction) and sig._function is not None:
            writer.function(sig._function)
        elif isinstance(sig, Function):
            if sig.input_signature is None:
                raise ValueError(f"tf.saved_model.save: signature '{name}' is a tf.function without an "
                                 f"input_signature; give it one, or pass f.get_concrete_function(tf.TensorSpec(...)).")
            writer.function(sig)
        else:
            raise ValueError(f"tf.saved_model.save: signature '{name}' must be a tf.function with an input_signature "
                             f"or a ConcreteFunction, got {type(sig).__name__}.")
    functions, graphs = _trace_functions(writer, custom_gradients)
    metadata = {"format": _format.FORMAT, "version": _format.VERSION, "saved_by": _saved_by(),
                "objects": writer.nodes, "functions": functions,
                "variables": [{"name": v._variable_name, "dtype": v.dtype.name,
                               "shape": list(v.shape), "trainable": bool(v.trainable)} for v in writer.variables],
                "signatures": _signatures_json(signatures or {}, writer)}
    keys = _variable_keys(obj, writer)
    for entry, key in zip(metadata["variables"], keys):
        entry["key"] = key
    tensorflow_graph = _tensorflow_graph(keras_model, signatures or {}, metadata["signatures"], writer.variables, keys)
    if tensorflow_graph is not None:
        metadata["variables_format"] = _format.TENSOR_BUNDLE
    _commit(export_dir, metadata, graphs, keys, writer.variables, extra_files, tensorflow_graph)


def _tensorflow_graph(model, signatures, signatures_json, variables, keys):
    """saved_model.pb's bytes for a Keras model served on one float32 input whose variables all have tensor-bundle
    dtypes (None, with a warning naming what is missing, when there is no TensorFlow graph for it)."""
    if model is None or "serving_default" not in signatures:
        return None
    from . import _tensor_bundle, _tf_export
    sig = signatures["serving_default"]
    specs = nest.flatten(list(sig.structured_input_signature) if isinstance(sig, ConcreteFunction)
                         else list(sig.input_signature))
    try:
        if len(specs) != 1:
            raise _tf_export.Unsupported(f"{len(specs)} inputs (one input only)")
        for v in variables:
            if v.dtype.name not in _tensor_bundle.WRITABLE:
                raise _tf_export.Unsupported(f"the {v.dtype.name} variable '{v.name}' (no tensor-bundle dtype)")
        return _tf_export.build(model, specs[0], signatures_json["serving_default"]["input_names"][0],
                                dict(zip(map(id, variables), keys)))
    except _tf_export.Unsupported as e:
        warnings.warn(f"tf.saved_model.save: model '{model.name}' is saved in pytensor's format only; real "
                      f"TensorFlow cannot load this SavedModel (no TensorFlow graph for {e}).", stacklevel=4)
        return None


class _ExportArchive:
    """What ``model.export`` saves (Keras 3's inference artifact): the ``serve`` endpoint and the variables."""

    def __init__(self, model, serve):
        self.serve = serve
        self.variables = list(model.weights)
        self.trainable_variables = list(model.trainable_weights)
        self.non_trainable_variables = list(model.non_trainable_weights)


def export_model(model, filepath, format="tf_saved_model", verbose=True, input_signature=None):
    """Keras 3's ``model.export``: a SavedModel with the ``serve`` endpoint (inference, batch size free) and the
    ``serving_default`` signature, for ``tf.saved_model.load``."""
    if format != "tf_saved_model":
        raise ValueError(f"model.export: format={format!r} is not supported; pytensor exports 'tf_saved_model' "
                         f"(pytensor's SavedModel directory).")
    if input_signature is not None:
        def serve(inputs):
            return model(inputs, training=False)
        serve = Function(serve, input_signature=list(input_signature), name="serve")
    else:
        serve = _keras_serve_function(model)
    write(_ExportArchive(model, serve), filepath, {"serving_default": serve}, keras_model=model)
    if verbose:
        specs = ", ".join(repr(s) for s in nest.flatten(list(serve.input_signature)))
        print(f"Saved artifact at '{os.fspath(filepath)}'. The following endpoints are available:\n\n"
              f"* Endpoint 'serve'\n  inputs: {specs}")


def _default_signature(functions):
    with_signature = [f for f in functions if f.input_signature is not None]
    return with_signature[0] if len(with_signature) == 1 else None


def _saved_by():
    from ..keras.saving import _pytensor_version
    return f"pytensor {_pytensor_version()}"


def _gradient_function(fn, concrete):
    """The gradient graph of a trace that ran a ``tf.custom_gradient`` (its gradient function is Python, not in the
    graph): a ConcreteFunction of the trace's inputs and an upstream gradient per output to the gradients of the
    inputs, then of the trainable variables the trace reads (returned too), traced through a tape so the custom
    gradients are in it. (None, []) for a trace it cannot call with its inputs in order (keyword or nested
    arguments)."""
    from ..data._types import TensorSpec
    from ..gradient_tape import GradientTape
    from .._function import function
    inputs = concrete._unoptimized.input_types()
    specs = [TensorSpec(shape, dtype) for dtype, shape in inputs + concrete._unoptimized.output_types()]

    variables = concrete.trainable_variables

    def gradient(*flat):
        xs, upstream = list(flat[:len(inputs)]), list(flat[len(inputs):])
        with GradientTape() as tape:
            tape.watch(xs)
            outputs = [t for t in nest.flatten(fn(*xs)) if isinstance(t, Tensor)]
        grads = tape.gradient(outputs, xs + variables, output_gradients=upstream)
        return [_core.zeros_like(x) if g is None else g for x, g in zip(xs + variables, grads)]

    try:
        traced = function(gradient, autograph=False, name=f"{fn._name}_gradient").get_concrete_function(*specs)
    except (TypeError, ValueError) as e:
        warnings.warn(f"tf.saved_model.save: the custom gradient of '{fn._name}' is not saved ({e}); the loaded "
                      f"function differentiates its graph's ops.", stacklevel=4)
        return None, []
    return traced, variables


def _saveable(fn, concrete, table):
    """`concrete`, or, when its graph has no saved form (a host callback: a Generator made under a strategy draws
    through one inside ``strategy.run``), TF's save of it: a dry retrace of its signature here, outside
    ``strategy.run``, where such a generator draws with graph ops from its primary state. String ops, callbacks
    of a graph that serves any value of its string arguments, are folded for the traced values in the retrace (a
    graph per value, which has a saved form). A callback of the function's own (tf.print) is in the retrace too,
    and the save then names it. The function's cache stays as it was."""
    try:
        _core._serialize_graph(concrete._unoptimized, table(concrete))
        return concrete
    except errors.InvalidArgumentError:
        pass
    from .._function import _placeholder, _spec_like

    def spec(leaf):  # the call's tensors and TensorSpecs as placeholders; variables and Python values as they were
        return _placeholder(_spec_like(leaf) if isinstance(leaf, Tensor) and not isinstance(leaf, Variable) else leaf)

    args, kwargs = [], {}
    for name, kind, value in concrete._parameters:
        if kind == "KEYWORD_ONLY":
            kwargs[name] = nest.map_structure(spec, value)
        else:
            args.append(nest.map_structure(spec, value))
    tensors = []
    args, kwargs, _ = fn._canonical_call(args, kwargs, tensors, [])
    _, retraced = fn._trace(args, kwargs, tensors, dry=True, strings_by_value=True)
    retraced._key, retraced._parameters, retraced._call_shape = (concrete._key, concrete._parameters,
                                                                 concrete._call_shape)
    return retraced


def _trace_functions(writer, custom_gradients=True):
    """The functions' JSON entries and the graphs file's bytes; tracing may reach new variables (added to the
    table). `custom_gradients`: a trace that ran a tf.custom_gradient also saves its gradient graph
    (``entry["gradient"]``)."""
    functions, graphs, traced = [], [], []

    def table(concrete):
        for v in concrete._unoptimized.variables():
            writer.variable(v)
        return writer.variables

    for fn in writer.functions:
        entries = []
        for key, concrete, polymorphic in _concretes(fn, table):
            concrete = _saveable(fn, concrete, table)
            try:
                entry = {"key": _format.key_to_json(key), "polymorphic": polymorphic,
                         "outputs": _format.outputs_to_json(concrete._structured_outputs, concrete._output_leaves,
                                                            _TENSOR_SLOT)}
            except _format.Unsaveable as e:
                warnings.warn(f"tf.saved_model.save: a trace of '{fn._name}' is not saved: it takes {e}, which has no "
                              f"saved form.", stacklevel=3)
                continue
            table(concrete)
            entries.append(entry)
            traced.append((entry, concrete))
            gradient, variables = _gradient_function(fn, concrete) if custom_gradients and \
                concrete._custom_gradient else (None, [])
            if gradient is not None:
                table(gradient)
                positions = {id(v): i for i, v in enumerate(writer.variables)}
                entry["gradient"] = {"variables": [positions[id(v)] for v in variables]}
                traced.append((entry["gradient"], gradient))
        functions.append({"name": fn._name, "arg_names": list(fn._arg_names),
                          "input_signature": None if fn.input_signature is None else
                          _format.spec_to_json(list(fn.input_signature)), "concretes": entries})
    # Graph files last: every variable any graph uses is in the table by now.
    offset = 0
    for entry, concrete in traced:
        data = _core._serialize_graph(concrete._unoptimized, writer.variables)
        entry["graph"] = {"offset": offset, "size": len(data), "sha256": _format.sha256(data)}
        offset += len(data)
        graphs.append(data)
    return functions, b"".join(graphs)


def _signatures_json(signatures, writer):
    out = {}
    for name, sig in signatures.items():
        fn = sig._function if isinstance(sig, ConcreteFunction) else sig
        index = writer.function_index[id(fn)]
        specs = list(sig.structured_input_signature) if isinstance(sig, ConcreteFunction) else list(fn.input_signature)
        flat = nest.flatten(specs)
        names = []
        for i, spec in enumerate(flat):
            arg = fn._arg_names[i] if len(flat) == len(fn._arg_names) and i < len(fn._arg_names) else f"args_{i}"
            names.append(spec.name or arg)
        out[name] = {"function": index, "input_signature": _format.spec_to_json(specs), "input_names": names}
    return out


def _variable_keys(obj, writer):
    """Each table variable's checkpoint key: its object path as tf.train.Checkpoint(obj) keys it, else a key of
    its own (variables only a function captures)."""
    from ..train import _checkpoint
    try:
        by_id = {id(v): key for key, v in _checkpoint._Graph(obj).variables.items()}
    except (TypeError, AttributeError):
        by_id = {}
    return [by_id.get(id(v), f"_saved_model_captures/{i}") for i, v in enumerate(writer.variables)]


def _commit(export_dir, metadata, graphs, keys, variables, extra_files, tensorflow_graph):
    """Writes everything to a temporary directory beside `export_dir`, fsyncs it and renames it into place. The
    variables go to TensorFlow's tensor bundle when there is a TensorFlow graph (`tensorflow_graph`, written as
    saved_model.pb), else to variables.h5."""
    from ..keras.saving._files import fsync_path, h5py
    from ..keras.saving._weights import to_numpy, write_array
    from ._tensor_bundle import write_bundle
    parent = os.path.dirname(os.path.abspath(export_dir))
    os.makedirs(parent, exist_ok=True)
    _check_replaceable(export_dir)
    temporary = tempfile.mkdtemp(prefix="." + os.path.basename(os.path.abspath(export_dir)) + ".", suffix=".tmp",
                                 dir=parent)
    try:
        for folder in ("variables", "assets"):
            os.makedirs(os.path.join(temporary, folder))
        _write_file(os.path.join(temporary, _format.GRAPHS), graphs)
        values = {}
        for entry, key, v in zip(metadata["variables"], keys, variables):
            values[f"{key}/.ATTRIBUTES/VARIABLE_VALUE"] = value = to_numpy(v)
            entry["crc32c"] = _format.crc32c(value)
        if tensorflow_graph is not None:
            _write_file(os.path.join(temporary, _format.TF_SAVED_MODEL), tensorflow_graph)
            write_bundle(os.path.join(temporary, _format.VARIABLES), values)
            variables_file = os.path.join(temporary, _format.VARIABLES + _format.BUNDLE_DATA)
        else:
            variables_file = os.path.join(temporary, _format.VARIABLES + ".h5")
            with h5py().File(variables_file, "w") as f:
                for key, value in values.items():
                    # CRC-32C in the JSON rather than HDF5's Fletcher-32, which writes ~15x slower
                    write_array(f, key, value, checksum=False)
        if extra_files is not None:
            extra_files(temporary)
        metadata["variables_file_size"] = os.path.getsize(variables_file)
        _write_file(os.path.join(temporary, _format.METADATA), json.dumps(metadata).encode("utf8"))
        _fsync_tree(temporary)
        _replace(temporary, export_dir)
        fsync_path(parent)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _check_replaceable(export_dir):
    if os.path.exists(export_dir) and not os.path.isdir(export_dir):
        raise ValueError(f"tf.saved_model.save: {export_dir} exists and is a file, not a SavedModel directory.")


def _replace(temporary, export_dir):
    """Renames `temporary` onto `export_dir`. An existing SavedModel there is moved aside first and deleted after;
    a folder holding other files (TF writes into existing folders) keeps them: the SavedModel's entries are moved in
    one by one, saved_model.json last, so an interrupted save leaves a description whose checksums reveal it."""
    from ..keras.saving._files import fsync_path
    if not os.path.exists(export_dir):
        os.rename(temporary, export_dir)
        return
    entries = set(os.listdir(export_dir))
    if entries <= _format.ENTRIES:  # empty, or a SavedModel and nothing else
        backup = temporary[: -len(".tmp")] + ".old"
        os.rename(export_dir, backup)
        try:
            os.rename(temporary, export_dir)
        except BaseException:
            with contextlib.suppress(OSError):
                os.rename(backup, export_dir)
            raise
        shutil.rmtree(backup, ignore_errors=True)
        return
    names = sorted(os.listdir(temporary), key=lambda name: name == _format.METADATA)
    for name in (_format.ENTRIES & entries) - set(names):  # a previous save's part this one does not have
        target = os.path.join(export_dir, name)
        if os.path.isdir(target):
            shutil.rmtree(target)
        else:
            os.remove(target)
    for name in names:
        source, target = os.path.join(temporary, name), os.path.join(export_dir, name)
        if os.path.isdir(target) and not os.path.islink(target):
            old = os.path.join(temporary, name + ".old")
            os.rename(target, old)
            os.rename(source, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(source, target)
    fsync_path(export_dir)
    os.rmdir(temporary)
