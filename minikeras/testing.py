"""Numerical gradient checking: compare backpropagation with central differences.

This is the "gradient check" step of the textbooks: the derivative of f at x is approximately
(f(x + h) - f(x - h)) / 2h, slow to compute but hard to get wrong, so it tells whether a
hand-written backward pass is right. Everything runs in float64 so that the comparison is
limited by the method, not by rounding.

`layer_test` runs the same checks, and the usual layer checks around them (shapes, dtypes,
weights, configs, models, training), on a whole layer class.
"""

import inspect
import json
from dataclasses import dataclass

import numpy as np

from .backend.config import floatx
from .backend.tensor import Tensor, no_grad, to_array


@dataclass
class GradientCheck:
    """The outcome of `check_grad`: the worst disagreement found and where it was."""

    passed: bool
    max_error: float        # worst |backprop - numerical| over the allowed tolerance (<= 1 passes)
    input_index: int = -1   # which input held the worst element
    element: tuple = ()     # its index, or () when checked along random directions
    backprop: float = 0.0
    numerical: float = 0.0

    def __str__(self):
        if self.input_index < 0:
            return "gradient check passed (nothing to check)"
        where = f"input {self.input_index}"
        where += f" at index {self.element}" if self.element else " along a random direction"
        verdict = "passed" if self.passed else "FAILED"
        return (f"gradient check {verdict}: worst at {where}: backprop {self.backprop:.8g}, "
                f"numerical {self.numerical:.8g} (error {self.max_error:.3g} x tolerance)")


def check_grad(fn, *inputs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, max_full_size=100,
               num_directions=10, seed=0, raise_on_failure=True):
    """Check the gradients `fn` computes by backpropagation against numerical ones.

    `fn` takes tensors and returns a tensor of any shape; its output is reduced to a scalar by
    a fixed random weighting, so every output element takes part. Floating-point inputs are
    converted to float64 and checked (all of them, or those whose positions are in `wrt`); other
    inputs (integer labels, say) are passed through unchanged. An input of up to
    `max_full_size` elements is checked element by element (the full gradient); a larger one
    along `num_directions` random directions, which is much cheaper and almost as strict.

    An element passes when |backprop - numerical| <= atol + rtol * |numerical|. Choose inputs
    away from kinks (0 for relu and abs), where the derivative does not exist.

    Returns a `GradientCheck`; raises AssertionError describing the worst element when the check
    fails (unless `raise_on_failure=False`).

    >>> from minikeras import ops
    >>> check_grad(lambda x: ops.tanh(x) * x, np.array([0.5, -1.5]))
    """
    values = [_as_float64(x) for x in inputs]
    checked = [i for i, v in enumerate(values) if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    if wrt is not None:
        wrt = [wrt] if isinstance(wrt, int) else list(wrt)
        bad = [i for i in wrt if i not in checked]
        if bad:
            raise ValueError(f"check_grad: wrt names input(s) {bad}, which are not float arrays.")
        checked = wrt
    rng = np.random.default_rng(seed)

    with no_grad():
        first = _call(fn, values, checked)
    weights = rng.standard_normal(first.shape)

    def objective(vals):
        with no_grad():
            return float(np.sum(_call(fn, vals, checked).data * weights))

    # Backpropagation.
    tensors = [Tensor(v, requires_grad=True) if i in checked else v for i, v in enumerate(values)]
    out = _call(fn, tensors, checked)
    if out.dtype != np.float64:
        raise AssertionError(
            f"check_grad: fn returned dtype {out.dtype} for float64 inputs, so an op inside it "
            f"casts to another precision; gradients cannot be checked in float64."
        )
    if not out.requires_grad:
        raise AssertionError("check_grad: fn's output does not depend on any checked input.")
    out.backward(weights)

    report = GradientCheck(passed=True, max_error=0.0)
    for i in checked:
        grad = tensors[i].grad
        grad = np.zeros_like(values[i]) if grad is None else grad
        if grad.shape != values[i].shape:
            raise AssertionError(
                f"check_grad: the gradient of input {i} has shape {grad.shape}, "
                f"but the input has shape {values[i].shape}."
            )
        for element, backprop, numerical in _compare(objective, values, i, grad, eps,
                                                     max_full_size, num_directions, rng):
            error = abs(backprop - numerical) / (atol + rtol * abs(numerical))
            if not np.isfinite(error):
                error = np.inf
            if error > report.max_error or report.input_index < 0:
                report = GradientCheck(error <= 1.0, error, i, element, backprop, numerical)
    report.passed = report.max_error <= 1.0
    if raise_on_failure and not report.passed:
        raise AssertionError(str(report))
    return report


def _as_float64(x):
    array = x.data if isinstance(x, Tensor) else x
    if isinstance(array, (float, list)) or (isinstance(array, np.ndarray)
                                            and array.dtype.kind == "f"):
        return np.array(array, dtype=np.float64)
    return x


def _call(fn, values, checked):
    out = fn(*[Tensor(v) if i in checked and not isinstance(v, Tensor) else v
               for i, v in enumerate(values)])
    if not isinstance(out, Tensor):
        raise TypeError(f"check_grad: fn must return a Tensor, but it returned "
                        f"{type(out).__name__}.")
    return out


def _compare(objective, values, i, grad, eps, max_full_size, num_directions, rng):
    """Yield (element, backprop, numerical) triples for input i."""
    x = values[i]

    def shifted(delta):
        vals = list(values)
        vals[i] = x + delta
        return objective(vals)

    if x.size <= max_full_size:
        for element in np.ndindex(x.shape):
            delta = np.zeros_like(x)
            delta[element] = eps
            numerical = (shifted(delta) - shifted(-delta)) / (2 * eps)
            yield element, float(grad[element]), numerical
    else:
        for _ in range(num_directions):
            direction = rng.standard_normal(x.shape)
            direction /= np.linalg.norm(direction)
            numerical = (shifted(eps * direction) - shifted(-eps * direction)) / (2 * eps)
            yield (), float(np.sum(grad * direction)), numerical


# -- the layer harness ---------------------------------------------------------------------


def layer_test(layer_cls, init_kwargs=None, input_shape=None, input_data=None,
               expected_output_shape=None, expected_output_dtype=None, expected_output=None,
               expected_num_trainable_weights=None, expected_num_non_trainable_weights=None,
               expected_num_losses=None, supports_masking=None, custom_objects=None,
               run_gradient_check=True, run_training_check=True):
    """Run the standard checks on a layer class; raise AssertionError at the first failure.

    The idea is Keras's `run_layer_test`: build the layer from `init_kwargs`, call it eagerly
    and symbolically, and check the output shape and dtype (float32 in, float32 out), the
    weight counts, freezing, the config round trip (get_config -> from_config, also through
    `layers.serialize`/`deserialize`, giving the same config and, after `set_weights`, the same
    outputs), backpropagation against numerical gradients for the input and every trainable
    weight (on a float64 copy of the layer, `layer_cls(**init_kwargs, dtype='float64')`), the
    layer inside a Sequential and a Functional model, and (for a layer with trainable weights)
    one `fit` epoch with optimizer 'sgd' and loss 'mse' lowering the loss on random targets.
    The layer must have one output. The gradient check swaps each weight for a test tensor, so
    weights must be held as layer attributes (`self.kernel = self.add_weight(...)`), as Keras
    layers do; choose inputs away from kinks (random normal ones are, almost surely).

    Args:
        layer_cls: the layer class.
        init_kwargs: the constructor arguments.
        input_shape: the shape of a random float32 input, batch axis included; a list of
            shapes for a layer taking a list of inputs.
        input_data: an array (or a list of arrays) to use instead, e.g. integer indices;
            float data is cast to floatx() first, as models do.
        expected_output_shape: the eager output shape; None entries match any size.
        expected_output_dtype: the output dtype (default floatx()).
        expected_output: the expected output values for `input_data`.
        expected_num_trainable_weights, expected_num_non_trainable_weights: weight counts.
        expected_num_losses: the number of `layer.losses` after one call.
        supports_masking: the expected `supports_masking`.
        custom_objects: names to classes or functions needed to deserialize the layer.
        run_gradient_check: False for layers whose output is not differentiable.
        run_training_check: whether to train the layer for one epoch.

    >>> layer_test(Dense, {"units": 3}, input_shape=(2, 4), expected_output_shape=(2, 3),
    ...            expected_num_trainable_weights=2)
    """
    from . import layers as layers_module
    from .layers.base import KerasTensor
    from .models import Model, Sequential

    name = layer_cls.__name__
    init_kwargs = dict(init_kwargs or {})
    custom_objects = {name: layer_cls, **(custom_objects or {})}

    def expect(condition, message):
        if not condition:
            raise AssertionError(f"layer_test({name}): {message}")

    arrays, multi = _test_inputs(input_shape, input_data)
    pack = (lambda xs: list(xs)) if multi else (lambda xs: xs[0])
    x = pack(arrays)

    # Eager call: output, dtype, values, weights, losses, freezing.
    layer = layer_cls(**init_kwargs)
    out = layer(x)
    expect(isinstance(out, Tensor), f"the output is a {type(out).__name__}, not a Tensor.")
    if expected_output_shape is not None:
        expect(len(out.shape) == len(expected_output_shape) and all(
            e is None or e == g for e, g in zip(expected_output_shape, out.shape)),
            f"expected output shape {tuple(expected_output_shape)}, got {out.shape}.")
    dtype = np.dtype(expected_output_dtype or floatx())
    expect(out.dtype == dtype, f"expected output dtype {dtype}, got {out.dtype}.")
    if expected_output is not None:
        expect(np.allclose(out.data, expected_output, rtol=1e-5, atol=1e-6),
               f"unexpected output values:\n{out.data}\nexpected:\n{np.asarray(expected_output)}")
    counts = _weight_counts(layer)
    for what, expected, got in (("trainable", expected_num_trainable_weights, counts[0]),
                                ("non-trainable", expected_num_non_trainable_weights, counts[1])):
        expect(expected is None or got == expected,
               f"expected {expected} {what} weights, got {got}.")
    expect(expected_num_losses is None or len(layer.losses) == expected_num_losses,
           f"expected {expected_num_losses} losses, got {len(layer.losses)}.")
    expect(supports_masking is None or layer.supports_masking == supports_masking,
           f"expected supports_masking={supports_masking}, got {layer.supports_masking}.")
    layer.trainable = False
    expect(not layer.trainable_weights and len(layer.non_trainable_weights) == sum(counts),
           "with trainable=False the layer still has trainable weights.")
    layer.trainable = True

    # Symbolic call on Input tensors: same shape (batch unknown), dtype and weights.
    inputs = [_input_like(a) for a in arrays]
    symbolic_layer = layer_cls(**init_kwargs)
    symbolic = symbolic_layer(pack(inputs))
    expect(isinstance(symbolic, KerasTensor), "a call on Input tensors did not return a "
           f"KerasTensor but a {type(symbolic).__name__}.")
    expect(symbolic.shape == (None,) + out.shape[1:] and symbolic.dtype == out.dtype,
           f"the symbolic output {symbolic.shape} {symbolic.dtype} disagrees with the eager "
           f"output {out.shape} {out.dtype}.")
    expect(_weight_counts(symbolic_layer) == counts, "symbolic and eager calls built "
           f"different weights: {_weight_counts(symbolic_layer)} and {counts}.")

    # Config round trips, directly and through the layer registry.
    config = layer.get_config()
    try:
        text = json.dumps(config)
    except TypeError as error:
        raise AssertionError(f"layer_test({name}): get_config() is not JSON: {error}") from None
    direct = layer_cls.from_config(json.loads(text), **(
        {"custom_objects": custom_objects}
        if "custom_objects" in inspect.signature(layer_cls.from_config).parameters else {}))
    entry = json.loads(json.dumps(layers_module.serialize(layer)))
    registered = layers_module.deserialize(entry, custom_objects=custom_objects)
    for revived in (direct, registered):
        expect(type(revived) is layer_cls, f"deserialization made a {type(revived).__name__}.")
        expect(json.loads(json.dumps(revived.get_config())) == json.loads(text),
               f"the config changed in a round trip:\n{config}\n{revived.get_config()}")
        revived(x)
        revived.set_weights(layer.get_weights())
        expect([w.name for w in revived.weights] == [w.name for w in layer.weights],
               "a revived layer has other weight names.")
        expect(np.array_equal(revived(x).data, out.data),
               "a revived layer with the same weights gives other outputs.")

    if run_gradient_check:
        _check_layer_grads(layer_cls, init_kwargs, layer, arrays, pack, expect)

    # Inside models: Sequential (one input) and Functional give the layer's outputs.
    models = []
    if not multi:
        models.append(Sequential([_input_like(arrays[0]), layer_cls(**init_kwargs)]))
    inputs = [_input_like(a) for a in arrays]
    models.append(Model(pack(inputs), layer_cls(**init_kwargs)(pack(inputs))))
    for model in models:
        model.layers[-1].set_weights(layer.get_weights())
        got = model.predict(x, verbose=0)
        expect(got.shape == out.shape and np.allclose(got, out.data, rtol=1e-6, atol=1e-6),
               f"inside a {type(model).__name__} model the layer gives other outputs.")

    model = models[-1]
    if run_training_check and model.trainable_weights and out.dtype.kind == "f":
        model.compile(optimizer="sgd", loss="mse")
        y = np.random.default_rng(1).standard_normal(out.shape).astype(out.dtype)
        before = model.evaluate(x, y, verbose=0)
        model.fit(x, y, epochs=1, batch_size=len(arrays[0]), shuffle=False, verbose=0)
        after = model.evaluate(x, y, verbose=0)
        expect(np.isfinite(after) and after < before,
               f"one epoch of SGD did not lower the loss ({before} -> {after}).")


def _test_inputs(input_shape, input_data):
    """The input arrays (float32 standard normal ones for a shape) and whether there are
    several."""
    if (input_shape is None) == (input_data is None):
        raise ValueError("layer_test: pass exactly one of `input_shape` and `input_data`.")
    rng = np.random.default_rng(0)
    if input_shape is not None:
        multi = isinstance(input_shape, list) and all(isinstance(s, (list, tuple))
                                                      for s in input_shape)
        shapes = input_shape if multi else [input_shape]
        return [rng.standard_normal(tuple(s)).astype(np.float32) for s in shapes], multi
    multi = isinstance(input_data, (list, tuple)) and all(
        isinstance(a, (np.ndarray, Tensor)) for a in input_data)
    arrays = [to_array(a, where="layer_test") for a in (input_data if multi else [input_data])]
    # Float data enters in floatx(), as models cast it; integer data (indices) stays as is.
    return [a.astype(floatx()) if a.dtype.kind == "f" else a for a in arrays], multi


def _input_like(array):
    from .layers import Input
    return Input(batch_shape=(None,) + array.shape[1:], dtype=array.dtype.name)


def _weight_counts(layer):
    return len(layer.trainable_weights), len(layer.non_trainable_weights)


def _check_layer_grads(layer_cls, init_kwargs, layer, arrays, pack, expect):
    """check_grad on a float64 copy of the layer, with respect to the float inputs and every
    trainable weight (each swapped, during the call, for the tensor check_grad varies)."""
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in arrays]
    copy = layer_cls(**{**init_kwargs, "dtype": "float64"})
    copy(pack(arrays))
    copy.set_weights(layer.get_weights())
    weights = copy.trainable_weights
    owners = [_weight_owner(copy, w) for w in weights]
    expect(all(owners), "a trainable weight is not held as a layer attribute, so its gradient "
           "cannot be checked (pass run_gradient_check=False).")
    n = len(arrays)

    def fn(*args):
        saved = [getattr(obj, attr) for obj, attr in owners]
        for (obj, attr), value in zip(owners, args[n:]):
            setattr(obj, attr, value)
        try:
            return copy(pack(list(args[:n])))
        finally:
            for (obj, attr), value in zip(owners, saved):
                setattr(obj, attr, value)

    wrt = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"] + \
        [n + i for i in range(len(weights))]
    if wrt:
        check_grad(fn, *arrays, *[w.data for w in weights], wrt=wrt)


def _weight_owner(layer, weight):
    """(layer or sublayer, attribute name) holding `weight`, or None."""
    for attr, value in vars(layer).items():
        if value is weight:
            return layer, attr
    for sub in layer._sublayers():
        found = _weight_owner(sub, weight)
        if found:
            return found
    return None
