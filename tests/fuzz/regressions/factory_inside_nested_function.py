# cpsgrad fuzz regression (UNEXPECTED-REJECTED): a closure returned by a factory, called
# inside a nested def. NoRuleError: no gradient rule for `g2`
import numpy as np


def helper1(arg0, arg1):
    pass


def make1(c):
    return lambda u: c


def f(x, y):
    t1 = helper1(y.T, y.mean())

    def g1():
        g2 = make1(x)
        t2 = g2(t1)
        return t2
    t3 = g1()
    v1 = t3
    return np.sum(v1)


ARGS = (np.array([[0.235, 0.204]]), np.array([[0.661, -0.307]]))
WRT = (0, 1)
