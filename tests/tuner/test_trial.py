"""Trial: its JSON record round-trips, and it knows which values its build read."""

import json

import pytest

from minikeras import tuner as kt


def make_trial():
    hp = kt.HyperParameters()
    hp.Int("num_layers", 1, 2)
    hp.Int("units_0", 8, 16, step=8)
    hp.Int("units_1", 8, 16, step=8)
    hp.values.update({"num_layers": 1, "units_0": 16, "units_1": 8})
    return kt.Trial("03", hp)


def test_the_record_round_trips_through_json():
    trial = make_trial()
    trial.status, trial.score, trial.best_step = "COMPLETED", 0.25, 1
    trial.metrics = {"val_loss": [0.5, 0.25]}
    trial.active = ["num_layers", "units_0"]
    again = kt.Trial.from_state(json.loads(json.dumps(trial.get_state())))
    assert again.get_state() == trial.get_state()
    assert again.finished and not kt.Trial("04", kt.HyperParameters()).finished


def test_used_values_leave_out_what_the_build_did_not_read():
    trial = make_trial()
    assert trial.used_values() == {"num_layers": 1, "units_0": 16, "units_1": 8}
    trial.active = ["num_layers", "units_0"]
    assert trial.used_values() == {"num_layers": 1, "units_0": 16}


def test_a_record_that_is_not_a_trial_is_refused():
    with pytest.raises(ValueError, match="Not a trial record.*'status'"):
        kt.Trial.from_state({"trial_id": "00", "status": "DONE"})
