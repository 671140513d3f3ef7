"""Programs whose adjoints depend on broadcasting, for tests/test_broadcast_random.py.

Loaded a second time with ``np`` bound to ``autograd.numpy`` (ORACLE_NUMPY) as the oracle.
Every function takes three arrays of broadcast-compatible random shapes and returns a scalar.
"""

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np


def mixed(a, b, c):
    return np.sum(np.tanh(a * b + c) * (a - c) / (1.5 + b * b))


def keepdims(a, b, c):
    s = a * b + c
    m = np.sum(s, axis=-1, keepdims=True)
    return np.sum((s - m) ** 2) + np.sum(np.max(s, axis=0) * 0.5)


def carried(a, b, c):
    h = 0.5
    for _ in range(3):
        h = np.sin(h * a + b) * c + h * 0.25
    return np.sum(h * h)


def carried_from_argument(a, b, c):
    """``h`` starts with ``a``'s shape and grows to the broadcast shape: its pattern at the
    loop head joins both, so some axes are unknown."""
    h = a
    for _ in range(3):
        h = np.sin(h * c) + b
    return np.sum(h)


def branch(a, b, c):
    y = a + b
    if np.sum(y) > 0.0:
        z = y * c
    else:
        z = y - c
    return np.sum(np.exp(-z * z))


def helper(x, y):
    return x * y + np.cos(y)


def through_call(a, b, c):
    params = {"a": a, "b": b}
    u = helper(params["a"], c)
    return np.sum(u * params["b"]) + np.sum(helper(b, u))


def sliced(a, b, c):
    first = a[:1]
    return np.sum(first * b + c * a[-1:] + a[..., :1] * c)


PROGRAMS = [mixed, keepdims, carried, carried_from_argument, branch, through_call, sliced]
