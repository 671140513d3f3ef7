# cpsgrad fuzz regression (CRASH): a lambda calling a nested def that reads x.
# RuntimeError: dictionary changed size during iteration
import numpy as np


def f(x):

    def g1():
        return x
    g3 = lambda u2: g1()
    t3 = g3(1.1)
    return np.sum(t3)


ARGS = (np.array([[-1.03, 0.71, 1.10], [-0.20, 0.16, -0.39], [0.16, 1.04, 0.41]]),)
WRT = (0,)
