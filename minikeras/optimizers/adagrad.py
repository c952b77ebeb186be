"""Adagrad: per-parameter learning rates scaled by the sum of all past squared gradients."""

import numpy as np

from .. import initializers
from .base import Optimizer, check_number


class Adagrad(Optimizer):
    """Optimizer that implements the Adagrad algorithm.

    Keeps `accumulator = accumulator + g**2` (starting at `initial_accumulator_value`) and
    steps by `learning_rate * g / sqrt(accumulator + epsilon)`, so parameters that receive
    large gradients get smaller steps.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators, >= 0.
        epsilon: small constant for numerical stability.
        name: defaults to 'adagrad'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = Adagrad(learning_rate=0.01, initial_accumulator_value=0.1)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = check_number(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, minimum=0)
        self.epsilon = check_number("Adagrad", "epsilon", epsilon, minimum=0)

    def build(self, variables):
        """Create an `accumulator` slot per variable."""
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables, "accumulator",
            initializer=initializers.Constant(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        t, s = self._scratch[i]
        w = variable.data
        f = w.dtype.type
        accumulator = self._accumulators[i].data
        np.multiply(gradient, gradient, out=t)
        accumulator += t
        np.add(accumulator, f(self.epsilon), out=t)
        np.sqrt(t, out=t)
        np.multiply(gradient, f(learning_rate), out=s)
        s /= t
        w -= s

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
