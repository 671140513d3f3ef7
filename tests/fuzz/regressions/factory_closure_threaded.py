# cpsgrad fuzz regression (WRONG): a factory's closure called while the factory's parameter
# is a threaded accumulator: the closure's contributions were overwritten.
import functools

import numpy as np


def pair_fn1(a, c):
    return a


def helper1(arg0, arg1, arg2, scale=1.5):
    return arg1


def make1(c):
    return lambda u: c


def f(x, y):
    bound1 = functools.partial(pair_fn1, c=y.flatten())
    t1 = bound1(x)
    t2 = helper1(0.3, helper1(t1, t1, 0.7), 1.3, 1.7)
    g1 = make1(t2[:, None])
    t3 = g1(t1)
    return np.sum(t3)


ARGS = (np.array([[0.79], [0.67]]), np.array([[-1.11], [-0.72]]))
WRT = (0, 1)
