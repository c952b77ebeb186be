"""A small CNN on the shipped 8x8 handwritten digits: the CNN chapter of the textbooks.

    python -m minikeras.examples.digits_cnn
"""

import argparse
import time

import minikeras as keras
from minikeras.layers import (BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input,
                              MaxPooling2D)
from minikeras.utils import to_categorical


def main(epochs=15, verbose=1, seed=0):
    """Train and report; return the test accuracy."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    # Images of 8x8 pixels with one channel, values 0..16 scaled to [0, 1].
    x_train = x_train.reshape(-1, 8, 8, 1).astype("float32") / 16
    x_test = x_test.reshape(-1, 8, 8, 1).astype("float32") / 16

    model = keras.Sequential([
        Input(shape=(8, 8, 1)),
        Conv2D(32, 3, padding="same", activation="relu"),
        BatchNormalization(),
        MaxPooling2D(2),
        Conv2D(64, 3, padding="same", activation="relu"),
        MaxPooling2D(2),
        Flatten(),
        Dropout(0.3),
        Dense(10, activation="softmax"),
    ])
    if verbose:
        model.summary()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, to_categorical(y_train, 10), batch_size=32, epochs=epochs,
              verbose=verbose, validation_split=0.1)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, to_categorical(y_test, 10), verbose=0)
    if verbose:
        print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f} "
              f"(trained in {seconds:.1f} s)")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    args = parser.parse_args()
    main(epochs=args.epochs, verbose=args.verbose)
