"""Convolution ops (backend/ops/conv.py): conv, conv_transpose, depthwise_conv, separable_conv.

Values are checked against direct loops written here (one multiply-add at a time, padding
worked out from Keras's documented rules), over every padding / stride / dilation / groups
combination on small inputs, in 1-D, 2-D and 3-D and both data formats. Gradients of the
input, kernel and bias are checked numerically. Then dtypes, skipped gradients and errors.
"""

import itertools
import math

import numpy as np
import pytest

from minikeras.backend import Tensor, ops
from minikeras.backend.ops.conv import _FEW_CHANNELS
from minikeras.testing import check_grad

RNG = np.random.default_rng(0)


def _random(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


# -- direct references ---------------------------------------------------------------------


def _pads(spatial, kernel_size, strides, dilation, padding):
    """Keras's padding: 'same' gives ceil(n / s) outputs, the odd extra pad going after;
    'causal' pads everything before."""
    pads = []
    for n, k, s, d in zip(spatial, kernel_size, strides, dilation):
        span = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
        elif padding == "causal":
            pads.append((span - 1, 0))
        else:
            total = max((math.ceil(n / s) - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
    return pads


def ref_conv(x, kernel, strides, padding, dilation, bias=None):
    """Channels_last convolution by loops over samples, output positions, filters, kernel
    offsets and channels; groups from the kernel's channel axis."""
    n = x.ndim - 2
    kernel_size, per_group, filters = kernel.shape[:n], kernel.shape[-2], kernel.shape[-1]
    groups = x.shape[-1] // per_group
    per_filter_group = filters // groups
    pads = _pads(x.shape[1:-1], kernel_size, strides, dilation, padding)
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out = [(p - ((k - 1) * d + 1)) // s + 1
           for p, k, s, d in zip(xp.shape[1:-1], kernel_size, strides, dilation)]
    y = np.zeros((x.shape[0], *out, filters))
    for b in range(x.shape[0]):
        for pos in itertools.product(*map(range, out)):
            for f in range(filters):
                g = f // per_filter_group
                total = 0.0
                for offset in itertools.product(*map(range, kernel_size)):
                    at = tuple(p * s + o * d
                               for p, s, o, d in zip(pos, strides, offset, dilation))
                    for c in range(per_group):
                        total += xp[(b, *at, g * per_group + c)] * kernel[(*offset, c, f)]
                y[(b, *pos, f)] = total + (0.0 if bias is None else bias[f])
    return y


def ref_conv_transpose(x, kernel, strides, padding, output_padding, dilation):
    """Each input value spreads kernel * value over the output (the gradient of a
    convolution), then the result is cut to Keras's output size; 'same' crops as the
    convolution from that output size with 'same' padding would have padded it."""
    n = x.ndim - 2
    kernel_size, filters = kernel.shape[:n], kernel.shape[-2]
    full = [(i - 1) * s + (k - 1) * d + 1 for i, k, s, d in
            zip(x.shape[1:-1], kernel_size, strides, dilation)]
    sizes, starts = [], []
    for axis, (i, k, s, d) in enumerate(zip(x.shape[1:-1], kernel_size, strides, dilation)):
        span = (k - 1) * d + 1
        extra = None if output_padding is None else output_padding[axis]
        if padding == "valid":
            sizes.append((i - 1) * s + span + (max(span, s) - span if extra is None else extra))
            starts.append(0)
        else:
            size = i * s if extra is None else (i - 1) * s + span % 2 + extra
            sizes.append(size)
            starts.append(max((i - 1) * s + span - size, 0) // 2)
    big = np.zeros((x.shape[0], *[max(f, st + sz) for f, st, sz in zip(full, starts, sizes)],
                    filters))
    for b in range(x.shape[0]):
        for pos in itertools.product(*map(range, x.shape[1:-1])):
            for offset in itertools.product(*map(range, kernel_size)):
                at = tuple(p * s + o * d for p, s, o, d in zip(pos, strides, offset, dilation))
                big[(b, *at)] += kernel[offset] @ x[(b, *pos)]
    index = (slice(None),) + tuple(slice(st, st + sz) for st, sz in zip(starts, sizes))
    return big[index]


def ref_depthwise(x, kernel, strides, padding, dilation):
    """Output channel c * multiplier + m is channel c convolved with kernel[..., c, m]."""
    n = x.ndim - 2
    channels, multiplier = kernel.shape[-2:]
    outs = []
    for c in range(channels):
        single = ref_conv(x[..., c:c + 1], kernel[..., c:c + 1, :], strides, padding,
                          dilation)
        outs.append(single)
    y = np.stack(outs, axis=-2)  # (..., channels, multiplier)
    return y.reshape(y.shape[:n + 1] + (channels * multiplier,))


def _to_first(a):
    return np.moveaxis(a, -1, 1)


# -- values ----------------------------------------------------------------------------------

COMBOS_2D = [  # (padding, strides, dilation)
    (p, s, d) for p in ("valid", "same") for s, d in
    [((1, 1), (1, 1)), ((2, 2), (1, 1)), ((1, 1), (2, 2)), ((2, 1), (1, 1)), ((1, 1), (1, 2)),
     ((3, 2), (1, 1))]
]


@pytest.mark.parametrize("padding,strides,dilation", COMBOS_2D)
@pytest.mark.parametrize("groups", [1, 2])
def test_conv2d_matches_loops(padding, strides, dilation, groups):
    x = _random(2, 6, 5, 4)
    kernel = _random(3, 2, 4 // groups, 4)
    bias = _random(4)
    got = ops.conv(x, kernel, strides, padding, dilation_rate=dilation, bias=bias)
    want = ref_conv(x, kernel, strides, padding, dilation, bias)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)
    first = ops.conv(_to_first(x), kernel, strides, padding, "channels_first", dilation,
                     bias=bias)
    np.testing.assert_allclose(first.data, _to_first(want), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("strides,dilation", [(1, 1), (2, 1), (3, 1), (1, 2), (1, 3)])
@pytest.mark.parametrize("groups", [1, 3])
def test_conv1d_matches_loops(padding, strides, dilation, groups):
    x = _random(2, 7, 3)
    kernel = _random(3, 3 // groups, 6)
    want = ref_conv(x, kernel, (strides,), padding, (dilation,))
    got = ops.conv(x, kernel, strides, padding, dilation_rate=dilation)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)
    first = ops.conv(_to_first(x), kernel, strides, padding, "channels_first", dilation)
    np.testing.assert_allclose(first.data, _to_first(want), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("padding,strides", [("valid", 1), ("same", 2), ("same", (1, 2, 1))])
def test_conv3d_matches_loops(padding, strides):
    x = _random(1, 4, 5, 3, 2)
    kernel = _random(2, 3, 2, 2, 3)
    strides3 = (strides,) * 3 if isinstance(strides, int) else strides
    want = ref_conv(x, kernel, strides3, padding, (1, 1, 1))
    np.testing.assert_allclose(ops.conv(x, kernel, strides, padding).data, want, rtol=1e-10)


def test_conv_many_channels_takes_the_other_copy_layout():
    # Few channels are copied offset first, many channels window by window: both must agree.
    x = _random(2, 5, 5, 2 * _FEW_CHANNELS)
    for groups in (1, 2):
        kernel = _random(3, 3, x.shape[-1] // groups, 4)
        bias = _random(4)
        got = ops.conv(x, kernel, (1, 2), "same", bias=bias)
        want = ref_conv(x, kernel, (1, 2), "same", (1, 1), bias)
        np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)


def test_conv_fused_activations():
    x, kernel, bias = _random(2, 5, 5, 3), _random(3, 3, 3, 4), _random(4)
    linear = ref_conv(x, kernel, (1, 1), "same", (1, 1), bias)
    relu = ops.conv(x, kernel, padding="same", bias=bias, activation="relu")
    np.testing.assert_allclose(relu.data, np.maximum(linear, 0), rtol=1e-10, atol=1e-12)
    tanh = ops.conv(x, kernel, padding="same", bias=bias, activation="tanh")
    np.testing.assert_allclose(tanh.data, np.tanh(linear), rtol=1e-10, atol=1e-12)


TRANSPOSE_COMBOS = [  # (padding, strides, output_padding, dilation, kernel_size)
    ("valid", (1, 1), None, (1, 1), (3, 3)),
    ("valid", (2, 2), None, (1, 1), (3, 2)),
    ("valid", (3, 2), None, (1, 1), (2, 2)),  # stride larger than the kernel
    ("valid", (2, 3), (1, 2), (1, 1), (3, 3)),
    ("valid", (1, 1), None, (2, 1), (3, 3)),
    ("same", (1, 1), None, (1, 1), (3, 3)),
    ("same", (2, 2), None, (1, 1), (3, 3)),
    ("same", (2, 2), None, (1, 1), (4, 2)),
    ("same", (3, 2), None, (1, 1), (2, 5)),
    ("same", (2, 2), (1, 0), (1, 1), (3, 4)),
    ("same", (3, 3), (2, 1), (1, 1), (5, 4)),
    ("same", (1, 1), None, (2, 2), (3, 2)),
]


@pytest.mark.parametrize("padding,strides,output_padding,dilation,kernel_size",
                         TRANSPOSE_COMBOS)
def test_conv_transpose_matches_loops(padding, strides, output_padding, dilation, kernel_size):
    x = _random(2, 3, 4, 3)
    kernel = _random(*kernel_size, 2, 3)
    want = ref_conv_transpose(x, kernel, strides, padding, output_padding, dilation)
    got = ops.conv_transpose(x, kernel, strides, padding, output_padding,
                             dilation_rate=dilation)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)
    first = ops.conv_transpose(_to_first(x), kernel, strides, padding, output_padding,
                               "channels_first", dilation)
    np.testing.assert_allclose(first.data, _to_first(want), rtol=1e-10, atol=1e-12)


def test_conv_transpose_output_sizes_follow_keras():
    # Keras's documented example: Conv2DTranspose(32, 2, 2) on (4, 10, 8, 128) -> (4, 20, 16, 32)
    y = ops.conv_transpose(np.zeros((4, 10, 8, 5), "float32"), np.zeros((2, 2, 3, 5),
                                                                        "float32"), 2)
    assert y.shape == (4, 20, 16, 3)
    # (i - 1) * s + k for 'valid', i * s for 'same'
    for padding, want in (("valid", 2 * 2 + 3), ("same", 3 * 2)):
        y = ops.conv_transpose(np.zeros((1, 3, 1), "float32"), np.zeros((3, 1, 1), "float32"),
                               2, padding)
        assert y.shape == (1, want, 1)


def test_conv_transpose_is_the_adjoint_of_conv():
    # <conv(a, k), b> == <a, conv_transpose(b, k)> when the geometry matches.
    a, k = _random(2, 9, 2), _random(3, 2, 4)
    for padding, strides, output_padding in (("valid", 2, None), ("same", 2, 0),
                                             ("same", 1, None), ("valid", 3, 0)):
        y = ops.conv(a, k, strides, padding)
        b = _random(*y.shape)
        back = ops.conv_transpose(b, k, strides, padding, output_padding)
        assert back.shape == a.shape
        np.testing.assert_allclose(np.sum(y.data * b), np.sum(a * back.data), rtol=1e-10)


@pytest.mark.parametrize("padding,strides,dilation", COMBOS_2D[:6])
def test_depthwise_conv_matches_loops(padding, strides, dilation):
    x = _random(2, 5, 6, 3)
    kernel = _random(3, 2, 3, 2)
    want = ref_depthwise(x, kernel, strides, padding, dilation)
    got = ops.depthwise_conv(x, kernel, strides, padding, dilation_rate=dilation)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)
    first = ops.depthwise_conv(_to_first(x), kernel, strides, padding, "channels_first",
                               dilation)
    np.testing.assert_allclose(first.data, _to_first(want), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_separable_conv_is_depthwise_then_pointwise(data_format):
    x = _random(2, 5, 5, 3)
    depthwise, pointwise, bias = _random(3, 3, 3, 2), _random(1, 1, 6, 4), _random(4)
    want = ref_depthwise(x, depthwise, (2, 2), "same", (1, 1)) @ pointwise[0, 0] + bias
    if data_format == "channels_first":
        x, want = _to_first(x), _to_first(want)
    got = ops.separable_conv(x, depthwise, pointwise, 2, "same", data_format, bias=bias)
    np.testing.assert_allclose(got.data, want, rtol=1e-10, atol=1e-12)


def test_float32_stays_float32():
    x, kernel = _random(2, 5, 5, 3, dtype=np.float32), _random(3, 3, 3, 4, dtype=np.float32)
    bias = _random(4, dtype=np.float32)
    xt = Tensor(x, requires_grad=True)
    kt, bt = Tensor(kernel, requires_grad=True), Tensor(bias, requires_grad=True)
    for y in (ops.conv(xt, kt, padding="same", bias=bt, activation="relu"),
              ops.conv_transpose(xt, Tensor(_random(3, 3, 2, 3, dtype=np.float32),
                                            requires_grad=True), 2, bias=None),
              ops.depthwise_conv(xt, Tensor(_random(3, 3, 3, 2, dtype=np.float32))),
              ops.separable_conv(xt, _random(3, 3, 3, 1, dtype=np.float32),
                                 _random(1, 1, 3, 2, dtype=np.float32))):
        assert y.dtype == np.float32
        y.backward(np.ones(y.shape, np.float32))
    for t in (xt, kt, bt):
        assert t.grad.dtype == np.float32
    np.testing.assert_allclose(ops.conv(x, kernel, bias=bias).data,
                               ref_conv(x.astype(np.float64), kernel.astype(np.float64),
                                        (1, 1), "valid", (1, 1), bias), rtol=1e-5, atol=1e-5)


# -- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("padding,strides,dilation,groups,activation", [
    ("valid", (1, 1), (1, 1), 1, None),
    ("same", (2, 2), (1, 1), 1, "relu"),
    ("same", (1, 1), (2, 1), 2, "tanh"),
    ("valid", (2, 1), (1, 1), 2, None),
    ("same", (1, 1), (1, 1), 1, None),
])
def test_conv2d_gradients(padding, strides, dilation, groups, activation):
    x, kernel, bias = _random(2, 5, 4, 2), _random(3, 2, 2 // groups, 2), _random(2)
    check_grad(lambda x, k, b: ops.conv(x, k, strides, padding, dilation_rate=dilation,
                                        bias=b, activation=activation), x, kernel, bias)
    check_grad(lambda x, k: ops.conv(x, k, strides, padding, "channels_first", dilation),
               _to_first(x), kernel)


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
def test_conv1d_gradients_many_channels(padding):
    # Enough channels for the window-by-window copy; more than max_full_size values, so
    # random directions are checked.
    x, kernel, bias = _random(2, 6, 8), _random(3, 4, 6), _random(6)
    check_grad(lambda x, k, b: ops.conv(x, k, 2, padding, bias=b), x, kernel, bias)


def test_conv3d_gradients():
    check_grad(lambda x, k: ops.conv(x, k, (1, 2, 1), "same"), _random(1, 3, 4, 3, 2),
               _random(2, 2, 2, 2, 2))


@pytest.mark.parametrize("padding,strides,output_padding,dilation,kernel_size",
                         [TRANSPOSE_COMBOS[i] for i in (1, 3, 4, 6, 9)])
def test_conv_transpose_gradients(padding, strides, output_padding, dilation, kernel_size):
    x, kernel, bias = _random(2, 3, 2, 2), _random(*kernel_size, 2, 2), _random(2)
    check_grad(lambda x, k, b: ops.conv_transpose(x, k, strides, padding, output_padding,
                                                  dilation_rate=dilation, bias=b),
               x, kernel, bias)


def test_depthwise_and_separable_gradients():
    x = _random(2, 4, 4, 2)
    check_grad(lambda x, k, b: ops.depthwise_conv(x, k, 1, "same", bias=b, activation="relu"),
               x, _random(3, 3, 2, 2), _random(4))
    check_grad(lambda x, d, p, b: ops.separable_conv(x, d, p, 2, "same", "channels_first",
                                                     bias=b),
               _to_first(x), _random(3, 3, 2, 1), _random(1, 1, 2, 3), _random(3))


def test_gradients_only_where_needed():
    x = Tensor(_random(2, 5, 5, 3, dtype=np.float32))
    kernel = Tensor(_random(3, 3, 3, 4, dtype=np.float32), requires_grad=True)
    ops.conv(x, kernel).backward(np.ones((2, 3, 3, 4), np.float32))
    assert x.grad is None and kernel.grad.shape == kernel.shape
    x = Tensor(x.data, requires_grad=True)
    kernel = Tensor(kernel.data)
    bias = Tensor(np.zeros(4, np.float32), requires_grad=True)
    ops.conv(x, kernel, bias=bias).backward(np.ones((2, 3, 3, 4), np.float32))
    assert x.grad.shape == x.shape and kernel.grad is None
    np.testing.assert_allclose(bias.grad, np.full(4, 18.0))


# -- errors ----------------------------------------------------------------------------------


def test_errors_name_the_op_and_the_problem():
    x, kernel = np.zeros((1, 4, 4, 3), "float32"), np.zeros((3, 3, 3, 2), "float32")
    with pytest.raises(ValueError, match=r"conv: the kernel \(5 wide .* larger than spatial "
                                         r"axis 0 of the input, of size 4"):
        ops.conv(x, np.zeros((5, 3, 3, 2), "float32"))
    ops.conv(x, np.zeros((5, 3, 3, 2), "float32"), padding="same")  # padded: it fits
    with pytest.raises(ValueError, match="conv: every value of `strides` must be at least 1"):
        ops.conv(x, kernel, strides=0)
    with pytest.raises(ValueError, match=r"`strides`.*received strides=\(1, -1\)"):
        ops.conv(x, kernel, strides=(1, -1))
    with pytest.raises(ValueError, match="`dilation_rate` must be an int or a tuple of 2"):
        ops.conv(x, kernel, dilation_rate=(1, 1, 1))
    with pytest.raises(ValueError, match="conv: the input has 3 channels .* 2 per group"):
        ops.conv(x, np.zeros((3, 3, 2, 2), "float32"))
    with pytest.raises(ValueError, match="its 4 filters a multiple of the number of groups"):
        ops.conv(np.zeros((1, 4, 4, 3), "float32"), np.zeros((3, 3, 1, 4), "float32"))
    with pytest.raises(ValueError, match="conv: the input must have one batch axis, 2 spatial"):
        ops.conv(np.zeros((4, 4, 3), "float32"), kernel)
    with pytest.raises(ValueError, match="`padding` must be one of 'valid', 'same', 'causal'"):
        ops.conv(x, kernel, padding="full")
    with pytest.raises(ValueError, match="`data_format` must be"):
        ops.conv(x, kernel, data_format="channels_middle")
    with pytest.raises(ValueError, match="conv: the bias must have shape \\(2,\\)"):
        ops.conv(x, kernel, bias=np.zeros(3, "float32"))
    with pytest.raises(ValueError, match="conv: activation must be one of"):
        ops.conv(x, kernel, activation="softmax")
    with pytest.raises(ValueError, match="conv_transpose: each value of `output_padding` must "
                                         "be less than its stride"):
        ops.conv_transpose(x, np.zeros((3, 3, 2, 3), "float32"), 2, output_padding=2)
    with pytest.raises(ValueError, match="conv_transpose: the input has 3 channels"):
        ops.conv_transpose(x, np.zeros((3, 3, 3, 2), "float32"))
    with pytest.raises(ValueError, match="conv_transpose: `padding` must be one of 'valid', "
                                         "'same', received padding='causal'"):
        ops.conv_transpose(x, np.zeros((3, 3, 2, 3), "float32"), padding="causal")
    with pytest.raises(ValueError, match="depthwise_conv: the input has 3 channels"):
        ops.depthwise_conv(x, np.zeros((3, 3, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"separable_conv: the pointwise kernel must have "
                                         r"shape \(1, 1, 6, 'filters'\)"):
        ops.separable_conv(x, np.zeros((3, 3, 3, 2), "float32"), np.zeros((1, 1, 3, 4),
                                                                          "float32"))
