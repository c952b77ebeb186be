"""HyperParameters: sampling ranges, steps and log scales, the unit-interval mapping, conditions,
records, and clear errors for bad definitions."""

import json

import numpy as np
import pytest

from minikeras import tuner as kt
from minikeras.tuner.hyperparameters import Boolean, Choice, Fixed, Float, Int


def samples(hyperparameter, n=400, seed=0):
    rng = np.random.default_rng(seed)
    return [hyperparameter.random_sample(rng) for _ in range(n)]


# Sampling -----------------------------------------------------------------------------------

def test_int_with_a_step_samples_exactly_its_grid():
    units = Int("units", 32, 128, step=32)
    assert set(samples(units)) == {32, 64, 96, 128}
    assert units.values() == [32, 64, 96, 128]
    assert units.default == 32
    # the last step may fall short of max_value: 6, 9, 12 but not 13
    assert Int("n", 6, 13, step=3).values() == [6, 9, 12]


def test_int_without_a_step_takes_every_integer():
    n = Int("n", 2, 5)
    assert n.step == 1 and n.get_config()["step"] == 1
    drawn = samples(n)
    assert set(drawn) == {2, 3, 4, 5}
    assert all(type(v) is int for v in drawn)


def test_a_huge_int_range_samples_without_listing_it():
    seed = Int("seed", 0, 2 ** 31 - 1)
    drawn = samples(seed, n=50)
    assert all(0 <= v < 2 ** 31 for v in drawn) and len(set(drawn)) == 50
    assert seed.from_unit(seed.to_unit(123456789)) == 123456789


def test_float_with_a_step_has_clean_values():
    assert Float("p", 0.0, 0.5, step=0.1).values() == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert set(samples(Float("p", 0.0, 0.5, step=0.1))) == {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}


def test_log_sampling_is_uniform_in_the_exponent():
    drawn = np.array(samples(Float("lr", 1e-4, 1e-1, sampling="log"), n=3000))
    assert drawn.min() >= 1e-4 and drawn.max() <= 1e-1
    # one decade of three below 1e-3: linear sampling would put only ~1% there
    assert 0.29 < np.mean(drawn < 1e-3) < 0.38
    ints = np.array(samples(Int("n", 1, 1000, sampling="log"), n=3000))
    assert 0.29 < np.mean(ints < 10) < 0.38
    assert ints.min() >= 1 and ints.max() <= 1000


def test_log_and_reverse_log_steps_multiply():
    assert Int("filters", 8, 64, step=2, sampling="log").values() == [8, 16, 32, 64]
    assert Float("lr", 1e-3, 10.0, step=10, sampling="log").values() == \
        [0.001, 0.01, 0.1, 1.0, 10.0]
    # reverse_log mirrors the log grid: dense near max_value
    assert Float("momentum", 0.1, 1.0, step=2, sampling="reverse_log").values() == \
        pytest.approx([0.3, 0.7, 0.9, 1.0])
    momentum = np.array(samples(Float("momentum", 0.01, 1.0, sampling="reverse_log"), n=3000))
    assert np.mean(momentum > 0.9) > 0.45


def test_choice_boolean_and_fixed_sample_their_values():
    assert set(samples(Choice("act", ["relu", "tanh", "gelu"]))) == {"relu", "tanh", "gelu"}
    assert set(samples(Boolean("bn"))) == {False, True}
    assert set(samples(Fixed("batch", 32))) == {32}


def test_unit_mapping_round_trips_every_value():
    space = [Int("a", 1, 9, step=2), Int("b", 1, 64, step=2, sampling="log"),
             Float("c", 1e-3, 1.0, sampling="log"), Float("d", 0.1, 1.0, step=3,
                                                          sampling="reverse_log"),
             Choice("e", ["relu", "tanh", "gelu"]), Choice("f", [64, 16, 32]), Boolean("g"),
             Fixed("h", "x")]
    for hyperparameter in space:
        for value in hyperparameter.values():
            unit = hyperparameter.to_unit(value)
            assert 0.0 <= unit <= 1.0
            assert hyperparameter.from_unit(unit) == pytest.approx(value)


def test_an_ordered_choice_maps_its_values_in_order():
    sizes = Choice("size", [64, 16, 32])
    assert sizes.ordered and sizes.values() == [64, 16, 32]  # grid order as given
    units = [sizes.to_unit(v) for v in (16, 32, 64)]
    assert units == sorted(units)  # neighbours in value are neighbours for the Bayesian search


# HyperParameters ----------------------------------------------------------------------------

def test_declaring_returns_defaults_and_get_reads_values():
    hp = kt.HyperParameters()
    assert hp.Int("units", 8, 64, step=8, default=16) == 16
    assert hp.Choice("act", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("bn") is False
    assert hp.Fixed("batch", 32) == 32
    assert hp.Float("lr", 1e-3, 1e-1, sampling="log") == pytest.approx(1e-3)
    assert hp.get("units") == 16 and hp["act"] == "relu"
    assert hp.values == {"units": 16, "act": "relu", "bn": False, "batch": 32, "lr": 1e-3}
    assert hp.Int("units", 8, 64, step=8, default=16) == 16  # the same definition again: fine
    assert "units" in hp and "nope" not in hp
    with pytest.raises(KeyError, match="nope does not exist"):
        hp.get("nope")


def test_a_value_set_by_the_tuner_is_returned():
    hp = kt.HyperParameters()
    hp.values["units"] = 48
    assert hp.Int("units", 8, 64, step=8) == 48


def test_a_name_redefined_differently_raises():
    hp = kt.HyperParameters()
    hp.Int("units", 8, 64)
    with pytest.raises(ValueError, match="'units' is already defined as Int.*another name"):
        hp.Int("units", 8, 128)
    with pytest.raises(ValueError, match="'units' is already defined"):
        hp.Choice("units", [8, 16])


def test_conditional_scope_activates_by_the_parent_value():
    hp = kt.HyperParameters()
    model_type = hp.Choice("model_type", ["mlp", "cnn"])
    with hp.conditional_scope("model_type", ["cnn"]):
        filters = hp.Int("filters", 8, 32, step=8)
        with hp.conditional_scope("filters", [16, 32]):
            pool = hp.Boolean("pool")
    units = hp.Int("units", 8, 32, parent_name="model_type", parent_values="mlp")
    assert (model_type, filters, pool, units) == ("mlp", None, None, 8)
    assert not hp.is_active("filters") and hp.is_active("units")
    assert "filters" not in hp
    with pytest.raises(ValueError, match="filters is currently inactive"):
        hp.get("filters")

    hp.values.update({"model_type": "cnn", "filters": 16})
    assert hp.is_active("filters") and hp.is_active("pool") and not hp.is_active("units")
    hp.values["model_type"] = "mlp"
    assert not hp.is_active("pool")  # its parent is inactive, so it is too


def test_bad_conditions_raise_clear_errors():
    hp = kt.HyperParameters()
    with pytest.raises(ValueError, match="named: kind not defined"):
        with hp.conditional_scope("kind", ["a"]):
            pass
    hp.Choice("kind", ["a", "b"])
    with pytest.raises(ValueError, match=r"\['c'\] are not among its values \['a', 'b'\]"):
        with hp.conditional_scope("kind", ["c"]):
            pass
    with pytest.raises(ValueError, match="both `parent_name` and `parent_values`"):
        hp.Int("n", 1, 3, parent_name="kind")


def test_the_config_round_trips_through_json():
    hp = kt.HyperParameters()
    hp.Int("units", 8, 64, step=8, default=16)
    hp.Float("lr", 1e-4, 1e-2, sampling="log")
    hp.Choice("act", ["relu", "tanh"])
    hp.Boolean("bn", default=True)
    hp.Fixed("batch", 32)
    hp.Float("rate", 0.0, 0.5, step=0.1, parent_name="bn", parent_values=[True])
    config = json.loads(json.dumps(hp.get_config()))
    again = kt.HyperParameters.from_config(config)
    assert again.space == hp.space and again.values == hp.values
    assert config["space"][5]["config"]["conditions"] == \
        [{"class_name": "Parent", "config": {"name": "bn", "values": [True]}}]
    copy = hp.copy()
    copy.values["units"] = 24
    assert hp.values["units"] == 16


@pytest.mark.parametrize("call, error, match", [
    (lambda hp: hp.Int("a", 5, 1), ValueError,
     r"min_value must not exceed max_value, received min_value=5 > max_value=1"),
    (lambda hp: hp.Float("a", 0.0, 1.0, sampling="log"), ValueError,
     r"sampling='log' needs min_value > 0"),
    (lambda hp: hp.Int("a", -1, 8, sampling="reverse_log"), ValueError, "needs min_value > 0"),
    (lambda hp: hp.Float("a", 1.0, 2.0, sampling="cubic"), ValueError,
     r"one of \['linear', 'log', 'reverse_log'\], received sampling='cubic'"),
    (lambda hp: hp.Int("a", 1, 8, step=0), ValueError, "`step` must be > 0"),
    (lambda hp: hp.Int("a", 1, 8, step=1, sampling="log"), ValueError,
     "`step` must be > 1 .*factor"),
    (lambda hp: hp.Int("a", 1.5, 3), TypeError, "`min_value` of an Int must be an int"),
    (lambda hp: hp.Int("a", 1, 4, step=0.5), TypeError, "`step` of an Int must be an int"),
    (lambda hp: hp.Float("a", 0.0, float("nan")), TypeError, "must be a finite number"),
    (lambda hp: hp.Int("a", 1, 3, default=7), ValueError, r"default=7 is not one of its values"),
    (lambda hp: hp.Int("a", 0, 64, step=16, default=20), ValueError,
     r"default=20 is not one of its values: \[0, 16, 32, 48, 64\]"),
    (lambda hp: hp.Choice("a", []), ValueError, "non-empty list of candidates"),
    (lambda hp: hp.Choice("a", "relu"), ValueError, "non-empty list of candidates"),
    (lambda hp: hp.Choice("a", [1, "x"]), TypeError, "must all be numbers, all strs"),
    (lambda hp: hp.Choice("a", [1, 1]), ValueError, "must be distinct"),
    (lambda hp: hp.Choice("a", ["x", "y"], ordered=True), ValueError, "only for numbers"),
    (lambda hp: hp.Choice("a", ["x", "y"], default="z"), ValueError, "default='z' is not one"),
    (lambda hp: hp.Boolean("a", default=1), TypeError, "`default` must be a bool"),
    (lambda hp: hp.Fixed("a", [1, 2]), TypeError, "a Fixed value must be"),
    (lambda hp: hp.Int("", 1, 2), TypeError, "non-empty str"),
])
def test_bad_hyperparameters_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(kt.HyperParameters())
