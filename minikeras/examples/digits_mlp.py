"""The Keras MLP of the textbooks, trained on the handwritten digits shipped with minikeras.

    python -m minikeras.examples.digits_mlp

The script is the familiar Keras flow, unchanged but for the import: data -> one-hot ->
Sequential -> compile -> fit with validation_split -> evaluate.
"""

import argparse
import time

import minikeras as keras
from minikeras.layers import Activation, Dense, Dropout
from minikeras.models import Sequential
from minikeras.utils import to_categorical


def main(epochs=30, verbose=1, seed=0):
    """Train and report; return the test accuracy."""
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    # 8x8 images with values 0..16 -> vectors of 64 values in [0, 1].
    x_train = x_train.reshape(len(x_train), 64).astype("float32") / 16
    x_test = x_test.reshape(len(x_test), 64).astype("float32") / 16
    Y_train = to_categorical(y_train, 10)
    Y_test = to_categorical(y_test, 10)

    model = Sequential()
    model.add(Dense(64, input_dim=64, kernel_initializer="random_uniform"))
    model.add(Activation("relu"))
    model.add(Dropout(0.3))
    model.add(Dense(10, activation="softmax"))
    if verbose:
        model.summary()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

    start = time.perf_counter()
    model.fit(x_train, Y_train, batch_size=32, epochs=epochs, verbose=verbose,
              validation_split=0.2)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, Y_test, verbose=0)
    if verbose:
        print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f} "
              f"(trained in {seconds:.1f} s)")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    args = parser.parse_args()
    main(epochs=args.epochs, verbose=args.verbose)
