# cpsgrad fuzz regression (UNEXPECTED-REJECTED): closures stored in a list, called in a loop.
# NoRuleError: no gradient rule for `fn`
import numpy as np


def f(x, z):
    fs = [lambda u: u * z, lambda u: np.sin(u)]
    acc = 0.0
    for fn in fs:
        acc = acc + np.sum(fn(x))
    return acc


ARGS = (np.array([0.3, -0.7]), 0.4)
WRT = (0, 1)
