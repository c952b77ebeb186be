"""Tensors with reverse-mode automatic differentiation.

A `Tensor` wraps a numpy array. Every op is a `Function` whose `forward` and `backward` work on
plain arrays and sit side by side. When gradients are being recorded and an input requires one,
calling an op links its output tensor to the op (`creator`), and the op to its input tensors:
that chain is the tape. `Tensor.backward()` sorts the ops reachable from the tensor once,
iteratively (no recursion limit on deep graphs), then walks them from the output back to the
inputs, handing each op the gradient of its outputs and receiving the gradients of its inputs.

Backward passes work on arrays and build no graph: there are no higher-order gradients, which
keeps an op call cheap. Broadcasting is undone in one place (`sum_to`), so an op's backward may
return a gradient in its output's broadcast shape.
"""

import contextlib
import numbers
import re
import weakref

import numpy as np

from . import config

_grad_enabled = True


def is_grad_enabled():
    """Whether ops currently record the tape."""
    return _grad_enabled


@contextlib.contextmanager
def _grad_mode(enabled):
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def no_grad():
    """Context manager (and decorator) in which ops record nothing, for inference and updates.

    >>> with no_grad():
    ...     y = model_output(x)   # no tape is built, nothing is kept for backward
    """
    return _grad_mode(False)


def enable_grad():
    """Context manager that turns recording back on inside a `no_grad` block."""
    return _grad_mode(True)


# ---------------------------------------------------------------------------------------------
# Conversion


def _describe(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _check_numeric(array, value, where):
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{where} expected a number, a numeric array or a Tensor, but received "
            f"{_describe(value)} (dtype {array.dtype}). Convert it to numbers first, "
            f"for example with np.asarray(x, dtype='float32')."
        )
    return array


def to_array(value, dtype=None, where="Tensor"):
    """A numpy array for `value`: Python floats become floatx, numpy arrays keep their dtype."""
    if isinstance(value, Tensor):
        array = value.data
    elif isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (bool, np.bool_)):
        array = np.asarray(value)
    elif isinstance(value, numbers.Integral):
        array = np.asarray(value, dtype=np.int64 if dtype is None else dtype)
    elif isinstance(value, numbers.Real) and not isinstance(value, np.generic):
        array = np.asarray(value, dtype=config.floatx() if dtype is None else dtype)
    elif isinstance(value, np.generic):
        array = np.asarray(value)
    elif isinstance(value, (list, tuple)):
        try:
            array = np.asarray([to_array(v, where=where) if isinstance(v, Tensor) else v
                                for v in value])
        except (ValueError, TypeError) as error:
            raise TypeError(
                f"{where} could not turn {_describe(value)} into an array: {error}. "
                f"Nested lists must be rectangular and hold only numbers."
            ) from None
        if array.dtype == np.float64 and dtype is None:
            # Python floats carry no precision of their own: they take the default float type.
            array = array.astype(config.floatx())
    elif hasattr(value, "__array__"):
        array = np.asarray(value)
    else:
        raise TypeError(
            f"{where} expected a number, a numeric array or a Tensor, "
            f"but received {_describe(value)}."
        )
    _check_numeric(array, value, where)
    if dtype is not None and array.dtype != dtype:
        array = array.astype(dtype)
    return array


def as_tensor(value, dtype=None):
    """`value` itself if it is a Tensor (of `dtype`, when given), else a new constant Tensor."""
    if isinstance(value, Tensor) and (dtype is None or value.data.dtype == dtype):
        return value
    return Tensor(to_array(value, dtype))


def sum_to(gradient, shape):
    """Sum a broadcast gradient back down to `shape`: the one place broadcasting is undone."""
    if gradient.shape == shape:
        return gradient
    lead = gradient.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and gradient.shape[lead + i] != 1
    )
    if axes:
        gradient = gradient.sum(axis=axes, keepdims=True)
    if lead:
        gradient = gradient.reshape(shape)
    return gradient


# ---------------------------------------------------------------------------------------------
# Tensor


class Tensor:
    """An n-dimensional array that remembers which op made it, so gradients can flow back.

    Args:
        data: a number, nested list or numpy array. Python floats and lists of floats become
            `floatx()` ('float32'); numpy arrays keep their dtype.
        requires_grad: whether `backward()` should compute a gradient for this tensor.
        dtype: optional dtype to convert `data` to.

    >>> x = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    array([[2., 4.]], dtype=float32)
    """

    # `_keras_logits`: set on the outputs of softmax and sigmoid, so a crossentropy on those
    # probabilities can use the stable fused path from the logits (as Keras does).
    # `_keras_mask`: the boolean mask a layer attached (e.g. padding steps of a sequence).
    __slots__ = ("data", "grad", "creator", "requires_grad", "name", "_keras_logits",
                 "_keras_mask", "__weakref__")
    # Make numpy hand `ndarray + Tensor` to Tensor.__radd__ instead of looping elementwise.
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self.data = to_array(data, dtype)
        self.grad = None
        self.creator = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        if self.requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"Only floating-point tensors can require gradients, but this tensor has dtype "
                f"{self.data.dtype}. Cast it first, e.g. Tensor(x, dtype='float32')."
            )

    # -- array-like properties -----------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (a scalar) is not defined.")
        return len(self.data)

    def numpy(self):
        """The value as a numpy array (shares memory with the tensor)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return bool(self.data)

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("Iteration over a 0-d tensor (a scalar) is not possible.")
        return (self[i] for i in range(len(self.data)))

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"tensor({body}, shape={self.data.shape}, dtype={self.data.dtype}{grad})"

    __hash__ = object.__hash__

    # -- autodiff ------------------------------------------------------------------------
    def detach(self):
        """A tensor with the same value that is cut off from the tape."""
        return Tensor(self.data)

    def zero_grad(self):
        """Forget the gradient accumulated so far."""
        self.grad = None

    def backward(self, grad=None):
        """Compute the gradient of this tensor with respect to every tensor that requires one.

        Gradients are added to the `.grad` of leaf tensors (those made by the user, such as
        weights), so call `zero_grad()` between steps. A non-scalar tensor needs `grad`: the
        gradient of some scalar with respect to it, of the same shape.
        """
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() was called on a tensor of shape {self.data.shape} without a "
                    f"seed gradient. Either reduce it to a scalar first (for example "
                    f"ops.sum(y) or ops.mean(y)), or pass grad=an array of shape "
                    f"{self.data.shape} (np.ones_like(y) gives the gradient of y's sum)."
                )
            grad = np.ones_like(self.data)
        else:
            grad = to_array(grad, self.data.dtype, where="backward(grad=...)")
            if grad.shape != self.data.shape:
                raise ValueError(
                    f"backward(grad=...) needs a gradient of the tensor's shape "
                    f"{self.data.shape}, but received shape {grad.shape}."
                )
        if not self.requires_grad:
            raise ValueError(
                "backward() was called on a tensor that does not require a gradient: nothing "
                "it was computed from requires one, or it was computed inside no_grad(). "
                "Create the inputs with requires_grad=True (weights are Variables)."
            )
        if self.creator is None:
            _accumulate_leaf(self, grad.copy())
            return
        _run_backward(self, grad)

    # Operators (+, -, *, /, @, **, [], comparisons) are attached in backend/ops/__init__.py,
    # where the ops they call are defined.


class Variable(Tensor):
    """A trainable (or stateful) weight: a named tensor that keeps its gradient.

    Args:
        initializer: the initial value (number, list or array), or a callable
            `initializer(shape, dtype)` used together with `shape`.
        shape: the shape, required when `initializer` is a callable.
        dtype: defaults to floatx() for floating values.
        trainable: whether optimizers update it; a non-trainable variable (such as
            BatchNormalization's moving mean) gets no gradient.
        name: the variable's name, e.g. 'kernel'.
        constraint: optional callable applied to the value after each optimizer update
            (e.g. max_norm); it receives the variable and returns the constrained value.
    """

    __slots__ = ("trainable", "path", "constraint")

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, name=None,
                 constraint=None):
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {name!r}: a callable initializer needs `shape` as well."
                )
            value = initializer(tuple(shape), dtype=config.floatx() if dtype is None else dtype)
        else:
            value = initializer
        value = to_array(value, where=f"Variable {name!r}")
        if dtype is None and value.dtype.kind == "f":
            dtype = config.floatx()
        value = np.array(value, dtype=dtype, copy=True)
        if shape is not None and value.shape != tuple(shape):
            raise ValueError(
                f"Variable {name!r}: the initial value has shape {value.shape}, "
                f"but shape={tuple(shape)} was given."
            )
        super().__init__(value, name=name or "variable")
        self.trainable = bool(trainable)
        self.requires_grad = self.trainable and value.dtype.kind == "f"
        self.path = self.name
        self.constraint = constraint

    @property
    def value(self):
        """The current value as a numpy array (shares memory)."""
        return self.data

    def assign(self, value):
        """Overwrite the value in place; the shape must stay the same."""
        value = to_array(value, where=f"Variable {self.name!r}.assign")
        if value.shape != self.data.shape:
            raise ValueError(
                f"Variable {self.path!r} has shape {self.data.shape}, but the assigned value "
                f"has shape {value.shape}. A variable's shape cannot change."
            )
        self.data[...] = value
        return self

    def assign_add(self, delta):
        """Add `delta` to the value in place."""
        return self.assign(self.data + to_array(delta, self.data.dtype))

    def assign_sub(self, delta):
        """Subtract `delta` from the value in place."""
        return self.assign(self.data - to_array(delta, self.data.dtype))

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="    value=")
        return (f"<Variable path={self.path}, shape={self.data.shape}, "
                f"dtype={self.data.dtype}, value={body}>")


# ---------------------------------------------------------------------------------------------
# Functions (ops)


class Function:
    """One differentiable op. Subclasses define `forward(*arrays)` and `backward(*grads)`.

    `forward` receives the input arrays and returns an array (or a tuple of arrays); it may keep
    on `self` whatever backward needs. `backward` receives the gradient of each output (None
    for an output that received none, only possible with several outputs) and returns one
    gradient per input (or a single array for one input); None means "no gradient". It must
    not modify the gradients it receives: they may be shared. `self.needs_grad` tells which
    inputs want a gradient, so an op can skip expensive work for the rest.

    Non-differentiable arguments (labels, indices, axes) are given to `__init__`, not as inputs.
    """

    def __call__(self, *inputs):
        xs = _as_inputs(inputs)
        try:
            ys = self.forward(*[x.data for x in xs])
        except ValueError as error:  # numpy's own words, e.g. shapes that do not broadcast
            shapes = " and ".join(str(x.data.shape) for x in xs)
            raise ValueError(f"{self.name}: {str(error).strip()} (input shapes {shapes}).") \
                from None
        needs = tuple([x.requires_grad for x in xs])
        # Only float results carry gradients: a cast to int or a comparison ends the tape.
        record = _grad_enabled and True in needs and (type(ys) is tuple or ys.dtype.kind == "f")
        if type(ys) is tuple:
            outputs = tuple(_new_tensor(y, self if record else None) for y in ys)
        else:
            outputs = _new_tensor(ys, self if record else None)
        if record:
            self.inputs = xs
            self.needs_grad = needs
            self.outputs = ([weakref.ref(out) for out in outputs] if type(outputs) is tuple
                            else [weakref.ref(outputs)])
        return outputs

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__} defines no forward (abstract).")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__} defines no backward (abstract).")

    @property
    def name(self):
        """The op's name in snake_case, as used in error messages ('log_softmax')."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()


def _new_tensor(data, creator):
    """An op's output tensor, made without the checks of Tensor.__init__ (the data is known)."""
    out = Tensor.__new__(Tensor)
    # numpy returns scalars, not 0-d arrays, from full reductions and indexing.
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out.creator = creator
    out.requires_grad = creator is not None
    out.name = None
    return out


def _as_inputs(inputs):
    """Tensors for an op's inputs, of one kind: numbers and integer arrays meeting a float
    tensor take its dtype, so 0.5 * x and x * mask stay float32."""
    first = inputs[0]
    if len(inputs) == 1:
        return inputs if isinstance(first, Tensor) else (as_tensor(first),)
    if len(inputs) == 2:
        second = inputs[1]
        if isinstance(first, Tensor) and isinstance(second, Tensor) and \
                first.data.dtype == second.data.dtype:
            return inputs
    elif isinstance(first, Tensor):
        dtype = first.data.dtype
        if all(isinstance(x, Tensor) and x.data.dtype == dtype for x in inputs):
            return inputs
    return _unify(inputs)


def _unify(inputs):
    for x in inputs:
        if isinstance(x, np.ndarray):
            _check_numeric(x, x, "An op")
    typed = [x.dtype for x in inputs if isinstance(x, (Tensor, np.ndarray))]
    floats = [d for d in typed if d.kind == "f"]
    reference = np.result_type(*floats) if floats else (np.result_type(*typed) if typed else None)
    if reference is not None and reference.kind == "b":
        reference = None  # numbers meeting booleans keep their own type: True + 2 is 3
    arrays = []
    for x in inputs:
        if isinstance(x, Tensor):
            a = x.data
        elif isinstance(x, np.ndarray):
            a = x
        elif reference is not None and isinstance(x, (numbers.Number, np.generic)) and \
                not isinstance(x, (bool, np.bool_)):
            # A bare number adapts to the arrays it meets, but a fractional number never
            # truncates an integer array.
            fits = reference.kind == "f" or float(x).is_integer()
            a = np.asarray(x, dtype=reference if fits else config.floatx())
        else:
            a = to_array(x, where="An op")
        arrays.append(a)
    kinds = {a.dtype.kind for a in arrays}
    if "f" in kinds and len(kinds) > 1:
        float_type = np.result_type(*[a.dtype for a in arrays if a.dtype.kind == "f"])
        arrays = [a if a.dtype.kind == "f" else a.astype(float_type) for a in arrays]
    return tuple(x if isinstance(x, Tensor) and a is x.data else Tensor(a)
                 for x, a in zip(inputs, arrays))


def _accumulate_leaf(tensor, grad):
    # Gradient arrays are never modified in place (by ops or optimizers), so one array may be
    # shared by several tensors without a copy.
    tensor.grad = grad if tensor.grad is None else tensor.grad + grad


def _topological_order(root):
    """The ops reachable from `root`, each after every op that made one of its inputs."""
    order = []
    seen = {id(root)}
    stack = [(root, iter(root.inputs))]
    while stack:
        function, pending = stack[-1]
        for x in pending:
            creator = x.creator
            if creator is not None and id(creator) not in seen:
                seen.add(id(creator))
                stack.append((creator, iter(creator.inputs)))
                break
        else:
            stack.pop()
            order.append(function)
    return order


def _run_backward(root, grad):
    grads = {id(root): grad}
    for function in reversed(_topological_order(root.creator)):
        outputs = [ref() for ref in function.outputs]
        gys = [None if out is None else grads.pop(id(out), None) for out in outputs]
        if all(g is None for g in gys):
            continue
        gxs = function.backward(*gys)
        if not isinstance(gxs, tuple):
            gxs = (gxs,)
        for x, gx in zip(function.inputs, gxs):
            if gx is None or not x.requires_grad:
                continue
            if gx.shape != x.data.shape:
                gx = sum_to(gx, x.data.shape)
            if x.creator is None:
                _accumulate_leaf(x, gx)
            else:
                key = id(x)
                previous = grads.get(key)
                grads[key] = gx if previous is None else previous + gx
