import json

import numpy as np
import pytest

from minikeras import losses, metrics
from minikeras.backend import clear_session
from minikeras.registry import snake_case

# Classes whose constructor needs an argument, or that are abstract.
NEEDS_ARGS = {metrics.MeanMetricWrapper}


def test_get_gives_functions_for_function_names_and_instances_for_class_names():
    assert metrics.get("accuracy") is metrics.accuracy
    assert metrics.get("binary_accuracy") is metrics.binary_accuracy
    assert metrics.get("categorical_crossentropy") is losses.categorical_crossentropy
    assert metrics.get("mse") is metrics.mean_squared_error
    assert metrics.get("MAE") is metrics.mean_absolute_error
    assert metrics.get(None) is None
    precision = metrics.get("Precision")
    assert isinstance(precision, metrics.Precision)
    assert isinstance(metrics.get("precision"), metrics.Precision)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("root_mean_squared_error"), metrics.RootMeanSquaredError)
    assert isinstance(metrics.get("cosine_similarity"), metrics.CosineSimilarity)
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    assert metrics.get(precision) is precision


def test_get_from_a_config_dict():
    m = metrics.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(m, metrics.CategoricalCrossentropy) and m.from_logits


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown metric: 'acuracy'. Did you mean 'accuracy'\?"
                                         r" Valid names are: .*'AUC'.*'top_k_categorical_"):
        metrics.get("acuracy")


def test_loss_functions_are_re_exported():
    for name in ("binary_crossentropy", "categorical_crossentropy", "categorical_hinge", "hinge",
                 "huber", "kl_divergence", "log_cosh", "mean_absolute_error",
                 "mean_absolute_percentage_error", "mean_squared_error",
                 "mean_squared_logarithmic_error", "poisson", "sparse_categorical_crossentropy",
                 "squared_hinge"):
        assert getattr(metrics, name) is getattr(losses, name)
        assert metrics.serialize(getattr(metrics, name)) == name
        assert metrics.deserialize(name) is getattr(losses, name)


def _constructible():
    return [cls for cls in metrics.METRIC_CLASSES if cls not in NEEDS_ARGS]


@pytest.mark.parametrize("cls", _constructible(), ids=lambda cls: cls.__name__)
def test_every_metric_round_trips_through_json(cls):
    metric = cls(name="custom_name", dtype="float64")
    config = metrics.serialize(metric)
    assert config["class_name"] == cls.__name__ and config["module"] == "keras.metrics"
    clone = metrics.deserialize(json.loads(json.dumps(config)))
    assert type(clone) is cls
    assert clone.get_config() == metric.get_config()
    assert clone.name == "custom_name" and clone.dtype == "float64"
    assert cls.from_config(metric.get_config()).get_config() == metric.get_config()


@pytest.mark.parametrize("cls", _constructible(), ids=lambda cls: cls.__name__)
def test_every_metric_has_a_keras_default_name(cls):
    expected = {metrics.LogCoshError: "logcosh", metrics.FBetaScore: "fbeta_score"}
    clear_session()
    assert cls().name == expected.get(cls, snake_case(cls.__name__))


def test_unnamed_metrics_are_numbered_as_in_keras():
    clear_session()
    assert [metrics.Precision().name for _ in range(3)] == ["precision", "precision_1",
                                                            "precision_2"]
    assert [metrics.Accuracy().name for _ in range(2)] == ["accuracy", "accuracy"]  # named
    assert metrics.MeanMetricWrapper(metrics.hinge).name == "mean_metric_wrapper"
    clear_session()
    assert metrics.Precision().name == "precision"


def test_per_sample_functions_return_one_value_per_sample():
    y_true = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    y_pred = np.array([[0.2, 0.8], [0.3, 0.7], [0.9, 0.1]], "float32")
    for fn in (metrics.accuracy, metrics.binary_accuracy, metrics.categorical_accuracy,
               metrics.top_k_categorical_accuracy):
        assert np.asarray(fn(y_true, y_pred)).shape == (3,), fn.__name__
    labels = np.array([1, 0, 0])
    for fn in (metrics.sparse_categorical_accuracy, metrics.sparse_top_k_categorical_accuracy):
        assert fn(labels, y_pred).shape == (3,), fn.__name__
    np.testing.assert_array_equal(metrics.categorical_accuracy(y_true, y_pred), [1, 0, 1])
