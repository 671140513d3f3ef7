# cpsgrad fuzz regression (CRASH, a hang): an unused dict literal of active values; the
# dead-code pass (transforms/optimize.py) never reaches its fixpoint.
import numpy as np


def f(x):
    d = {'a': x}
    return np.sum(x)


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
