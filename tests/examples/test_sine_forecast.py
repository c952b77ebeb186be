"""The sine forecast example: a stacked LSTM beats the naive last-value forecast."""

import numpy as np

from minikeras.examples import sine_forecast


def test_the_stacked_lstm_beats_the_naive_forecast(capsys):
    model_mse, baseline = sine_forecast.main(epochs=8, verbose=0)
    assert model_mse < 0.6 * baseline
    out = capsys.readouterr().out
    assert "stacked LSTM" in out and "naive last value" in out and f"{baseline:.4f}" in out


def test_the_naive_baseline_is_the_error_of_the_last_value():
    series = sine_forecast.make_series(steps=100, noise=0.0)
    train, val = sine_forecast.make_datasets(series, window=5, batch_size=8)
    x, y = next(iter(val))
    assert x.shape == (8, 5, 1) and y.shape == (8, 1)
    # Window i covers steps i..i+4 and predicts step i+5.
    start = int(100 * 0.75)
    np.testing.assert_array_equal(x[0, :, 0], series[start:start + 5, 0])
    np.testing.assert_array_equal(y[0], series[start + 5])
    expected = np.mean([(series[i + 4, 0] - series[i + 5, 0]) ** 2 for i in range(start, 91)])
    assert np.isclose(sine_forecast.naive_mse(val), expected, rtol=1e-5)
