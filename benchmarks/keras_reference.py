"""The mnist_mlp epoch in real Keras, run by mnist_mlp.py in another interpreter.

    KERAS_PYTHON=/path/to/python-with-keras python benchmarks/run.py mnist_mlp

Prints the best of two epoch times, in seconds, for the models mnist_mlp.py times. Not part of
minikeras: it only imports Keras (any backend; KERAS_BACKEND chooses).
"""

import sys
import time

import numpy as np


def main(samples=60_000, batch=128):
    import keras
    rng = np.random.default_rng(0)
    x = rng.random((samples, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, samples)]
    for hidden, dropout in (([512, 512], True), ([32], False)):
        layers = [keras.Input(shape=(784,))]
        for units in hidden:
            layers.append(keras.layers.Dense(units, activation="relu"))
            if dropout:
                layers.append(keras.layers.Dropout(0.2))
        layers.append(keras.layers.Dense(10, activation="softmax"))
        model = keras.Sequential(layers)
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x[:batch * 4], y[:batch * 4], batch_size=batch, epochs=1, verbose=0)
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
            best = min(best, time.perf_counter() - start)
        print(best)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
