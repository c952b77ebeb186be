"""The autodiff core: Tensor, Variable, the tape, no_grad, conversions and dtype rules."""

import gc
import weakref

import numpy as np
import pytest

from minikeras import ops
from minikeras.backend import Function, Tensor, Variable, enable_grad, is_grad_enabled, no_grad
from minikeras.backend.tensor import sum_to
from minikeras.testing import check_grad


# -- construction and conversion -------------------------------------------------------------


def test_python_floats_become_float32():
    assert Tensor(1.5).dtype == np.float32
    assert Tensor([[1.0, 2.0], [3.0, 4.0]]).dtype == np.float32


def test_numpy_arrays_keep_their_dtype_and_memory():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = Tensor(a)
    assert t.dtype == np.float64
    assert t.numpy() is a
    assert Tensor(np.arange(3)).dtype.kind == "i"


def test_explicit_dtype_converts():
    assert Tensor([1, 2], dtype="float32").dtype == np.float32


@pytest.mark.parametrize("value", ["abc", ["a", "b"], object(), {"x": 1}, None])
def test_non_numeric_input_is_a_type_error(value):
    with pytest.raises(TypeError, match="expected a number|could not turn|received"):
        Tensor(value)


def test_ragged_list_is_a_clear_type_error():
    with pytest.raises(TypeError, match="rectangular"):
        Tensor([[1.0, 2.0], [3.0]])


def test_non_numeric_input_to_an_op_names_what_came():
    x = Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="str 'abc'"):
        x + "abc"
    with pytest.raises(TypeError, match="received"):
        ops.exp("abc")


def test_integer_tensors_cannot_require_gradients():
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2], requires_grad=True)


def test_array_protocol_and_python_conversions():
    t = Tensor([[1.0, 2.0]])
    assert np.asarray(t) is t.data
    assert float(Tensor(2.5)) == 2.5
    assert Tensor(3.0).item() == 3.0
    assert len(t) == 1
    assert [row.shape for row in t] == [(2,)]
    assert "shape=(1, 2)" in repr(t) and "float32" in repr(t)


@pytest.mark.parametrize("reduce", [np.sum, np.mean, np.max, np.min])
def test_numpy_reductions_accept_tensors_and_keep_the_tape(reduce):
    data = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], dtype=np.float32)
    x = Tensor(data, requires_grad=True)
    for kwargs in ({}, {"axis": 1}, {"axis": 0, "keepdims": True}):
        result = reduce(x, **kwargs)
        assert isinstance(result, Tensor) and result.dtype == np.float32
        np.testing.assert_allclose(result.numpy(), reduce(data, **kwargs), rtol=1e-6)
    reduce(x).backward()
    assert x.grad.shape == data.shape and np.any(x.grad != 0)


def test_numpy_reduction_dtype_accumulates_in_that_dtype_and_out_is_refused():
    x = Tensor(np.full(3, 1 / 3, dtype=np.float32))
    assert np.mean(x, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match=r"Tensor.sum: the argument\(s\) out .*np.asarray"):
        np.sum(x, out=np.empty(()))
    with pytest.raises(TypeError, match=r"Tensor.max: the argument\(s\) initial"):
        np.max(x, initial=0.0)


@pytest.mark.parametrize("make", [lambda x: x + 1, lambda x: 1 + x, lambda x: x * 0.5,
                                  lambda x: 0.5 * x, lambda x: x - 2, lambda x: 2 - x,
                                  lambda x: x / 3, lambda x: 3 / x, lambda x: x ** 2,
                                  lambda x: -x, lambda x: x * np.array([1, 2]),
                                  lambda x: np.array([1, 2]) * x, lambda x: x * np.float64(2)])
def test_python_numbers_and_integer_arrays_do_not_promote_float32(make):
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    assert make(x).dtype == np.float32


def test_integer_tensor_meets_fraction_without_truncation():
    x = Tensor(np.array([1, 2]))
    np.testing.assert_allclose((x * 2.5).data, [2.5, 5.0])
    assert (x * 2).dtype.kind == "i"


def test_float64_stays_float64():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert (x * 2.5 + 1).dtype == np.float64


# -- the tape ----------------------------------------------------------------------------------


def test_simple_gradient():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (x * x + 2 * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + 2)
    assert x.grad.dtype == np.float32


def test_tensor_used_twice_accumulates_both_contributions():
    x = Tensor([3.0], requires_grad=True)
    y = x * x + x  # x feeds three paths
    y.backward(np.ones(1, dtype=np.float32))
    np.testing.assert_allclose(x.grad, [7.0])


def test_diamond_graph_walks_each_op_once():
    calls = []

    class Spy(Function):
        def forward(self, x):
            return x * 1

        def backward(self, gy):
            calls.append(1)
            return gy

    x = Tensor([1.0, 2.0], requires_grad=True)
    h = Spy()(x)
    y = ops.sum(h * 2 + h * 3)
    y.backward()
    assert len(calls) == 1
    np.testing.assert_allclose(x.grad, [5.0, 5.0])


def test_gradients_accumulate_across_backward_calls_until_zeroed():
    w = Variable(np.array([1.0, 2.0]), name="w")
    for _ in range(2):
        ops.sum(w * 3).backward()
    np.testing.assert_allclose(w.grad, [6.0, 6.0])
    w.zero_grad()
    assert w.grad is None


def test_broadcasting_gradient_is_summed_back():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    b = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    s = Tensor(np.float32(2.0), requires_grad=True)
    ops.sum((x + b) * s).backward()
    np.testing.assert_allclose(b.grad, [4.0, 4.0, 4.0])
    np.testing.assert_allclose(s.grad, 12.0)
    assert b.grad.shape == (3,) and s.grad.shape == ()


def test_sum_to_undoes_numpy_broadcasting():
    g = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_allclose(sum_to(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_allclose(sum_to(g, ()), g.sum())
    assert sum_to(g, g.shape) is g


def test_deep_graph_has_no_recursion_limit():
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y + 1.0
    y.backward(np.ones(1, dtype=np.float32))
    np.testing.assert_allclose(x.grad, [1.0])


def test_only_required_inputs_get_gradients():
    x = Tensor([1.0, 2.0])
    w = Tensor([3.0, 4.0], requires_grad=True)
    ops.sum(x * w).backward()
    assert x.grad is None
    np.testing.assert_allclose(w.grad, [1.0, 2.0])


def test_function_is_told_which_inputs_need_gradients():
    seen = {}

    class Probe(Function):
        def forward(self, a, b):
            return a * b

        def backward(self, gy):
            seen["needs"] = self.needs_grad
            return gy, gy

    Probe()(Tensor([1.0]), Tensor([2.0], requires_grad=True)).backward(
        np.ones(1, dtype=np.float32))
    assert seen["needs"] == (False, True)


def test_multi_output_op_with_one_output_unused():
    x = Tensor(np.arange(6, dtype=np.float32), requires_grad=True)
    first, second = ops.split(x, 2)
    ops.sum(second * 2).backward()
    np.testing.assert_allclose(x.grad, [0, 0, 0, 2, 2, 2])


def test_detach_and_stop_gradient_cut_the_tape():
    x = Tensor([2.0], requires_grad=True)
    y = x * x.detach() + ops.stop_gradient(x) * 0
    y.backward(np.ones(1, dtype=np.float32))
    np.testing.assert_allclose(x.grad, [2.0])


def test_graph_is_freed_when_the_output_is_dropped():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = ops.exp(x) * 2
    op = weakref.ref(y.creator)
    del y
    gc.collect()
    assert op() is None


# -- no_grad -----------------------------------------------------------------------------------


def test_no_grad_builds_no_tape():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = ops.sum(ops.exp(x) * 2)
    assert is_grad_enabled()
    assert y.creator is None and not y.requires_grad
    with pytest.raises(ValueError, match="does not require a gradient"):
        y.backward()


def test_no_grad_works_as_decorator_and_nests_with_enable_grad():
    @no_grad()
    def infer(x):
        with enable_grad():
            inner = x * 2
        return x * 2, inner

    x = Tensor([1.0], requires_grad=True)
    outer, inner = infer(x)
    assert outer.creator is None and inner.creator is not None


def test_no_grad_restores_state_after_an_error():
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert is_grad_enabled()


# -- backward errors ---------------------------------------------------------------------------


def test_backward_on_non_scalar_without_seed_says_so():
    x = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(3, 2\) without a seed gradient"):
        (x * 2).backward()


def test_backward_seed_of_wrong_shape():
    x = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        (x * 2).backward(np.ones((2, 3)))


def test_backward_on_a_leaf():
    x = Tensor(np.float32(3.0), requires_grad=True)
    x.backward()
    assert x.grad == 1.0


def test_shape_errors_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"multiply.*\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))) * Tensor(np.ones(4))


# -- Variable ----------------------------------------------------------------------------------


def test_variable_defaults():
    v = Variable(np.zeros((2, 3)), name="kernel")
    assert v.dtype == np.float32 and v.trainable and v.requires_grad
    assert v.name == "kernel" and v.shape == (2, 3)
    assert "kernel" in repr(v)


def test_variable_from_callable_initializer():
    v = Variable(lambda shape, dtype: np.full(shape, 0.5, dtype=dtype), shape=(2,), name="b")
    np.testing.assert_allclose(v.value, [0.5, 0.5])
    assert v.dtype == np.float32
    with pytest.raises(ValueError, match="needs `shape`"):
        Variable(lambda shape, dtype: np.zeros(shape), name="b")


def test_variable_copies_its_initial_value():
    a = np.zeros(3, dtype=np.float32)
    v = Variable(a)
    v.assign([1.0, 2.0, 3.0])
    np.testing.assert_allclose(a, 0.0)
    np.testing.assert_allclose(v.value, [1.0, 2.0, 3.0])


def test_variable_assign_keeps_shape_and_dtype():
    v = Variable(np.zeros((2, 2)), name="w")
    v.assign_add(np.ones((2, 2)))
    v.assign_sub(np.full((2, 2), 0.5))
    np.testing.assert_allclose(v.value, 0.5)
    assert v.dtype == np.float32
    with pytest.raises(ValueError, match=r"'w' has shape \(2, 2\).*\(3,\)"):
        v.assign(np.zeros(3))


def test_non_trainable_variable_gets_no_gradient():
    v = Variable(np.ones(2), trainable=False, name="moving_mean")
    w = Variable(np.ones(2), name="w")
    ops.sum(v * w).backward()
    assert v.grad is None and w.grad is not None


# -- a network from raw ops --------------------------------------------------------------------


def test_composed_network_passes_gradient_check():
    rng = np.random.default_rng(1)
    labels = np.array([0, 2, 1])

    def network(x, w1, w2):
        h = ops.relu(x @ w1 + 0.1)
        return ops.mean(ops.sparse_categorical_crossentropy(labels, h @ w2, from_logits=True))

    check_grad(network, rng.normal(size=(3, 4)), rng.normal(size=(4, 5)),
               rng.normal(size=(5, 3)))


# -- property-based: broadcasting in any shape combination -------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
def test_broadcast_gradients_match_numerical_ones(shapes):
    rng = np.random.default_rng(0)
    a = rng.normal(size=shapes.input_shapes[0])
    b = rng.normal(size=shapes.input_shapes[1]) + 3.0  # away from zero for the division
    check_grad(lambda x, y: x * y + x / y - y, a, b)


@settings(max_examples=60, deadline=None)
@given(hnp.array_shapes(max_dims=4, max_side=3), st.data())
def test_sum_to_equals_summing_over_broadcast_axes(shape, data):
    target = data.draw(hnp.broadcastable_shapes(shape, max_dims=len(shape)))
    full = np.broadcast_shapes(shape, target)
    g = np.arange(int(np.prod(full)), dtype=np.float64).reshape(full)
    reduced = sum_to(g, target)
    assert reduced.shape == target
    np.testing.assert_allclose(reduced.sum(), g.sum())
