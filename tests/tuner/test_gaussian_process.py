"""The Gaussian process and expected improvement behind BayesianOptimization."""

import math

import numpy as np
import pytest

from minikeras.tuner.gaussian_process import (LENGTH_SCALE_BOUNDS, GaussianProcess,
                                              expected_improvement, matern52,
                                              maximize_expected_improvement)


def test_matern52_matches_its_closed_form():
    a = np.array([[0.0, 0.0], [0.3, 0.4]])
    kernel = matern52(a, a, length_scale=0.5)
    r = np.sqrt(5.0) * 0.5 / 0.5  # the points are 0.5 apart
    assert kernel[0, 1] == pytest.approx((1 + r + r * r / 3) * np.exp(-r))
    np.testing.assert_allclose(np.diag(kernel), 1.0)
    np.testing.assert_allclose(kernel, kernel.T)


def test_the_fitted_process_interpolates_and_is_unsure_away_from_data():
    x = np.linspace(0.0, 1.0, 7)[:, None]
    y = np.sin(6.0 * x[:, 0]) * 10.0 + 3.0  # scale and offset: targets are standardized
    gp = GaussianProcess().fit(x, y)
    assert LENGTH_SCALE_BOUNDS[0] <= gp.length_scale <= LENGTH_SCALE_BOUNDS[1]
    mean, std = gp.predict(x)
    np.testing.assert_allclose(mean, y, atol=0.05)
    assert np.all(std < 0.1)
    middle = (x[:-1] + x[1:]) / 2
    mean, _ = gp.predict(middle)
    np.testing.assert_allclose(mean, np.sin(6.0 * middle[:, 0]) * 10.0 + 3.0, atol=0.5)
    _, far = gp.predict(np.array([[3.0]]))
    assert far[0] > 5.0  # far from the data: the prior's spread, in y's units


def test_expected_improvement_matches_its_closed_form():
    rng = np.random.default_rng(0)
    mean, std, best, xi = rng.normal(size=20), rng.uniform(0.1, 2.0, 20), 0.3, 0.05
    z = (best - mean - xi) / std
    cdf = np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in z])
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    expected = (best - mean - xi) * cdf + std * pdf
    np.testing.assert_allclose(expected_improvement(mean, std, best, xi), expected, rtol=1e-12)
    # at the best value with no margin: std * pdf(0)
    assert expected_improvement(np.array([1.0]), np.array([2.0]), 1.0, 0.0)[0] == \
        pytest.approx(2.0 / np.sqrt(2.0 * np.pi))


def test_the_maximizer_proposes_a_point_near_the_minimum():
    x = np.array([[0.05], [0.25], [0.5], [0.75], [0.95]])
    y = (x[:, 0] - 0.4) ** 2
    gp = GaussianProcess().fit(x, y)
    point = maximize_expected_improvement(gp, y.min(), 1, np.random.default_rng(0))
    assert point.shape == (1,) and 0.0 <= point[0] <= 1.0
    assert abs(point[0] - 0.4) < 0.1
