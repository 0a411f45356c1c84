"""``tf.saved_model``: objects with their traced ``tf.function`` graphs and variables, in a directory that loads and
runs without the Python source that made it.

pytensor's SavedModel is its own format, laid out as TensorFlow's directory (``variables/``, ``assets/``); a Keras
Sequential model of the layers :mod:`._tf_export` covers (the seeds' MLPs and CNNs) also gets TensorFlow's files
beside it, so real TensorFlow loads it too, and pytensor loads TensorFlow's SavedModels whose functions use the ops
:mod:`._tf_load` runs (Keras 3's exports of such models):

- ``saved_model.json``: the format name and version, the object graph (which object has which attribute: objects,
  lists, dicts, variables, functions), every function's traced graphs with the input keys they answer and their
  output structure, the signatures (``serving_default`` ...), and the SHA-256 of every graph file;
- ``saved_model.graphs``: the traced graphs one after another (each one's offset, size and SHA-256 in the JSON), as
  csrc/graph/serialize.h writes them: nodes by registry op name with their typed attribute fields, edges, constants
  as raw bytes, variables by index into the table below;
- ``variables/variables.h5``: the variable values, with ``tf.train.Checkpoint``'s keys (HDF5; each value's
  CRC-32C is in the JSON), so ``tf.train.Checkpoint(obj).read(export_dir + "/variables/variables")`` restores ``obj`` too;
- ``assets/``: empty (pytensor has no assets);
- ``saved_model.pb`` and ``variables/variables.{index,data-00000-of-00001}`` instead of ``variables.h5`` (Keras
  models :mod:`._tf_export` covers): a TF1-style MetaGraph tagged ``serve`` and TensorFlow's tensor bundle (the
  same keys and CRC-32Cs in the JSON), which ``tf.saved_model.load`` in real TensorFlow reads; pytensor's loader
  reads ``saved_model.json`` and the bundle.

Nothing in the directory is ever executed as code: graphs are data checked op by op (names, attribute types and
values, edges) before the C++ executor runs them. A save goes to a temporary directory beside the target, is
fsynced and renamed into place, so an interrupted save leaves the previous SavedModel as it was.
"""
from ._load import LoadOptions, contains_saved_model, load
from ._save import SaveOptions, save

__all__ = ["save", "load", "SaveOptions", "LoadOptions", "contains_saved_model", "SERVING",
           "DEFAULT_SERVING_SIGNATURE_DEF_KEY", "ASSETS_DIRECTORY", "VARIABLES_DIRECTORY", "VARIABLES_FILENAME"]

# TF's tag and key names (tf.saved_model.SERVING, tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY, ...).
SERVING = "serve"
TRAINING = "train"
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
ASSETS_DIRECTORY = "assets"
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
