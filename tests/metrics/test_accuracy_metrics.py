import numpy as np
import pytest

from minikeras import metrics

# Keras's documented examples: (class, kwargs, y_true, y_pred, result, weights, weighted result)
DOC_EXAMPLES = [
    (metrics.Accuracy, {}, [[1], [2], [3], [4]], [[0], [2], [3], [4]], 0.75, [1, 1, 0, 0], 0.5),
    (metrics.BinaryAccuracy, {}, [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], 0.75,
     [1, 0, 0, 1], 0.5),
    (metrics.CategoricalAccuracy, {}, [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     0.5, [0.7, 0.3], 0.3),
    (metrics.SparseCategoricalAccuracy, {}, [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], 0.5,
     [0.7, 0.3], 0.3),
    (metrics.TopKCategoricalAccuracy, {"k": 1}, [[0, 0, 1], [0, 1, 0]],
     [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5, [0.7, 0.3], 0.3),
    (metrics.SparseTopKCategoricalAccuracy, {"k": 1}, [2, 1],
     [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5, [0.7, 0.3], 0.3),
]


@pytest.mark.parametrize("cls, kwargs, y_true, y_pred, expected, weights, weighted",
                         DOC_EXAMPLES, ids=[row[0].__name__ for row in DOC_EXAMPLES])
def test_keras_documented_examples(cls, kwargs, y_true, y_pred, expected, weights, weighted):
    m = cls(**kwargs)
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(expected, rel=1e-6)
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=weights)
    assert m.result() == pytest.approx(weighted, rel=1e-6)


def test_functions_return_one_float32_value_per_sample():
    rng = np.random.default_rng(1)
    scores = rng.random((6, 4)).astype("float32")
    labels = rng.integers(0, 4, 6)
    onehot = np.eye(4, dtype="float32")[labels]
    expected = (np.argmax(scores, -1) == labels).astype("float32")
    for out in (metrics.categorical_accuracy(onehot, scores),
                metrics.sparse_categorical_accuracy(labels, scores),
                metrics.sparse_categorical_accuracy(labels[:, None], scores),
                metrics.top_k_categorical_accuracy(onehot, scores, k=1),
                metrics.sparse_top_k_categorical_accuracy(labels, scores, k=1)):
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, expected)


def test_top_k_against_a_rank_count():
    rng = np.random.default_rng(2)
    scores = rng.random((20, 6)).astype("float32")
    labels = rng.integers(0, 6, 20)
    # The label is in the top k when fewer than k scores are strictly higher than its own.
    higher = (scores > scores[np.arange(20), labels][:, None]).sum(axis=1)
    for k in (1, 2, 3, 6, 10):
        expected = (higher < k).astype("float32")
        np.testing.assert_array_equal(
            metrics.sparse_top_k_categorical_accuracy(labels, scores, k=k), expected)
        np.testing.assert_array_equal(
            metrics.top_k_categorical_accuracy(np.eye(6)[labels], scores, k=k), expected)


def test_top_k_ties_at_the_boundary_count_as_in_the_top_k():
    # Keras (as TF's in_top_k): a label tied with the k-th highest score is in the top k.
    scores = [[0.3, 0.3, 0.3, 0.1], [0.5, 0.2, 0.2, 0.2], [0.1, 0.5, 0.5, 0.5]]
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([2, 3, 0], scores, k=1), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([2, 3, 0], scores, k=2), [1.0, 1.0, 0.0])
    m = metrics.TopKCategoricalAccuracy(k=1)
    assert m([[0, 1, 0, 0]], [[0.3, 0.3, 0.3, 0.1]]) == 1.0


def test_categorical_accuracy_takes_the_first_of_tied_predictions():
    out = metrics.categorical_accuracy([[0, 1, 0], [1, 0, 0]], [[0.4, 0.4, 0.2]] * 2)
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_sparse_top_k_from_sorted_ids():
    ids = [[0, 2, 1], [3, 4, 1], [5, 1, 2]]
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([2, 1, 5], ids, k=2, from_sorted_ids=True),
        [1.0, 0.0, 1.0])
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    assert m([2, 1, 5], ids) == pytest.approx(2 / 3)


def test_sparse_label_shape_is_kept():
    out = metrics.sparse_top_k_categorical_accuracy([[1], [0]], [[0.1, 0.9], [0.2, 0.8]], k=1)
    assert out.shape == (2, 1)
    np.testing.assert_array_equal(out[:, 0], [1.0, 0.0])


def test_binary_accuracy_threshold_and_labels_exactly_0_and_1():
    y_true = [[1], [1], [0], [0]]
    y_pred = [[0.98], [0.5], [0.1], [0.2]]
    assert metrics.BinaryAccuracy(threshold=0.3)(y_true, y_pred) == 1.0
    assert metrics.BinaryAccuracy(threshold=0.9)(y_true, y_pred) == 0.75
    # A prediction equal to the threshold counts as 0: predictions must be above it.
    np.testing.assert_array_equal(
        metrics.binary_accuracy([[0], [1], [1]], [[0.5], [0.5], [1.0]]), [1.0, 0.0, 1.0])
    assert metrics.BinaryAccuracy()(np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]])) == 1.0


def test_binary_accuracy_rank_1_labels_against_column_predictions():
    # (4,) against (4, 1): the labels gain the trailing axis, as in Keras.
    m = metrics.BinaryAccuracy()
    assert m([1, 1, 0, 0], [[0.98], [1], [0], [0.6]]) == 0.75


def test_binary_accuracy_averages_over_the_last_axis():
    out = metrics.binary_accuracy([[1, 0], [1, 1]], [[0.9, 0.9], [0.9, 0.9]])
    np.testing.assert_array_equal(out, [0.5, 1.0])


def test_rank_1_inputs_make_one_value_per_batch_so_weights_are_refused():
    m = metrics.BinaryAccuracy()
    assert m([1, 1, 0, 0], [0.98, 1, 0, 0.6]) == 0.75
    with pytest.raises(ValueError, match=r"BinaryAccuracy metric.*\(4,\).*shape \(batch_size, 1\)"):
        m.update_state([1, 1, 0, 0], [0.98, 1, 0, 0.6], sample_weight=[1, 0, 0, 1])


@pytest.mark.parametrize("cls", [metrics.Accuracy, metrics.BinaryAccuracy,
                                 metrics.CategoricalAccuracy, metrics.TopKCategoricalAccuracy])
def test_incompatible_shapes_name_the_metric_and_both_shapes(cls):
    m = cls()
    with pytest.raises(ValueError, match=rf"{cls.__name__} metric.*\(2, 3\).*\(2, 4\)"):
        m.update_state(np.zeros((2, 3)), np.zeros((2, 4)))


def test_sparse_shape_errors_name_the_metric_and_both_shapes():
    with pytest.raises(ValueError, match=r"SparseCategoricalAccuracy metric.*\(2, 3\).*\(2, 3\)"
                                         r".*non-sparse"):
        metrics.SparseCategoricalAccuracy().update_state(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"sparse_top_k_categorical_accuracy.*\(3,\)"):
        metrics.sparse_top_k_categorical_accuracy([0, 1, 2], np.zeros((2, 3)))


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match=r"class indices must be in \[0, 3\)"):
        metrics.sparse_top_k_categorical_accuracy([0, 3], np.zeros((2, 3)), k=1)
    with pytest.raises(ValueError, match="whole class indices"):
        metrics.sparse_categorical_accuracy([0.5, 1.0], np.zeros((2, 3)))


def test_float_class_labels_work():
    out = metrics.sparse_categorical_accuracy(np.array([2.0, 1.0]), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(out, [1.0, 0.0])


@pytest.mark.parametrize("threshold", [0, 1, -0.5, 1.5, "0.5", True])
def test_invalid_threshold_lists_the_allowed_range(threshold):
    with pytest.raises(ValueError, match=r"threshold.*open interval \(0, 1\)"):
        metrics.BinaryAccuracy(threshold=threshold)


@pytest.mark.parametrize("k", [0, -1, 1.5, None])
def test_invalid_k(k):
    with pytest.raises(ValueError, match="k must be a positive integer"):
        metrics.TopKCategoricalAccuracy(k=k)


@pytest.mark.parametrize("cls, kwargs, y_true, y_pred", [
    (metrics.Accuracy, {}, "labels", "labels"),
    (metrics.BinaryAccuracy, {"threshold": 0.4}, "binary", "probs1"),
    (metrics.CategoricalAccuracy, {}, "onehot", "probs"),
    (metrics.SparseCategoricalAccuracy, {}, "labels", "probs"),
    (metrics.TopKCategoricalAccuracy, {"k": 2}, "onehot", "probs"),
    (metrics.SparseTopKCategoricalAccuracy, {"k": 2}, "labels", "probs"),
])
def test_whole_data_equals_batch_size_weighted_mean_of_batches(cls, kwargs, y_true, y_pred):
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 4, (11, 1))
    data = {"labels": labels, "onehot": np.eye(4)[labels[:, 0]],
            "probs": rng.random((11, 4)).astype("float32"),
            "binary": rng.integers(0, 2, (11, 1)), "probs1": rng.random((11, 1))}
    y_true, y_pred = data[y_true], data[y_pred]
    if y_true is y_pred:
        y_pred = np.where(rng.random((11, 1)) < 0.5, y_true, 0)
    sizes = [4, 5, 2]
    splits = np.cumsum(sizes)[:-1]
    running, per_batch = cls(**kwargs), []
    for t, p in zip(np.split(y_true, splits), np.split(y_pred, splits)):
        running.update_state(t, p)
        per_batch.append(cls(**kwargs)(t, p))
    whole = cls(**kwargs)(y_true, y_pred)
    assert running.result() == pytest.approx(whole, rel=1e-6)
    assert whole == pytest.approx(np.dot(per_batch, sizes) / sum(sizes), rel=1e-6)


@pytest.mark.parametrize("metric, config", [
    (metrics.Accuracy(), {"name": "accuracy", "dtype": "float32"}),
    (metrics.BinaryAccuracy(threshold=0.7),
     {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.7}),
    (metrics.CategoricalAccuracy(name="cat"), {"name": "cat", "dtype": "float32"}),
    (metrics.SparseCategoricalAccuracy(),
     {"name": "sparse_categorical_accuracy", "dtype": "float32"}),
    (metrics.TopKCategoricalAccuracy(k=3),
     {"name": "top_k_categorical_accuracy", "dtype": "float32", "k": 3}),
    (metrics.SparseTopKCategoricalAccuracy(),
     {"name": "sparse_top_k_categorical_accuracy", "dtype": "float32", "k": 5}),
    (metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
     {"name": "sparse_top_k_categorical_accuracy", "dtype": "float32", "k": 2,
      "from_sorted_ids": True}),
])
def test_configs_have_keras_keys_and_round_trip(metric, config):
    assert metric.get_config() == config
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric) and clone.get_config() == config
    assert len(clone.variables) == 2
