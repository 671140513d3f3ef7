# cpsgrad fuzz regression (WRONG, NaN): np.std of one element is the constant 0, but the
# rule divides by it (autograd gives 0).
import numpy as np


def f(x):
    return np.std(x[0:1]) + np.sum(x)


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
