# cpsgrad fuzz regression: a recursive function whose argument is another call's result.
import numpy as np


def rec(u, n):
    if n == 0:
        return u
    return np.sin(rec(u, n - 1)) + 0.1 * u


def f(x):
    return np.sum(rec(rec(x, 1), 1))


ARGS = (np.array([0.3, 0.7]),)
WRT = (0,)
