"""timeseries_dataset_from_array: Keras's documented windows, strides, index bounds, shuffling,
repeated passes, and use by fit/evaluate/predict."""

import numpy as np
import pytest

import minikeras as keras
from minikeras.utils import timeseries_dataset_from_array


def windows(dataset):
    """All windows of all batches, stacked."""
    return np.concatenate([b[0] if isinstance(b, tuple) else b for b in dataset])


def test_keras_docstring_example_1_sampling_rate_and_stride():
    dataset = timeseries_dataset_from_array(np.arange(99), None, sequence_length=10,
                                            sampling_rate=2, sequence_stride=3)
    x = windows(dataset)
    np.testing.assert_array_equal(x[0], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18])
    np.testing.assert_array_equal(x[1], [3, 5, 7, 9, 11, 13, 15, 17, 19, 21])
    np.testing.assert_array_equal(x[2], [6, 8, 10, 12, 14, 16, 18, 20, 22, 24])
    np.testing.assert_array_equal(x[-1], [78, 80, 82, 84, 86, 88, 90, 92, 94, 96])
    assert len(x) == 27  # starts 0, 3, ..., 78


def test_keras_docstring_example_2_temporal_regression():
    data = np.arange(100) * 0.5
    dataset = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)
    inputs, targets = next(iter(dataset))
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10]
    assert inputs.shape == (81, 10) and targets.shape == (81,)  # one batch of 128 at most
    np.testing.assert_array_equal(targets, inputs[:, -1] + 0.5)


def test_keras_docstring_example_3_non_overlapping_windows():
    x, y = np.arange(100), np.arange(100) * 2
    inputs = timeseries_dataset_from_array(x, None, sequence_length=20, sequence_stride=20)
    targets = timeseries_dataset_from_array(y, None, sequence_length=20, sequence_stride=20)
    for a, b in zip(inputs, targets):
        np.testing.assert_array_equal(a[0], x[:20])
        np.testing.assert_array_equal(b[1], y[20:40])
        assert a.shape == (5, 20)


@pytest.mark.parametrize("kwargs, batches, last, first_of", [
    ({}, 19, 2, lambda i, j: np.arange(i * 5 + j, i * 5 + j + 9)),
    ({"sampling_rate": 2}, 17, 4, lambda i, j: np.arange(i * 5 + j, i * 5 + j + 18, 2)),
    ({"sequence_stride": 3}, 7, 1, lambda i, j: np.arange(i * 15 + j * 3, i * 15 + j * 3 + 9)),
])
def test_batches_as_in_keras_tests(kwargs, batches, last, first_of):
    data = np.arange(100)
    dataset = timeseries_dataset_from_array(data, data * 2, sequence_length=9, batch_size=5,
                                            **kwargs)
    assert len(dataset) == batches
    seen = list(dataset)
    assert len(seen) == batches
    for i, (inputs, targets) in enumerate(seen):
        assert inputs.shape == ((5, 9) if i < batches - 1 else (last, 9))
        np.testing.assert_array_equal(targets, inputs[:, 0] * 2)  # the target of the start
        for j in range(len(inputs)):
            np.testing.assert_array_equal(inputs[j], first_of(i, j))


def test_shorter_targets_bound_the_windows():
    data = np.arange(10)
    dataset = timeseries_dataset_from_array(data, data[3:], sequence_length=3, batch_size=1)
    pairs = [(x[0].tolist(), int(y[0])) for x, y in dataset]
    assert len(pairs) == 7 and len(dataset) == 7
    assert pairs[0] == ([0, 1, 2], 3) and pairs[-1] == ([6, 7, 8], 9)


def test_start_and_end_index_bound_the_data_used():
    data = np.arange(100)
    dataset = timeseries_dataset_from_array(data, None, sequence_length=9, batch_size=5,
                                            sequence_stride=3, sampling_rate=2,
                                            start_index=10, end_index=90)
    x = windows(dataset)
    assert x.min() == 10 and x.max() == 89  # data[89] is the last point before end_index
    np.testing.assert_array_equal(x[0], np.arange(10, 28, 2))
    # Targets keep their absolute positions: the window starting at data[i] gets targets[i].
    dataset = timeseries_dataset_from_array(data, data * 2, sequence_length=4, start_index=50,
                                            end_index=60)
    inputs, targets = next(iter(dataset))
    np.testing.assert_array_equal(targets, inputs[:, 0] * 2)
    assert inputs[0, 0] == 50 and inputs[-1, -1] == 59 and len(inputs) == 7


def test_feature_axes_are_kept_and_the_dtype_is_the_data_dtype():
    data = np.arange(60, dtype=np.float32).reshape(20, 3)
    x, y = next(iter(timeseries_dataset_from_array(data, np.arange(20), sequence_length=4,
                                                   batch_size=8)))
    assert x.shape == (8, 4, 3) and x.dtype == np.float32 and y.dtype == np.arange(1).dtype
    np.testing.assert_array_equal(x[2], data[2:6])


def test_unbatched_yields_single_windows():
    dataset = timeseries_dataset_from_array(np.arange(20), np.arange(20), sequence_length=5,
                                            batch_size=None)
    x, y = next(iter(dataset))
    assert x.shape == (5,) and y.shape == () and len(dataset) == 16
    x = next(iter(timeseries_dataset_from_array(np.arange(20), None, 5, batch_size=None,
                                                shuffle=True)))
    assert x.shape == (5,)


def test_shuffle_each_pass_anew_reproducibly_with_a_seed():
    data = np.arange(40)

    def make(seed):
        return timeseries_dataset_from_array(data, data * 2, sequence_length=5, batch_size=4,
                                             shuffle=True, seed=seed)

    dataset = make(123)
    first = windows(dataset)
    second = windows(dataset)
    # Every window exactly once per pass, with its own target, in a new order each pass.
    for x in (first, second):
        np.testing.assert_array_equal(np.sort(x[:, 0]), np.arange(36))
        np.testing.assert_array_equal(x, x[:, :1] + np.arange(5))
    assert not np.array_equal(first, second)
    assert not np.array_equal(first[:, 0], np.arange(36))
    for x, y in dataset:
        np.testing.assert_array_equal(y, x[:, 0] * 2)
    again = make(123)
    np.testing.assert_array_equal(windows(again), first)
    np.testing.assert_array_equal(windows(again), second)
    assert not np.array_equal(windows(make(7)), first)


def test_shuffle_without_seed_follows_set_random_seed():
    data = np.arange(30)
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        runs.append(windows(timeseries_dataset_from_array(data, None, 4, shuffle=True)))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_fit_evaluate_and_predict_take_the_dataset():
    keras.utils.set_random_seed(0)
    t = np.arange(300, dtype=np.float32)
    series = np.sin(0.2 * t)
    length = 8
    train = timeseries_dataset_from_array(series[:-length], series[length:], length,
                                          batch_size=32, end_index=200, shuffle=True, seed=1)
    val = timeseries_dataset_from_array(series[:-length], series[length:], length,
                                        batch_size=32, start_index=200)
    model = keras.Sequential([keras.Input(shape=(length,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit(train, epochs=15, validation_data=val, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 15 and "val_loss" in history.history
    assert losses[-1] < 0.2 * losses[0]  # the same dataset, passed over once per epoch
    # A sine is linear in its past: a linear model predicts it well.
    assert history.history["val_loss"][-1] < 0.01
    assert model.evaluate(val, verbose=0) == pytest.approx(history.history["val_loss"][-1])
    predictions = model.predict(val, verbose=0)
    assert predictions.shape == (sum(len(x) for x, _ in val), 1)


@pytest.mark.parametrize("kwargs, message", [
    ({"start_index": -1}, "`start_index` must be 0 or greater.*start_index=-1"),
    ({"start_index": 11}, "`start_index` must be .*lower than the length.*length 10"),
    ({"end_index": -1}, "`end_index` must be higher than 0.*end_index=-1"),
    ({"end_index": 11}, "`end_index` must be .*lower than the length.*end_index=11"),
    ({"start_index": 5, "end_index": 4}, "`end_index` must be higher than `start_index`"),
    ({"sampling_rate": 0}, "`sampling_rate` must be higher than 0"),
    ({"sequence_stride": 0}, "`sequence_stride` must be higher than 0"),
    ({"sequence_stride": 10}, "`sequence_stride` must be lower than the length"),
    ({"sequence_length": 0}, "`sequence_length` must be higher than 0"),
    ({"sequence_length": 2.5}, "`sequence_length` must be higher than 0.*2.5"),
    ({"batch_size": 0}, "`batch_size` must be None or a positive integer"),
    ({"sequence_length": 5, "sampling_rate": 3}, "no window fits.*covers 13 steps.*10 data"),
])
def test_bad_arguments_say_what_and_where(kwargs, message):
    kwargs = {"sequence_length": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        timeseries_dataset_from_array(np.arange(10), None, **kwargs)


def test_bad_data_and_targets():
    with pytest.raises(ValueError, match="`data` must be an array whose axis 0 is time"):
        timeseries_dataset_from_array(5.0, None, 3)
    with pytest.raises(ValueError, match="`data` is empty"):
        timeseries_dataset_from_array([], None, 3)
    with pytest.raises(ValueError, match="no window fits.*0 targets"):
        timeseries_dataset_from_array(np.arange(10), np.arange(0), 3)
