# cpsgrad fuzz regression (CRASH): a lambda without parameters closing over an argument.
# SyntaxError: no binding for nonlocal 'y_bar' found (in the emitted module)
import numpy as np


def f(y):
    g = lambda: y
    return np.sum(g())


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
