# cpsgrad fuzz regression (CRASH): a list from .tolist() summed and indexed; its adjoint was
# taken for an array's. ValueError: zip() argument 2 is shorter than argument 1
import numpy as np


def f(x):
    s2 = x[0].tolist()
    total1 = sum(s2)
    return total1 + s2[0]


ARGS = (np.array([[1.09, 1.07, -0.25]]),)
WRT = (0,)
