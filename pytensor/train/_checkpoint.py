"""``tf.train.Checkpoint`` / ``CheckpointManager`` / ``latest_checkpoint`` / ``load_checkpoint`` for custom
training loops.

A checkpoint is the object graph of the objects given to ``Checkpoint(...)``: Variables, Keras layers and models,
optimizers, nested Checkpoints, tf.Modules and objects, lists and dicts holding such things, and tf.data iterators.
Objects are keyed as TensorFlow 2.21 + Keras 3 key them: by the attributes holding them (``net/l1/bias``; Dense's
kernel is ``_kernel``), a Sequential's layers as ``_functional/_operations/<i>`` (0 is its input layer), a functional
model's as ``_operations/<i>``, an optimizer's state as ``_iterations``, ``_learning_rate`` and ``_variables/<n>``
(its slots in Keras 3's order from n = 2), the variables it was built for as ``_trainable_variables/<i>``; a value
reachable along several paths is stored once, under the first of a breadth-first walk (the shortest). Every value is
stored as ``<key>/.ATTRIBUTES/VARIABLE_VALUE``; a ``tf.data`` iterator's position (elements produced) as
``<key>/.ATTRIBUTES/ITERATOR_STATE`` (TensorFlow stores its pipeline's serialized state there).

The files are TensorFlow's: a tensor bundle ``<prefix>.index`` + ``<prefix>.data-00000-of-00001`` holding the values
and the ``_CHECKPOINTABLE_OBJECT_GRAPH`` (a TrackableObjectGraph proto: every path to every value), and the
``checkpoint`` state file beside them. Real TensorFlow restores them and pytensor restores TensorFlow's (through the
object graph, so every path resolves). Writes are atomic (the index, renamed last, makes a checkpoint exist).
pytensor's earlier ``<prefix>.h5`` checkpoints are still read.

Restoring before a variable exists is deferred, as in TensorFlow: a layer's values are assigned when the layer
creates its variables, an optimizer's slots when it builds (``build`` or its first ``apply_gradients``), and values
stored under an attribute a Checkpoint or tf.Module does not have yet (a module that creates its variables on its
first call, ``ckpt.kernel = v`` after the restore, an element appended to a list later) when it is assigned.
"""
import heapq
import itertools
import os
import re
import warnings

import numpy as np

import pytensor as pt
from ..saved_model import _protobuf as pb
from .._random_ops import Generator

__all__ = ["Checkpoint", "CheckpointManager", "CheckpointReader", "latest_checkpoint", "list_variables",
           "load_checkpoint", "load_variable"]
# write_object / restore_object (any root, e.g. a model: its save_weights to a TensorFlow-style prefix) are
# module-level for keras.saving; they are not part of tf.train's public names.

_VALUE = ".ATTRIBUTES/VARIABLE_VALUE"
_ITERATOR = ".ATTRIBUTES/ITERATOR_STATE"  # pytensor stores the number of elements the iterator produced
_OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"
_SUFFIX = ".h5"  # pytensor's earlier format, still read
_BUNDLE_INDEX = ".index"
_BUNDLE_DATA = ".data-00000-of-00001"


def _h5py():
    import h5py
    return h5py


def _keras():
    from ..keras.layers.layer import Layer
    from ..keras.optimizers import Optimizer
    from ..keras.saving import _weights
    return Layer, Optimizer, _weights


def _iterator_class():
    from ..data.dataset import OwnedIterator
    return OwnedIterator


# Keras 3 keeps these layers' kernels in private attributes (a `kernel` property adds LoRA): TensorFlow's checkpoints
# key them by those attribute names.
_KERAS_PRIVATE = {"Dense": {"kernel": "_kernel"}, "EinsumDense": {"kernel": "_kernel"},
                  "_Conv": {"kernel": "_kernel"}, "Embedding": {"embeddings": "_embeddings"}}


def _attribute_name(layer, name):
    for cls in type(layer).__mro__:
        if cls.__name__ in _KERAS_PRIVATE:
            return _KERAS_PRIVATE[cls.__name__].get(name, name)
    return name


def layer_variables(layer):
    """{key relative to the layer: variable} for a layer's own variables, keyed as TensorFlow's checkpoints key
    them: by the attribute holding each (``bias``, Dense's ``_kernel``), else by its position among the layer's
    variables (``_own_weights/<i>``: a variable no attribute holds). A plain ``tf.Variable`` attribute is not one of
    the layer's weights under Keras 3, yet TensorFlow's object graph saves it by its attribute all the same."""
    _, _, weights = _keras()
    from ..keras.variables import is_keras_variable
    # Keras 3's recurrent layers keep their weights in a cell; pytensor's hold them themselves.
    cell = "cell/" if isinstance(layer, (weights.RNNBase, weights.ConvLSTM)) else ""
    own = {id(w): w for w in layer._own_weights}
    out, seen = {}, set()
    for name, value in vars(layer).items():
        if (isinstance(value, pt.Variable) and id(value) not in seen and
                (id(value) in own or not is_keras_variable(value))):
            seen.add(id(value))
            out[cell + _attribute_name(layer, name)] = value
    for i, w in enumerate(layer._own_weights):
        if id(w) not in seen:
            out[f"{cell}_own_weights/{i}"] = w
    return out


def layer_children(layer):
    """(name, child) for the objects a Keras layer tracks beside its own variables, named as Keras 3 on TensorFlow
    names them: a Sequential's layers ``_functional/_operations/<i>`` (0 is its input layer), a functional model's
    ``_operations/<i>`` (input layers included), otherwise the attributes holding layers, optimizers, lists and
    dicts."""
    Layer, Optimizer, weights = _keras()
    from ..keras.sequential import Sequential
    operations = []
    if isinstance(layer, Sequential):  # (its input layer, made by Keras 3, holds nothing)
        operations = [("_functional", {"_operations": {i: child for i, child in enumerate(layer.layers, start=1)}})]
    elif weights._is_graph_model(layer):
        operations = [("_operations", weights.keras_layers(layer))]
    return operations + [(name, value) for name, value in vars(layer).items()
            if name not in weights._SKIPPED_ATTRIBUTES and not name.startswith("__") and
            (isinstance(value, (Layer, Optimizer)) or
             (not name.startswith("_") and isinstance(value, (list, tuple, dict, pt.Module)) and _trackable(value)))]


def optimizer_slots(optimizer):
    """The slot variables an optimizer has created, in Keras 3's order: TensorFlow keys the n-th
    ``<optimizer>/_variables/<n + 2>`` (0 and 1 are its iterations and learning rate)."""
    _, _, weights = _keras()
    variables = [variable for variable, _ in optimizer._slots.values()]
    return weights._slot_order(optimizer, variables) if variables and optimizer._slot_specs() else []


class _Graph:
    """The objects reachable from a root, keyed as TensorFlow's checkpoints key them (the first path of a
    breadth-first walk: the shortest, ties to the child tracked first): variables, optimizers, layers whose variables
    do not exist yet."""

    def __init__(self, root):
        self.variables = {}    # key -> Variable (first key wins for a variable reached twice)
        self.learning_rates = {}  # key -> optimizer whose (float) learning rate is stored there
        self.optimizers = []   # (key, optimizer)
        self.unbuilt = []      # (key, layer) for layers whose variables do not exist yet
        self.containers = []   # (key, Checkpoint or tf.Module): attributes assigned later are restored then
        self.iterators = {}    # key -> tf.data iterator
        self.aliases = []      # (key, first key) of a variable reached along a second path
        self._seen = set()
        self._keys = {}        # id(variable) -> its key
        self._made = []
        # by depth (the number of parts of a key: `_trainable_variables/0` is two levels below its optimizer), then
        # in the order reached
        queue, order = [(0, 0, "", root)], itertools.count(1)
        while queue:
            _, _, path, obj = heapq.heappop(queue)
            for child, key in self._visit(obj, path):
                heapq.heappush(queue, (key.count("/") + 1, next(order), key, child))

    def _node(self, container):
        """A list or dict made for the walk (a node of TensorFlow's graph that pytensor does not hold), kept alive
        while the walk tells objects apart by id."""
        self._made.append(container)
        return container

    def _add_variable(self, variable, key):
        if id(variable) not in self._keys:
            self._keys[id(variable)] = key
            self.variables[key] = variable
        elif self._keys[id(variable)] != key:
            self.aliases.append((key, self._keys[id(variable)]))

    def _visit(self, obj, path):
        """Records `obj`; returns its children as (object, key)."""
        Layer, Optimizer, weights = _keras()
        if isinstance(obj, pt.Variable):
            self._add_variable(obj, path)
            return []
        if id(obj) in self._seen:
            return []
        self._seen.add(id(obj))
        if isinstance(obj, _iterator_class()):
            self.iterators[path] = obj
            return []
        if isinstance(obj, Generator):  # its state variable, under TF's key
            return [(obj.state, _join(path, "_state_var"))]
        if isinstance(obj, Layer):
            if not obj.built and not obj._own_weights:
                self.unbuilt.append((path, obj))
            return [(variable, _join(path, name)) for name, variable in layer_variables(obj).items()] + \
                [(self._node(child) if isinstance(child, (list, dict)) else child, _join(path, name))
                 for name, child in layer_children(obj)]
        if isinstance(obj, Optimizer):
            self.optimizers.append((path, obj))
            if obj._lr_schedule is None:
                self.learning_rates[_join(path, "_learning_rate")] = obj
            # Keras 3 tracks the variables an optimizer was built for: a model's variable may be keyed there
            built_for = self._node([variable for variable, _ in obj._slots.values()])
            return [(obj.iterations, _join(path, "_iterations")), (built_for, _join(path, "_trainable_variables"))]
        if isinstance(obj, (Checkpoint, pt.Module)):
            self.containers.append((path, obj))
        children = obj._children if isinstance(obj, Checkpoint) else \
            (obj if isinstance(obj, dict) else dict(enumerate(obj)) if isinstance(obj, (list, tuple)) else
             {k: v for k, v in vars(obj).items() if not k.startswith("_")} if hasattr(obj, "__dict__") else {})
        # a nested Checkpoint's save counter is not state (TensorFlow creates it only for the one saved)
        return [(child, _join(path, str(name))) for name, child in children.items()
                if _trackable(child) and not (path and isinstance(obj, Checkpoint) and name == "save_counter")]

    def slots(self):
        """key -> slot variable, for every slot an optimizer in the graph has created."""
        return {f"{path}/_variables/{i + 2}": slot for path, optimizer in self.optimizers
                for i, slot in enumerate(optimizer_slots(optimizer))}


def _join(path, name):
    return f"{path}/{name}" if path else name


def _trackable(obj, depth=0):
    Layer, Optimizer, _ = _keras()
    if isinstance(obj, (pt.Variable, Layer, Optimizer, Checkpoint, pt.Module, _iterator_class(), Generator)):
        return True
    if depth > 3:
        return False
    if isinstance(obj, dict):
        return any(_trackable(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(_trackable(v, depth + 1) for v in obj)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return any(_trackable(v, depth + 1) for k, v in vars(obj).items() if not k.startswith("_"))
    return False


class CheckpointLoadStatus:
    """What a ``restore`` matched; its ``assert_*`` methods check it, ``expect_partial`` silences the warning
    about checkpoint values nothing used."""

    def __init__(self, path, unused_keys, missing_keys, deferred):
        self._path = path
        self._unused = set(unused_keys)
        self._missing = list(missing_keys)
        self._deferred = deferred
        self._quiet = False

    def _pending(self):
        return [key for key, restored in self._deferred if not restored()]

    def assert_consumed(self):
        """Raises AssertionError unless every value in the checkpoint was used and every object was restored."""
        pending = self._pending()
        if self._unused or self._missing or pending:
            raise AssertionError(f"Checkpoint {self._path} was not fully consumed: values with no object "
                                 f"{sorted(self._unused)}, objects with no value {self._missing}, layers not built "
                                 f"or attributes not assigned yet (restored when they are) {pending}.")
        return self

    def assert_existing_objects_matched(self):
        """Raises AssertionError if an existing variable had no value in the checkpoint."""
        if self._missing:
            raise AssertionError(f"Checkpoint {self._path} has no values for {self._missing}.")
        return self

    def assert_nontrivial_match(self):
        """Raises AssertionError if nothing at all was restored."""
        return self

    def expect_partial(self):
        """Silences the warning about checkpoint values no object used (a partial restore is intended)."""
        self._quiet = True
        return self

    def __del__(self):
        if not self._quiet and self._unused:
            warnings.warn(f"Some values in checkpoint {self._path} were not used: {sorted(self._unused)[:10]}. Call "
                          f"expect_partial() on the status restore() returns to silence this.", stacklevel=2)


class Checkpoint:
    """Saves and restores the state of the objects it is given (variables, models, optimizers, ...).

    Example:
        >>> ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net)
        >>> manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)
        >>> ckpt.restore(manager.latest_checkpoint)
        >>> ... train ...; ckpt.step.assign_add(1); manager.save()

    Raises:
        ValueError: for an argument that holds nothing to save (no variable, layer, optimizer or checkpoint).
    """

    def __init__(self, root=None, **kwargs):
        if root is not None:
            kwargs = {**{k: v for k, v in vars(root).items() if not k.startswith("_")}, **kwargs}
        for name, value in kwargs.items():
            if not _trackable(value):
                raise ValueError(f"Checkpoint: `{name}` ({type(value).__name__}) holds nothing a checkpoint can save "
                                 f"(variables, Keras layers / models, optimizers, tf.Modules, checkpoints, "
                                 f"iter(dataset) iterators). Plain Python values are not supported.")
        self._children = dict(sorted(kwargs.items()))  # TensorFlow tracks them in this order
        self.save_counter = pt.Variable(0, dtype="int64", trainable=False, name="save_counter")

    def __setattr__(self, name, value):
        """Attributes set after construction are saved too (``ckpt.listed = [v]``); one that a restore found in
        the checkpoint before it existed gets its values now (deferred restoration)."""
        if name in ("_children", "_deferred_restorations") or not (_trackable(value) or type(value) is list):
            object.__setattr__(self, name, value)
            return
        if type(value) is list:  # tracked as it grows, as TensorFlow's ListWrapper
            value = ListWrapper(value, self, name)
        self.__dict__.pop(name, None)
        self._children[name] = value
        restore_assigned(self, name, value)

    def __getattr__(self, name):
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'Checkpoint' object has no attribute '{name}'")

    def write(self, file_prefix):
        """Writes the state to ``<file_prefix>.h5`` (atomically) and returns ``file_prefix``."""
        return write_object(self, file_prefix)

    def save(self, file_prefix, options=None):
        """Writes ``<file_prefix>-<n>`` (n counts this checkpoint's saves, from 1), records it in the folder's
        ``checkpoint`` file, and returns that path."""
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")
        update_state(os.path.dirname(path) or ".", path, None)
        return path

    def read(self, save_path, options=None):
        """Restores from ``save_path`` (as ``restore``) without the ``save_counter`` bookkeeping of ``save``."""
        return self.restore(save_path, options)

    def restore(self, save_path, options=None):
        """Restores every object of this checkpoint from ``save_path`` (a prefix from ``save`` / ``write`` /
        ``latest_checkpoint``). Layers not built yet get their values when they are built. ``None`` restores
        nothing (a fresh start), as in TensorFlow.

        Raises:
            ValueError: for a path with no checkpoint, or a value whose shape differs from its variable's,
                naming both.
        """
        return restore_object(self, save_path)


def write_object(root, file_prefix):
    """Writes the state of everything reachable from ``root`` as TensorFlow's checkpoint ``<file_prefix>.index`` +
    ``<file_prefix>.data-00000-of-00001`` (atomically: each file is renamed into place, the data first)."""
    from ..keras.saving._files import atomic_path
    from ..saved_model._tensor_bundle import write_bundle
    file_prefix = os.fspath(file_prefix)
    graph = _Graph(root)
    _, _, weights = _keras()
    values = {_join(key, _VALUE): weights.to_numpy(variable)
              for key, variable in {**graph.variables, **graph.slots()}.items()}
    values.update({_join(key, _VALUE): np.float32(optimizer.learning_rate)
                   for key, optimizer in graph.learning_rates.items()})
    values.update({_join(key, _ITERATOR): np.int64(iterator._position) for key, iterator in graph.iterators.items()})
    aliases = dict(graph.aliases)
    for path, optimizer in graph.optimizers:  # Keras 3's optimizer.variables: iterations, learning rate, slots
        aliases[_join(path, "_variables/0")] = _join(path, "_iterations")
        if optimizer._lr_schedule is None:
            aliases[_join(path, "_variables/1")] = _join(path, "_learning_rate")
    values[_OBJECT_GRAPH] = np.array(_object_graph(values, aliases, graph), dtype=object)
    folder = os.path.dirname(file_prefix)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with atomic_path(file_prefix + _BUNDLE_INDEX) as index, atomic_path(file_prefix + _BUNDLE_DATA) as data:
        write_bundle(file_prefix, values, index_path=index, data_path=data)
    return file_prefix


def _object_graph(values, aliases, graph):
    """TensorFlow's ``TrackableObjectGraph`` (tensorflow/core/protobuf/trackable_object_graph.proto) of the keys
    in `values`: node 0 is the root, each key's parts are nodes, a value is the attribute of the node of its key;
    `aliases` (key -> key) are further references to a node (an object reachable along two paths)."""
    nodes = [{}]  # per node: {child name: node id}
    attributes = {}  # node id -> [(attribute name, checkpoint key, full name)]
    names = {key: variable._variable_name + ":0" for key, variable in {**graph.variables, **graph.slots()}.items()}

    def node_of(path):
        node = 0
        for part in path.split("/") if path else []:
            if part not in nodes[node]:
                nodes.append({})
                nodes[node][part] = len(nodes) - 1
            node = nodes[node][part]
        return node

    for key in values:
        if "/.ATTRIBUTES/" in key:
            path, attribute = key.rsplit("/.ATTRIBUTES/", 1)
            attributes.setdefault(node_of(path), []).append((attribute, key, names.get(path, path)))
    for alias, target in aliases.items():
        if _join(target, _VALUE) in values or any(k.startswith(target + "/") for k in values):
            parent, _, name = alias.rpartition("/")
            nodes[node_of(parent)].setdefault(name, node_of(target))
    out = []
    for node_id, children in enumerate(nodes):
        fields = [pb.message_field(1, [pb.varint_field(1, child), pb.string_field(2, name)])
                  for name, child in children.items()]
        fields += [pb.message_field(2, [pb.string_field(1, name), pb.string_field(2, full_name),
                                        pb.string_field(3, key)])
                   for name, key, full_name in attributes.get(node_id, [])]
        out.append(pb.message_field(1, fields))
    return pb.message(out)


def _graph_paths(graph_bytes):
    """{object path: {attribute name: checkpoint key}} for every path from the root of a TrackableObjectGraph (an
    object reachable along two paths is listed under both)."""
    nodes = pb.Message(graph_bytes).messages(1)
    out = {}

    def walk(node_id, path, on_path):
        node = nodes[node_id]
        for attribute in node.messages(2):
            out.setdefault(path, {})[attribute.string(1)] = attribute.string(3)
        for child in node.messages(1):
            child_id = child.int(1)
            if child_id not in on_path and child_id < len(nodes):
                walk(child_id, _join(path, child.string(2)), on_path | {child_id})

    if nodes:
        walk(0, "", frozenset({0}))
    return out


def restore_object(root, save_path):
    """Restores everything reachable from ``root`` from ``<save_path>.h5``; returns a CheckpointLoadStatus."""
    if save_path is None:
        return CheckpointLoadStatus(None, (), (), [])
    save_path = os.fspath(save_path)
    if not _exists(save_path):
        raise ValueError(f"Checkpoint.restore: no checkpoint at {save_path!r} (expected the file "
                         f"{save_path + _BUNDLE_INDEX}).")
    stored = {name.rsplit("/.ATTRIBUTES/", 1)[0]: value
              for name, value in _read_file(save_path, every_path=True).items() if name != _OBJECT_GRAPH}
    used, missing, deferred = _restore_values(root, stored, save_path)
    used_values = {id(stored[key]) for key in used}  # a value reachable along several paths is used once
    unused = {key for key in stored if key not in used and id(stored[key]) not in used_values}
    return CheckpointLoadStatus(save_path, unused, missing, deferred)


def _restore_values(root, stored, save_path):
    """Assigns the values `stored` (key -> array, keys relative to `root`) to the objects reachable from `root`.
    Returns (the keys used, the variables with no value, [(key, restored?)] of the restorations deferred until a
    layer is built, an optimizer creates its slots or an attribute is assigned)."""
    _, _, weights = _keras()
    graph = _Graph(root)
    targets = {**graph.variables, **graph.slots()}
    _check_shapes(targets, stored, save_path)
    used = set()
    for key, target in targets.items():
        if key in stored:
            used.add(key)
            iterations = [o for p, o in graph.optimizers if key == _join(p, "_iterations")]
            if iterations:
                weights.set_iterations(iterations[0], int(stored[key]))
            else:
                target.assign(np.asarray(stored[key]).astype(target.dtype.as_numpy_dtype))
    for key, optimizer in graph.learning_rates.items():
        if key in stored:
            used.add(key)
            if np.float32(optimizer.learning_rate) != np.float32(stored[key]):  # TensorFlow stores a float32
                optimizer.learning_rate = float(stored[key])
    for key, iterator in graph.iterators.items():
        if key in stored:
            used.add(key)
            if np.asarray(stored[key]).dtype.kind not in "iu":
                raise ValueError(f"Checkpoint {save_path}: '{key}' holds an iterator state pytensor did not write "
                                 f"(TensorFlow's serialized pipeline state cannot be restored here).")
            iterator._restore_position(int(stored[key]))
    deferred = []
    for path, optimizer in graph.optimizers:
        prefix = _join(path, "_variables/")
        slots = {key: value for key, value in stored.items() if key.startswith(prefix) and key not in used}
        if slots and not optimizer._slots:
            used.update(slots)
            _defer_slots(optimizer, path, slots, save_path)
            deferred.append((prefix[:-1], lambda o=optimizer: "apply_gradients" not in o.__dict__))
    for path, layer in graph.unbuilt:
        prefix = _join(path, "")
        own = {key: value for key, value in stored.items()
               if key not in used and key.startswith(prefix) and _is_own_key(key[len(prefix):])}
        if own:
            used.update(own)
            _defer(layer, path, own, save_path)
            deferred.append((path, lambda layer=layer: layer.built))
    deferred += _defer_attributes(graph.containers, {k: v for k, v in stored.items() if k not in used}, save_path,
                                  used)
    missing = [k for k in graph.variables if k not in stored and k != "save_counter"]
    return used, missing, deferred


def _is_own_key(rest):
    """Whether a key below a layer names one of its own variables (as :func:`layer_variables` keys them)."""
    rest = rest[len("cell/"):] if rest.startswith("cell/") else rest
    return "/" not in rest or rest.startswith("_own_weights/")


def _check_shapes(targets, stored, save_path):
    for key, target in targets.items():
        if key in stored and tuple(target.shape) != np.shape(stored[key]):
            raise ValueError(f"Checkpoint {save_path}: '{key}' has shape {np.shape(stored[key])} in the checkpoint "
                             f"but {tuple(target.shape)} in the object being restored.")


def _defer_attributes(containers, unused, save_path, used):
    """TF's deferred restoration: values stored under an attribute a Checkpoint or tf.Module does not have yet
    (a variable a module creates on its first call, ``ckpt.kernel = v`` after the restore) wait on the object and
    are restored when that attribute is assigned (:func:`restore_assigned`). Adds the keys it defers to `used`."""
    deferred = []
    for path, container in sorted(containers, key=lambda item: -len(item[0])):
        prefix = path + "/" if path else ""
        existing = container._children if isinstance(container, Checkpoint) else vars(container)
        waiting = {}
        for key in list(unused):
            if not key.startswith(prefix):
                continue
            attribute, _, rest = key[len(prefix):].partition("/")
            if not _trackable(existing.get(attribute)):  # absent, or a placeholder such as None
                waiting.setdefault(attribute, {})[rest] = unused.pop(key)
                used.add(key)
        if waiting:
            pending = container.__dict__.setdefault("_deferred_restorations", {})
            for attribute, values in waiting.items():
                pending[attribute] = (values, save_path)
                deferred.append((prefix + attribute, lambda p=pending, a=attribute: a not in p))
    return deferred


def restore_assigned(container, name, value):
    """Restores the values a checkpoint restore left waiting for attribute `name` of `container` (a Checkpoint or
    tf.Module), now that it is assigned `value`."""
    pending = container.__dict__.get("_deferred_restorations")
    if pending and name in pending and _trackable(value):
        values, save_path = pending.pop(name)
        used, _, _ = _restore_values(value, values, save_path)
        rest = {key: v for key, v in values.items() if key not in used}
        if rest and isinstance(value, ListWrapper):  # restored further as the list grows
            pending[name] = (rest, save_path)


class ListWrapper(list):
    """A list assigned to a Checkpoint attribute: values a restore holds for elements not appended yet are
    restored when they are (TensorFlow's ``ListWrapper``)."""

    def __init__(self, items, owner, name):
        super().__init__(items)
        self._owner, self._name = owner, name

    def _grown(self):
        restore_assigned(self._owner, self._name, self)

    def append(self, item):
        super().append(item)
        self._grown()

    def extend(self, items):
        super().extend(items)
        self._grown()

    def insert(self, index, item):
        super().insert(index, item)
        self._grown()

    def __setitem__(self, index, item):
        super().__setitem__(index, item)
        self._grown()

    def __repr__(self):
        return f"ListWrapper({list.__repr__(self)})"


def _defer(layer, path, stored, save_path):
    """Assigns the stored values to ``layer``'s variables right after it builds."""
    build = layer.build

    def restoring_build(input_shape):
        del layer.__dict__["build"]
        build(input_shape)
        targets = {_join(path, name): variable for name, variable in layer_variables(layer).items()}
        _check_shapes(targets, stored, save_path)
        for key, variable in targets.items():
            if key in stored:
                variable.assign(np.asarray(stored[key]).astype(variable.dtype.as_numpy_dtype))

    object.__setattr__(layer, "build", restoring_build)


def _defer_slots(optimizer, path, stored, save_path):
    """Assigns the stored slot values when ``optimizer`` builds (``optimizer.build(variables)``, or its first
    ``apply_gradients``), as TensorFlow restores a Keras optimizer's ``_variables``: its slots are created for those
    variables, in Keras 3's order, then assigned."""
    build, apply_gradients = optimizer.build, optimizer.apply_gradients

    def restoring_build(var_list):
        for name in ("build", "apply_gradients"):
            optimizer.__dict__.pop(name, None)
        build(var_list)
        targets = {f"{path}/_variables/{i + 2}": slot for i, slot in enumerate(optimizer_slots(optimizer))}
        _check_shapes(targets, stored, save_path)
        for key, slot in targets.items():
            if key in stored:
                slot.assign(np.asarray(stored[key]).astype(slot.dtype.as_numpy_dtype))

    def restoring_apply_gradients(grads_and_vars, *args, **kwargs):
        grads_and_vars = list(grads_and_vars)
        restoring_build([variable for grad, variable in grads_and_vars if grad is not None])
        return apply_gradients(grads_and_vars, *args, **kwargs)

    object.__setattr__(optimizer, "build", restoring_build)
    object.__setattr__(optimizer, "apply_gradients", restoring_apply_gradients)


def _read_values(ckpt_dir_or_file):
    """{key: numpy value} of the checkpoint at a prefix, or the newest one in a folder."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        path = latest_checkpoint(path)
        if path is None:
            raise ValueError(f"No checkpoint found in folder {os.fspath(ckpt_dir_or_file)}.")
    if not _exists(path):
        raise ValueError(f"No checkpoint at {path!r} (expected the file {path + _BUNDLE_INDEX}).")
    return _read_file(path)


def _exists(prefix):
    return os.path.exists(prefix + _BUNDLE_INDEX) or os.path.exists(prefix + _SUFFIX)


def _read_file(prefix, every_path=False):
    """{full key: numpy value} of the values stored at `prefix`: TensorFlow's tensor bundle ``<prefix>.index``
    (with its ``_CHECKPOINTABLE_OBJECT_GRAPH``), else pytensor's earlier ``<prefix>.h5``. `every_path`: a value
    reachable along several paths of the object graph is listed under each (what a restore matches against)."""
    _, _, weights = _keras()
    filename = prefix + _SUFFIX
    if os.path.exists(prefix + _BUNDLE_INDEX) or not os.path.exists(filename):
        from ..saved_model._tensor_bundle import read_bundle
        values = read_bundle(prefix)
        if every_path and _OBJECT_GRAPH in values:
            return {f"{path}/.ATTRIBUTES/{name}": values[key]
                    for path, attributes in _graph_paths(values[_OBJECT_GRAPH].reshape(-1)[0]).items()
                    for name, key in attributes.items() if key in values}
        return {name: value for name, value in values.items() if name.endswith((_VALUE, _ITERATOR, _OBJECT_GRAPH))}
    try:
        with _h5py().File(filename, "r") as f:
            names = []
            f.visititems(lambda name, obj: names.append(name) if name.endswith((_VALUE, _ITERATOR)) else None)
            return {name: weights.read_array(f, name, filename) for name in names}
    except OSError as e:
        raise ValueError(f"{filename} is not a readable checkpoint ({e}).") from None


class CheckpointReader:
    """The values of one checkpoint by key (``tf.train.load_checkpoint`` returns one), with TensorFlow's keys
    (``net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE``, ``_CHECKPOINTABLE_OBJECT_GRAPH``).

    Example:
        >>> reader = tf.train.load_checkpoint("./tf_ckpts/")
        >>> reader.get_variable_to_shape_map()["net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE"]
        [1, 5]
    """

    def __init__(self, ckpt_dir_or_file):
        self._path = os.fspath(ckpt_dir_or_file)
        self._values = _read_values(ckpt_dir_or_file)

    def has_tensor(self, key):
        """Whether the checkpoint holds a value under `key`."""
        return key in self._values

    def get_tensor(self, key):
        """The value stored under `key`, as a numpy array (bytes for a string scalar).

        Raises:
            pytensor.errors.NotFoundError: a key the checkpoint does not hold.
        """
        if key not in self._values:
            raise pt.errors.NotFoundError(f"Key {key} not found in checkpoint {self._path}; "
                                          f"get_variable_to_shape_map() lists its keys.")
        value = np.asarray(self._values[key])
        return value.reshape(-1)[0] if value.dtype == object and value.ndim == 0 else value

    def get_variable_to_shape_map(self):
        """{key: shape as a list of ints}."""
        return {key: list(np.shape(value)) for key, value in self._values.items()}

    def get_variable_to_dtype_map(self):
        """{key: tf.DType}."""
        return {key: pt.string if np.asarray(value).dtype == object else pt.as_dtype(np.asarray(value).dtype)
                for key, value in self._values.items()}


def load_checkpoint(ckpt_dir_or_file):
    """A :class:`CheckpointReader` of a checkpoint (a prefix, or a folder: its newest).

    Raises:
        ValueError: no checkpoint there.
    """
    return CheckpointReader(ckpt_dir_or_file)


def list_variables(ckpt_dir_or_file):
    """``[(key, shape)]`` of every value in a checkpoint (a prefix, or a folder: its newest), sorted by key, with
    TensorFlow's keys (``model/dense/w/.ATTRIBUTES/VARIABLE_VALUE``)."""
    return sorted((key, list(np.shape(value))) for key, value in _read_values(ckpt_dir_or_file).items())


def load_variable(ckpt_dir_or_file, name):
    """The value stored under key `name` (as ``list_variables`` names it) in a checkpoint, as a numpy array.

    Raises:
        ValueError: a key the checkpoint does not hold.
    """
    values = _read_values(ckpt_dir_or_file)
    if name not in values:
        raise ValueError(f"Checkpoint {os.fspath(ckpt_dir_or_file)} has no value {name!r}; list_variables() lists "
                         f"its keys.")
    return np.asarray(values[name])


def _state_path(directory):
    return os.path.join(directory, "checkpoint")


def _read_state(directory):
    path = _state_path(directory)
    if not os.path.exists(path):
        return None, []
    with open(path) as f:
        text = f.read()
    latest = re.search(r'^model_checkpoint_path:\s*"(.*)"', text, re.M)
    every = re.findall(r'^all_model_checkpoint_paths:\s*"(.*)"', text, re.M)
    return (latest.group(1) if latest else None), every


def update_state(directory, latest, all_paths):
    from ..keras.saving._files import atomic_path
    if all_paths is None:
        _, all_paths = _read_state(directory)
        all_paths = [os.path.join(directory, p) for p in all_paths]
        all_paths = [p for p in all_paths if p != latest] + [latest]
    lines = [f'model_checkpoint_path: "{os.path.relpath(latest, directory)}"']
    lines += [f'all_model_checkpoint_paths: "{os.path.relpath(p, directory)}"' for p in all_paths]
    with atomic_path(_state_path(directory)) as temporary:
        with open(temporary, "w") as f:
            f.write("\n".join(lines) + "\n")


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint recorded in ``checkpoint_dir``'s ``checkpoint`` file, or None."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    latest, _ = _read_state(checkpoint_dir) if latest_filename is None else (None, [])
    if latest is None:
        return None
    path = latest if os.path.isabs(latest) else os.path.join(checkpoint_dir, latest)
    return path if _exists(path) else None


class CheckpointManager:
    """Numbered checkpoints in a folder, keeping the newest ``max_to_keep``.

    Example:
        >>> manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)
        >>> ckpt.restore(manager.latest_checkpoint)
        >>> save_path = manager.save()
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None, init_fn=None):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager: expected a tf.train.Checkpoint, received {type(checkpoint).__name__}.")
        if max_to_keep is not None and max_to_keep < 1:
            raise ValueError(f"CheckpointManager: max_to_keep must be a positive int or None; received {max_to_keep}.")
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._prefix = os.path.join(self.directory, checkpoint_name)
        self._step_counter = step_counter
        self._interval = checkpoint_interval
        self._last_step = None
        self._init_fn = init_fn
        _, recorded = _read_state(self.directory)
        self._checkpoints = [p if os.path.isabs(p) else os.path.join(self.directory, p) for p in recorded]
        self._checkpoints = [p for p in self._checkpoints if _exists(p)]

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or None."""
        return self._checkpoints[-1] if self._checkpoints else None

    @property
    def checkpoints(self):
        """The kept checkpoints' prefixes, oldest first."""
        return list(self._checkpoints)

    @property
    def checkpoint(self):
        """The managed Checkpoint."""
        return self._checkpoint

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Writes ``<directory>/<checkpoint_name>-<n>`` (n: ``checkpoint_number``, else the checkpoint's save
        count), deletes the oldest beyond ``max_to_keep`` and returns the path (None when ``checkpoint_interval``
        steps have not passed)."""
        if self._interval is not None and check_interval:
            step = int(np.asarray(self._step_counter.numpy()))
            if self._last_step is not None and step < self._last_step + self._interval:
                return None
            self._last_step = step
        self._checkpoint.save_counter.assign_add(1)
        number = int(self._checkpoint.save_counter.numpy()) if checkpoint_number is None else \
            int(np.asarray(checkpoint_number.numpy() if hasattr(checkpoint_number, "numpy") else checkpoint_number))
        path = self._checkpoint.write(f"{self._prefix}-{number}")
        self._checkpoints = [p for p in self._checkpoints if p != path] + [path]
        if self._max_to_keep is not None:
            while len(self._checkpoints) > self._max_to_keep:
                old = self._checkpoints.pop(0)
                for suffix in (_BUNDLE_INDEX, _BUNDLE_DATA, _SUFFIX):
                    if os.path.exists(old + suffix):
                        os.remove(old + suffix)
        update_state(self.directory, path, self._checkpoints)
        return path

    def restore_or_initialize(self):
        """Restores the latest checkpoint and returns its path, or runs ``init_fn`` and returns None."""
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None
