# cpsgrad fuzz regression (WRONG value): `alias += v` changes the array `alias` and `buf` both
# name (NumPy adds in place); the emitted code rebinds the name only.
import numpy as np


def f(x):
    buf = x * 1.0
    alias = buf
    alias += x * x
    return np.sum(buf)


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
