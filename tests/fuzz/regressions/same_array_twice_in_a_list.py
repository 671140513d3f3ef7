# cpsgrad fuzz regression (WRONG): one array held twice by a list literal, written through
# the first slot and read through the second.
import numpy as np


def f(x, y):
    buf1 = y.copy()
    bufs1 = [buf1, buf1]
    for i1 in range(2):
        bufs1[0][i1] = max(x, x)
    return np.sum(bufs1[1])


ARGS = (-0.59, np.array([-1.14, -0.12]))
WRT = (0, 1)
