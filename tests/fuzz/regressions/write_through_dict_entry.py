# cpsgrad fuzz regression (UNEXPECTED-REJECTED): an in-place write through a dict entry.
# TransformError: only writes into a named array or list (`x[i] = v`) are supported
import numpy as np


def f(x):
    box = {'buf': np.ones(2)}
    box['buf'][0] = np.sin(x[1])
    return np.sum(box['buf'] * x)


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
