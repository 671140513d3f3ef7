# cpsgrad fuzz regression (WRONG): np.std of values equal up to rounding (a std of a few
# ulps) gave a gradient of 1 where it is 0.
import numpy as np


def f(x):
    row = np.linalg.solve(2.0 + 0.3 * (0.9 * np.ones((1, 1))), np.full((1, 3), 1.5))
    acc1 = row @ np.full((3, 3), 1.5)
    return np.std(x + acc1)


ARGS = (-0.020391462052344878,)
WRT = (0,)
