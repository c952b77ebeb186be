"""The CNN example: a small CNN learns the shipped digits as 8x8x1 images."""

from minikeras.examples import digits_cnn


def test_small_cnn_reaches_95_percent_on_the_digits():
    assert digits_cnn.main(verbose=0) >= 0.95
