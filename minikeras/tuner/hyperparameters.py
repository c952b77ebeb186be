"""`HyperParameters`: the search space a `build_model(hp)` function declares as it runs.

Each hyperparameter knows its range and how to map its values to and from the unit interval
[0, 1]. Random search draws a point of the unit cube, the Bayesian search fits a model on it,
and grid search walks the finite list each hyperparameter gives.
"""

import math

import numpy as np

SAMPLINGS = ("linear", "log", "reverse_log")

# A Float with no step still needs a finite list of values for grid search.
GRID_POINTS_WITHOUT_STEP = 10


def _check_name(name):
    if not isinstance(name, str) or not name:
        raise TypeError(f"A hyperparameter's `name` must be a non-empty str, received {name!r}.")
    return name


def _check_sampling(name, sampling, min_value):
    if sampling is None:
        sampling = "linear"
    if not isinstance(sampling, str) or sampling.lower() not in SAMPLINGS:
        raise ValueError(f"Hyperparameter '{name}': `sampling` must be one of {list(SAMPLINGS)}, "
                         f"received sampling={sampling!r}.")
    sampling = sampling.lower()
    if sampling != "linear" and min_value <= 0:
        raise ValueError(f"Hyperparameter '{name}': `sampling='{sampling}'` needs "
                         f"min_value > 0 (a logarithm of {min_value!r} is undefined), received "
                         f"min_value={min_value!r}. Use sampling='linear' or a positive "
                         f"min_value.")
    return sampling


def _check_range(name, min_value, max_value, kind):
    for arg, value in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(value, bool) or not isinstance(value, kind):
            expected = "an int" if kind is int or kind == (int, np.integer) else "a number"
            raise TypeError(f"Hyperparameter '{name}': `{arg}` must be {expected}, received "
                            f"{arg}={value!r} of type {type(value).__name__}.")
    if min_value > max_value:
        raise ValueError(f"Hyperparameter '{name}': min_value must not exceed max_value, "
                         f"received min_value={min_value!r} > max_value={max_value!r}. Swap "
                         f"them.")


def _to_unit(value, low, high, sampling):
    """`value` in [low, high] as a fraction of the range on the sampling's scale."""
    if high == low:
        return 0.5
    if sampling == "linear":
        return (value - low) / (high - low)
    if sampling == "log":
        return math.log(value / low) / math.log(high / low)
    return 1.0 - math.log((high - value + low) / low) / math.log(high / low)


def _from_unit(unit, low, high, sampling):
    """The inverse of `_to_unit`."""
    unit = min(max(float(unit), 0.0), 1.0)
    if sampling == "linear":
        return low + unit * (high - low)
    if sampling == "log":
        return low * (high / low) ** unit
    return high + low - low * (high / low) ** (1.0 - unit)


class HyperParameter:
    """Base class: a named hyperparameter with a default and a mapping to the unit interval."""

    def __init__(self, name, default=None):
        self.name = _check_name(name)
        self.default = default

    def random_sample(self, rng):
        """A value drawn at random from the range."""
        return self.from_unit(rng.random())

    def values(self):
        """The finite list of values grid search visits, in order."""
        raise NotImplementedError

    def to_unit(self, value):
        raise NotImplementedError

    def from_unit(self, unit):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "default": self.default}

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class _Numeric(HyperParameter):
    """Int and Float: a range with an optional step, on a linear or logarithmic scale."""

    kind = float

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None):
        name = _check_name(name)
        _check_range(name, min_value, max_value, self.kind)
        self.min_value, self.max_value = min_value, max_value
        self.sampling = _check_sampling(name, sampling, min_value)
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, self.kind) or step <= 0:
                raise ValueError(f"Hyperparameter '{name}': `step` must be a positive "
                                 f"{self.kind_name}, received step={step!r}.")
            if self.sampling != "linear" and step <= 1:
                raise ValueError(f"Hyperparameter '{name}': with sampling='{self.sampling}' "
                                 f"`step` is the factor between two values and must be > 1, "
                                 f"received step={step!r}.")
        self.step = step
        if default is None:
            default = min_value
        elif not self._contains(default):
            raise ValueError(f"Hyperparameter '{name}': default={default!r} is outside "
                             f"[{min_value}, {max_value}] or off its step.")
        super().__init__(name, default)

    def _contains(self, value):
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        return self.min_value <= value <= self.max_value

    def _grid(self):
        """The values on the step's grid, or None when there is no step."""
        if self.step is None:
            return None
        out, value = [], self.min_value
        while value <= self.max_value * (1 + 1e-12):
            out.append(value)
            value = value + self.step if self.sampling == "linear" else value * self.step
        return out

    def to_unit(self, value):
        grid = self._grid()
        if grid is not None:  # the centre of the value's bin, so from_unit round-trips
            index = int(np.argmin([abs(v - value) for v in grid]))
            return (index + 0.5) / len(grid)
        return _to_unit(value, self.min_value, self.max_value, self.sampling)

    def from_unit(self, unit):
        grid = self._grid()
        if grid is not None:  # equal-width bins: each value on the grid equally likely
            return grid[min(int(float(unit) * len(grid)), len(grid) - 1)]
        return self._cast(_from_unit(unit, self.min_value, self.max_value, self.sampling))

    def get_config(self):
        return {**super().get_config(), "min_value": self.min_value,
                "max_value": self.max_value, "step": self.step, "sampling": self.sampling}


class Int(_Numeric):
    """An integer from `min_value` to `max_value` (both included).

    Args:
        name: the name, unique in the search space.
        min_value, max_value: the range, both included.
        step: the distance between two values (with sampling='log', the factor between them);
            None allows every integer.
        sampling: 'linear', 'log' (even on a log scale, for ranges spanning powers of ten) or
            'reverse_log'.
        default: the value used before the search chooses one; `min_value` if None.

    >>> units = hp.Int("units", min_value=32, max_value=512, step=32)
    """

    kind = (int, np.integer)
    kind_name = "int"

    def _cast(self, value):
        return int(min(max(round(value), self.min_value), self.max_value))

    def _grid(self):
        grid = super()._grid()
        if grid is None and self.sampling == "linear":
            grid = list(range(self.min_value, self.max_value + 1))
        return None if grid is None else [int(round(v)) for v in grid]

    def values(self):
        grid = self._grid()
        if grid is None:  # log sampling without a step: every integer would be too many
            grid = sorted({self._cast(_from_unit(u, self.min_value, self.max_value,
                                                 self.sampling))
                           for u in np.linspace(0, 1, GRID_POINTS_WITHOUT_STEP)})
        return grid


class Float(_Numeric):
    """A float from `min_value` to `max_value`.

    Args:
        name: the name, unique in the search space.
        min_value, max_value: the range, both included.
        step: the distance between two values (with sampling='log', the factor between them);
            None makes the range continuous (grid search then uses 10 evenly spaced values).
        sampling: 'linear', 'log' (for learning rates and other scales) or 'reverse_log'.
        default: the value used before the search chooses one; `min_value` if None.

    >>> lr = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    """

    kind = (int, float, np.integer, np.floating)
    kind_name = "number"

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None):
        super().__init__(name, min_value, max_value, step, sampling, default)
        self.min_value, self.max_value = float(min_value), float(max_value)
        self.default = float(self.default)

    def _cast(self, value):
        return float(min(max(value, self.min_value), self.max_value))

    def values(self):
        grid = self._grid()
        if grid is None:
            grid = [self._cast(_from_unit(u, self.min_value, self.max_value, self.sampling))
                    for u in np.linspace(0, 1, GRID_POINTS_WITHOUT_STEP)]
        return [float(v) for v in grid]


class Choice(HyperParameter):
    """One of a list of values (all ints, all floats, all strs or all bools).

    Args:
        name: the name, unique in the search space.
        values: the candidates.
        ordered: whether the values have an order (True by default for numbers).
        default: the value used before the search chooses one; `values[0]` if None.

    >>> activation = hp.Choice("activation", ["relu", "tanh"])
    """

    def __init__(self, name, values, ordered=None, default=None):
        name = _check_name(name)
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or not values:
            raise ValueError(f"Hyperparameter '{name}': `values` must be a non-empty list of "
                             f"candidates for Choice, received values={values!r}.")
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
        kinds = {bool if isinstance(v, bool) else int if isinstance(v, int) else
                 float if isinstance(v, float) else str if isinstance(v, str) else None
                 for v in values}
        if None in kinds or len(kinds - ({int} if kinds == {int, float} else set())) > 1:
            raise TypeError(f"Hyperparameter '{name}': the values of a Choice must all be ints, "
                            f"floats, strs or bools (a JSON record stores them), received "
                            f"{values!r}.")
        if len(set(values)) != len(values):
            raise ValueError(f"Hyperparameter '{name}': the values of a Choice must be distinct, "
                             f"received {values!r}.")
        numeric = kinds <= {int, float}
        if ordered and not numeric:
            raise ValueError(f"Hyperparameter '{name}': `ordered=True` is only for numbers, "
                             f"received values={values!r}.")
        self.ordered = numeric if ordered is None else bool(ordered)
        self._values = values
        if default is None:
            default = values[0]
        elif default not in values:
            raise ValueError(f"Hyperparameter '{name}': default={default!r} is not one of "
                             f"{values!r}.")
        super().__init__(name, default)

    def values(self):
        return list(self._values)

    def to_unit(self, value):
        return (self._values.index(value) + 0.5) / len(self._values)

    def from_unit(self, unit):
        return self._values[min(int(float(unit) * len(self._values)), len(self._values) - 1)]

    def get_config(self):
        return {**super().get_config(), "values": list(self._values), "ordered": self.ordered}


class Boolean(Choice):
    """True or False.

    Args:
        name: the name, unique in the search space.
        default: the value used before the search chooses one.

    >>> use_dropout = hp.Boolean("dropout")
    """

    def __init__(self, name, default=False):
        if not isinstance(default, bool):
            raise TypeError(f"Hyperparameter '{_check_name(name)}': `default` must be a bool, "
                            f"received default={default!r}.")
        super().__init__(name, [False, True], ordered=False, default=default)

    def get_config(self):
        return {"name": self.name, "default": self.default}


class Fixed(HyperParameter):
    """A value that does not change: recorded with the others, never searched.

    Args:
        name: the name, unique in the search space.
        value: the value (an int, float, str or bool).

    >>> hp.Fixed("batch_size", 32)
    """

    def __init__(self, name, value):
        value = value.item() if isinstance(value, np.generic) else value
        if not isinstance(value, (int, float, str, bool)):
            raise TypeError(f"Hyperparameter '{_check_name(name)}': a Fixed value must be an "
                            f"int, float, str or bool, received {value!r}.")
        super().__init__(name, value)
        self.value = value

    def values(self):
        return [self.value]

    def to_unit(self, value):
        return 0.5

    def from_unit(self, unit):
        return self.value

    def get_config(self):
        return {"name": self.name, "value": self.value}


CLASSES = {cls.__name__: cls for cls in (Int, Float, Choice, Boolean, Fixed)}


def from_config(class_name, config):
    """A hyperparameter from its `get_config()` and class name (as stored in a trial record)."""
    if class_name not in CLASSES:
        raise ValueError(f"Unknown hyperparameter type {class_name!r} in a tuner record; "
                         f"expected one of {sorted(CLASSES)}.")
    return CLASSES[class_name](**config)


class HyperParameters:
    """The search space and the values of one trial.

    Calling `hp.Int(...)`, `hp.Float(...)`, `hp.Choice(...)`, `hp.Boolean(...)` or
    `hp.Fixed(...)` declares a hyperparameter (the first time its name is seen) and returns its
    value for this trial: the one the tuner chose, or the default for a hyperparameter the
    tuner has not met yet (the tuner searches it from the next trial on).

    >>> hp = HyperParameters()
    >>> hp.Int("units", 32, 128, step=32)
    32
    """

    def __init__(self):
        self.space = []
        self.values = {}
        self._by_name = {}
        self._accessed = set()  # the names read in this trial: the others did not matter

    def _declare(self, hyperparameter):
        existing = self._by_name.get(hyperparameter.name)
        if existing is None:
            self.space.append(hyperparameter)
            self._by_name[hyperparameter.name] = hyperparameter
        elif existing != hyperparameter:
            raise ValueError(
                f"Hyperparameter '{hyperparameter.name}' is already defined as {existing!r}; "
                f"it cannot be redefined as {hyperparameter!r}. Give the new one another name "
                f"(e.g. '{hyperparameter.name}_2') or use the same arguments.")
        self._accessed.add(hyperparameter.name)
        if hyperparameter.name not in self.values:
            self.values[hyperparameter.name] = hyperparameter.default
        return self.values[hyperparameter.name]

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None):
        """Declare an integer hyperparameter and return its value; see `tuner.Int`."""
        return self._declare(Int(name, min_value, max_value, step, sampling, default))

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None):
        """Declare a float hyperparameter and return its value; see `tuner.Float`."""
        return self._declare(Float(name, min_value, max_value, step, sampling, default))

    def Choice(self, name, values, ordered=None, default=None):
        """Declare a choice among `values` and return the chosen one; see `tuner.Choice`."""
        return self._declare(Choice(name, values, ordered, default))

    def Boolean(self, name, default=False):
        """Declare a True/False hyperparameter and return its value."""
        return self._declare(Boolean(name, default))

    def Fixed(self, name, value):
        """Declare a hyperparameter that keeps `value`, and return it."""
        return self._declare(Fixed(name, value))

    def get(self, name):
        """The value of the hyperparameter `name` in this trial."""
        if name in self.values:
            self._accessed.add(name)
            return self.values[name]
        raise KeyError(f"{name} does not exist. Known hyperparameters: {sorted(self.values)}.")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return name in self._by_name

    def merge(self, space):
        """Add the hyperparameters of `space` (a list) not declared yet, at their defaults."""
        for hyperparameter in space:
            self._declare(hyperparameter)
        self._accessed.clear()

    def copy(self):
        out = HyperParameters()
        out.merge(self.space)
        out.values = dict(self.values)
        return out

    def get_config(self):
        return {"space": [{"class_name": type(h).__name__, "config": h.get_config()}
                          for h in self.space],
                "values": dict(self.values)}

    @classmethod
    def from_config(cls, config):
        out = cls()
        out.merge([from_config(item["class_name"], item["config"]) for item in config["space"]])
        out.values.update(config["values"])
        return out

    def __repr__(self):
        return f"HyperParameters(values={self.values})"
