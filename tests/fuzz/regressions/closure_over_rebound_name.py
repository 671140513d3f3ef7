# cpsgrad fuzz regression (WRONG value): a closure reads a name rebound after the def (the
# "Closures" item of docs/limitations.md, but silent: the value and gradient are wrong).
import numpy as np


def f(x):
    c = x * 0.5
    def g(u):
        return u * c
    c = x * 1.5
    return np.sum(g(x))


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
