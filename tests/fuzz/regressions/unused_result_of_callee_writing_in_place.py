# cpsgrad fuzz regression (WRONG gradient, seed 501987): a helper's result is unused, so the
# call was taken as not differentiated and ran as plain Python, where `arg0 *= 1.5` changed
# a view of the caller's array in place (now: a call of user code counts as used, is
# differentiated, and the write into the caller's array is refused).
import numpy as np


def helper1(arg0, arg1):
    arg0 *= 1.5


def f(x):
    s1 = 1.2
    buf1 = np.zeros((2,))
    for i1 in range(2):
        buf1[i1] = np.sum(x)
    v2 = buf1
    t1 = helper1(1.5, helper1(v2[None, :], s1))
    return np.sum(v2)


ARGS = (np.array([-0.98, -1.082]),)
WRT = (0,)
