# cpsgrad fuzz regression (WRONG, zero gradient): a user function that returns its parameter
# unchanged, applied to a call's result: ident(ident(x)), ident(twice(x)), ident(float(x)),
# rec(rec(x, 1), 1) whose base case returns u (ident(x * 2.0) is right).
import numpy as np


def ident(u):
    return u


def f(x):
    return np.sum(ident(ident(x)))


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
