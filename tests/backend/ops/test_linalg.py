"""Linear algebra ops (backend/ops/linalg.py): matmul, @, dot, tensordot and dense.

Every op gets three checks from one table of cases: the value matches the numpy expression,
backpropagation agrees with central differences (`check_grad`, float64), and float32 / float64
inputs give outputs and gradients of the same dtype. Then: gradients skipped for inputs that
need none, a tensor used twice, and shape errors that name the op and both shapes.
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


def _matmul(*shapes):
    return Case(ops.matmul, np.matmul, shapes)


def _dot(*shapes):
    return Case(ops.dot, np.dot, shapes)


def _tensordot(axes, *shapes):
    return Case(lambda a, b: ops.tensordot(a, b, axes=axes),
                lambda a, b: np.tensordot(a, b, axes=axes), shapes)


def _dense_ref(x, kernel, bias=None):
    y = np.matmul(x, kernel)
    return y if bias is None else y + bias


CASES = {
    # matmul, all of numpy's cases
    "matmul_vector_vector": _matmul((3,), (3,)),
    "matmul_vector_matrix": _matmul((3,), (3, 2)),
    "matmul_matrix_vector": _matmul((2, 3), (3,)),
    "matmul_matrix_matrix": _matmul((2, 3), (3, 4)),
    "matmul_batch_matrix": _matmul((2, 2, 3), (3, 4)),
    "matmul_matrix_batch": _matmul((2, 3), (2, 3, 4)),
    "matmul_batch_batch": _matmul((2, 2, 3), (2, 3, 2)),
    "matmul_broadcast_batch": _matmul((2, 1, 3, 4), (5, 4, 2)),
    "matmul_broadcast_batch_both_ways": _matmul((2, 1, 2, 3), (1, 3, 3, 2)),
    "matmul_vector_batch": _matmul((3,), (2, 3, 4)),
    "matmul_batch_vector": _matmul((2, 4, 3), (3,)),
    # the @ operator
    "operator_tensor_tensor": Case(lambda a, b: a @ b, np.matmul, [(2, 3), (3, 2)]),
    "operator_tensor_ndarray": Case(lambda a, b: a @ b, np.matmul, [(2, 3), (3, 2)],
                                    const=(1,)),
    "operator_ndarray_tensor": Case(lambda a, b: a @ b, np.matmul, [(2, 3), (3, 2)],
                                    const=(0,)),
    "operator_ndarray_tensor_batch": Case(lambda a, b: a @ b, np.matmul,
                                          [(2, 3), (2, 3, 2)], const=(0,)),
    "matmul_x_xT": Case(lambda x: x @ x.T, lambda x: x @ x.T, [(3, 2)]),
    "matmul_xT_x_operator_on_intermediate": Case(
        lambda x: (lambda y: y.T @ y)(x.reshape(2, 3)),
        lambda x: (lambda y: y.T @ y)(x.reshape(2, 3)), [(6,)]),
    # dot, like numpy's dot
    "dot_scalars": _dot((), ()),
    "dot_scalar_matrix": _dot((), (2, 3)),
    "dot_matrix_scalar": _dot((2, 3), ()),
    "dot_vectors": _dot((4,), (4,)),
    "dot_matrix_vector": _dot((2, 4), (4,)),
    "dot_vector_matrix": _dot((4,), (4, 3)),
    "dot_matrices": _dot((2, 4), (4, 3)),
    "dot_3d_vector": _dot((2, 3, 4), (4,)),
    "dot_3d_matrix": _dot((2, 3, 4), (4, 2)),
    "dot_matrix_3d": _dot((2, 3), (2, 3, 4)),
    "dot_vector_3d": _dot((3,), (2, 3, 4)),
    "dot_3d_3d": _dot((2, 3, 4), (2, 4, 2)),
    # tensordot, int axes and explicit (also unsorted and negative) axis pairs
    "tensordot_axes0_outer": _tensordot(0, (2, 3), (2,)),
    "tensordot_axes1": _tensordot(1, (2, 3), (3, 4)),
    "tensordot_axes2": _tensordot(2, (2, 3, 4), (3, 4, 2)),
    "tensordot_full_contraction": _tensordot(2, (2, 3), (2, 3)),
    "tensordot_pair_ints": _tensordot((1, 0), (2, 3), (3, 4)),
    "tensordot_pair_lists": _tensordot(([1], [0]), (2, 3, 2), (3, 4)),
    "tensordot_unsorted_a": _tensordot(([2, 0], [0, 1]), (2, 3, 4), (4, 2, 5)),
    "tensordot_unsorted_b": _tensordot(([0, 2], [2, 0]), (2, 3, 4), (4, 5, 2)),
    "tensordot_both_unsorted": _tensordot(([2, 1], [1, 0]), (2, 3, 4), (3, 4, 2)),
    "tensordot_negative_axes": _tensordot(([-1], [-2]), (2, 3), (3, 2)),
    # dense: 1-D, 2-D and 3-D input, with and without bias
    "dense_vector": Case(ops.dense, _dense_ref, [(3,), (3, 2)]),
    "dense_vector_bias": Case(ops.dense, _dense_ref, [(3,), (3, 2), (2,)]),
    "dense_2d": Case(ops.dense, _dense_ref, [(4, 3), (3, 2)]),
    "dense_2d_bias": Case(ops.dense, _dense_ref, [(4, 3), (3, 2), (2,)]),
    "dense_3d": Case(ops.dense, _dense_ref, [(2, 3, 3), (3, 2)]),
    "dense_3d_bias": Case(ops.dense, _dense_ref, [(2, 3, 3), (3, 2), (2,)]),
    "dense_constant_input": Case(ops.dense, _dense_ref, [(4, 3), (3, 2), (2,)], const=(0,)),
    "dense_constant_kernel": Case(ops.dense, _dense_ref, [(2, 2, 3), (3, 2)], const=(1,)),
    "dense_same_tensor_as_input_and_kernel": Case(lambda x: ops.dense(x, x), lambda x: x @ x,
                                                  [(3, 3)]),
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
    np.testing.assert_allclose(out.numpy(), case.ref(*arrays), rtol=1e-12, atol=1e-12,
                               strict=True)


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_values_are_close_to_float64(dtype):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    out = ops.matmul(Tensor(a.astype(dtype)), Tensor(b.astype(dtype)))
    np.testing.assert_allclose(out.numpy(), a @ b, rtol=1e-5, atol=1e-5)


def test_integer_matmul_stays_integer():
    a, b = np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)
    out = ops.matmul(Tensor(a), Tensor(b))
    assert out.dtype == a.dtype
    np.testing.assert_array_equal(out.numpy(), a @ b)


# -- gradients skipped for inputs that need none -----------------------------------------


def _seeded(shape):
    return np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape) / 7.0


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("x_shape", [(4, 3), (2, 4, 3)])
def test_dense_only_kernel_requires_grad(x_shape, bias):
    x = Tensor(_seeded(x_shape))
    kernel = Tensor(_seeded((3, 2)) - 1.0, requires_grad=True)
    args = (x, kernel) + ((Tensor(np.ones(2)),) if bias else ())
    out = ops.dense(*args)
    seed = _seeded(out.shape) - 0.5
    # The op's backward skips the input (and the constant bias) entirely.
    grads = out.creator.backward(seed)
    assert grads[0] is None
    assert all(g is None for g in grads[2:])
    out.backward(seed)
    assert x.grad is None
    expected = x.numpy().reshape(-1, 3).T @ seed.reshape(-1, 2)
    np.testing.assert_allclose(kernel.grad, expected, rtol=1e-12)


def test_dense_only_input_requires_grad():
    x = Tensor(_seeded((2, 4, 3)), requires_grad=True)
    kernel, bias = Tensor(_seeded((3, 2))), Tensor(np.ones(2))
    out = ops.dense(x, kernel, bias)
    seed = _seeded(out.shape)
    grads = out.creator.backward(seed)
    assert grads[1] is None and grads[2] is None
    out.backward(seed)
    np.testing.assert_allclose(x.grad, seed @ kernel.numpy().T, rtol=1e-12)
    assert kernel.grad is None and bias.grad is None


def test_dense_only_bias_requires_grad():
    x, kernel = Tensor(_seeded((2, 4, 3))), Tensor(_seeded((3, 2)))
    bias = Tensor(np.ones(2), requires_grad=True)
    out = ops.dense(x, kernel, bias)
    seed = _seeded(out.shape)
    out.backward(seed)
    np.testing.assert_allclose(bias.grad, seed.sum(axis=(0, 1)), rtol=1e-12)


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("op, shapes", [
    (ops.matmul, [(2, 1, 3, 4), (5, 4, 2)]),
    (ops.matmul, [(3,), (3, 2)]),
    (lambda a, b: ops.tensordot(a, b, axes=([2, 0], [0, 1])), [(2, 3, 4), (4, 2, 5)]),
])
def test_only_one_operand_requires_grad(op, shapes, which):
    arrays = [_seeded(s) for s in shapes]
    args = [Tensor(a, requires_grad=(i == which)) for i, a in enumerate(arrays)]
    out = op(*args)
    seed = np.cos(_seeded(out.shape))
    grads = out.creator.backward(seed)
    assert grads[1 - which] is None
    out.backward(seed)
    assert args[1 - which].grad is None
    # The gradient that was computed is the one a both-sides backward computes.
    both = [Tensor(a, requires_grad=True) for a in arrays]
    op(*both).backward(seed)
    np.testing.assert_allclose(args[which].grad, both[which].grad, rtol=1e-12)


# -- a tensor used twice: both contributions add up -------------------------------------


def test_x_matmul_x_transpose_adds_both_gradients():
    x = Tensor(_seeded((3, 2)), requires_grad=True)
    seed = np.sin(_seeded((3, 3)))
    (x @ x.T).backward(seed)
    np.testing.assert_allclose(x.grad, (seed + seed.T) @ x.numpy(), rtol=1e-12)


def test_matmul_same_vector_twice():
    v = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    ops.matmul(v, v).backward()
    np.testing.assert_array_equal(v.grad, [2.0, 4.0, 6.0])


def test_dense_reused_kernel_sums_gradients():
    kernel = Tensor(_seeded((3, 3)), requires_grad=True)
    x = Tensor(_seeded((2, 3)))
    out = ops.dense(ops.dense(x, kernel), kernel)
    seed = np.ones(out.shape)
    out.backward(seed)
    k, xv = kernel.numpy(), x.numpy()
    expected = xv.T @ (seed @ k.T) + (xv @ k).T @ seed
    np.testing.assert_allclose(kernel.grad, expected, rtol=1e-12)


# -- bad input ------------------------------------------------------------------------------


def _both(op, a, b):
    return f"{op}.*{re.escape(str(a))}.*{re.escape(str(b))}"


SHAPE_ERRORS = {
    "matmul_inner": (ops.matmul, (2, 3), (4, 5)),
    "matmul_vector_vector": (ops.matmul, (3,), (4,)),
    "matmul_matrix_vector": (ops.matmul, (2, 3), (2,)),
    "matmul_vector_matrix": (ops.matmul, (3,), (2, 3)),
    "matmul_batch": (ops.matmul, (2, 3, 4), (3, 4, 2)),
    "matmul_operator": (lambda a, b: Tensor(a) @ b, (2, 3), (2, 3)),
    "matmul_roperator": (lambda a, b: a @ Tensor(b), (2, 3), (2, 3)),
    "dot_matrices": (ops.dot, (2, 3), (2, 3)),
    "dot_nd": (ops.dot, (2, 3, 4), (3, 5, 2)),
    "tensordot_int": (lambda a, b: ops.tensordot(a, b, axes=1), (2, 3), (4, 5)),
    "tensordot_pairs": (lambda a, b: ops.tensordot(a, b, axes=([0, 1], [1, 0])),
                        (2, 3), (2, 3)),
    "tensordot_pair_lengths": (lambda a, b: ops.tensordot(a, b, axes=([0, 1], [0])),
                               (2, 3), (2, 3)),
    "dense_input": (ops.dense, (4, 3), (2, 5)),
    "dense_3d_input": (ops.dense, (2, 4, 3), (4, 5)),
    "dense_kernel_ndim": (ops.dense, (4, 3), (3, 2, 1)),
}


@pytest.mark.parametrize("name", SHAPE_ERRORS)
def test_incompatible_shapes_name_op_and_both_shapes(name):
    op, a_shape, b_shape = SHAPE_ERRORS[name]
    opname = name.split("_")[0]
    opname = "matmul" if opname == "dot" and len(a_shape) <= 2 else opname
    opname = "tensordot" if opname == "dot" else opname
    with pytest.raises(ValueError, match=_both(opname, a_shape, b_shape)):
        op(np.zeros(a_shape), np.zeros(b_shape))


def test_dense_wrong_bias_shape():
    with pytest.raises(ValueError, match=r"dense.*\(2,\).*\(3,\)"):
        ops.dense(np.zeros((4, 3)), np.zeros((3, 2)), np.zeros(3))


@pytest.mark.parametrize("shapes", [[(), (3,)], [(3,), ()]])
def test_matmul_rejects_scalars(shapes):
    with pytest.raises(ValueError, match="matmul.*" + re.escape(str(shapes[0]))):
        ops.matmul(*[np.zeros(s) for s in shapes])


@pytest.mark.parametrize("axes", [([0], [5]), ([3], [0]), ([0, 0], [0, 1]), 3])
def test_tensordot_rejects_bad_axes(axes):
    with pytest.raises(ValueError, match="tensordot"):
        ops.tensordot(np.zeros((2, 2)), np.zeros((2, 2)), axes=axes)


@pytest.mark.parametrize("activation, reference", [
    ("relu", lambda z: np.maximum(z, 0)), ("tanh", np.tanh), (None, lambda z: z)])
def test_dense_with_fused_activation(activation, reference):
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    out = ops.dense(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32),
                    activation=activation)
    np.testing.assert_allclose(out.data, reference(x @ w + b), rtol=1e-5, atol=1e-6)
    assert out.dtype == np.float32
    check_grad(lambda a, k, c: ops.dense(a, k, c, activation=activation), x, w, b)


def test_dense_rejects_other_activations():
    with pytest.raises(ValueError, match="activation must be one of"):
        ops.dense(np.ones((1, 2)), np.ones((2, 2)), activation="softmax")
