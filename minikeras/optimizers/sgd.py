"""Stochastic gradient descent, with optional (Nesterov) momentum."""

import numpy as np

from .base import Optimizer, check_bool, check_number


class SGD(Optimizer):
    """Gradient descent (with momentum) optimizer.

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g; w = w + velocity`, and with
    `nesterov=True`: `w = w + momentum * velocity - learning_rate * g` (using the new velocity).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.01.
        momentum: float in [0, 1] that accelerates descent along consistent directions;
            0 is plain gradient descent.
        nesterov: whether to use Nesterov momentum.
        name: defaults to 'SGD'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, clipvalue,
            global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
            loss_scale_factor, gradient_accumulation_steps).

    >>> optimizer = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_number("SGD", "momentum", momentum, minimum=0, maximum=1)
        self.nesterov = check_bool("SGD", "nesterov", nesterov)

    def build(self, variables):
        """Create a `momentum` slot per variable when momentum is used."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w = variable.data
        f = w.dtype.type
        t, s = self._scratch[i]
        np.multiply(gradient, f(learning_rate), out=t)
        if self.momentum == 0:
            w -= t
            return
        momentum = f(self.momentum)
        m = self.momentums[i].data
        m *= momentum
        m -= t
        if self.nesterov:
            np.multiply(m, momentum, out=s)
            s -= t
            w += s
        else:
            w += m

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
