# cpsgrad fuzz regression (WRONG value): a closure returns an array it closes over, and
# `t1 -= ...` changes it in place, which the closure's next call sees (now refused).
import collections

import numpy as np

Pair1 = collections.namedtuple("Pair1", ["a", "c"])


def f(xs):
    pair1 = Pair1(1.0, np.ones((3,))[::-1])

    def g1():
        return pair1.c
    t1 = g1()
    t1 -= pair1.c
    v1 = g1()
    return np.sum(v1)


ARGS = ([np.array([[0.33, -0.38], [-0.74, -0.76]]), np.array([[0.15, 0.64], [0.69, 0.27]])],)
WRT = (0,)
