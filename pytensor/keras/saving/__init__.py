"""``keras.saving``: whole models in Keras 3's ``.keras`` zip and the legacy ``.h5`` file, weights in
``.weights.h5`` (Keras 3's layout) and legacy ``.h5``; files of Keras 3 and tf.keras 2.x load here, and files
written here load in Keras 3.

Every save goes to a temporary file beside the target and is renamed into place, so a failed or interrupted save
leaves the previous file intact. Loading never runs code from a file: a Lambda layer's stored bytecode is refused
unless ``safe_mode=False``.
"""
import datetime
import io
import json
import os
import warnings
import zipfile

from .. import initializers, losses, metrics, optimizers, regularizers
from ..layers.layer import Layer
from ..optimizers import schedules
from ..serialization import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                             get_registered_object, loading_scope, register_keras_serializable, serialize_object)
from ...saved_model._format import KERAS_MODEL as KERAS_IN_SAVED_MODEL  # in model.save(dir, save_format="tf")
from . import _config, _weights
from ._files import FileError, atomic_path, check_readable, h5py, open_h5

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "register_keras_serializable",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope", "get_registered_name",
           "get_registered_object", "serialize_keras_object", "deserialize_keras_object", "FileError"]

# The Keras version whose formats these files follow (written into metadata.json and the .h5 attributes).
KERAS_VERSION = "3.15.1"


def serialize_keras_object(obj):
    """Keras 3's dict for a layer, model, optimizer, loss, metric, initializer, regularizer or schedule."""
    if isinstance(obj, Layer):
        return _config.serialize_layer(obj)
    if isinstance(obj, optimizers.Optimizer):
        return optimizers.serialize(obj)
    return serialize_object(obj)


def deserialize_keras_object(config, custom_objects=None, safe_mode=True):
    """The object a :func:`serialize_keras_object` dict describes (its ``module`` picks the kind; layers and
    models otherwise)."""
    by_module = {"keras.initializers": initializers.deserialize, "keras.regularizers": regularizers.deserialize,
                 "keras.losses": losses.deserialize, "keras.metrics": metrics.get,
                 "keras.optimizers.schedules": schedules.deserialize, "keras.optimizers": optimizers.deserialize}
    with loading_scope(custom_objects):
        deserialize = by_module.get(config.get("module"))
        if deserialize is not None:
            return deserialize(config)
        return _config.deserialize_layer(config, custom_objects, safe_mode)


def _kind(filepath):
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        return "keras"
    if path.endswith(".weights.h5"):
        return "weights"
    if path.endswith((".h5", ".hdf5")):
        return "h5"
    return None


# ---------------------------------------------------------------------------------------------------------------
# whole models
# ---------------------------------------------------------------------------------------------------------------

def _model_dict(model):
    config = _config.serialize_layer(model)
    if getattr(model, "_compiled", False):
        if hasattr(model.optimizer, "get_config"):
            config["compile_config"] = _config.compile_config(model)
        else:
            warnings.warn(f"Saving model '{model.name}' without its compile settings: its optimizer "
                          f"{type(model.optimizer).__name__} has no get_config(). Compile the loaded model again.",
                          stacklevel=3)
    return config


def _weights_bytes(model):
    # An in-memory HDF5 file (the core driver: native memory copies, not Python file-object callbacks).
    with h5py().File("model.weights.h5", "w", driver="core", backing_store=False) as f:
        _weights.write_keras3(model, f, checksum=False)  # the zip's CRC-32 covers the whole file
        f.flush()
        return f.id.get_file_image()


def save_model(model, filepath, overwrite=True, **kwargs):
    """Saves the architecture, weights, compile settings and optimizer state.

    ``.keras``: Keras 3's zip (``metadata.json``, ``config.json``, ``model.weights.h5``); ``.h5``: the legacy HDF5
    file (``model_config``, ``training_config``, ``model_weights``, ``optimizer_weights``).

    Raises:
        ValueError: for another extension, saying which to use.
        TypeError: for a config that is not JSON (nothing is written).
    """
    kind = _kind(filepath)
    save_format = kwargs.pop("save_format", None)
    if save_format in ("h5", "keras", "tf"):  # tf.keras 2.x's argument
        kind = save_format
    elif save_format is not None:
        raise ValueError(f"save_format={save_format!r} is not supported: pytensor writes `.keras` and `.h5` files, "
                         f"and SavedModel directories with save_format='tf'.")
    if kind == "tf":  # tf.keras 2.x: a SavedModel directory that load_model turns back into this Keras model
        include_optimizer = kwargs.pop("include_optimizer", True)
        warn_unused(kwargs, "save_model")
        from ...saved_model import _save
        _save.write(model, filepath, extra_files=lambda folder: save_model(
            model, os.path.join(folder, KERAS_IN_SAVED_MODEL), include_optimizer=include_optimizer))
        return
    if kind not in ("keras", "h5"):
        raise ValueError(f"Invalid filepath extension for saving: {os.fspath(filepath)!r}. Add the `.keras` "
                         f"extension (Keras 3's format, recommended) or `.h5` (the legacy HDF5 format); to save only "
                         f"the weights use model.save_weights('name.weights.h5').")
    include_optimizer = kwargs.pop("include_optimizer", True)
    warn_unused(kwargs, "save_model")
    config = _model_dict(model)
    if not include_optimizer:
        config.pop("compile_config", None)
    config_json = json.dumps(config)
    with atomic_path(filepath, overwrite) as temporary:
        if kind == "keras":
            weights = _weights_bytes(model)
            metadata = {"keras_version": KERAS_VERSION,
                        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                        "saved_by": f"pytensor {_pytensor_version()}"}
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr("metadata.json", json.dumps(metadata))
                archive.writestr("config.json", config_json)
                archive.writestr("model.weights.h5", weights)
        else:
            _write_h5_model(model, config, temporary, include_optimizer)


def _pytensor_version():
    from importlib import metadata
    try:
        return metadata.version("pytensor-tf")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "(source tree)"


def _write_h5_model(model, config, path, include_optimizer):
    with h5py().File(path, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = "tensorflow"
        legacy = {"class_name": config["class_name"], "config": config["config"]}
        f.attrs["model_config"] = json.dumps(legacy)
        _weights.write_legacy(model, f.create_group("model_weights"), KERAS_VERSION)
        if include_optimizer and "compile_config" in config:
            training = dict(config["compile_config"])
            training["optimizer_config"] = training.pop("optimizer")
            f.attrs["training_config"] = json.dumps(training)
            _weights.write_legacy_optimizer(model, f.create_group("optimizer_weights"))


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by ``model.save`` here, by Keras 3 or by tf.keras 2.x (``.keras`` or ``.h5``).

    Args:
        filepath: the file.
        custom_objects: ``{name: class or function}`` for your own layers, losses, metrics, ...
        compile: compile the model as saved (optimizer state included) so training continues where it stopped.
        safe_mode: refuse to run Python bytecode stored in the file (Lambda layers).

    Raises:
        FileNotFoundError: no such file.
        ValueError: another format, or a file that is truncated, corrupt or inconsistent (the message names it).
    """
    if os.path.isdir(filepath) and os.path.isfile(os.path.join(filepath, KERAS_IN_SAVED_MODEL)):
        filepath = os.path.join(filepath, KERAS_IN_SAVED_MODEL)  # a SavedModel from model.save(dir, save_format="tf")
    filepath = check_readable(filepath)
    kind = _kind(filepath)
    if kind is None:  # a name without an extension (tf.keras's save_format="h5"): tell the format by content
        kind = "h5" if h5py().is_hdf5(filepath) else "keras" if zipfile.is_zipfile(filepath) else None
    with loading_scope(custom_objects):
        if kind == "keras":
            return _load_keras(filepath, custom_objects, compile, safe_mode)
        if kind == "h5":
            return _load_h5(filepath, custom_objects, compile, safe_mode)
    raise ValueError(f"File format not supported: filepath={filepath}. pytensor loads Keras 3's `.keras` files and "
                     f"legacy `.h5` files; a `.weights.h5` file holds only weights (use model.load_weights).")


def _read_keras_archive(filepath):
    if not zipfile.is_zipfile(filepath):
        raise FileError(f"{filepath} is not a valid .keras file: it is not a zip archive (truncated, corrupt, or "
                        f"another format saved under a .keras name).")
    try:
        with zipfile.ZipFile(filepath) as archive:
            names = set(archive.namelist())
            missing = {"config.json", "model.weights.h5"} - names
            if missing:
                raise FileError(f"{filepath} is not a valid .keras file: it lacks {sorted(missing)}.")
            config = archive.read("config.json")
            weights = archive.read("model.weights.h5")
    except (zipfile.BadZipFile, OSError, EOFError) as e:  # a bit flip: CRC mismatch or a broken entry
        raise FileError(f"{filepath} is not a valid .keras file: the archive is damaged ({e}).") from None
    try:
        config = json.loads(config)
    except ValueError as e:
        raise FileError(f"{filepath}: config.json is not valid JSON ({e}).") from None
    return config, weights


def _load_keras(filepath, custom_objects, compile, safe_mode):
    config, weights = _read_keras_archive(filepath)
    model = _config.model_from_config(config, custom_objects, safe_mode)
    if compile and config.get("compile_config"):
        _config.compile_from_config(model, config["compile_config"])
    with open_h5(io.BytesIO(weights), filepath, ".keras file (its model.weights.h5)") as f:
        _weights.read_keras3(model, f, filepath)
    return model


def _load_h5(filepath, custom_objects, compile, safe_mode):
    with open_h5(filepath, filepath, "Keras .h5 file") as f:
        if "model_config" not in f.attrs:
            raise FileError(f"{filepath} has no model_config attribute: it holds weights only, not a model. Build "
                            f"the model in code and call model.load_weights({filepath!r}).")
        config = json.loads(_text(f.attrs["model_config"]))
        model = _config.model_from_config(config, custom_objects, safe_mode)
        if model.built:
            _weights.read_legacy(model, f["model_weights"], filepath)
        elif any(values for _, values in _weights.stored_layers(f["model_weights"], filepath)):
            raise FileError(f"{filepath}: the file has weights but its model config has no input shape to create "
                            f"them with.")
        if compile and "training_config" in f.attrs:
            _config.compile_from_config(model, json.loads(_text(f.attrs["training_config"])))
            if "optimizer_weights" in f:
                _weights.read_legacy_optimizer(model, f["optimizer_weights"], filepath)
    return model


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


# ---------------------------------------------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------------------------------------------

def save_weights(model, filepath, overwrite=True):
    """Saves the weights: ``.weights.h5`` in Keras 3's layout (optimizer state included when compiled), ``.h5``
    in the legacy layout (loads by topology or ``by_name``); a name without those extensions is a TensorFlow-style
    checkpoint prefix, as tf.keras 2.x writes it (pytensor's checkpoint format: ``<prefix>.h5`` and the folder's
    ``checkpoint`` file, so ``tf.train.latest_checkpoint`` finds it).

    Raises:
        ValueError: for a ``.keras`` name.
    """
    kind = _kind(filepath)
    if kind == "keras":
        raise ValueError(f"save_weights: {os.fspath(filepath)!r} names a whole-model file; use model.save() for "
                         f"`.keras`, or a `.weights.h5` name for the weights.")
    if kind is None:  # tf.keras 2.x's TensorFlow-checkpoint prefix ("./checkpoints/my_checkpoint")
        from ...train import _checkpoint
        prefix = _checkpoint.write_object(model, filepath)
        _checkpoint.update_state(os.path.dirname(prefix) or ".", prefix, None)
        return
    with atomic_path(filepath, overwrite) as temporary:
        with h5py().File(temporary, "w") as f:
            if kind == "weights":
                _weights.write_keras3(model, f)
            else:
                _weights.write_legacy(model, f, KERAS_VERSION)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Loads weights from a ``.weights.h5`` / ``.h5`` file (Keras 3's or the legacy layout, told apart by their
    contents) or from a ``.keras`` file.

    Raises:
        FileNotFoundError: no such file.
        ValueError: a file that does not fit the model: the message names the file, the layer and both shapes.
    """
    if _kind(filepath) is None and any(os.path.exists(os.fspath(filepath) + suffix) for suffix in (".h5", ".index")):
        from ...train import _checkpoint
        return _checkpoint.restore_object(model, filepath)
    filepath = check_readable(filepath)
    kind = _kind(filepath)
    if kind == "keras":
        _, weights = _read_keras_archive(filepath)
        with open_h5(io.BytesIO(weights), filepath, ".keras file") as f:
            _weights.read_keras3(model, f, filepath, skip_mismatch)
        return
    if kind not in ("weights", "h5"):
        raise ValueError(f"File format not supported for load_weights: {filepath}. Use a `.weights.h5`, `.h5` or "
                         f"`.keras` file.")
    if not model.built:
        raise ValueError(f"Cannot load weights into model '{model.name}' before it is built: its weights do not "
                         f"exist yet. Call the model on data or model.build(input_shape) first.")
    with open_h5(filepath, filepath, "Keras weights file") as f:
        if "layer_names" in f.attrs or "model_weights" in f:
            group = f["model_weights"] if "model_weights" in f else f
            _weights.read_legacy(model, group, filepath, by_name=by_name, skip_mismatch=skip_mismatch)
        else:
            if by_name:
                raise ValueError(f"{filepath}: by_name=True needs a legacy .h5 weights file; Keras 3's .weights.h5 "
                                 f"layout is matched by the model's structure.")
            _weights.read_keras3(model, f, filepath, skip_mismatch)


def warn_unused(kwargs, what):
    """Warns about keyword arguments Keras accepts that change nothing here."""
    if kwargs:
        warnings.warn(f"{what}: ignoring arguments {sorted(kwargs)}.", stacklevel=3)
