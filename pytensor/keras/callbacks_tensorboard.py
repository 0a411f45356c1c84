"""``keras.callbacks.TensorBoard``: training curves, weight histograms and the model's graph for TensorBoard.

Keras's layout and tags: ``log_dir/train`` gets ``epoch_loss``, ``epoch_<metric>``, ``epoch_learning_rate``
(and ``batch_*`` with ``update_freq``), weight histograms ``<model>/<layer>/<weight>/histogram`` and the model's
config graph (tag ``keras``); ``log_dir/validation`` gets the ``val_`` metrics as ``epoch_*`` and
``evaluation_<metric>_vs_iterations``.
"""
import json
import os
import time

import numpy as np

from .. import summary
from ._plot_model import layer_calls
from .callbacks import Callback

__all__ = ["TensorBoard"]


def _profile_range(profile_batch):
    """Keras's profile_batch forms (an int, a pair, or "start,stop") as a (start, stop) pair."""
    message = (f"TensorBoard: profile_batch must be a non-negative integer or a pair (or 'start,stop' string) of "
               f"non-negative integers; got {profile_batch!r}.")
    try:
        if isinstance(profile_batch, str):
            profile_batch = [int(p) for p in profile_batch.split(",")]
        pair = (profile_batch, profile_batch) if isinstance(profile_batch, (int, np.integer)) else \
            tuple(int(p) for p in profile_batch)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if len(pair) != 2 or min(pair) < 0 or pair[0] > pair[1]:
        raise ValueError(message)
    return pair


def _model_config(model):
    """The Keras ``to_json`` form of a Sequential or functional model, with each layer's ``inbound_nodes`` (as
    Keras 3 writes them) so TensorBoard's graph plugin can connect the layers; None for subclassed models."""
    kind = type(model).__name__
    if kind != "Sequential" and getattr(model, "_nodes", None) is None:
        return None
    config = dict(model.get_config())
    calls = layer_calls(model)
    layers = []
    for layer, layer_calls_ in calls:
        entry = {"class_name": type(layer).__name__, "config": layer.get_config(), "name": layer.name}
        if kind != "Sequential":
            entry["inbound_nodes"] = [
                {"args": [[{"class_name": "__keras_tensor__",
                            "config": {"keras_history": [parent.name, node, index]}} for parent, node, index in call]],
                 "kwargs": {}}
                for call in layer_calls_]
        layers.append(entry)
    config["layers"] = layers
    if kind != "Sequential":
        config["input_layers"] = [[t.node.layer.name, 0, 0] for t in model.inputs]
        config["output_layers"] = [[t.node.layer.name, 0, 0] for t in model.outputs]
        kind = "Functional"
    return json.dumps({"class_name": kind, "config": config, "backend": "pytensor"}, default=str)


class TensorBoard(Callback):
    """Writes what TensorBoard shows about training: loss and metric curves, learning rate, weight histograms
    and images, and the model's conceptual graph.

    Args:
        log_dir: where to write (``log_dir/train`` and ``log_dir/validation``).
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph: write the model's config graph (TensorBoard's Graphs tab, "Conceptual graph").
        write_images: also write each weight as an image.
        write_steps_per_second: write the training speed (``epoch_steps_per_second``, ``batch_steps_per_second``).
        update_freq: "epoch", "batch", or a number of batches between ``batch_*`` scalars.
        profile_batch: must stay 0: pytensor has no profiler.
        embeddings_freq: must stay 0: TensorBoard's Projector is not supported.

    Example:
        >>> tensorboard = keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)
        >>> model.fit(x, y, epochs=5, validation_split=0.2, callbacks=[tensorboard])
        >>> # then: tensorboard --logdir logs
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        summary._protos.protos()   # the tensorboard package, or an ImportError saying what to install
        if update_freq not in ("epoch", "batch") and not (
                isinstance(update_freq, (int, np.integer)) and not isinstance(update_freq, bool) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive number of batches; "
                             f"got {update_freq!r}.")
        if not isinstance(histogram_freq, (int, np.integer)) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be a non-negative integer (epochs); got "
                             f"{histogram_freq!r}.")
        if _profile_range(profile_batch) != (0, 0):
            raise ValueError(f"TensorBoard: profile_batch={profile_batch!r} asks for the TensorFlow profiler, which "
                             f"pytensor does not have. Pass profile_batch=0 (time steps with "
                             f"write_steps_per_second=True instead).")
        if embeddings_freq:
            raise ValueError(f"TensorBoard: embeddings_freq={embeddings_freq!r}: TensorBoard's embedding projector is "
                             f"not supported by pytensor. Pass embeddings_freq=0.")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        self._default_stack = []
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._tested_this_epoch = False

    # ---- writers ----
    def _writer(self, key, path):
        writer = self._writers.get(key)
        if writer is None:
            writer = self._writers[key] = summary.create_file_writer(path)
        else:
            writer.init()   # reopens a writer closed by an earlier fit's end
        return writer

    @property
    def _train_writer(self):
        return self._writer("train", self._train_dir)

    @property
    def _val_writer(self):
        return self._writer("val", self._val_dir)

    def _push_writer(self, writer, step):
        """Makes `writer` the default for summaries written during batches (Keras's update_freq)."""
        if self.update_freq == "epoch":
            return
        scope = writer._default(step, condition=step % self.update_freq == 0)
        scope.__enter__()
        self._default_stack.append(scope)

    def _pop_writer(self):
        if self.update_freq != "epoch" and self._default_stack:
            self._default_stack.pop().__exit__(None, None, None)

    def set_model(self, model):
        """Sets the model and, with write_graph, writes its config graph."""
        super().set_model(model)
        self._writers = {}
        if self.write_graph:
            config = _model_config(model)
            if config is not None:
                from tensorboard.compat.proto.summary_pb2 import SummaryMetadata
                metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model",
                                                                                  content=b"1"))
                with self._train_writer.as_default():
                    summary.write("keras", config, step=0, metadata=metadata)

    # ---- hooks ----
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0
        self._push_writer(self._train_writer, self._global_train_batch)

    def on_train_end(self, logs=None):
        self._pop_writer()
        for writer in self._writers.values():
            writer.close()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._train_writer, self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.write_steps_per_second:
            summary.scalar("batch_steps_per_second", 1.0 / (time.perf_counter() - self._batch_start_time),
                           step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                summary.scalar(f"batch_{name}", value, step=self._global_train_batch)

    def on_test_begin(self, logs=None):
        self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs=None):
        self._write_evaluation(logs or {})
        self._pop_writer()

    def _write_evaluation(self, logs):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is None:
            return
        self._tested_this_epoch = True
        with self._val_writer._default():
            for name, value in logs.items():
                summary.scalar(f"evaluation_{name}_vs_iterations", value, step=iterations)

    def on_epoch_begin(self, epoch, logs=None):
        self._tested_this_epoch = False
        if self.write_steps_per_second:
            self._previous_epoch_iterations = int(np.asarray(self.model.optimizer.iterations))
            self._epoch_start_time = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if val_logs and not self._tested_this_epoch:
            # This fit validated without calling the on_test_* hooks: write what Keras's on_test_end would.
            self._write_evaluation(val_logs)
        self._log_epoch_metrics(epoch, train_logs, val_logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer._flush_soon()   # on disk soon, without the training loop waiting

    def _log_epoch_metrics(self, epoch, train_logs, val_logs):
        """``epoch_<name>`` scalars: the training logs (plus the learning rate and speed) to train/, the
        validation logs (``val_`` dropped) to validation/."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train_logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        if self.write_steps_per_second:
            steps = int(np.asarray(optimizer.iterations)) - self._previous_epoch_iterations
            train_logs["steps_per_second"] = steps / (time.perf_counter() - self._epoch_start_time)
        with self._train_writer._default():
            for name, value in train_logs.items():
                summary.scalar(f"epoch_{name}", value, step=epoch)
        if val_logs:
            with self._val_writer._default():
                for name, value in val_logs.items():
                    summary.scalar(f"epoch_{name}", value, step=epoch)

    def _log_weights(self, epoch):
        with self._train_writer._default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = f"{self.model.name}/{weight._variable_name}"
                    summary.histogram(f"{name}/histogram", weight, step=epoch)
                    if self.write_images:
                        self._log_weight_as_image(weight, f"{name}/image", epoch)

    @staticmethod
    def _log_weight_as_image(weight, tag, epoch):
        """Keras's picture of a weight: a bias as a 1-pixel-high strip, a kernel as a (wide) gray image, a
        conv kernel as one image per output channel; other shapes are skipped."""
        image = np.squeeze(np.asarray(weight.numpy()))
        if image.ndim == 1:
            image = image.reshape(1, 1, -1, 1)
        elif image.ndim == 2:
            image = (image.T if image.shape[0] > image.shape[1] else image)[None, :, :, None]
        elif image.ndim == 3:
            image = np.transpose(image, (2, 0, 1))[..., None]
        if image.ndim == 4 and image.shape[-1] in (1, 3, 4):
            summary.image(tag, image.astype(np.float32), step=epoch)
