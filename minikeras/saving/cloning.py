"""clone_model: the same architecture with new layers (and freshly initialized weights)."""

from ..layers.base import KerasTensor, flatten, map_structure


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model with the architecture of `model` and new layers.

    The weights are initialized afresh, as in Keras: copy them with
    `clone.set_weights(model.get_weights())`. Layers shared in the original are shared in
    the clone.

    Args:
        model: a Sequential or Functional model (a subclassed model is rebuilt from its
            config, which needs a working `get_config`/`from_config`).
        input_tensors: optional `Input` tensors to build a Functional clone on.
        clone_function: `layer -> new layer`, called once per layer (default: a new layer
            from the layer's config). Return the layer itself to share it.
        call_function: optional `(layer, *args, **kwargs) -> outputs`, how a Functional
            clone calls each layer (default: `layer(*args, **kwargs)`).
        recursive: whether to clone nested Sequential and Functional models layer by layer
            with `clone_function` (by default a nested model is cloned as one layer).

    >>> clone = clone_model(model)
    """
    from ..models import Functional, Sequential
    if kwargs:
        raise ValueError(f"clone_model: unexpected argument(s) {sorted(kwargs)}.")
    clone_function = clone_function or _clone_layer
    if not callable(clone_function):
        raise TypeError(f"clone_model: clone_function must be callable, received "
                        f"{clone_function!r}.")

    def clone(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function,
                               call_function=call_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone, call_function)
    if input_tensors is not None or call_function is not None or \
            clone_function is not _clone_layer:
        raise ValueError(
            f'clone_model: the arguments input_tensors, clone_function and call_function are '
            f'only supported for Sequential and Functional models; model "{model.name}" is a '
            f"subclassed {type(model).__name__}."
        )
    return model.__class__.from_config(model.get_config())


def _clone_sequential(model, input_tensors, clone):
    from ..layers import Input
    from ..models import Sequential
    layers = [clone(layer) for layer in model.layers]
    if input_tensors is not None:
        tensors = flatten(input_tensors)
        if len(tensors) != 1 or not isinstance(tensors[0], KerasTensor):
            raise ValueError("clone_model: a Sequential model takes one input tensor made with "
                             "keras.Input, in input_tensors.")
        layers = [tensors[0]] + layers
    elif model._input_layer is not None:
        source = model._input_layer
        layers = [Input(batch_shape=source.batch_shape, dtype=source.dtype,
                        name=source.name)] + layers
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, input_tensors, clone, call_function):
    from ..layers import Input
    from ..models import Functional
    if input_tensors is None:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype,
                            name=t._keras_history[0].name) for t in model.inputs]
    else:
        new_inputs = flatten(input_tensors)
        if len(new_inputs) != len(model.inputs) or \
                not all(isinstance(t, KerasTensor) for t in new_inputs):
            raise ValueError(
                f'clone_model: model "{model.name}" has {len(model.inputs)} input(s); '
                f"input_tensors must hold as many tensors made with keras.Input."
            )
    tensors = {id(old): new for old, new in zip(model.inputs, new_inputs)}
    clones = {}

    def lookup(value):
        return tensors[id(value)] if isinstance(value, KerasTensor) else value

    for node in model._nodes:
        layer = clones.get(id(node.layer))
        if layer is None:
            layer = clones[id(node.layer)] = clone(node.layer)
        args = map_structure(lookup, list(node.args))
        kwargs = map_structure(lookup, dict(node.kwargs))
        outputs = call_function(layer, *args, **kwargs) if call_function else \
            layer(*args, **kwargs)
        for old, new in zip(node.output_tensors, flatten(outputs)):
            tensors[id(old)] = new
    inputs = map_structure(lambda t: tensors[id(t)], model._inputs_struct)
    outputs = map_structure(lambda t: tensors[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)
