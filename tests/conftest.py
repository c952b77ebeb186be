"""What every test starts from: fresh default layer names (dense, dense_1, ...) and seed 0."""

import pytest

import minikeras as keras


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session()
    keras.utils.set_random_seed(0)
