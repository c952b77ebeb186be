import numpy as np
import pytest

from minikeras import metrics
from minikeras.backend import Tensor, Variable
from minikeras.metrics.base import divide_no_nan, squeeze_or_expand_to_same_rank


def test_mean_docstring_examples():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0


def test_sum_docstring_examples():
    m = metrics.Sum()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 16.0
    m = metrics.Sum()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 4.0


def test_result_is_a_python_float_and_state_is_float32():
    m = metrics.Mean()
    m.update_state(np.array([1.0, 2.0], dtype="float64"))
    assert type(m.result()) is float
    assert [v.name for v in m.variables] == ["total", "count"]
    assert all(isinstance(v, Variable) and v.dtype == np.float32 and not v.trainable
               for v in m.variables)
    assert [v.path for v in m.variables] == ["mean/total", "mean/count"]


def test_dtype_argument_sets_the_state_dtype():
    m = metrics.Mean(dtype="float64")
    m.update_state(np.array([0.1, 0.2]))
    assert m.dtype == "float64" and m.total.dtype == np.float64
    assert m.result() == pytest.approx((0.1 + 0.2) / 2, rel=1e-15)
    assert metrics.Mean(dtype=np.float16).dtype == "float16"


def test_invalid_dtype_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="Mean: invalid dtype 'int32'.*'float16', 'float32'"):
        metrics.Mean(dtype="int32")


def test_mean_of_matrix_values_averages_each_row_first():
    values = np.array([[1.0, 3.0], [5.0, 9.0], [2.0, 2.0]], dtype="float32")
    m = metrics.Mean()
    m.update_state(values)
    assert m.result() == pytest.approx(values.mean())
    assert float(m.count.data) == 3.0
    m = metrics.Mean()
    weights = np.array([1.0, 0.5, 2.0], dtype="float32")
    m.update_state(values, sample_weight=weights)
    row_means = values.mean(axis=1)
    assert m.result() == pytest.approx(np.sum(row_means * weights) / np.sum(weights))


def test_mean_with_per_element_weights():
    values = np.array([[1.0, 3.0], [5.0, 9.0]], dtype="float32")
    weights = np.array([[1.0, 0.0], [0.5, 0.5]], dtype="float32")
    m = metrics.Mean()
    m.update_state(values, sample_weight=weights)
    assert m.result() == pytest.approx(np.sum(values * weights) / np.sum(weights))


def test_mean_with_a_scalar_weight_counts_it_once_per_batch():
    m = metrics.Mean()
    m.update_state([1.0, 3.0], sample_weight=2.0)
    assert m.result() == 2.0 and float(m.count.data) == 2.0


def test_mean_over_batches_is_the_batch_size_weighted_mean_of_batch_means():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(10, 3)).astype("float32")
    sizes = [3, 5, 2]
    m = metrics.Mean()
    batch_means = []
    for chunk in np.split(values, np.cumsum(sizes)[:-1]):
        m.update_state(chunk)
        batch_means.append(metrics.Mean()(chunk))
    assert m.result() == pytest.approx(np.dot(batch_means, sizes) / sum(sizes), rel=1e-6)
    assert m.result() == pytest.approx(values.mean(), rel=1e-6)


def test_reset_state_zeroes_in_place():
    m = metrics.Mean()
    total = m.total
    m.update_state([5.0])
    m.reset_state()
    assert m.total is total and float(total.data) == 0.0 and m.result() == 0.0


def test_empty_mean_is_zero_not_nan():
    assert metrics.Mean().result() == 0.0
    assert metrics.Sum().result() == 0.0


def test_inputs_may_be_tensors_lists_or_arrays():
    for values in ([2.0, 4.0], np.array([2.0, 4.0]), Tensor([2.0, 4.0])):
        assert metrics.Mean()(values) == 3.0


def test_mismatched_sample_weight_names_the_metric_and_shapes():
    m = metrics.Mean(name="loss_mean")
    with pytest.raises(ValueError, match=r'Mean metric "loss_mean".*\(3,\).*\(2,\)'):
        m.update_state([1.0, 2.0], sample_weight=[1.0, 1.0, 1.0])


def test_none_values_are_rejected():
    with pytest.raises(ValueError, match="values is None"):
        metrics.Mean().update_state(None)


def _squared_error(y_true, y_pred, scale=1.0):
    return scale * np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2, axis=-1)


def test_mean_metric_wrapper_passes_kwargs_and_averages():
    m = metrics.MeanMetricWrapper(_squared_error, name="sq", scale=2.0)
    m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    m.update_state([[0.0, 0.0], [2.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]])
    assert m.name == "sq"
    assert m.result() == pytest.approx(2.0 * (0.5 + 0.0 + 2.0) / 3)


def test_mean_metric_wrapper_default_name_and_docstring_example():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error)
    assert m.name == "mean_metric_wrapper"
    m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    assert m.result() == 0.5


def test_mean_metric_wrapper_config_round_trip():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="mse_wrap")
    config = m.get_config()
    assert config == {"name": "mse_wrap", "dtype": "float32", "fn": "mean_squared_error"}
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is metrics.mean_squared_error and clone.name == "mse_wrap"
    keras_style = {**config, "fn": {"module": "builtins", "class_name": "function",
                                    "config": "mean_squared_error",
                                    "registered_name": "function"}}
    assert metrics.MeanMetricWrapper.from_config(keras_style)._fn is metrics.mean_squared_error
    wrapped = metrics.MeanMetricWrapper(metrics.binary_accuracy, threshold=0.7)
    assert wrapped.get_config()["threshold"] == 0.7
    clone = metrics.deserialize(metrics.serialize(wrapped))
    assert clone._fn_kwargs == {"threshold": 0.7}


def test_mean_metric_wrapper_errors_name_the_metric():
    m = metrics.MeanMetricWrapper(metrics.mean_squared_error, name="my_mse")
    with pytest.raises(ValueError, match=r'MeanMetricWrapper metric "my_mse".*\(2, 3\).*\(2, 4\)'):
        m.update_state(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(TypeError, match="fn must be a callable"):
        metrics.MeanMetricWrapper("mse")


class BinaryTruePositives(metrics.Metric):
    """A custom metric written as the Keras guide writes one."""

    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="tp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = np.logical_and(np.asarray(y_true, bool), np.asarray(y_pred, bool))
        values = values.astype("float32")
        if sample_weight is not None:
            values = values * np.asarray(sample_weight, "float32")
        self.true_positives.assign_add(np.sum(values))

    def result(self):
        return self.true_positives


def test_custom_metric_with_add_weight_and_assign_add():
    m = BinaryTruePositives()
    assert float(m([1, 1, 0, 1], [1, 0, 0, 1])) == 2.0
    assert float(m([1], [1], sample_weight=[0.5])) == 2.5
    m.reset_state()
    assert float(m.result()) == 0.0
    assert m.get_config() == {"name": "binary_true_positives", "dtype": "float32"}
    assert repr(m) == "<BinaryTruePositives name=binary_true_positives>"


def test_abstract_methods_say_what_to_define():
    with pytest.raises(NotImplementedError, match="update_state"):
        metrics.Metric().update_state([1], [1])
    with pytest.raises(NotImplementedError, match="result"):
        metrics.Metric().result()


def test_squeeze_or_expand_to_same_rank_follows_keras():
    a, b = squeeze_or_expand_to_same_rank(np.zeros((4, 1)), np.zeros(4))
    assert a.shape == b.shape == (4, 1)
    a, b = squeeze_or_expand_to_same_rank(np.zeros((4, 3, 1)), np.zeros((4, 3)))
    assert a.shape == b.shape == (4, 3)
    a, b = squeeze_or_expand_to_same_rank(np.zeros(4), np.zeros((4, 1)), expand_rank_1=False)
    assert a.shape == b.shape == (4,)
    a, b = squeeze_or_expand_to_same_rank(np.zeros((4, 2)), np.zeros(4))
    assert (a.shape, b.shape) == ((4, 2), (4,))


def test_divide_no_nan_gives_zero_for_zero_divisors():
    out = divide_no_nan(np.array([1.0, 2.0], "float32"), np.array([0.0, 4.0], "float32"))
    np.testing.assert_array_equal(out, [0.0, 0.5])
    assert out.dtype == np.float32
