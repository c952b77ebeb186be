"""A stacked LSTM forecasts the next value of a noisy sine wave, and beats the naive forecast.

    python -m minikeras.examples.sine_forecast

The recipe of the RNN chapter on a series small enough to train in seconds: windows of the
past made by `timeseries_dataset_from_array`, a "deep RNN" (an LSTM returning its whole
sequence feeding a second LSTM), and a comparison with the common-sense baseline that
predicts the last value seen. A forecaster that cannot beat that baseline has learned nothing.
"""

import numpy as np

import minikeras as keras
from minikeras import layers
from minikeras.utils import set_random_seed, timeseries_dataset_from_array


def make_series(steps=600, period=20, noise=0.1, seed=0):
    """A sine wave of the given period plus Gaussian noise, shape (steps, 1), float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)
    values = np.sin(2 * np.pi * t / period) + noise * rng.standard_normal(steps)
    return values.astype("float32")[:, None]


def make_datasets(series, window=12, train_fraction=0.75, batch_size=32, seed=0):
    """Training and validation datasets of (past `window` values, next value) pairs; the
    validation windows start after the training part of the series."""
    split = int(len(series) * train_fraction)
    inputs, targets = series[:-window], series[window:]  # the window at i predicts i + window
    train = timeseries_dataset_from_array(inputs, targets, sequence_length=window,
                                          batch_size=batch_size, shuffle=True, seed=seed,
                                          end_index=split)
    val = timeseries_dataset_from_array(inputs, targets, sequence_length=window,
                                        batch_size=batch_size, start_index=split)
    return train, val


def build_model(window=12, units=16):
    """Two stacked LSTMs and a linear output: the next value of the series."""
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        layers.LSTM(units, return_sequences=True),  # a whole sequence for the next LSTM
        layers.LSTM(units),
        layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model


def naive_mse(dataset):
    """The mean squared error of predicting each target by the last value of its window."""
    errors = [np.square(x[:, -1] - y) for x, y in dataset]
    return float(np.mean(np.concatenate(errors)))


def main(epochs=10, verbose=1, seed=0):
    """Train the forecaster; print and return (validation MSE, naive last-value MSE)."""
    set_random_seed(seed)
    series = make_series(seed=seed)
    train, val = make_datasets(series, seed=seed)
    model = build_model()
    history = model.fit(train, epochs=epochs, validation_data=val, verbose=verbose)
    model_mse = float(history.history["val_loss"][-1])
    baseline = naive_mse(val)
    print(f"validation MSE: stacked LSTM {model_mse:.4f}, naive last value {baseline:.4f} "
          f"({baseline / model_mse:.1f}x worse)")
    return model_mse, baseline


if __name__ == "__main__":
    main()
