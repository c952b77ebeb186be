"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

import numpy as np

from .base import Optimizer, check_bool, check_number


class RMSprop(Optimizer):
    """Optimizer that implements the RMSprop algorithm.

    Keeps `velocity = rho * velocity + (1 - rho) * g**2` and steps by
    `learning_rate * g / sqrt(velocity + epsilon)`. With `centered=True` it also keeps the
    mean gradient `average = rho * average + (1 - rho) * g` and uses the variance estimate
    `velocity - average**2 + epsilon` under the root. With momentum, the steps accumulate in
    `momentum_slot = momentum * momentum_slot + step` (plain, not Nesterov, momentum).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        rho: discounting factor for the old gradients, in [0, 1].
        momentum: momentum factor in [0, 1]; 0 disables momentum.
        epsilon: small positive constant for numerical stability.
        centered: whether to normalize by the estimated variance instead of the uncentered
            second moment.
        name: defaults to 'rmsprop'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = RMSprop(learning_rate=0.1)   # w=10, g=w: one step gives 9.683772
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_number("RMSprop", "rho", rho, minimum=0, maximum=1)
        self.momentum = check_number("RMSprop", "momentum", momentum, minimum=0, maximum=1)
        self.epsilon = check_number("RMSprop", "epsilon", epsilon, positive=True)
        self.centered = check_bool("RMSprop", "centered", centered)

    def build(self, variables):
        """Create `velocity` slots, then `momentum` and `average_gradient` ones if used."""
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(variables, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(variables, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, g = variable.data, gradient
        t, s = self._scratch[i]
        f = w.dtype.type
        rho, one_minus_rho, epsilon = f(self.rho), f(1 - self.rho), f(self.epsilon)
        velocity = self._velocities[i].data
        velocity *= rho
        np.multiply(g, g, out=t)
        t *= one_minus_rho
        velocity += t
        if self.centered:
            average = self._average_gradients[i].data
            average *= rho
            np.multiply(g, one_minus_rho, out=t)
            average += t
            np.multiply(average, average, out=t)
            np.subtract(velocity, t, out=t)
            t += epsilon
        else:
            np.add(velocity, epsilon, out=t)
        np.sqrt(t, out=t)
        np.multiply(g, f(learning_rate), out=s)
        s /= t
        if self.momentum > 0:
            m = self._momentums[i].data
            m *= f(self.momentum)
            m += s
            w -= m
        else:
            w -= s

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
