# cpsgrad fuzz regression (WRONG, zero gradient): a lambda that returns a captured value,
# called with a constant (without the second use of x it crashes: no binding for nonlocal).
import numpy as np


def f(x):
    g = lambda u: x * u
    return np.sum(g(2.0)) + np.sum(x)


ARGS = (np.array([0.3, -0.7, 1.1]),)
WRT = (0,)
