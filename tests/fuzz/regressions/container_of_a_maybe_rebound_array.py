# cpsgrad fuzz regression (WRONG): a list holds y, y may be rebound by a loop, then y is
# written: the list holds y's old array only if the loop ran (now refused).
import numpy as np


def f(x, y):
    xs1 = [y, y, -1]
    for r1 in x:
        y = y * y
    y[0] = 1.5
    return np.sum(xs1[1])


ARGS = (np.array([[-0.31], [-0.91], [0.44]]), np.array([[0.44, 0.34, 0.40]]))
WRT = (0, 1)
