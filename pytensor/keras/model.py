"""``keras.Model``: functional models (``Model(inputs, outputs)``) and subclassed models, with training."""
import numpy as np

import pytensor as pt

from . import backend
from .keras_tensor import KerasTensor
from .layers.input_layer import InputLayer
from .layers.layer import Layer
from .trainer import Trainer

__all__ = ["Model"]


def check_input_shape(model, index, expected, received):
    """Raises Keras's "incompatible input" ValueError when ``received`` does not match ``expected``."""
    received = tuple(received)
    if len(expected) == len(received) and all(e is None or e == r for e, r in zip(expected, received)):
        return
    fix = "Reshape the data to match, or build the model for this shape"
    if len(received) > len(expected) and len(expected) == 2:
        fix = "Flatten or reshape the samples first, e.g. x.reshape((len(x), -1)), or add a Flatten layer"
    raise ValueError(f"Input {index} of layer \"{model.name}\" is incompatible with the layer: expected "
                     f"shape={expected}, found shape={received}. {fix}.")


def conform_input(model, index, expected, value):
    """``value`` fitted to an input of shape ``expected`` as Keras's functional models do: one missing trailing
    axis of size 1 is added, one extra trailing axis of size 1 is dropped; any other mismatch raises Keras's
    "incompatible input" ValueError."""
    received = tuple(value.shape)
    if len(received) == len(expected) - 1 and expected[-1] == 1:
        adjusted = received + (1,)
    elif len(received) == len(expected) + 1 and received[-1] == 1:
        adjusted = received[:-1]
    else:
        adjusted = received
    if len(expected) != len(adjusted) or any(e is not None and e != r for e, r in zip(expected, adjusted)):
        check_input_shape(model, index, expected, received)  # raises, naming the shape as given
    if len(adjusted) == len(received):
        return value
    return pt.expand_dims(value, -1) if len(adjusted) > len(received) else pt.squeeze(value, -1)


class Model(Trainer, Layer):
    """A model: layers with ``compile`` / ``fit`` / ``evaluate`` / ``predict``.

    Functional: ``Model(inputs, outputs)`` from ``keras.Input`` tensors and layer calls (several inputs and
    outputs, shared layers). Subclassed: define layers in ``__init__`` and the forward pass in ``call``.

    Example:
        >>> inputs = keras.Input(shape=(784,))
        >>> x = keras.layers.Dense(64, activation="relu")(inputs)
        >>> model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
        >>> model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if args else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        if kwargs.get("name") is None and type(self) is Model and (inputs is not None or outputs is not None):
            kwargs["name"] = backend.unique_object_name("functional")  # Keras 3 names it by its Functional class
        super().__init__(**kwargs)
        self.stop_training = False
        self._nodes = None
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)

    # ---- functional graph ----
    def _init_graph(self, inputs, outputs):
        if inputs is None or outputs is None:
            raise ValueError(f"Model '{self.name}': a functional model needs both inputs and outputs, e.g. "
                             f"keras.Model(inputs=keras.Input(shape=(784,)), outputs=y).")
        for t in pt.nest.flatten(inputs) + pt.nest.flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise TypeError(f"Model '{self.name}': inputs and outputs must be symbolic tensors from "
                                f"keras.Input and layer calls; received {type(t).__name__}.")
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = pt.nest.flatten(inputs), pt.nest.flatten(outputs)
        input_ids = {id(t) for t in self.inputs}
        for t in self.inputs:
            if not isinstance(t.node.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': inputs must come from keras.Input; {t} is a layer output.")
        nodes, seen = [], set()

        def visit(tensor, path):
            node = tensor.node
            if id(tensor) in input_ids or id(node) in seen:
                return
            if node is None or isinstance(node.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': graph disconnected: output {tensor.name} depends on an "
                                 f"input that is not among the model's inputs {[t.name for t in self.inputs]}.")
            if id(node) in path:
                raise ValueError(f"Model '{self.name}': the graph has a cycle at layer '{node.layer.name}'.")
            for parent in node.inputs:
                visit(parent, path | {id(node)})
            seen.add(id(node))
            nodes.append(node)

        for t in self.outputs:
            visit(t, frozenset())
        self._nodes = nodes
        from .saving._weights import keras_layers  # Keras's order: its weight files name layers in it
        self._set_sublayers(keras_layers(self))
        # Keras names outputs by their dict keys when outputs is a dict, else by their layers.
        self.output_names = sorted(outputs) if isinstance(outputs, dict) else [t.node.layer.name for t in self.outputs]
        self.input_names = [t.node.layer.name for t in self.inputs]
        self.built = True
        self._build_shape = pt.nest.map_structure(lambda t: t.shape, inputs)

    @property
    def input(self):
        """A functional model's inputs as given to the constructor (else the first call's, as for layers)."""
        return self._inputs_struct if self._nodes is not None else super().input

    @property
    def output(self):
        """A functional model's outputs as given to the constructor (else the first call's, as for layers)."""
        return self._outputs_struct if self._nodes is not None else super().output

    @property
    def output_shape(self):
        """The output shape(s): one shape for a single output, else a list (Keras's ``model.output_shape``)."""
        if self._nodes is None:
            return super().output_shape
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _run_graph(self, inputs):
        values = {}
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}': missing inputs {missing}; the model's inputs are "
                                 f"{self.input_names}.")
            flat = [inputs[n] for n in self.input_names]
        else:
            flat = pt.nest.flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, but it "
                             f"received {len(flat)} input tensors.")
        for i, (symbol, value) in enumerate(zip(self.inputs, flat)):
            values[id(symbol)] = conform_input(self, i, symbol.shape, value)

        def lookup(item):
            return values[id(item)] if isinstance(item, KerasTensor) else item
        for node in self._nodes:
            args = [pt.nest.map_structure(lookup, a) if pt.nest.is_nested(a) else lookup(a) for a in node.args]
            kwargs = {k: pt.nest.map_structure(lookup, v) if pt.nest.is_nested(v) else lookup(v)
                      for k, v in node.kwargs.items()}
            result = node.layer(*args, **kwargs)
            for symbol, value in zip(pt.nest.flatten(node.outputs), pt.nest.flatten(result)):
                values[id(symbol)] = value
        outs = [values[id(t)] for t in self.outputs]
        return pt.nest.pack_sequence_as(self._outputs_struct, outs) if pt.nest.is_nested(self._outputs_struct) \
            else outs[0]

    def call(self, inputs, training=None, mask=None):
        """Runs the functional graph (subclassed models override this)."""
        if self._nodes is None:
            raise NotImplementedError(f"Model '{self.name}': a subclassed Model must define call(inputs), or "
                                      f"create a functional model with keras.Model(inputs, outputs).")
        return self._run_graph(inputs)

    def build(self, input_shape):
        """Builds a subclassed model by calling it on zeros of ``input_shape`` (None sizes as 1)."""
        if self._nodes is None:
            def zeros(shapes):  # one shape, or a dict / list / tuple of shapes
                if isinstance(shapes, dict):
                    return {key: zeros(shape) for key, shape in shapes.items()}
                dims = tuple(shapes)
                if all(d is None or isinstance(d, (int, np.integer)) for d in dims):
                    return pt.zeros([1 if d is None else d for d in dims], dtype=self.dtype)
                return [zeros(shape) for shape in dims] if isinstance(shapes, list) else \
                    tuple(zeros(shape) for shape in dims)
            example = zeros(input_shape)
            self.built = True
            self(example)
        self.built = True

    build._builds_by_calling = True  # (Keras's default build for a subclassed model: see Layer._maybe_build)

    # ---- layers ----
    @property
    def layers(self):
        """The model's layers (for functional models including the InputLayers)."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` of ``layers``.

        Raises:
            ValueError: if no layer has that name or the index is out of range.
        """
        if index is not None:
            if name is not None:
                raise ValueError("get_layer: give either name or index, not both.")
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range; the model has {len(self.layers)} "
                                 f"layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}.")

    # ---- summary ----
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints Keras 3's table: each layer's name (type), output shape and parameter count (and, for a branching
        functional model, its inbound layers), then the parameter totals and their memory size. `print_fn`
        receives the whole text in one call; layers not built yet show ``?`` and ``0 (unbuilt)``."""
        from .utils.summary_utils import print_summary
        print_summary(self, line_length, positions, print_fn, expand_nested, show_trainable, layer_range)

    def _node_of(self, layer):
        for node in self._nodes or []:
            if node.layer is layer:
                return node
        return None

    def _summary_shape(self, layer):
        """The shapes of `layer`'s outputs in this functional model (None when it is not called here)."""
        if isinstance(layer, InputLayer):
            return layer.output.shape
        node = self._node_of(layer)
        return None if node is None else pt.nest.map_structure(lambda t: t.shape, node.outputs)

    def _output_shape_of(self, layer):
        shape = self._summary_shape(layer)
        return "multiple" if shape is None else [shape] if isinstance(layer, InputLayer) else shape

    def get_config(self):
        """A functional model's graph (layers with their inbound nodes, inputs, outputs) as Keras 3 writes it;
        for a subclassed model, its name and trainable flag (override to add your constructor's arguments)."""
        if self._nodes is not None:
            from .saving import _config
            return _config.model_config(self)
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a functional model from :meth:`get_config` (fresh weights); a subclass gets ``cls(**config)``."""
        if "layers" in config and cls is Model:
            from .saving import _config
            from .serialization import loading_scope
            with loading_scope(custom_objects):
                return _config.model_from_config({"class_name": "Functional", "config": config}, custom_objects)
        return cls(**config)

    # ---- saving ----
    def save(self, filepath, overwrite=True, **kwargs):
        """Saves the model (architecture, weights, compile settings, optimizer state) as ``.keras`` or ``.h5``.

        Example:
            >>> model.save("my_model.keras")
            >>> restored = keras.models.load_model("my_model.keras")
        """
        from . import saving
        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the weights to ``.weights.h5`` (Keras 3's layout, with the optimizer state) or legacy ``.h5``."""
        from . import saving
        saving.warn_unused(kwargs, "save_weights")
        saving.save_weights(self, filepath, overwrite=overwrite)

    def export(self, filepath, format="tf_saved_model", verbose=True, input_signature=None, **kwargs):
        """Exports the inference artifact, as Keras 3: a SavedModel whose ``serve`` endpoint (and ``serving_default``
        signature) runs the model with training=False on any batch size; ``tf.saved_model.load`` reloads it.

        Example:
            >>> model.export("exported")
            >>> tf.saved_model.load("exported").serve(x)
        """
        from ..saved_model import _save
        from . import saving
        saving.warn_unused(kwargs, "export")
        _save.export_model(self, filepath, format, verbose, input_signature)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, **kwargs):
        """Loads weights saved by ``save_weights`` / ``save`` here, in Keras 3 or in tf.keras 2.x (for a
        TensorFlow-style checkpoint prefix, returns the checkpoint's load status, as tf.keras does).

        Raises:
            ValueError: for a file of another architecture, naming the layer and both shapes.
        """
        from . import saving
        saving.warn_unused(kwargs, "load_weights")
        return saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name)

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (``keras.models.model_from_json`` rebuilds it)."""
        import json
        from .saving import _config
        return json.dumps(_config.serialize_layer(self), **kwargs)
