"""One epoch of the classic MNIST MLP through `fit`, against the GEMM floor (and PyTorch).

Model: 784 -> Dense(512, relu) -> Dropout(0.2) -> Dense(512, relu) -> Dropout(0.2)
-> Dense(10, softmax), Adam, batch 128, 60,000 random float32 samples, fit(verbose=0).

The GEMM floor is the time numpy takes for just the matrix products of that epoch (forward:
three; backward: three kernel gradients and two input gradients, per batch), measured in the
same run: no implementation can train this model faster than its matrix products. A tiny model
(784 -> 32 -> 10) measures what the framework costs per step on top of the arithmetic.
PyTorch, where installed (never a dependency), runs the same model in the same process; real
Keras runs it in the interpreter named by the KERAS_PYTHON environment variable, when set.
"""

import os
import subprocess
import time

import numpy as np

from _timing import best_of

SAMPLES, BATCH, FEATURES, CLASSES = 60_000, 128, 784, 10


def _data(samples=SAMPLES):
    rng = np.random.default_rng(0)
    x = rng.random((samples, FEATURES), dtype=np.float32)
    y = np.eye(CLASSES, dtype=np.float32)[rng.integers(0, CLASSES, samples)]
    return x, y


def _minikeras_model(hidden, dropout=True):
    import minikeras as keras
    from minikeras.layers import Dense, Dropout
    keras.utils.set_random_seed(0)
    layers = []
    for i, units in enumerate(hidden):
        layers.append(Dense(units, activation="relu", input_shape=(FEATURES,)) if i == 0
                      else Dense(units, activation="relu"))
        if dropout:
            layers.append(Dropout(0.2))
    layers.append(Dense(CLASSES, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model


def _epoch_seconds(model, x, y, repeat=2):
    model.fit(x[:BATCH * 4], y[:BATCH * 4], batch_size=BATCH, epochs=1, verbose=0)  # warm up
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        best = min(best, time.perf_counter() - start)
    return best


def gemm_floor(sizes, samples=SAMPLES):
    """Seconds numpy needs for one epoch's matrix products of an MLP with layer `sizes`."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(sizes, sizes[1:])]
    acts = [rng.standard_normal((BATCH, n), dtype=np.float32) for n in sizes]

    def step():
        for i, w in enumerate(weights):
            np.matmul(acts[i], w)                     # forward
            np.matmul(acts[i].T, acts[i + 1])         # kernel gradient
            if i > 0:
                np.matmul(acts[i + 1], w.T)           # input gradient (not for the data)

    return best_of(step, repeat=5) * (samples / BATCH)


def _torch_epoch_seconds(x, y, hidden, dropout=True):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    layers, width = [], FEATURES
    for units in hidden:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        if dropout:
            layers.append(torch.nn.Dropout(0.2))
        width = units
    layers.append(torch.nn.Linear(width, CLASSES))
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.argmax(axis=1))

    def epoch():
        order = torch.randperm(len(xt))
        for start in range(0, len(xt), BATCH):
            index = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[index]), yt[index])
            loss.backward()
            optimizer.step()

    epoch()
    return best_of(epoch, repeat=2, number=1)


def _keras_epoch_seconds():
    """(big, tiny) epoch seconds in real Keras, or None without KERAS_PYTHON."""
    python = os.environ.get("KERAS_PYTHON")
    if not python:
        return None
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_reference.py")
    env = dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "jax"))
    out = subprocess.run([python, script], capture_output=True, text=True, env=env, check=True)
    big, tiny = (float(v) for v in out.stdout.split()[-2:])
    return big, tiny, env["KERAS_BACKEND"]


def run():
    x, y = _data()
    rows = []
    keras_times = _keras_epoch_seconds()
    big = _epoch_seconds(_minikeras_model([512, 512]), x, y)
    floor = gemm_floor([FEATURES, 512, 512, CLASSES])
    rows.append(("mnist_mlp: one epoch of fit (512-512, Adam, batch 128)", big, "s",
                 f"{big / floor:.2f}x the GEMM floor of {floor:.2f} s"))
    if keras_times is not None:
        rows.append((f"mnist_mlp: the same epoch in Keras ({keras_times[2]})", keras_times[0],
                     "s", f"{keras_times[0] / floor:.2f}x the floor; minikeras / Keras = "
                          f"{big / keras_times[0]:.2f}"))
    torch_big = _torch_epoch_seconds(x, y, [512, 512])
    if torch_big is not None:
        rows.append(("mnist_mlp: the same epoch in PyTorch (eager, CPU)", torch_big, "s",
                     f"minikeras / PyTorch = {big / torch_big:.2f}"))
    tiny = _epoch_seconds(_minikeras_model([32], dropout=False), x, y)
    steps = SAMPLES / BATCH
    tiny_floor = gemm_floor([FEATURES, 32, CLASSES])
    rows.append(("tiny 784-32-10 model: time per training step", tiny / steps * 1e3, "ms",
                 f"GEMM floor {tiny_floor / steps * 1e3:.3f} ms/step; target < 0.5 ms"))
    if keras_times is not None:
        rows.append((f"tiny model per step in Keras ({keras_times[2]})",
                     keras_times[1] / steps * 1e3, "ms",
                     f"minikeras / Keras = {tiny / keras_times[1]:.2f}"))
    torch_tiny = _torch_epoch_seconds(x, y, [32], dropout=False)
    if torch_tiny is not None:
        rows.append(("tiny model per step in PyTorch", torch_tiny / steps * 1e3, "ms",
                     f"minikeras / PyTorch = {tiny / torch_tiny:.2f}"))
    return rows
