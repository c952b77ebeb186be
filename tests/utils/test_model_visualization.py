"""plot_model / model_to_dot: every layer is a box and every connection an arrow in the DOT
text (parsed here), for Sequential, Functional (several inputs and outputs, a shared layer, a
merge) and nested models; the labels; files with and without pydot and Graphviz."""

import os
import re
import shutil
import sys
import types

import pytest

import minikeras as keras
from minikeras import layers
from minikeras.utils import model_to_dot, model_visualization, plot_model

QUOTED = r'"((?:[^"\\]|\\.)*)"'
NODE = re.compile(rf"^\s*{QUOTED} \[label=<(.*)>\];$")
EDGE = re.compile(rf"^\s*{QUOTED} -> {QUOTED};$")
CLUSTER = re.compile(rf"^\s*subgraph {QUOTED} {{$")


def parse(text):
    """{node id: (label, enclosing cluster or None)}, the set of edges, {cluster: parent}."""
    nodes, edges, clusters, stack = {}, set(), {}, []
    for line in text.splitlines():
        if CLUSTER.match(line):
            name = CLUSTER.match(line).group(1)
            clusters[name] = stack[-1] if stack else None
            stack.append(name)
        elif line.strip() == "}" and stack:
            stack.pop()
        elif NODE.match(line):
            node_id, label = NODE.match(line).groups()
            assert node_id not in nodes, f"node {node_id} written twice"
            nodes[node_id] = (label, stack[-1] if stack else None)
        elif EDGE.match(line):
            edges.add(EDGE.match(line).groups())
    return nodes, edges, clusters


def dot_text(model, **kwargs):
    return model_to_dot(model, **kwargs).to_string()


@pytest.fixture
def no_pydot(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # `import pydot` now raises ImportError


def sequential():
    return keras.Sequential([layers.Input((8,)), layers.Dense(4, activation="relu", name="d1"),
                             layers.Dropout(0.5, name="drop"), layers.Dense(1, name="d2")],
                            name="seq")


def two_inputs_two_outputs():
    a = keras.Input((8,), name="a")
    b = keras.Input((8,), name="b")
    shared = layers.Dense(4, name="shared")
    merged = layers.Concatenate(name="cat")([shared(a), shared(b)])
    out = layers.Dense(1, activation="sigmoid", name="out")(merged)
    aux = layers.Dense(2, name="aux")(merged)
    return keras.Model([a, b], [out, aux], name="two_in")


def nested():
    """An outer Functional model around a Sequential and a Functional model."""
    encoder = keras.Sequential([layers.Dense(3, name="e1"), layers.Dense(2, name="e2")],
                               name="encoder")
    inner_input = keras.Input((2,), name="inner_in")
    inner = keras.Model(inner_input, layers.Dense(2, name="f1")(inner_input), name="inner")
    x = keras.Input((4,), name="x")
    y = layers.Dense(1, name="head")(inner(encoder(x)))
    return keras.Model(x, y, name="outer")


def test_sequential_a_box_per_layer_and_a_chain_of_arrows(no_pydot):
    nodes, edges, _ = parse(dot_text(sequential()))
    assert list(nodes) == ["d1", "drop", "d2"]  # no input box for Sequential, as in Keras
    assert edges == {("d1", "drop"), ("drop", "d2")}
    assert "<b>d1</b> (Dense)" in nodes["d1"][0]
    assert "<b>drop</b> (Dropout)" in nodes["drop"][0]


def test_functional_inputs_shared_layer_merge_and_outputs(no_pydot):
    nodes, edges, _ = parse(dot_text(two_inputs_two_outputs()))
    assert set(nodes) == {"a", "b", "shared", "cat", "out", "aux"}
    assert "<b>a</b> (InputLayer)" in nodes["a"][0]
    assert edges == {("a", "shared"), ("b", "shared"), ("shared", "cat"), ("cat", "out"),
                     ("cat", "aux")}


def test_nested_models_are_one_box_each_unless_expanded(no_pydot):
    nodes, edges, clusters = parse(dot_text(nested()))
    assert set(nodes) == {"x", "encoder", "inner", "head"}
    assert "<b>encoder</b> (Sequential)" in nodes["encoder"][0]
    assert "<b>inner</b> (Functional)" in nodes["inner"][0]
    assert edges == {("x", "encoder"), ("encoder", "inner"), ("inner", "head")}
    assert clusters == {}


def test_expand_nested_draws_clusters_and_connects_their_layers(no_pydot):
    nodes, edges, clusters = parse(dot_text(nested(), expand_nested=True))
    assert clusters == {"cluster_encoder": None, "cluster_inner": None}
    assert {name: cluster for name, (_, cluster) in nodes.items()} == {
        "x": None, "e1": "cluster_encoder", "e2": "cluster_encoder",
        "inner_in": "cluster_inner", "f1": "cluster_inner", "head": None}
    # Into a Sequential: its first layer; into a Functional: its input layer; out of either:
    # the layer making its output.
    assert edges == {("x", "e1"), ("e1", "e2"), ("e2", "inner_in"), ("inner_in", "f1"),
                     ("f1", "head")}


def test_sequential_in_sequential_expanded_and_not(no_pydot):
    block = keras.Sequential([layers.Dense(3, name="b1"), layers.Dense(3, name="b2")],
                             name="block")
    model = keras.Sequential([layers.Input((5,)), layers.Dense(3, name="first"), block,
                              layers.Dense(1, name="last")], name="stack")
    nodes, edges, _ = parse(dot_text(model))
    assert set(nodes) == {"first", "block", "last"}
    assert edges == {("first", "block"), ("block", "last")}
    nodes, edges, clusters = parse(dot_text(model, expand_nested=True))
    assert set(nodes) == {"first", "b1", "b2", "last"} and clusters == {"cluster_block": None}
    assert edges == {("first", "b1"), ("b1", "b2"), ("b2", "last")}


def test_layers_with_the_same_name_get_distinct_ids(no_pydot):
    left = keras.Sequential([layers.Dense(2, name="same")], name="left")
    right = keras.Sequential([layers.Dense(2, name="same")], name="right")
    x = keras.Input((2,), name="x")
    model = keras.Model(x, layers.Add(name="add")([left(x), right(x)]))
    nodes, edges, _ = parse(dot_text(model, expand_nested=True))
    assert {"same", "same_2"} <= set(nodes)
    assert {("x", "same"), ("x", "same_2"), ("same", "add"), ("same_2", "add")} <= edges


def test_subclassed_model_is_one_box(no_pydot):
    class Net(keras.Model):
        def __init__(self):
            super().__init__(name="net")
            self.hidden = layers.Dense(3)

        def call(self, inputs):
            return self.hidden(inputs)

    model = Net()
    model.build((None, 4))
    nodes, edges, _ = parse(dot_text(model))
    assert list(nodes) == ["net"] and edges == set()
    assert "(Net)" in nodes["net"][0]


def test_show_shapes_puts_input_and_output_shapes_in_labels(no_pydot):
    nodes, _, _ = parse(dot_text(two_inputs_two_outputs(), show_shapes=True))
    assert "Output shape: <b>(None, 8)</b>" in nodes["a"][0]
    assert "Input shape" not in nodes["a"][0]  # an input layer has only an output
    assert "Input shape: <b>(None, 8)</b>" in nodes["shared"][0]
    assert "Output shape: <b>(None, 4)</b>" in nodes["shared"][0]
    assert "Input shape: <b>[(None, 4), (None, 4)]</b>" in nodes["cat"][0]
    assert "Output shape: <b>(None, 2)</b>" in nodes["aux"][0]
    nodes, _, _ = parse(dot_text(nested(), show_shapes=True))
    assert "Input shape: <b>(None, 4)</b>" in nodes["encoder"][0]
    assert "Output shape: <b>(None, 2)</b>" in nodes["encoder"][0]
    plain, _, _ = parse(dot_text(two_inputs_two_outputs()))
    assert "shape" not in plain["shared"][0]


def test_label_options_names_dtype_activation_trainable(no_pydot):
    model = sequential()
    model.get_layer("d2").trainable = False
    nodes, _, _ = parse(dot_text(model, show_layer_names=False, show_dtype=True,
                                 show_layer_activations=True, show_trainable=True))
    assert "d1" not in nodes["d1"][0] and "<b>Dense</b>" in nodes["d1"][0]
    assert "Output dtype: <b>float32</b>" in nodes["d1"][0]
    assert "Activation: <b>relu</b>" in nodes["d1"][0]
    assert "Activation" not in nodes["drop"][0]
    assert "<b>Trainable</b>" in nodes["d1"][0]
    assert "<b>Non-trainable</b>" in nodes["d2"][0]
    assert "rainable" not in nodes["drop"][0]  # no weights, no mark


def test_graph_attributes_and_subgraph(no_pydot):
    text = dot_text(sequential(), rankdir="LR", dpi=96)
    assert text.startswith('digraph "seq" {')
    assert 'rankdir="LR"' in text and "dpi=96" in text and 'splines="ortho"' in text
    cluster = dot_text(sequential(), subgraph=True)
    assert cluster.startswith('subgraph "cluster_seq" {') and 'label="seq"' in cluster


def test_model_to_dot_without_pydot_returns_the_dot_text(no_pydot, tmp_path):
    graph = model_to_dot(sequential())
    assert isinstance(graph, model_visualization.DotGraph)
    assert str(graph) == graph.to_string()
    graph.write(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == graph.to_string()
    with pytest.raises(ImportError, match="pip install pydot"):
        graph.create(format="png")


def test_plot_model_writes_dot_without_pydot(no_pydot, tmp_path):
    model = two_inputs_two_outputs()
    path = tmp_path / "model.dot"
    assert plot_model(model, to_file=path, show_shapes=True) is None
    text = path.read_text()
    assert text == dot_text(model, show_shapes=True, show_layer_names=False)
    nodes, edges, _ = parse(text)
    assert set(nodes) == {"a", "b", "shared", "cat", "out", "aux"} and len(edges) == 5
    assert os.listdir(tmp_path) == ["model.dot"]  # the temporary file was moved over it


def test_plot_model_png_without_pydot_says_what_to_install(no_pydot, tmp_path):
    with pytest.raises(ImportError, match=r"pip install pydot.*apt-get install graphviz.*"
                                          r"model\.dot"):
        plot_model(sequential(), to_file=tmp_path / "model.png")
    assert os.listdir(tmp_path) == []


def test_plot_model_png_without_graphviz_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pydot", types.ModuleType("pydot"))
    monkeypatch.setattr(model_visualization, "_find_graphviz", lambda prog: None)
    with pytest.raises(ImportError, match=r"install Graphviz.*`dot`.*apt-get install graphviz"):
        plot_model(sequential(), to_file=tmp_path / "model.svg")
    assert os.listdir(tmp_path) == []


def test_bad_arguments_are_refused(no_pydot, tmp_path):
    with pytest.raises(ValueError, match=r"extension 'txt'.*'png'"):
        plot_model(sequential(), to_file=tmp_path / "model.txt")
    with pytest.raises(ValueError, match=r"`rankdir` must be one of \['TB', 'LR'"):
        model_to_dot(sequential(), rankdir="sideways")
    with pytest.raises(ValueError, match="`layer_range` is no longer supported"):
        model_to_dot(sequential(), layer_range=["d1", "d2"])
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        model_to_dot(sequential(), show_shape=True)
    with pytest.raises(TypeError, match="expects a Keras model"):
        model_to_dot(layers.Dense(2))
    with pytest.raises(ValueError, match="has not yet been built"):
        model_to_dot(keras.Sequential([layers.Dense(2)]))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")
def test_plot_model_png_with_pydot_and_graphviz(tmp_path):
    pydot = pytest.importorskip("pydot", reason="pydot is not installed")
    model = nested()
    result = plot_model(model, to_file=tmp_path / "model.png", show_shapes=True,
                        expand_nested=True)
    assert (tmp_path / "model.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    try:
        from IPython.display import Image
    except ImportError:
        assert result is None
    else:
        assert isinstance(result, Image)
    graph = model_to_dot(model, expand_nested=True)
    assert isinstance(graph, pydot.Dot)
    names = {node.get_name().strip('"') for node in graph.get_nodes()}
    names |= {node.get_name().strip('"') for cluster in graph.get_subgraphs()
              for node in cluster.get_nodes()}
    assert {"x", "e1", "e2", "inner_in", "f1", "head"} <= names
    assert graph.create(format="svg").lstrip().startswith(b"<?xml")
