"""A two-layer network learns XOR from raw ops and plain gradient descent.

    python -m minikeras.examples.xor

Everything a framework does in a training step is visible here: the forward pass built from
ops, `loss.backward()` walking the tape, and the update of each weight from its gradient.
"""

import numpy as np

from minikeras import ops
from minikeras.backend import Variable, no_grad
from minikeras.utils import set_random_seed


def train(steps=2000, learning_rate=0.5, hidden=8, seed=0, log=print):
    """Train on the four XOR points; return the final loss and the predicted probabilities."""
    set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    t = np.array([[0], [1], [1], [0]], dtype=np.float32)
    w1 = Variable(rng.normal(0.0, 1.0, (2, hidden)), name="w1")
    b1 = Variable(np.zeros(hidden), name="b1")
    w2 = Variable(rng.normal(0.0, 1.0, (hidden, 1)), name="w2")
    b2 = Variable(np.zeros(1), name="b2")
    weights = [w1, b1, w2, b2]

    def forward(inputs):
        h = ops.tanh(ops.dense(inputs, w1, b1))
        return ops.dense(h, w2, b2)  # logits

    for step in range(1, steps + 1):
        loss = ops.mean(ops.binary_crossentropy(t, forward(x), from_logits=True))
        for w in weights:
            w.zero_grad()
        loss.backward()
        for w in weights:
            w.assign_sub(learning_rate * w.grad)
        if log and (step == 1 or step % (steps // 5) == 0):
            log(f"step {step:5d}  loss {float(loss):.4f}")
    with no_grad():
        probabilities = ops.sigmoid(forward(x)).numpy()
    return float(loss), probabilities


def main():
    loss, probabilities = train()
    print("input  target  predicted")
    for inputs, target, p in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [0, 1, 1, 0],
                                 probabilities[:, 0]):
        print(f"{inputs}   {target}      {p:.3f}")
    print(f"final loss {loss:.4f}")


if __name__ == "__main__":
    main()
