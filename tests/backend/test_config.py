"""Global numeric settings."""

import numpy as np
import pytest

from minikeras import backend, ops


def test_defaults_match_keras():
    assert backend.floatx() == "float32"
    assert backend.epsilon() == 1e-7
    assert backend.image_data_format() == "channels_last"
    assert backend.backend() == "numpy"


def test_set_floatx_changes_new_tensors_and_rejects_unknown_names():
    try:
        backend.set_floatx("float64")
        assert ops.convert_to_tensor([1.0]).dtype == np.float64
        assert ops.zeros((2,)).dtype == np.float64
    finally:
        backend.set_floatx("float32")
    with pytest.raises(ValueError, match="Unknown floatx type: 'float8'.*float32"):
        backend.set_floatx("float8")


def test_set_epsilon_and_image_data_format():
    try:
        backend.set_epsilon(1e-5)
        assert backend.epsilon() == 1e-5
        backend.set_image_data_format("channels_first")
        assert backend.image_data_format() == "channels_first"
    finally:
        backend.set_epsilon(1e-7)
        backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="positive"):
        backend.set_epsilon(0)
    with pytest.raises(ValueError, match="channels_last"):
        backend.set_image_data_format("nhwc")
