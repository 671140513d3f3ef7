# cpsgrad fuzz regression (UNEXPECTED-REJECTED): a closure returned from a factory, called.
# NoRuleError: no gradient rule for `g`
import numpy as np


def make(c):
    def made(u):
        return u * c
    return made


def f(x):
    g = make(x[0])
    return np.sum(g(x))


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
