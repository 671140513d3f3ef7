# cpsgrad fuzz regression: a closure over an active value, called with a constant argument,
# loses the gradient of that call.
import numpy as np


def f(x):
    def inner(v):
        return v * x[0]
    return inner(x[1]) + inner(2.0)


ARGS = (np.array([0.3, 0.7]),)
WRT = (0,)
