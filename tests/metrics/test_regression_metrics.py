import numpy as np
import pytest

from minikeras import metrics

Y_TRUE = [[0, 1], [0, 0]]
Y_PRED = [[1, 1], [0, 0]]

# Keras's documented examples: (class, result, result with sample_weight=[1, 0])
DOC_EXAMPLES = [
    (metrics.MeanSquaredError, 0.25, 0.5),
    (metrics.MeanAbsoluteError, 0.25, 0.5),
    (metrics.MeanAbsolutePercentageError, 250000000.0, 500000000.0),
    (metrics.MeanSquaredLogarithmicError, 0.12011322, 0.24022643),
    (metrics.RootMeanSquaredError, 0.5, 0.70710677),
    (metrics.LogCoshError, 0.10844523, 0.21689045),
]


@pytest.mark.parametrize("cls, expected, weighted", DOC_EXAMPLES,
                         ids=[row[0].__name__ for row in DOC_EXAMPLES])
def test_keras_documented_examples(cls, expected, weighted):
    m = cls()
    m.update_state(Y_TRUE, Y_PRED)
    assert m.result() == pytest.approx(expected, rel=1e-5)
    m.reset_state()
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0])
    assert m.result() == pytest.approx(weighted, rel=1e-5)


def test_cosine_similarity_documented_example():
    m = metrics.CosineSimilarity(axis=1)
    # l2-normalized rows: [0, 1].[1, 0] = 0 and [.707, .707].[.707, .707] = 1
    assert m([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]) == pytest.approx(0.5, rel=1e-6)
    m.reset_state()
    assert m([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], sample_weight=[0.3, 0.7]) == \
        pytest.approx(0.7, rel=1e-6)


def test_regression_metrics_against_closed_forms():
    rng = np.random.default_rng(0)
    y_true = rng.random((8, 3)).astype("float32") + 0.5
    y_pred = rng.random((8, 3)).astype("float32") + 0.5
    weight = rng.random(8).astype("float32")
    error = y_pred.astype("float64") - y_true

    def weighted_mean(per_sample):
        return np.sum(per_sample * weight) / np.sum(weight)

    expected = {
        metrics.MeanSquaredError: weighted_mean(np.mean(error ** 2, -1)),
        metrics.MeanAbsoluteError: weighted_mean(np.mean(np.abs(error), -1)),
        metrics.MeanAbsolutePercentageError: weighted_mean(
            100 * np.mean(np.abs(error / y_true), -1)),
        metrics.MeanSquaredLogarithmicError: weighted_mean(
            np.mean((np.log1p(y_pred) - np.log1p(y_true)) ** 2, -1)),
        metrics.LogCoshError: weighted_mean(np.mean(np.log(np.cosh(error)), -1)),
        metrics.RootMeanSquaredError: np.sqrt(weighted_mean(np.mean(error ** 2, -1))),
        metrics.CosineSimilarity: weighted_mean(
            np.sum(y_true * y_pred, -1)
            / (np.linalg.norm(y_true, axis=-1) * np.linalg.norm(y_pred, axis=-1))),
    }
    for cls, value in expected.items():
        assert cls()(y_true, y_pred, sample_weight=weight) == pytest.approx(value, rel=1e-5), cls


@pytest.mark.parametrize("cls", [metrics.MeanSquaredError, metrics.RootMeanSquaredError,
                                 metrics.CosineSimilarity, metrics.LogCoshError])
def test_whole_data_equals_batch_size_weighted_mean_of_batches(cls):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=(10, 2)), rng.normal(size=(10, 2))
    sizes = [3, 6, 1]
    running, per_batch = cls(), []
    for part in np.split(np.arange(10), np.cumsum(sizes)[:-1]):
        running.update_state(y_true[part], y_pred[part])
        per_batch.append(cls()(y_true[part], y_pred[part]))
    whole = cls()(y_true, y_pred)
    assert running.result() == pytest.approx(whole, rel=1e-5)
    if cls is metrics.RootMeanSquaredError:  # the mean is over squared errors, then the root
        per_batch = np.square(per_batch)
        whole = whole ** 2
    assert whole == pytest.approx(np.dot(per_batch, sizes) / sum(sizes), rel=1e-5)


def test_shape_errors_name_the_metric_and_both_shapes():
    with pytest.raises(ValueError, match=r'MeanSquaredError metric "mean_squared_error".*'
                                         r'\(2, 3\).*\(2, 4\)'):
        metrics.MeanSquaredError()(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"RootMeanSquaredError metric.*\(2, 3\).*\(2, 4\)"):
        metrics.RootMeanSquaredError()(np.zeros((2, 3)), np.zeros((2, 4)))


# -- R2Score --------------------------------------------------------------------------------


def test_r2_documented_example():
    m = metrics.R2Score()
    m.update_state(np.array([[1], [4], [3]], "float32"), np.array([[2], [4], [4]], "float32"))
    assert m.result() == pytest.approx(0.57142854, rel=1e-6)


def _r2_per_output(y_true, y_pred, weight):
    w = weight[:, None]
    mean = np.sum(w * y_true, 0) / np.sum(w, 0)
    total = np.sum(w * (y_true - mean) ** 2, 0)
    return 1 - np.sum(w * (y_true - y_pred) ** 2, 0) / total, total


def test_r2_against_closed_form_over_batches():
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=(15, 3))
    y_pred = y_true + 0.5 * rng.normal(size=(15, 3))
    weight = rng.random(15)
    raw, total = _r2_per_output(y_true, y_pred, weight)
    for aggregation, expected in [(None, raw), ("uniform_average", raw.mean()),
                                  ("variance_weighted_average", np.sum(raw * total) / total.sum())]:
        m = metrics.R2Score(class_aggregation=aggregation)
        for part in np.split(np.arange(15), [4, 10]):
            m.update_state(y_true[part], y_pred[part], sample_weight=weight[part])
        np.testing.assert_allclose(m.result(), expected, rtol=1e-4)
    adjusted = metrics.R2Score(num_regressors=2)(y_true, y_pred, sample_weight=weight)
    n = y_true.size  # Keras counts every target value
    assert adjusted == pytest.approx(1 - (1 - raw.mean()) * (n - 1) / (n - 2 - 1), rel=1e-4)


def test_r2_per_output_result_is_a_float32_array():
    out = metrics.R2Score(class_aggregation=None)([[1, 2], [3, 5], [2, 2]],
                                                  [[1, 2], [3, 4], [2, 3]])
    assert out.dtype == np.float32 and out.shape == (2,)
    assert out[0] == 1.0


def test_r2_of_constant_targets_is_zero_as_in_keras():
    assert metrics.R2Score()([[1], [1], [1]], [[1], [2], [1]]) == 0.0


def test_r2_adjusted_falls_back_with_a_warning():
    with pytest.warns(UserWarning, match="More independent predictors than datapoints"):
        value = metrics.R2Score(num_regressors=5)([[1], [2], [4]], [[1], [2], [3]])
    assert value == pytest.approx(1 - 1 / (14 / 3), rel=1e-6)
    with pytest.warns(UserWarning, match="Division by zero"):
        metrics.R2Score(num_regressors=2)([[1], [2], [4]], [[1], [2], [3]])


def test_r2_errors():
    with pytest.raises(ValueError, match="has seen no data yet"):
        metrics.R2Score().result()
    with pytest.raises(ValueError, match=r"R2Score metric.*\(batch_size, num_outputs\).*\(3,\)"):
        metrics.R2Score()([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match=r"invalid class_aggregation 'mean'. Expected one of "
                                         r"None, 'uniform_average', 'variance_weighted_average'"):
        metrics.R2Score(class_aggregation="mean")
    with pytest.raises(ValueError, match="num_regressors must be an integer >= 0"):
        metrics.R2Score(num_regressors=-1)


def test_r2_variables_in_keras_order_and_reset():
    m = metrics.R2Score()
    assert [v.name for v in m.variables] == ["num_samples"]
    m.update_state([[1.0], [2.0]], [[1.5], [2.5]])
    assert [v.name for v in m.variables] == ["num_samples", "squared_sum", "sum", "residual",
                                             "count"]
    m.reset_state()
    assert all(np.all(v.data == 0) for v in m.variables)


@pytest.mark.parametrize("metric, config", [
    (metrics.MeanSquaredError(), {"name": "mean_squared_error", "dtype": "float32"}),
    (metrics.RootMeanSquaredError(), {"name": "root_mean_squared_error", "dtype": "float32"}),
    (metrics.MeanAbsoluteError(), {"name": "mean_absolute_error", "dtype": "float32"}),
    (metrics.MeanAbsolutePercentageError(),
     {"name": "mean_absolute_percentage_error", "dtype": "float32"}),
    (metrics.MeanSquaredLogarithmicError(),
     {"name": "mean_squared_logarithmic_error", "dtype": "float32"}),
    (metrics.LogCoshError(), {"name": "logcosh", "dtype": "float32"}),
    (metrics.CosineSimilarity(axis=1), {"name": "cosine_similarity", "dtype": "float32",
                                        "axis": 1}),
    (metrics.R2Score(class_aggregation=None, num_regressors=1),
     {"name": "r2_score", "dtype": "float32", "class_aggregation": None, "num_regressors": 1}),
])
def test_configs_have_keras_keys_and_round_trip(metric, config):
    assert metric.get_config() == config
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric) and clone.get_config() == config
