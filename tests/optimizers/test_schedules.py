"""Learning rate schedules: Keras's formulas at chosen steps, configs, errors."""

import math

import numpy as np
import pytest

from minikeras.backend import Tensor
from minikeras.optimizers import schedules
from minikeras.optimizers.schedules import (CosineDecay, CosineDecayRestarts, ExponentialDecay,
                                            InverseTimeDecay, LearningRateSchedule,
                                            PiecewiseConstantDecay, PolynomialDecay)

ALL_SCHEDULES = [
    ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    PiecewiseConstantDecay([3, 7], [1.0, 0.5, 0.1]),
    PolynomialDecay(0.1, decay_steps=8, end_learning_rate=0.01, power=2.0, cycle=True),
    InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5),
    CosineDecay(0.1, decay_steps=20, alpha=0.1, warmup_target=0.5, warmup_steps=5),
    CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.05),
]


@pytest.mark.parametrize("step", [0, 5, 15, 40])
def test_exponential_decay(step):
    assert ExponentialDecay(0.1, 10, 0.5)(step) == pytest.approx(0.1 * 0.5 ** (step / 10))
    stair = ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert stair(step) == pytest.approx(0.1 * 0.5 ** (step // 10))


def test_piecewise_constant_decay_keras_example():
    # Keras's docstring: 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
    schedule = PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
    assert [schedule(s) for s in (0, 100000, 100001, 110000, 110001, 10 ** 7)] == \
        [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


@pytest.mark.parametrize("step", [0, 4, 8, 30])
def test_polynomial_decay(step):
    schedule = PolynomialDecay(0.1, decay_steps=8, end_learning_rate=0.01, power=2.0)
    p = min(step, 8) / 8
    assert schedule(step) == pytest.approx((0.1 - 0.01) * (1 - p) ** 2 + 0.01)


@pytest.mark.parametrize("step, period", [(0, 8), (4, 8), (8, 8), (9, 16), (20, 24)])
def test_polynomial_decay_cycles_to_the_next_multiple(step, period):
    schedule = PolynomialDecay(0.1, decay_steps=8, end_learning_rate=0.01, cycle=True)
    assert schedule(step) == pytest.approx(0.09 * (1 - step / period) + 0.01)


@pytest.mark.parametrize("step", [0, 3, 4, 9])
def test_inverse_time_decay(step):
    assert InverseTimeDecay(0.1, 4, 0.5)(step) == pytest.approx(0.1 / (1 + 0.5 * step / 4))
    stair = InverseTimeDecay(0.1, 4, 0.5, staircase=True)
    assert stair(step) == pytest.approx(0.1 / (1 + 0.5 * (step // 4)))


@pytest.mark.parametrize("step", [0, 5, 10, 25])
def test_cosine_decay(step):
    s = min(step, 10)
    expected = 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * s / 10)) + 0.1)
    assert CosineDecay(0.1, decay_steps=10, alpha=0.1)(step) == pytest.approx(expected)


def test_cosine_decay_with_warmup():
    schedule = CosineDecay(0.0, decay_steps=10, alpha=0.2, warmup_target=1.0, warmup_steps=4)
    assert schedule(0) == 0.0
    assert schedule(1) == pytest.approx(0.25)          # linear warmup from 0 to 1
    assert schedule(4) == pytest.approx(1.0)           # decay starts at warmup_target
    assert schedule(9) == pytest.approx(0.8 * 0.5 * (1 + math.cos(math.pi * 0.5)) + 0.2)
    assert schedule(14) == pytest.approx(0.2)          # ends at alpha * warmup_target
    assert schedule(100) == pytest.approx(0.2)


def test_cosine_decay_restarts_with_constant_periods():
    schedule = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0, m_mul=0.5)
    for step in (0, 3, 10, 17, 25):
        i, fraction = divmod(step, 10)
        expected = 0.5 ** i * 0.5 * (1 + math.cos(math.pi * fraction / 10))
        assert schedule(step) == pytest.approx(expected)


def test_cosine_decay_restarts_with_growing_periods():
    # Periods of 10, 20, 40 steps start at steps 0, 10 and 30.
    schedule = CosineDecayRestarts(2.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1)
    starts, lengths = [0, 10, 30], [10, 20, 40]
    for step in (0, 5, 10, 20, 30, 50):
        i = max(k for k, start in enumerate(starts) if step >= start)
        fraction = (step - starts[i]) / lengths[i]
        decayed = 0.5 ** i * 0.5 * (1 + math.cos(math.pi * fraction))
        assert schedule(step) == pytest.approx(2.0 * (0.9 * decayed + 0.1))


@pytest.mark.parametrize("step", [np.int64(7), np.array(7), Tensor(np.array(7)), 7.0])
def test_step_may_be_a_numpy_number_or_tensor(step):
    assert ExponentialDecay(0.1, 10, 0.5)(step) == pytest.approx(0.1 * 0.5 ** 0.7)
    assert isinstance(ExponentialDecay(0.1, 10, 0.5)(step), float)


@pytest.mark.parametrize("schedule", ALL_SCHEDULES, ids=lambda s: type(s).__name__)
def test_config_round_trip(schedule):
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(schedule).__name__
    for restored in (schedules.deserialize(config),
                     type(schedule).from_config(schedule.get_config())):
        assert type(restored) is type(schedule)
        assert restored.get_config() == schedule.get_config()
        assert [restored(s) for s in range(0, 60, 7)] == [schedule(s) for s in range(0, 60, 7)]


def test_config_keys_are_keras():
    assert set(CosineDecayRestarts(0.1, 10).get_config()) == {
        "initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"}
    assert ExponentialDecay(0.1, 1000, 0.96).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96,
        "staircase": False, "name": "ExponentialDecay"}
    assert CosineDecay(0.1, 10).get_config()["name"] == "CosineDecay"
    assert PiecewiseConstantDecay([1], [1.0, 0.5]).get_config()["name"] == "PiecewiseConstant"


def test_deserialize_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown learning rate schedule.*'ExponentialDecay'"):
        schedules.deserialize({"class_name": "ExponentialDecy", "config": {}})


@pytest.mark.parametrize("make", [
    lambda: ExponentialDecay(0.1, 0, 0.5),
    lambda: InverseTimeDecay(0.1, -1, 0.5),
    lambda: PolynomialDecay(0.1, 0),
    lambda: CosineDecay(0.1, 0),
    lambda: CosineDecayRestarts(0.1, 0),
])
def test_decay_steps_must_be_positive(make):
    with pytest.raises(ValueError, match="must be > 0"):
        make()


def test_piecewise_constant_decay_errors():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        PiecewiseConstantDecay([10, 20], [1.0, 0.5])
    with pytest.raises(ValueError, match="strictly increasing"):
        PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1])


def test_bad_argument_types_name_the_schedule_and_argument():
    with pytest.raises(ValueError, match="ExponentialDecay: argument `decay_rate`"):
        ExponentialDecay(0.1, 10, "fast")
    with pytest.raises(TypeError, match="step count as a number"):
        ExponentialDecay(0.1, 10, 0.5)("step")


def test_base_class_is_abstract_and_serialize_checks_type():
    with pytest.raises(NotImplementedError, match="must override"):
        LearningRateSchedule()(0)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        schedules.serialize(0.1)
