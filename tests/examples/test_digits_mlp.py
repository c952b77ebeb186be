"""The main demo: the textbook MLP on the shipped digits."""

import time

from minikeras.examples import digits_mlp


def test_demo_reaches_95_percent_quickly():
    start = time.perf_counter()
    accuracy = digits_mlp.main(verbose=0)
    assert accuracy >= 0.95
    assert time.perf_counter() - start < 20


def test_demo_prints_progress_and_the_result(capsys):
    digits_mlp.main(epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert 'Model: "sequential' in out and "Epoch 2/2" in out and "val_accuracy" in out
    assert "Test loss" in out
