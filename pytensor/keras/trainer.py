"""``Model.compile`` / ``fit`` / ``evaluate`` / ``predict``: the Keras training loop.

The train step is forward, loss, ``GradientTape``, ``optimizer.apply_gradients`` and metric updates: a few
tensor ops per layer and per variable, no per-element Python. Array inputs are batched by indexing the
caller's numpy arrays (one gather per batch, no per-epoch copy of the data).

As in Keras, ``train_step`` / ``test_step`` / ``predict_step`` (the built-in ones or a user's override) run as
graphs: ``fit`` / ``evaluate`` / ``predict`` call a ``pt.function`` over ``steps_per_execution`` batches, traced once
per input signature (the last, smaller batch records one more graph), so the fused graph passes reach every
model kind. Everything a step keeps (loss and metric running means) lives in metric Variables, which the graph
updates; the loop reads the logs as Python floats between executions, for the callbacks and the progress bar.
``compile(run_eagerly=True)`` runs the same steps eagerly, with identical callbacks, logs and History.
"""
import contextlib
import functools
import inspect
import math
import warnings

import numpy as np

import pytensor as pt
from pytensor import _function, errors

from pytensor.distribute import _context as distribute_context

from . import callbacks as callbacks_module
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .mixed_precision import LossScaleOptimizer
from .utils.data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .utils.py_dataset import PyDataset
from ..data._types import SparseLeaf, to_leaf

__all__ = ["Trainer"]


def _to_numpy(value):
    return value.numpy() if isinstance(value, (pt.Tensor, pt.Variable)) else np.asarray(value)


def _flatten(structure):
    return pt.nest.flatten(structure) if structure is not None else []


def _length(a):
    return len(a) if isinstance(a, SparseLeaf) else int(np.shape(a)[0])


def _num_samples(arrays, what):
    lengths = {_length(a) for a in arrays if a is not None}
    if len(lengths) > 1:
        counts = [_length(a) for a in arrays if a is not None]
        raise ValueError(f"{what}: the input arrays have different numbers of samples: {counts}. x, y (and "
                         f"sample_weight) must have one entry per sample.")
    return lengths.pop() if lengths else 0


def _batch_size(x):
    """The number of samples in a batch (a Python int: a traced graph is specialised to its batch's shape)."""
    return int(_flatten(x)[0].shape[0])


def _is_dataset(x):
    return hasattr(x, "as_numpy_iterator") or hasattr(x, "element_spec")


def _is_iterator(x):
    return inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__"))


def _unpack(batch):
    """``(x, y, sample_weight)`` from a dataset / generator element: a tuple is ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; anything else (a list of several inputs too) is ``x``."""
    return unpack_x_y_sample_weight(batch) if isinstance(batch, tuple) else (batch, None, None)


def _class_weights(y, class_weight):
    """Each sample's ``class_weight`` entry (1 for classes not listed): the class is the argmax of one-hot labels,
    else the label rounded (as Keras does)."""
    labels = _to_numpy(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = np.rint(labels.reshape(-1)).astype(np.int64)
    table = np.ones(max(int(labels.max(initial=0)) + 1, max(class_weight) + 1), np.float32)
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    return table[labels]


class _ArrayData:
    """Batches of numpy arrays: each batch gathers its rows (``np.take``), the whole arrays are never copied."""

    def __init__(self, x, y, sample_weight, batch_size, shuffle, what):
        self.x = pt.nest.map_structure(_as_array, x)
        self.y = None if y is None else pt.nest.map_structure(_as_array, y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight, np.float32)
        self.n = _num_samples(_flatten(self.x) + _flatten(self.y) + [self.sample_weight], what)
        if self.n == 0:
            raise ValueError(f"{what}: the input data is empty (0 samples); pass at least one sample.")
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.permutation = np.random.permutation  # under a strategy: the chief's, shared by every worker
        self.steps = math.ceil(self.n / self.batch_size)

    def split(self, fraction):
        """Keras's ``validation_split``: the last ``fraction`` of the samples, taken before shuffling."""
        at = int(self.n * (1.0 - fraction))
        if at == 0 or at == self.n:
            raise ValueError(f"validation_split={fraction} leaves no training or no validation samples out of "
                             f"{self.n}; use a fraction that leaves both at least one.")
        val = _ArrayData.__new__(_ArrayData)
        val.__dict__.update(self.__dict__)
        val.x = pt.nest.map_structure(lambda a: a[at:], self.x)
        val.y = None if self.y is None else pt.nest.map_structure(lambda a: a[at:], self.y)
        val.sample_weight = None if self.sample_weight is None else self.sample_weight[at:]
        val.n, val.shuffle = self.n - at, False
        val.steps = math.ceil(val.n / val.batch_size)
        self.x = pt.nest.map_structure(lambda a: a[:at], self.x)
        self.y = None if self.y is None else pt.nest.map_structure(lambda a: a[:at], self.y)
        self.sample_weight = None if self.sample_weight is None else self.sample_weight[:at]
        self.n = at
        self.steps = math.ceil(self.n / self.batch_size)
        return val

    def epoch(self):
        order = self.permutation(self.n) if self.shuffle else None
        for start in range(0, self.n, self.batch_size):
            stop = min(start + self.batch_size, self.n)
            if order is None:
                def take(a, start=start, stop=stop):
                    return _rows(a, slice(start, stop))
            else:
                idx = np.sort(order[start:stop])

                def take(a, idx=idx):
                    return _rows(a, idx)
            x = take(self.x) if isinstance(self.x, np.ndarray) else pt.nest.map_structure(take, self.x)
            y = self.y if self.y is None else take(self.y) if isinstance(self.y, np.ndarray) else \
                pt.nest.map_structure(take, self.y)
            sw = None if self.sample_weight is None else take(self.sample_weight)
            yield x, y, sw


def _rows(a, index):
    """Rows `index` (a slice or sorted positions) of an input array; a SparseTensor input's as a SparseTensor."""
    if isinstance(a, SparseLeaf):
        return a[index].to_sparse_tensor()
    return a[index] if isinstance(index, slice) else np.take(a, index, axis=0)


def _as_array(a):
    if isinstance(a, pt.SparseTensor):  # Keras 3 takes sparse inputs: batches are SparseTensors of its rows
        return to_leaf(a)
    array = _to_numpy(a)
    if array.dtype.kind in "iu" and array.dtype not in (np.int32, np.int64):
        array = array.astype(np.int32)  # small integer labels (MNIST's uint8): one cheap copy, not per batch
    return array


class _IterableData:
    """Batches from a tf.data Dataset (iterated afresh each epoch) or a Python generator (one iterator)."""

    def __init__(self, data, steps, what, class_weight=None):
        self.data = data
        self.class_weight = class_weight
        self.is_dataset = _is_dataset(data)
        self.steps = steps
        if self.steps is None and self.is_dataset and hasattr(data, "cardinality"):
            count = int(_to_numpy(data.cardinality()))
            if count == -1:  # tf.data.INFINITE_CARDINALITY
                raise ValueError(f"{what}: the dataset is infinite (e.g. repeat() without a count); pass "
                                 f"steps_per_epoch (fit) or steps (evaluate / predict).")
            self.steps = count if count >= 0 else None
        self._iterator = None if self.is_dataset else iter(data)
        self.what = what

    def epoch(self):
        iterator = iter(self.data) if self.is_dataset else self._iterator
        count = 0
        while self.steps is None or count < self.steps:
            try:
                batch = next(iterator)
            except StopIteration:
                if count == 0:
                    raise ValueError(f"{self.what}: the dataset / generator produced no batches; it is empty or "
                                     f"exhausted (a generator can be consumed only once: repeat() the dataset or "
                                     f"give steps_per_epoch).") from None
                return
            count += 1
            yield self._weighted(batch)

    def _weighted(self, batch):
        """``(x, y, sample_weight)`` of a batch, ``class_weight`` folded into the sample weights."""
        x, y, sample_weight = _unpack(batch)
        if self.class_weight is not None:
            if y is None or pt.nest.is_nested(y):
                raise ValueError(f"{self.what}: class_weight needs a single label array per batch (a model with "
                                 f"one output); use sample weights in the dataset for several outputs.")
            weights = _class_weights(y, self.class_weight)
            sample_weight = weights if sample_weight is None else _to_numpy(sample_weight) * weights
        return x, y, sample_weight


class _PyDatasetData(_IterableData):
    """Batches of a ``keras.utils.PyDataset``: ``__getitem__`` over its indices each epoch (batch order
    shuffled with ``shuffle``, as Keras), between its ``on_epoch_begin`` and ``on_epoch_end``."""

    def __init__(self, py_dataset, steps, shuffle, what, class_weight=None):
        self.py_dataset, self.shuffle = py_dataset, shuffle
        self.class_weight, self.what = class_weight, what
        self.workers = self.max_queue_size = None  # tf.keras 2.x's fit(workers=, max_queue_size=) override these
        count = py_dataset.num_batches
        if count is None and steps is None:
            raise ValueError(f"{what}: the PyDataset is endless (num_batches is None); pass steps_per_epoch (fit) "
                             f"or steps (evaluate / predict).")
        self.steps = count if steps is None else int(steps) if count is None else min(count, int(steps))
        if self.steps == 0:
            raise ValueError(f"{what}: the PyDataset has no batches (len() is 0).")

    def epoch(self):
        self.py_dataset.on_epoch_begin()
        for batch in self.py_dataset._epoch_batches(self.steps, self.shuffle, self.workers, self.max_queue_size):
            yield self._weighted(batch)
        self.py_dataset.on_epoch_end()


def _on_device(execution):
    """An execution's numpy batches as tensors on the GPU where new tensors go there: their uploads are queued (through
    the CUDA backend's pinned staging buffers, without waiting) while the GPU runs the step before. Unchanged on the
    CPU, where the step reads the arrays in place."""
    if execution is None or pt._core.default_device() != "GPU":
        return execution
    first, last, batches = execution
    return first, last, pt.nest.map_structure(lambda a: pt.constant(a) if isinstance(a, np.ndarray) else a, batches)


def _python_logs(logs):
    """A step's logs as Python floats, read after the execution (for the callbacks, the progress bar, History)."""
    return {k: float(_to_numpy(v)) for k, v in logs.items()}


class _CompiledLoss:
    """tf.keras 2.x's ``model.compiled_loss``: ``compiled_loss(y, y_pred, sample_weight=None,
    regularization_losses=None)`` is the total of the compiled losses and the given regularization losses; it
    adds the batch to the ``loss`` logs, as tf.keras 2.x's does."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        total = model._compiled_loss_value(y_true, y_pred, sample_weight)
        for extra in regularization_losses or []:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError("compiled_loss: the model was compiled without a loss and no regularization_losses "
                             "were given; pass loss=... to compile.")
        model._track_loss(y_pred, total)
        return total

    @property
    def metrics(self):
        """The loss trackers."""
        return list(self._model._loss_trackers.values())


class _CompiledMetrics:
    """tf.keras 2.x's ``model.compiled_metrics``: ``update_state(y, y_pred, sample_weight=None)`` updates the
    compiled metrics (built on first use, from the outputs' and labels' shapes)."""

    def __init__(self, model):
        self._model = model

    def update_state(self, y_true, y_pred, sample_weight=None):
        model = self._model
        if model._compiled_outputs is None:
            model._build_compiled(y_true, y_pred)
        model._update_metrics(y_true, y_pred, sample_weight)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    @property
    def metrics(self):
        """The compiled metric objects."""
        return self._model._compiled_metric_objects()


def _in_strategy(method):
    """Runs ``compile`` / ``fit`` / ``evaluate`` / ``predict`` in the scope of the strategy the model was made
    under (as TF); with several workers, ``self._distribution`` is that strategy while it runs."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        optimizer = getattr(self, "optimizer", None)
        strategy = getattr(optimizer, "_distribute_strategy", None) or \
            distribute_context.strategy_of_variables(self.variables)
        previous = self.__dict__.get("_distribution"), self.__dict__.get("_replica_fraction")
        object.__setattr__(self, "_distribution",
                           strategy if strategy is not None and strategy.num_replicas_in_sync > 1 else None)
        try:
            with strategy.scope() if strategy is not None else contextlib.nullcontext():
                return method(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_distribution", previous[0])
            object.__setattr__(self, "_replica_fraction", previous[1])
    return run


def _chief_only_callback(callback):
    """Callbacks that write files (or the terminal) run on the chief worker only."""
    from .callbacks_tensorboard import TensorBoard
    return isinstance(callback, (callbacks_module.ProgbarLogger, callbacks_module.ModelCheckpoint,
                                 callbacks_module.CSVLogger, TensorBoard))


class _RestoreOnly(callbacks_module.Callback):
    """A ``BackupAndRestore`` on a worker other than the chief: it restores the chief's backup when ``fit``
    begins (every worker resumes at the same epoch) but writes and deletes nothing."""

    def __init__(self, backup):
        super().__init__()
        self._backup = backup

    def set_model(self, model):
        super().set_model(model)
        self._backup.set_model(model)

    def on_train_begin(self, logs=None):
        self._backup.on_train_begin(logs)


def _loss_fn(identifier):
    """Returns ``f(y_true, y_pred, sample_weight)`` giving a scalar, from a Loss object or a loss function."""
    loss = losses_module.get(identifier)
    if loss is None or isinstance(loss, losses_module.Loss):
        return loss
    if not callable(loss):
        raise ValueError(f"compile: could not interpret loss {identifier!r}; pass a name such as 'mse', a "
                         f"keras.losses.Loss or a function f(y_true, y_pred).")
    return losses_module.LossFunctionWrapper(loss)


def _loss_name(loss):
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


class Trainer:
    """The ``compile`` / ``fit`` / ``evaluate`` / ``predict`` methods of ``keras.Model``."""

    _compiled = False
    train_function = test_function = predict_function = None  # the traced steps, made on first use
    steps_per_execution = 1
    jit_compile = None
    _distribution = None  # the multi-worker strategy while fit / evaluate / predict run under one
    _replica_fraction = None  # this worker's share of the global batch, which scales its loss's gradient

    # ---- compile ----
    @_in_strategy
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, weighted_metrics=None,
                run_eagerly=None, steps_per_execution=1, jit_compile=None, **kwargs):
        """Configures training.

        Args:
            optimizer: name (``"rmsprop"``, ``"adam"``, ...) or optimizer instance.
            loss: name, ``keras.losses.Loss`` or function ``f(y_true, y_pred)``; for several outputs a list or a
                dict by output name (one loss applies to every output).
            metrics: list of names (``"accuracy"`` picks binary / categorical / sparse accuracy from the loss
                and shapes, as Keras does), Metric objects or functions; or a dict / list of lists per output.
            loss_weights: list or dict of per-output loss weights.
            weighted_metrics: metrics that also get ``sample_weight``.
            run_eagerly: False (the default, as Keras): the steps run as traced graphs; True runs them eagerly
                (for debugging: Python side effects and prints in an overridden ``train_step`` then run every
                step).
            steps_per_execution: batches per call of the traced step (the callbacks' batch hooks run once per
                execution, as Keras).
            jit_compile: accepted (every traced step is compiled to a C++ graph).
        """
        if isinstance(steps_per_execution, bool) or not isinstance(steps_per_execution, (int, np.integer)) or \
                steps_per_execution < 1:
            raise ValueError(f"compile: steps_per_execution must be a positive integer (batches per call of the "
                             f"traced step); got {steps_per_execution!r}.")
        self.optimizer = optimizer if hasattr(optimizer, "apply_gradients") else optimizers_module.get(optimizer)
        if self.dtype_policy.name == "mixed_float16" and not isinstance(self.optimizer, LossScaleOptimizer):
            self.optimizer = LossScaleOptimizer(self.optimizer)  # as Keras 3: float16 gradients need loss scaling
        if distribute_context.has_strategy() and getattr(self.optimizer, "_distribute_strategy", False) is None:
            # An optimizer made outside the model's strategy scope still sums the gradients over its replicas.
            self.optimizer._distribute_strategy = distribute_context.get_strategy()
        # Resolved now so that an unknown name fails here, as a mistake in compile, not at the first fit.
        for identifier in loss.values() if isinstance(loss, dict) else loss if isinstance(loss, (list, tuple)) else [
                loss]:
            _loss_fn(identifier)
        self._loss_spec = loss
        if metrics is not None or weighted_metrics is not None or not hasattr(self, "_metrics_spec"):
            # (Keras 3 keeps the previous compile's metrics when a later compile names none)
            self._metrics_spec = metrics
            self._weighted_metrics_spec = weighted_metrics
        self._loss_weights_spec = loss_weights
        self._compiled = True
        self._compiled_outputs = None  # resolved on the first batch, when the output structure is known
        # Running means of the total loss (and, for several outputs, of each output's), weighted by batch size.
        self._loss_trackers = {"loss": metrics_module.Mean(name="loss")}
        self._output_losses = []
        self.stop_training = False
        self.run_eagerly = bool(run_eagerly)  # also forgets the steps traced for the previous compile
        self.steps_per_execution = int(steps_per_execution)
        self.jit_compile = jit_compile
        self.compiled_loss = _CompiledLoss(self)
        self.compiled_metrics = _CompiledMetrics(self)

    @property
    def run_eagerly(self):
        """Whether ``fit`` / ``evaluate`` / ``predict`` run their steps eagerly (also under
        ``tf.config.run_functions_eagerly(True)``); settable, as in Keras."""
        return bool(self.__dict__.get("_run_eagerly")) or pt.config.functions_run_eagerly()

    @run_eagerly.setter
    def run_eagerly(self, value):
        self.__dict__["_run_eagerly"] = bool(value)
        self.train_function = self.test_function = self.predict_function = None

    def __getstate__(self):
        state = super().__getstate__()
        for name in ("train_function", "test_function", "predict_function"):  # traced again where needed
            state[name] = None
        return state

    def _require_compiled(self, what):
        if not self._compiled:
            raise RuntimeError(f"You must compile your model before {what}: call "
                               f"model.compile(optimizer=..., loss=...) first.")

    def _output_names(self, count):
        names = getattr(self, "output_names", None)
        if names and len(names) == count:
            return list(names)
        return [f"output_{i + 1}" for i in range(count)]

    def _per_output(self, spec, names, what, default=None):
        if isinstance(spec, dict):
            unknown = set(spec) - set(names)
            if unknown:
                raise ValueError(f"compile: {what} given for unknown outputs {sorted(unknown)}; the model's outputs "
                                 f"are {names}.")
            return [spec.get(n, default) for n in names]
        if isinstance(spec, (list, tuple)) and len(names) > 1 and what != "metrics":
            if len(spec) != len(names):
                raise ValueError(f"compile: {len(spec)} {what} given for a model with {len(names)} outputs "
                                 f"{names}; give one per output.")
            return list(spec)
        if what == "metrics" and isinstance(spec, (list, tuple)) and len(names) > 1 and spec and \
                all(isinstance(s, (list, tuple)) for s in spec):
            return list(spec)
        return [spec] * len(names)

    def _resolve_metric(self, identifier, loss, y_true, y_pred):
        if identifier in ("accuracy", "acc"):
            return metrics_module.accuracy_for(loss, y_true.shape, y_pred.shape)(name=identifier)
        metric = metrics_module.get(identifier) if isinstance(identifier, (str, dict, type)) else identifier
        if hasattr(metric, "update_state"):
            if isinstance(identifier, str):
                metric.name = identifier  # Keras 3 names a metric after its string ("mse", not "mean_squared_error")
            return metric
        if callable(metric):
            name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
            return metrics_module.MeanMetricWrapper(metric, name=name)
        raise ValueError(f"compile: could not interpret metric {identifier!r}; pass a name such as 'accuracy', a "
                         f"keras.metrics.Metric or a function f(y_true, y_pred).")

    def _build_compiled(self, y_true, y_pred, require_loss=True):
        """Resolves losses and metrics per output the first time outputs and labels are seen (by the metrics'
        update with ``require_loss=False`` when an overriding ``compute_loss`` made its own loss)."""
        outputs = _flatten(y_pred)
        names = self._output_names(len(outputs))
        labels = [y_true[n] for n in names if n in y_true] if isinstance(y_true, dict) else _flatten(y_true)
        loss_specs = self._per_output(self._loss_spec, names, "losses")
        weights = self._per_output(self._loss_weights_spec, names, "loss_weights") \
            if self._loss_weights_spec is not None else [1.0] * len(names)
        metric_specs = self._per_output(self._metrics_spec, names, "metrics") if self._metrics_spec else \
            [None] * len(names)
        weighted_specs = self._per_output(self._weighted_metrics_spec, names, "metrics") \
            if self._weighted_metrics_spec else [None] * len(names)
        multi = len(names) > 1
        entries = []
        for i, name in enumerate(names):
            loss = _loss_fn(loss_specs[i])
            if loss is not None and i < len(labels):
                self._check_labels(loss, labels[i], outputs[i])
            metric_list = []
            for specs, weighted in ((metric_specs[i], False), (weighted_specs[i], True)):
                for spec in specs if isinstance(specs, (list, tuple)) else ([specs] if specs else []):
                    metric = self._resolve_metric(spec, loss, labels[i] if i < len(labels) else outputs[i],
                                                  outputs[i])
                    display = f"{name}_{metric.name}" if multi else metric.name
                    metric_list.append((display, metric, weighted))
            entries.append((name, loss, weights[i] if weights[i] is not None else 1.0, metric_list))
        if require_loss and all(entry[1] is None for entry in entries) and not self._losses_only_from_layers():
            raise ValueError("compile: no loss was given. Pass loss=... to compile (e.g. "
                             "loss='sparse_categorical_crossentropy'), or add losses in the model with add_loss().")
        if sum(entry[1] is not None for entry in entries) > 1:
            for name, loss, _, _ in entries:
                if loss is not None:
                    self._loss_trackers[f"{name}_loss"] = metrics_module.Mean(name=f"{name}_loss")
        self._compiled_outputs = entries

    def _losses_only_from_layers(self):
        return bool(self.losses)

    @staticmethod
    def _check_labels(loss, y_true, y_pred):
        name = _loss_name(loss).lower()
        true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
        if "sparse_categorical" in name and len(true_shape) == len(pred_shape) and true_shape[-1] != 1 and \
                true_shape[-1] == pred_shape[-1]:
            raise ValueError(f"Loss {_loss_name(loss)} expects integer class labels of shape {pred_shape[:-1]} (or "
                             f"with a trailing 1), but received labels of shape {true_shape}, which look one-hot "
                             f"encoded. Use loss='categorical_crossentropy' for one-hot labels, or pass "
                             f"np.argmax(labels, axis=-1).")
        if name.startswith("categorical_crossentropy") or name == "categoricalcrossentropy":
            if len(true_shape) == len(pred_shape) - 1 or (true_shape and true_shape[-1] == 1 != pred_shape[-1]):
                raise ValueError(f"Loss {_loss_name(loss)} expects one-hot labels of shape {pred_shape}, but "
                                 f"received labels of shape {true_shape}, which look like integer class ids. Use "
                                 f"loss='sparse_categorical_crossentropy' for integer labels, or one-hot encode "
                                 f"them with keras.utils.to_categorical.")

    @property
    def metrics(self):
        """The loss trackers (``loss``, and per output ``<output>_loss``), then the compiled metric objects (after
        the first batch), as Keras: a ``train_step`` may return ``{m.name: m.result() for m in self.metrics}``."""
        if not self._compiled:
            return []
        return list(self._loss_trackers.values()) + self._compiled_metric_objects()

    def _compiled_metric_objects(self):
        return [metric for entry in self._compiled_outputs or [] for _, metric, _ in entry[3]]

    @property
    def metrics_names(self):
        """``["loss", *metric names]``, the order of ``evaluate``'s list."""
        names = ["loss"]
        if self._compiled_outputs:
            if len(self._compiled_outputs) > 1:
                names += [f"{name}_loss" for name, loss, _, _ in self._compiled_outputs if loss is not None]
            names += [display for entry in self._compiled_outputs for display, _, _ in entry[3]]
        return names

    def _reset_metrics(self):
        """Zeroes the loss trackers, the compiled metrics and the metrics an override of ``metrics`` lists."""
        seen = set()
        for metric in list(self._loss_trackers.values()) + self._compiled_metric_objects() + list(self.metrics):
            if id(metric) not in seen:
                seen.add(id(metric))
                metric.reset_state()

    # ---- steps ----
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """The total loss (a scalar tensor): the weighted compiled losses plus the model's ``losses``
        (regularizers, ``add_loss``). Per-output values are kept for the ``<output>_loss`` logs."""
        total = self._compiled_loss_value(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else total + extra
        return total

    def _compiled_loss_value(self, y, y_pred, sample_weight):
        """The weighted sum of the compiled losses (None when no output has one); keeps the per-output values
        for the ``<output>_loss`` logs."""
        if self._compiled_outputs is None:
            self._build_compiled(y, y_pred)
        outputs, labels = _flatten(y_pred), self._labels(y)
        total, per_output = None, []
        for i, (name, loss, weight, _) in enumerate(self._compiled_outputs):
            if loss is None:
                continue
            if i >= len(labels):
                raise ValueError(f"fit/evaluate: the model has {len(outputs)} outputs with losses but {len(labels)} "
                                 f"label arrays were given; pass y with one entry per output.")
            value = loss(labels[i], outputs[i], sample_weight)
            per_output.append((f"{name}_loss", value))
            term = value if weight == 1.0 else value * float(weight)
            total = term if total is None else total + term
        self._output_losses = per_output if len(per_output) > 1 else []
        return total

    def _labels(self, y):
        """Labels as a list in output order (a dict of labels is keyed by output name)."""
        if isinstance(y, dict) and self._compiled_outputs is not None:
            names = [entry[0] for entry in self._compiled_outputs]
            missing = [n for n in names if n not in y]
            if missing:
                raise ValueError(f"fit/evaluate: no labels for outputs {missing}; the label dict has keys "
                                 f"{sorted(y)} and the model's outputs are {names}.")
            return [y[n] for n in names]
        return _flatten(y)

    def _track_loss(self, x, total):
        """Adds a batch's loss(es) to the running means, weighted by the batch size (graph ops when traced)."""
        n = _batch_size(x)
        self._loss_trackers["loss"].update_state(total, sample_weight=n)
        for name, value in self._output_losses:
            self._loss_trackers[name].update_state(value, sample_weight=n)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics with a batch and returns :meth:`get_metrics_result`."""
        self._update_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_metrics(self, y, y_pred, sample_weight):
        if self._compiled_outputs is None:  # the program's compute_loss overrides the one that resolves them
            self._build_compiled(y, y_pred, require_loss=False)
        outputs, labels = _flatten(y_pred), self._labels(y)
        for i, (_, _, _, metric_list) in enumerate(self._compiled_outputs):
            for _, metric, weighted in metric_list:
                metric.update_state(labels[i], outputs[i], sample_weight=sample_weight if weighted else None)

    def get_metrics_result(self):
        """The running loss(es) and metric values as a dict of scalar tensors (of floats over all workers, under a
        strategy); ``fit`` reads them as floats after each execution."""
        if self._distribution is not None:
            return self._distribution._reduced_metrics_result(self)
        logs = {name: tracker.result() for name, tracker in self._loss_trackers.items()}
        for entry in self._compiled_outputs or []:
            for display, metric, _ in entry[3]:
                logs[display] = metric.result()
        return logs

    def train_step(self, data):
        """One optimisation step on a batch: forward, loss, gradients, update, metrics. Returns the logs dict
        (running epoch averages), as Keras's ``train_step`` does.

        ``data`` is the batch as the user gave it (``x``, ``(x, y)`` or ``(x, y, sample_weight)``, as Keras
        passes it), so an override may write ``x, y = data``; ``keras.utils.unpack_x_y_sample_weight`` splits
        any form."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with pt.GradientTape() as tape:
            y_pred = self(x, training=True)
            total = self.compute_loss(x, y, y_pred, sample_weight)
            # Several workers: each loss is its share of the global batch's mean, the gradients are summed.
            scaled = total if self._replica_fraction is None else total * self._replica_fraction
            if isinstance(self.optimizer, LossScaleOptimizer):
                scaled = self.optimizer.scale_loss(scaled)
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        self._track_loss(x, total)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metric updates on a batch (passed as ``train_step``'s) in inference mode; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        total = self.compute_loss(x, y, y_pred, sample_weight)
        self._track_loss(x, total)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on a batch in inference mode (``data`` is ``(x,)``, as Keras passes it)."""
        x, _, _ = _unpack(data) if isinstance(data, tuple) else (data, None, None)
        return self(x, training=False)

    # ---- executions: the steps as graphs ----
    def make_train_function(self, force=False):
        """The function ``fit`` calls once per execution: ``train_step`` over ``steps_per_execution`` batches,
        returning the last logs; a ``pt.function`` unless ``run_eagerly`` (made on first use, again after
        ``compile`` or with ``force``)."""
        return self._make_function("train", force)

    def make_test_function(self, force=False):
        """As :meth:`make_train_function`, for ``test_step`` (``evaluate`` and validation)."""
        return self._make_function("test", force)

    def make_predict_function(self, force=False):
        """As :meth:`make_train_function`, for ``predict_step``; returns every batch's outputs."""
        return self._make_function("predict", force)

    def _make_function(self, kind, force):
        attr = f"{kind}_function"
        function = getattr(self, attr)
        if function is None or force:
            step = getattr(self, f"{kind}_step")
            every_batch = kind == "predict"

            def run_steps(batches):
                results = [step(data) for data in batches]
                return results if every_batch else results[-1]
            # One signature for every batch size: the last, smaller batch records its own graph once, without
            # counting (or warning) as a retrace.
            function = run_steps if self.run_eagerly else pt.function(
                run_steps, reduce_retracing=True, jit_compile=self.jit_compile, name=attr)
            setattr(self, attr, function)
        return function

    def _execute(self, kind, batches):
        """Runs one execution of `kind`'s step on `batches` (a tuple of batches as ``*_step`` takes them)."""
        function = self._make_function(kind, False)
        if isinstance(function, _function.Function):
            if any(isinstance(v, pt.SparseTensor) for v in pt.nest.flatten(batches)):
                self._warn_eager(kind, "its inputs are SparseTensors, which pytensor's traced graphs do not take")
                function = function.python_function
            elif self._distribution is not None:
                self._warn_eager(kind, "under a multi-worker strategy the gradients and metrics are summed over the "
                                       "workers by the communicator, in Python, which a graph cannot call")
                function = function.python_function
            elif not function.experimental_get_tracing_count():
                return self._first_trace(kind, function, batches)
        return function(batches)

    def _first_trace(self, kind, function, batches):
        """The first call of a traced step. A step that needs a tensor's value in Python while it is traced
        (``.numpy()`` of a computed tensor, ``bool()`` of one where no graph control flow replaces it) cannot be
        traced: the variables the failed trace changed are put back and the step runs eagerly from then on, with
        a warning naming the error."""
        variables = self._state_variables()
        saved = [v.numpy() for v in variables]
        try:
            return function(batches)
        except (errors.OperatorNotAllowedInGraphError, errors._SymbolicTensorToNumpyError) as error:
            for variable, value in zip(variables, saved):
                variable.assign(value)
            self._warn_eager(kind, f"{kind}_step cannot be traced into a graph ({error})")
            function = function.python_function
            setattr(self, f"{kind}_function", function)
            return function(batches)

    def _state_variables(self):
        """Every variable a step may change: the model's, the optimizer's and the metrics'."""
        variables = list(self.variables)
        variables += list(getattr(getattr(self, "optimizer", None), "variables", None) or [])
        variables += [v for metric in self.metrics for v in getattr(metric, "variables", ())]
        seen, unique = set(), []
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                unique.append(v)
        return unique

    def _warn_eager(self, kind, reason):
        warned = self.__dict__.setdefault("_warned_eager", set())
        if kind not in warned:
            warned.add(kind)
            warnings.warn(f"Model '{self.name}': {kind}_step runs eagerly, not as a graph: {reason}. Results are the "
                          f"same, only slower; compile(run_eagerly=True) silences this.", UserWarning, stacklevel=4)

    def _executions(self, data, local=True):
        """``(first step, last step, batches)`` per execution: ``steps_per_execution`` consecutive ``(x, y,
        sample_weight)`` batches (under a strategy one batch an execution, this worker's rows when `local`)."""
        size = 1 if self._distribution is not None else self.steps_per_execution
        batches, first = [], 0
        for step, (x, y, sw) in enumerate(data.epoch()):
            if local:
                x, y, sw = self._local_batch(data, x, y, sw)
            batches.append((x, y, sw))
            if len(batches) == size:
                yield first, step, tuple(batches)
                batches, first = [], step + 1
        if batches:
            yield first, first + len(batches) - 1, tuple(batches)

    # ---- data ----
    def _adapt(self, x, y, sample_weight, batch_size, steps, shuffle, what, class_weight=None):
        if x is None:
            raise ValueError(f"{what}: no input data; pass x (and y).")
        if batch_size is not None and int(batch_size) < 1:
            raise ValueError(f"{what}: batch_size must be a positive integer (or None for 32); got {batch_size}.")
        if _is_dataset(x) or _is_iterator(x) or isinstance(x, PyDataset):
            if y is not None:
                raise ValueError(f"{what}: y must not be given when x is a dataset, generator or PyDataset (it "
                                 f"yields (x, y) pairs).")
            if isinstance(x, PyDataset):
                return _PyDatasetData(x, steps, shuffle, what, class_weight)
            return _IterableData(x, steps, what, class_weight)
        if class_weight is not None and y is not None:
            weights = _class_weights(y, class_weight)
            sample_weight = weights if sample_weight is None else np.asarray(sample_weight, np.float32) * weights
        data = _ArrayData(x, y, sample_weight, batch_size, shuffle, what)
        if steps is not None:
            data.steps = min(data.steps, int(steps))
        return data

    # ---- fit ----
    @_in_strategy
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains for ``epochs`` epochs on arrays ``(x, y)``, a tf.data Dataset, a ``keras.utils.PyDataset`` or a
        generator of batches.

        Args:
            x, y: input and label arrays (or lists / dicts of arrays for several inputs / outputs), or x a
                Dataset / generator yielding ``(x, y)`` or ``(x, y, sample_weight)``.
            batch_size: samples per step for arrays (default 32).
            epochs: the epoch to stop at (counting from ``initial_epoch``).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch; ``"auto"`` is 1.
            callbacks: list of ``keras.callbacks.Callback``.
            validation_split: fraction of the array data (its end, before shuffling) held out for validation.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sw)`` or a Dataset.
            shuffle: reshuffle array data each epoch (a PyDataset's batch order, as Keras).
            class_weight: ``{class: weight}`` multiplying each sample's loss.
            sample_weight: per-sample loss weights.
            initial_epoch: the epoch to start from (to resume training).
            steps_per_epoch: batches per epoch (required for endless generators).
            workers, max_queue_size, use_multiprocessing: tf.keras 2.x's fetching of a PyDataset's batches
                (threads; Keras 3 sets them on the PyDataset).

        Returns:
            A ``History`` whose ``history`` dict maps each metric (and ``val_`` metric) to per-epoch values.
        """
        self._require_compiled("training")
        verbose, callbacks = self._chief_only(1 if verbose == "auto" else int(verbose), callbacks)
        train = self._adapt(x, y, sample_weight, batch_size, steps_per_epoch, shuffle, "fit", class_weight)
        if self._distribution is not None and isinstance(train, _ArrayData):
            train.permutation = self._distribution._chief_permutation
        if isinstance(train, _PyDatasetData):
            train.workers, train.max_queue_size = kwargs.get("workers"), kwargs.get("max_queue_size")
        val = None
        if validation_data is not None:
            val = self._validation_data(validation_data, validation_batch_size or batch_size, validation_steps)
        elif validation_split:
            if not isinstance(train, _ArrayData):
                raise ValueError("fit: validation_split is only supported for array inputs; pass validation_data "
                                 "for datasets and generators.")
            val = train.split(float(validation_split))
        self.history = callbacks_module.History()
        cbs = list(callbacks or [])
        if verbose and not any(isinstance(cb, callbacks_module.ProgbarLogger) for cb in cbs):
            cbs.append(callbacks_module.ProgbarLogger())
        cbs.append(self.history)
        callback_list = callbacks_module.CallbackList(cbs, model=self, verbose=verbose, epochs=epochs,
                                                      steps=train.steps)
        self.stop_training = False
        callback_list.on_train_begin()
        # BackupAndRestore sets the epoch an interrupted run resumes at.
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        logs = {}
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            callback_list.on_epoch_begin(epoch)
            logs = self._run_epoch(train, callback_list)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_data(val, None)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

    def _validation_data(self, validation_data, batch_size, steps):
        if isinstance(validation_data, PyDataset):
            return _PyDatasetData(validation_data, steps, False, "fit (validation_data)")
        if _is_dataset(validation_data) or _is_iterator(validation_data):
            return _IterableData(validation_data, steps, "fit (validation_data)")
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError("fit: validation_data must be (x_val, y_val), (x_val, y_val, sample_weight) or a "
                             f"Dataset; received {type(validation_data).__name__}.")
        vx, vy = validation_data[0], validation_data[1]
        vsw = validation_data[2] if len(validation_data) == 3 else None
        return _ArrayData(vx, vy, vsw, batch_size, False, "fit (validation_data)")

    def _chief_only(self, verbose, callbacks):
        """No progress bar and no file-writing callbacks on the workers other than the chief (a BackupAndRestore
        there only restores)."""
        if self._distribution is None or self._distribution._is_chief:
            return verbose, callbacks
        return 0, [_RestoreOnly(cb) if isinstance(cb, callbacks_module.BackupAndRestore) else cb
                   for cb in callbacks or [] if not _chief_only_callback(cb)]

    def _local_batch(self, data, x, y, sw):
        """Under a strategy, this worker's rows of the global batch and its share of the batch."""
        if self._distribution is None:
            return x, y, sw
        (x, y, sw), fraction = self._distribution._local_batch(
            (x, y, sw), getattr(getattr(data, "data", None), "_per_worker", False))
        object.__setattr__(self, "_replica_fraction", fraction)
        return x, y, sw

    def _run_epoch(self, train, callback_list):
        logs = None
        executions = self._executions(train)
        # Array data: the next execution's batches are gathered (and where tensors go to a GPU, their uploads queued)
        # after this step is queued and before its logs are read, so they overlap its run. A pure read of the arrays:
        # a generator's or a dataset's batch is never taken early.
        ahead = isinstance(train, _ArrayData) and self._distribution is None
        fetch = (lambda: _on_device(next(executions, None))) if ahead else (lambda: next(executions, None))
        upcoming = fetch()
        while upcoming is not None:
            first, last, batches = upcoming
            callback_list.on_train_batch_begin(first)
            outputs = self._execute("train", tuple(pack_x_y_sample_weight(*b) for b in batches))
            if ahead:
                upcoming = fetch()
            logs = _python_logs(outputs)
            callback_list.on_train_batch_end(last, logs)
            if self.stop_training:
                break
            if not ahead:
                upcoming = fetch()
        if logs is None:
            raise ValueError("fit: the training data produced no batches; it is empty.")
        return logs

    # ---- evaluate ----
    def _evaluate_data(self, data, callback_list):
        self._reset_metrics()
        logs = None
        for first, last, batches in self._executions(data):
            if callback_list is not None:
                callback_list.on_test_batch_begin(first)
            if any(y is None for _, y, _ in batches):
                raise ValueError("evaluate: labels (y) are required to compute the loss and metrics.")
            logs = _python_logs(self._execute("test", tuple(pack_x_y_sample_weight(*b) for b in batches)))
            if callback_list is not None:
                callback_list.on_test_batch_end(last, logs)
        if logs is None:
            raise ValueError("evaluate: the data produced no batches; it is empty.")
        return logs

    @_in_strategy
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on data, in inference mode.

        Returns:
            The loss (a float) when no metrics were compiled, else ``[loss, *metrics]`` (``metrics_names``
            order), or a dict with ``return_dict=True``.
        """
        self._require_compiled("evaluating")
        verbose, callbacks = self._chief_only(1 if verbose == "auto" else int(verbose), callbacks)
        data = self._adapt(x, y, sample_weight, batch_size, steps, False, "evaluate")
        cbs = list(callbacks or [])
        if verbose:
            cbs.append(callbacks_module.ProgbarLogger())
        callback_list = callbacks_module.CallbackList(cbs, model=self, verbose=verbose, epochs=1, steps=data.steps)
        callback_list.on_test_begin()
        logs = self._evaluate_data(data, callback_list)
        callback_list.on_test_end(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # ---- predict ----
    @_in_strategy
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs as numpy arrays (a list / dict for several outputs), in inference mode.

        Example:
            >>> predictions = model.predict(test_images[:10])
            >>> predictions[0].argmax()
        """
        verbose, callbacks = self._chief_only(1 if verbose == "auto" else int(verbose), callbacks)
        data = self._adapt(x, None, None, batch_size, steps, False, "predict")
        cbs = list(callbacks or [])
        if verbose:
            cbs.append(callbacks_module.ProgbarLogger())
        callback_list = callbacks_module.CallbackList(cbs, model=self, verbose=verbose, epochs=1, steps=data.steps)
        callback_list.on_predict_begin()
        results = None
        structure = None
        for first, last, batches in self._executions(data, local=False):
            callback_list.on_predict_batch_begin(first)
            inputs, splits = [], []
            for bx, _, _ in batches:
                # Under a strategy each worker predicts its rows and returns the whole batch's predictions; a
                # batch with fewer rows than workers is predicted whole on every worker.
                split = self._distribution is not None and _batch_size(bx) >= self._distribution.num_replicas_in_sync
                if split:
                    bx, _, _ = self._local_batch(data, bx, None, None)
                inputs.append((bx,))  # predict_step's data, as Keras passes it: unpack_x_y_sample_weight gives x
                splits.append(split)
            every_outputs = self._execute("predict", tuple(inputs))
            for outputs, split in zip(every_outputs, splits):
                structure = outputs
                flat = [_to_numpy(o) for o in _flatten(outputs)]
                if split:
                    flat = self._distribution._gather_rows(flat)
                if results is None:
                    results = [[] for _ in flat]
                for store, value in zip(results, flat):
                    store.append(value)
            callback_list.on_predict_batch_end(last, {"outputs": every_outputs[-1]})
        callback_list.on_predict_end()
        if results is None:
            raise ValueError("predict: the input data is empty.")
        merged = [parts[0] if len(parts) == 1 else np.concatenate(parts) for parts in results]
        return pt.nest.pack_sequence_as(structure, merged) if pt.nest.is_nested(structure) else merged[0]

    # ---- single batches ----
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One optimisation step on one batch; returns the loss, or ``[loss, *metrics]`` (or a dict)."""
        self._require_compiled("training")
        if class_weight is not None:
            weights = _class_weights(y, class_weight)
            sample_weight = weights if sample_weight is None else np.asarray(sample_weight, np.float32) * weights
        x, y = pt.nest.map_structure(_as_array, x), pt.nest.map_structure(_as_array, y)
        self._reset_metrics()
        return self._batch_result(self._execute("train", (pack_x_y_sample_weight(x, y, sample_weight),)),
                                  return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on one batch in inference mode."""
        self._require_compiled("evaluating")
        x, y = pt.nest.map_structure(_as_array, x), pt.nest.map_structure(_as_array, y)
        self._reset_metrics()
        return self._batch_result(self._execute("test", (pack_x_y_sample_weight(x, y, sample_weight),)),
                                  return_dict)

    def predict_on_batch(self, x):
        """The outputs on one batch as numpy arrays."""
        outputs = self._execute("predict", ((pt.nest.map_structure(_as_array, x),),))[0]
        return pt.nest.map_structure(_to_numpy, outputs) if pt.nest.is_nested(outputs) else _to_numpy(outputs)

    @staticmethod
    def _batch_result(logs, return_dict):
        logs = _python_logs(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values
