"""Normalization ops (backend/ops/normalization.py): the fused normalize_by_moments, moments
and batch_normalization.

Values against numpy formulas written here, gradients (of the output and of the returned
statistics) against central differences, dtypes kept, and errors that name the op.
"""

import numpy as np
import pytest

from minikeras.backend import Tensor, ops
from minikeras.testing import check_grad


def _x(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _reference(x, axes, gamma, beta, epsilon, param_shape):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon)
    if gamma is not None:
        y = y * gamma.reshape(param_shape)
    if beta is not None:
        y = y + beta.reshape(param_shape)
    return y, mean, var


# (x shape, statistics axes, parameter shape, parameter broadcast shape)
LAYOUTS = {
    "batchnorm_dense": ((5, 3), (0,), (3,), (1, 3)),
    "batchnorm_images": ((2, 3, 3, 2), (0, 1, 2), (2,), (1, 1, 1, 2)),
    "batchnorm_channels_first": ((2, 3, 2, 2), (0, 2, 3), (3,), (1, 3, 1, 1)),
    "layernorm_last": ((3, 4), (1,), (4,), (1, 4)),
    "layernorm_two_axes": ((2, 3, 4), (1, 2), (3, 4), (1, 3, 4)),
    "groupnorm": ((2, 3, 2, 3), (1, 3), (6,), (1, 1, 2, 3)),
}


@pytest.mark.parametrize("with_gamma, with_beta", [(True, True), (True, False),
                                                   (False, True), (False, False)])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_values_and_statistics_match_numpy(layout, with_gamma, with_beta):
    shape, axes, pshape, bshape = LAYOUTS[layout]
    x = _x(*shape)
    gamma = _x(*pshape, seed=1) if with_gamma else None
    beta = _x(*pshape, seed=2) if with_beta else None
    y, mean, var = ops.normalize_by_moments(x, axes, gamma, beta, epsilon=1e-3,
                                            param_shape=bshape)
    expected = _reference(x, axes, gamma, beta, 1e-3, bshape)
    for got, want in zip((y, mean, var), expected):
        np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("with_gamma, with_beta", [(True, True), (False, True),
                                                   (True, False), (False, False)])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_gradients_of_input_and_parameters(layout, with_gamma, with_beta):
    shape, axes, pshape, bshape = LAYOUTS[layout]
    arrays = [_x(*shape)] + [_x(*pshape, seed=i + 1) for i, used in
                             enumerate((with_gamma, with_beta)) if used]

    def fn(x, *params):
        params = list(params)
        gamma = params.pop(0) if with_gamma else None
        beta = params.pop(0) if with_beta else None
        return ops.normalize_by_moments(x, axes, gamma, beta, 1e-3, bshape)[0]

    check_grad(fn, *arrays)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gradients_through_the_returned_statistics(layout):
    shape, axes, pshape, bshape = LAYOUTS[layout]

    def fn(x, gamma, beta):
        y, mean, var = ops.normalize_by_moments(x, axes, gamma, beta, 1e-3, bshape)
        return y + 3.0 * mean + 2.0 * var  # all three outputs carry a gradient

    check_grad(fn, _x(*shape), _x(*pshape, seed=1), _x(*pshape, seed=2))

    def stats_only(x):  # y unused: its gradient is None
        _, mean, var = ops.normalize_by_moments(x, axes, epsilon=1e-3)
        return mean * var

    check_grad(stats_only, _x(*shape))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_forward_and_backward(dtype):
    x = Tensor(_x(4, 3, dtype=dtype), requires_grad=True)
    gamma = Tensor(np.ones(3, dtype=dtype), requires_grad=True)
    beta = Tensor(np.zeros(3, dtype=dtype), requires_grad=True)
    y, mean, var = ops.normalize_by_moments(x, 0, gamma, beta)
    assert y.dtype == mean.dtype == var.dtype == dtype
    (y * y).sum().backward()
    assert x.grad.dtype == gamma.grad.dtype == beta.grad.dtype == dtype


def test_large_mean_is_normalized_accurately_in_float32():
    # Centring before squaring (two passes) keeps float32 exact enough for data far from 0.
    x = (1000.0 + _x(256, 2)).astype(np.float32)
    y, _, var = ops.normalize_by_moments(x, 0, epsilon=0.0)
    np.testing.assert_allclose(var.data.ravel(), x.astype(np.float64).var(axis=0), rtol=1e-3)
    np.testing.assert_allclose(y.data.std(axis=0), 1.0, rtol=1e-3)


def test_no_gradient_is_computed_for_constant_parameters():
    x = Tensor(_x(4, 3), requires_grad=True)
    gamma = np.full(3, 2.0)
    y, _, _ = ops.normalize_by_moments(x, 0, gamma, np.zeros(3))
    y.backward(_x(4, 3, seed=5))
    assert x.grad is not None and x.grad.shape == (4, 3)


def test_normalize_errors_name_the_op():
    with pytest.raises(TypeError, match="normalize_by_moments: expected a floating-point"):
        ops.normalize_by_moments(np.arange(6).reshape(2, 3), 0)
    with pytest.raises(ValueError, match="normalize_by_moments: gamma of shape"):
        ops.normalize_by_moments(_x(4, 3), 0, gamma=np.ones(4))
    with pytest.raises(ValueError, match="normalize_by_moments: axis 2 is out of range"):
        ops.normalize_by_moments(_x(4, 3), 2)


# -- moments and batch_normalization (Keras's ops) -------------------------------------------


def test_moments_matches_keras_example_and_numpy():
    mean, var = ops.moments(np.array([0, 1, 2, 3, 100], dtype="float32"), axes=[0])
    np.testing.assert_allclose(mean.data, 21.2, rtol=1e-6)
    np.testing.assert_allclose(var.data, 1553.3601, rtol=1e-6)
    assert mean.dtype == var.dtype == np.float32
    x = _x(2, 3, 4)
    mean, var = ops.moments(x, axes=(0, 2), keepdims=True)
    np.testing.assert_allclose(mean.data, x.mean(axis=(0, 2), keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(var.data, x.var(axis=(0, 2), keepdims=True), rtol=1e-12)
    check_grad(lambda t: ops.moments(t, axes=[1])[1], x)


@pytest.mark.parametrize("axis, shape", [(-1, (4, 3)), (1, (2, 3, 2, 2)), ([1, 2], (2, 3, 2))])
def test_batch_normalization_matches_formula_and_gradients(axis, shape):
    x = _x(*shape)
    axes = axis if isinstance(axis, list) else [axis]
    kept = tuple(shape[a] for a in axes)
    bshape = [1] * len(shape)
    for a in axes:
        bshape[a] = shape[a]
    mean, var = _x(*kept, seed=1), np.abs(_x(*kept, seed=2)) + 0.5
    offset, scale = _x(*kept, seed=3), _x(*kept, seed=4)
    y = ops.batch_normalization(x, mean, var, axis, offset=offset, scale=scale, epsilon=1e-3)
    expected = (x - mean.reshape(bshape)) / np.sqrt(var.reshape(bshape) + 1e-3) * \
        scale.reshape(bshape) + offset.reshape(bshape)
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    check_grad(lambda *a: ops.batch_normalization(a[0], a[1], a[2], axis, a[3], a[4], 1e-3),
               x, mean, var, offset, scale)
    plain = ops.batch_normalization(x, mean, var, axis)
    np.testing.assert_allclose(plain.data, (x - mean.reshape(bshape)) /
                               np.sqrt(var.reshape(bshape) + 1e-3), rtol=1e-10, atol=1e-12)


def test_batch_normalization_errors_name_the_op():
    with pytest.raises(ValueError, match="batch_normalization: mean of shape \\(4,\\)"):
        ops.batch_normalization(_x(2, 3), np.zeros(4), np.ones(3), axis=-1)
    with pytest.raises(ValueError, match="batch_normalization: axis 2 is out of range"):
        ops.batch_normalization(_x(2, 3), np.zeros(3), np.ones(3), axis=2)
