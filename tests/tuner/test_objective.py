"""Objective: the direction inferred from a metric's name, or given, and clear errors."""

import pytest

from minikeras import tuner as kt
from minikeras.tuner.objective import get


@pytest.mark.parametrize("name, direction", [
    ("val_loss", "min"), ("loss", "min"), ("val_accuracy", "max"), ("accuracy", "max"),
    ("val_acc", "max"), ("val_sparse_categorical_accuracy", "max"), ("val_auc", "max"),
    ("val_mean_absolute_error", "min"), ("val_mae", "min"), ("val_precision", "max"),
    ("val_root_mean_squared_error", "min"), ("val_r2_score", "max"),
])
def test_the_direction_is_inferred_from_the_name(name, direction):
    objective = get(name)
    assert (objective.name, objective.direction) == (name, direction)


def test_an_objective_passes_through_and_compares_scores():
    objective = kt.Objective("val_auc", direction="max")
    assert get(objective) is objective
    assert objective.better(0.9, 0.8) and not objective.better(0.7, 0.8)
    assert objective.better(0.1, None) and not objective.better(None, 0.1)
    assert objective.best_of([0.2, 0.9, 0.5]) == 0.9
    assert get("val_loss").best_of([0.2, 0.9, 0.5]) == 0.2
    assert sorted([0.2, 0.9, 0.5], key=objective.sort_key) == [0.9, 0.5, 0.2]
    assert repr(objective) == 'Objective(name="val_auc", direction="max")'
    assert objective == kt.Objective(**objective.get_config())


def test_bad_objectives_raise_clear_errors():
    with pytest.raises(ValueError, match='Could not infer optimization direction.*"val_custom".*'
                                         r'Objective\("val_custom", direction="max"\)'):
        get("val_custom")
    with pytest.raises(ValueError, match=r"`direction` must be 'min' or 'max', received "
                                         r"direction='down'"):
        kt.Objective("val_loss", "down")
    with pytest.raises(TypeError, match="a metric name such as 'val_loss'"):
        get(3)
    with pytest.raises(TypeError, match="must be a metric name"):
        kt.Objective("", "min")
