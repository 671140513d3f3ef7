"""Six representative functions whose emitted gradients are checked against tests/golden/."""

import numpy as np


def straight_line(x, y):
    a = x * y + np.sin(x)
    b = a / y
    return np.sum(b * b)


def branch(x):
    if np.sum(x) > 0:
        y = np.exp(x)
    else:
        y = -x
    return np.sum(y)


def loop(x, W):
    h = x
    for t in range(3):
        h = np.tanh(W @ h)
    return np.sum(h * h)


def while_break(x):
    y = x
    while True:
        y = y * 0.5
        if np.sum(y * y) < 0.1:
            break
    return np.sum(y)


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def param_dict(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum(h * h)


GOLDEN = [
    ("straight_line", straight_line, (0, 1)),
    ("branch", branch, 0),
    ("loop", loop, (0, 1)),
    ("while_break", while_break, 0),
    ("power", power, 0),
    ("param_dict", param_dict, 0),
]
