"""``keras.Sequential``: a linear stack of layers."""
import pytensor as pt

from .keras_tensor import KerasTensor
from .layers.input_layer import InputLayer
from .layers.layer import Layer
from .model import Model, conform_input

__all__ = ["Sequential"]


class Sequential(Model):
    """A stack of layers, each feeding the next: ``Sequential([Dense(512, activation="relu"), Dense(10)])``.

    It is built (weights created, output shapes known) as soon as the input shape is: from ``input_shape``
    on the first layer, a first ``keras.Input`` / ``InputLayer``, ``build(input_shape)``, or the first call.

    Example:
        >>> model = keras.Sequential([
        ...     keras.layers.Dense(512, activation="relu"),
        ...     keras.layers.Dense(10, activation="softmax")])
        >>> model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> model.fit(train_images, train_labels, epochs=5, batch_size=128)
    """

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        # Held outside the tracked sub-layers: `layers` and the weights never include the InputLayer.
        object.__setattr__(self, "_input_layer", None)
        self._output_shapes = {}
        self._graph_nodes = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (or a ``keras.Input`` tensor, which sets the input shape); the model is built again
        when its input shape is known (``rebuild=False`` defers that).

        Raises:
            TypeError: for anything but a Layer or keras.Input.
        """
        if isinstance(layer, KerasTensor) and isinstance(getattr(layer.node, "layer", None), InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential '{self.name}': add() expects a keras layer, received "
                            f"{type(layer).__name__}: {layer!r}.")
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(f"Sequential '{self.name}': an InputLayer / keras.Input can only be the first "
                                 f"layer.")
            object.__setattr__(self, "_input_layer", layer)
        else:
            if not self._layers and self._input_layer is None and layer._batch_input_shape is not None:
                object.__setattr__(self, "_input_layer", InputLayer(batch_input_shape=layer._batch_input_shape,
                                                                    name=f"{layer.name}_input"))
            self._set_sublayers(self._layers + [layer])
        self.built = False
        if rebuild:
            self._rebuild()

    def _rebuild(self):
        if self._input_layer is not None and self._layers:
            self.build(self._input_layer._batch_input_shape)

    def pop(self):
        """Removes and returns the last layer."""
        if not self._layers:
            raise TypeError(f"Sequential '{self.name}': there are no layers to pop.")
        layer = self._layers[-1]
        self._set_sublayers(self._layers[:-1])
        self.built = False
        self._rebuild()
        return layer

    @property
    def layers(self):
        """The layers, without the InputLayer (as Keras shows them)."""
        return list(self._layers)

    @property
    def inputs(self):
        """The symbolic input, when the input shape is known."""
        return [self._input_layer.output] if self._input_layer is not None else []

    @property
    def outputs(self):
        """The last layer's symbolic output, once the model is built."""
        return [self._layers[-1].output] if self.built and self._layers else []

    @property
    def input(self):
        """The symbolic input (``keras.Model(model.input, ...)`` builds on the model's graph)."""
        if self._input_layer is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet: give the first layer "
                                 f"input_shape, start with keras.Input(shape=...), or build the model.")
        return self._input_layer.output

    @property
    def output(self):
        """The last layer's symbolic output."""
        if not self.outputs:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet: it is not built "
                                 f"(give the first layer input_shape, start with keras.Input, or build it).")
        return self.outputs[0]

    @property
    def output_names(self):
        """The last layer's name."""
        return [self._layers[-1].name] if self._layers else []

    def build(self, input_shape=None):
        """Creates every layer's weights for inputs of ``input_shape`` (batch axis first, may be None)."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"Sequential '{self.name}': build() needs an input shape, e.g. "
                                 f"model.build((None, 784)).")
            input_shape = self._input_layer._batch_input_shape
        # Keras 3 keeps the batch size the model was built with (e.g. by its first call) in its summary's shapes
        self._built_batch = tuple(input_shape)[0]
        input_shape = (None,) + tuple(input_shape)[1:]
        if self._input_layer is None or self._input_layer._batch_input_shape[1:] != input_shape[1:]:
            object.__setattr__(self, "_input_layer", InputLayer(batch_input_shape=input_shape,
                                                                name=f"{self.name}_input"))
        # The layers are called on the InputLayer's tensor, so their `output`s form one graph from `inputs`; the
        # nodes of this model's previous build are dropped, so each layer's `output` is the current graph's.
        for layer, node in self._graph_nodes:
            if any(n is node for n in layer._inbound_nodes):
                layer._inbound_nodes.remove(node)
        self._graph_nodes = []
        x = self._input_layer.output
        self._output_shapes = {}
        for layer in self._layers:
            x = layer(x)
            if layer._inbound_nodes:
                self._graph_nodes.append((layer, layer._inbound_nodes[-1]))
            self._output_shapes[id(layer)] = pt.nest.map_structure(lambda t: t.shape, x)
        self.built = True
        self._build_shape = input_shape

    def call(self, inputs, training=None, mask=None):
        if self._input_layer is not None:
            inputs = conform_input(self, 0, self._input_layer._batch_input_shape, inputs)
        x = inputs
        for layer in self._layers:
            x = layer(x)
        return x

    def __getstate__(self):
        state = super().__getstate__()
        # Keyed by id(layer), which a copy does not share: pickled by position, re-keyed on load.
        state["_output_shapes"] = [self._output_shapes.get(id(layer)) for layer in self._layers]
        return state

    def __setstate__(self, state):
        shapes = state.pop("_output_shapes")
        self.__dict__.update(state)
        self.__dict__["_output_shapes"] = {id(layer): s for layer, s in zip(self._layers, shapes) if s is not None}

    def _output_shape_of(self, layer):
        return self._output_shapes.get(id(layer), "multiple")

    # Keras prints a Sequential model's summary in three columns, and without its InputLayer.
    _summary_sequential = True

    def _summary_shape(self, layer):
        shape = self._output_shapes.get(id(layer))
        batch = getattr(self, "_built_batch", None)
        return shape if shape is None or batch is None else _with_batch(shape, batch)

    def get_config(self):
        """The name and the layers (the InputLayer first), as Keras 3 writes them."""
        from .saving import _config
        return _config.model_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A Sequential model from :meth:`get_config` (fresh weights)."""
        from .saving import _config
        from .serialization import loading_scope
        with loading_scope(custom_objects):
            return _config.model_from_config({"class_name": "Sequential", "config": config}, custom_objects)


def _with_batch(shapes, batch):
    """`shapes` (a shape, or a structure of them) with an unknown batch size replaced by `batch`."""
    if isinstance(shapes, dict):
        return {key: _with_batch(value, batch) for key, value in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and all(d is None or isinstance(d, int) for d in shapes):
        return (batch,) + tuple(shapes)[1:] if shapes[0] is None else tuple(shapes)
    if isinstance(shapes, (list, tuple)):
        return [_with_batch(shape, batch) for shape in shapes]
    return shapes
