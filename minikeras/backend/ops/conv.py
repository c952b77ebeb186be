"""Convolutions: conv, conv_transpose, depthwise_conv and separable_conv, in 1, 2 or 3 dims.

The work happens channels_last; channels_first inputs are transposed in and out. A convolution
copies every window of the padded input into one matrix (im2col, from the strided view that
`windows` gives), so each direction is one matrix product:

    forward          y  = cols @ kernel                  (+ bias: a column of ones in cols)
    kernel gradient  gk = cols.T @ gy                    (the bias gradient comes with it)
    input gradient   gx = add_windows_by_offset(gy @ kernel.T)

A grouped convolution stacks the groups as the batch axis of those products; a depthwise
convolution is one with a group per channel. A transposed convolution is the input gradient
of a convolution, and its own gradient is a convolution.
"""

import numpy as np

from ..config import standardize_data_format
from ..tensor import Function, as_tensor
from . import shape as shape_ops
from .linalg import dense
from .windows import add_windows_by_offset, output_length, pad_spatial, same_padding, windows

FUSED_ACTIVATIONS = (None, "relu", "tanh")


# -- the numpy work ------------------------------------------------------------------------

# Below this many input channels per group, windows are copied kernel offset first: each
# offset is then one long contiguous run per output row instead of a run of a few values.
_FEW_CHANNELS = 5


def _im2col(xp, kernel_size, strides, dilation, groups, ones=False, out_spatial=None):
    """Every window of the padded `xp` (batch, *spatial, channels), copied once, as a matrix
    per group: shape (groups, rows, prod(kernel_size) * channels / groups [+ 1]).

    Columns run over kernel offsets, then the group's channels, so the kernel
    (*kernel_size, channels / groups, filters) reshapes to the matching matrix without a
    copy. With `ones`, a last column of ones lets the matrix product add a bias (a last row of
    the weight matrix) and the kernel-gradient product yield the bias gradient. The result may
    be a transposed view, which matmul hands to BLAS as it is.
    """
    n = len(kernel_size)
    view = windows(xp, kernel_size, strides, dilation)  # (batch, *out, channels, *kernel)
    if out_spatial is not None:
        view = view[(slice(None),) + tuple(slice(0, o) for o in out_spatial)]
    batch, out, channels = view.shape[0], view.shape[1:1 + n], view.shape[1 + n]
    per_group, rows = channels // groups, batch * int(np.prod(out))
    view = view.reshape((batch,) + out + (groups, per_group) + tuple(kernel_size))
    width = int(np.prod(kernel_size)) * per_group
    kernel_axes = tuple(range(n + 3, 2 * n + 3))
    if per_group < _FEW_CHANNELS:
        # (groups, *kernel, channels / groups, batch, *out)
        buffer = np.empty((groups, width + ones, rows), dtype=xp.dtype)
        target = buffer[:, :width].reshape((groups,) + tuple(kernel_size) + (per_group, batch)
                                           + out)
        np.copyto(target, view.transpose((n + 1,) + kernel_axes + (n + 2, 0)
                                         + tuple(range(1, n + 1))))
        if ones:
            buffer[:, width] = 1
        return buffer.transpose(0, 2, 1)
    # (groups, batch, *out, *kernel, channels / groups)
    buffer = np.empty((groups, rows, width + ones), dtype=xp.dtype)
    target = buffer[..., :width].reshape((groups, batch) + out + tuple(kernel_size)
                                         + (per_group,))
    np.copyto(target, view.transpose((n + 1, 0) + tuple(range(1, n + 1)) + kernel_axes
                                     + (n + 2,)))
    if ones:
        buffer[..., width] = 1
    return buffer


def _grouped_kernel(kernel, groups, bias=None):
    """(*kernel_size, in / groups, filters) as one matrix per group, (groups,
    prod(kernel_size) * in / groups [+ 1], filters / groups), the bias as the last row."""
    *_, per_group, filters = kernel.shape
    matrix = kernel.reshape(-1, per_group, groups, filters // groups).transpose(2, 0, 1, 3) \
        .reshape(groups, -1, filters // groups)
    if bias is None:
        return matrix
    return np.concatenate([matrix, bias.reshape(groups, 1, filters // groups)], axis=1)


def _ungroup_kernel(gw, kernel_shape, groups):
    """The inverse of `_grouped_kernel` (without a bias row)."""
    *_, per_group, filters = kernel_shape
    return gw.reshape(groups, -1, per_group, filters // groups).transpose(1, 2, 0, 3) \
        .reshape(kernel_shape)


def _col2im(gy, kernel, groups, batch, out_spatial, padded_shape, strides, dilation):
    """The input gradient of a convolution before cropping the padding: gy (groups, rows,
    filters / groups) times the kernel's transpose, added back window by window."""
    kernel_size, (*_, per_group, filters) = kernel.shape[:-2], kernel.shape
    # (groups, offsets, filters / groups, in / groups): one product per group and offset puts
    # the window gradients offset first, as add_windows_by_offset wants them.
    matrices = kernel.reshape(-1, per_group, groups, filters // groups).transpose(2, 0, 3, 1)
    # With one filter per group (depthwise), the product is an outer product: numpy's
    # broadcasting multiply does it several times faster than matmul.
    product = np.multiply if filters == groups else np.matmul
    gcols = product(gy[:, None], matrices)  # (groups, offsets, rows, in / groups)
    gcols = gcols.reshape((groups,) + tuple(kernel_size) + (batch,) + tuple(out_spatial)
                          + (per_group,))
    # (*kernel, batch, *out, in): the groups' channels side by side (a copy only for groups)
    gcols = np.moveaxis(gcols, 0, -2).reshape(gcols.shape[1:-1] + (-1,))
    return add_windows_by_offset(gcols, padded_shape, strides, dilation)


def _column_sums(a):
    """a.sum(axis=0) for a tall matrix, as a matrix-vector product (several times faster)."""
    return np.ones(a.shape[0], dtype=a.dtype) @ a


def _activate(y, activation):
    if activation == "relu":
        np.maximum(y, y.dtype.type(0), out=y)
    elif activation == "tanh":
        np.tanh(y, out=y)


def _activation_grad(gy, out, activation):
    if activation == "relu":
        return gy * (out > 0)
    if activation == "tanh":
        return gy * (out.dtype.type(1) - out * out)
    return gy


def _crop(x, starts, sizes):
    index = (slice(None),) + tuple(slice(s, s + n) for s, n in zip(starts, sizes))
    return x[index]


class Conv(Function):
    """activation(conv(x, kernel) + bias) over channels_last arrays, with explicit padding."""

    def __init__(self, pads, strides, dilation, groups, activation=None):
        self.pads, self.strides, self.dilation = pads, strides, dilation
        self.groups, self.activation = groups, activation

    def forward(self, x, kernel, bias=None):
        kernel_size = kernel.shape[:-2]
        xp = pad_spatial(x, self.pads)
        self.padded_shape = xp.shape
        self.cols = _im2col(xp, kernel_size, self.strides, self.dilation, self.groups,
                            ones=bias is not None)
        y = np.matmul(self.cols, _grouped_kernel(kernel, self.groups, bias))
        self.out_spatial = tuple(output_length(length, k, s, d) for length, k, s, d in
                                 zip(xp.shape[1:-1], kernel_size, self.strides, self.dilation))
        # (groups, rows, filters / groups) -> (batch, *out, filters); a view for one group.
        y = y.transpose(1, 0, 2).reshape((x.shape[0],) + self.out_spatial + (kernel.shape[-1],))
        _activate(y, self.activation)
        if self.activation is not None:
            self.out = y
        return y

    def backward(self, gy):
        x, kernel = self.inputs[0].data, self.inputs[1].data
        if self.activation is not None:
            gy = _activation_grad(gy, self.out, self.activation)
        groups, filters = self.groups, kernel.shape[-1]
        gy3 = gy.reshape(-1, groups, filters // groups).transpose(1, 0, 2)
        needs = self.needs_grad
        gx = gk = gb = None
        if needs[0]:
            gxp = _col2im(gy3, kernel, groups, x.shape[0], self.out_spatial, self.padded_shape,
                          self.strides, self.dilation)
            gx = _crop(gxp, [before for before, _ in self.pads], x.shape[1:-1])
        if any(needs[1:]):
            # (groups, prod(kernel) * in / groups [+ 1], filters / groups); the last row
            # holds the bias gradient when there is a bias.
            gw = np.matmul(self.cols.transpose(0, 2, 1), gy3)
            if needs[1]:
                gk = _ungroup_kernel(gw[:, :gw.shape[1] - (len(needs) == 3)], kernel.shape,
                                     groups)
            if len(needs) == 3 and needs[2]:
                gb = gw[:, -1].reshape(filters)
        return (gx, gk, gb) if len(needs) == 3 else (gx, gk)


class ConvTranspose(Function):
    """conv_transpose(x, kernel) + bias over channels_last arrays: the input gradient of a
    convolution from an output of `out_spatial` cropped at `starts` from its padded input."""

    def __init__(self, out_spatial, starts, strides, dilation):
        self.out_spatial, self.starts = out_spatial, starts
        self.strides, self.dilation = strides, dilation

    def _padded(self, in_spatial, kernel_size):
        # Every window of the convolution fits, and so does the crop (output_padding may
        # reach past the last window).
        return tuple(max((i - 1) * s + (k - 1) * d + 1, start + o) for i, k, s, d, start, o in
                     zip(in_spatial, kernel_size, self.strides, self.dilation, self.starts,
                         self.out_spatial))

    def forward(self, x, kernel, bias=None):
        # The kernel (*kernel_size, filters, in) is that of a convolution from the output to x.
        batch, in_spatial, filters = x.shape[0], x.shape[1:-1], kernel.shape[-2]
        padded = (batch,) + self._padded(in_spatial, kernel.shape[:-2]) + (filters,)
        y = _col2im(x.reshape(1, -1, x.shape[-1]), kernel, 1, batch, in_spatial, padded,
                    self.strides, self.dilation)
        y = np.ascontiguousarray(_crop(y, self.starts, self.out_spatial))
        if bias is not None:
            y += bias
        return y

    def backward(self, gy):
        x, kernel = self.inputs[0].data, self.inputs[1].data
        kernel_size, in_spatial = kernel.shape[:-2], x.shape[1:-1]
        padded = self._padded(in_spatial, kernel_size)
        pads = [(start, p - start - o) for start, p, o in zip(self.starts, padded,
                                                              self.out_spatial)]
        cols = _im2col(pad_spatial(gy, pads), kernel_size, self.strides, self.dilation, 1,
                       out_spatial=in_spatial)[0]  # (rows, prod(kernel) * filters)
        matrix = kernel.reshape(-1, kernel.shape[-1])
        needs = self.needs_grad
        gx = gk = gb = None
        if needs[0]:
            gx = (cols @ matrix).reshape(x.shape)
        if needs[1]:
            gk = (cols.T @ x.reshape(-1, x.shape[-1])).reshape(kernel.shape)
        if len(needs) == 3 and needs[2]:
            gb = _column_sums(gy.reshape(-1, gy.shape[-1]))
        return (gx, gk, gb) if len(needs) == 3 else (gx, gk)


# -- argument checks ---------------------------------------------------------------------


def standardize_ints(value, n, name, where, minimum=1):
    """An int or a sequence of n ints as a tuple, each at least `minimum`; errors start with
    `where` (an op's or a layer's name)."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != n or not all(isinstance(v, (int, np.integer))
                                   and not isinstance(v, bool) for v in values):
        raise ValueError(f"{where}: `{name}` must be an int or a tuple of {n} ints for a "
                         f"{n}-D convolution, received {name}={value!r}.")
    if any(v < minimum for v in values):
        raise ValueError(f"{where}: every value of `{name}` must be at least {minimum}, "
                         f"received {name}={value!r}.")
    return tuple(int(v) for v in values)


def standardize_padding(padding, where, allowed=("valid", "same", "causal")):
    """The padding mode in lower case, one of `allowed`."""
    value = str(padding).lower()
    if value not in allowed:
        raise ValueError(f"{where}: `padding` must be one of {', '.join(map(repr, allowed))}, "
                         f"received padding={padding!r}.")
    return value


def conv_padding(spatial, kernel_size, strides, dilation, padding):
    """The (before, after) padding of each spatial axis for 'valid', 'same' (TensorFlow's
    split: the odd one after) or 'causal' (everything before)."""
    if padding == "same":
        return [same_padding(n, k, s, d) for n, k, s, d in
                zip(spatial, kernel_size, strides, dilation)]
    if padding == "causal":
        return [((k - 1) * d, 0) for k, d in zip(kernel_size, dilation)]
    return [(0, 0)] * len(kernel_size)


def conv_transpose_geometry(length, kernel, stride, dilation, padding, output_padding=None):
    """(output length, where the output starts in the full transposed result) of one axis,
    as Keras's `compute_conv_transpose_output_shape` sizes it and its backends place it."""
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        size = None if length is None else (length - 1) * stride + span + extra
        return size, 0
    if output_padding is None:
        size = None if length is None else length * stride
        total = stride + span - 2
    else:
        size = None if length is None else (length - 1) * stride + span % 2 + output_padding
        total = span + span % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, span - 1)  # JAX's left padding of the dilated input
    return size, span - 1 - before


def _to_last(x, data_format):
    if data_format == "channels_first":
        return shape_ops.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
    return x


def _to_first(y, data_format):
    if data_format == "channels_first":
        return shape_ops.transpose(y, (0, y.ndim - 1) + tuple(range(1, y.ndim - 1)))
    return y


def _check_operands(x, kernel, op, min_rank=1):
    if kernel.ndim < min_rank + 2 or x.ndim != kernel.ndim:
        raise ValueError(
            f"{op}: the input must have one batch axis, {kernel.ndim - 2} spatial axes and a "
            f"channels axis to match a kernel of shape {kernel.shape}, received an input of "
            f"shape {x.shape}."
        )
    if kernel.ndim > 5:
        raise ValueError(f"{op}: only 1-D, 2-D and 3-D convolutions are supported, received a "
                         f"kernel of shape {kernel.shape}.")


def _check_bias(bias, size, op):
    if bias is None:
        return None
    bias = as_tensor(bias)
    if bias.shape != (size,):
        raise ValueError(f"{op}: the bias must have shape ({size},), one value per output "
                         f"channel, received shape {bias.shape}.")
    return bias


def conv_output_spatial(spatial, kernel_size, strides, dilation, padding, where):
    """The output size of each spatial axis (None where unknown); a ValueError starting with
    `where` when the kernel does not fit in an axis."""
    sizes = []
    for axis, (n, k, s, d) in enumerate(zip(spatial, kernel_size, strides, dilation)):
        size = output_length(n, k, s, d, "same" if padding == "causal" else padding)
        if size is not None and size < 1:
            raise ValueError(
                f"{where}: the kernel ({k} wide with dilation {d}, so it spans {(k - 1) * d + 1}"
                f" steps) is larger than spatial axis {axis} of the input, of size {n} with "
                f"padding '{padding}'. Use a smaller kernel_size or dilation_rate, "
                f"padding='same', or a larger input."
            )
        sizes.append(size)
    return tuple(sizes)


def conv_transpose_output_spatial(spatial, kernel_size, strides, dilation, padding,
                                  output_padding, where):
    """(sizes, starts) of a transposed convolution's spatial axes (sizes None where unknown);
    a ValueError starting with `where` when a size would not be positive."""
    extra = output_padding or (None,) * len(kernel_size)
    geometry = [conv_transpose_geometry(n, k, s, d, padding, e) for n, k, s, d, e in
                zip(spatial, kernel_size, strides, dilation, extra)]
    sizes = tuple(size for size, _ in geometry)
    if any(size is not None and size < 1 for size in sizes):
        raise ValueError(f"{where}: the output would have spatial shape {sizes} for input "
                         f"spatial shape {tuple(spatial)}; every size must be positive. Use a "
                         f"larger output_padding or input.")
    return sizes, tuple(start for _, start in geometry)


# -- the ops ---------------------------------------------------------------------------------


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1,
         bias=None, activation=None):
    """N-D convolution (cross-correlation, as Keras computes it) of `inputs` with `kernel`.

    The kernel has shape (*kernel_size, in_channels / groups, filters); the number of groups
    is in_channels divided by the kernel's second-to-last axis, as in Keras. `bias` (one value
    per filter) and `activation` (None, 'relu' or 'tanh') are fused into the op.

    Args:
        inputs: (batch, *spatial, channels), or (batch, channels, *spatial) for
            data_format='channels_first'.
        kernel: (*kernel_size, in_channels / groups, filters).
        strides, dilation_rate: an int or one int per spatial axis.
        padding: 'valid', 'same' (TensorFlow's split: the odd one after) or 'causal'.
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).

    >>> conv(np.ones((1, 5, 5, 1), "float32"), np.ones((3, 3, 1, 2), "float32")).shape
    (1, 3, 3, 2)
    """
    x, kernel = as_tensor(inputs), as_tensor(kernel)
    _check_operands(x, kernel, "conv")
    n = kernel.ndim - 2
    data_format = standardize_data_format(data_format, "conv")
    strides = standardize_ints(strides, n, "strides", "conv")
    dilation = standardize_ints(dilation_rate, n, "dilation_rate", "conv")
    padding = standardize_padding(padding, "conv")
    if activation not in FUSED_ACTIVATIONS:
        raise ValueError(f"conv: activation must be one of {FUSED_ACTIVATIONS}, received "
                         f"{activation!r}; apply other activations as separate ops.")
    x = _to_last(x, data_format)
    channels, per_group, filters = x.shape[-1], kernel.shape[-2], kernel.shape[-1]
    if per_group < 1 or channels % per_group or filters % (channels // per_group):
        raise ValueError(
            f"conv: the input has {channels} channels and the kernel of shape {kernel.shape} "
            f"takes {per_group} per group: the channels must be a multiple of {per_group}, "
            f"and its {filters} filters a multiple of the number of groups."
        )
    bias = _check_bias(bias, filters, "conv")
    pads = conv_padding(x.shape[1:-1], kernel.shape[:-2], strides, dilation, padding)
    conv_output_spatial(x.shape[1:-1], kernel.shape[:-2], strides, dilation, padding, "conv")
    op = Conv(pads, strides, dilation, channels // per_group, activation)
    y = op(x, kernel) if bias is None else op(x, kernel, bias)
    return _to_first(y, data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1, bias=None):
    """N-D transposed convolution (the gradient of `conv` with respect to its input), with
    Keras's output sizes.

    Args:
        inputs: (batch, *spatial, in_channels), or channels first.
        kernel: (*kernel_size, filters, in_channels).
        strides, dilation_rate: an int or one int per spatial axis.
        padding: 'valid' or 'same'.
        output_padding: None, or an int or one int per axis (each less than its stride) added
            to the output size.
        data_format: 'channels_last' or 'channels_first' (default: image_data_format()).

    >>> conv_transpose(np.ones((1, 3, 3, 1), "float32"), np.ones((2, 2, 4, 1), "float32"),
    ...                strides=2).shape
    (1, 6, 6, 4)
    """
    x, kernel = as_tensor(inputs), as_tensor(kernel)
    op = "conv_transpose"
    _check_operands(x, kernel, op)
    n = kernel.ndim - 2
    data_format = standardize_data_format(data_format, op)
    strides = standardize_ints(strides, n, "strides", op)
    dilation = standardize_ints(dilation_rate, n, "dilation_rate", op)
    padding = standardize_padding(padding, op, ("valid", "same"))
    if output_padding is not None:
        output_padding = standardize_ints(output_padding, n, "output_padding", op, minimum=0)
        if any(e >= s for e, s in zip(output_padding, strides)):
            raise ValueError(f"{op}: each value of `output_padding` must be less than its "
                             f"stride, received output_padding={output_padding}, "
                             f"strides={strides}.")
    x = _to_last(x, data_format)
    if x.shape[-1] != kernel.shape[-1]:
        raise ValueError(f"{op}: the input has {x.shape[-1]} channels but the kernel of shape "
                         f"{kernel.shape} expects {kernel.shape[-1]} (its last axis).")
    bias = _check_bias(bias, kernel.shape[-2], op)
    sizes, starts = conv_transpose_output_spatial(x.shape[1:-1], kernel.shape[:-2], strides,
                                                  dilation, padding, output_padding, op)
    fn = ConvTranspose(sizes, starts, strides, dilation)
    y = fn(x, kernel) if bias is None else fn(x, kernel, bias)
    return _to_first(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1, bias=None, activation=None):
    """Depthwise N-D convolution: each input channel convolved with its own
    `depth_multiplier` filters; output channel c * depth_multiplier + m comes from channel c.

    Args:
        inputs: (batch, *spatial, channels), or channels first.
        kernel: (*kernel_size, channels, depth_multiplier).
        strides, padding, data_format, dilation_rate, bias, activation: as for `conv`.

    >>> depthwise_conv(np.ones((1, 4, 4, 3), "float32"), np.ones((3, 3, 3, 2), "float32")).shape
    (1, 2, 2, 6)
    """
    x, kernel = as_tensor(inputs), as_tensor(kernel)
    _check_operands(x, kernel, "depthwise_conv")
    first = standardize_data_format(data_format, "depthwise_conv") == "channels_first"
    channels = x.shape[1] if first else x.shape[-1]
    if kernel.shape[-2] != channels:
        raise ValueError(f"depthwise_conv: the input has {channels} channels but the kernel of "
                         f"shape {kernel.shape} expects {kernel.shape[-2]} (its second-to-last "
                         f"axis).")
    # A grouped convolution with one group per channel: (*k, 1, channels * multiplier).
    grouped = shape_ops.reshape(kernel, kernel.shape[:-2] + (1, -1))
    return conv(x, grouped, strides, padding, data_format, dilation_rate, bias, activation)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1, bias=None):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution mixing channels.

    Args:
        inputs: (batch, *spatial, channels), or channels first.
        depthwise_kernel: (*kernel_size, channels, depth_multiplier).
        pointwise_kernel: (1, ..., 1, channels * depth_multiplier, filters).
        strides, padding, data_format, dilation_rate: of the depthwise convolution.
        bias: optional, one value per filter.

    >>> separable_conv(np.ones((1, 4, 4, 3), "float32"), np.ones((3, 3, 3, 2), "float32"),
    ...                np.ones((1, 1, 6, 5), "float32")).shape
    (1, 2, 2, 5)
    """
    pointwise = as_tensor(pointwise_kernel)
    data_format = standardize_data_format(data_format, "separable_conv")
    depthwise = as_tensor(depthwise_kernel)
    expected = (1,) * (depthwise.ndim - 2) + (depthwise.shape[-2] * depthwise.shape[-1],)
    if pointwise.ndim != depthwise.ndim or pointwise.shape[:-1] != expected:
        raise ValueError(f"separable_conv: the pointwise kernel must have shape "
                         f"{expected + ('filters',)} to follow a depthwise kernel of shape "
                         f"{depthwise.shape}, received shape {pointwise.shape}.")
    x = _to_last(as_tensor(inputs), data_format)
    y = depthwise_conv(x, depthwise, strides, padding, "channels_last", dilation_rate)
    # The 1x1 convolution is a dense layer over the channels axis.
    y = dense(y, shape_ops.reshape(pointwise, pointwise.shape[-2:]), bias)
    return _to_first(y, data_format)
