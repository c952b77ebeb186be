"""Metrics by their Keras names: stateful Metric classes and per-sample metric functions.

A Metric keeps running state over batches (`update_state`, `result`, `reset_state`); the
functions (`binary_accuracy`, ..., and the loss functions re-exported from `losses`) return one
value per sample. As in Keras, `get` gives a function for a function's name and an instance
for a class's name ('Precision', or 'precision' where no function has that name).

>>> from minikeras import metrics
>>> m = metrics.get("Precision")
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> m.result()
0.6666666865348816
"""

from ..losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                      categorical_focal_crossentropy, categorical_hinge, hinge, huber,
                      kl_divergence, log_cosh, mean_absolute_error,
                      mean_absolute_percentage_error, mean_squared_error,
                      mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                      squared_hinge)
from ..registry import Registry, snake_case
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                               SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                               TopKCategoricalAccuracy, accuracy, binary_accuracy,
                               categorical_accuracy, sparse_categorical_accuracy,
                               sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from .base import Mean, MeanMetricWrapper, Metric, Sum
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, Recall,
                                TrueNegatives, TruePositives)
from .f_score_metrics import F1Score, FBetaScore
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from .probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy, KLDivergence,
                                    Poisson, SparseCategoricalCrossentropy)
from .regression_metrics import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                                 MeanAbsolutePercentageError, MeanSquaredError,
                                 MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError)

METRIC_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore,
)
METRIC_FUNCTIONS = (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence, log_cosh,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge,
)
ALL_OBJECTS = METRIC_CLASSES + METRIC_FUNCTIONS

# A class is also found by its snake_case name, unless a function has that name: 'precision'
# gives Precision(), 'mean_squared_error' the function.
_FUNCTION_NAMES = {fn.__name__ for fn in METRIC_FUNCTIONS}
_ALIASES = {snake_case(cls.__name__): cls for cls in METRIC_CLASSES
            if snake_case(cls.__name__) not in _FUNCTION_NAMES}
_ALIASES.update({
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
})
_REGISTRY = Registry("metric", "keras.metrics", ALL_OBJECTS, aliases=_ALIASES,
                     instantiate=True)


def get(identifier):
    """The metric for a name, a config dict, a class, an instance or a function (None: None).

    A function's name gives the function ('binary_accuracy', 'mse'); a class's name gives a new
    instance ('AUC', 'auc').

    Args:
        identifier: what to resolve.

    >>> get("categorical_accuracy") is categorical_accuracy
    True
    """
    return _REGISTRY.get(identifier)


def serialize(metric):
    """Keras's config of a metric: a name for a built-in function, a dict for an instance."""
    return _REGISTRY.serialize(metric)


def deserialize(config, custom_objects=None):
    """The metric function or instance a config (name or dict) describes."""
    return _REGISTRY.deserialize(config, custom_objects)
