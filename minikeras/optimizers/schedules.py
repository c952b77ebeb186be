"""Learning rate schedules: the learning rate as a function of the optimizer's step count.

Pass one as an optimizer's `learning_rate`; the optimizer calls it with its current iteration
count before every update. The names, arguments, defaults, formulas and configs are Keras 3's.
A schedule returns a Python float, computed in float64 (Keras computes in float32, which only
changes the last digits).

>>> from minikeras.optimizers import SGD, schedules
>>> lr = schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> optimizer = SGD(learning_rate=lr)
"""

import math
import numbers

from ..registry import Registry


def _number(owner, argument, value, minimum=None, positive=False):
    """`value` as a Python int or float, or a ValueError naming the schedule and argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{owner}: argument `{argument}` must be a number, but received "
            f"{type(value).__name__} {value!r}."
        )
    # Ints stay ints, so configs read like the arguments given (decay_steps=1000, not 1000.0).
    value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if positive and not value > 0:
        raise ValueError(
            f"{owner}: argument `{argument}` must be > 0. Received: {argument}={value!r}"
        )
    if minimum is not None and value < minimum:
        raise ValueError(
            f"{owner}: argument `{argument}` must be >= {minimum}. Received: "
            f"{argument}={value!r}"
        )
    return value


def _step(step):
    """The step count as a float; accepts Python and numpy numbers and 0-d tensors."""
    try:
        return float(step)
    except (TypeError, ValueError):
        raise TypeError(
            f"A learning rate schedule expects the step count as a number, but received "
            f"{type(step).__name__} {step!r}."
        ) from None


class LearningRateSchedule:
    """Base class of learning rate schedules: a callable from step count to learning rate.

    Subclasses implement `__call__(step)` and `get_config()`; `from_config` passes the config
    back to the constructor.

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** (step // 100)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            f"`__call__(self, step)` (abstract)."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in "
            f"order to be serializable (abstract)."
        )

    @classmethod
    def from_config(cls, config):
        """A schedule from the dict `get_config()` returned."""
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    With `staircase=True` the exponent is floored, so the rate drops in discrete jumps every
    `decay_steps` steps.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: positive number of steps over which the rate is multiplied by
            `decay_rate`.
        decay_rate: the decay factor.
        staircase: whether to decay at discrete intervals.
        name: the schedule's name.

    >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
    0.025
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = _number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = _number(owner, "decay_steps", decay_steps, positive=True)
        self.decay_rate = _number(owner, "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant learning rate on each interval between `boundaries`.

    The rate is `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after the last boundary.

    Args:
        boundaries: strictly increasing step counts.
        values: the learning rates, one more than `boundaries`.
        name: the schedule's name.

    >>> PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])(150)
    0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        owner = type(self).__name__
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"{owner}: the length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        for b in boundaries:
            _number(owner, "boundaries", b)
        for v in values:
            _number(owner, "values", v)
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(
                f"{owner}: boundaries must be strictly increasing, but received {boundaries}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = _step(step)
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decay from `initial_learning_rate` to `end_learning_rate` along `(1 - t) ** power`.

    `t = min(step, decay_steps) / decay_steps`. With `cycle=True`, `decay_steps` is instead
    stretched to the first multiple of itself at or beyond `step`, so the decay restarts.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: positive number of steps to reach `end_learning_rate`.
        end_learning_rate: the final learning rate.
        power: the power of the polynomial (1.0 is linear).
        cycle: whether to restart the decay beyond `decay_steps`.
        name: the schedule's name.

    >>> PolynomialDecay(0.1, decay_steps=100, end_learning_rate=0.0)(50)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = _number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = _number(owner, "decay_steps", decay_steps, positive=True)
        self.end_learning_rate = _number(owner, "end_learning_rate", end_learning_rate)
        self.power = _number(owner, "power", power)
        self.cycle = bool(cycle)
        self.name = name

    def __call__(self, step):
        step = _step(step)
        decay_steps = self.decay_steps
        if self.cycle:
            # The first multiple of decay_steps at or after step (1 at step 0).
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power
                + self.end_learning_rate)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    With `staircase=True`, `step / decay_steps` is floored.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: positive number of steps per unit of decay.
        decay_rate: the decay rate.
        staircase: whether to decay at discrete intervals.
        name: the schedule's name.

    >>> InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)(2)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = _number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = _number(owner, "decay_steps", decay_steps, positive=True)
        self.decay_rate = _number(owner, "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


def _cosine(fraction, alpha):
    """The cosine decay factor, from 1 at fraction 0 down to `alpha` at fraction 1."""
    return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay over `decay_steps`, optionally after a linear warmup.

    Without `warmup_target` the rate follows `initial_learning_rate * decayed` with
    `decayed = (1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha`.
    With `warmup_target`, the rate first rises linearly from `initial_learning_rate` to
    `warmup_target` over `warmup_steps`, then decays from `warmup_target` over `decay_steps`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: positive number of steps to decay over.
        alpha: the final learning rate as a fraction of the decay's starting rate.
        name: the schedule's name.
        warmup_target: the learning rate reached at the end of the warmup, or None for no
            warmup.
        warmup_steps: the number of warmup steps.

    >>> CosineDecay(0.1, decay_steps=100)(50)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        owner = type(self).__name__
        self.initial_learning_rate = _number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = _number(owner, "decay_steps", decay_steps, positive=True)
        self.alpha = _number(owner, "alpha", alpha)
        self.name = name
        self.warmup_target = (None if warmup_target is None
                              else _number(owner, "warmup_target", warmup_target))
        self.warmup_steps = _number(owner, "warmup_steps", warmup_steps, minimum=0)

    def __call__(self, step):
        step = _step(step)
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return self.initial_learning_rate * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            completed = step / self.warmup_steps
            return ((self.warmup_target - self.initial_learning_rate) * completed
                    + self.initial_learning_rate)
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * _cosine(fraction, self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The rate decays from `initial_learning_rate` to `alpha` times it over `first_decay_steps`,
    then restarts; each period lasts `t_mul` times longer than the one before and starts at
    `m_mul` times its learning rate.

    Args:
        initial_learning_rate: the learning rate at step 0.
        first_decay_steps: positive length of the first period, in steps.
        t_mul: factor by which each period is longer than the previous one.
        m_mul: factor by which each period's starting rate is scaled.
        alpha: the minimum learning rate as a fraction of `initial_learning_rate`.
        name: the schedule's name.

    >>> CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=1.0)(15)
    0.05
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = _number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.first_decay_steps = _number(owner, "first_decay_steps", first_decay_steps,
                                         positive=True)
        self.t_mul = _number(owner, "t_mul", t_mul, positive=True)
        self.m_mul = _number(owner, "m_mul", m_mul)
        self.alpha = _number(owner, "alpha", alpha)
        self.name = name

    def __call__(self, step):
        fraction = _step(step) / self.first_decay_steps
        t_mul = self.t_mul
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # Periods of lengths 1, t, t^2, ... (in units of first_decay_steps) end at the
            # partial sums (1 - t^i) / (1 - t); find which period `fraction` falls in.
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            start = (1.0 - t_mul ** restart) / (1.0 - t_mul)
            fraction = (fraction - start) / t_mul ** restart
        decayed = 0.5 * self.m_mul ** restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * decayed + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_OBJECTS = (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
               InverseTimeDecay, CosineDecay, CosineDecayRestarts)
_REGISTRY = Registry("learning rate schedule", "keras.optimizers.schedules", ALL_OBJECTS,
                     instantiate=False)


def serialize(learning_rate_schedule):
    """Keras's config dict for a schedule: `{'module', 'class_name', 'config', ...}`."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(
            f"serialize expected a LearningRateSchedule, but received "
            f"{type(learning_rate_schedule).__name__} {learning_rate_schedule!r}."
        )
    return _REGISTRY.serialize(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """A schedule from its config dict (what `serialize` returns)."""
    schedule = _REGISTRY.deserialize(config, custom_objects)
    if not isinstance(schedule, LearningRateSchedule):
        raise ValueError(
            f"Could not deserialize a learning rate schedule from {config!r}: it names "
            f"{type(schedule).__name__}, which is not a LearningRateSchedule."
        )
    return schedule
