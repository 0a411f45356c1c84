"""``keras.callbacks``: hooks into ``fit`` / ``evaluate`` / ``predict`` with Keras's hook names."""
import contextlib
import csv
import json
import math
import os
import re
import sys
import warnings

import numpy as np

from .progbar import Progbar

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "EarlyStopping", "LambdaCallback",
           "TerminateOnNaN", "ReduceLROnPlateau", "CSVLogger", "LearningRateScheduler", "ModelCheckpoint",
           "BackupAndRestore"]


class Callback:
    """Base class: override any of the ``on_*`` hooks; ``self.model`` and ``self.params`` are set by ``fit``.

    Example:
        >>> class PrintLoss(keras.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(epoch, logs["loss"])
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Called by the training loop with the model being trained."""
        self.model = model

    def set_params(self, params):
        """Called with ``{"verbose": ..., "epochs": ..., "steps": ...}``."""
        self.params = params

    def on_train_begin(self, logs=None):
        """Start of ``fit``."""

    def on_train_end(self, logs=None):
        """End of ``fit``; ``logs`` are the last epoch's."""

    def on_epoch_begin(self, epoch, logs=None):
        """Start of an epoch (0-based ``epoch``)."""

    def on_epoch_end(self, epoch, logs=None):
        """End of an epoch; ``logs`` hold the epoch's metrics and the ``val_`` ones."""

    def on_train_batch_begin(self, batch, logs=None):
        """Start of a training batch (0-based within the epoch); by default calls ``on_batch_begin``."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """End of a training batch (``logs``: the running epoch averages); by default calls ``on_batch_end``."""
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs=None):
        """Start of ``evaluate`` (or of validation in ``fit``)."""

    def on_test_end(self, logs=None):
        """End of ``evaluate``."""

    def on_test_batch_begin(self, batch, logs=None):
        """Start of an evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """End of an evaluation batch."""

    def on_predict_begin(self, logs=None):
        """Start of ``predict``."""

    def on_predict_end(self, logs=None):
        """End of ``predict``."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Start of a prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """End of a prediction batch; ``logs["outputs"]`` holds its outputs."""

    def on_batch_begin(self, batch, logs=None):
        """TF 1 name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """TF 1 name of ``on_train_batch_end``."""


class CallbackList:
    """Calls a hook on each callback in order."""

    def __init__(self, callbacks=None, model=None, **params):
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if model is not None:
                cb.set_model(model)
            cb.set_params(params)

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        takes_index = hook.startswith(("on_epoch_", "on_train_batch_", "on_test_batch_", "on_predict_batch_",
                                       "on_batch_"))

        def dispatch(*args, logs=None):
            # Keras always hands hooks a logs dict, so callables with a required `logs` argument work.
            args = args + ({} if logs is None else logs,) if len(args) == int(takes_index) else args
            for cb in self.callbacks:
                getattr(cb, hook)(*args)
        return dispatch


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the per-epoch list; ``fit`` returns it."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"<pytensor.keras.callbacks.History object at {hex(id(self))}>"


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and Keras's progress bar (``verbose=1``) or one line per epoch (``verbose=2``)."""

    def __init__(self, count_mode="steps", stream=None):
        super().__init__()
        self.stream = stream or sys.stdout
        self.verbose = 1
        self.epochs = 1
        self._bar = None
        self._seen = 0

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)

    def _new_bar(self, target):
        self._seen = 0
        self._bar = Progbar(target, verbose=self.verbose, stream=self.stream) if self.verbose else None

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            self.stream.write(f"Epoch {epoch + 1}/{self.epochs}\n")
        self._new_bar(self.params.get("steps"))

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        if self._bar is not None:
            self._bar.update(self._seen, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None:
            self._bar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_test_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        self.on_train_batch_end(batch, logs)

    def on_test_end(self, logs=None):
        if self._bar is not None:
            self._bar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self.on_train_batch_end(batch, None)

    def on_predict_end(self, logs=None):
        if self._bar is not None:
            self._bar.update(self._seen, [], finalize=True)


def _monitor_op(monitor, mode, callback):
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{callback}: `mode` must be 'auto', 'min' or 'max'; received mode={mode!r}.")
    if mode == "auto":
        name = monitor.removeprefix("val_")
        mode = "max" if name in ("acc", "accuracy", "auc") or name.endswith(("accuracy", "acc", "auc")) else "min"
    return mode


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    With ``restore_best_weights=True`` the model gets the best epoch's weights back when it stops.
    ``mode="auto"`` maximises accuracy / AUC metrics and minimises everything else.

    Example:
        >>> stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = _monitor_op(monitor, mode, "EarlyStopping")
        self.min_delta = abs(min_delta)

    def _improved(self, value, reference):
        if reference is None:
            return True
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            print(f"EarlyStopping: metric '{self.monitor}' is not available; available metrics are "
                  f"{', '.join(logs or {})}.", file=sys.stderr)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose:
                    print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


class LambdaCallback(Callback):
    """A callback from functions: ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)``,
    ``on_batch_begin(batch, logs)``, ``on_batch_end(batch, logs)``, ``on_train_begin(logs)``,
    ``on_train_end(logs)`` and any other hook by its name.

    Example:
        >>> log = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None,
                 on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end)
        for hook, fn in hooks.items():
            if not hook.startswith("on_") or not hasattr(Callback, hook):
                raise TypeError(f"LambdaCallback: unknown hook {hook!r}.")
            if fn is not None:
                setattr(self, hook, fn)


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite, saying at which batch."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


def _get_lr(optimizer):
    return float(np.asarray(optimizer.learning_rate))


def _set_lr(optimizer, value):
    lr = optimizer.learning_rate
    if hasattr(lr, "assign"):
        lr.assign(float(value))
    else:
        optimizer.learning_rate = float(value)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` has not improved by ``min_delta`` for
    ``patience`` epochs, then waits ``cooldown`` epochs; never below ``min_lr``.

    Example:
        >>> reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=1e-3)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau: `factor` must be < 1; received factor={factor}.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, float(factor), patience, verbose
        self.mode = _monitor_op(monitor, mode, "ReduceLROnPlateau")
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self._reset()

    def _reset(self):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.wait = 0
        self.cooldown_counter = 0

    def _improved(self, value):
        return value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _get_lr(self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            print(f"ReduceLROnPlateau: metric '{self.monitor}' is not available; available metrics are "
                  f"{', '.join(logs)}.", file=sys.stderr)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _get_lr(self.model.optimizer)
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    _set_lr(self.model.optimizer, new_lr)
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Sets the learning rate at each epoch's start to ``schedule(epoch, lr)`` (or ``schedule(epoch)``).

    Example:
        >>> sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * 0.9)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = _get_lr(self.model.optimizer)
        try:
            new_lr = self.schedule(epoch, lr)
        except TypeError:  # a one-argument schedule, as Keras allows
            new_lr = self.schedule(epoch)
        new_lr = float(np.asarray(new_lr))
        if not math.isfinite(new_lr):
            raise ValueError(f"LearningRateScheduler: the schedule returned {new_lr} at epoch {epoch}; it must "
                             f"return a finite float.")
        _set_lr(self.model.optimizer, new_lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _get_lr(self.model.optimizer)


class CSVLogger(Callback):
    """Writes each epoch's logs as a CSV row (``epoch`` first, then the keys in sorted order).

    Example:
        >>> logger = keras.callbacks.CSVLogger("training.log", append=False)
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = filename, separator, append
        self._file = None
        self._writer = None
        self._keys = None

    def on_train_begin(self, logs=None):
        import os
        has_header = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115 - kept open
        self._writer = None
        self._keys = None
        self._has_header = has_header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self._keys, delimiter=self.sep)
            if not self._has_header:
                self._writer.writeheader()
        row = {"epoch": epoch}
        row.update({k: logs.get(k, "NA") for k in self._keys})
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None


def _save_every(save_freq, what):
    if save_freq == "epoch":
        return None
    if isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0:
        return save_freq
    raise ValueError(f"{what}: save_freq must be 'epoch' or a positive number of batches; received "
                     f"save_freq={save_freq!r}.")


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) during ``fit``: every epoch, every ``save_freq`` batches, or only when
    ``monitor`` improves (``save_best_only``).

    ``filepath`` may hold ``{epoch}`` (1-based), ``{batch}`` and any log key, with format specs:
    ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``. Files end in ``.keras`` or ``.h5`` (whole model) or
    ``.weights.h5`` with ``save_weights_only=True``; each save is atomic.

    Example:
        >>> checkpoint = keras.callbacks.ModelCheckpoint("best.keras", monitor="val_accuracy", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])

    Raises:
        ValueError: for a filepath of another extension, a bad ``mode`` or ``save_freq``.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        if save_weights_only and self.filepath.endswith(".keras"):
            raise ValueError(f"ModelCheckpoint: with save_weights_only=True the filepath must end in `.weights.h5` "
                             f"(or be a TensorFlow-style checkpoint prefix); received filepath={self.filepath!r}.")
        if not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(f"ModelCheckpoint: the filepath must end in `.keras` (or `.h5`) to save the whole "
                             f"model, or pass save_weights_only=True with a `.weights.h5` name; received "
                             f"filepath={self.filepath!r}.")
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = _monitor_op(monitor, mode, "ModelCheckpoint")
        self.save_freq = save_freq
        self._every = _save_every(save_freq, "ModelCheckpoint")
        self.best = initial_value_threshold
        self._batches_seen = 0

    def _improved(self, value):
        if self.best is None:
            return True
        return value < self.best if self.mode == "min" else value > self.best

    def _path(self, epoch, batch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, batch=None if batch is None else batch + 1, **(logs or {}))
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint: the filepath {self.filepath!r} names {e}, which is not in the logs "
                           f"{sorted(logs or {})} (nor epoch / batch).") from None

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        path = self._path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"ModelCheckpoint: can save the best model only with '{self.monitor}' available; "
                              f"the logs have {sorted(logs)}. Skipping.", stacklevel=3)
                return
            if not self._improved(current):
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose:
                previous = "inf" if self.best is None else f"{self.best:.5f}"
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to {current:.5f}, saving "
                      f"model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)  # as Keras: "training_1/cp.weights.h5" makes training_1/
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)

    def on_train_begin(self, logs=None):
        self._batches_seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._every is None:
            return
        self._batches_seen += 1
        if self._batches_seen % self._every == 0:
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self._every is None:
            self._save(epoch, None, logs)


class BackupAndRestore(Callback):
    """Backs training up to ``backup_dir`` so an interrupted ``fit`` (a crash, a killed job) resumes where it
    stopped: run the same ``fit`` again with the same callback and it restores the weights, the optimizer state and
    the epoch, and continues with the next epoch.

    The backup (``backup-<n>.weights.h5`` with the optimizer state, ``training_metadata.json`` naming it and the
    epoch) is written after every epoch (or every ``save_freq`` batches), the metadata last and atomically, so a
    crash at any point leaves weights and epoch that belong together; it is deleted when ``fit`` completes,
    unless ``delete_checkpoint=False``.

    Example:
        >>> backup = keras.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir must be a folder path; received an empty value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self._every = _save_every(save_freq, "BackupAndRestore")
        self.delete_checkpoint = delete_checkpoint
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._batches_seen = 0
        self._generation = 0

    def _weights_file(self, generation):
        return os.path.join(self.backup_dir, f"backup-{generation}.weights.h5")

    def on_train_begin(self, logs=None):
        self._batches_seen = 0
        if not os.path.exists(self._metadata_path):
            return
        with open(self._metadata_path) as f:
            metadata = json.load(f)
        self._generation = int(metadata.get("generation", 0))
        weights_path = os.path.join(self.backup_dir, metadata.get("weights", "latest.weights.h5"))
        if not self.model.built:
            raise ValueError(f"BackupAndRestore: cannot restore {weights_path} into model "
                             f"'{self.model.name}' before it is built; build it (model.build or an Input) first.")
        self.model.load_weights(weights_path)
        # fit starts from the epoch after the last completed one.
        self.model._initial_epoch = int(metadata["epoch"]) + 1

    def _backup(self, epoch, completed):
        """Writes the weights to a new file, then (atomically) the metadata naming it and the epoch: the metadata
        is the commit point, so a crash at any moment leaves a matching pair of weights and epoch."""
        from .saving._files import atomic_path  # saving imports the models, which import callbacks
        os.makedirs(self.backup_dir, exist_ok=True)
        previous, self._generation = self._generation, self._generation + 1
        self.model.save_weights(self._weights_file(self._generation), overwrite=True)
        with atomic_path(self._metadata_path) as temporary:
            with open(temporary, "w") as f:
                json.dump({"epoch": epoch if completed else epoch - 1, "generation": self._generation,
                           "weights": os.path.basename(self._weights_file(self._generation))}, f)
        with contextlib.suppress(FileNotFoundError):  # (each worker of a multi-worker fit removes it)
            os.remove(self._weights_file(previous))

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._every is not None:
            self._batches_seen += 1
            if self._batches_seen % self._every == 0:
                self._backup(self._epoch, completed=False)

    def on_epoch_end(self, epoch, logs=None):
        if self._every is None:
            self._backup(epoch, completed=True)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            # the metadata first: without it no later fit restores, even if removing a weights file fails
            stale = [name for name in os.listdir(self.backup_dir)
                     if re.fullmatch(r"backup-\d+\.weights\.h5|latest\.weights\.h5", name)]
            for path in [self._metadata_path] + [os.path.join(self.backup_dir, name) for name in stale]:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            with contextlib.suppress(OSError):  # not empty (the user's files), or another worker removed it
                os.rmdir(self.backup_dir)


from .callbacks_tensorboard import TensorBoard  # noqa: E402,F401  (its own file: tf.summary event files)
from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
