"""Adamax: Adam with the infinity norm in place of the root mean square."""

import numpy as np

from .base import Optimizer, check_number


class Adamax(Optimizer):
    """Optimizer that implements the Adamax algorithm, a variant of Adam based on the
    infinity norm.

    Keeps `m = m + (g - m) * (1 - beta_1)` and `u = max(beta_2 * u, |g|)`, and at step t
    (counting from 1) updates `w = w - learning_rate * m / ((1 - beta_1**t) * (u + epsilon))`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first-moment estimates, in [0, 1).
        beta_2: decay rate of the weighted infinity norm, in [0, 1].
        epsilon: small constant for numerical stability.
        name: defaults to 'adamax'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = Adamax(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_number("Adamax", "beta_1", beta_1, minimum=0, maximum=1,
                                   below_maximum=True)
        self.beta_2 = check_number("Adamax", "beta_2", beta_2, minimum=0, maximum=1)
        self.epsilon = check_number("Adamax", "epsilon", epsilon, minimum=0)

    def build(self, variables):
        """Create `momentum` and `norm` slots, interleaved."""
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, g = variable.data, gradient
        t, s = self._scratch[i]
        f = w.dtype.type
        correction = 1 - self.beta_1 ** (self.iterations + 1)
        m = self._m[i].data
        u = self._u[i].data
        np.subtract(g, m, out=t)
        t *= f(1 - self.beta_1)
        m += t
        u *= f(self.beta_2)
        np.abs(g, out=t)
        np.maximum(u, t, out=u)
        np.add(u, f(self.epsilon), out=t)
        t *= f(correction)
        np.multiply(m, f(learning_rate), out=s)
        s /= t
        w -= s

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
