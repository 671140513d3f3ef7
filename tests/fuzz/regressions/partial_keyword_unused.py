# cpsgrad fuzz regression (CRASH): functools.partial holding an active keyword it never
# uses. TypeError: unsupported operand type(s) for +: 'float' and 'NoneType'
import functools

import numpy as np


def pair_fn1(a, c):
    return a


def f(x, y, z):
    bound1 = functools.partial(pair_fn1, c=x)
    t1 = bound1(z - z)
    g1 = lambda: x
    if y.mean() > bound1(t1):
        v1 = g1()
    else:
        v1 = bound1(z)
    return np.sum(v1)


ARGS = (np.array([[0.39], [0.09], [-0.45]]),
        np.array([[0.83, 0.95], [0.92, -0.46], [-0.02, -0.65]]), 0.64)
WRT = (0, 2)
