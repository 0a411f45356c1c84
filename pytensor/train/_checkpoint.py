"""``tf.train.Checkpoint`` / ``CheckpointManager`` / ``latest_checkpoint`` for custom training loops.

A checkpoint is the object graph of the objects given to ``Checkpoint(...)``: Variables, Keras layers and models
(their variables at the places Keras 3's weights files use, e.g. ``model/layers/dense/vars/0``), optimizers
(``iterations``, the learning rate, and each slot stored beside the variable it belongs to, under
``<variable>/.OPTIMIZER_SLOT/<optimizer>/<slot>``, as TensorFlow keys them), nested Checkpoints and objects whose
attributes hold such things (``tf.Module``-like classes, lists, dicts). Every value is stored as
``<key>/.ATTRIBUTES/VARIABLE_VALUE``; a ``tf.data`` iterator's position (elements produced) as
``<key>/.ATTRIBUTES/ITERATOR_STATE`` (TensorFlow stores its pipeline's serialized state there).

The file format is pytensor's own: one HDF5 file ``<prefix>.h5`` per checkpoint, and TensorFlow's ``checkpoint``
state file (a text proto with ``model_checkpoint_path`` and ``all_model_checkpoint_paths``) beside it. Writes are
atomic. TensorFlow's tensor bundles (``<prefix>.index`` + ``.data-*``, as a SavedModel's ``variables/`` holds them)
are read too, not written.

Restoring before a variable exists is deferred, as in TensorFlow: a layer's values (and their optimizer slots) are
assigned when the layer creates its variables, and values stored under an attribute a Checkpoint or tf.Module
does not have yet (a module that creates its variables on its first call, ``ckpt.kernel = v`` after the restore)
when that attribute is assigned.
"""
import os
import re
import warnings

import numpy as np

import pytensor as pt

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint", "list_variables", "load_variable"]
# write_object / restore_object (any root, e.g. a model: its save_weights to a TensorFlow-style prefix) are
# module-level for keras.saving; they are not part of tf.train's public names.

_VALUE = ".ATTRIBUTES/VARIABLE_VALUE"
_ITERATOR = ".ATTRIBUTES/ITERATOR_STATE"  # pytensor stores the number of elements the iterator produced
_SUFFIX = ".h5"
_BUNDLE_INDEX = ".index"


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


class _Graph:
    """The objects reachable from a root, with their keys: variables, optimizers and unbuilt layers."""

    def __init__(self, root):
        self.variables = {}    # key -> Variable (first key wins for a variable reached twice)
        self.learning_rates = {}  # key -> optimizer whose (float) learning rate is stored there
        self.optimizers = []   # (key, optimizer)
        self.unbuilt = []      # (key of its vars group, layer) for layers whose variables do not exist yet
        self.containers = []   # (key, Checkpoint or tf.Module): attributes assigned later are restored then
        self.iterators = {}    # key -> tf.data iterator
        self._seen = set()
        self._visit(root, "")

    def _add_variable(self, variable, key):
        if id(variable) not in self._seen:
            self._seen.add(id(variable))
            self.variables[key] = variable

    def _visit(self, obj, path):
        Layer, Optimizer, weights = _keras()
        if isinstance(obj, pt.Variable):
            self._add_variable(obj, path)
            return
        if id(obj) in self._seen:
            return
        self._seen.add(id(obj))
        if isinstance(obj, _iterator_class()):
            self.iterators[path] = obj
            return
        if isinstance(obj, Layer):
            for sub, item, variables in weights.saveables(obj):
                sub_path = _join(path, sub)
                if variables is None:
                    self._visit(item, sub_path[: -len("/vars")])
                elif item.built or variables:
                    for i, variable in enumerate(variables):
                        self._add_variable(variable, f"{sub_path}/{i}")
                else:
                    self.unbuilt.append((sub_path, item))
            return
        if isinstance(obj, Optimizer):
            self.optimizers.append((path, obj))
            self._add_variable(obj.iterations, _join(path, "iterations"))
            if obj._lr_schedule is None:
                self.learning_rates[_join(path, "learning_rate")] = obj
            return
        if isinstance(obj, (Checkpoint, pt.Module)):
            self.containers.append((path, obj))
        children = obj._children if isinstance(obj, Checkpoint) else \
            (obj if isinstance(obj, dict) else dict(enumerate(obj)) if isinstance(obj, (list, tuple)) else
             {k: v for k, v in vars(obj).items() if not k.startswith("_")} if hasattr(obj, "__dict__") else {})
        for name, child in children.items():
            # a nested Checkpoint's save counter is not state (TensorFlow creates it only for the one saved)
            if _trackable(child) and not (path and isinstance(obj, Checkpoint) and name == "save_counter"):
                self._visit(child, _join(path, str(name)))

    def slots(self):
        """key -> slot variable, for every slot of a variable in the graph."""
        out = {}
        keys = {id(v): k for k, v in self.variables.items()}
        for opt_path, optimizer in self.optimizers:
            names = [name for name, _ in optimizer._slot_specs()]
            for variable, slots in optimizer._slots.values():
                if id(variable) in keys:
                    for name, slot in zip(names, slots):
                        out[f"{keys[id(variable)]}/.OPTIMIZER_SLOT/{opt_path}/{name}"] = slot
        return out


def _join(path, name):
    return f"{path}/{name}" if path else name


def _trackable(obj, depth=0):
    Layer, Optimizer, _ = _keras()
    if isinstance(obj, (pt.Variable, Layer, Optimizer, Checkpoint, pt.Module, _iterator_class())):
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
        self._children = dict(kwargs)
        self.save_counter = pt.Variable(0, dtype="int64", trainable=False, name="save_counter")

    def __setattr__(self, name, value):
        """Attributes set after construction are saved too (``ckpt.listed = [v]``); one that a restore found in
        the checkpoint before it existed gets its values now (deferred restoration)."""
        if name.startswith("_") or not _trackable(value):
            object.__setattr__(self, name, value)
            return
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
    """Writes the state of everything reachable from ``root`` to ``<file_prefix>.h5`` (atomically)."""
    from ..keras.saving._files import atomic_path
    file_prefix = os.fspath(file_prefix)
    graph = _Graph(root)
    _, _, weights = _keras()
    folder = os.path.dirname(file_prefix)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with atomic_path(file_prefix + _SUFFIX) as temporary:
        with _h5py().File(temporary, "w") as f:
            for key, variable in {**graph.variables, **graph.slots()}.items():
                weights.write_array(f, f"{key}/{_VALUE}", variable)
            for key, optimizer in graph.learning_rates.items():
                f.create_dataset(f"{key}/{_VALUE}", data=np.float64(optimizer.learning_rate))
            for key, iterator in graph.iterators.items():
                f.create_dataset(_join(key, _ITERATOR), data=np.int64(iterator._position))
    return file_prefix


def restore_object(root, save_path):
    """Restores everything reachable from ``root`` from ``<save_path>.h5``; returns a CheckpointLoadStatus."""
    if save_path is None:
        return CheckpointLoadStatus(None, (), (), [])
    save_path = os.fspath(save_path)
    if not os.path.exists(save_path + _SUFFIX) and not os.path.exists(save_path + _BUNDLE_INDEX):
        raise ValueError(f"Checkpoint.restore: no checkpoint at {save_path!r} (expected the file "
                         f"{save_path + _SUFFIX}).")
    stored = {name.rsplit("/.ATTRIBUTES/", 1)[0]: value for name, value in _read_file(save_path).items()}
    used, missing, deferred = _restore_values(root, stored, save_path)
    return CheckpointLoadStatus(save_path, set(stored) - used, missing, deferred)


def _restore_values(root, stored, save_path):
    """Assigns the values `stored` (key -> array, keys relative to `root`) to the objects reachable from `root`.
    Returns (the keys used, the variables with no value, [(key, restored?)] of the restorations deferred until a
    layer is built or an attribute is assigned)."""
    _, _, weights = _keras()
    graph = _Graph(root)
    targets = dict(graph.variables)
    # Slots: created (as zeros) for restored variables that have a stored slot, then assigned.
    for opt_path, optimizer in graph.optimizers:
        names = [name for name, _ in optimizer._slot_specs()]
        for key, variable in graph.variables.items():
            for i, name in enumerate(names):
                slot_key = f"{key}/.OPTIMIZER_SLOT/{opt_path}/{name}"
                if slot_key in stored:
                    targets[slot_key] = optimizer._slots_of(variable)[i]
    for key, target in targets.items():
        if key in stored and tuple(target.shape) != np.shape(stored[key]):
            raise ValueError(f"Checkpoint {save_path}: '{key}' has shape {np.shape(stored[key])} in the checkpoint "
                             f"but {tuple(target.shape)} in the object being restored.")
    used = set()
    for key, target in targets.items():
        if key in stored:
            used.add(key)
            iterations = [o for p, o in graph.optimizers if key == _join(p, "iterations")]
            if iterations:
                weights.set_iterations(iterations[0], int(stored[key]))
            else:
                target.assign(np.asarray(stored[key]).astype(target.dtype.as_numpy_dtype))
    for key, optimizer in graph.learning_rates.items():
        if key in stored:
            used.add(key)
            optimizer.learning_rate = float(stored[key])
    for key, iterator in graph.iterators.items():
        if key in stored:
            used.add(key)
            if np.asarray(stored[key]).dtype.kind not in "iu":
                raise ValueError(f"Checkpoint {save_path}: '{key}' holds an iterator state pytensor did not write "
                                 f"(TensorFlow's serialized pipeline state cannot be restored here).")
            iterator._restore_position(int(stored[key]))
    deferred = []
    for vars_key, layer in graph.unbuilt:
        prefix = vars_key + "/"
        if any(k.startswith(prefix) for k in stored):
            used.update(k for k in stored if k.startswith(prefix))
            _defer(layer, vars_key, stored, graph.optimizers)
            deferred.append((vars_key, lambda layer=layer: layer.built))
    deferred += _defer_attributes(graph.containers, {k: v for k, v in stored.items() if k not in used}, save_path,
                                  used)
    missing = [k for k in graph.variables if k not in stored and k != "save_counter"]
    return used, missing, deferred


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
        _restore_values(value, values, save_path)


def _defer(layer, vars_key, stored, optimizers):
    """Assigns the stored values (and optimizer slots) to ``layer``'s variables right after it builds."""
    build = layer.build

    def restoring_build(input_shape):
        del layer.__dict__["build"]
        build(input_shape)
        own = [w for w in layer._own_weights if w.trainable] + [w for w in layer._own_weights if not w.trainable]
        for i, variable in enumerate(own):
            key = f"{vars_key}/{i}"
            if key not in stored:
                continue
            variable.assign(np.asarray(stored[key]).astype(variable.dtype.as_numpy_dtype))
            for opt_path, optimizer in optimizers:
                names = [name for name, _ in optimizer._slot_specs()]
                for j, name in enumerate(names):
                    slot_key = f"{key}/.OPTIMIZER_SLOT/{opt_path}/{name}"
                    if slot_key in stored:
                        optimizer._slots_of(variable)[j].assign(stored[slot_key])

    object.__setattr__(layer, "build", restoring_build)


def _read_values(ckpt_dir_or_file):
    """{key: numpy value} of the checkpoint at a prefix, or the newest one in a folder."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        path = latest_checkpoint(path)
        if path is None:
            raise ValueError(f"No checkpoint found in folder {os.fspath(ckpt_dir_or_file)}.")
    if not os.path.exists(path + _SUFFIX) and not os.path.exists(path + _BUNDLE_INDEX):
        raise ValueError(f"No checkpoint at {path!r} (expected the file {path + _SUFFIX}).")
    return _read_file(path)


def _read_file(prefix):
    """{full key: numpy value} of the values stored at `prefix`: pytensor's ``<prefix>.h5``, else a TensorFlow
    tensor bundle ``<prefix>.index`` (what a SavedModel's variables/ holds when it has TensorFlow's files; also
    TensorFlow's own checkpoints, whose keys match for plain variables)."""
    _, _, weights = _keras()
    filename = prefix + _SUFFIX
    if not os.path.exists(filename):
        from ..saved_model._tensor_bundle import read_bundle
        return {name: value for name, value in read_bundle(prefix).items() if name.endswith((_VALUE, _ITERATOR))}
    try:
        with _h5py().File(filename, "r") as f:
            names = []
            f.visititems(lambda name, obj: names.append(name) if name.endswith((_VALUE, _ITERATOR)) else None)
            return {name: weights.read_array(f, name, filename) for name in names}
    except OSError as e:
        raise ValueError(f"{filename} is not a readable checkpoint ({e}).") from None


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
    return path if os.path.exists(path + _SUFFIX) else None


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
        self._checkpoints = [p for p in self._checkpoints if os.path.exists(p + _SUFFIX)]

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
                if os.path.exists(old + _SUFFIX):
                    os.remove(old + _SUFFIX)
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
