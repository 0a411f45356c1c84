"""``keras.utils.plot_model`` / ``model_to_dot``: a picture of a model's layers, drawn by Graphviz via pydot.

Also the model's layer graph as Keras's config records it (each layer call's inbound ``[layer, node, tensor]``),
which the TensorBoard callback writes for TensorBoard's graph plugin.
"""
import os

import pytensor as pt

from .layers.input_layer import InputLayer

__all__ = ["plot_model", "model_to_dot", "layer_calls"]

_MISSING = ("plot_model needs pydot (`pip install pydot`) and Graphviz's `dot` program "
            "(https://graphviz.org/download/, e.g. `apt-get install graphviz`); {what}.")


def _is_functional(model):
    return getattr(model, "_nodes", None) is not None and type(model).__name__ != "Sequential"


def layer_calls(model):
    """``[(layer, calls)]`` in the model's layer order, where `calls` lists, for each call of the layer, its
    inputs as ``(parent layer, parent's call index, output index)``. Sequential models chain their layers
    (an InputLayer first when the input shape is known); a subclassed model's layers have no known calls.

    Raises:
        ValueError: for a subclassed model, whose connections exist only in its Python ``call``.
    """
    if type(model).__name__ == "Sequential":
        layers = ([model._input_layer] if getattr(model, "_input_layer", None) is not None else []) + model.layers
        return [(layer, [[(layers[i - 1], 0, 0)]] if i else []) for i, layer in enumerate(layers)]
    if not _is_functional(model):
        raise ValueError(f"Model '{model.name}' is a subclassed model: its layers are connected only by its "
                         f"Python call(), so there is no layer graph to draw. Use a Sequential or functional model.")
    call_index = {}
    for node in model._nodes:
        calls = [n for n in model._nodes if n.layer is node.layer]
        call_index[id(node)] = calls.index(node)

    def source(tensor):
        node = tensor.node
        index = next((i for i, t in enumerate(pt.nest.flatten(node.outputs)) if t is tensor), 0)
        return node.layer, call_index.get(id(node), 0), index

    return [(layer, [[source(t) for t in node.inputs] for node in model._nodes if node.layer is layer])
            for layer in model.layers]


def _shape_text(shape):
    return str(shape[0] if isinstance(shape, list) and len(shape) == 1 else shape)


def _label(model, layer, calls, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable):
    title = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    lines = [title]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        lines.append(f"Activation: {getattr(activation, '__name__', activation)}")
    if show_dtype:
        lines.append(f"dtype: {getattr(layer, 'dtype', None)}")
    if show_shapes:
        if isinstance(layer, InputLayer):
            input_shape = output_shape = tuple(layer._batch_input_shape)
        else:
            parents = [parent for call in calls[:1] for parent, _, _ in call]
            output_shape = model._output_shape_of(layer)
            if parents:
                input_shapes = [tuple(parent._batch_input_shape) if isinstance(parent, InputLayer)
                                else model._output_shape_of(parent) for parent in parents]
                input_shape = input_shapes[0] if len(input_shapes) == 1 else input_shapes
            else:
                input_shape = getattr(layer, "_build_shape", None) or "?"
        lines.append(f"Input shape: {_shape_text(input_shape)}")
        lines.append(f"Output shape: {_shape_text(output_shape)}")
    if show_trainable:
        lines.append(f"Trainable: {'Y' if layer.trainable else 'N'}")
    return "\\n".join(lines)


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError(_MISSING.format(what="pydot is not installed")) from None
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, Exception) as e:  # noqa: BLE001 - pydot raises FileNotFoundError or its own errors
        raise ImportError(_MISSING.format(what=f"Graphviz's `dot` could not be run ({e})")) from None
    return pydot


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 **kwargs):
    """The model's layers as a ``pydot.Dot`` graph: a box per layer (name and class; shapes, dtype, activation
    and trainability on request), an edge per connection.

    Raises:
        ImportError: if pydot or Graphviz's ``dot`` is missing.
        ValueError: for a subclassed model, or rankdir not one of "TB", "LR".
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' (vertical) or 'LR' (horizontal); got {rankdir!r}.")
    pydot = _pydot()
    if not model.built and type(model).__name__ == "Sequential" and show_shapes:
        raise ValueError(f"plot_model: Sequential model '{model.name}' is not built, so its shapes are unknown. "
                         f"Build it first (model.build(input_shape) or start with keras.Input(shape=...)), or "
                         f"pass show_shapes=False.")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi), concentrate="true")
    dot.set_node_defaults(shape="box", fontname="Helvetica")
    graph = layer_calls(model)
    for layer, calls in graph:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(model, layer, calls, show_shapes, show_dtype,
                                                            show_layer_names, show_layer_activations,
                                                            show_trainable)))
    for layer, calls in graph:
        for call in calls:
            for parent, _, _ in call:
                dot.add_edge(pydot.Edge(str(id(parent)), str(id(layer))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draws the model's layers to `to_file` (its extension picks the format: png, svg, pdf, dot, ...), as Keras
    does with pydot and Graphviz; in IPython it returns the picture to display.

    Raises:
        ImportError: if pydot or Graphviz's ``dot`` is missing, naming both.

    Example:
        >>> keras.utils.plot_model(model, to_file="model.png", show_shapes=True)
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, dpi=dpi, show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format="raw" if extension == "dot" else extension)
    if extension not in ("pdf", "dot"):
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
