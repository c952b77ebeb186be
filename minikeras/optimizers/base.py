"""The optimizer base class: everything an update step needs except the update rule itself.

`apply(grads, variables)` runs one training step the way Keras 3 does: drop None gradients,
unscale (`loss_scale_factor`), then either accumulate (`gradient_accumulation_steps`) or clip
(`clipnorm` / `clipvalue` / `global_clipnorm`), apply decoupled weight decay, and call
`update_step` once per variable; then update the moving averages (`use_ema`), apply each
variable's constraint and count the iteration.

Updates are done in place on each variable's numpy array with `out=` into the optimizer's own
buffers: every optimizer keeps two scratch arrays per dtype, as large as its largest variable,
and, only when gradients are transformed (unscaled, averaged or clipped), one gradient array
per variable. So a step allocates nothing and never writes into a gradient (gradients may be
shared). Scalars (learning rate, bias corrections) are computed as Python floats and handed to
numpy as scalars of the array's dtype (`w.dtype.type(x)`): float32 stays float32, and numpy
dispatches typed scalars faster than Python floats.

Subclasses implement `build(variables)` (calling `super().build` first, then creating their
slot variables with `add_optimizer_variables`), `update_step(gradient, variable,
learning_rate)` and `get_config()`, as in Keras.
"""

import numbers
import re
import warnings

import numpy as np

from .. import initializers
from ..backend import config
from ..backend.tensor import Variable, no_grad, to_array
from ..registry import snake_case
from . import schedules


def check_number(owner, argument, value, minimum=None, maximum=None, below_maximum=False,
                 positive=False, optional=False):
    """`value` as a Python float after checking its type and range, else a ValueError naming
    the optimizer and the argument."""
    if value is None and optional:
        return None
    if callable(value):  # schedules included
        raise ValueError(
            f"{owner}: argument `{argument}` must be a float, but received the "
            f"{type(value).__name__} {value!r}. Only `learning_rate` accepts a "
            f"LearningRateSchedule or a callable."
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{owner}: argument `{argument}` must be a float, but received "
            f"{type(value).__name__} {value!r}."
        )
    value = float(value)
    above = maximum is not None and (value >= maximum if below_maximum else value > maximum)
    if (positive and not value > 0) or (minimum is not None and not value >= minimum) or above:
        if positive:
            expected = "must be positive"
        else:
            close = ")" if below_maximum else "]"
            expected = (f"must be in [{minimum}, {maximum}{close}" if maximum is not None
                        else f"must be >= {minimum}")
        raise ValueError(f"{owner}: `{argument}` {expected}. Received: {argument}={value!r}")
    return value


def check_bool(owner, argument, value):
    """`value` as a bool; True, False, 1 and 0 are accepted."""
    if isinstance(value, (bool, np.bool_)) or (
            isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    raise ValueError(
        f"{owner}: argument `{argument}` must be True or False, but received "
        f"{type(value).__name__} {value!r}."
    )


def _check_int(owner, argument, value, minimum):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(
            f"{owner}: `{argument}` must be an integer >= {minimum} or None. Received: "
            f"{argument}={value!r}"
        )
    return int(value)


class StepCount(int):
    """An int with `.numpy()`, so scripts written for Keras's iteration variable run."""

    def numpy(self):
        return np.int64(self)


class LearningRateValue(float):
    """A float with Keras's variable calls: `.numpy()`, and `.assign(value)`, which sets the
    optimizer's learning rate (as `optimizer.learning_rate = value` does)."""

    def __new__(cls, value, optimizer):
        number = super().__new__(cls, value)
        number._optimizer = optimizer
        return number

    def numpy(self):
        return np.asarray(float(self), dtype=config.floatx())[()]

    def assign(self, value):
        self._optimizer.learning_rate = value

    def __reduce__(self):  # copies and pickles are plain floats, not tied to the optimizer
        return float, (float(self),)


class Optimizer:
    """Base class of optimizers: Keras 3's `keras.optimizers.Optimizer`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` (called with the iteration count at
            each step), or a callable taking no arguments and returning the rate.
        weight_decay: if set, each step first shrinks every variable by
            `variable * weight_decay * learning_rate` (decoupled weight decay).
        clipnorm: if set, each gradient is rescaled so that its L2 norm is at most this.
        clipvalue: if set, each gradient is clipped to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are rescaled together so that their joint L2
            norm is at most this. At most one of the three clip options may be set.
        use_ema: whether to keep an exponential moving average of the variables.
        ema_momentum: the EMA's momentum: `average = m * average + (1 - m) * value`.
        ema_overwrite_frequency: every this many iterations, overwrite the variables with their
            averages; if None, call `finalize_variable_values` at the end instead.
        loss_scale_factor: if set, gradients are divided by it (`scale_loss` multiplies a
            loss by it), for mixed precision.
        gradient_accumulation_steps: if set (>= 2), variables are updated only every this
            many steps, with the mean of the accumulated gradients.
        name: the optimizer's name, used for its variables' paths.

    >>> optimizer = Adam(learning_rate=1e-3)
    >>> optimizer.apply(grads, variables)   # or apply_gradients(zip(grads, variables))
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        owner = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                f"{owner}: argument `decay` is no longer supported and will be ignored. Use "
                f"a learning rate schedule, e.g. learning_rate=keras.optimizers.schedules."
                f"InverseTimeDecay(...), instead.", stacklevel=3,
            )
        if kwargs:
            hint = ""
            if "lr" in kwargs:
                hint = (f" `lr` was renamed `learning_rate` in Keras: use "
                        f"{owner}(learning_rate={kwargs['lr']!r}).")
            raise ValueError(f"{owner}: Argument(s) not recognized: {kwargs}.{hint}")

        self.name = snake_case(owner) if name is None else str(name)
        self.weight_decay = check_number(owner, "weight_decay", weight_decay, minimum=0,
                                         optional=True)
        self.clipnorm = check_number(owner, "clipnorm", clipnorm, minimum=0, optional=True)
        self.clipvalue = check_number(owner, "clipvalue", clipvalue, minimum=0, optional=True)
        self.global_clipnorm = check_number(owner, "global_clipnorm", global_clipnorm,
                                            minimum=0, optional=True)
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{owner}: Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.use_ema = check_bool(owner, "use_ema", use_ema)
        self.ema_momentum = check_number(owner, "ema_momentum", ema_momentum, minimum=0,
                                         maximum=1)
        self.ema_overwrite_frequency = _check_int(owner, "ema_overwrite_frequency",
                                                  ema_overwrite_frequency, 1)
        self.loss_scale_factor = check_number(owner, "loss_scale_factor", loss_scale_factor,
                                              positive=True, optional=True)
        self.gradient_accumulation_steps = _check_int(
            owner, "gradient_accumulation_steps", gradient_accumulation_steps, 2)

        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._scratch = []
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}
        self._iterations = self._new_variable(np.zeros((), dtype=np.int64), "iteration")
        self._learning_rate = None
        self._set_learning_rate(learning_rate, initial=True)

    # -- state -------------------------------------------------------------------------------
    def _new_variable(self, value, name):
        variable = Variable(value, dtype=value.dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    @property
    def variables(self):
        """The optimizer's state in Keras's order (the saving format): the iteration count,
        the learning rate (unless it is a schedule), then what `build` created."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of update steps taken: an int that also has Keras's `.numpy()`."""
        count = int(self._iterations.data)
        steps = self.gradient_accumulation_steps
        return StepCount(count // steps if steps else count)

    @property
    def learning_rate(self):
        """The current learning rate (a schedule's value at the current step): a float that
        also answers `.numpy()` and `.assign(value)`, as Keras's learning-rate variable does."""
        return LearningRateValue(self._get_current_learning_rate(), self)

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self._set_learning_rate(learning_rate, initial=False)

    def _set_learning_rate(self, learning_rate, initial):
        owner = type(self).__name__
        current = self._learning_rate
        if callable(learning_rate):  # a LearningRateSchedule or a function of no arguments
            if isinstance(current, Variable):  # a schedule replaces the stored rate
                # By identity: == on Variables compares values elementwise.
                self._variables = [v for v in self._variables if v is not current]
            self._learning_rate = learning_rate
            return
        if isinstance(learning_rate, (bool, np.bool_)) or \
                not isinstance(learning_rate, numbers.Real):
            raise ValueError(
                f"{owner}: argument `learning_rate` should be a float, an instance of "
                f"LearningRateSchedule, or a callable (that takes no arguments and returns "
                f"the learning rate). Received instead: learning_rate={learning_rate!r}"
            )
        if not learning_rate >= 0:
            raise ValueError(
                f"{owner}: `learning_rate` must be >= 0, but received "
                f"learning_rate={learning_rate!r}."
            )
        if initial:
            value = np.asarray(learning_rate, dtype=config.floatx())
            self._learning_rate = self._new_variable(value, "learning_rate")
        elif isinstance(current, Variable):
            current.assign(float(learning_rate))
        else:
            raise TypeError(
                f"{owner} was created with a `LearningRateSchedule` object (or a callable) as "
                f"its `learning_rate` constructor argument, hence its learning rate is not "
                f"settable. If you need the learning rate to be settable, you should "
                f"instantiate the optimizer with a float `learning_rate` argument."
            )

    def _get_current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            # Stored in floatx as in Keras, so 1e-3 reads back as 0.0010000000474974513.
            return lr.data.item()
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(int(self._iterations.data)))
        return float(lr())

    # -- building ----------------------------------------------------------------------------
    def build(self, variables):
        """Create the optimizer's state for `variables` (subclasses add their slots after
        calling this). Called by the first `apply` if not called before."""
        variables = list(variables)
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(
                    f"{self.name}: optimizers update minikeras Variables, but received "
                    f"{type(v).__name__} {v!r}. Wrap weights in minikeras.Variable."
                )
            if v.data.dtype.kind != "f":
                raise TypeError(
                    f"{self.name}: variable {v.path!r} has dtype {v.data.dtype}; only "
                    f"floating-point variables can be trained."
                )
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        averages, accumulators = [], []
        for v in variables:  # Keras creates these interleaved, variable by variable
            if self.use_ema:
                averages.append(self.add_variable_from_reference(v, "average"))
            if self.gradient_accumulation_steps:
                accumulators.append(self.add_variable_from_reference(v, "gradient_accumulator"))
        self._model_variables_moving_average = averages
        self._accumulated_gradients = accumulators
        self._scratch = _scratch_buffers(variables)
        self._gradient_buffers = [None] * len(variables)
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="mean",
                     name=None):
        """Create and track an optimizer variable (not trainable).

        Args:
            shape: its shape.
            initializer: an initializer name ('zeros'), instance or callable `(shape, dtype)`.
            dtype: defaults to floatx().
            aggregation: accepted for Keras compatibility; unused.
            name: its name.
        """
        dtype = np.dtype(dtype or config.floatx())
        shape = tuple(shape)
        value = to_array(initializers.get(initializer)(shape, dtype=dtype), dtype,
                         where=f"{self.name}: the initializer of {name!r}")
        if value.shape != shape:
            raise ValueError(
                f"{self.name}: the initializer of {name!r} returned shape {value.shape}, but "
                f"the variable has shape {shape}."
            )
        return self._new_variable(value, name or "var")

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A variable of the shape and dtype of `reference_variable`, named after it as Keras
        names it ('dense_kernel_momentum')."""
        name = f"{reference_variable.path.replace('/', '_')}_{name or 'var'}"
        return self.add_variable(reference_variable.shape, initializer,
                                 reference_variable.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot variable per trainable variable: a list for one name; for a list of names
        a tuple of lists, created interleaved variable by variable as Keras does."""
        names = [name] if isinstance(name, str) else list(name)
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for slot, slot_name in zip(slots, names):
                slot.append(self.add_variable_from_reference(variable, slot_name, initializer))
        return slots[0] if isinstance(name, str) else slots

    def _gradient_buffer(self, variable):
        """The optimizer's own array for `variable`'s transformed gradient (made on first
        use), so transforming never writes into the caller's gradient."""
        i = self._trainable_variables_indices[id(variable)]
        buffer = self._gradient_buffers[i]
        if buffer is None:
            buffer = self._gradient_buffers[i] = np.empty_like(variable.data)
        return buffer

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    def _check_variables_are_known(self, variables):
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"{self.name}: Unknown variable: {v!r}. This optimizer can only be called "
                    f"for the variables it was originally built with. When working with a new "
                    f"set of variables, you should recreate a new optimizer instance."
                )

    # -- one training step -------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """`apply` for an iterable of (gradient, variable) pairs, as in tf.keras.

        Returns the iteration count after the step.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ValueError(
                    f"{self.name}: apply_gradients expects (gradient, variable) pairs, e.g. "
                    f"zip(grads, variables), but received the item {pair!r}."
                )
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` in place from `grads` (one per variable, None where a
        variable received no gradient). Without variables, the ones from `build` are used."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"{self.name}: When passing `grads` without `variables`, the optimizer "
                    f"must already be built on a list of variables. Call "
                    f"`optimizer.build(trainable_variables)` first."
                )
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
            self._check_variables_are_known(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"{self.name}: received {len(grads)} gradients for {len(variables)} "
                f"variables; pass exactly one gradient (or None) per variable."
            )
        grads, variables = self._filter_empty_gradients(grads, variables)
        with no_grad():
            scale = self.loss_scale_factor
            if scale is not None:
                grads = [np.divide(g, g.dtype.type(scale), out=self._gradient_buffer(v))
                         for g, v in zip(grads, variables)]
            self._backend_apply_gradients(grads, variables)
            for variable in variables:
                if variable.constraint is not None:
                    variable.assign(variable.constraint(variable))
        self._iterations.data += 1

    def _filter_empty_gradients(self, grads, variables):
        """Drop None gradients (warning about them), check shapes and cast to each variable's
        dtype, as Keras casts."""
        kept_grads, kept_variables, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(v.name)
                continue
            if type(g) is not np.ndarray:
                g = to_array(g, where=f"{self.name}: the gradient of {v.path!r}")
            if g.dtype != v.data.dtype:
                g = g.astype(v.data.dtype)
            if g.shape != v.data.shape:
                raise ValueError(
                    f"{self.name}: the gradient of variable {v.path!r} has shape {g.shape}, "
                    f"but the variable has shape {v.data.shape}. Pass gradients in the same "
                    f"order as the variables."
                )
            kept_grads.append(g)
            kept_variables.append(v)
        if not kept_grads:
            raise ValueError(
                f"{self.name}: No gradients provided for any variable: all {len(missing)} "
                f"gradients are None. Check that the loss was computed from these variables "
                f"(not inside no_grad()) and that loss.backward() was called before applying."
            )
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                f"If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
        return kept_grads, kept_variables

    def _backend_apply_gradients(self, grads, trainable_variables):
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [self._accumulated_gradients[self._get_variable_index(v)].data
                            for v in trainable_variables]
            if (int(self._iterations.data) + 1) % steps == 0:
                averaged = []
                for g, acc, v in zip(grads, accumulators, trainable_variables):
                    mean = np.add(g, acc, out=self._gradient_buffer(v))
                    mean /= mean.dtype.type(steps)
                    averaged.append(mean)
                self._update(averaged, trainable_variables)
                for acc in self._accumulated_gradients:
                    acc.data[...] = 0
            else:
                for g, acc in zip(grads, accumulators):
                    acc += g
        else:
            self._update(grads, trainable_variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            frequency = self.ema_overwrite_frequency
            if frequency and (self.iterations + 1) % frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _update(self, grads, trainable_variables):
        if self.clipnorm or self.global_clipnorm or self.clipvalue:
            grads = self._clip_gradients(
                grads, [self._gradient_buffer(v) for v in trainable_variables])
        self._apply_weight_decay(trainable_variables)
        self._backend_update_step(grads, trainable_variables,
                                  self._get_current_learning_rate())

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Update one variable in place from its gradient (a numpy array, never modified)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement update_step(gradient, variable, "
            f"learning_rate) (Optimizer is abstract)."
        )

    # -- clipping and weight decay ------------------------------------------------------------
    def _clip_gradients(self, grads, out=None):
        """The clipped gradients, written into the arrays `out` (one per gradient, possibly a
        gradient itself when the optimizer owns it) or into new arrays when `out` is None."""
        out = out or [None] * len(grads)
        if self.clipnorm:
            return [self._clip_by_norm(g, o) for g, o in zip(grads, out)]
        if self.global_clipnorm:
            return _clip_by_global_norm(grads, self.global_clipnorm, out)
        if self.clipvalue:
            return [np.clip(g, g.dtype.type(-self.clipvalue), g.dtype.type(self.clipvalue),
                            out=o) for g, o in zip(grads, out)]
        return grads

    def _clip_by_norm(self, gradient, out=None):
        norm = _norm(gradient)
        if norm <= self.clipnorm:
            return gradient
        return np.multiply(gradient, gradient.dtype.type(self.clipnorm / norm), out=out)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: those in `var_list`, and those whose name
        contains a match of any of `var_names` (strings or regular expressions, as in Keras:
        `var_names=['bias']` exempts all biases). Call before the optimizer is built."""
        if self.built:
            raise ValueError(
                f"{self.name}: `exclude_from_weight_decay()` can only be configured before "
                f"the optimizer is built."
            )
        self._exclude_from_weight_decay = {id(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(set(var_names))) if var_names else None)
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        key = id(variable)
        cached = self._exclude_from_weight_decay_cache.get(key)
        if cached is None:
            pattern = self._exclude_from_weight_decay_pattern
            cached = not (key in self._exclude_from_weight_decay or (
                pattern is not None and pattern.search(variable.name) is not None))
            self._exclude_from_weight_decay_cache[key] = cached
        return cached

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        shrink = self.weight_decay * self.learning_rate
        for variable in variables:
            if self._use_weight_decay(variable):
                w = variable.data
                t = self._scratch[self._get_variable_index(variable)][0]
                np.multiply(w, w.dtype.type(shrink), out=t)
                w -= t

    # -- moving averages ---------------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        # The average starts at the first step's value: the momentum is 0 at iteration 0.
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            t = self._scratch[self._get_variable_index(variable)][0]
            f = t.dtype.type
            average.data *= f(momentum)
            np.multiply(variable.data, f(1.0 - momentum), out=t)
            average.data += t

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"{self.name}: The length of model variables ({len(trainable_variables)}) to "
                f"override does not match the length of model variables stored in the "
                f"optimizer ({len(self._model_variables_moving_average)}). Please check if "
                f"the optimizer was called on your model."
            )
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            variable.data[...] = average.data

    def finalize_variable_values(self, var_list):
        """At the end of training: with `use_ema`, overwrite the variables with their
        moving averages (what `fit` does after the last epoch)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(list(var_list))

    # -- Keras helpers for custom optimizers ----------------------------------------------------
    def assign(self, variable, value):
        """`variable.assign(value)`; for update rules written with `ops`."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """`variable.assign_add(value)`."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """`variable.assign_sub(value)`."""
        variable.assign_sub(value)

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` when one is set, else `loss`."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # -- saving ----------------------------------------------------------------------------
    def set_weights(self, weights):
        """Overwrite the optimizer's variables (see `variables`) with `weights`, in order."""
        if not self.built:
            raise ValueError(
                f"{self.name}: You are calling `set_weights()` on an optimizer that has not "
                f"yet been built. Please call `optimizer.build(trainable_variables)` to create "
                f"the optimizer weights before calling `set_weights()`."
            )
        weights = list(weights)
        if len(weights) != len(self._variables):
            raise ValueError(
                f"{self.name}: expected {len(self._variables)} weights (one per optimizer "
                f"variable), but received {len(weights)}."
            )
        for variable, weight in zip(self._variables, weights):
            weight = to_array(weight, where=f"{self.name}.set_weights")
            if variable.shape != weight.shape:
                raise ValueError(
                    f"{self.name}: Optimizer variable {variable.path!r} has shape "
                    f"{variable.shape} not compatible with provided weight shape "
                    f"{weight.shape}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Write the state into `store` (a dict-like) under the keys '0', '1', ..."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.data

    def load_own_variables(self, store):
        """Read the state written by `save_own_variables`; warns and skips on a mismatch."""
        if len(store.keys()) != len(self._variables):
            message = (f"Skipping variable loading for optimizer '{self.name}', because it "
                       f"has {len(self._variables)} variables whereas the saved optimizer has "
                       f"{len(store.keys())} variables.")
            if not self.built:
                message += " This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)]))

    # -- config --------------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, with Keras's keys (a schedule as its config dict)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            learning_rate = self._get_current_learning_rate()
        else:
            raise ValueError(
                f"{self.name}: cannot serialize the callable learning rate {lr!r}. Use a "
                f"float or a keras.optimizers.schedules.LearningRateSchedule (a subclass with "
                f"get_config, registered with register_keras_serializable) instead."
            )
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """An optimizer (without state) from the dict `get_config()` returned."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}, learning_rate={self.learning_rate}>"


def _norm(array):
    """The L2 norm of an array, as a Python float (the dot product runs in its dtype)."""
    flat = array.reshape(-1)
    return float(np.dot(flat, flat)) ** 0.5


def _clip_by_global_norm(grads, clip_norm, out):
    total = sum(_norm(g) ** 2 for g in grads) ** 0.5
    if total <= clip_norm:
        return grads
    # As in Keras, a non-finite norm makes every gradient NaN rather than silently rescaling.
    scale = clip_norm / total if total < float("inf") else float("nan")
    return [np.multiply(g, g.dtype.type(scale), out=o) for g, o in zip(grads, out)]


def _scratch_buffers(variables):
    """Two scratch arrays per variable, shaped like it: views into two flat buffers per dtype,
    as large as the largest variable of that dtype, shared by all variables."""
    sizes = {}
    for v in variables:
        sizes[v.data.dtype] = max(sizes.get(v.data.dtype, 0), v.data.size)
    pools = {dtype: (np.zeros(n, dtype), np.zeros(n, dtype)) for dtype, n in sizes.items()}
    return [tuple(pool[:v.data.size].reshape(v.data.shape) for pool in pools[v.data.dtype])
            for v in variables]
