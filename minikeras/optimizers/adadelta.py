"""Adadelta: steps scaled by the ratio of running RMS of past updates to that of gradients."""

import numpy as np

from .base import Optimizer, check_number


class Adadelta(Optimizer):
    """Optimizer that implements the Adadelta algorithm.

    With `rms(x) = sqrt(x + epsilon)`, each step computes
    `accumulated_grad = rho * accumulated_grad + (1 - rho) * g**2`,
    `delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)`,
    `accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta**2`, and
    `w = w + learning_rate * delta`. Use `learning_rate=1.0` to match the original paper.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        rho: the decay rate, in [0, 1].
        epsilon: small constant for numerical stability.
        name: defaults to 'adadelta'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = Adadelta(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_number("Adadelta", "rho", rho, minimum=0, maximum=1)
        self.epsilon = check_number("Adadelta", "epsilon", epsilon, minimum=0)

    def build(self, variables):
        """Create `accumulated_grad` and `accumulated_delta_var` slots, interleaved."""
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"])

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, g = variable.data, gradient
        t, s = self._scratch[i]
        f = w.dtype.type
        rho, one_minus_rho, eps = f(self.rho), f(1 - self.rho), f(self.epsilon)
        grad_avg = self._accumulated_grads[i].data
        delta_avg = self._accumulated_delta_vars[i].data
        grad_avg *= rho
        np.multiply(g, g, out=t)
        t *= one_minus_rho
        grad_avg += t
        # t = -delta = rms(delta_avg) * g / rms(grad_avg)
        np.add(delta_avg, eps, out=t)
        np.sqrt(t, out=t)
        t *= g
        np.add(grad_avg, eps, out=s)
        np.sqrt(s, out=s)
        t /= s
        delta_avg *= rho
        np.multiply(t, t, out=s)
        s *= one_minus_rho
        delta_avg += s
        t *= f(learning_rate)
        w -= t

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
