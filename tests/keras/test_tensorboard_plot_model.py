"""keras.utils.plot_model: the layer graph Graphviz draws, and clear errors without pydot or Graphviz."""
import os
import shutil
import struct
import sys

import pytest

from pytensor import keras

needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
pydot = pytest.importorskip("pydot")


def mlp():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu", name="hidden"),
                             keras.layers.Dense(10, activation="softmax", name="probs")], name="mlp")


def two_branches():
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    merged = keras.layers.Concatenate(name="cat")([keras.layers.Dense(2, name="da")(a),
                                                   keras.layers.Dense(5, name="db")(b)])
    return keras.Model([a, b], keras.layers.Dense(1, name="out")(merged))


def drawn_graph(path):
    """{label: [labels of its successors]} of a .dot file Graphviz wrote (its 'plain' layout of our graph)."""
    (graph,) = pydot.graph_from_dot_file(path)
    label_of = {n.get_name(): n.get("label").strip('"').replace("\\n", "\n") for n in graph.get_nodes()
                if n.get("label")}
    edges = {}
    for edge in graph.get_edges():
        edges.setdefault(label_of[edge.get_source()], []).append(label_of[edge.get_destination()])
    return label_of, edges


@needs_graphviz
def test_png_of_the_seeds_mlp(tmp_path):
    path = str(tmp_path / "model.png")
    keras.utils.plot_model(mlp(), to_file=path, show_shapes=True)
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert height > width > 100           # three boxes stacked top to bottom


@needs_graphviz
def test_boxes_and_edges_with_shapes(tmp_path):
    path = str(tmp_path / "model.dot")
    keras.utils.plot_model(two_branches(), to_file=path, show_shapes=True)
    labels, edges = drawn_graph(path)
    by_title = {label.split("\n")[0]: label for label in labels.values()}
    assert sorted(by_title) == ["a (InputLayer)", "b (InputLayer)", "cat (Concatenate)", "da (Dense)", "db (Dense)",
                                "out (Dense)"]
    assert by_title["cat (Concatenate)"].split("\n")[1:] == ["Input shape: [(None, 2), (None, 5)]",
                                                            "Output shape: (None, 7)"]
    assert by_title["out (Dense)"].split("\n")[1:] == ["Input shape: (None, 7)", "Output shape: (None, 1)"]
    successors = {src.split("\n")[0]: sorted(d.split("\n")[0] for d in dst) for src, dst in edges.items()}
    assert successors == {"a (InputLayer)": ["da (Dense)"], "b (InputLayer)": ["db (Dense)"],
                          "da (Dense)": ["cat (Concatenate)"], "db (Dense)": ["cat (Concatenate)"],
                          "cat (Concatenate)": ["out (Dense)"]}


@needs_graphviz
def test_sequential_chain_and_options(tmp_path):
    path = str(tmp_path / "model.dot")
    keras.utils.plot_model(mlp(), to_file=path, show_layer_activations=True, show_dtype=True, rankdir="LR")
    labels, edges = drawn_graph(path)
    hidden = "hidden (Dense)\nActivation: relu\ndtype: float32"
    probs = "probs (Dense)\nActivation: softmax\ndtype: float32"
    (entry,) = [label for label in labels.values() if "(InputLayer)" in label]    # input_layer, input_layer_1, ...
    assert entry.endswith(" (InputLayer)\ndtype: float32")
    assert sorted(labels.values()) == sorted([entry, hidden, probs])
    assert edges == {entry: [hidden], hidden: [probs]}


def test_errors_name_pydot_and_graphviz(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match=r"pydot.*pip install pydot.*Graphviz"):
        keras.utils.plot_model(mlp(), to_file=str(tmp_path / "m.png"))
    monkeypatch.undo()
    monkeypatch.setenv("PATH", str(tmp_path))            # no `dot` on the path
    with pytest.raises(ImportError, match=r"Graphviz's `dot` could not be run"):
        keras.utils.plot_model(mlp(), to_file=str(tmp_path / "m.png"))
    assert not os.path.exists(tmp_path / "m.png")


@needs_graphviz
def test_subclassed_models_have_no_layer_graph(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(ValueError, match="subclassed model"):
        keras.utils.plot_model(Net(), to_file=str(tmp_path / "m.png"))
