"""Shape ops (backend/ops/shape.py): values against numpy, gradients, dtypes and bad input.

Every op gets three checks from one table of cases: the value equals the numpy expression
exactly (these ops only move values around), backpropagation agrees with central differences
(`check_grad`, float64), and float32 / float64 inputs give outputs and gradients of the same
dtype.
"""

import re
from typing import Callable, NamedTuple

import numpy as np
import pytest

from minikeras.backend import Tensor, ops
from minikeras.testing import check_grad


class Case(NamedTuple):
    fn: Callable        # the op under test, applied to Tensors
    ref: Callable       # the same computation in numpy, applied to arrays
    shapes: tuple       # shapes of the random float inputs
    const: tuple = ()   # positions of inputs passed as plain ndarrays (no gradient)


# Fixed index arrays and masks used by the cases below.
REPEATED = np.array([2, 0, 2, 2])
MASK = np.array([[True, False, True, False],
                 [False, False, True, True],
                 [True, True, False, False]])


def _cat(axis, *shapes):
    return Case(lambda *xs: ops.concatenate(xs, axis=axis),
                lambda *xs: np.concatenate(xs, axis=axis), shapes)


CASES = {
    # reshape, and Tensor.reshape in its three spellings
    "reshape": Case(lambda x: ops.reshape(x, (3, 4)), lambda x: x.reshape(3, 4), [(2, 6)]),
    "reshape_infer": Case(lambda x: ops.reshape(x, (-1, 2)), lambda x: x.reshape(-1, 2),
                          [(2, 3, 2)]),
    "reshape_flat_int": Case(lambda x: ops.reshape(x, -1), lambda x: x.reshape(-1), [(2, 3)]),
    "reshape_to_scalar": Case(lambda x: ops.reshape(x, ()), lambda x: x.reshape(()), [(1, 1)]),
    "method_reshape_args": Case(lambda x: x.reshape(3, -1), lambda x: x.reshape(3, -1),
                                [(2, 3, 2)]),
    "method_reshape_tuple": Case(lambda x: x.reshape((4, 3)), lambda x: x.reshape((4, 3)),
                                 [(2, 6)]),
    "method_reshape_flat": Case(lambda x: x.reshape(-1), lambda x: x.reshape(-1), [(2, 3)]),
    # transpose, .T and Tensor.transpose
    "transpose_none": Case(lambda x: ops.transpose(x), np.transpose, [(2, 3, 4)]),
    "transpose_axes": Case(lambda x: ops.transpose(x, (1, 2, 0)),
                           lambda x: np.transpose(x, (1, 2, 0)), [(2, 3, 4)]),
    "transpose_negative_axes": Case(lambda x: ops.transpose(x, (-1, 0, -2)),
                                    lambda x: np.transpose(x, (-1, 0, -2)), [(2, 3, 4)]),
    "method_T": Case(lambda x: x.T, lambda x: x.T, [(2, 3)]),
    "method_T_3d": Case(lambda x: x.T, lambda x: x.T, [(2, 3, 4)]),
    "method_transpose_none": Case(lambda x: x.transpose(), lambda x: x.transpose(),
                                  [(2, 3, 4)]),
    "method_transpose_args": Case(lambda x: x.transpose(2, 0, 1),
                                  lambda x: x.transpose(2, 0, 1), [(2, 3, 4)]),
    "method_transpose_tuple": Case(lambda x: x.transpose((1, 0, 2)),
                                   lambda x: x.transpose((1, 0, 2)), [(2, 3, 4)]),
    # expand_dims / squeeze / broadcast_to
    "expand_dims_0": Case(lambda x: ops.expand_dims(x, 0), lambda x: np.expand_dims(x, 0),
                          [(2, 3)]),
    "expand_dims_middle": Case(lambda x: ops.expand_dims(x, 1),
                               lambda x: np.expand_dims(x, 1), [(2, 3)]),
    "expand_dims_last": Case(lambda x: ops.expand_dims(x, 2), lambda x: np.expand_dims(x, 2),
                             [(2, 3)]),
    "expand_dims_negative": Case(lambda x: ops.expand_dims(x, -1),
                                 lambda x: np.expand_dims(x, -1), [(2, 3)]),
    "expand_dims_most_negative": Case(lambda x: ops.expand_dims(x, -3),
                                      lambda x: np.expand_dims(x, -3), [(2, 3)]),
    "squeeze_all": Case(lambda x: ops.squeeze(x), np.squeeze, [(1, 3, 1, 2)]),
    "squeeze_axis": Case(lambda x: ops.squeeze(x, 2), lambda x: np.squeeze(x, 2),
                         [(1, 3, 1, 2)]),
    "squeeze_negative_axis": Case(lambda x: ops.squeeze(x, -1), lambda x: np.squeeze(x, -1),
                                  [(2, 3, 1)]),
    "squeeze_axes_tuple": Case(lambda x: ops.squeeze(x, (0, 2)),
                               lambda x: np.squeeze(x, (0, 2)), [(1, 3, 1, 2)]),
    "broadcast_to_leading": Case(lambda x: ops.broadcast_to(x, (2, 3, 4)),
                                 lambda x: np.broadcast_to(x, (2, 3, 4)), [(3, 1)]),
    "broadcast_to_vector": Case(lambda x: ops.broadcast_to(x, (3, 4)),
                                lambda x: np.broadcast_to(x, (3, 4)), [(4,)]),
    "broadcast_to_from_scalar": Case(lambda x: ops.broadcast_to(x, (2, 2)),
                                     lambda x: np.broadcast_to(x, (2, 2)), [()]),
    # joining and splitting
    "concatenate_axis0": _cat(0, (1, 3), (2, 3), (3, 3)),
    "concatenate_axis1": _cat(1, (2, 1), (2, 3), (2, 2)),
    "concatenate_axis_negative": _cat(-1, (2, 2, 1), (2, 2, 3)),
    "concatenate_middle_axis": _cat(1, (2, 1, 2), (2, 3, 2)),
    "concatenate_ndarray_input": Case(lambda x, c: ops.concatenate([c, x], axis=0),
                                      lambda x, c: np.concatenate([c, x], axis=0),
                                      [(2, 3), (1, 3)], const=(1,)),
    "stack_axis0": Case(lambda *xs: ops.stack(xs), lambda *xs: np.stack(xs),
                        [(2, 3)] * 3),
    "stack_axis1": Case(lambda *xs: ops.stack(xs, axis=1), lambda *xs: np.stack(xs, axis=1),
                        [(2, 3)] * 3),
    "stack_axis_negative": Case(lambda *xs: ops.stack(xs, axis=-1),
                                lambda *xs: np.stack(xs, axis=-1), [(2, 3)] * 2),
    "split_sections_one_part": Case(lambda x: ops.split(x, 3, axis=1)[1],
                                    lambda x: np.split(x, 3, axis=1)[1], [(2, 6)]),
    "split_indices_one_part": Case(lambda x: ops.split(x, [1, 3])[2],
                                   lambda x: np.split(x, [1, 3])[2], [(4, 2)]),
    "split_all_parts_reordered": Case(
        lambda x: ops.concatenate(ops.split(x, [1, 4], axis=-1)[::-1], axis=-1),
        lambda x: np.concatenate(np.split(x, [1, 4], axis=-1)[::-1], axis=-1), [(2, 5)]),
    # getitem through Tensor.__getitem__
    "getitem_int": Case(lambda x: x[1], lambda x: x[1], [(3, 4)]),
    "getitem_negative_int": Case(lambda x: x[-1, -2], lambda x: x[-1, -2], [(3, 4)]),
    "getitem_scalar_element": Case(lambda x: x[1, 2], lambda x: x[1, 2], [(3, 4)]),
    "getitem_slices_steps": Case(lambda x: x[::2, 1::2], lambda x: x[::2, 1::2], [(3, 4)]),
    "getitem_negative_step": Case(lambda x: x[::-1, -1:0:-2], lambda x: x[::-1, -1:0:-2],
                                  [(3, 4)]),
    "getitem_newaxis": Case(lambda x: x[None, :, None, 1], lambda x: x[None, :, None, 1],
                            [(3, 4)]),
    "getitem_ellipsis": Case(lambda x: x[..., 1], lambda x: x[..., 1], [(2, 3, 4)]),
    "getitem_ellipsis_newaxis": Case(lambda x: x[0, ..., None], lambda x: x[0, ..., None],
                                     [(2, 3, 4)]),
    "getitem_repeated_list": Case(lambda x: x[[0, 0, 2, 0]], lambda x: x[[0, 0, 2, 0]],
                                  [(3, 4)]),
    "getitem_repeated_array_and_int": Case(lambda x: x[REPEATED, 1], lambda x: x[REPEATED, 1],
                                           [(3, 4)]),
    "getitem_repeated_pairs": Case(lambda x: x[[1, 1, 0], [3, 3, 3]],
                                   lambda x: x[[1, 1, 0], [3, 3, 3]], [(3, 4)]),
    "getitem_repeated_after_slice": Case(lambda x: x[:, REPEATED], lambda x: x[:, REPEATED],
                                         [(2, 3)]),
    "getitem_repeated_with_ellipsis": Case(lambda x: x[..., REPEATED],
                                           lambda x: x[..., REPEATED], [(2, 2, 3)]),
    "getitem_repeated_with_newaxis": Case(lambda x: x[None, REPEATED],
                                          lambda x: x[None, REPEATED], [(3, 2)]),
    "getitem_repeated_2d_index": Case(lambda x: x[np.array([[0, 2], [2, 2]])],
                                      lambda x: x[np.array([[0, 2], [2, 2]])], [(3, 2)]),
    "getitem_bool_mask": Case(lambda x: x[MASK], lambda x: x[MASK], [(3, 4)]),
    "getitem_bool_rows": Case(lambda x: x[np.array([True, False, True])],
                              lambda x: x[np.array([True, False, True])], [(3, 4)]),
    "getitem_bool_after_slice": Case(lambda x: x[1:, [True, False, False, True]],
                                     lambda x: x[1:, [True, False, False, True]], [(3, 4)]),
    "getitem_tensor_index": Case(lambda x: x[Tensor(REPEATED)], lambda x: x[REPEATED],
                                 [(3, 2)]),
    "getitem_tensor_mask": Case(lambda x: x[Tensor(MASK)], lambda x: x[MASK], [(3, 4)]),
    "getitem_tensor_in_tuple": Case(lambda x: x[1:, Tensor(np.array([3, 0, 3]))],
                                    lambda x: x[1:, np.array([3, 0, 3])], [(3, 4)]),
    "getitem_empty_list": Case(lambda x: x[[]], lambda x: x[[]], [(2, 3)]),
    "getitem_function": Case(lambda x: ops.getitem(x, (slice(None), [1, 1])),
                             lambda x: x[:, [1, 1]], [(2, 3)]),
    # take
    "take_flat_repeated": Case(lambda x: ops.take(x, [5, 0, 5, 5, -1]),
                               lambda x: np.take(x, [5, 0, 5, 5, -1]), [(2, 3)]),
    "take_flat_scalar_index": Case(lambda x: ops.take(x, 4), lambda x: np.take(x, 4), [(2, 3)]),
    "take_axis0": Case(lambda x: ops.take(x, REPEATED, axis=0),
                       lambda x: np.take(x, REPEATED, axis=0), [(3, 2)]),
    "take_axis1_2d_indices": Case(lambda x: ops.take(x, [[0, 2], [2, 2], [1, 0]], axis=1),
                                  lambda x: np.take(x, [[0, 2], [2, 2], [1, 0]], axis=1),
                                  [(2, 3, 2)]),
    "take_axis_negative": Case(lambda x: ops.take(x, [1, -1, 1], axis=-1),
                               lambda x: np.take(x, [1, -1, 1], axis=-1), [(2, 3)]),
    "take_empty": Case(lambda x: ops.take(x, [], axis=1), lambda x: np.take(x, [], axis=1),
                       [(2, 3)]),
    "take_tensor_indices": Case(lambda x: ops.take(x, Tensor(REPEATED), axis=1),
                                lambda x: np.take(x, REPEATED, axis=1), [(2, 3)]),
    # pad, tile, repeat
    "pad_pairs": Case(lambda x: ops.pad(x, ((1, 0), (2, 1))),
                      lambda x: np.pad(x, ((1, 0), (2, 1))), [(2, 3)]),
    "pad_int": Case(lambda x: ops.pad(x, 1), lambda x: np.pad(x, 1), [(2, 3)]),
    "pad_one_pair_all_axes": Case(lambda x: ops.pad(x, (0, 2)), lambda x: np.pad(x, (0, 2)),
                                  [(2, 3)]),
    "pad_constant": Case(lambda x: ops.pad(x, ((0, 1), (1, 0), (0, 0)), constant_values=0.5),
                         lambda x: np.pad(x, ((0, 1), (1, 0), (0, 0)), constant_values=0.5),
                         [(2, 1, 2)]),
    "tile_int": Case(lambda x: ops.tile(x, 3), lambda x: np.tile(x, 3), [(2, 2)]),
    "tile_per_axis": Case(lambda x: ops.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)),
                          [(2, 2)]),
    "tile_more_reps_than_axes": Case(lambda x: ops.tile(x, (2, 1, 2)),
                                     lambda x: np.tile(x, (2, 1, 2)), [(2, 3)]),
    "tile_fewer_reps_than_axes": Case(lambda x: ops.tile(x, (2,)), lambda x: np.tile(x, (2,)),
                                      [(2, 1, 3)]),
    "repeat_int_flat": Case(lambda x: ops.repeat(x, 2), lambda x: np.repeat(x, 2), [(2, 3)]),
    "repeat_int_axis": Case(lambda x: ops.repeat(x, 3, axis=1),
                            lambda x: np.repeat(x, 3, axis=1), [(2, 2, 2)]),
    "repeat_int_negative_axis": Case(lambda x: ops.repeat(x, 2, axis=-1),
                                     lambda x: np.repeat(x, 2, axis=-1), [(2, 3)]),
    "repeat_counts_axis": Case(lambda x: ops.repeat(x, [2, 0, 1], axis=1),
                               lambda x: np.repeat(x, [2, 0, 1], axis=1), [(2, 3, 2)]),
    "repeat_counts_axis0": Case(lambda x: ops.repeat(x, [0, 3], axis=0),
                                lambda x: np.repeat(x, [0, 3], axis=0), [(2, 3)]),
    "repeat_counts_flat": Case(lambda x: ops.repeat(x, [1, 0, 2, 1, 0, 3]),
                               lambda x: np.repeat(x, [1, 0, 2, 1, 0, 3]), [(2, 3)]),
    # a tensor (leaf or intermediate) used more than once: gradients add up
    "concatenate_same_tensor": Case(lambda x: ops.concatenate([x, x, x], axis=1),
                                    lambda x: np.concatenate([x, x, x], axis=1), [(2, 3)]),
    "stack_same_intermediate": Case(lambda x: (lambda y: ops.stack([y, y.T]))(x.reshape(3, 3)),
                                    lambda x: (lambda y: np.stack([y, y.T]))(x.reshape(3, 3)),
                                    [(9,)]),
    "getitem_overlapping_slices": Case(lambda x: ops.concatenate([x[1:], x[:-1], x[::2]]),
                                       lambda x: np.concatenate([x[1:], x[:-1], x[::2]]),
                                       [(5,)]),
}


def _arrays(case, dtype=np.float64):
    rng = np.random.default_rng(1234)
    return [rng.standard_normal(shape).astype(dtype) for shape in case.shapes]


def _args(case, arrays, requires_grad=False):
    return [a if i in case.const else Tensor(a, requires_grad=requires_grad)
            for i, a in enumerate(arrays)]


@pytest.mark.parametrize("name", CASES)
def test_value_matches_numpy(name):
    case = CASES[name]
    arrays = _arrays(case)
    out = case.fn(*_args(case, arrays))
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(out.numpy(), case.ref(*arrays), strict=True)


@pytest.mark.parametrize("name", CASES)
def test_gradient_matches_numerical(name):
    case = CASES[name]
    arrays = _arrays(case)
    wrt = [i for i in range(len(arrays)) if i not in case.const]
    check_grad(case.fn, *arrays, wrt=wrt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", CASES)
def test_dtype_is_kept_forward_and_backward(name, dtype):
    case = CASES[name]
    args = _args(case, _arrays(case, dtype), requires_grad=True)
    out = case.fn(*args)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype))
    for x in args:
        if isinstance(x, Tensor):
            assert x.grad is not None and x.grad.dtype == dtype and x.grad.shape == x.shape


# -- explicit gradients -------------------------------------------------------------------


def test_concatenate_gives_each_input_its_slice_of_the_gradient():
    a, b, c = (Tensor(np.zeros((2, n)), requires_grad=True) for n in (1, 3, 2))
    seed = np.arange(12.0).reshape(2, 6)
    ops.concatenate([a, b, c], axis=1).backward(seed)
    np.testing.assert_array_equal(a.grad, seed[:, :1])
    np.testing.assert_array_equal(b.grad, seed[:, 1:4])
    np.testing.assert_array_equal(c.grad, seed[:, 4:])


def test_concatenate_same_tensor_twice_adds_both_gradients():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    seed = np.arange(12.0).reshape(4, 3)
    ops.concatenate([x, x]).backward(seed)
    np.testing.assert_array_equal(x.grad, seed[:2] + seed[2:])


def test_concatenate_only_some_inputs_require_grad():
    x = Tensor(np.zeros((1, 2)), requires_grad=True)
    c = Tensor(np.ones((2, 2)))
    ops.concatenate([c, x]).backward(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(x.grad, [[4.0, 5.0]])
    assert c.grad is None


def test_stack_gives_each_input_its_slice_of_the_gradient():
    a, b = Tensor(np.zeros(3), requires_grad=True), Tensor(np.zeros(3), requires_grad=True)
    seed = np.arange(6.0).reshape(3, 2)
    ops.stack([a, b], axis=1).backward(seed)
    np.testing.assert_array_equal(a.grad, seed[:, 0])
    np.testing.assert_array_equal(b.grad, seed[:, 1])


def test_getitem_repeated_indices_accumulate():
    x = Tensor(np.zeros(4), requires_grad=True)
    x[[0, 2, 0, 0, 3]].backward(np.array([1.0, 10.0, 100.0, 1000.0, 5.0]))
    np.testing.assert_array_equal(x.grad, [1101.0, 0.0, 10.0, 5.0])


def test_getitem_repeated_index_pairs_accumulate():
    x = Tensor(np.zeros((2, 2)), requires_grad=True)
    x[[1, 1, 0], [0, 0, 1]].backward(np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(x.grad, [[0.0, 4.0], [3.0, 0.0]])


def test_getitem_bool_mask_gradient_lands_on_selected_elements():
    x = Tensor(np.zeros((3, 4)), requires_grad=True)
    x[MASK].backward(np.arange(1.0, MASK.sum() + 1))
    expected = np.zeros((3, 4))
    expected[MASK] = np.arange(1.0, MASK.sum() + 1)
    np.testing.assert_array_equal(x.grad, expected)


def test_take_repeated_indices_accumulate():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    ops.take(x, [2, 2, -1, 0], axis=1).backward(np.ones((2, 4)))
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0, 3.0], [1.0, 0.0, 3.0]])


def test_repeat_zero_count_gets_zero_gradient():
    x = Tensor(np.zeros(3), requires_grad=True)
    ops.repeat(x, [2, 0, 3]).backward(np.arange(1.0, 6.0))
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 12.0])


def test_split_values_match_numpy():
    x = np.arange(24.0).reshape(2, 12)
    for spec in (3, [2, 5, 11], [0, 12]):
        parts = ops.split(Tensor(x), spec, axis=1)
        expected = np.split(x, spec, axis=1)
        assert isinstance(parts, list) and len(parts) == len(expected)
        for part, ref in zip(parts, expected):
            np.testing.assert_array_equal(part.numpy(), ref, strict=True)


def test_split_one_section_returns_the_input():
    x = Tensor(np.ones((2, 3)))
    assert ops.split(x, 1, axis=1) == [x]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_gradient_when_only_one_live_part_is_used(dtype):
    x = Tensor(np.zeros((3, 2), dtype), requires_grad=True)
    first, middle, last = ops.split(x, 3)  # all three parts stay alive
    middle.backward(np.array([[5.0, 6.0]], dtype))
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [5.0, 6.0], [0.0, 0.0]])
    assert x.grad.dtype == dtype


def test_split_parts_used_twice_add_up():
    x = Tensor(np.zeros(4), requires_grad=True)
    a, b = ops.split(x, 2)
    ops.concatenate([b, a, b]).backward(np.arange(1.0, 7.0))
    np.testing.assert_array_equal(x.grad, [3.0, 4.0, 1.0 + 5.0, 2.0 + 6.0])


def test_reshape_to_the_same_shape_is_still_differentiable():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    ops.reshape(x, (2, 3)).backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


def test_ops_accept_plain_arrays_and_record_nothing():
    out = ops.transpose(np.arange(6.0).reshape(2, 3))
    assert isinstance(out, Tensor) and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), np.arange(6.0).reshape(2, 3).T)


def test_integer_tensors_keep_their_dtype():
    x = Tensor(np.arange(6).reshape(2, 3))
    assert ops.reshape(x, (3, 2)).dtype == x.dtype
    assert ops.concatenate([x, x]).dtype == x.dtype
    assert x[[0, 0]].dtype == x.dtype


# -- bad input ----------------------------------------------------------------------------


def _shapes(*shapes):
    return ".*".join(re.escape(str(s)) for s in shapes)


X23 = np.zeros((2, 3))

VALUE_ERRORS = {
    "reshape_wrong_size": (lambda: ops.reshape(X23, (4, 2)), "reshape.*" + _shapes((2, 3), (4, 2))),
    "reshape_infer_not_dividing": (lambda: ops.reshape(X23, (4, -1)),
                                   "reshape.*" + _shapes((2, 3), (4, -1))),
    "reshape_two_unknowns": (lambda: ops.reshape(X23, (-1, -1)),
                             "reshape.*" + _shapes((2, 3), (-1, -1))),
    "method_reshape_wrong_size": (lambda: Tensor(X23).reshape(5),
                                  "reshape.*" + _shapes((2, 3), (5,))),
    "transpose_repeated_axis": (lambda: ops.transpose(X23, (0, 0)), "transpose"),
    "transpose_too_few_axes": (lambda: ops.transpose(X23, (0,)), "transpose"),
    "transpose_too_many_axes": (lambda: ops.transpose(X23, (0, 1, 2)), "transpose"),
    "transpose_axis_out_of_range": (lambda: ops.transpose(X23, (0, 3)), "transpose"),
    "transpose_negative_out_of_range": (lambda: ops.transpose(X23, (-3, 0)), "transpose"),
    "expand_dims_out_of_range": (lambda: ops.expand_dims(X23, 3), "expand_dims.*3"),
    "expand_dims_negative_out_of_range": (lambda: ops.expand_dims(X23, -4), "expand_dims.*-4"),
    "squeeze_non_1_axis": (lambda: ops.squeeze(np.zeros((2, 1, 3)), 2),
                           "squeeze.*axis 2.*" + _shapes((2, 1, 3))),
    "squeeze_axis_out_of_range": (lambda: ops.squeeze(np.zeros((2, 1)), 2), "squeeze"),
    "broadcast_to_incompatible": (lambda: ops.broadcast_to(np.zeros(3), (2, 4)),
                                  "broadcast_to.*" + _shapes((3,), (2, 4))),
    "broadcast_to_fewer_dims": (lambda: ops.broadcast_to(X23, (3,)),
                                "broadcast_to.*" + _shapes((2, 3), (3,))),
    "concatenate_mismatch": (lambda: ops.concatenate([X23, np.zeros((3, 3))], axis=1),
                             "concatenate.*" + _shapes((2, 3), (3, 3))),
    "concatenate_ndim_mismatch": (lambda: ops.concatenate([X23, np.zeros(3)]),
                                  "concatenate.*" + _shapes((2, 3), (3,))),
    "concatenate_empty": (lambda: ops.concatenate([]), "concatenate"),
    "concatenate_axis_out_of_range": (lambda: ops.concatenate([X23, X23], axis=2),
                                      "concatenate"),
    "stack_mismatch": (lambda: ops.stack([X23, X23, np.zeros((2, 4))]),
                       "stack.*" + _shapes((2, 3), (2, 4))),
    "stack_axis_out_of_range": (lambda: ops.stack([X23, X23], axis=3), "stack"),
    "split_not_dividing": (lambda: ops.split(np.zeros((2, 5)), 2, axis=1), "split.*5.*2"),
    "split_zero_sections": (lambda: ops.split(X23, 0), "split"),
    "split_unsorted_indices": (lambda: ops.split(np.zeros(6), [4, 2]), "split"),
    "split_index_beyond_length": (lambda: ops.split(np.zeros(6), [2, 7]), "split"),
    "take_axis_out_of_range": (lambda: ops.take(X23, [0], axis=2), "take"),
    "pad_negative": (lambda: ops.pad(X23, -1), "pad"),
    "pad_mode": (lambda: ops.pad(X23, 1, mode="reflect"), "pad.*reflect"),
    "tile_negative": (lambda: ops.tile(X23, (-1, 1)), "tile"),
    "repeat_wrong_count_length": (lambda: ops.repeat(X23, [1, 2], axis=1), "repeat.*3"),
    "repeat_negative": (lambda: ops.repeat(X23, -1), "repeat"),
}


@pytest.mark.parametrize("name", VALUE_ERRORS)
def test_bad_input_raises_value_error(name):
    fn, pattern = VALUE_ERRORS[name]
    with pytest.raises(ValueError, match=pattern):
        fn()


INDEX_ERRORS = {
    "getitem_int": lambda x: x[2],
    "getitem_negative_int": lambda x: x[-3],
    "getitem_second_axis": lambda x: x[0, 3],
    "getitem_array": lambda x: x[[0, 2]],
    "getitem_negative_array": lambda x: x[:, [0, -4]],
    "getitem_too_many_indices": lambda x: x[0, 0, 0],
    "getitem_mask_shape": lambda x: x[np.array([True, False, True])],
    "take_flat": lambda x: ops.take(x, [0, 6]),
    "take_flat_negative": lambda x: ops.take(x, [-7]),
    "take_axis": lambda x: ops.take(x, [3], axis=1),
    "take_axis_negative": lambda x: ops.take(x, [-3], axis=0),
}


@pytest.mark.parametrize("name", INDEX_ERRORS)
def test_out_of_range_index_raises_index_error(name):
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    with pytest.raises(IndexError):
        INDEX_ERRORS[name](x)


def test_getitem_error_names_the_shape():
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\)"):
        Tensor(X23)[5]


def test_take_rejects_float_indices():
    with pytest.raises(TypeError, match="take"):
        ops.take(X23, np.array([0.0, 1.0]))
