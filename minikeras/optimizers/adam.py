"""Adam: steps from bias-corrected running means of the gradient and its square."""

import math

import numpy as np

from .base import Optimizer, check_bool, check_number


class Adam(Optimizer):
    """Optimizer that implements the Adam algorithm.

    Keeps `m = m + (g - m) * (1 - beta_1)` and `v = v + (g**2 - v) * (1 - beta_2)`, and at
    step t (counting from 1) updates `w = w - alpha * m / (sqrt(v) + epsilon)` with
    `alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`. Note that `epsilon` is
    added after the square root and is not bias-corrected ("epsilon hat" in the paper).
    With `amsgrad=True`, the running maximum of `v` is used in place of `v`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first-moment estimates, in [0, 1).
        beta_2: decay rate of the second-moment estimates, in [0, 1).
        epsilon: small constant for numerical stability.
        amsgrad: whether to use the AMSGrad variant.
        name: defaults to 'adam'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = Adam(learning_rate=1e-3)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        owner = type(self).__name__
        self.beta_1 = check_number(owner, "beta_1", beta_1, minimum=0, maximum=1,
                                   below_maximum=True)
        self.beta_2 = check_number(owner, "beta_2", beta_2, minimum=0, maximum=1,
                                   below_maximum=True)
        self.epsilon = check_number(owner, "epsilon", epsilon, minimum=0)
        self.amsgrad = check_bool(owner, "amsgrad", amsgrad)

    def build(self, variables):
        """Create `momentum` and `velocity` slots (interleaved), then `velocity_hat` ones
        for AMSGrad."""
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, g = variable.data, gradient
        t, s = self._scratch[i]
        f = w.dtype.type
        beta_1, beta_2 = self.beta_1, self.beta_2
        step = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)
        m = self._momentums[i].data
        v = self._velocities[i].data
        np.subtract(g, m, out=t)
        t *= f(1 - beta_1)
        m += t
        np.multiply(g, g, out=t)
        t -= v
        t *= f(1 - beta_2)
        v += t
        if self.amsgrad:
            v_hat = self._velocity_hats[i].data
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=t)
        t += f(self.epsilon)
        np.multiply(m, f(alpha), out=s)
        s /= t
        w -= s

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
