"""One epoch of the classic MNIST CNN through `fit`, against numpy's im2col matrix products.

Model: 28x28x1 -> Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu)
-> MaxPooling2D(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax), Adam, batch 128,
10,000 random float32 samples, fit(verbose=0).

The floor is the time numpy takes for the equivalent im2col matrix products alone in the same
run (forward, kernel gradient and, for the second convolution, input gradient), plus the dense
layer's three products.
"""

import time

import numpy as np

from _timing import best_of

SAMPLES, BATCH = 10_000, 128


def _model():
    import minikeras as keras
    from minikeras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        Conv2D(32, 3, activation="relu"),
        MaxPooling2D(2),
        Conv2D(64, 3, activation="relu"),
        MaxPooling2D(2),
        Flatten(),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def im2col_floor(samples=SAMPLES):
    """Seconds numpy needs for one epoch's matrix products of the model, as im2col GEMMs."""
    rng = np.random.default_rng(0)

    def mat(rows, cols):
        return rng.standard_normal((rows, cols), dtype=np.float32)

    # (rows of the im2col matrix, window size, filters) of each convolution.
    c1 = (BATCH * 26 * 26, 9 * 1, 32)
    c2 = (BATCH * 11 * 11, 9 * 32, 64)
    arrays = {name: (mat(r, k), mat(k, f), mat(r, f)) for name, (r, k, f) in
              (("c1", c1), ("c2", c2))}
    dense = (mat(BATCH, 1600), mat(1600, 10), mat(BATCH, 10))

    def step():
        for name, (cols, kernel, grad) in arrays.items():
            np.matmul(cols, kernel)              # forward
            np.matmul(cols.T, grad)              # kernel gradient
            if name == "c2":
                np.matmul(grad, kernel.T)        # input gradient (as columns)
        x, w, g = dense
        np.matmul(x, w)
        np.matmul(x.T, g)
        np.matmul(g, w.T)

    return best_of(step, repeat=3) * (samples / BATCH)


def run():
    rng = np.random.default_rng(0)
    x = rng.random((SAMPLES, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, SAMPLES)]
    model = _model()
    model.fit(x[:BATCH * 2], y[:BATCH * 2], batch_size=BATCH, epochs=1, verbose=0)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        best = min(best, time.perf_counter() - start)
    floor = im2col_floor()
    return [("mnist_cnn: one epoch of fit (10,000 samples, batch 128)", best, "s",
             f"{best / floor:.2f}x numpy's im2col matrix products ({floor:.2f} s)")]
