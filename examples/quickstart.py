"""cpsgrad in one screen: differentiate a small recurrent model written in plain Python.

Run:  python examples/quickstart.py
"""

import numpy as np

import cpsgrad


@cpsgrad.grad(wrt=(0, 1))
def loss(W, b, xs, target):
    """A tiny RNN: a Python loop over the inputs, then a squared error."""
    h = np.zeros(3)
    for x in xs:
        h = np.tanh(W @ h + x + b)
    err = h - target
    return np.sum(err ** 2)


def main():
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 3)) * 0.5, np.zeros(3)
    xs = [rng.normal(size=3) for _ in range(5)]
    target = np.array([0.9, -0.8, 0.3])

    for step in range(60):
        dW, db = loss(W, b, xs, target)
        W, b = W - 0.05 * dW, b - 0.05 * db
        if step % 15 == 0:
            print(f"step {step:2d}  loss {loss.__wrapped__(W, b, xs, target):.5f}")
    print(f"final    loss {loss.__wrapped__(W, b, xs, target):.5f}")
    print("\ngradient of W:\n", np.round(dW, 5))
    cpsgrad.check_grads(loss.__wrapped__, W, b, xs, target, wrt=(0, 1))
    print("\n(the gradient matches finite differences)\n")
    print("---- the emitted adjoint (cpsgrad.show_source(loss)) ----")
    print(cpsgrad.show_source(loss))


if __name__ == "__main__":
    main()
