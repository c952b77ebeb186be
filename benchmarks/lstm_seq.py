"""One epoch of a sequence regressor through `fit`, against the same model in PyTorch.

Model: (50 timesteps, 8 features) -> LSTM(64) -> Dense(1), mse, Adam, batch 64, 10,000 random
float32 samples, fit(verbose=0). When torch is importable (it is never a dependency), the same
model and epoch run in PyTorch eager mode in the same process, and the ratio is reported.
"""

import time

import numpy as np

SAMPLES, BATCH, STEPS, FEATURES, UNITS = 10_000, 64, 50, 8, 64


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((SAMPLES, STEPS, FEATURES), dtype=np.float32)
    y = rng.standard_normal((SAMPLES, 1), dtype=np.float32)
    return x, y


def minikeras_epoch(x, y, repeat=3):
    """Seconds for one epoch of fit (the best of `repeat`, after a warm-up)."""
    import minikeras as keras
    from minikeras.layers import LSTM, Dense
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(STEPS, FEATURES)), LSTM(UNITS), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x[:BATCH * 4], y[:BATCH * 4], batch_size=BATCH, epochs=1, verbose=0)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        best = min(best, time.perf_counter() - start)
    return best


def torch_epoch(x, y, repeat=3):
    """Seconds for the same epoch in PyTorch eager mode, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
            self.dense = torch.nn.Linear(UNITS, 1)

        def forward(self, inputs):
            _, (h, _) = self.lstm(inputs)
            return self.dense(h[-1])

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def epoch(count):
        order = torch.randperm(count)
        for start in range(0, count, BATCH):
            index = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(net(xt[index]), yt[index])
            loss.backward()
            optimizer.step()

    epoch(BATCH * 4)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        epoch(SAMPLES)
        best = min(best, time.perf_counter() - start)
    return best


def run():
    x, y = _data()
    ours = minikeras_epoch(x, y)
    theirs = torch_epoch(x, y)
    note = "PyTorch not installed (pip install torch to compare)" if theirs is None else \
        f"{ours / theirs:.2f}x PyTorch eager ({theirs:.2f} s in this run)"
    return [("lstm_seq: one epoch of fit (10,000 x 50 x 8, LSTM(64), batch 64)", ours, "s",
             note)]
