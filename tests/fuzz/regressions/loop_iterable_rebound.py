# cpsgrad fuzz regression (WRONG value and gradient): `for r in y:` whose body rebinds `y`.
# Python iterates over the original array; the emitted code does not.
import numpy as np


def f(y):
    for r in y:
        y = r - y
    return np.sum(y[1])


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
