"""`plot_model` and `model_to_dot`: a model's graph of layers in Graphviz's DOT language.

The DOT text is written here, so a `.dot` file needs nothing beyond minikeras. Pictures
(.png, .svg, .pdf, ...) are drawn by Graphviz's `dot` program through pydot; both are optional:
`pip install pydot`, and Graphviz itself (e.g. `apt-get install graphviz` or
`brew install graphviz`).
"""

import html
import os
import shutil

_TEXT_FORMATS = ("dot", "gv")
_IMAGE_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff",
                  "ps", "eps")
_RANKDIRS = ("TB", "LR", "BT", "RL")
_SPLINES = ("ortho", "curved", "polyline", "spline", "line", "none", "true", "false")


class DotGraph:
    """The DOT text of a model's graph: what `model_to_dot` returns when pydot is missing.

    It offers the part of `pydot.Dot` that needs no Graphviz, `to_string()` and writing the
    text itself; `create()` and writing pictures go through pydot and Graphviz, and say what to
    install when they are missing. `str(graph)` is the DOT text too.

    >>> print(model_to_dot(model).to_string())
    """

    def __init__(self, text):
        self._text = text

    def to_string(self):
        """The graph in the DOT language."""
        return self._text

    __str__ = to_string

    def create(self, prog="dot", format="png"):
        """The graph drawn by Graphviz, as the bytes of a `format` file."""
        return _render(self._text, format, prog)

    def write(self, path, prog="dot", format="raw"):
        """Write the DOT text (format 'raw' or 'dot') or a picture drawn by Graphviz."""
        _write_graph(self._text, os.fspath(path), "dot" if format == "raw" else format, prog)
        return True

    def __repr__(self):
        return f"<DotGraph: {self._text.count(chr(10)) + 1} lines of DOT>"


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, splines="ortho",
                 **kwargs):
    """The graph of `model`'s layers in the DOT language, as Graphviz draws it.

    Each layer is a box (its name and class, and on request its input and output shapes,
    output dtype, activation and whether it is trainable); each connection is an arrow. A
    nested Sequential or Functional model is one box, or with `expand_nested` a dashed cluster
    of its own layers; a subclassed model is always one box.

    With pydot installed this is a `pydot.Dot` (a `pydot.Cluster` with `subgraph=True`), as
    in Keras; without it, a `DotGraph` whose `to_string()` is the same DOT text.

    Args:
        model: a built Keras model.
        show_shapes: whether to show each layer's input and output shapes.
        show_dtype: whether to show each layer's output dtype.
        show_layer_names: whether to show layer names (else only their classes).
        rankdir: 'TB' draws top to bottom, 'LR' left to right ('BT', 'RL' reversed).
        expand_nested: whether to draw nested models as clusters of their layers.
        dpi: the resolution of pictures, in dots per inch.
        subgraph: whether to return the model as a cluster, to place inside another graph.
        show_layer_activations: whether to show the activation of layers that have one.
        show_trainable: whether to mark layers with weights as trainable or not.
        splines: how arrows are drawn: 'ortho' (right angles), 'curved', 'polyline',
            'spline' or 'line'.

    >>> print(keras.utils.model_to_dot(model, show_shapes=True).to_string())
    """
    text = _dot_text(model, show_shapes=show_shapes, show_dtype=show_dtype,
                     show_layer_names=show_layer_names, rankdir=rankdir,
                     expand_nested=expand_nested, dpi=dpi, subgraph=subgraph,
                     show_layer_activations=show_layer_activations,
                     show_trainable=show_trainable, splines=splines, where="model_to_dot",
                     **kwargs)
    pydot = _import_pydot(required=False)
    if pydot is None:
        return DotGraph(text)
    if subgraph:
        return pydot.graph_from_dot_data("digraph {\n" + text + "\n}")[0].get_subgraphs()[0]
    return pydot.graph_from_dot_data(text)[0]


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs):
    """Draw `model`'s graph of layers to a file: a picture, or DOT text.

    The file's extension picks the format (png without one). A `.dot` file is written
    directly and needs nothing else; pictures (.png, .svg, .pdf, ...) are drawn by Graphviz
    through pydot (`pip install pydot`, and Graphviz's `dot` program, e.g.
    `apt-get install graphviz`). The file is replaced atomically. See `model_to_dot` for what
    the boxes and arrows show.

    Args:
        model: a built Keras model.
        to_file: the file to write.
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
            show_layer_activations, show_trainable, splines: as in `model_to_dot` (layer
            names are off by default here, as in Keras 3).

    Returns:
        When IPython is installed, the picture as an `IPython.display.Image` (or `SVG`), which
        a notebook shows below the cell; else None (and None for .pdf and .dot files).

    >>> keras.utils.plot_model(model, to_file="model.png", show_shapes=True)
    """
    path = os.fspath(to_file)
    extension = os.path.splitext(path)[1][1:].lower() or "png"
    if extension not in _TEXT_FORMATS + _IMAGE_FORMATS:
        raise ValueError(
            f"plot_model: cannot write {path!r}: its extension {extension!r} is not a format "
            f"plot_model knows. Use one of {list(_IMAGE_FORMATS + _TEXT_FORMATS)}."
        )
    text = _dot_text(model, show_shapes=show_shapes, show_dtype=show_dtype,
                     show_layer_names=show_layer_names, rankdir=rankdir,
                     expand_nested=expand_nested, dpi=dpi, subgraph=False,
                     show_layer_activations=show_layer_activations,
                     show_trainable=show_trainable, splines=splines, where="plot_model",
                     **kwargs)
    _write_graph(text, path, extension)
    return _notebook_picture(path, extension)


# -- rendering and files -------------------------------------------------------------------


def _import_pydot(required=True):
    try:
        import pydot
    except ImportError:
        if not required:
            return None
        raise ImportError(
            "You must install pydot (`pip install pydot`) and Graphviz's `dot` program (e.g. "
            "`apt-get install graphviz` or `brew install graphviz`, see "
            "https://graphviz.org/download/) to draw a model as a picture. Without them, "
            "plot_model(model, to_file='model.dot') writes the graph as DOT text."
        ) from None
    return pydot


def _find_graphviz(prog):
    """The path of Graphviz's program `prog`, or None."""
    return shutil.which(prog)


def _render(text, format, prog="dot"):
    """The DOT `text` drawn by Graphviz as the bytes of a `format` file."""
    pydot = _import_pydot()
    if _find_graphviz(prog) is None:
        raise ImportError(
            f"You must install Graphviz (its `{prog}` program was not found on the PATH; e.g. "
            f"`apt-get install graphviz` or `brew install graphviz`, see "
            f"https://graphviz.org/download/) to draw a model as a picture. Without it, "
            f"plot_model(model, to_file='model.dot') writes the graph as DOT text."
        )
    return pydot.graph_from_dot_data(text)[0].create(prog=prog, format=format)


def _write_graph(text, path, format, prog="dot"):
    """Write DOT text, or the picture Graphviz draws from it, atomically to `path`."""
    from ..saving.files import atomic_path
    data = text.encode("utf-8") if format in _TEXT_FORMATS else _render(text, format, prog)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            handle.write(data)


def _notebook_picture(path, extension):
    """The written picture as an IPython display object, when IPython is installed."""
    if extension not in ("svg", "png", "jpg", "jpeg", "gif", "webp"):
        return None  # IPython cannot show these
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=path)
    return display.Image(filename=path)


# -- the DOT text --------------------------------------------------------------------------


def _dot_text(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
              subgraph, show_layer_activations, show_trainable, splines, where, **kwargs):
    from ..models.model import Model
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if not isinstance(model, Model):
        raise TypeError(
            f"{where} expects a Keras model (Sequential, Functional or a Model subclass), "
            f"but received {type(model).__name__}: {model!r:.80}"
        )
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` "
            "or by calling the model on a batch of data."
        )
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{where}: `rankdir` must be one of {list(_RANKDIRS)}, but received "
                         f"{rankdir!r}.")
    if splines not in _SPLINES:
        raise ValueError(f"{where}: `splines` must be one of {list(_SPLINES)}, but received "
                         f"{splines!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0:
        raise ValueError(f"{where}: `dpi` must be a positive number, but received {dpi!r}.")
    label_options = dict(show_shapes=show_shapes, show_dtype=show_dtype,
                         show_layer_names=show_layer_names,
                         show_layer_activations=show_layer_activations,
                         show_trainable=show_trainable)
    writer = _GraphWriter(label_options, expand_nested)
    if subgraph:
        return "\n".join(writer.cluster(model, depth=0))
    lines = [f"digraph {_quote(model.name)} {{",
             f'  graph [rankdir="{rankdir}", concentrate=true, dpi={dpi}, '
             f'splines="{splines}"];',
             '  node [shape="record", fontname="Helvetica", margin="0"];',
             '  edge [penwidth="2"];']
    lines += writer.body(model, depth=1)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text):
    """`text` as a DOT quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_graph_model(layer):
    from ..models.functional import Functional
    from ..models.sequential import Sequential
    return isinstance(layer, (Functional, Sequential))


def _is_sequential(model):
    from ..models.sequential import Sequential
    return isinstance(model, Sequential)


def _model_nodes(model):
    """The layer calls that make up `model`'s graph, in order."""
    if not _is_graph_model(model):
        return []
    if not _is_sequential(model):
        return list(model._nodes)
    # A Sequential model retraces its stack as layers are added; its own calls are the ones
    # that lead to its current output.
    from ..layers.core import InputLayer
    nodes = []
    tensor = model.outputs[0]
    while not isinstance(tensor._keras_history[0], InputLayer):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        nodes.append(node)
        tensor = node.input_tensors[0]
    return nodes[::-1]


def _connections(model):
    """(source layer, its output index, destination layer, its input index) for each arrow
    inside `model`."""
    if _is_sequential(model):
        layers = model.layers
        return [(a, 0, b, 0) for a, b in zip(layers, layers[1:])]
    return [(t._keras_history[0], t._keras_history[2], node.layer, index)
            for node in _model_nodes(model) for index, t in enumerate(node.input_tensors)]


class _GraphWriter:
    """Writes the boxes, clusters and arrows of a model, giving each layer one DOT id."""

    def __init__(self, label_options, expand_nested):
        self.label_options = label_options
        self.expand_nested = expand_nested
        self.ids = {}
        self.edges = set()

    def node_id(self, layer):
        """The layer's name, made unique when two layers share one."""
        if id(layer) not in self.ids:
            taken = set(self.ids.values())
            candidate, count = layer.name, 1
            while candidate in taken:
                count += 1
                candidate = f"{layer.name}_{count}"
            self.ids[id(layer)] = candidate
        return self.ids[id(layer)]

    def expands(self, layer):
        return self.expand_nested and _is_graph_model(layer)

    def cluster(self, model, depth):
        pad = "  " * depth
        return ([f"{pad}subgraph {_quote('cluster_' + self.node_id(model))} {{",
                 f'{pad}  graph [style="dashed", label={_quote(model.name)}, labeljust="l"];']
                + self.body(model, depth + 1) + [f"{pad}}}"])

    def body(self, model, depth):
        """The lines for `model`'s layers (boxes or clusters) and the arrows between them."""
        pad = "  " * depth
        if not _is_graph_model(model):  # a subclassed model: one box, as in Keras
            return [self.box(model, None, pad)]
        lines = []
        calls = {}
        for node in reversed(_model_nodes(model)):
            calls[id(node.layer)] = node  # the first call of a shared layer gives its shapes
        for layer in model.layers:
            if self.expands(layer):
                lines += self.cluster(layer, depth)
            else:
                lines.append(self.box(layer, calls.get(id(layer)), pad))
        for source, output_index, destination, input_index in _connections(model):
            pair = (self.node_id(self.source(source, output_index)),
                    self.node_id(self.destination(destination, input_index)))
            if pair not in self.edges:
                self.edges.add(pair)
                lines.append(f"{pad}{_quote(pair[0])} -> {_quote(pair[1])};")
        return lines

    def box(self, layer, node, pad):
        label = _label(layer, node, **self.label_options)
        return f"{pad}{_quote(self.node_id(layer))} [label=<{label}>];"

    def source(self, layer, output_index):
        """The box an arrow leaves: inside an expanded model, the layer making that output."""
        while self.expands(layer):
            layer, _, output_index = layer.outputs[output_index]._keras_history
        return layer

    def destination(self, layer, input_index):
        """The box an arrow enters: inside an expanded model, its input layer (Functional) or
        its first layer (Sequential, which draws no input box)."""
        while self.expands(layer):
            if _is_sequential(layer):
                layer = layer.layers[0]
            else:
                layer = layer.inputs[input_index]._keras_history[0]
        return layer


# -- box labels ----------------------------------------------------------------------------


def _shapes_text(structure):
    from ..layers.base import KerasTensor, shape_str
    if isinstance(structure, KerasTensor):
        return shape_str(structure.shape)
    if isinstance(structure, dict):
        return ", ".join(f"{key}: {_shapes_text(value)}" for key, value in structure.items())
    if isinstance(structure, (list, tuple)):
        return "[" + ", ".join(_shapes_text(item) for item in structure) + "]"
    return "?"


def _dtypes_text(structure):
    from ..layers.base import flatten
    dtypes = [str(t.dtype) for t in flatten(structure) if hasattr(t, "dtype")]
    if not dtypes:
        return "?"
    return dtypes[0] if len(dtypes) == 1 else "[" + ", ".join(dtypes) + "]"


def _activation_name(activation):
    for attribute in ("name", "__name__"):
        if isinstance(getattr(activation, attribute, None), str):
            return getattr(activation, attribute)
    return str(activation)


def _cell(text, colspan=1, background="white", color=None, size=14):
    font = f'<font point-size="{size}"' + (f' color="{color}"' if color else "") + ">"
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    return f'<td bgcolor="{background}"{span}>{font}{text}</font></td>'


def _label(layer, node, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable):
    """The HTML-like label of a layer's box: a title row, then the details asked for.

    `node` is the layer's call in the model drawn (None for a subclassed model drawn alone);
    an input layer has no call and shows the shape of its tensor.
    """
    from ..layers.core import InputLayer
    class_name = html.escape(type(layer).__name__)
    is_input = isinstance(layer, InputLayer)
    inputs = node.args[0] if node is not None else None
    outputs = layer.output if is_input else (node.outputs if node is not None else None)
    details = []
    if show_shapes:
        if not is_input:
            details.append(_cell(f"Input shape: <b>{html.escape(_shapes_text(inputs))}</b>"))
        details.append(_cell(f"Output shape: <b>{html.escape(_shapes_text(outputs))}</b>"))
    if show_dtype:
        details.append(_cell(f"Output dtype: <b>{html.escape(_dtypes_text(outputs))}</b>"))
    if show_trainable and layer.weights:
        details.append(_cell("<b>Trainable</b>", background="forestgreen", color="white")
                       if layer.trainable else
                       _cell("<b>Non-trainable</b>", background="firebrick", color="white"))
    colspan = max(1, len(details))
    title = (f"<b>{html.escape(layer.name)}</b> ({class_name})" if show_layer_names
             else f"<b>{class_name}</b>")
    rows = [_cell(title, colspan, background="black", color="white", size=16)]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = html.escape(_activation_name(activation))
        rows.append(_cell(f"Activation: <b>{name}</b>", colspan))
    if details:
        rows.append("".join(details))
    return ('<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>")
