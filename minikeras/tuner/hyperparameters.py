"""`HyperParameters`: the search space a `build_model(hp)` function declares as it runs.

Each hyperparameter knows its range and how to map its values to and from the unit interval
[0, 1]. Random search draws a point of the unit cube, the Bayesian search fits a model on it,
and grid search walks the finite list each hyperparameter gives.
"""

import contextlib
import math

import numpy as np

SAMPLINGS = ("linear", "log", "reverse_log")

# A range without a step still needs a finite list of values for grid search.
GRID_POINTS_WITHOUT_STEP = 10

# Relative slack when counting the values a step allows: (0.5 - 0.0) / 0.1 is 4.999... in floats.
_SLACK = 1e-9


def _check_name(name):
    if not isinstance(name, str) or not name:
        raise TypeError(f"A hyperparameter's `name` must be a non-empty str, received {name!r}.")
    return name


def _plain(value):
    """A numpy scalar as the Python value a JSON record stores."""
    return value.item() if isinstance(value, np.generic) else value


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and \
        not isinstance(value, (bool, np.bool_))


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


class Parent:
    """A condition: active when the hyperparameter `name` has one of `values`.

    Args:
        name: the parent hyperparameter's name.
        values: the parent values (a list, or one value) that activate the condition.

    >>> Parent("model_type", ["cnn"]).is_active({"model_type": "cnn"})
    True
    """

    def __init__(self, name, values):
        self.name = _check_name(name)
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        values = [_plain(v) for v in values]
        if not values or not all(isinstance(v, (int, float, str, bool)) for v in values):
            raise ValueError(f"Condition on '{name}': `parent_values` must be a non-empty list "
                             f"of ints, floats, strs or bools, received {values!r}.")
        self.values = values

    def is_active(self, values):
        return self.name in values and values[self.name] in self.values

    def get_config(self):
        return {"name": self.name, "values": list(self.values)}

    def __eq__(self, other):
        return isinstance(other, Parent) and self.get_config() == other.get_config()


def _conditions_from_config(conditions):
    """Conditions from `get_config()` form: `{'class_name': 'Parent', 'config': {...}}` each."""
    out = []
    for item in conditions or []:
        if isinstance(item, Parent):
            out.append(item)
        elif isinstance(item, dict) and item.get("class_name") == "Parent":
            out.append(Parent(**item["config"]))
        else:
            raise ValueError(f"Unknown hyperparameter condition {item!r}; expected "
                             f"{{'class_name': 'Parent', 'config': {{'name': ..., 'values': "
                             f"[...]}}}}.")
    return out


class HyperParameter:
    """Base class: a named hyperparameter with a default and a mapping to the unit interval.

    Args:
        name: the name, unique in the search space.
        default: the value used before the search chooses one.
        conditions: the `Parent` conditions under which it is active (set by
            `HyperParameters.conditional_scope`).
    """

    def __init__(self, name, default=None, conditions=None):
        self.name = _check_name(name)
        self.default = default
        self.conditions = _conditions_from_config(conditions)

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
        return {"name": self.name, "default": self.default,
                "conditions": [{"class_name": "Parent", "config": c.get_config()}
                               for c in self.conditions]}

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class _Numeric(HyperParameter):
    """Int and Float: a range with an optional step, on a linear or logarithmic scale.

    With a step the values form a grid: `min_value + i * step` (linear), `min_value * step**i`
    (log), or the mirror image of the log grid (reverse_log, dense near `max_value`).
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 conditions=None):
        name = _check_name(name)
        min_value = self._number(name, "min_value", min_value)
        max_value = self._number(name, "max_value", max_value)
        if min_value > max_value:
            raise ValueError(f"Hyperparameter '{name}': min_value must not exceed max_value, "
                             f"received min_value={min_value!r} > max_value={max_value!r}. "
                             f"Swap them.")
        if not isinstance(sampling, str) or sampling.lower() not in SAMPLINGS:
            raise ValueError(f"Hyperparameter '{name}': `sampling` must be one of "
                             f"{list(SAMPLINGS)}, received sampling={sampling!r}.")
        sampling = sampling.lower()
        if sampling != "linear" and min_value <= 0:
            raise ValueError(f"Hyperparameter '{name}': sampling='{sampling}' needs "
                             f"min_value > 0 (the logarithm of {min_value!r} is undefined), "
                             f"received min_value={min_value!r}. Use sampling='linear' or a "
                             f"positive min_value.")
        if step is not None:
            step = self._number(name, "step", step)
            if step <= 0 or (sampling != "linear" and step <= 1):
                rule = "> 0" if sampling == "linear" else \
                    f"> 1 (with sampling='{sampling}' it is the factor between two values)"
                raise ValueError(f"Hyperparameter '{name}': `step` must be {rule}, received "
                                 f"step={step!r}.")
        self.min_value, self.max_value, self.step, self.sampling = \
            min_value, max_value, step, sampling
        if default is None:
            default = min_value
        else:
            default = self._number(name, "default", default)
            if not min_value <= default <= max_value or \
                    (step is not None and not math.isclose(
                        self._value_at(self._index_of(default)), default, rel_tol=1e-9)):
                raise ValueError(f"Hyperparameter '{name}': default={default!r} is not one of "
                                 f"its values: {self._describe()}. Choose a default among "
                                 f"them.")
        super().__init__(name, default, conditions)

    def _describe(self):
        if self.step is None:
            return f"[{self.min_value}, {self.max_value}]"
        values = self.values()
        shown = ", ".join(map(str, values[:5])) + (", ..." if len(values) > 5 else "")
        return f"[{shown}]"

    def _count(self):
        """How many values the step allows; None for a continuous range."""
        if self.step is None:
            return None
        if self.sampling == "linear":
            span = (self.max_value - self.min_value) / self.step
        else:
            span = math.log(self.max_value / self.min_value) / math.log(self.step)
        return int(span + _SLACK * max(1.0, span)) + 1

    def _value_at(self, index):
        """The `index`-th value of the step grid, in increasing order."""
        if self.sampling == "linear":
            value = self.min_value + index * self.step
        elif self.sampling == "log":
            value = self.min_value * self.step ** index
        else:
            value = self.max_value + self.min_value - \
                self.min_value * self.step ** (self._count() - 1 - index)
        return self._cast(value)

    def _index_of(self, value):
        """The index of the step grid's value nearest `value`."""
        if self.sampling == "linear":
            position = (value - self.min_value) / self.step
        elif self.sampling == "log":
            position = math.log(value / self.min_value) / math.log(self.step)
        else:
            position = self._count() - 1 - math.log(
                (self.max_value + self.min_value - value) / self.min_value) / math.log(self.step)
        return min(max(int(round(position)), 0), self._count() - 1)

    def to_unit(self, value):
        count = self._count()
        if count is not None:  # the centre of the value's bin, so from_unit round-trips
            return (self._index_of(value) + 0.5) / count
        return _to_unit(value, self.min_value, self.max_value, self.sampling)

    def from_unit(self, unit):
        count = self._count()
        if count is not None:  # equal-width bins: each value on the grid equally likely
            return self._value_at(min(int(float(unit) * count), count - 1))
        return self._cast(_from_unit(unit, self.min_value, self.max_value, self.sampling))

    def values(self):
        count = self._count()
        if count is not None:
            return [self._value_at(i) for i in range(count)]
        return sorted({self.from_unit(u) for u in np.linspace(0, 1, GRID_POINTS_WITHOUT_STEP)})

    def get_config(self):
        return {**super().get_config(), "min_value": self.min_value,
                "max_value": self.max_value, "step": self.step, "sampling": self.sampling}


class Int(_Numeric):
    """An integer from `min_value` to `max_value` (both included).

    Args:
        name: the name, unique in the search space.
        min_value, max_value: the range, both included.
        step: the distance between two values (with sampling='log', the factor between
            them); None means 1 with sampling='linear', and any integer on a log scale.
        sampling: 'linear', 'log' (even on a log scale, for ranges spanning powers of ten) or
            'reverse_log'.
        default: the value used before the search chooses one; `min_value` if None.
        conditions: see `HyperParameter`.

    >>> units = hp.Int("units", min_value=32, max_value=512, step=32)
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 conditions=None):
        if step is None and sampling == "linear":
            step = 1
        super().__init__(name, min_value, max_value, step, sampling, default, conditions)

    @staticmethod
    def _number(name, arg, value):
        value = _plain(value)
        if _is_number(value) and float(value).is_integer():
            return int(value)
        raise TypeError(f"Hyperparameter '{name}': `{arg}` of an Int must be an int, received "
                        f"{arg}={value!r} of type {type(value).__name__}. Use hp.Float for "
                        f"fractional values.")

    def _cast(self, value):
        return int(min(max(round(value), self.min_value), self.max_value))


class Float(_Numeric):
    """A float from `min_value` to `max_value`.

    Args:
        name: the name, unique in the search space.
        min_value, max_value: the range, both included.
        step: the distance between two values (with sampling='log', the factor between
            them); None makes the range continuous (grid search then uses 10 evenly spaced
            values).
        sampling: 'linear', 'log' (for learning rates and other scales) or 'reverse_log'.
        default: the value used before the search chooses one; `min_value` if None.
        conditions: see `HyperParameter`.

    >>> lr = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    """

    @staticmethod
    def _number(name, arg, value):
        value = _plain(value)
        if _is_number(value) and math.isfinite(value):
            return float(value)
        raise TypeError(f"Hyperparameter '{name}': `{arg}` of a Float must be a finite number, "
                        f"received {arg}={value!r} of type {type(value).__name__}.")

    def _cast(self, value):
        # 12 significant digits drop a step grid's float noise (3 * 0.1 is 0.30000000000000004).
        return min(max(float(f"{value:.12g}"), self.min_value), self.max_value)


class Choice(HyperParameter):
    """One of a list of values (all numbers, all strs or all bools).

    Args:
        name: the name, unique in the search space.
        values: the candidates.
        ordered: whether the values have an order (True by default for numbers); the
            Bayesian search then sees neighbouring values as alike.
        default: the value used before the search chooses one; `values[0]` if None.
        conditions: see `HyperParameter`.

    >>> activation = hp.Choice("activation", ["relu", "tanh"])
    """

    def __init__(self, name, values, ordered=None, default=None, conditions=None):
        name = _check_name(name)
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or \
                len(values) == 0:
            raise ValueError(f"Hyperparameter '{name}': `values` must be a non-empty list of "
                             f"candidates for Choice, received values={values!r}.")
        values = [_plain(v) for v in values]
        kinds = {"bool" if isinstance(v, bool) else "number" if _is_number(v) else
                 "str" if isinstance(v, str) else "other" for v in values}
        if len(kinds) > 1 or "other" in kinds:
            raise TypeError(f"Hyperparameter '{name}': the values of a Choice must all be "
                            f"numbers, all strs or all bools (a JSON record stores them), "
                            f"received {values!r}.")
        if len(set(values)) != len(values):
            raise ValueError(f"Hyperparameter '{name}': the values of a Choice must be distinct, "
                             f"received {values!r}.")
        numeric = kinds == {"number"}
        if ordered and not numeric:
            raise ValueError(f"Hyperparameter '{name}': `ordered=True` is only for numbers, "
                             f"received values={values!r}.")
        self.ordered = numeric if ordered is None else bool(ordered)
        self._values = values
        # The unit interval follows the values' order when they have one.
        self._axis = sorted(values) if self.ordered else values
        default = values[0] if default is None else _plain(default)
        if default not in values:
            raise ValueError(f"Hyperparameter '{name}': default={default!r} is not one of "
                             f"{values!r}.")
        super().__init__(name, default, conditions)

    def values(self):
        return list(self._values)

    def to_unit(self, value):
        return (self._axis.index(value) + 0.5) / len(self._axis)

    def from_unit(self, unit):
        return self._axis[min(int(float(unit) * len(self._axis)), len(self._axis) - 1)]

    def get_config(self):
        return {**super().get_config(), "values": list(self._values), "ordered": self.ordered}


class Boolean(Choice):
    """True or False.

    Args:
        name: the name, unique in the search space.
        default: the value used before the search chooses one.
        conditions: see `HyperParameter`.

    >>> use_dropout = hp.Boolean("dropout")
    """

    def __init__(self, name, default=False, conditions=None):
        if not isinstance(_plain(default), bool):
            raise TypeError(f"Hyperparameter '{_check_name(name)}': `default` must be a bool, "
                            f"received default={default!r}.")
        super().__init__(name, [False, True], ordered=False, default=default,
                         conditions=conditions)

    def get_config(self):
        config = super().get_config()
        return {key: config[key] for key in ("name", "default", "conditions")}


class Fixed(HyperParameter):
    """A value that does not change: recorded with the others, never searched.

    Args:
        name: the name, unique in the search space.
        value: the value (an int, float, str or bool).
        conditions: see `HyperParameter`.

    >>> hp.Fixed("batch_size", 32)
    """

    def __init__(self, name, value, conditions=None):
        value = _plain(value)
        if not isinstance(value, (int, float, str, bool)):
            raise TypeError(f"Hyperparameter '{_check_name(name)}': a Fixed value must be an "
                            f"int, float, str or bool, received {value!r}.")
        super().__init__(name, value, conditions)
        self.value = value

    def values(self):
        return [self.value]

    def to_unit(self, value):
        return 0.5

    def from_unit(self, unit):
        return self.value

    def get_config(self):
        config = super().get_config()
        return {"name": self.name, "conditions": config["conditions"], "value": self.value}


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
    tuner has not met yet (the tuner searches it from the next trial on). Under
    `conditional_scope` (or with `parent_name`/`parent_values`) a hyperparameter is only
    active for some values of another, and returns None while inactive.

    >>> hp = HyperParameters()
    >>> hp.Int("units", 32, 128, step=32)
    32
    """

    def __init__(self):
        self.space = []
        self.values = {}
        self._by_name = {}
        self._conditions = []   # the conditions of the open conditional scopes
        self._accessed = set()  # the names read in this trial: the others did not matter

    # Declaring ---------------------------------------------------------------------------------

    def _register(self, hyperparameter):
        """Add `hyperparameter` to the space, or check it matches the one of that name."""
        existing = self._by_name.get(hyperparameter.name)
        if existing is None:
            self.space.append(hyperparameter)
            self._by_name[hyperparameter.name] = hyperparameter
        elif existing != hyperparameter:
            raise ValueError(
                f"Hyperparameter '{hyperparameter.name}' is already defined as {existing!r}; "
                f"it cannot be redefined as {hyperparameter!r}. Give the new one another name "
                f"(e.g. '{hyperparameter.name}_2') or use the same arguments.")
        self.values.setdefault(hyperparameter.name, hyperparameter.default)

    def _declare(self, cls, name, parent_name, parent_values, **kwargs):
        with self._maybe_conditional_scope(parent_name, parent_values):
            hyperparameter = cls(name, conditions=list(self._conditions), **kwargs)
        self._register(hyperparameter)
        if not self.is_active(hyperparameter):
            return None  # so that an inactive value is never relied on
        self._accessed.add(hyperparameter.name)
        return self.values[hyperparameter.name]

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None,
            parent_name=None, parent_values=None):
        """Declare an integer hyperparameter and return its value; see `tuner.Int`."""
        return self._declare(Int, name, parent_name, parent_values, min_value=min_value,
                             max_value=max_value, step=step, sampling=sampling, default=default)

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None,
              parent_name=None, parent_values=None):
        """Declare a float hyperparameter and return its value; see `tuner.Float`."""
        return self._declare(Float, name, parent_name, parent_values, min_value=min_value,
                             max_value=max_value, step=step, sampling=sampling, default=default)

    def Choice(self, name, values, ordered=None, default=None, parent_name=None,
               parent_values=None):
        """Declare a choice among `values` and return the chosen one; see `tuner.Choice`."""
        return self._declare(Choice, name, parent_name, parent_values, values=values,
                             ordered=ordered, default=default)

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """Declare a True/False hyperparameter and return its value."""
        return self._declare(Boolean, name, parent_name, parent_values, default=default)

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """Declare a hyperparameter that keeps `value`, and return it."""
        return self._declare(Fixed, name, parent_name, parent_values, value=value)

    # Conditions --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Hyperparameters declared inside are active only when `parent_name` has one of
        `parent_values`; while inactive they return None (the code inside still runs).

        Args:
            parent_name: the name of a hyperparameter declared before.
            parent_values: the values of the parent (a list, or one value) that activate it.

        >>> model_type = hp.Choice("model_type", ["mlp", "cnn"])
        >>> with hp.conditional_scope("model_type", ["cnn"]):
        ...     filters = hp.Int("filters", 8, 32, step=8)  # None when model_type is "mlp"
        """
        parent = self._by_name.get(parent_name)
        if parent is None:
            raise ValueError(f"`HyperParameter` named: {parent_name} not defined. Declare the "
                             f"parent (e.g. hp.Choice({parent_name!r}, [...])) before its "
                             f"conditional scope.")
        condition = Parent(parent_name, parent_values)
        if isinstance(parent, (Choice, Fixed)):
            unknown = [v for v in condition.values if v not in parent.values()]
            if unknown:
                raise ValueError(f"Conditional scope on '{parent_name}': parent_values "
                                 f"{unknown!r} are not among its values {parent.values()!r}.")
        self._conditions.append(condition)
        try:
            yield
        finally:
            self._conditions.pop()

    @contextlib.contextmanager
    def _maybe_conditional_scope(self, parent_name, parent_values):
        if (parent_name is None) != (parent_values is None):
            raise ValueError(f"Give both `parent_name` and `parent_values` to make a "
                             f"hyperparameter conditional, or neither; received "
                             f"parent_name={parent_name!r}, parent_values={parent_values!r}.")
        if parent_name is None:
            yield
        else:
            with self.conditional_scope(parent_name, parent_values):
                yield

    def is_active(self, hyperparameter):
        """Whether a hyperparameter (or a name) has its conditions met by the current values."""
        if not isinstance(hyperparameter, HyperParameter):
            hyperparameter = self._by_name.get(hyperparameter)
            if hyperparameter is None:
                return False
        for condition in hyperparameter.conditions:
            parent = self._by_name.get(condition.name)
            if not condition.is_active(self.values) or \
                    (parent is not None and not self.is_active(parent)):
                return False
        return True

    # Reading -----------------------------------------------------------------------------------

    def get(self, name):
        """The value of the hyperparameter `name` in this trial."""
        if name in self._by_name and not self.is_active(name):
            raise ValueError(f"{name} is currently inactive.")
        if name in self.values:
            self._accessed.add(name)
            return self.values[name]
        raise KeyError(f"{name} does not exist. Known hyperparameters: {sorted(self.values)}.")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return name in self.values and (name not in self._by_name or self.is_active(name))

    # Copies and records ------------------------------------------------------------------------

    def merge(self, space):
        """Add the hyperparameters of `space` (a list) not declared yet, at their defaults."""
        for hyperparameter in space:
            self._register(hyperparameter)

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
