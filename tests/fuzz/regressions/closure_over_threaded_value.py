# cpsgrad fuzz regression (WRONG): a lambda passed to a helper reads the array also passed
# as an argument; the helper's threaded accumulator overwrote what the lambda added.
import numpy as np


def apply1(fn, v):
    return fn(v)


def f(x):
    buf1 = np.ones((3,))
    box1 = {"buf": buf1}
    box1["buf"][0] = np.std(x)
    t1 = apply1(lambda u: buf1, buf1)
    return np.sum(t1)


ARGS = (np.array([[0.85], [-0.99], [-0.71]]),)
WRT = (0,)
