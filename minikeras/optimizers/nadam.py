"""Nadam: Adam with Nesterov momentum, using Dozat's momentum schedule."""

import numpy as np

from .base import Optimizer, check_number


class Nadam(Optimizer):
    """Optimizer that implements the Nadam algorithm (Adam with Nesterov momentum).

    The momentum follows the schedule `u_t = beta_1 * (1 - 0.5 * 0.96**t)` at step t
    (counting from 1), and the optimizer keeps the running product `u_product = u_1 ... u_t`.
    With `m` and `v` updated as in Adam, each step computes
    `m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)`,
    `v_hat = v / (1 - beta_2**t)` and `w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first-moment estimates, in [0, 1).
        beta_2: decay rate of the second-moment estimates, in [0, 1).
        epsilon: small constant for numerical stability.
        name: defaults to 'nadam'.
        **kwargs: the `Optimizer` base arguments (weight_decay, clipnorm, ...).

    >>> optimizer = Nadam(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_number("Nadam", "beta_1", beta_1, minimum=0, maximum=1,
                                   below_maximum=True)
        self.beta_2 = check_number("Nadam", "beta_2", beta_2, minimum=0, maximum=1,
                                   below_maximum=True)
        self.epsilon = check_number("Nadam", "epsilon", epsilon, minimum=0)

    def build(self, variables):
        """Create `momentum` and `velocity` slots (interleaved), then the `u_product`
        scalar, in the dtype of the first variable as in Keras."""
        if self.built:
            return
        variables = list(variables)
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"])
        dtype = variables[0].dtype if variables else None
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype,
                                            name="u_product")

    def _momentum_factor(self, step):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** step)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # The product of the momentum factors advances once per step, before the updates.
        u_product = self._u_product.data
        u_product *= u_product.dtype.type(self._momentum_factor(self.iterations + 1))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        w, g = variable.data, gradient
        t, s = self._scratch[i]
        f = w.dtype.type
        step = self.iterations + 1
        u_t = self._momentum_factor(step)
        u_next = self._momentum_factor(step + 1)
        u_product = float(self._u_product.data)
        beta_1, beta_2 = self.beta_1, self.beta_2
        m = self._momentums[i].data
        v = self._velocities[i].data
        np.subtract(g, m, out=t)
        t *= f(1 - beta_1)
        m += t
        np.multiply(g, g, out=t)
        t -= v
        t *= f(1 - beta_2)
        v += t
        # t = m_hat, s = sqrt(v_hat) + epsilon
        np.multiply(m, f(u_next / (1 - u_product * u_next)), out=t)
        np.multiply(g, f((1 - u_t) / (1 - u_product)), out=s)
        t += s
        np.divide(v, f(1 - beta_2 ** step), out=s)
        np.sqrt(s, out=s)
        s += f(self.epsilon)
        t *= f(learning_rate)
        t /= s
        w -= t

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
