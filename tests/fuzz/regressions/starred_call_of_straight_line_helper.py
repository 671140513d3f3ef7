# cpsgrad fuzz regression (CRASH): a straight-line helper called with *args was inlined
# with the starred list as one argument. SyntaxError: can't use starred expression here
import numpy as np


def helper1(arg0, scale=1.2):
    return abs(scale) * arg0


def f(y):
    t1 = helper1(*[y])
    return np.sum(t1)


ARGS = (1.12,)
WRT = (0,)
