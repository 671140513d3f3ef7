# cpsgrad fuzz regression (UNEXPECTED-REJECTED): an in-place write through a list element.
# TransformError: only writes into a named array or list (`x[i] = v`) are supported
import numpy as np


def f(x):
    buf = np.zeros(2)
    items = [buf, 1.0]
    items[0][1] = x[0] * x[1]
    return np.sum(buf * x)


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
