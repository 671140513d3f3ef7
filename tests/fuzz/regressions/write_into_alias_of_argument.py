# cpsgrad fuzz regression (WRONG): a write through a second name of an argument; the
# overwritten entry no longer depends on x, the emitted gradient still says it does.
import numpy as np


def f(x):
    y = x
    y[0] = 0.5
    return np.sum(x)


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
