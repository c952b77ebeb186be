"""Functional models: a graph of layer calls traced from symbolic inputs to outputs."""

from ..layers.base import InputSpec, KerasTensor, flatten, map_structure
from ..layers.core import InputLayer
from .model import Model


class Functional(Model):
    """A model defined by calling layers on `Input` tensors: `Model(inputs, outputs)`.

    The walk order of the graph is computed once here; each call replays it.

    Args:
        inputs: an `Input` tensor, or a list or dict of them.
        outputs: a tensor made from the inputs by layer calls, or a list or dict of them.
        name: the model's name.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        if isinstance(inputs, dict) and not all(isinstance(k, str) for k in inputs):
            raise TypeError("Model: the keys of a dict of inputs must be strings.")
        flat_inputs = flatten(inputs)
        flat_outputs = flatten(outputs)
        for role, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise ValueError(
                        f"Model: all {role} must be symbolic tensors made with keras.Input and "
                        f"layer calls, but received {type(t).__name__}: {t!r:.80}"
                    )
        for t in flat_inputs:
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(
                    f"Model: every input must come directly from keras.Input(...), but "
                    f"{t!r} is the output of layer {t._keras_history[0].name!r}."
                )
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flat_inputs
        self.outputs = flat_outputs
        self._nodes = _nodes_in_order(flat_inputs, flat_outputs)
        layers = [t._keras_history[0] for t in flat_inputs]
        for node in self._nodes:
            if all(node.layer is not known for known in layers):
                layers.append(node.layer)
        self._graph_layers = layers
        self.input_spec = [InputSpec(shape=t.shape) for t in flat_inputs]
        self.built = True

    @property
    def layers(self):
        """The model's layers in the order the graph uses them, input layers first."""
        return list(self._graph_layers)

    @property
    def input(self):
        """The model's input tensor(s), in the structure the model was built with."""
        return self._inputs_struct

    @property
    def output(self):
        """The model's output tensor(s), in the structure the model was built with."""
        return self._outputs_struct

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self.inputs]

    @property
    def output_names(self):
        return [t._keras_history[0].name for t in self.outputs]

    def _standardize_inputs(self, inputs):
        """The flat list of input values, matching dicts by input name."""
        if isinstance(inputs, dict):
            if isinstance(self._inputs_struct, dict):
                keys = list(self._inputs_struct)
            else:
                keys = self.input_names
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ValueError(
                    f'Model "{self.name}" expects inputs named {keys}, but the input dict has '
                    f"keys {list(inputs)} (missing {missing})."
                )
            return [inputs[k] for k in keys]
        flat = flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f'Model "{self.name}" expects {len(self.inputs)} input(s), but it received '
                f"{len(flat)} input tensors."
            )
        return flat

    def call(self, inputs, training=None):
        values = {}
        for tensor, value in zip(self.inputs, self._standardize_inputs(inputs)):
            values[id(tensor)] = value

        def lookup(t):
            return values[id(t)] if isinstance(t, KerasTensor) else t

        for node in self._nodes:
            outputs = node.layer(*map_structure(lookup, node.args),
                                 **map_structure(lookup, node.kwargs))
            for tensor, value in zip(node.output_tensors, flatten(outputs)):
                values[id(tensor)] = value
        return map_structure(lambda t: values[id(t)], self._outputs_struct)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return map_structure(lambda t: (t.shape, t.dtype), self._outputs_struct)

    def get_config(self):
        from ..saving.config import functional_config
        return functional_config(self)


def _nodes_in_order(inputs, outputs):
    """The layer calls between inputs and outputs, each after the calls it depends on."""
    input_ids = {id(t) for t in inputs}
    order, seen = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            continue
        if expanded or id(tensor) in input_ids or isinstance(layer, InputLayer):
            if id(tensor) not in input_ids and isinstance(layer, InputLayer):
                raise ValueError(
                    f"Model: the outputs depend on the input {layer.name!r}, which is not "
                    f"among the model's inputs. Add it to `inputs`."
                )
            if not isinstance(layer, InputLayer):
                seen.add(id(node))
                order.append(node)
            continue
        stack.append((tensor, True))
        for parent in reversed(node.input_tensors):
            stack.append((parent, False))
    return order
