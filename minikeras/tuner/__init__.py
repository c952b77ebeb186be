"""Hyperparameter search, as KerasTuner spells it: declare a search space in `build_model(hp)`,
then let `RandomSearch`, `GridSearch` or `BayesianOptimization` try values and keep the best.

>>> from minikeras import tuner
>>> def build_model(hp):
...     model = keras.Sequential([keras.layers.Dense(hp.Int("units", 16, 128, step=16),
...                                                  activation="relu"),
...                               keras.layers.Dense(10, activation="softmax")])
...     model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
...     return model
>>> search = tuner.RandomSearch(build_model, objective="val_accuracy", max_trials=5, seed=1)
>>> search.search(x_train, y_train, epochs=3, validation_split=0.2)
>>> model = search.get_best_models()[0]
"""

from .hyperparameters import Boolean, Choice, Fixed, Float, HyperParameter, HyperParameters, Int
from .objective import Objective
from .oracles import BayesianOptimizationOracle, GridSearchOracle, Oracle, RandomSearchOracle
from .trial import Trial
from .tuner import BayesianOptimization, GridSearch, HyperModel, RandomSearch, Tuner
