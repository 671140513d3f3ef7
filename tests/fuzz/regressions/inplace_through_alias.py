# cpsgrad fuzz regression: an in-place write through a second name of the same array; the
# adjoint follows the name, not the object.
import numpy as np


def f(x):
    y = np.zeros(2)
    z = y
    z[0] = x[0]
    return np.sum(y * x)


ARGS = (np.array([0.3, 0.7]),)
WRT = (0,)
