# cpsgrad fuzz regression (WRONG: NaN where the gradient is 0, seed 6109869 of a 10,000-program
# run): `t1 = apply1(...)` (a call of user code, kept for its effects) made the *name* t1 count
# as used, so its rebinding `t1 = np.cbrt(arg0) - ...` in the loop got an adjoint too, although
# the result never reads it; its zero adjoint times cbrt's infinite slope at 0 gave 0 / 0.
import numpy as np


def apply1(fn, v):
    return fn(v)


def helper1(arg0):
    t1 = apply1(np.tanh, np.ones((1, 4)))
    for i1 in range(4):
        t1 = np.cbrt(arg0) - t1[:, :1]
        arg0 = arg0 - (1.0 + i1)
    return 0.5 + 0.5 * np.tanh(arg0)


def f(x):
    t2 = helper1(np.hypot(helper1(x), 1.0))
    xs2 = [np.full((2, 4), 1.7), np.vstack([np.ones((1, 4)), np.ones((1, 4))])]
    s1 = tuple(xs2)
    return np.sum(s1[0])


ARGS = (np.array([1.0719760365265676, 0.0321936272987462]),)
WRT = (0,)
