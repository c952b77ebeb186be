"""A small Gaussian-process regressor and expected improvement, for Bayesian optimization.

Points live in the unit cube. The kernel is Matern 5/2 with one length scale, chosen by
maximizing the log marginal likelihood; targets are standardized so the signal variance is 1.
This runs on a handful of points once per trial, so it works in float64 for a stable Cholesky.
"""

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.special

SQRT5 = np.sqrt(5.0)
LENGTH_SCALE_BOUNDS = (1e-2, 1e1)


def matern52(a, b, length_scale):
    """The Matern 5/2 kernel matrix between the rows of `a` and of `b`."""
    squared = np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1)
    r = SQRT5 * np.sqrt(np.maximum(squared, 0.0)) / length_scale
    return (1.0 + r + r * r / 3.0) * np.exp(-r)


class GaussianProcess:
    """A GP fitted to `(x, y)` with a Matern 5/2 kernel.

    Args:
        noise: the variance added to the kernel's diagonal (observation noise, and a jitter
            that keeps the Cholesky factorization stable).

    >>> gp = GaussianProcess().fit(x, y)
    >>> mean, std = gp.predict(candidates)
    """

    def __init__(self, noise=1e-4):
        self.noise = noise

    def _factor(self, length_scale):
        kernel = matern52(self.x, self.x, length_scale)
        kernel[np.diag_indices_from(kernel)] += self.noise
        return scipy.linalg.cho_factor(kernel, lower=True)

    def _negative_log_likelihood(self, log_length_scale):
        """Minus the log marginal likelihood, up to a constant."""
        try:
            factor = self._factor(float(np.exp(log_length_scale)))
        except np.linalg.LinAlgError:
            return 1e10
        alpha = scipy.linalg.cho_solve(factor, self.y)
        return 0.5 * self.y @ alpha + np.sum(np.log(np.diag(factor[0])))

    def fit(self, x, y):
        self.x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self.mean = y.mean()
        self.scale = y.std() if y.std() > 0 else 1.0
        self.y = (y - self.mean) / self.scale
        # A coarse grid finds the best basin (the likelihood can be multimodal), then a bounded
        # 1-D search refines the length scale inside it.
        grid = np.linspace(*np.log(LENGTH_SCALE_BOUNDS), 16)
        losses = [self._negative_log_likelihood(value) for value in grid]
        i = int(np.argmin(losses))
        best = scipy.optimize.minimize_scalar(
            self._negative_log_likelihood, method="bounded",
            bounds=(grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]),
            options={"xatol": 1e-3})
        self.length_scale = float(np.exp(best.x if best.fun <= losses[i] else grid[i]))
        self.factor = self._factor(self.length_scale)
        self.alpha = scipy.linalg.cho_solve(self.factor, self.y)
        return self

    def predict(self, x):
        """The posterior mean and standard deviation at the rows of `x`, in y's units."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        cross = matern52(x, self.x, self.length_scale)
        mean = cross @ self.alpha
        solved = scipy.linalg.cho_solve(self.factor, cross.T)
        variance = np.maximum(1.0 - np.sum(cross * solved.T, axis=1), 1e-12)
        return mean * self.scale + self.mean, np.sqrt(variance) * self.scale


def expected_improvement(mean, std, best, xi=0.01):
    """The expected amount by which a point beats `best` (lower is better)."""
    std = np.maximum(std, 1e-12)
    improvement = best - mean - xi
    z = improvement / std
    return improvement * scipy.special.ndtr(z) + std * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


def maximize_expected_improvement(gp, best, dimensions, rng, num_candidates=1000,
                                  num_restarts=5, xi=0.01):
    """The point of the unit cube with the highest expected improvement.

    Random candidates find the promising basins; L-BFGS-B, started from the best few, climbs
    to the top of each. `xi` is in units of the scores' standard deviation, so the balance
    of exploring and exploiting does not depend on the scale of the scores.
    """
    xi = xi * gp.scale
    candidates = rng.random((num_candidates, dimensions))
    scores = expected_improvement(*gp.predict(candidates), best, xi)
    starts = candidates[np.argsort(-scores)[:num_restarts]]
    best_x, best_score = candidates[np.argmax(scores)], scores.max()

    def negative(x):
        return -expected_improvement(*gp.predict(x[None]), best, xi)[0]

    for start in starts:
        result = scipy.optimize.minimize(negative, start, method="L-BFGS-B",
                                         bounds=[(0.0, 1.0)] * dimensions)
        if -result.fun > best_score:
            best_x, best_score = np.clip(result.x, 0.0, 1.0), -result.fun
    return best_x
