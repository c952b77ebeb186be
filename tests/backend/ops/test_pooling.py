"""Pooling ops (backend/ops/pooling.py): max_pool and average_pool in 1-D and 2-D.

Values are checked against direct loops written here (every window position, clipped to the
input for 'same' padding) for every padding and stride combination and both data formats;
gradients against central differences; the max gradient's tie rule (the first maximum in
row-major order, as TensorFlow) on hand-made windows; Keras's documented examples; dtypes;
and errors. Also the window helpers added to windows.py for pooling (offset_windows, tiles).
"""

import math

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend import Tensor
from minikeras.backend.ops.windows import offset_windows, tiles, windows
from minikeras.testing import check_grad


# -- the reference: explicit loops over samples, positions and channels ----------------------


def _same_before(length, k, s):
    out = math.ceil(length / s)
    total = max((out - 1) * s + k - length, 0)
    return total // 2


def reference_pool(x, pool_size, strides, padding, mode):
    """Pool channels_last x (batch, *spatial, channels) with plain loops. For 'same', each
    window is clipped to the input: the max ignores the padding, the mean counts real
    elements only."""
    n = x.ndim - 2
    spatial = x.shape[1:-1]
    if padding == "valid":
        out = [(m - k) // s + 1 for m, k, s in zip(spatial, pool_size, strides)]
        before = [0] * n
    else:
        out = [math.ceil(m / s) for m, s in zip(spatial, strides)]
        before = [_same_before(m, k, s) for m, k, s in zip(spatial, pool_size, strides)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]), dtype=x.dtype)
    for b in range(x.shape[0]):
        for pos in np.ndindex(*out):
            lo = [max(p * s - bf, 0) for p, s, bf in zip(pos, strides, before)]
            hi = [min(p * s - bf + k, m) for p, s, bf, k, m in
                  zip(pos, strides, before, pool_size, spatial)]
            for c in range(x.shape[-1]):
                window = x[(b,) + tuple(slice(a, z) for a, z in zip(lo, hi)) + (c,)]
                y[(b,) + pos + (c,)] = window.max() if mode == "max" else window.mean()
    return y


def _first(x):
    """channels_last -> channels_first."""
    return np.moveaxis(x, -1, 1)


def _x(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


OPS = {"max": ops.max_pool, "average": ops.average_pool}

# (spatial shape, pool_size, strides): tiled, overlapping, gapped, uneven and 1x1 windows.
GEOMETRIES_2D = [
    ((6, 6), (2, 2), (2, 2)),
    ((5, 7), (2, 2), None),
    ((5, 5), (3, 3), (1, 1)),
    ((6, 5), (3, 2), (2, 1)),
    ((7, 6), (2, 3), (3, 3)),
    ((5, 5), (1, 1), (2, 2)),
    ((4, 5), (4, 2), (1, 3)),
]
GEOMETRIES_1D = [((7,), 2, None), ((6,), 3, 1), ((7,), 3, 2), ((5,), 2, 3), ((4,), 4, 1)]


def _cases():
    for spatial, pool, strides in GEOMETRIES_1D + GEOMETRIES_2D:
        for padding in ("valid", "same"):
            for mode in OPS:
                yield spatial, pool, strides, padding, mode


CASES = list(_cases())


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


@pytest.mark.parametrize("spatial, pool, strides, padding, mode", CASES)
def test_values_match_the_loops_in_both_data_formats(spatial, pool, strides, padding, mode):
    n = len(spatial)
    x = _x(2, *spatial, 3)
    pool_t = _tuple(pool, n)
    strides_t = pool_t if strides is None else _tuple(strides, n)
    expected = reference_pool(x, pool_t, strides_t, padding, mode)
    last = OPS[mode](x, pool, strides, padding)
    np.testing.assert_allclose(last.numpy(), expected, rtol=1e-12, atol=1e-12, strict=True)
    first = OPS[mode](_first(x), pool, strides, padding, data_format="channels_first")
    np.testing.assert_allclose(first.numpy(), _first(expected), rtol=1e-12, atol=1e-12,
                               strict=True)


@pytest.mark.parametrize("spatial, pool, strides, padding, mode", CASES)
def test_gradients_match_numerical(spatial, pool, strides, padding, mode):
    x = _x(2, *spatial, 2, seed=1)
    check_grad(lambda t: OPS[mode](t, pool, strides, padding), x)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("mode", list(OPS))
def test_gradients_channels_first(mode, padding):
    x = _x(2, 2, 5, 4, seed=2)
    check_grad(lambda t: OPS[mode](t, (3, 2), (2, 1), padding, "channels_first"), x)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("mode", list(OPS))
def test_three_spatial_axes(mode, padding):
    x = _x(2, 4, 5, 3, 2, seed=5)
    expected = reference_pool(x, (2, 3, 2), (1, 2, 1), padding, mode)
    got = OPS[mode](x, (2, 3, 2), (1, 2, 1), padding)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12, strict=True)
    check_grad(lambda t: OPS[mode](t, (2, 3, 2), (1, 2, 1), padding), x)
    check_grad(lambda t: OPS[mode](t, 2, None, padding), x)


def test_average_same_divides_by_real_elements_only():
    # On ones, every window average is 1 whatever the padding, if padding is not counted.
    x = np.ones((1, 5, 4, 2), dtype=np.float32)
    y = ops.average_pool(x, 3, 2, "same").numpy()
    np.testing.assert_array_equal(y, np.ones((1, 3, 2, 2), dtype=np.float32))
    # 1-D: [1, 2, 3, 4, 5], pool 2, stride 1, 'same' pads one zero after: the last window is
    # [5] alone, its mean 5 (Keras's documented output).
    x = np.arange(1.0, 6.0, dtype=np.float32).reshape(1, 5, 1)
    np.testing.assert_array_equal(ops.average_pool(x, 2, 1, "same").numpy().ravel(),
                                  [1.5, 2.5, 3.5, 4.5, 5.0])


def test_max_same_never_picks_the_padding():
    x = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)  # all negative: a zero pad would win
    y = ops.max_pool(x, 2, 1, "same").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]])


def test_keras_documented_examples():
    x = np.arange(1.0, 6.0, dtype=np.float32).reshape(1, 5, 1)
    assert ops.max_pool(x, 2, 1, "valid").numpy().ravel().tolist() == [2, 3, 4, 5]
    assert ops.max_pool(x, 2, 2, "valid").numpy().ravel().tolist() == [2, 4]
    assert ops.max_pool(x, 2, 1, "same").numpy().ravel().tolist() == [2, 3, 4, 5, 5]
    assert ops.average_pool(x, 2, 1, "valid").numpy().ravel().tolist() == [1.5, 2.5, 3.5, 4.5]
    assert ops.average_pool(x, 2, 2, "valid").numpy().ravel().tolist() == [1.5, 3.5]
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(ops.max_pool(x, (2, 2), (1, 1)).numpy()[0, :, :, 0],
                                  [[5, 6], [8, 9]])
    np.testing.assert_array_equal(ops.max_pool(x, (2, 2), (1, 1), "same").numpy()[0, :, :, 0],
                                  [[5, 6, 6], [8, 9, 9], [8, 9, 9]])
    x = np.arange(1.0, 13.0).reshape(1, 3, 4, 1)
    np.testing.assert_array_equal(ops.max_pool(x, (2, 2), (2, 2)).numpy()[0, :, :, 0],
                                  [[6, 8]])


# -- the max gradient: to the first maximum of each window, row by row -----------------------


def _max_grad(x, pool, strides, padding="valid"):
    t = Tensor(x, requires_grad=True)
    y = ops.max_pool(t, pool, strides, padding)
    y.backward(np.ones(y.shape, dtype=x.dtype))
    return t.grad


@pytest.mark.parametrize("strides", [(2, 2), (2, 3)], ids=["tiled", "general"])
def test_max_gradient_goes_to_the_first_maximum_in_row_major_order(strides):
    window = np.array([[[0.0, 0.0], [0.0, 0.0]],     # all tied: the top-left one
                       [[1.0, 3.0], [3.0, 0.0]],     # tie across rows: the first row wins
                       [[2.0, 1.0], [2.0, 2.0]],     # tie in the first column
                       [[0.0, 1.0], [5.0, 5.0]]])    # tie in the second row
    expected = np.array([[[1, 0], [0, 0]], [[0, 1], [0, 0]], [[1, 0], [0, 0]],
                         [[0, 0], [1, 0]]], dtype=np.float32)
    # Side by side in one image of 4 windows (with a gap column for strides (2, 3)).
    width = 2 + strides[1] * 3
    x = np.full((1, 2, width, 1), -9.0, dtype=np.float32)
    want = np.zeros_like(x)
    for i in range(4):
        x[0, :, i * strides[1]:i * strides[1] + 2, 0] = window[i]
        want[0, :, i * strides[1]:i * strides[1] + 2, 0] = expected[i]
    got = _max_grad(x, (2, 2), strides)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.float32


def test_max_gradient_of_overlapping_windows_adds_up():
    # pool 3, stride 1 on [0, 5, 0, 0, 5]: windows [0,5,0], [5,0,0], [0,0,5] pick 5, 5, 5.
    x = np.array([0.0, 5.0, 0.0, 0.0, 5.0]).reshape(1, 5, 1)
    np.testing.assert_array_equal(_max_grad(x, 3, 1).ravel(), [0, 2, 0, 0, 1])
    # Ties inside overlapping windows: each window gives its own first maximum.
    x = np.zeros((1, 4, 1))
    np.testing.assert_array_equal(_max_grad(x, 2, 1).ravel(), [1, 1, 1, 0])


def test_max_gradient_reference_with_ties_after_relu():
    # Many all-zero windows: compare with a loop that gives each window's first maximum.
    x = np.maximum(_x(2, 6, 7, 3, seed=3), 0)
    x[0, :2] = 0.0
    for pool, strides, padding in [((2, 2), (2, 2), "valid"), ((3, 3), (2, 2), "same"),
                                   ((2, 3), (1, 2), "valid")]:
        gy = _x(*ops.max_pool(x, pool, strides, padding).shape, seed=4)
        t = Tensor(x, requires_grad=True)
        ops.max_pool(t, pool, strides, padding).backward(gy)
        want = np.zeros_like(x)
        out = gy.shape[1:3]
        before = [_same_before(m, k, s) if padding == "same" else 0
                  for m, k, s in zip(x.shape[1:3], pool, strides)]
        for b in range(2):
            for i, j in np.ndindex(*out):
                r0, c0 = i * strides[0] - before[0], j * strides[1] - before[1]
                for c in range(3):
                    best = None
                    for r in range(max(r0, 0), min(r0 + pool[0], 6)):
                        for q in range(max(c0, 0), min(c0 + pool[1], 7)):
                            if best is None or x[b, r, q, c] > x[b, best[0], best[1], c]:
                                best = (r, q)
                    want[b, best[0], best[1], c] += gy[b, i, j, c]
        np.testing.assert_allclose(t.grad, want, rtol=1e-12, atol=1e-12)


def test_average_gradient_spreads_evenly_over_real_elements():
    t = Tensor(np.ones((1, 3, 1), dtype=np.float32), requires_grad=True)
    ops.average_pool(t, 2, 2, "same").backward(np.ones((1, 2, 1), dtype=np.float32))
    np.testing.assert_array_equal(t.grad.ravel(), [0.5, 0.5, 1.0])  # the last window is alone


# -- dtypes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("mode", list(OPS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_forward_and_backward(dtype, mode, padding):
    for strides in ((2, 2), (1, 1)):
        t = Tensor(_x(2, 5, 5, 3, dtype=dtype), requires_grad=True)
        y = OPS[mode](t, 2, strides, padding)
        assert y.dtype == dtype
        y.backward(np.ones(y.shape, dtype=dtype))
        assert t.grad.dtype == dtype


def test_integer_input_becomes_floatx():
    x = np.arange(8).reshape(1, 4, 2)
    assert ops.max_pool(x, 2).dtype == np.float32
    np.testing.assert_array_equal(ops.average_pool(x, 2).numpy(), [[[1, 2], [5, 6]]])


def test_no_gradient_without_recording():
    y = ops.max_pool(_x(1, 4, 4, 1), 2)
    assert not y.requires_grad and y.creator is None


# -- errors ------------------------------------------------------------------------------------


def test_pool_larger_than_a_valid_input():
    with pytest.raises(ValueError, match=r"max_pool: the pooling window \(pool_size=\(3, 3\)\) "
                                         r"is larger than the input along spatial axis 1 \(2\)"):
        ops.max_pool(np.zeros((1, 4, 2, 1)), 3)
    # 'same' pads as needed, so the same window fits.
    assert ops.max_pool(np.zeros((1, 4, 2, 1)), 3, padding="same").shape == (1, 2, 1, 1)


@pytest.mark.parametrize("kwargs, message", [
    ({"pool_size": 0}, r"every value of `pool_size` must be a positive integer"),
    ({"pool_size": 2, "strides": 0}, r"every value of `strides` must be a positive integer, "
                                     r"received strides=0"),
    ({"pool_size": 2, "strides": (1, -1)}, r"every value of `strides` must be a positive"),
    ({"pool_size": (2, 2, 2)}, r"`pool_size` must be an int or a tuple of 2 ints for 2 "
                               r"spatial axes"),
    ({"pool_size": 2.0}, r"`pool_size` must be an int or a tuple of 2 ints"),
    ({"pool_size": 2, "padding": "full"}, r"`padding` must be 'valid' or 'same'"),
    ({"pool_size": 2, "data_format": "NHWC"}, r"`data_format` must be 'channels_last' or "
                                              r"'channels_first'"),
])
def test_bad_arguments(kwargs, message):
    for op, name in ((ops.max_pool, "max_pool"), (ops.average_pool, "average_pool")):
        with pytest.raises(ValueError, match=f"{name}: {message}"):
            op(np.zeros((1, 4, 4, 1)), **kwargs)


def test_input_without_spatial_axes():
    with pytest.raises(ValueError, match=r"max_pool: the input must have a batch axis, at "
                                         r"least one spatial axis and a channels axis"):
        ops.max_pool(np.zeros((4, 4)), 2)


def test_padding_is_case_insensitive_as_in_keras():
    x = _x(1, 5, 1)
    np.testing.assert_array_equal(ops.max_pool(x, 2, padding="SAME").numpy(),
                                  ops.max_pool(x, 2, padding="same").numpy())


# -- the window helpers --------------------------------------------------------------------------


def test_offset_windows_pick_each_offset_of_every_window():
    x = _x(2, 7, 6, 3)
    view = windows(x, (3, 2), (2, 3), (1, 2))
    out = view.shape[1:3]
    found = list(offset_windows((3, 2), (2, 3), out, (1, 2)))
    assert [offset for offset, _ in found] == list(np.ndindex(3, 2))
    for offset, index in found:
        np.testing.assert_array_equal(x[index], view[(Ellipsis,) + offset])


def test_tiles_is_a_reshape_that_leaves_out_partial_tiles_without_copying():
    x = _x(2, 7, 5, 3)
    view = tiles(x, (2, 2))
    assert view.shape == (2, 3, 2, 2, 2, 3)
    np.testing.assert_array_equal(view, x[:, :6, :4].reshape(2, 3, 2, 2, 2, 3))
    assert np.shares_memory(view, x) and not view.flags.writeable
    target = np.zeros((1, 4, 4, 1))
    tiles(target, (2, 2), writeable=True)[:, :, 1, :, 1] = 7.0
    np.testing.assert_array_equal(target[0, :, :, 0], [[0, 0, 0, 0], [0, 7, 0, 7]] * 2)
