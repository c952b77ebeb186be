"""`model.summary()`: the table of layers, output shapes and parameter counts."""

from ..layers.base import KerasTensor, flatten, shape_str


def _format_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}"
        n /= 1024


def _output_shape(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return "?"
    outputs = [t for t in flatten(nodes[-1].outputs) if isinstance(t, KerasTensor)]
    shapes = [shape_str(t.shape) for t in outputs]
    return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"


def _connections(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return ""
    parents = [f"{t._keras_history[0].name}[{t._keras_history[1]}][{t._keras_history[2]}]"
               for t in nodes[-1].input_tensors]
    return ", ".join(parents)


def _rows(model, expand_nested, depth=0):
    rows = []
    functional = type(model).__name__ == "Functional"
    for layer in model.layers:
        params = layer.count_params() if layer.built else 0
        name = ("  " * depth) + f"{layer.name} ({type(layer).__name__})"
        row = [name, _output_shape(layer), f"{params:,}"]
        if functional:
            row.append(_connections(layer))
        rows.append(row)
        if expand_nested and hasattr(layer, "layers") and layer is not model:
            rows.extend(_rows(layer, expand_nested, depth + 1))
    return rows


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  expand_nested=False, show_trainable=False):
    """Print the summary of `model` line by line through `print_fn` (default: print)."""
    print_fn = print_fn or print
    if not model.built:
        raise ValueError(
            f'Model "{model.name}" has not been built yet, so it has no layer shapes or weights '
            f"to show. Build it by calling it on data, by fit(), or by giving the first layer "
            f"an input_shape (or adding an Input)."
        )
    functional = type(model).__name__ == "Functional"
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if functional:
        headers.append("Connected to")
    rows = _rows(model, expand_nested)
    line_length = line_length or (98 if functional else 65)
    fractions = positions or ([0.33, 0.55, 0.67, 1.0] if functional else [0.45, 0.85, 1.0])
    if all(p <= 1 for p in fractions):
        fractions = [int(line_length * p) for p in fractions]
    widths = [fractions[0]] + [b - a for a, b in zip(fractions, fractions[1:])]

    def line(cells):
        out = ""
        for cell, width in zip(cells, widths):
            text = str(cell)
            out += (text if len(text) < width else text[:width - 2] + "…").ljust(width)
        return out.rstrip()

    trainable = sum(w.size for w in model.trainable_weights)
    total = sum(w.size for w in model.weights)
    itemsize = model.weights[0].data.itemsize if model.weights else 4
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_fn(line(headers))
    print_fn("=" * line_length)
    for row in rows:
        print_fn(line(row))
        print_fn("")
    print_fn("=" * line_length)
    print_fn(f"Total params: {total:,} ({_format_bytes(total * itemsize)})")
    print_fn(f"Trainable params: {trainable:,} ({_format_bytes(trainable * itemsize)})")
    print_fn(f"Non-trainable params: {total - trainable:,} "
             f"({_format_bytes((total - trainable) * itemsize)})")
    print_fn("_" * line_length)
